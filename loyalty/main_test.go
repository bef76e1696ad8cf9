package loyalty_test

import (
	"testing"

	"fanclub/internal/mongotest"
)

func TestMain(m *testing.M) { mongotest.Main(m) }
