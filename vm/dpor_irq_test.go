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
//   - Under tso the handler's store goes into the task's store buffer,
//     and the task's sync ends with a wait for the buffer to drain: the
//     only race dpor saw was the flush's with the task's step after the
//     wait, which cannot be reversed. It now reverses it from the latest
//     state where the task could run and did not wait for that buffer
//     (before the irq came in), and finds y == 1 with and without a lock
//     in the handler (diff seed 4240).
func TestDPORHandlerRaces(t *testing.T) {
	const task = `static_key k
shared y
spinlock l
cpu 0 {
  static_branch_enable(k)
  y = 2
}
cpu 1 {
}
`
	for _, tc := range []struct {
		name, src, finals string
	}{
		{"irq after a task that waited for an IPI's answer", task + "irq 0 {\n  y = 1\n}\n", "y=1\ny=2"},
		{"tso: the handler's store in the waiting task's buffer", "model tso\n" + task + "irq 0 {\n  y = 1\n}\n", "y=1\ny=2"},
		{"tso: and a lock around it", "model tso\n" + task + "irq 0 {\n  spin_lock(l)\n  y = 1\n  spin_unlock(l)\n}\n", "y=1\ny=2"},
		{"sc: the handler's lock", task + "irq 0 {\n  spin_lock(l)\n  y = 1\n  spin_unlock(l)\n}\n", "y=1\ny=2"},
	} {
		p := compileWith(t, "f.mmu", tc.src+"final exists (y == 1)\n", nil)
		for _, cfg := range []vm.Config{{}, {Search: "dpor"}, {Search: "dpor", Workers: 2}, {Search: "dfs"}, {Search: "state"}} {
			cfg.All = true
			r := check(t, p, cfg)
			if finalStates(r) != tc.finals || !r.Complete {
				t.Errorf("%s, search %q -j %d: final states\n%s\ncomplete %v; want\n%s", tc.name, cfg.Search, cfg.Workers, finalStates(r), r.Complete, tc.finals)
			}
		}
	}
}
