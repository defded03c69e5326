package vm_test

import (
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestEnabledIncremental walks random schedules of the generated scripts
// of the differential tests and of the acceptance corpus (irqs, IPIs, RCU
// callbacks, preemption, page reuse), and at every state compares the set
// of threads that can step, kept from step to step, with the set found by
// asking every thread.
func TestEnabledIncremental(t *testing.T) {
	var progs []*vm.Program
	for seed := int64(0); seed < 300; seed++ {
		for _, src := range []string{genScript(seed), genReuseScript(seed), genScriptIPI(seed)} {
			if p, err := compiler.Compile("gen.mmu", []byte(src), nil); err == nil {
				progs = append(progs, p)
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "scenarios", "*", "*.mmu"))
	more, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.mmu"))
	for _, f := range append(files, more...) {
		if _, err := os.Stat(f); err != nil {
			continue
		}
		if p, err := compiler.CompileFile(f, nil); err == nil && (p.Model == "" || p.Model == "sc") {
			progs = append(progs, p)
		}
	}
	if len(progs) < 300 {
		t.Fatalf("only %d scripts compiled", len(progs))
	}
	r := rand.New(rand.NewSource(1))
	states := 0
	for _, p := range progs {
		model := "sc"
		if r.Intn(3) == 0 { // a third under tso: store buffers and their flush threads
			model = "tso"
		}
		m, err := vm.NewMachineFor(p, vm.Config{Model: model})
		if err != nil {
			continue
		}
		var got, want []int
		for walk := 0; walk < 20; walk++ {
			m.Reset()
			for step := 0; step < 1000; step++ {
				got, want = m.Enabled(got), m.EnabledFull(want)
				states++
				if !slices.Equal(got, want) {
					t.Fatalf("%s, walk %d, step %d: enabled %v, every thread asked: %v", p.Name, walk, step, got, want)
				}
				if len(got) == 0 {
					break
				}
				if err := m.Step(got[r.Intn(len(got))]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("%d scripts, %d states compared", len(progs), states)
}
