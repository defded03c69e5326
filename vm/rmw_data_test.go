package vm_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// rmwDataCases are MP shapes whose reader first makes an RMW of the flag
// and then reads the RMW's own write with an acquire load. Where the RMW
// computes its write from its read (atomic_inc(), the fetch and return
// forms, add_unless), herd makes that a data dependency inside the RMW:
// the LKMM's to-r (dep ; [Marked] ; rfi) and armv8's (addr | data) ; rfi
// then order the RMW's read, which read the release, before the acquire
// and so before the read of y. xchg() and cmpxchg() write a value they
// are given, and the shape is allowed under the LKMM. herd7 7.58 answers
// Never for the first kind and Sometimes for the second under
// linux-kernel.cat (the random test C-random-10124 found the gap: every
// arithmetic RMW was taken as the second kind). Under aarch64.cat herd
// answers the same for STADD (Never) and SWP (Sometimes), and Never for
// CAS, whose write its comparison picks: the kernel's cmpxchg() is CAS
// there.
var rmwDataCases = []struct {
	op    string
	after int // the flag's value after the RMW, when it read the release's 5
	// lkmm and armv8 tell whether the shape is forbidden there
	lkmm, armv8 bool
}{
	{"atomic_inc(x)", 6, true, true},
	{"atomic_add(2, x)", 7, true, true},
	{"atomic_sub(1, x)", 4, true, true},
	{"atomic_andnot(1, x)", 4, true, true},
	{"atomic_or(2, x)", 7, true, true},
	{"atomic_xor(3, x)", 6, true, true},
	{"r2 = atomic_fetch_add_relaxed(1, x)", 6, true, true},
	{"r2 = atomic_inc_return_relaxed(x)", 6, true, true},
	{"r2 = atomic_fetch_dec_relaxed(x)", 4, true, true},
	{"r2 = xchg_relaxed(x, 4)", 4, false, false},
	{"r2 = atomic_xchg_relaxed(x, 4)", 4, false, false},
	{"r2 = cmpxchg_relaxed(x, 5, 4)", 4, false, true},
	{"r2 = atomic_cmpxchg_relaxed(x, 5, 4)", 4, false, true},
}

// TestRMWDataDependency holds both graph engines under lkmm and armv8 to
// herd's answers on rmwDataCases.
func TestRMWDataDependency(t *testing.T) {
	for _, tc := range rmwDataCases {
		src := `shared x, y
cpu 0 {
  WRITE_ONCE(y, 1)
  smp_store_release(x, 5)
}
cpu 1 {
  ` + tc.op + `
  r0 = smp_load_acquire(x)
  r1 = READ_ONCE(y)
}
final ~exists (1:r0 == ` + strconv.Itoa(tc.after) + ` && 1:r1 == 0)
`
		p := compileWith(t, "rmw.mmu", src, nil)
		for _, cfg := range modelSearches() {
			if cfg.Model != "lkmm" && cfg.Model != "armv8" {
				continue
			}
			want := "fail condition"
			if cfg.Model == "lkmm" && tc.lkmm || cfg.Model == "armv8" && tc.armv8 {
				want = "ok"
			}
			if r := check(t, p, cfg); r.Verdict != want || !r.Complete {
				t.Errorf("%s, model %s search %q: %s (complete %v); want %s", tc.op, cfg.Model, cfg.Search, r.Verdict, r.Complete, want)
			}
		}
	}
}

// casWriteBackSrc is MP whose reader makes a CAS of the flag that fails
// on the release's 5 (it expects 12), then reads the flag and, by an
// address dependency, y (A-rmw-225 of the aarch64-rmw list). herd7 7.58
// allows 1:r0 == 5 && 1:r1 == 0: its failed CAS may write back the 5 it
// read (AArch64Sem.ml cas, mop_fail_with_wb), and the flag's read then
// reads that write of its own CPU, which orders nothing before the read
// of y. Without the write-back the read of 5 is the release's, and the
// address dependency forbids the outcome.
func casWriteBackSrc(cas string) string {
	return `arch arm64
shared x, y
cpu 0 {
  WRITE_ONCE(y, 1)
  smp_store_release(x, 5)
}
cpu 1 {
  r9 = ` + cas + `(x, 12, 4)
  r0 = READ_ONCE(x)
  r1 = READ_ONCE(&y + (r0 ^ r0))
}
final ~exists (1:r0 == 5 && 1:r1 == 0)
`
}

// TestCASWriteBack holds the enumeration to herd's answer on
// casWriteBackSrc, for CAS and CASL (CASA's acquire orders the reads
// anyway), and the incremental search to its documented gap: it keeps a
// failed CAS a lone read, and says so in a note.
func TestCASWriteBack(t *testing.T) {
	for _, tc := range []struct{ cas, want string }{{"cas", "fail condition"}, {"casl", "fail condition"}, {"casa", "ok"}} {
		p := compileWith(t, "cas.mmu", casWriteBackSrc(tc.cas), nil)
		for _, search := range []string{"", "graph"} {
			if r := check(t, p, vm.Config{Model: "armv8", Search: search}); r.Verdict != tc.want {
				t.Errorf("%s, search %q: %s; want %s", tc.cas, search, r.Verdict, tc.want)
			}
		}
		r := check(t, p, vm.Config{Model: "armv8", Search: "incremental"})
		if r.Verdict != "ok" || !strings.Contains(strings.Join(r.Notes, "\n"), "keeps a failed CAS a lone read") {
			t.Errorf("%s, incremental: %s, notes %q; want ok and the note on its gap", tc.cas, r.Verdict, r.Notes)
		}
	}
}
