package mmu

import "fmt"

// Page reuse (opt-in: Config.PageReuse, the script's `page_reuse` line).
//
// The kernel frees an order-0 page onto the freeing CPU's per-CPU page list
// (mm/page_alloc.c free_unref_page() → free_unref_page_commit(), which
// list_add()s it at the head) and allocates from the head of the
// allocating CPU's list (__rmqueue_pcplist(): list_first_entry()), so the
// page a CPU freed last is the one it hands out next: LIFO. Whether the
// page is still there when the next allocation comes is the explored
// choice: each CPU has a drain thread (vm/page_reuse.go) whose one step is
// drain_pages_zone()/free_pcppages_bulk() emptying the list into the buddy
// allocator, from which the model never hands a page out again. A search
// that runs the drain before the allocation gets a fresh page, one that
// runs it after (or never before the end) gets the reused one.
//
// Simplifications: one list per CPU for every kind of page (the kernel keeps
// one per migratetype and order; page tables and GFP_KERNEL pages are both
// MIGRATE_UNMOVABLE order 0); a list holds at most pcpMax pages, a free
// beyond that goes to the buddy (pcp->high); a page drained to the buddy,
// or freed on one CPU, is never handed out by another CPU.

// pcpMax bounds a CPU's list (the kernel's pcp->high is in the hundreds;
// scripts free a few pages).
const pcpMax = 16

// Per-CPU list words: the length, then the pfns, bottom first (the head,
// the next page handed out, is the last).
const (
	cpuPCPLen = 0xe0
	cpuPCP0   = 0xe1
)

// pcpPush puts a freed pfn at the head of cpu's list, if reuse is on and
// the list has room.
func (m *Machine) pcpPush(cpu int, pfn uint64) {
	if !m.cfg.PageReuse || cpu < 0 || cpu >= m.cfg.CPUs {
		return
	}
	n := int(m.S.Get(cpuLoc(cpu, cpuPCPLen)))
	if n >= pcpMax {
		return
	}
	m.S.Set(cpuLoc(cpu, cpuPCP0+n), pfn)
	m.S.Set(cpuLoc(cpu, cpuPCPLen), uint64(n+1))
}

// pcpPop takes the head of cpu's list: the page it freed last.
func (m *Machine) pcpPop(cpu int) (uint64, bool) {
	if !m.cfg.PageReuse || cpu < 0 || cpu >= m.cfg.CPUs {
		return 0, false
	}
	n := int(m.S.Get(cpuLoc(cpu, cpuPCPLen)))
	if n == 0 {
		return 0, false
	}
	pfn := m.S.Get(cpuLoc(cpu, cpuPCP0+n-1))
	m.S.Set(cpuLoc(cpu, cpuPCP0+n-1), 0)
	m.S.Set(cpuLoc(cpu, cpuPCPLen), uint64(n-1))
	return pfn, true
}

// reuseTable hands out the head of cpu's list as a zeroed page table
// (GFP_PGTABLE_USER has __GFP_ZERO).
func (m *Machine) reuseTable(cpu, kind, mm int) (uint64, bool) {
	pfn, ok := m.pcpPop(cpu)
	if !ok {
		return 0, false
	}
	base := pfn << 12
	for i := uint64(0); i < EntriesPerTable; i++ {
		m.S.Set(Loc(base+8*i), 0)
	}
	m.S.Set(pageLoc(pfn), pageWord(pageLive, kind, mm))
	m.S.Set(refLoc(pfn), 1)
	return base, true
}

// reuseData hands out the head of cpu's list as a data page (alloc_page()
// does not zero it; the model keeps no data contents).
func (m *Machine) reuseData(cpu int) (uint64, bool) {
	pfn, ok := m.pcpPop(cpu)
	if !ok {
		return 0, false
	}
	m.markLive(pfn)
	return pfn, true
}

// DrainPCP is one drain thread's step: drain_pages_zone() on cpu, every
// page of its list moving to the buddy allocator. It reads and writes the
// list's length even when the list is empty, so that the step is ordered
// against each allocation and free on cpu whatever the list holds.
func (m *Machine) DrainPCP(cpu int) string {
	n := int(m.S.Get(cpuLoc(cpu, cpuPCPLen)))
	for i := 0; i < n; i++ {
		m.S.Set(cpuLoc(cpu, cpuPCP0+i), 0)
	}
	m.S.Set(cpuLoc(cpu, cpuPCPLen), 0)
	if n == 0 {
		return "free-page list drained: empty"
	}
	return fmt.Sprintf("free-page list drained: %d page(s) to the buddy allocator, never reused", n)
}
