package benchscripts_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// TestFamilies checks the small sizes of every family: each script
// compiles, gives its verdict under every search, and partial-order
// reduction needs no more executions than the family's trace count.
func TestFamilies(t *testing.T) {
	for _, f := range benchscripts.Families {
		for _, n := range f.Sizes[:2] {
			p, err := compiler.Compile(fmt.Sprintf("%s-%d.mmu", f.Name, n), []byte(f.Script(n)), nil)
			if err != nil {
				t.Fatalf("%s-%d: %v", f.Name, n, err)
			}
			for _, search := range []string{"dpor", "state", "auto"} {
				r, err := vm.Check(context.Background(), p, vm.Config{Search: search})
				if err != nil {
					t.Fatalf("%s-%d %s: %v", f.Name, n, search, err)
				}
				if !r.Matched || !r.Complete {
					t.Errorf("%s-%d %s: verdict %s, expected %s (complete %v)", f.Name, n, search, r.Verdict, r.Expected, r.Complete)
				}
				if search == "dpor" && f.Traces != nil && uint64(r.Executions) > f.Traces(n) {
					t.Errorf("%s-%d dpor: %d executions, more than the %d traces", f.Name, n, r.Executions, f.Traces(n))
				}
			}
		}
	}
}

// TestPtdumpVmalloc checks the generated seed-003 scaling scripts' verdicts.
func TestPtdumpVmalloc(t *testing.T) {
	for _, fixed := range []bool{false, true} {
		p, err := compiler.Compile("ptdump.mmu", []byte(benchscripts.PtdumpVmalloc(8, fixed)), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := vm.Check(context.Background(), p, vm.Config{})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Matched {
			t.Errorf("fixed=%v: verdict %s, expected %s", fixed, r.Verdict, r.Expected)
		}
	}
}
