package activity_test

import (
	"os"
	"testing"

	"fanclub/internal/mongotest"
)

func TestMain(m *testing.M) { os.Exit(mongotest.Main(m)) }
