package mail

import (
	"bytes"
	"context"
	"log/slog"
	netmail "net/mail"
	"strings"
	"testing"
)

// TestLogPrintsEachLinkOnALineOfItsOwn sends a mail with no SMTP server:
// the log says who it is for, and every link in it, the sign-in link and
// one inside a sentence, stands alone on a line to be copied whole.
func TestLogPrintsEachLinkOnALineOfItsOwn(t *testing.T) {
	var out bytes.Buffer
	l := Log{Logger: slog.New(slog.NewTextHandler(&out, nil)), Out: &out}
	const signIn = "http://localhost:8080/signin/link?token=abc_DEF-123"
	text := "Open this link to sign in:\n\n" + signIn + "\n\nSee what is new at https://club.example.com/groups/k-pop, or (https://club.example.com/events).\n"
	if err := l.Send(context.Background(), Message{To: "mina@example.com", Subject: "Your sign-in link", Text: text}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.Contains(lines[0], "to=mina@example.com") || !strings.Contains(lines[0], `subject="Your sign-in link"`) {
		t.Errorf("the log line does not say who the mail is for: %s", lines[0])
	}
	for _, want := range []string{signIn, "https://club.example.com/groups/k-pop", "https://club.example.com/events"} {
		found := false
		for _, line := range lines {
			found = found || line == want
		}
		if !found {
			t.Errorf("no line is just %s:\n%s", want, out.String())
		}
	}
}

// TestSenderNameIsQuoted: whatever the brand calls its sender, quotes and
// backslashes included, the mail goes out from the configured address
// under exactly that name; a name cannot break the header or name
// another address.
func TestSenderNameIsQuoted(t *testing.T) {
	s := NewSMTP(SMTPConfig{Host: "localhost", Port: 25, From: "club@example.com"})
	for _, name := range []string{"Moonlight Club", `Club\`, `The "Best" Club`, `x" <attacker@evil.com> (`, "달빛 클럽"} {
		msg, err := s.compose(Message{To: "fan@example.com", FromName: name, Subject: "Hi", Text: "Hello"})
		if err != nil {
			t.Errorf("%q: %v", name, err)
			continue
		}
		var raw bytes.Buffer
		if _, err := msg.WriteTo(&raw); err != nil {
			t.Fatal(err)
		}
		read, err := netmail.ReadMessage(&raw)
		if err != nil {
			t.Fatal(err)
		}
		from, err := read.Header.AddressList("From")
		if err != nil || len(from) != 1 || from[0].Address != "club@example.com" || from[0].Name != name {
			t.Errorf("%q: From %q reads as %v, %v", name, read.Header.Get("From"), from, err)
		}
	}
}
