package vm_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// nocheckArmv8 is the contpte reader without its consistency check, under
// armv8: its failure needs one read to return an older write than the
// newest, among some 4^16 executions.
const nocheckArmv8 = "../examples/seeds/004-contpte-lockless-nocheck-armv8.mmu"

// TestIncrementalPrelude: the incremental search finds the failed
// condition among the graphs where one read takes an older write, long
// before the 5,000th execution of its own order (without the prelude it
// checked 382,312 executions of this shape in 60 s without finding it).
func TestIncrementalPrelude(t *testing.T) {
	p, err := compiler.CompileFile(nocheckArmv8, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.Check(context.Background(), p, vm.Config{Search: "incremental", Limits: vm.Limits{Executions: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Matched || r.Verdict != "fail condition" {
		t.Fatalf("verdict %s after %d executions (bounds %v), want fail condition", r.Verdict, r.Executions, r.Bounds)
	}
	if !hasNote(r, "prelude") {
		t.Errorf("no note of the prelude in %q", r.Notes)
	}
}

// TestEnumerationFallsBack: under armv8 the default search, the
// enumeration for a script without IPIs, stops at its bound on the
// reader's runs; the incremental search then answers.
func TestEnumerationFallsBack(t *testing.T) {
	p, err := compiler.CompileFile(nocheckArmv8, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.Check(context.Background(), p, vm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Matched || !hasNote(r, "as the enumeration stopped at a bound (runs: ") {
		t.Fatalf("verdict %s, notes %q: want fail condition from the incremental search", r.Verdict, r.Notes)
	}
	// asked for by name, the enumeration stays itself
	r, err = vm.Check(context.Background(), p, vm.Config{Search: "graph"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || hasNote(r, "as the enumeration stopped") || !hasNote(r, "--search incremental") {
		t.Errorf("--search graph: complete %v, notes %q: want the enumeration's bound and its hint", r.Complete, r.Notes)
	}
}

func hasNote(r *vm.Result, s string) bool {
	return slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, s) })
}

// TestPreludeLeavesResults: where the prelude settles nothing, the check's
// result is the search's, or (a phase that left no graph out) the
// prelude's own whole search: the same executions and final states as the
// search without the prelude (--all), on the classic shapes under armv8.
func TestPreludeLeavesResults(t *testing.T) {
	files, _ := filepath.Glob("../examples/litmus/weak/*.mmu")
	compared := 0
	for _, f := range files {
		p, err := compiler.CompileFile(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg := vm.Config{Model: "armv8", Search: "incremental"}
		r, err := vm.Check(context.Background(), p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Complete {
			continue // settled early, by the prelude or the search
		}
		cfg.All = true
		whole, err := vm.Check(context.Background(), p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		compared++
		if r.Executions != whole.Executions || !slices.Equal(finalKeys(r), finalKeys(whole)) {
			t.Errorf("%s: %d executions, final states %v; the search alone: %d, %v", filepath.Base(f), r.Executions, finalKeys(r), whole.Executions, finalKeys(whole))
		}
	}
	if compared < 10 {
		t.Fatalf("compared only %d shapes", compared)
	}
}

func finalKeys(r *vm.Result) []string {
	var out []string
	for _, s := range r.FinalStates {
		out = append(out, fmt.Sprintf("%s×%d", s.Values, s.Count))
	}
	slices.Sort(out)
	return out
}

// TestLookFurther: under lkmm an enumeration stopped at its bound on the
// runs (one CPU reading 17 words another writes) is followed by the
// incremental search within a budget, whose failed condition, a real
// execution, settles the check; without expect lines nothing would end
// it, and the enumeration's incomplete result stands (TestEnumerationBoundHint).
func TestLookFurther(t *testing.T) {
	p := manyReads(t, true, "final ~exists (1:r16 == 1 && 1:r0 == 0)\nexpect fail condition\n")
	r, err := vm.Check(context.Background(), p, vm.Config{Model: "lkmm"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Matched || !hasNote(r, "what it finds is real") {
		t.Fatalf("verdict %s (bounds %v), notes %q: want the incremental search's failed condition", r.Verdict, r.Bounds, r.Notes)
	}
}
