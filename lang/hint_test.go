package lang

import (
	"errors"
	"strings"
	"testing"
)

// TestHerdHints: herd7 habits get a hint naming what .mmu writes instead,
// not a bare "unexpected".
func TestHerdHints(t *testing.T) {
	for _, tc := range []struct{ name, src, pos, hint string }{
		{"conjunction", `final exists (0:r0 == 1 /\ 1:r0 == 0)`, "5:26", `herd's /\ is written &&`},
		{"disjunction", `final exists (0:r0 == 1 \/ 1:r0 == 0)`, "5:25", `herd's \/ is written ||`},
		{"single equals", `final exists (0:r0=1 && 1:r0 == 0)`, "5:19", "r0=1 is r0 == 1"},
		{"bare exists", `exists (0:r0 == 1)`, "5:1", "starts with `final`"},
		{"bare ~exists", `~exists (0:r0 == 1)`, "5:1", "starts with `final`"},
		{"trailing semicolon", `final exists (0:r0 == 1);`, "5:25", "no `;` here"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "shared x\ncpu 0 {\n  r0 = x\n}\n" + tc.src + "\n"
			_, err := Parse("h.mmu", []byte(src))
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("no positioned error: %v", err)
			}
			if got := le.Error(); !strings.HasPrefix(got, "h.mmu:"+tc.pos+": ") || !strings.Contains(got, tc.hint) {
				t.Errorf("%s, want at %s a hint %q", got, tc.pos, tc.hint)
			}
		})
	}
}
