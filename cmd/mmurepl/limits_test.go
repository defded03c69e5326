package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadReadBudget: `:load` (and `mmurepl FILE`) reads a script within
// the default source budget: a larger file is an error at its 1:1 naming
// the budget, and the session goes on.
func TestLoadReadBudget(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.mmu")
	src := "// " + strings.Repeat("x", 1<<20) + "\ncpu 0 {\n}\n"
	if err := os.WriteFile(big, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	want := big + ":1:1: the file exceeds the source budget of 1048576 bytes (Limits.SourceBytes)"
	out, code := session(t, ":load "+big+"\n:help\n")
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, ":load") {
		t.Errorf(":load of a 1 MiB script: exit %d, want 1 and %q, then the help:\n%.2000s", code, want, out)
	}
	out, code = session(t, "", big)
	if code != 1 || !strings.Contains(out, want) {
		t.Errorf("mmurepl of a 1 MiB script: exit %d, want 1 and %q:\n%.2000s", code, want, out)
	}
}
