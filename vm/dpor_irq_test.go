package vm_test

import (
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestDPORHandlerRaces: every search gives dfs's final states where an
// irq handler races with its CPU's task while that task waits for
// another CPU to answer its IPI (static_branch_enable()'s sync).
//   - The handler's store races with the task's store after the wait.
//     The task could not run where the handler ran (it waited for the
//     answer there), and dpor tried it only at a state where it could
//     run: before its own IPI was sent. It now reverses the race from the
//     latest state where the task could run or waited, there running the
//     IPI's handling first, and finds y == 1 (the irq after the task).
func TestDPORHandlerRaces(t *testing.T) {
	for _, tc := range []struct {
		name, src, finals string
	}{
		{"irq after a task that waited for an IPI's answer", `static_key k
shared y
cpu 0 {
  static_branch_enable(k)
  y = 2
}
cpu 1 {
}
irq 0 {
  y = 1
}
final exists (y == 1)
`, "y=1\ny=2"},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		for _, cfg := range []vm.Config{{}, {Search: "dpor"}, {Search: "dpor", Workers: 2}, {Search: "dfs"}, {Search: "state"}} {
			cfg.All = true
			r := check(t, p, cfg)
			if finalStates(r) != tc.finals || !r.Complete {
				t.Errorf("%s, search %q -j %d: final states\n%s\ncomplete %v; want\n%s", tc.name, cfg.Search, cfg.Workers, finalStates(r), r.Complete, tc.finals)
			}
		}
	}
}
