package mongodb

import (
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
)

// docCache keeps, on the embedded store, documents recently read by _id,
// so that what every page asks for again and again (the session, the
// account, the group, the membership, the posts of a page) costs no round
// trip. A lookup on the embedded server costs about half a millisecond of
// the two cores, and a page makes a few dozen.
//
// It is exact, because this process is the database's only writer and
// every write goes through Collection: a write drops the documents it
// wrote, by _id, under the write lock once it has landed, or the whole
// collection when it cannot say which (a write the server evaluates
// itself). A read that missed fills the cache only if no write dropped
// anything while it read (seq), so it never puts back what a write
// replaced.
type docCache struct {
	mu    sync.Mutex
	seq   uint64                         // moves with every drop
	colls map[string]map[string]bson.Raw // by database and collection, then by _id
	size  int                            // bytes held
	max   int
}

// cacheBytes bounds what the cache holds.
const cacheBytes = 64 << 20

func newDocCache(max int) *docCache {
	return &docCache{colls: map[string]map[string]bson.Raw{}, max: max}
}

// cacheKey is a collection's key in the cache.
func cacheKey(database, collection string) string { return database + "." + collection }

// idKey is an _id's key: its BSON type and bytes.
func idKey(id any) (string, bool) {
	t, b, err := bson.MarshalValue(id)
	if err != nil {
		return "", false
	}
	return string(append([]byte{byte(t)}, b...)), true
}

// get returns the document cached under id, if any, and the sequence a
// fill after a miss must present.
func (c *docCache) get(coll, id string) (bson.Raw, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	doc, ok := c.colls[coll][id]
	return doc, c.seq, ok
}

// fill caches doc under id, read after get returned seq, unless a write
// dropped something since.
func (c *docCache) fill(coll, id string, doc bson.Raw, seq uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if seq != c.seq || len(doc) > c.max/64 {
		return
	}
	docs := c.colls[coll]
	if docs == nil {
		docs = map[string]bson.Raw{}
		c.colls[coll] = docs
	}
	c.size += len(doc) - len(docs[id])
	docs[id] = doc
	for _, docs := range c.colls { // over the bound: drop some, at random, of any collection
		for k, d := range docs {
			if c.size <= c.max {
				return
			}
			c.size -= len(d)
			delete(docs, k)
		}
	}
}

// drop forgets the documents of ids.
func (c *docCache) drop(coll string, ids ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	for _, id := range ids {
		c.size -= len(c.colls[coll][id])
		delete(c.colls[coll], id)
	}
}

// dropCollection forgets every document of a collection.
func (c *docCache) dropCollection(coll string) {
	c.dropWhere(func(k string) bool { return k == coll })
}

// dropDatabase forgets every document of a database.
func (c *docCache) dropDatabase(database string) {
	c.dropWhere(func(k string) bool { return strings.HasPrefix(k, database+".") })
}

func (c *docCache) dropWhere(match func(coll string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	for k, docs := range c.colls {
		if match(k) {
			for _, d := range docs {
				c.size -= len(d)
			}
			delete(c.colls, k)
		}
	}
}
