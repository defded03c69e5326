package vm_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestFilterEverySearch: herd's `filter` discards the executions whose
// final state fails it, whichever search runs them. It was evaluated only
// by the execution-graph engines: under sc and on the store buffers every
// execution counted, and both scripts below gave the opposite verdict.
func TestFilterEverySearch(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		verdict   string
		finals    string
		execs     int
	}{
		{"nothing passes", "shared x\ncpu 0 {\n  x = 1\n}\ncpu 1 {\n  r = x\n}\nfilter (1:r == 7)\nfinal exists (1:r == 1)\n",
			"fail condition", "", 0},
		{"the filter keeps one", "shared x, y\ncpu 0 {\n  x = 1\n  y = 1\n}\ncpu 1 {\n  r = y\n  s = x\n}\nlocations x, 1:s\nfilter (1:r == 1)\nfinal forall (1:s == 1)\n",
			"ok", "1:s=1; x=1", 1},
	} {
		p, err := compiler.Compile("f.mmu", []byte(tc.src), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, cfg := range []vm.Config{
			{}, {Search: "dpor"}, {Search: "dfs"}, {Search: "state"}, {Search: "auto", Workers: 2},
			{Model: "tso"}, {Model: "tso", Search: "graph"}, {Search: "graph"}, // (armv8 allows MP: another answer)
		} {
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tc.verdict || finalStates(r) != tc.finals || r.Positive+r.Negative != tc.execs {
				t.Errorf("%s, model %q search %q: verdict %s, final states %q, %d+%d counted; want %s, %q, %d",
					tc.name, cfg.Model, cfg.Search, r.Verdict, finalStates(r), r.Positive, r.Negative, tc.verdict, tc.finals, tc.execs)
			}
		}
	}
}
