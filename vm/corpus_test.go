package vm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// corpusDirs are the folders of ../shared/scenarios this project supports,
// by name: a new folder is added here when its issue is taken.
var corpusDirs = []string{"litmus", "basics", "seeds", "perf"}

// TestAcceptanceCorpus checks every script of the shared acceptance corpus
// on every arch it names against its expect lines. Users' clones have no
// ../shared, so the test skips there.
func TestAcceptanceCorpus(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "scenarios")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no acceptance corpus at", root)
	}
	for _, dir := range corpusDirs {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.mmu"))
		sort.Strings(files)
		for _, f := range files {
			p, err := compiler.CompileFile(f, nil)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			for _, a := range p.Arches {
				t.Run(dir+"/"+filepath.Base(f)+"/"+a, func(t *testing.T) {
					r, err := vm.Check(context.Background(), p, vm.Config{Arch: a})
					if err != nil {
						t.Fatal(err)
					}
					if !r.Matched || r.Expected == "" {
						t.Errorf("verdict %s, expected %q (%d executions)", r.Verdict, r.Expected, r.Executions)
					}
				})
			}
		}
	}
}

// TestWorkersSameResult: with two workers the default search runs its two
// strategies at once, and its stateful search on both; it must report
// what one worker reports: the verdict, kinds, final states and
// counterexample, and the counts too unless it labels them as depending
// on the split.
func TestWorkersSameResult(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "scenarios")
	if _, err := os.Stat(root); err != nil {
		t.Skip("no acceptance corpus at", root)
	}
	for _, f := range []string{"perf/ptdump-vmalloc-n8-fixed.mmu", "perf/sb-ring-8.mmu",
		"seeds/contpte-lockless-noretry.mmu", "seeds/ptdump-vmalloc-keyfirst.mmu", "seeds/lazy-nest-irq.mmu"} {
		p, err := compiler.CompileFile(filepath.Join(root, f), nil)
		if err != nil {
			t.Fatal(err)
		}
		check := func(workers int) *vm.Result {
			r, err := vm.Check(context.Background(), p, vm.Config{Arch: p.Arches[0], Workers: workers, DPORBudget: 20000})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		counts := func(r *vm.Result) string {
			return fmt.Sprintf("%d %d %v", r.Executions, r.States, r.FinalStates)
		}
		one, two := check(1), check(2)
		if a, b := stateOutcomeOf(one), stateOutcomeOf(two); !reflect.DeepEqual(a, b) {
			t.Errorf("%s: -j 1 gives %+v\n-j 2 gives %+v", f, a, b)
		}
		if two.SplitCounts == nil && counts(one) != counts(two) {
			t.Errorf("%s: -j 1 counts %s\n-j 2 counts %s (not labelled as split-dependent)", f, counts(one), counts(two))
		}
	}
}
