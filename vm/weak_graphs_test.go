package vm_test

import (
	"context"
	"strings"
	"testing"

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
	p := compileBench(t, "sb3.mmu", src)
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
// armv8 reported 3,950 graphs after 20 s and 394 after 30 s.) The scout,
// which settles this script's rounds in one, is left out.
func TestGraphsCountEveryRound(t *testing.T) {
	p := compileBench(t, "ptdump-vmalloc-n4-fixed.mmu", benchscripts.PtdumpVmalloc(4, true))
	for _, all := range []bool{false, true} { // with the prelude, and without
		counts := &testhook.Counts{NoScout: true}
		cfg := vm.Config{Model: "armv8", All: all}
		full, err := vm.Check(testhook.With(context.Background(), counts), p, cfg)
		if err != nil || !full.Complete || full.Verdict != "ok" {
			t.Fatalf("all %v: %v, complete %v, verdict %q", all, err, full.Complete, full.Verdict)
		}
		if counts.Rounds < 2 {
			t.Fatalf("all %v: %d rounds: the test needs several", all, counts.Rounds)
		}
		if full.Graphs != counts.Complete {
			t.Errorf("all %v: Graphs %d, but the searches checked %d complete graphs", all, full.Graphs, counts.Complete)
		}
		cfg.Limits.Graphs = full.Graphs - 1
		r, err := vm.Check(testhook.With(context.Background(), &testhook.Counts{NoScout: true}), p, cfg)
		if err != nil || r.Complete || r.Graphs != cfg.Limits.Graphs {
			t.Errorf("all %v, bound %d of %d: %v, complete %v, %d graphs", all, cfg.Limits.Graphs, full.Graphs, err, r.Complete, r.Graphs)
		}
	}
}

// TestScout: the scout's sc runs tell the first round which entries of
// freed tables are read, which settles ptdump-vmalloc-nN-fixed's rounds in
// one (it took N+1), and changes nothing the check finds: the same
// verdict, executions and final states as without it, on scripts whose
// readers the scout does and does not see read a freed table.
func TestScout(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		oneRound  bool // the scout finds every entry read
	}{
		{"ptdump-vmalloc-n6-fixed", benchscripts.PtdumpVmalloc(6, true), true},
		{"ptdump-vmalloc-n4-buggy", benchscripts.PtdumpVmalloc(4, false), true},
		{"flag-walk", scoutFlagWalk, false},
	} {
		p := compileBench(t, tc.name+".mmu", tc.src)
		var rs [2]*vm.Result
		var rounds [2]int
		for i, noScout := range []bool{false, true} {
			counts := &testhook.Counts{NoScout: noScout}
			var err error
			rs[i], err = vm.Check(testhook.With(context.Background(), counts), p, vm.Config{Model: "armv8", Search: "incremental", All: true})
			if err != nil || !rs[i].Complete {
				t.Fatalf("%s, no scout %v: %v, complete %v", tc.name, noScout, err, rs[i].Complete)
			}
			rounds[i] = counts.Rounds
		}
		if rs[0].Verdict != rs[1].Verdict || rs[0].Executions != rs[1].Executions || finalStates(rs[0]) != finalStates(rs[1]) {
			t.Errorf("%s: with the scout %s, %d executions, %s; without %s, %d, %s", tc.name,
				rs[0].Verdict, rs[0].Executions, finalStates(rs[0]), rs[1].Verdict, rs[1].Executions, finalStates(rs[1]))
		}
		if tc.oneRound && (rounds[0] != 1 || rounds[1] < 2) || !tc.oneRound && rounds[0] < 2 {
			t.Errorf("%s: %d rounds with the scout, %d without", tc.name, rounds[0], rounds[1])
		}
	}
}

// scoutFlagWalk reads a table only after seeing a flag its freer sets
// before clearing the table's entry: neither CPU going first reads it
// under sc, so the rounds, not the scout, find the entry.
const scoutFlagWalk = `shared flag
const VA = 0xffff800080000000

init {
  map(init_mm, VA, 4K, 0x80000, PAGE_KERNEL)
  map(init_mm, VA + 2M, 4K, 0x80200, PAGE_KERNEL)
}

cpu 0 {
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  for j in 0..2 {
    table = pte_offset_kernel(pmdp + j * 8, VA + j * 2M)
    WRITE_ONCE(flag, j + 1)
    pmd_clear(pmdp + j * 8)
    pte_free_kernel(table)
  }
}

cpu 1 {
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  for i in 0..2 {
    if READ_ONCE(flag) == i + 1 {
      pmd = pmdp_get(pmdp + i * 8)
      if pmd_table(pmd) {
        pte = ptep_get(pte_offset_lockless(pmdp + i * 8, pmd, VA + i * 2M))
      }
    }
  }
}
`

// TestItemsHook: a test's bound on the items the incremental search
// visits (testhook.Counts.Items, which TestWeakDiffIPI uses in place of
// a time) stops the search there, incomplete and saying so; without it
// the search finishes, and Visited counts what it visited. (Under armv8:
// the hook bounds the search under any model, and lkmm takes 50 s here.)
func TestItemsHook(t *testing.T) {
	p := compileBench(t, "ptdump-vmalloc-n4-fixed.mmu", benchscripts.PtdumpVmalloc(4, true))
	cfg := vm.Config{Model: "armv8", Search: "incremental", All: true}
	full := &testhook.Counts{}
	r, err := vm.Check(testhook.With(context.Background(), full), p, cfg)
	if err != nil || !r.Complete || full.Visited == 0 {
		t.Fatalf("no bound: %v, complete %v, %d items visited", err, r.Complete, full.Visited)
	}
	cut := &testhook.Counts{Items: full.Visited / 2}
	r, err = vm.Check(testhook.With(context.Background(), cut), p, cfg)
	if err != nil || r.Complete || !strings.Contains(strings.Join(r.Bounds, "\n"), "items visited ran out") {
		t.Errorf("bound %d of %d: %v, complete %v, bounds %q", cut.Items, full.Visited, err, r.Complete, r.Bounds)
	}
	if cut.Visited > full.Visited/2+int64(1000) {
		t.Errorf("bound %d: visited %d", cut.Items, cut.Visited)
	}
}

// TestUnplacedNote: a weak check stopped at a bound, most of whose
// complete graphs had no allowed place for their IPI handlers, says so
// and what to do; a check that finishes, or finds its violation, does
// not.
func TestUnplacedNote(t *testing.T) {
	const note = "have no place for their IPI handlers that the model allows"
	for _, tc := range []struct {
		n     int
		fixed bool
		cfg   vm.Config
		want  bool
	}{
		{16, true, vm.Config{Model: "armv8", Limits: vm.Limits{Graphs: 400}}, true},
		{4, true, vm.Config{Model: "armv8"}, false},
		{16, false, vm.Config{Model: "armv8", Limits: vm.Limits{Graphs: 400}}, false},
	} {
		p := compileBench(t, "ptdump.mmu", benchscripts.PtdumpVmalloc(tc.n, tc.fixed))
		r, err := vm.Check(context.Background(), p, tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(r.Notes, "\n")
		if got := strings.Contains(notes, note); got != tc.want {
			t.Errorf("n%d fixed %v %+v: verdict %s, complete %v; note %v, want %v:\n%s", tc.n, tc.fixed, tc.cfg.Limits, r.Verdict, r.Complete, got, tc.want, notes)
		}
		if tc.want && !strings.Contains(notes, "of the 400 complete graphs") {
			t.Errorf("n%d: the note does not count the 400 graphs checked:\n%s", tc.n, notes)
		}
	}
}
