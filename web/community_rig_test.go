package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/auth"
	"fanclub/community"
	"fanclub/internal/ratelimit"
)

// person is a signed-in browser and the account behind it.
type person struct {
	*browser
	ID    auth.AccountID
	Email string
	Name  string
}

// signUp signs a new person in by email link and names them after the
// email's local part. The first person on a site becomes its owner.
func (s *site) signUp(t *testing.T, email string) person {
	t.Helper()
	b := s.newBrowser()
	b.signInByEmailLink(t, s, email)
	var d struct {
		ID auth.AccountID `bson:"_id"`
	}
	if err := s.DB.Collection("accounts").FindOne(context.Background(), bson.M{"email": email}).Decode(&d); err != nil {
		t.Fatalf("find account %s: %v", email, err)
	}
	name, _, _ := strings.Cut(email, "@")
	if _, err := s.DB.Collection("accounts").UpdateOne(context.Background(), bson.M{"_id": d.ID},
		bson.M{"$set": bson.M{"name": name}}); err != nil {
		t.Fatal(err)
	}
	return person{browser: b, ID: d.ID, Email: email, Name: name}
}

// makeSiteAdmin has the site's owner (the first account) make the person
// an admin, as the team page does.
func (s *site) makeSiteAdmin(t *testing.T, p person) {
	t.Helper()
	ctx := context.Background()
	staff, err := s.Auth.Staff(ctx)
	if err != nil || len(staff) == 0 || staff[0].Role != auth.RoleOwner {
		t.Fatalf("no owner to appoint an admin: %v %v", staff, err)
	}
	if _, err := s.Auth.AppointAdmin(ctx, staff[0], p.Email); err != nil {
		t.Fatalf("make %s an admin: %v", p.Email, err)
	}
}

// actor is how community sees the person now.
func (s *site) actor(t *testing.T, p person) community.Actor {
	t.Helper()
	a, err := s.Auth.AccountByID(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return community.Actor{Account: a}
}

// newGroup has staff create a group straight through community; tests of
// the create form itself go through HTTP.
func (s *site) newGroup(t *testing.T, staff person, in community.GroupInput) community.Group {
	t.Helper()
	if in.Name == "" {
		in.Name = "Group " + in.Slug
	}
	if in.Visibility == "" {
		in.Visibility = community.Listed
	}
	if in.Policy == "" {
		in.Policy = community.JoinOpen
	}
	g, err := s.Community.CreateGroup(context.Background(), s.actor(t, staff), in)
	if err != nil {
		t.Fatalf("create group %s: %v", in.Slug, err)
	}
	return g
}

// join makes the person an active member of an open group.
func (s *site) join(t *testing.T, slug string, p person) {
	t.Helper()
	st, err := s.Community.Join(context.Background(), s.actor(t, p), slug, "")
	if err != nil || st != community.StateActive {
		t.Fatalf("join %s: %v %v", slug, st, err)
	}
}

// crowd are site options for a test that signs many people up from one
// address and has them write a lot: no limit gets in the way.
func crowd() siteOptions {
	many := ratelimit.Rule{Max: 100000, Window: time.Minute}
	return siteOptions{limits: community.Limits{PostsPerMinute: many, PostsPerDay: many, VotesPerMinute: many, VotesPerDay: many},
		authLimits: auth.Limits{SignInPerIP: many, LinkPerIP: many, LinkPerEmail: many, SessionsPerIP: many}}
}

// regexpFind returns the first submatch of pattern in body.
func regexpFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s", pattern)
	}
	return m[1]
}
