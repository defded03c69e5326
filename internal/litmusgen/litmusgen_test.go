package litmusgen

import (
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
)

var generators = []struct {
	name string
	gen  func(int64) (string, string)
}{{"C", C}, {"C wide", CWide}, {"AArch64", AArch64}, {"AArch64 wide", AArch64Wide}, {"X86", X86}, {"C RMWs", CRMW}, {"AArch64 RMWs", AArch64RMW}, {"C plain", CPlain}, {"C locks", CLock}, {"AArch64 pairs", AArch64Pairs}, {"C dependencies", CDeps}, {"AArch64 dependencies", AArch64Deps}, {"AArch64 flags", AArch64Flags}}

// TestGeneratedTestsTranslate: every test a generator writes is one the
// litmus front end reads and the compiler takes, and a seed gives the
// same test each time (TestHerdRandom in internal/herdweak runs herd7 on
// them where it is installed).
func TestGeneratedTestsTranslate(t *testing.T) {
	for _, g := range generators {
		t.Run(g.name, func(t *testing.T) {
			distinct := map[string]bool{}
			for seed := int64(1); seed <= 300; seed++ {
				name, text := g.gen(seed)
				if _, again := g.gen(seed); again != text {
					t.Fatalf("seed %d gives two tests", seed)
				}
				distinct[text] = true
				mmu, err := litmus.Translate(name+".litmus", []byte(text))
				if err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, text)
				}
				if _, err := compiler.Compile(name+".mmu", []byte(mmu), nil); err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, mmu)
				}
			}
			if len(distinct) < 290 {
				t.Errorf("300 seeds gave %d distinct tests", len(distinct))
			}
		})
	}
}
