package vm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestBBMOverCoherence holds every model and search to the interleavings
// on arm64's break-before-make, which judges an entry write against what
// it overwrites. A CPU run alone under a weak model knew only its own
// writes: two CPUs installing different pages at one PTE passed (the
// graph engines saw no live entry), and a CPU's second write, with
// another CPU's pte_clear() between the two in coherence, always failed,
// so those executions' final states were lost. Under tso's store buffers
// the write is judged as it reaches memory: judged as the CPU issued it,
// against memory and its own buffer, two writes buffered before either
// reached memory passed.
func TestBBMOverCoherence(t *testing.T) {
	scripts := []struct{ name, src, verdict string }{
		{"race", `arch arm64
table t
cpu 1 {
  set_pte(&t[0], pfn_pte(17, PAGE_KERNEL))
}
cpu 2 {
  set_pte(&t[0], pfn_pte(16, PAGE_KERNEL))
}
cpu 3 {
  r = ptep_get(&t[0])
}
final exists (3:r == 0)
`, "fail bbm"},
		{"clear between", writesAndClear(16), "fail bbm"},
		{"same page", writesAndClear(17), "ok"},
	}
	configs := []vm.Config{
		{Model: "sc", Search: "graph"}, {Model: "sc", Search: "incremental"},
		{Model: "tso"}, {Model: "tso", Search: "state"}, {Model: "tso", Search: "dpor"},
		{Model: "tso", Search: "graph"}, {Model: "tso", Search: "incremental"},
		{Model: "armv8"}, {Model: "armv8", Search: "incremental"},
		{Model: "lkmm"}, {Model: "lkmm", Search: "incremental"},
	}
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			p, err := compiler.Compile(s.name+".mmu", []byte(s.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := vm.Check(context.Background(), p, vm.Config{Search: "dfs", All: true})
			if err != nil {
				t.Fatal(err)
			}
			if want.Verdict != s.verdict {
				t.Fatalf("sc dfs: %q, want %q", want.Verdict, s.verdict)
			}
			for _, cfg := range configs {
				cfg.All = true
				got, err := vm.Check(context.Background(), p, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if got.Verdict != want.Verdict || finalStates(got) != finalStates(want) {
					t.Errorf("%s/%s: %q\n%s\nsc dfs: %q\n%s", cfg.Model, cfg.Search, got.Verdict, finalStates(got), want.Verdict, finalStates(want))
				}
			}
		})
	}
}

// writesAndClear is a script where CPU 1 sets entry t[0] to page 17 and
// then to page pfn, while CPU 2 clears it and reads it.
func writesAndClear(pfn int) string {
	return fmt.Sprintf(`arch arm64
table t
cpu 1 {
  set_pte(&t[0], pfn_pte(17, PAGE_KERNEL))
  set_pte(&t[0], pfn_pte(%d, PAGE_KERNEL))
}
cpu 2 {
  pte_clear(init_mm, 0, &t[0])
  r = ptep_get(&t[0])
}
final exists (2:r == 0)
`, pfn)
}
