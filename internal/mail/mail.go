// Package mail sends fanclub's email: through an SMTP server when one is
// configured, otherwise into the log, links included, so a newcomer with
// no mail server can still sign in.
package mail

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Text    string
	// Locale is the reader's language ("ko" or "en"), in which Branded
	// names the club.
	Locale string
	// FromName is the sender's display name; Branded sets it.
	FromName string
	// Unsubscribe, for promotional mail, is the one-click unsubscribe
	// address: SMTP sends it as List-Unsubscribe with
	// List-Unsubscribe-Post (RFC 8058), so the reader's mail program
	// offers the button and posts to it, signed out.
	Unsubscribe string
}

// Sender sends messages: Log, SMTP, or Branded around either.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Log writes each message to the log instead of sending it.
type Log struct {
	Logger *slog.Logger
	// Out, when set, also gets each link in a message on a line of its
	// own, right after the log line: a terminal copies a whole line, and
	// a link inside a log line's quotes is hard to copy whole.
	Out io.Writer
}

// Send logs m at info level with its whole text and unsubscribe address,
// then writes its links to Out, one a line, the unsubscribe address last.
func (l Log) Send(ctx context.Context, m Message) error {
	attrs := []any{"to", m.To, "from", m.FromName, "subject", m.Subject, "text", m.Text}
	ls := links(m.Text)
	if m.Unsubscribe != "" {
		attrs = append(attrs, "unsubscribe", m.Unsubscribe)
		if !slices.Contains(ls, m.Unsubscribe) {
			ls = append(ls, m.Unsubscribe)
		}
	}
	l.Logger.InfoContext(ctx, "mail (SMTP not configured, so it is logged instead of sent)", attrs...)
	if l.Out != nil && len(ls) > 0 {
		_, err := io.WriteString(l.Out, strings.Join(ls, "\n")+"\n")
		return err
	}
	return nil
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// links returns the web addresses in text, in order, without the
// punctuation of the sentence around them.
func links(text string) []string {
	var out []string
	for _, l := range linkRE.FindAllString(text, -1) {
		out = append(out, strings.TrimRight(l, ".,;:!?)]'’”"))
	}
	return out
}

// Brand is how mail names the club: its name in the reader's language,
// and the sender's display name.
type Brand struct {
	Name   string
	Sender string // empty: the club's name
}

// Branded puts the club's name on every message in one place: the
// subject starts with it, the text is signed with it, and it (or the
// chosen sender name) is the From display name. The texts themselves
// never name the club.
type Branded struct {
	Next Sender
	// Brand returns the club's brand in locale; it is asked per message,
	// so a renamed club's next mail carries the new name.
	Brand func(ctx context.Context, locale string) Brand
}

// Send brands m and hands it on.
func (b Branded) Send(ctx context.Context, m Message) error {
	br := b.Brand(ctx, m.Locale)
	m.Subject = "[" + br.Name + "] " + m.Subject
	m.Text = strings.TrimRight(m.Text, "\n") + "\n\n— " + br.Name + "\n"
	if m.Unsubscribe != "" {
		// Promotional mail. Korean law (정보통신망법 제50조) wants "(광고)"
		// at the start of the subject and the way to refuse in the text.
		if m.Locale == "ko" {
			m.Subject = "(광고) " + m.Subject
			m.Text += "\n이 메일은 소식 수신에 동의하셔서 보내 드렸어요. 더 받지 않으려면: " + m.Unsubscribe + "\n"
		} else {
			m.Text += "\nYou get this because you agreed to news from us. To stop: " + m.Unsubscribe + "\n"
		}
	}
	m.FromName = br.Sender
	if m.FromName == "" {
		m.FromName = br.Name
	}
	return b.Next.Send(ctx, m)
}

// SMTPConfig names an SMTP server and the sender address.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// SMTP sends messages through an SMTP server, with STARTTLS when offered.
type SMTP struct{ cfg SMTPConfig }

// NewSMTP returns a sender for cfg.
func NewSMTP(cfg SMTPConfig) *SMTP { return &SMTP{cfg: cfg} }

// Send delivers m, one connection per message: sign-in mail is rare.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.compose(m)
	if err != nil {
		return err
	}
	// Sign-in links work like passwords: TLS is required, except to a
	// relay on this machine.
	policy := gomail.TLSMandatory
	if s.cfg.Host == "localhost" || s.cfg.Host == "127.0.0.1" || s.cfg.Host == "::1" {
		policy = gomail.TLSOpportunistic
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTLSPolicy(policy)}
	if s.cfg.Port == 465 {
		opts = append(opts, gomail.WithSSL()) // implicit TLS
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s: %w", m.To, err)
	}
	return nil
}

// compose builds the message. The sender's display name is the brand's
// to choose, quotes and backslashes included: it is set as an address
// whose name is quoted and encoded, never formatted into the header by
// hand, where a quote would break every mail or forge the address.
func (s *SMTP) compose(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	from, err := netmail.ParseAddress(s.cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", s.cfg.From, err)
	}
	if m.FromName != "" {
		from.Name = m.FromName
	}
	msg.FromMailAddress(from)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: to: %w", err)
	}
	msg.Subject(m.Subject)
	if m.Unsubscribe != "" {
		if err := setUnsubscribe(msg, m.Unsubscribe); err != nil {
			return nil, err
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// setUnsubscribe gives msg the List-Unsubscribe header and, for an https
// address, List-Unsubscribe-Post, which makes it one click: RFC 8058
// allows that only over https, so a site served over plain http (a
// laptop) offers just the link, which opens the page that asks.
func setUnsubscribe(msg *gomail.Msg, address string) error {
	u, err := url.Parse(address) // refuses control characters, which would break the header
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("mail: unsubscribe address %q is not a web address", address)
	}
	if u.Scheme == "https" {
		return msg.SetListUnsubscribeOneClick(u.String())
	}
	msg.SetListUnsubscribe(u.String())
	return nil
}
