package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
