package litmusgen

import (
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
)

var generators = []struct {
	name string
	gen  func(int64) (string, string)
	n    int // the seeds to try: a list's length, 300 for a random family
}{{"C", C, 0}, {"C wide", CWide, 0}, {"AArch64", AArch64, 0}, {"AArch64 wide", AArch64Wide, 0}, {"AArch64 narrowed", AArch64Narrowed, 0}, {"X86", X86, 0}, {"X86_64", X8664, 0},
	{"C RMWs", CRMW, len(rmwForms) * len(rmwShapes)}, {"AArch64 RMWs", AArch64RMW, len(armRMWForms) * len(armRMWShapes)},
	{"C plain", CPlain, len(plainTests)}, {"C locks", CLock, len(lockTests)}, {"AArch64 pairs", AArch64Pairs, len(armPairTests)},
	{"C dependencies", CDeps, len(depTests)}, {"AArch64 dependencies", AArch64Deps, len(armDepTests)},
	{"AArch64 flags", AArch64Flags, len(flagTests)}, {"AArch64 ALU", AArch64ALU, len(aluTests)},
	{"C RCU", CRCU, len(rcuTests)}, {"C ints", CInts, len(intTests)},
	{"AArch64 addressing", AArch64Addr, len(addrTests)}, {"AArch64 32-bit elements", AArch64Ints, len(intsTests)}}

// TestGeneratedTestsTranslate: every test a generator writes is one the
// litmus front end reads and the compiler takes (every test of a list,
// the first 300 of a random family), and a seed gives the same test each
// time (TestHerdRandom in internal/herdweak runs herd7 on them where it
// is installed).
func TestGeneratedTestsTranslate(t *testing.T) {
	for _, g := range generators {
		t.Run(g.name, func(t *testing.T) {
			n := g.n
			if n == 0 {
				n = 300
			}
			distinct := map[string]bool{}
			for seed := int64(0); seed < int64(n); seed++ {
				name, text := g.gen(seed)
				if _, again := g.gen(seed); again != text {
					t.Fatalf("seed %d gives two tests", seed)
				}
				_, body, _ := strings.Cut(text, "\n") // the first line names the test by its seed
				distinct[body] = true
				mmu, err := litmus.Translate(name+".litmus", []byte(text))
				if err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, text)
				}
				if _, err := compiler.Compile(name+".mmu", []byte(mmu), nil); err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, mmu)
				}
			}
			if len(distinct) < n*29/30 {
				t.Errorf("%d seeds gave %d distinct tests", n, len(distinct))
			}
		})
	}
}
