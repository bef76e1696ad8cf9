package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"fanclub/internal/mongodb"
)

// readSite reads the settings document; none yet is the zero Site.
func (s *Service) readSite(ctx context.Context) (Site, error) {
	var st Site
	err := s.site.FindOne(ctx, bson.M{"_id": siteSettingsID}).Decode(&st)
	if err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return Site{}, fmt.Errorf("auth: read site settings: %w", err)
	}
	return st, nil
}

func (s *Service) replaceSite(ctx context.Context, st Site) error {
	_, err := s.site.ReplaceOne(ctx, bson.M{"_id": siteSettingsID}, st, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("auth: save site settings: %w", err)
	}
	return nil
}

// siteFileDoc is one uploaded image in site_files, keyed by the SHA-256
// of its bytes, so the same image uploaded twice is stored once.
type siteFileDoc struct {
	ID        string    `bson:"_id"`
	Type      string    `bson:"type"`
	Data      []byte    `bson:"data"`
	CreatedAt time.Time `bson:"createdAt"`
}

func (s *Service) insertSiteFile(ctx context.Context, f SiteFile) error {
	_, err := s.siteFiles.InsertOne(ctx, siteFileDoc{ID: f.Hash, Type: f.Type, Data: f.Data, CreatedAt: s.now()})
	if err != nil && !mongodb.IsDuplicateKey(err) { // the same bytes are there already
		return fmt.Errorf("auth: store site image: %w", err)
	}
	return nil
}

func (s *Service) findSiteFile(ctx context.Context, hash string) (SiteFile, error) {
	var d siteFileDoc
	err := s.siteFiles.FindOne(ctx, bson.M{"_id": hash}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return SiteFile{}, ErrNotFound
	} else if err != nil {
		return SiteFile{}, fmt.Errorf("auth: read site image: %w", err)
	}
	return SiteFile{Hash: d.ID, Type: d.Type, Data: d.Data}, nil
}

func (s *Service) deleteSiteFile(ctx context.Context, hash string) error {
	if _, err := s.siteFiles.DeleteOne(ctx, bson.M{"_id": hash}); err != nil {
		return fmt.Errorf("auth: delete site image: %w", err)
	}
	return nil
}
