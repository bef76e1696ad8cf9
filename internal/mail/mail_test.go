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

// composed is m as the SMTP sender would send it, read back.
func composed(t *testing.T, m Message) *netmail.Message {
	t.Helper()
	msg, err := NewSMTP(SMTPConfig{Host: "localhost", Port: 25, From: "club@example.com"}).compose(m)
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		t.Fatal(err)
	}
	read, err := netmail.ReadMessage(&raw)
	if err != nil {
		t.Fatal(err)
	}
	return read
}

// TestUnsubscribeHeaders: promotional mail carries its unsubscribe
// address so mail programs offer the button, and over https they may post
// to it in one click (RFC 8058); other mail carries neither header.
func TestUnsubscribeHeaders(t *testing.T) {
	const secure = "https://club.example.com/unsubscribe/bWluYQ.c2lnbmF0dXJl"
	for _, tt := range []struct {
		name, unsubscribe, wantList, wantPost string
	}{
		{name: "news over https", unsubscribe: secure, wantList: "<" + secure + ">", wantPost: "List-Unsubscribe=One-Click"},
		{name: "news on a laptop over http: the link, not one click", unsubscribe: "http://localhost:8080/unsubscribe/bWluYQ.c2ln",
			wantList: "<http://localhost:8080/unsubscribe/bWluYQ.c2ln>"},
		{name: "a sign-in link"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			read := composed(t, Message{To: "mina@example.com", Subject: "News", Text: "Hello", Unsubscribe: tt.unsubscribe})
			if got := read.Header.Get("List-Unsubscribe"); got != tt.wantList {
				t.Errorf("List-Unsubscribe: %q, want %q", got, tt.wantList)
			}
			if got := read.Header.Get("List-Unsubscribe-Post"); got != tt.wantPost {
				t.Errorf("List-Unsubscribe-Post: %q, want %q", got, tt.wantPost)
			}
		})
	}
}

// TestUnsubscribeAddressCannotBreakTheHeader: an address that is not a
// web address, or would end the header and start another, is refused.
func TestUnsubscribeAddressCannotBreakTheHeader(t *testing.T) {
	s := NewSMTP(SMTPConfig{Host: "localhost", Port: 25, From: "club@example.com"})
	for _, u := range []string{"https://club.example.com/u/x\r\nBcc: everyone@example.com", "mailto:stop@example.com", "/unsubscribe/x", "javascript:alert(1)"} {
		if _, err := s.compose(Message{To: "mina@example.com", Subject: "News", Text: "Hello", Unsubscribe: u}); err == nil {
			t.Errorf("unsubscribe address %q was accepted", u)
		}
	}
}

// TestBrandedLogShowsUnsubscribe: a branded message keeps its unsubscribe
// address on its way to the log, which shows it, and prints it on a line
// of its own to copy.
func TestBrandedLogShowsUnsubscribe(t *testing.T) {
	var logged, out bytes.Buffer
	const u = "http://localhost:8080/unsubscribe/bWluYQ.c2lnbmF0dXJl"
	b := Branded{Next: Log{Logger: slog.New(slog.NewTextHandler(&logged, nil)), Out: &out},
		Brand: func(context.Context, string) Brand { return Brand{Name: "Moonlight"} }}
	if err := b.Send(context.Background(), Message{To: "mina@example.com", Subject: "News", Text: "Hello", Unsubscribe: u}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), "unsubscribe="+u) || !strings.Contains(logged.String(), `subject="[Moonlight] News"`) {
		t.Errorf("the log line does not show the branded mail's unsubscribe address:\n%s", logged.String())
	}
	if out.String() != u+"\n" {
		t.Errorf("links printed %q, want the unsubscribe address alone", out.String())
	}
}

// Promotional mail says what it is and how to stop it, in the reader's
// language; in Korean the subject starts with (광고), as the law asks.
// Other mail is left alone.
func TestBrandedMarksPromotionalMail(t *testing.T) {
	const u = "https://club.example/unsubscribe/bWluYQ.c2ln"
	for _, c := range []struct {
		name        string
		m           Message
		subject     string
		textHas     string
		unsubscribe bool
	}{
		{"Korean news", Message{Locale: "ko", Subject: "새 소식", Text: "안녕하세요", Unsubscribe: u}, "(광고) [Moonlight] 새 소식", "더 받지 않으려면: " + u, true},
		{"English news", Message{Locale: "en", Subject: "News", Text: "Hello", Unsubscribe: u}, "[Moonlight] News", "To stop: " + u, true},
		{"Korean sign-in link", Message{Locale: "ko", Subject: "로그인 링크", Text: "링크"}, "[Moonlight] 로그인 링크", "링크", false},
	} {
		var got Message
		b := Branded{Next: senderFunc(func(_ context.Context, m Message) error { got = m; return nil }),
			Brand: func(context.Context, string) Brand { return Brand{Name: "Moonlight"} }}
		if err := b.Send(context.Background(), c.m); err != nil {
			t.Fatal(err)
		}
		if got.Subject != c.subject {
			t.Errorf("%s: subject %q, want %q", c.name, got.Subject, c.subject)
		}
		if !strings.Contains(got.Text, c.textHas) {
			t.Errorf("%s: text %q lacks %q", c.name, got.Text, c.textHas)
		}
		if strings.Contains(got.Text, "/unsubscribe/") != c.unsubscribe {
			t.Errorf("%s: text %q: unsubscribe link present = %v, want %v", c.name, got.Text, !c.unsubscribe, c.unsubscribe)
		}
	}
}

type senderFunc func(context.Context, Message) error

func (f senderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }
