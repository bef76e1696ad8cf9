package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/internal/mongodb"
)

// TestServeRepairsCountersACrashLeft: a crash left three votes stored and
// neither counted on their idea nor marked on their ballots. The site,
// started again, repairs both while it serves, without an operator: the
// idea's page shows three votes and the voter's mark.
func TestServeRepairsCountersACrashLeft(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	base := "http://" + addr
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": base, "FANCLUB_DATA_DIR": dir}
	sessions, ideas := shutdownClub(t, dir, base)
	ctx := context.Background()
	conn, err := mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	var group struct {
		ID string `bson:"_id"`
	}
	if err := conn.DB.Collection("groups").FindOne(ctx, bson.M{"slug": "club"}).Decode(&group); err != nil {
		t.Fatal(err)
	}
	for _, s := range sessions[:3] {
		if _, err := conn.DB.Collection("votes").InsertOne(ctx, bson.M{"_id": string(ideas[0]) + ":" + string(s.AccountID),
			"idea": ideas[0], "group": group.ID, "account": s.AccountID, "createdAt": time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}

	defer func(d time.Duration) { repairSettle = d }(repairSettle)
	repairSettle = 10 * time.Millisecond
	log := &syncBuffer{}
	stop := startServe(t, addr, func(k string) string { return env[k] }, log)
	defer stop()
	count := regexp.MustCompile(`aria-pressed="(true|false)"[^>]*>[\s\S]*?data-testid="vote-count">(\d+)<`)
	var got []string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, base+"/groups/club/ideas/"+string(ideas[0]), nil)
		req.Header.Set("Cookie", "fanclub_session="+sessions[0].token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got = count.FindStringSubmatch(string(body)); got != nil && got[1] == "true" && got[2] == "3" {
			break
		}
	}
	if got == nil || got[1] != "true" || got[2] != "3" {
		t.Fatalf("the idea page shows %q (voted, count), want true and 3 after the repair; log:\n%s", got, log)
	}
}
