package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"

	"fanclub/internal/mongodb"
)

// TestServeRecordsActivity runs the site on a data directory made before
// the activity record existed: at start every account gets the day it
// joined, and from then on a member's visit and vote through the site
// land in the record.
func TestServeRecordsActivity(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	base := "http://" + addr
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": base, "FANCLUB_DATA_DIR": dir}
	sessions, ideas := shutdownClub(t, dir, base)
	stop := startServe(t, addr, func(k string) string { return env[k] }, io.Discard)
	voter := sessions[0]
	send := func(method, path string, form url.Values) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Origin", base)
		req.Header.Set("Cookie", "fanclub_session="+voter.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d", method, path, res.StatusCode)
		}
	}
	send(http.MethodGet, "/", nil)
	send(http.MethodPost, "/groups/club/ideas/"+string(ideas[0])+"/vote", url.Values{"on": {"1"}, "_csrf": {voter.CSRF}})
	stop()

	ctx := context.Background()
	conn, err := mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	type rollup struct {
		ID     string           `bson:"_id"`
		Joined int32            `bson:"j"`
		Last   map[string]int32 `bson:"k"`
		Counts map[string]int   `bson:"n"`
	}
	rows := map[string]rollup{}
	for _, d := range all[rollup](t, conn.DB, "activity") {
		rows[d.ID] = d
	}
	accounts := all[struct {
		ID string `bson:"_id"`
	}](t, conn.DB, "accounts")
	if len(accounts) != 9 {
		t.Fatalf("%d accounts, want the club's 9", len(accounts))
	}
	for _, a := range accounts {
		if rows[a.ID].Joined == 0 {
			t.Errorf("account %s, made before the record, has no join day", a.ID)
		}
	}
	row := rows[string(voter.AccountID)]
	if row.Counts["vote"] != 1 || row.Last["visit"] == 0 {
		t.Errorf("the voter's record: %d votes, last visit on day %d; want 1 vote and a visit", row.Counts["vote"], row.Last["visit"])
	}
}

// TestServeDailyUpkeep: the upkeep serve runs after start-up (and daily)
// forgets the activity of an account deleted meanwhile and tells a
// member who agreed to news three years ago that they did.
func TestServeDailyUpkeep(t *testing.T) {
	addr, dir := freeAddr(t), t.TempDir()
	base := "http://" + addr
	env := map[string]string{"FANCLUB_ADDR": addr, "FANCLUB_BASE_URL": base, "FANCLUB_DATA_DIR": dir}
	sessions, _ := shutdownClub(t, dir, base)
	gone, agreed := string(sessions[0].AccountID), string(sessions[1].AccountID)
	ctx := context.Background()
	conn, err := mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	accounts := conn.DB.Collection("accounts")
	for id, set := range map[string]bson.M{
		gone:   {"deletedAt": time.Now()}, // deleted while a request of theirs still recorded
		agreed: {"news": true, "newsSince": time.Now().AddDate(-3, 0, 0)},
	} {
		if _, err := accounts.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": set}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.DB.Collection("activity").InsertOne(ctx, bson.M{"_id": gone, "j": int32(20000)}); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}

	defer func(d time.Duration) { repairSettle = d }(repairSettle)
	repairSettle = 10 * time.Millisecond
	log := &syncBuffer{}
	stop := startServe(t, addr, func(k string) string { return env[k] }, log)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if strings.Contains(log.String(), "news consent reminded") && strings.Contains(log.String(), "deleted accounts' activity forgotten") {
			break
		}
	}
	stop()

	conn, err = mongodb.StartEmbedded(ctx, dir, discardLog())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if n, _ := conn.DB.Collection("activity").CountDocuments(ctx, bson.M{"_id": gone}); n != 0 {
		t.Errorf("the deleted account's activity is still recorded; log:\n%s", log)
	}
	var d struct {
		RemindedAt time.Time `bson:"newsRemindedAt"`
	}
	if err := conn.DB.Collection("accounts").FindOne(ctx, bson.M{"_id": agreed}).Decode(&d); err != nil {
		t.Fatal(err)
	}
	if d.RemindedAt.IsZero() {
		t.Errorf("the member who agreed to news three years ago was not reminded; log:\n%s", log)
	}
}
