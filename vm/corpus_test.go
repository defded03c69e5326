package vm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
// strategies at once, and must report exactly what one worker reports.
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
		summary := func(workers int) string {
			r, err := vm.Check(context.Background(), p, vm.Config{Arch: p.Arches[0], Workers: workers, DPORBudget: 20000})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprintf("%s %d %d %v %v %v", r.Verdict, r.Executions, r.States, r.FinalStates, r.Schedule, r.Notes)
		}
		if one, two := summary(1), summary(2); one != two {
			t.Errorf("%s: -j 1 gives %s\n-j 2 gives %s", f, one, two)
		}
	}
}
