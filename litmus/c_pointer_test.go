package litmus_test

import (
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestPointerOffset runs the LKMM idiom of a zero offset added to a pointer
// (an address dependency on a value that is always 0) under every model,
// and a non-zero offset, which mmuvm refuses to model: the execution that
// reaches it fails its assert instead of writing some other word.
func TestPointerOffset(t *testing.T) {
	const zero = `C zero
{ }
P0(int *x, int *y) { int r1; int r9; int *r2; r1 = READ_ONCE(*x); r9 = r1 & 8; r2 = y + r9; WRITE_ONCE(*r2, 1); }
P1(int *x, int *y) { int r3; int r9; int *r4; r3 = READ_ONCE(*y); r9 = r3 & 8; r4 = x + r9; WRITE_ONCE(*r4, 1); }
exists (0:r1=1 /\ 1:r3=1)
`
	const nonzero = `C nonzero
{ }
P0(int *x, int *y) { int r1; int *r2; r1 = READ_ONCE(*x); r2 = y + r1; WRITE_ONCE(*r2, 1); }
P1(int *x) { WRITE_ONCE(*x, 1); }
exists (y=1)
`
	for _, c := range []struct {
		name, src, model, verdict string
	}{
		// LB with address dependencies on both sides: forbidden everywhere,
		// so the exists condition fails
		{"zero-sc", zero, "sc", "fail condition"},
		{"zero-armv8", zero, "armv8", "fail condition"},
		{"zero-lkmm", zero, "lkmm", "fail condition"},
		{"nonzero", nonzero, "sc", "fail assert"},
		{"nonzero-lkmm", nonzero, "lkmm", "fail assert"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, out := checkLitmus(t, c.name, c.src, vm.Config{Model: c.model})
			if got := r.Verdict; got != c.verdict || c.verdict == "fail condition" && r.Observation != vm.Never {
				t.Errorf("verdict %q (observation %s), want %q\n%s", got, r.Observation, c.verdict, out)
			}
		})
	}
}
