package vm_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestStoreBufferHalves holds tso's store buffers to x86tso.cat (the graph
// engine) where two CPUs store different halves of a PAE entry: a half's
// store reaches memory as that half. Buffered as the whole entry its CPU
// saw, CPU 0's high half overwrote CPU 1's low half, and CPU 1 read back
// 0 after writing its entry (TestWeakDiffTables, x86pae seed 63); and
// ptep_set_wrprotect()'s read and write back lost a dirty bit the
// hardware set in the other half.
func TestStoreBufferHalves(t *testing.T) {
	for name, src := range map[string]string{
		"halves": `arch x86pae
table t
cpu 0 {
  pte_write_low(&t[0], 2)
  pte_write_high(&t[0], 1)
}
cpu 1 {
  set_pte(&t[0], pfn_pte(16, PAGE_KERNEL))
  r0 = pte_read_low(&t[0])
}
final exists (1:r0 == 0)
`,
		"dirty bit": `arch x86pae
const VA = 0x7f0000000000
mm user
init {
  map(user, VA, 4K, 0x5000, PAGE_SHARED)
}
proc ptep_of(mm, va) {
  return pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(mm, va), va), va), va)
}
cpu 0 {
  ptep = ptep_of(user, VA)
  set_pte(ptep, pte_wrprotect(ptep_get(ptep)))
}
cpu 1 {
  ptep = ptep_of(user, VA)
  hw_set_dirty(ptep)
  seen = ptep_get(ptep)
}
locations 1:seen
final forall (pte_dirty(ptep_get(1:ptep)))
`,
	} {
		t.Run(name, func(t *testing.T) {
			p, err := compiler.Compile("halves.mmu", []byte(src), nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := vm.Check(context.Background(), p, vm.Config{Model: "tso", Search: "graph", All: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, search := range []string{"dfs", "dpor", "state"} {
				got, err := vm.Check(context.Background(), p, vm.Config{Model: "tso", Search: search, All: true})
				if err != nil {
					t.Fatal(err)
				}
				if finalStates(got) != finalStates(want) {
					t.Errorf("store buffers (%s):\n%s\nx86tso.cat:\n%s", search, finalStates(got), finalStates(want))
				}
			}
		})
	}
}
