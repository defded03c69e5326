package vm_test

import (
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// halves writes the pair a0, a1 in two halves, the second word first.
const halves = `arch arm64
shared a0 = 1, a1 = 2
cpu 0 {
  WRITE_ONCE(a1, 6)
  dmb_ishst()
  WRITE_ONCE(a0, 5)
}
`

// caspCases are arm64's CASP (mmu's casp() and pair_hi()), and LDXP and
// STXP, with herd7
// 7.58's answers under aarch64.cat, from the aarch64-casp list of
// internal/litmusgen (the test each comes from is named).
var caspCases = []struct {
	name, src string
	// the verdicts under sc and under armv8's enumeration
	sc, armv8 string
}{
	// alone: a success swaps the pair, a failure on either word does
	// not, and both return the words read (A-casp-0 to 2)
	{"alone", `arch arm64
shared a0 = 1, a1 = 2
cpu 0 {
  r0 = casp(&a0, 1, 2, 5, 6)
  r1 = pair_hi()
  r2 = caspal(&a0, 5, 7, 8, 8)
  r3 = pair_hi()
  r4 = caspa(&a0, 4, 6, 8, 8)
  r5 = pair_hi()
}
final forall (0:r0 == 1 && 0:r1 == 2 && 0:r2 == 5 && 0:r3 == 6 && 0:r4 == 5 && 0:r5 == 6 && a0 == 5 && a1 == 6)
`, "ok", "ok"},
	// the pair written in two halves, the second word first: CASPA's
	// two reads are one instruction's, which program order does not
	// order, so it may read the first word new and the second old
	// (A-casp-21: Sometimes)
	{"torn", halves + `cpu 1 {
  r0 = caspa(&a0, 5, 6, 9, 9)
  r1 = pair_hi()
}
final ~exists (1:r0 == 5 && 1:r1 == 2)
`, "ok", "fail condition"},
	// a failed CASP's write-back is not atomic with its reads (they are
	// not exclusive ones): CPU 1 reads the initial pair, fails, and
	// writes it back after CPU 0's successful swap (A-casp-16)
	{"write-back", `arch arm64
shared a0 = 1, a1 = 2
cpu 0 {
  r0 = casp(&a0, 1, 2, 5, 6)
}
cpu 1 {
  r0 = casp(&a0, 5, 6, 7, 8)
}
final ~exists (0:r0 == 1 && a0 == 1 && a1 == 2)
`, "ok", "fail condition"},
	// but a successful one is atomic on each word: the two CASPs do not
	// both read the initial pair (though either may read one word of
	// the other's pair and fail: herd's 10 final states)
	{"atomic", `arch arm64
shared a0 = 1, a1 = 2
cpu 0 {
  r0 = casp(&a0, 1, 2, 5, 6)
  r1 = pair_hi()
}
cpu 1 {
  r0 = casp(&a0, 1, 2, 7, 8)
  r1 = pair_hi()
}
final ~exists (0:r0 == 1 && 0:r1 == 2 && 1:r0 == 1 && 1:r1 == 2)
`, "ok", "ok"},
	// LDXP's two reads are one single-copy-atomic access (herd's sca
	// class), unlike CASP's: the pair written in two halves is never
	// read torn (A-xpair-8 of the aarch64-xpair list)
	{"ldxp", halves + `cpu 1 {
  r0 = ldxp(&a0)
  r1 = pair_hi()
  r2 = stxp(&a0, r1, r0)
}
final ~exists (1:r0 == 5 && 1:r1 == 2)
`, "ok", "ok"},
	// and an STXP that succeeds is atomic with LDXP's reads: no write of
	// another CPU comes between (here CPU 1's to a1)
	{"stxp", `arch arm64
shared a0 = 1, a1 = 2
cpu 0 {
  r0 = ldxp(&a0)
  r1 = pair_hi()
  r2 = stlxp(&a0, r1, r0)
}
cpu 1 {
  WRITE_ONCE(a1, 7)
}
final ~exists (0:r2 == 0 && a0 == 2 && a1 == 1 && 0:r1 == 2)
`, "ok", "ok"},
}

// TestCASP holds casp() to herd's answers under armv8 (both graph
// engines) and to the interleavings' under sc.
func TestCASP(t *testing.T) {
	for _, tc := range caspCases {
		p := compileWith(t, tc.name+".mmu", tc.src, nil)
		for _, cfg := range []vm.Config{{}, {Search: "state"}, {Model: "sc", Search: "graph"}, {Model: "armv8"}, {Model: "armv8", Search: "graph"}} {
			want := tc.sc
			if cfg.Model == "armv8" {
				want = tc.armv8
			}
			if r := check(t, p, cfg); r.Verdict != want || !r.Complete {
				t.Errorf("%s, model %q search %q: %s (complete %v); want %s", tc.name, cfg.Model, cfg.Search, r.Verdict, r.Complete, want)
			}
		}
	}
}
