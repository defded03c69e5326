package weakdiff_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestTaskReadDependsOnNothingElse: a read of a task word, right after a
// READ_ONCE() whose result went to a local, took the taint its stack slot
// held from that result, a data dependency the program does not have:
// CPU 1's write of x depended on its read of y, and load buffering, which
// armv8 and the LKMM allow here (CPU 0's dependency alone orders
// nothing), was forbidden under every engine.
func TestTaskReadDependsOnNothingElse(t *testing.T) {
	src := `shared x, y
task t = 0
cpu 0 {
  r0 = READ_ONCE(x)
  WRITE_ONCE(y, r0 - r0 + 1)
}
cpu 1 {
  r1 = READ_ONCE(y)
  q = t
  WRITE_ONCE(x, q + 1)
}
final exists (0:r0 == 1 && 1:r1 == 1)
`
	p, err := compiler.Compile("task-read.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"armv8", "lkmm"} {
		for _, search := range []string{"", "incremental"} {
			res, err := vm.Check(context.Background(), p, vm.Config{Model: model, Search: search, All: true})
			if err != nil || !res.Complete {
				t.Fatalf("%s %q: %v, complete %v", model, search, err, res.Complete)
			}
			if res.Positive == 0 {
				t.Errorf("%s %q: load buffering not found (%d executions)", model, search, res.Executions)
			}
		}
	}
}
