package auth

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"fanclub/internal/mail"
)

// siteSettingsID is the _id of the site document holding the brand's
// settings, beside the staff and owner documents in the same collection.
// They live in auth because every domain already leans on auth: mail
// needs the club's name and sender, days need the site's time zone.
const siteSettingsID = "settings"

// ProductName is what the club is called until the brand names it.
const ProductName = "fanclub"

// DefaultTimeZone is the site's zone until the brand picks one: the
// brand's first audience is Korean.
const DefaultTimeZone = "Asia/Seoul"

// siteTTL is how long an instance trusts the settings it read. A save on
// this instance drops them at once; other instances follow within it.
const siteTTL = 10 * time.Second

// Site is how the brand presents its club. The zero value is a club not
// yet named: the product name, English to a browser that asks for
// nothing, Seoul time.
type Site struct {
	NameKo  string `bson:"nameKo,omitempty"`
	NameEn  string `bson:"nameEn,omitempty"`
	Tagline string `bson:"tagline,omitempty"`
	// Accent is a colour as #rrggbb; empty keeps the default look.
	Accent string `bson:"accent,omitempty"`
	// Welcome, About, Terms and Privacy are Markdown.
	Welcome       string `bson:"welcome,omitempty"`
	About         string `bson:"about,omitempty"`
	Terms         string `bson:"terms,omitempty"`
	Privacy       string `bson:"privacy,omitempty"`
	Contact       string `bson:"contact,omitempty"`       // an email address
	DefaultLocale string `bson:"defaultLocale,omitempty"` // "ko" or "en"; empty is "en"
	TimeZone      string `bson:"timeZone,omitempty"`      // IANA name; empty is DefaultTimeZone
	MailSender    string `bson:"mailSender,omitempty"`    // the display name on mail
	HidePoweredBy bool   `bson:"hidePoweredBy,omitempty"`
	// TrueFansTarget is how many true fans the brand aims for, shown on
	// the insight page as "N of target"; 0 is DefaultTrueFans.
	TrueFansTarget int `bson:"trueFansTarget,omitempty"`
	// Logo and Favicon name the uploaded images by content hash; empty
	// when none was uploaded.
	Logo    string `bson:"logo,omitempty"`
	Favicon string `bson:"favicon,omitempty"`

	UpdatedAt time.Time `bson:"updatedAt,omitempty"`
	UpdatedBy AccountID `bson:"updatedBy,omitempty"`
}

// Named reports whether the brand has named its club.
func (s Site) Named() bool { return s.NameKo != "" || s.NameEn != "" }

// Name is the club's name in locale, else in the other language, else the
// product's name.
func (s Site) Name(locale string) string {
	first, second := s.NameKo, s.NameEn
	if locale == "en" {
		first, second = s.NameEn, s.NameKo
	}
	switch {
	case first != "":
		return first
	case second != "":
		return second
	}
	return ProductName
}

// Locale is the language the site speaks to someone whose account and
// browser say nothing. Until the brand chooses, that is English, as it
// was before there were settings: Korean browsers ask for Korean.
func (s Site) Locale() string {
	if s.DefaultLocale == "ko" {
		return "ko"
	}
	return "en"
}

// Location is the site's time zone, in which its days and weeks are
// counted. A zone that no longer loads falls back to the default.
func (s Site) Location() *time.Location {
	name := s.TimeZone
	if name == "" {
		name = DefaultTimeZone
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	loc, _ := time.LoadLocation(DefaultTimeZone)
	return loc
}

// DefaultTrueFans is the true fans a brand aims for until it says: the
// "1,000 true fans" a maker needs to live from their fans.
const DefaultTrueFans = 1000

// MaxTrueFans bounds the target the brand may set.
const MaxTrueFans = 10_000_000

// TrueFans is the number of true fans the brand aims for.
func (s Site) TrueFans() int {
	if s.TrueFansTarget <= 0 {
		return DefaultTrueFans
	}
	return s.TrueFansTarget
}

// siteCache is the settings as last read, and when.
type siteCache struct {
	mu   sync.Mutex
	site Site
	at   time.Time // zero until read
}

// Site returns the club's settings. Every page shows them, so they are
// kept in memory for siteTTL rather than read per request.
func (s *Service) Site(ctx context.Context) (Site, error) {
	s.siteCache.mu.Lock()
	if !s.siteCache.at.IsZero() && s.now().Sub(s.siteCache.at) < siteTTL {
		defer s.siteCache.mu.Unlock()
		return s.siteCache.site, nil
	}
	s.siteCache.mu.Unlock()
	st, err := s.readSite(ctx)
	if err != nil {
		return Site{}, err
	}
	s.siteCache.mu.Lock()
	s.siteCache.site, s.siteCache.at = st, s.now()
	s.siteCache.mu.Unlock()
	return st, nil
}

// SaveSite checks the change and stores the club's settings as by's,
// whole: the uploaded images first, by their content hash, then the
// settings naming them. Only the site's staff may change them. What is
// wrong comes back as a ValidationError by form field, every field
// judged on its own.
func (s *Service) SaveSite(ctx context.Context, by Account, ch SiteChange) (Site, error) {
	if by.Role != RoleOwner && by.Role != RoleAdmin {
		return Site{}, ErrForbidden
	}
	st, logo, favicon, err := ch.Validate()
	if err != nil {
		return Site{}, err
	}
	old, err := s.readSite(ctx)
	if err != nil {
		return Site{}, err
	}
	st.Logo, st.Favicon = old.Logo, old.Favicon
	if st.Logo, err = s.keepFile(ctx, st.Logo, logo, ch.DropLogo); err != nil {
		return Site{}, err
	}
	if st.Favicon, err = s.keepFile(ctx, st.Favicon, favicon, ch.DropFavicon); err != nil {
		return Site{}, err
	}
	st.UpdatedAt, st.UpdatedBy = s.now(), by.ID
	if err := s.replaceSite(ctx, st); err != nil {
		return Site{}, err
	}
	s.siteCache.mu.Lock()
	s.siteCache.at = time.Time{}
	s.siteCache.mu.Unlock()
	// An image no longer named is deleted only now: until the settings
	// changed, pages linked it.
	for _, h := range []string{old.Logo, old.Favicon} {
		if h != "" && h != st.Logo && h != st.Favicon {
			if err := s.deleteSiteFile(ctx, h); err != nil {
				s.log.WarnContext(ctx, "delete unused site image", "hash", h, "err", err)
			}
		}
	}
	return st, nil
}

// keepFile is the image a field names after a save: a new upload's hash
// (stored first), none when dropped, else the current one.
func (s *Service) keepFile(ctx context.Context, current string, upload *SiteFile, drop bool) (string, error) {
	switch {
	case upload != nil:
		if err := s.insertSiteFile(ctx, *upload); err != nil {
			return "", err
		}
		return upload.Hash, nil
	case drop:
		return "", nil
	}
	return current, nil
}

// Limits on the settings' text, in characters.
const (
	maxClubNameRunes = 60
	maxTaglineRunes  = 140
	maxWelcomeRunes  = 10_000
	maxPageRunes     = 50_000
	maxSenderRunes   = 60
	// MinAccentContrast is WCAG AA's ratio for normal text: buttons
	// write white on the accent colour, and links write it on white.
	MinAccentContrast = 4.5
)

// SiteChange is a save of the settings form: the settings as typed, and
// what to do with each image.
type SiteChange struct {
	// Site holds the typed settings; its Logo, Favicon and Updated
	// fields are ignored.
	Site Site
	// NewLogo and NewFavicon are uploaded images; nil keeps the one in use.
	NewLogo, NewFavicon []byte
	// DropLogo and DropFavicon remove the image in use (an upload wins).
	DropLogo, DropFavicon bool
	// TrueFans is the true-fans target as typed (digits, commas allowed);
	// empty keeps the default. Site.TrueFansTarget is ignored.
	TrueFans string
}

// Validate judges every field on its own and returns the settings
// cleaned (trimmed, the colour lower-cased) and the images to store.
// Field names are the form's.
func (c SiteChange) Validate() (Site, *SiteFile, *SiteFile, error) {
	v := ValidationError{}
	in := c.Site
	st := Site{HidePoweredBy: in.HidePoweredBy}
	// Keys are written out, one per field, so a search finds them.
	line := func(field, value string, max int, tooLong string) string {
		value = strings.TrimSpace(value)
		switch {
		case utf8.RuneCountInString(value) > max:
			v[field] = tooLong
		case strings.IndexFunc(value, unicode.IsControl) >= 0:
			v[field] = "site.error.control"
		}
		return value
	}
	text := func(field, value string, max int, tooLong string) string {
		value = strings.TrimSpace(value)
		if utf8.RuneCountInString(value) > max {
			v[field] = tooLong
		}
		return value
	}
	st.NameKo = line("name_ko", in.NameKo, maxClubNameRunes, "site.error.name_ko_too_long")
	st.NameEn = line("name_en", in.NameEn, maxClubNameRunes, "site.error.name_en_too_long")
	st.Tagline = line("tagline", in.Tagline, maxTaglineRunes, "site.error.tagline_too_long")
	st.MailSender = line("mail_sender", in.MailSender, maxSenderRunes, "site.error.mail_sender_too_long")
	st.Welcome = text("welcome", in.Welcome, maxWelcomeRunes, "site.error.welcome_too_long")
	st.About = text("about", in.About, maxPageRunes, "site.error.about_too_long")
	st.Terms = text("terms", in.Terms, maxPageRunes, "site.error.terms_too_long")
	st.Privacy = text("privacy", in.Privacy, maxPageRunes, "site.error.privacy_too_long")
	if st.Contact = strings.TrimSpace(in.Contact); st.Contact != "" {
		email, err := NormaliseEmail(st.Contact)
		if err != nil {
			v["contact"] = "site.error.contact"
		}
		st.Contact = email
	}
	switch st.DefaultLocale = in.DefaultLocale; st.DefaultLocale {
	case "", "ko", "en":
	default:
		v["default_locale"] = "site.error.default_locale"
	}
	if st.TimeZone = strings.TrimSpace(in.TimeZone); st.TimeZone != "" {
		if _, ok := LoadZone(st.TimeZone); !ok {
			v["time_zone"] = "site.error.time_zone"
		}
	}
	if st.Accent = strings.ToLower(strings.TrimSpace(in.Accent)); st.Accent != "" {
		if ratio, ok := ContrastOnWhite(st.Accent); !ok {
			v["accent"] = "site.error.accent_format"
		} else if ratio < MinAccentContrast {
			v["accent"] = "site.error.accent_contrast"
		}
	}
	if n, ok := parseTrueFans(c.TrueFans); ok {
		st.TrueFansTarget = n
	} else {
		v["true_fans"] = "site.error.true_fans"
	}
	var logo, favicon *SiteFile
	var key string
	if c.NewLogo != nil {
		if logo, key = checkImage(c.NewLogo, MaxLogoBytes, logoTypes, "site.error.logo_too_big", "site.error.logo_type"); key != "" {
			v["logo"] = key
		}
	}
	if c.NewFavicon != nil {
		if favicon, key = checkImage(c.NewFavicon, MaxFaviconBytes, faviconTypes, "site.error.favicon_too_big", "site.error.favicon_type"); key != "" {
			v["favicon"] = key
		}
	}
	return st, logo, favicon, v.OrNil()
}

// parseTrueFans reads the typed target: a whole number from 1 to
// MaxTrueFans, thousands commas allowed ("1,000"); empty is 0, the
// default.
func parseTrueFans(typed string) (int, bool) {
	typed = strings.ReplaceAll(strings.TrimSpace(typed), ",", "")
	if typed == "" {
		return 0, true
	}
	n, err := strconv.Atoi(typed)
	if err != nil || n < 1 || n > MaxTrueFans {
		return 0, false
	}
	return n, true
}

// ContrastOnWhite is the WCAG contrast ratio between white and the colour
// hex (#rrggbb), and false if hex is not such a colour.
func ContrastOnWhite(hex string) (float64, bool) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, false
	}
	var lum float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		n, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0, false
		}
		c := float64(n) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += weight * c
	}
	return 1.05 / (lum + 0.05), true
}

// MailBrand is how mail in locale names the club, for mail.Branded. The
// mail goes out even when the settings cannot be read: with the
// product's name.
func (s *Service) MailBrand(ctx context.Context, locale string) mail.Brand {
	st, err := s.Site(ctx)
	if err != nil {
		s.log.WarnContext(ctx, "read site settings for mail", "err", err)
	}
	return mail.Brand{Name: st.Name(locale), Sender: st.MailSender}
}
