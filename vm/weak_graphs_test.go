package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
	"github.com/mmuvm/mmuvm/vm/internal/testhook"
)

// TestGraphsBound: Limits.Graphs stops a weak model's search after that
// many graphs, incomplete and saying so; a bound the search does not
// reach changes nothing.
func TestGraphsBound(t *testing.T) {
	src := `shared x, y
cpu 0 {
  WRITE_ONCE(x, 1)
  r0 = READ_ONCE(y)
}
cpu 1 {
  WRITE_ONCE(y, 1)
  r0 = READ_ONCE(x)
}
cpu 2 {
  WRITE_ONCE(x, 2)
}
`
	p, err := compiler.Compile("sb3.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []vm.Config{{Model: "armv8", Search: "graph"}, {Model: "lkmm", Search: "graph"},
		{Model: "armv8", Search: "incremental"}, {Model: "tso", Search: "incremental"}} {
		cfg.All = true
		full, err := vm.Check(context.Background(), p, cfg)
		if err != nil || !full.Complete || full.Graphs < 3 {
			t.Fatalf("%s/%s: %v, complete %v, %d graphs", cfg.Model, cfg.Search, err, full.Complete, full.Graphs)
		}
		for _, n := range []int{1, full.Graphs - 1, full.Graphs} {
			cfg.Limits.Graphs = n
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			bounded := strings.Contains(strings.Join(r.Bounds, "\n"), "graphs: stopped after")
			if n < full.Graphs && (r.Complete || !bounded || r.Graphs != n || r.Verdict != "incomplete") {
				t.Errorf("%s/%s bound %d of %d: complete %v, verdict %q, %d graphs, bounds %q", cfg.Model, cfg.Search, n, full.Graphs, r.Complete, r.Verdict, r.Graphs, r.Bounds)
			}
			if n == full.Graphs && (!r.Complete || bounded || finalStates(r) != finalStates(full)) {
				t.Errorf("%s/%s bound %d: complete %v, bounds %q", cfg.Model, cfg.Search, n, r.Complete, r.Bounds)
			}
		}
	}
}

// TestGraphsCountEveryRound: the incremental search runs again from the
// start while its rounds find entries of freed tables read that their
// frees did not poison, and a prelude runs beside it; Result.Graphs and
// Limits.Graphs count the complete graphs of all of them, the work done.
// (They counted the last round's only: ptdump-vmalloc-n64-fixed under
// armv8 reported 3,950 graphs after 20 s and 394 after 30 s.)
func TestGraphsCountEveryRound(t *testing.T) {
	p, err := compiler.Compile("ptdump-vmalloc-n4-fixed.mmu", []byte(benchscripts.PtdumpVmalloc(4, true)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, all := range []bool{false, true} { // with the prelude, and without
		counts := &testhook.Counts{}
		cfg := vm.Config{Model: "armv8", All: all}
		full, err := vm.Check(testhook.With(context.Background(), counts), p, cfg)
		if err != nil || !full.Complete || full.Verdict != "ok" {
			t.Fatalf("all %v: %v, complete %v, verdict %q", all, err, full.Complete, full.Verdict)
		}
		if full.Graphs != counts.Complete {
			t.Errorf("all %v: Graphs %d, but the searches checked %d complete graphs", all, full.Graphs, counts.Complete)
		}
		cfg.Limits.Graphs = full.Graphs - 1
		r, err := vm.Check(context.Background(), p, cfg)
		if err != nil || r.Complete || r.Graphs != cfg.Limits.Graphs {
			t.Errorf("all %v, bound %d of %d: %v, complete %v, %d graphs", all, cfg.Limits.Graphs, full.Graphs, err, r.Complete, r.Graphs)
		}
	}
}
