package vm_test

import (
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestStoreBufferSearches: under tso's store buffers every search gives
// the same verdict and final states on two shapes they used to disagree
// on.
//   - A CPU that spins on a value its own buffer forwarded waits on the
//     location in memory: it was left waiting on the buffer's view, which
//     nothing writes, so another CPU's flush did not wake it and
//     dfs/state/auto reported a deadlock that cannot happen.
//   - An IPI sent only once the sender's buffer drained, to a CPU that
//     then turned IRQs off: dpor never ran the drain before the target's
//     local_irq_save(), so it missed every final state where the reader
//     saw the new entry (examples/seeds/002-pae-retry-needs-ipi.mmu).
//   - A CPU whose step stores x and, at smp_mb() (no step of its own),
//     blocks for its buffer, and an irq handler on that CPU that stores
//     y: dpor reversed the race of the handler's store with the CPU's
//     later load of y at no node, since the CPU could not run where the
//     handler did, and missed r == 0 (the flush of x, then the load, then
//     the handler).
//   - The same handler's race with a load its CPU makes after the
//     handler has ended: dpor ran the task where the handler started,
//     asleep there, and not the other CPU's flush of x that the load must
//     come after, and missed r0 == 1 with x == 3.
//   - A step that loads and then reaches smp_mb() and waits for its
//     buffer: dpor took it for a wait alone and undid it, load and all,
//     so the load never ran before the buffer drained, and it missed the
//     outcome where CPU 1 reads the handler's entry while its store of y
//     still waits (0:r1 == 0 with both entries read).
func TestStoreBufferSearches(t *testing.T) {
	const ptep = "ptep = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA), VA)"
	for _, tc := range []struct {
		name, src, verdict, finals string
	}{
		{"spin woken by a flush", `model tso
shared go
cpu 0 {
  go = 1
  await go == 2
}
cpu 1 {
  await go == 1
  go = 2
}
`, "ok", ""},
		{"IPI after the drain", `arch x86pae
model tso
mm user
const VA = 0x08048000
init {
  map(user, VA, 4K, 0x300300, PAGE_SHARED)
}
cpu 0 {
  ` + ptep + `
  pte_clear(user, VA, ptep)
  flush_tlb_mm_range(user, VA, VA + 4K)
  set_pte(ptep, pfn_pte(0x700300, PAGE_SHARED))
}
cpu 1 {
  ` + ptep + `
  flags = local_irq_save()
  pte = ptep_get(ptep)
  local_irq_restore(flags)
}
final exists (1:pte == 0)
`, "ok", "1:pte=0\n1:pte=0x8000000300000000\n1:pte=0x8000000300300007\n1:pte=0x8000000700000000\n1:pte=0x8000000700300007"},
		{"irq store behind a fence's wait", `model tso
shared x, y
cpu 0 {
  x = 1
  smp_mb()
  r = y
}
irq 0 {
  y = 1
}
final exists (0:r == 0)
`, "ok", "0:r=0\n0:r=1"},
		{"irq xchg after a load of a flushed store", `model tso
shared x, z
cpu 0 {
  z = 2
  r0 = x
}
cpu 1 {
  x = 1
}
irq 0 {
  r100 = xchg(&x, 3)
}
final exists (0:r0 == 1 && x == 3)
`, "ok", "0:r0=0; x=1\n0:r0=0; x=3\n0:r0=1; x=1\n0:r0=1; x=3\n0:r0=3; x=1\n0:r0=3; x=3"},
		{"a load and a fence in one step", `model tso
shared y
table t
cpu 0 {
  r0 = ptep_get_and_clear(init_mm, 0, &t[1])
  r1 = y
}
cpu 1 {
  y = 2
  r0 = ptep_get(&t[1])
  smp_mb()
}
irq 1 {
  set_pte(&t[1], pfn_pte(17, PAGE_KERNEL))
}
final exists (pte_pfn(0:r0) == 17 && 0:r1 == 0 && pte_pfn(1:r0) == 17)
`, "ok", "0:r0=0; 0:r1=0; 1:r0=0\n0:r0=0; 0:r1=0; 1:r0=0x68000000011383\n0:r0=0; 0:r1=2; 1:r0=0\n0:r0=0; 0:r1=2; 1:r0=0x68000000011383\n0:r0=0x68000000011383; 0:r1=0; 1:r0=0\n0:r0=0x68000000011383; 0:r1=0; 1:r0=0x68000000011383\n0:r0=0x68000000011383; 0:r1=2; 1:r0=0\n0:r0=0x68000000011383; 0:r1=2; 1:r0=0x68000000011383"},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		for _, cfg := range []vm.Config{{}, {Search: "dpor"}, {Search: "dfs"}, {Search: "state"}, {Search: "state", Workers: 2}, {Workers: 2}} {
			cfg.All = true
			r := check(t, p, cfg)
			if r.Verdict != tc.verdict || finalStates(r) != tc.finals || !r.Complete {
				t.Errorf("%s, search %q -j %d: %s, final states\n%s\ncomplete %v; want %s,\n%s", tc.name, cfg.Search, cfg.Workers, r.Verdict, finalStates(r), r.Complete, tc.verdict, tc.finals)
			}
		}
	}
}
