package vm_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestEndAtReset: an execution that ends before any visible step (a CPU
// whose first local code loops forever, or CPUs with no visible step at
// all) gets the same verdict from every search. The stateful search
// recorded only what a step led to: under it, and under auto where it
// finished first, `while 1 { }` said ok instead of the spin rule's
// "loops forever", and a one-CPU script with no shared access failed its
// `final exists` with no final state.
func TestEndAtReset(t *testing.T) {
	for _, tc := range []struct {
		name, src, verdict, finals string
	}{
		{"endless", "cpu 0 {\n  while 1 {\n  }\n}\n", "fail limit", ""},
		{"endless beside a writer", "shared x\ncpu 0 {\n  while 1 {\n  }\n}\ncpu 1 {\n  x = 1\n}\n", "fail limit", ""},
		{"no step at all", "cpu 0 {\n  r = 1\n}\nfinal exists (0:r == 1)\n", "ok", "0:r=1"},
	} {
		p, err := compiler.Compile("f.mmu", []byte(tc.src), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, cfg := range []vm.Config{{}, {Search: "dpor"}, {Search: "dfs"}, {Search: "state"}, {Search: "state", Workers: 2}, {Workers: 2}} {
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tc.verdict || finalStates(r) != tc.finals || r.Executions != 1 || !r.Complete && tc.verdict == "ok" {
				t.Errorf("%s, search %q -j %d: %s, final states %q, %d executions, complete %v; want %s, %q, 1",
					tc.name, cfg.Search, cfg.Workers, r.Verdict, finalStates(r), r.Executions, r.Complete, tc.verdict, tc.finals)
			}
		}
	}
}
