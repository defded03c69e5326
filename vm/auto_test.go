package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestAutoFavour: auto's lockstep lets the stateful search go first, and
// win a tie, on a script with an irq handler, a preemptible task or a
// spin loop (await, a retry that only reads), and dpor otherwise; the
// verdict does not depend on it.
func TestAutoFavour(t *testing.T) {
	const body = `
shared x
spinlock l
cpu 0 %s{
  x = 1
  x = 2
}
%s
cpu 1 {
  r = x
}
expect ok
`
	for _, c := range []struct {
		name, cpu0, irq string
		state           bool
	}{
		{"plain", "", "", false},
		{"irq", "", "irq 0 {\n  x = 3\n}", true},
		{"preemptible", "preemptible ", "", true},
		{"lock", "", "cpu 2 {\n  spin_lock(l)\n  x = 4\n  spin_unlock(l)\n}", false},
		{"loop", "", "cpu 2 {\n  for i in 0..2 {\n    x = i\n  }\n}", false},
		{"lock in a loop", "", "cpu 2 {\n  for i in 0..2 {\n    spin_lock(l)\n    x = i\n    spin_unlock(l)\n  }\n}", false},
		{"await", "", "cpu 2 {\n  await x == 2\n}", true},
		{"retry loop", "", "cpu 2 {\n  while true {\n    a = x\n    if a == x {\n      break\n    }\n  }\n}", true},
		{"poll under a lock", "", "cpu 2 {\n  while true {\n    spin_lock(l)\n    a = x\n    spin_unlock(l)\n    if a == 2 {\n      break\n    }\n  }\n}", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(body, "%s", c.cpu0, 1), "%s", c.irq, 1)
			p, err := compiler.Compile(c.name+".mmu", []byte(src), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range []int{1, 2} {
				r, err := vm.Check(context.Background(), p, vm.Config{Workers: j})
				if err != nil {
					t.Fatal(err)
				}
				if !r.Matched || !r.Complete {
					t.Fatalf("-j %d: verdict %s, complete %v", j, r.Verdict, r.Complete)
				}
				state := strings.Contains(strings.Join(r.Notes, "\n"), "stateful search finished first")
				if state != c.state {
					t.Errorf("-j %d: the stateful search's result is kept: %v, want %v (notes %q)", j, state, c.state, r.Notes)
				}
			}
		})
	}
}
