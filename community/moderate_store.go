package community

import (
	"context"
	"maps"

	"fanclub/internal/mongodb"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// maxHeld bounds the held posts a queue shows at once.
const maxHeld = 50

// queue builds a moderation queue within scope (a group, or the site) in
// a fixed number of queries: open reports, held posts, then the posts,
// comments and groups they concern, each with one $in.
func (s *Service) queue(ctx context.Context, scope bson.M, groups map[GroupID]Group) (Queue, error) {
	var q Queue
	filter := maps.Clone(scope)
	filter["resolved"] = false
	var reports []reportDoc
	if err := s.findAll(ctx, s.reports, filter, bson.D{{Key: "createdAt", Value: 1}}, maxQueue, &reports, "list reports"); err != nil {
		return q, err
	}
	heldFilter := maps.Clone(scope)
	heldFilter["state"] = Held
	var held []postDoc
	if err := s.findAll(ctx, s.posts, heldFilter, bson.D{{Key: "createdAt", Value: 1}}, maxHeld, &held, "list held posts"); err != nil {
		return q, err
	}
	// One item per reported target, in the order of its oldest report.
	var items []QueueItem
	var postIDs, commentIDs []string
	groupIDs := []GroupID{}
	at := map[string]int{} // target → index in items
	for _, r := range reports {
		i, seen := at[r.Target]
		if !seen {
			i, at[r.Target] = len(items), len(items)
			items = append(items, QueueItem{Group: Group{ID: r.Group}, Post: Post{ID: r.Post}})
			postIDs, groupIDs = append(postIDs, string(r.Post)), append(groupIDs, r.Group)
			if r.Comment != "" {
				items[i].Comment = &Comment{ID: r.Comment}
				commentIDs = append(commentIDs, string(r.Comment))
			}
		}
		items[i].Reports = append(items[i].Reports, Report{ReporterName: r.ReporterName, Reason: r.Reason, Note: r.Note, CreatedAt: r.CreatedAt})
	}
	for _, p := range held {
		groupIDs = append(groupIDs, p.Group)
	}
	var posts []postDoc
	var comments []commentDoc
	if err := s.findAll(ctx, s.posts, bson.M{"_id": bson.M{"$in": nonEmpty(postIDs)}}, nil, len(postIDs), &posts, "list reported posts"); err != nil {
		return q, err
	}
	if err := s.findAll(ctx, s.comments, bson.M{"_id": bson.M{"$in": nonEmpty(commentIDs)}}, nil, len(commentIDs), &comments, "list reported comments"); err != nil {
		return q, err
	}
	if groups == nil {
		var gs []groupDoc
		if err := s.findAll(ctx, s.groups, bson.M{"_id": bson.M{"$in": groupIDs}}, nil, len(groupIDs), &gs, "list groups"); err != nil {
			return q, err
		}
		groups = map[GroupID]Group{}
		for _, g := range gs {
			groups[g.ID] = g.group()
		}
	}
	q.Items = fillQueue(items, groups, posts, comments)
	for _, p := range held {
		q.Items = append(q.Items, QueueItem{Group: groups[p.Group], Post: p.post()})
	}
	return q, nil
}

// fillQueue puts the groups, posts and comments read into the items that
// name them, leaving out those whose content was deleted meanwhile.
func fillQueue(items []QueueItem, groups map[GroupID]Group, posts []postDoc, comments []commentDoc) []QueueItem {
	postByID := map[PostID]Post{}
	for _, p := range posts {
		postByID[p.ID] = p.post()
	}
	commentByID := map[CommentID]Comment{}
	for _, c := range comments {
		commentByID[c.ID] = c.comment()
	}
	var out []QueueItem
	for _, it := range items {
		it.Group, it.Post = groups[it.Group.ID], postByID[it.Post.ID]
		if it.Comment != nil {
			c, ok := commentByID[it.Comment.ID]
			if !ok || c.State == Deleted {
				continue
			}
			it.Comment = &c
		}
		if it.Post.ID == "" || it.Post.State == Deleted {
			continue
		}
		out = append(out, it)
	}
	return out
}

// findAll runs a bounded find and decodes every result into out.
func (s *Service) findAll(ctx context.Context, coll *mongodb.Collection, filter bson.M, sort bson.D, n int, out any, what string) error {
	if n == 0 {
		return nil
	}
	opts := options.Find().SetLimit(int64(n))
	if sort != nil {
		opts.SetSort(sort)
	}
	cur, err := coll.Find(ctx, filter, opts)
	if err != nil {
		return wrap(err, what)
	}
	return wrap(cur.All(ctx, out), what)
}

func nonEmpty(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
