package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
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
// yet named: the product name, Korean first, Seoul time.
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
	DefaultLocale string `bson:"defaultLocale,omitempty"` // "ko" or "en"; empty is "ko"
	TimeZone      string `bson:"timeZone,omitempty"`      // IANA name; empty is DefaultTimeZone
	MailSender    string `bson:"mailSender,omitempty"`    // the display name on mail
	HidePoweredBy bool   `bson:"hidePoweredBy,omitempty"`
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

// Locale is the language the site speaks to someone who has not chosen.
func (s Site) Locale() string {
	if s.DefaultLocale == "en" {
		return "en"
	}
	return "ko"
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
	var st Site
	err := s.site.FindOne(ctx, bson.M{"_id": siteSettingsID}).Decode(&st)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return Site{}, fmt.Errorf("auth: read site settings: %w", err)
	}
	s.siteCache.mu.Lock()
	s.siteCache.site, s.siteCache.at = st, s.now()
	s.siteCache.mu.Unlock()
	return st, nil
}

// SaveSite stores the club's settings as by's, whole.
func (s *Service) SaveSite(ctx context.Context, by AccountID, st Site) error {
	st.UpdatedAt, st.UpdatedBy = s.now(), by
	_, err := s.site.ReplaceOne(ctx, bson.M{"_id": siteSettingsID}, st, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("auth: save site settings: %w", err)
	}
	s.siteCache.mu.Lock()
	s.siteCache.at = time.Time{}
	s.siteCache.mu.Unlock()
	return nil
}
