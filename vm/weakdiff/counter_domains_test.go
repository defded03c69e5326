package weakdiff_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestCounterDomains: the enumeration's value domains hold a counter's
// values only as far as a chain of as many writes of it as an execution
// makes (vm/weak_depth.go). Before, every RMW was applied again in each
// round of the fixpoint, and the refcount below, like random herd test
// C-wide-6503, stopped at the bound on a CPU's runs under lkmm. Each
// script must now finish under the enumeration with every sc final
// state, and under armv8 with the executions and final states of the
// incremental search (which takes values from the writes in the graph,
// not from domains). The sums of distinct powers of ten make every
// chain's value its own: the domain bounded one write short loses
// executions of the second script (checked). Under lkmm the second
// script also needs the atomic locations known before the first round
// (learnAtomics): that round's guesses at the counter made 42 values of
// it, and the runs passed the bound.
func TestCounterDomains(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		models    []string
	}{
		{"refcount", `shared cnt, freed
cpu 0 {
  atomic_inc(cnt)
  atomic_inc(cnt)
  if atomic_dec_and_test(cnt) {
    WRITE_ONCE(freed, 1)
  }
}
cpu 1 {
  atomic_inc(cnt)
  if atomic_dec_and_test(cnt) {
    WRITE_ONCE(freed, 1)
  }
  if atomic_dec_and_test(cnt) {
    WRITE_ONCE(freed, 1)
  }
}
locations cnt, freed
final exists (freed == 1)
`, []string{"armv8", "lkmm"}},
		{"sums", `shared c
cpu 0 {
  atomic_add(1, c)
  atomic_add(10, c)
}
cpu 1 {
  atomic_add(100, c)
  atomic_add(1000, c)
  r0 = atomic_read(c)
}
locations c, 1:r0
final exists (1:r0 == 1111)
`, []string{"armv8", "lkmm"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := compiler.Compile(tc.name+".mmu", []byte(tc.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			check := func(model, search string) *vm.Result {
				t.Helper()
				r, err := vm.Check(context.Background(), p, vm.Config{Model: model, Search: search, All: true})
				if err != nil || !r.Complete {
					t.Fatalf("%s, --search %q: %v, bounds %v", model, search, err, r.Bounds)
				}
				return r
			}
			sc := check("sc", "")
			for _, model := range tc.models {
				got := check(model, "graph")
				scWithin(t, 0, tc.src, sc, got, model)
				if model != "armv8" {
					continue
				}
				want := check(model, "incremental")
				if finalStates(got) != finalStates(want) || got.Executions != want.Executions {
					t.Errorf("armv8: the enumeration has %d executions, final states\n%s\nthe incremental search %d\n%s",
						got.Executions, finalStates(got), want.Executions, finalStates(want))
				}
			}
		})
	}
}
