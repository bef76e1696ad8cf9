package web_test

import (
	"os"
	"testing"

	"fanclub/internal/mongotest"
	"fanclub/internal/stripemock"
)

func TestMain(m *testing.M) {
	code := mongotest.Main(m)
	stripemock.Stop()
	os.Exit(code)
}
