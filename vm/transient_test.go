package vm_test

import (
	"fmt"
	"testing"

	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// TestStatefulStoresBranchingStates: the stateful search stores few of
// the states it visits (transient.go), yet still ends where a CPU loops
// for ever with nothing else to run (a cycle of one-successor states, of
// length 2 and 200 steps: the endless execution is a `limit`, as dpor
// and dfs find it), and still finds what it must.
func TestStatefulStoresBranchingStates(t *testing.T) {
	cycle := func(period int) string {
		return fmt.Sprintf(`test "cycle"
shared x, y
cpu 0 {
  i = 0
  while true {
    i = (i + 1) %% %d
    x = i
  }
}
cpu 1 {
  y = 1
}
final forall (y == 1)
expect fail limit
`, period)
	}
	for _, c := range []struct {
		name, src  string
		maxStates  int // stored states at most
		executions int
	}{
		{"cycle-2", cycle(2), 4, 1},
		{"cycle-100", cycle(100), 150, 1},
		{"ptdump-vmalloc-n16-fixed", benchscripts.PtdumpVmalloc(16, true), 2000, 4},
		{"ptdump-vmalloc-n16-buggy", benchscripts.PtdumpVmalloc(16, false), 100, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := check(t, compileWith(t, c.name+".mmu", c.src, nil), vm.Config{Search: "state"})
			if !r.Matched || !r.Complete && r.Verdict == "ok" {
				t.Fatalf("verdict %s, expected %s, complete %v", r.Verdict, r.Expected, r.Complete)
			}
			if r.States > c.maxStates || r.Executions != c.executions {
				t.Errorf("%d states stored, %d executions; want at most %d, and %d", r.States, r.Executions, c.maxStates, c.executions)
			}
		})
	}
}
