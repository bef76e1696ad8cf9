package loyalty_test

import (
	"fmt"
	"sync"
	"testing"

	"fanclub/community"
	"fanclub/internal/mongodb"
	"fanclub/internal/mongotest"
	"fanclub/loyalty"
)

// opCounter counts the database operations a piece of work costs.
type opCounter struct {
	mu  sync.Mutex
	ops []mongodb.Op
}

func (c *opCounter) observe(op mongodb.Op) { c.mu.Lock(); c.ops = append(c.ops, op); c.mu.Unlock() }

// during returns the writes and reads f makes, and whether any read was
// a scan.
func (c *opCounter) during(f func()) (writes, reads int, scans []string) {
	c.mu.Lock()
	c.ops = nil
	c.mu.Unlock()
	f()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, op := range c.ops {
		switch op.Name {
		case "insert", "update", "delete", "findAndModify":
			writes++
		default:
			reads++
		}
		if op.Scan {
			scans = append(scans, op.Name+" "+op.Collection)
		}
	}
	return writes, reads, scans
}

// TestAwardingAddsTwoWrites: a post costs two more writes with the
// programme on than off (its entries, in one insert, and the balance),
// the first post in a group with its extra award included, however long
// the member's history; no award scans a collection.
func TestAwardingAddsTwoWrites(t *testing.T) {
	var c opCounter
	r := newRigOn(t, mongotest.NewObserved(t, c.observe))
	ann := r.member("ann@example.com")
	r.group("tea", ann)
	r.group("coffee", ann)
	me := community.Actor{Account: ann}
	post := func(slug string) func() {
		return func() {
			if _, err := r.cm.CreatePost(r.ctx, me, slug, "Hello"); err != nil {
				t.Fatal(err)
			}
		}
	}
	post("tea")() // the member's first post anywhere (first visits and counters settle)
	off, _, _ := c.during(post("tea"))
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnPost: {10, 0}, loyalty.EarnFirstPost: {50, 0}})
	for i := 0; i < 60; i++ { // a long history
		if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnVote, Thing: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		f    func()
	}{{"a post", post("tea")}, {"a first post in a group", post("coffee")}} {
		on, _, scans := c.during(tc.f)
		if on-off > 2 || on-off < 1 {
			t.Errorf("%s: %d writes with the programme on, %d off; want at most 2 more (and some)", tc.name, on, off)
		}
		if len(scans) > 0 {
			t.Errorf("%s scanned: %v", tc.name, scans)
		}
	}
	if st := r.statement(ann); st.Balance != 10+10+50 {
		t.Fatalf("balance %d, want 70", st.Balance)
	}
}

// TestStatementCostsTheSameWhateverTheHistory: the member's page reads
// the same few documents with 3 entries or 300, by _id.
func TestStatementCostsTheSameWhateverTheHistory(t *testing.T) {
	var c opCounter
	r := newRigOn(t, mongotest.NewObserved(t, c.observe))
	r.rules(12, map[loyalty.Earning][2]int{loyalty.EarnVote: {1, 0}})
	ann := r.member("ann@example.com")
	cost := func() int {
		_, reads, scans := c.during(func() { r.statement(ann) })
		if len(scans) > 0 {
			t.Errorf("the statement scanned: %v", scans)
		}
		return reads
	}
	award := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := r.l.Award(r.ctx, ann.ID, loyalty.Deed{Earning: loyalty.EarnVote, Thing: fmt.Sprint(n, "-", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	award(3)
	few := cost()
	award(300)
	if many := cost(); many != few {
		t.Fatalf("the statement read %d times with 3 entries, %d with 303; want the same", few, many)
	}
}
