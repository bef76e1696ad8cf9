package mongodb_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"fanclub/internal/mongodb"
)

func TestEmbeddedDataDirIsLocked(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := mongodb.StartEmbedded(ctx, dir, slog.Default())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := mongodb.StartEmbedded(ctx, dir, slog.Default()); !errors.Is(err, mongodb.ErrDataDirLocked) {
		t.Fatalf("second start on the same directory: got %v, want ErrDataDirLocked", err)
	}
}
