package auth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // image.DecodeConfig reads the logo's size in these formats
	_ "image/jpeg"
	_ "image/png"
	"net/http"
)

// Limits on the club's images. Both arrive in one form under the site's
// 2 MB body limit, beside the pages' text (web/server.go).
const (
	MaxLogoBytes    = 512 << 10
	MaxFaviconBytes = 128 << 10
	// maxImageSide bounds either side of an image in pixels: a small
	// file can still claim a size that costs a browser dearly to draw.
	maxImageSide = 4096
)

// SiteFile is an image the brand uploaded: the logo or the favicon.
type SiteFile struct {
	Hash string // hex SHA-256 of Data, its name in URLs
	Type string // the sniffed media type
	Data []byte
}

// logoTypes and faviconTypes are what each image may be, by the type
// its first bytes show. SVG is never one: it can carry script.
var (
	logoTypes    = []string{"image/png", "image/jpeg", "image/webp", "image/gif"}
	faviconTypes = []string{"image/png", "image/x-icon"}
)

// checkImage judges an upload against its allowed types and size, and
// returns it named by its hash, or the catalog key of what is wrong:
// tooBig, badType, or the image's size.
func checkImage(data []byte, max int, types []string, tooBig, badType string) (*SiteFile, string) {
	if len(data) > max {
		return nil, tooBig
	}
	typ := http.DetectContentType(data)
	known := false
	for _, t := range types {
		known = known || t == typ
	}
	if !known {
		return nil, badType
	}
	// The formats the standard library reads are decoded far enough to
	// know the size: magic bytes alone would pass a truncated file.
	if typ == "image/png" || typ == "image/jpeg" || typ == "image/gif" {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, badType
		}
		if cfg.Width > maxImageSide || cfg.Height > maxImageSide || cfg.Width == 0 || cfg.Height == 0 {
			return nil, "site.error.image_size"
		}
	}
	sum := sha256.Sum256(data)
	return &SiteFile{Hash: hex.EncodeToString(sum[:]), Type: typ, Data: data}, ""
}

// SiteFile returns the uploaded image named hash, or ErrNotFound.
func (s *Service) SiteFile(ctx context.Context, hash string) (SiteFile, error) {
	if len(hash) != sha256.Size*2 {
		return SiteFile{}, ErrNotFound
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return SiteFile{}, ErrNotFound
	}
	return s.findSiteFile(ctx, hash)
}
