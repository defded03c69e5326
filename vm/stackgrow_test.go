package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestStackGrows: a recursion deeper than a thread's first stack grows it
// (on one machine, and on each machine of a parallel stateful search, whose
// workers replay the steps to the frames they take), and one deeper than
// Limits.StackWords is still a stack overflow.
func TestStackGrows(t *testing.T) {
	const src = `test "deep"
shared x
proc f(n) {
  if n == 0 {
    return 0
  }
  return f(n - 1) + 1
}
cpu 0 {
  x = f(DEPTH)
  x = f(DEPTH) + 1
}
cpu 1 {
  r = x
  s = f(DEPTH)
}
MORE
final exists (1:r == DEPTH && 1:s == DEPTH)
expect ok
`
	// enough orders for a parallel search's workers to join in and take
	// each other's frames (past its first 16,384 steps), each step with a
	// deep stack
	const more = `shared y, z
cpu 2 {
  for i in 0..12 {
    y = f(DEPTH) + i
  }
}
cpu 3 {
  for i in 0..12 {
    z = f(DEPTH) + y
  }
}
`
	for _, c := range []struct {
		name    string
		more    string
		depth   string
		search  string
		workers int
		limits  vm.Limits
		want    string // the verdict, or a violation's message
	}{
		{"dpor", "", "200", "dpor", 1, vm.Limits{}, "ok"},
		{"graph", "", "200", "graph", 1, vm.Limits{}, "ok"},
		{"state", more, "200", "state", 1, vm.Limits{}, "ok"},
		{"state-parallel", more, "200", "state", 4, vm.Limits{}, "ok"},
		{"overflow", "", "200", "dpor", 1, vm.Limits{StackWords: 64}, "stack overflow: the calls need more than the 64 words"},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := strings.ReplaceAll(strings.Replace(src, "MORE\n", c.more, 1), "DEPTH", c.depth)
			p, err := compiler.Compile("deep.mmu", []byte(text), nil)
			if err != nil {
				t.Fatal(err)
			}
			r, err := vm.Check(context.Background(), p, vm.Config{Search: c.search, Workers: c.workers, Limits: c.limits})
			if err != nil {
				t.Fatal(err)
			}
			got := r.Verdict
			for _, v := range r.Violations {
				got += "; " + v.Msg
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
