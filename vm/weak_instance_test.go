package vm_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestCmpxchg8bIsOneInstruction: x86 PAE's ptep_get_and_clear() is one
// LOCK CMPXCHG8B of the entry's two halves. The graph engines made it an
// exchange of each half, so a CPU that stores the low half, then (after
// smp_wmb()) the high one could be seen new in the high half and old in
// the low one: a torn entry (0x100000000 here) that the interleavings
// never give, and that every weak model forbids of one instruction.
func TestCmpxchg8bIsOneInstruction(t *testing.T) {
	src := `arch x86pae
table t
cpu 0 {
  r0 = ptep_get_and_clear(init_mm, 0, &t[0])
}
cpu 1 {
  pte_write_low(&t[0], 2)
  smp_wmb()
  pte_write_high(&t[0], 1)
}
final ~exists (0:r0 == 0x100000000)
`
	p, err := compiler.Compile("cmpxchg8b.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []string{"sc", "tso", "armv8", "lkmm"} {
		want, err := vm.Check(context.Background(), p, vm.Config{Model: model, Search: "dfs", All: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, search := range []string{"dfs", "graph", "incremental"} {
			got, err := vm.Check(context.Background(), p, vm.Config{Model: model, Search: search, All: true})
			if err != nil {
				t.Fatal(err)
			}
			if got.Verdict != "ok" || finalStates(got) != finalStates(want) {
				t.Errorf("%s/%s: %q\n%s\n%s/dfs:\n%s", model, search, got.Verdict, finalStates(got), model, finalStates(want))
			}
		}
	}
}
