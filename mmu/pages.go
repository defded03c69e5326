package mmu

import "fmt"

// Page states (tagPage words): low two bits say untracked (0: a pfn the
// script named but never allocated), live, or freed; then the kind of page,
// the mm it belongs to, and for a freed page who freed it and at which step.
// Freed pages are never reused unless the script opts in (page_reuse.go), so
// every later access is caught.
const (
	pageLive  = 1
	pageFreed = 2
)

const (
	pageKindData = iota
	pageKindPGD
	pageKindPUD
	pageKindPMD
	pageKindPTE
	pageKindDeclared
)

var pageKindNames = [...]string{"page", "pgd table", "pud table", "pmd table", "pte table", "table"}

func pageWord(state, kind, mm int) uint64 {
	return uint64(state) | uint64(kind)<<2 | uint64(mm)<<8
}

// freedBy marks a page freed by thread. The step number of the free is kept
// outside the store (m.freedAt): it is history, not state, and would make
// every path's states distinct to a stateful search.
func freedBy(live uint64, thread int) uint64 {
	return live&^3 | pageFreed | uint64(thread)<<16
}

func (m *Machine) allocTable(kind, mm int) uint64 {
	if t, ok := m.reuseTable(m.CPU, kind, mm); ok {
		return t
	}
	pfn := tablePoolBase + m.S.Get(nextTableLoc)
	m.S.Set(nextTableLoc, m.S.Get(nextTableLoc)+1)
	m.S.Set(pageLoc(pfn), pageWord(pageLive, kind, mm))
	return pfn << 12
}

func (m *Machine) allocData() uint64 {
	if pfn, ok := m.reuseData(m.CPU); ok {
		return pfn
	}
	pfn := dataPoolBase + m.S.Get(nextDataLoc)
	m.S.Set(nextDataLoc, m.S.Get(nextDataLoc)+1)
	m.markLive(pfn)
	return pfn
}

func (m *Machine) markLive(pfn uint64) {
	m.S.Set(pageLoc(pfn), pageWord(pageLive, pageKindData, 0))
	m.S.Set(refLoc(pfn), 1)
}

// checkLive raises use-after-free when pfn has been freed; what says what
// the access was ("CPU 1 read pte table entry …").
func (m *Machine) checkLive(pfn uint64, what func() string) bool {
	if !m.memPfn(what, pfn) {
		return false
	}
	w := m.S.Get(pageLoc(pfn))
	if w&3 != pageFreed {
		return true
	}
	m.Fail("use-after-free", "%s: %s was freed by %s at step %d",
		what(), m.pageName(pfn, w), m.threadName(int(w>>16&0xff)), m.freedAt[pfn])
	return false
}

// free frees pfn, raising use-after-free on a double free; what names the
// call for that message, and is only called to print it (a free runs on
// every pte_free_kernel step, where formatting cost 5 % of the time).
func (m *Machine) free(pfn uint64, what func() string) {
	if !m.checkLive(pfn, what) {
		return
	}
	w := m.S.Get(pageLoc(pfn))
	if w == 0 {
		w = pageWord(pageLive, pageKindData, 0)
	}
	m.S.Set(pageLoc(pfn), freedBy(w, m.Thread))
	m.freedAt[pfn] = m.StepNo
	m.S.Set(refLoc(pfn), 0)
	m.pcpPush(m.CPU, pfn)
}

func (m *Machine) pageName(pfn, w uint64) string {
	kind := int(w >> 2 & 7)
	if kind == pageKindData || kind >= len(pageKindNames) {
		return fmt.Sprintf("page %#x", pfn)
	}
	mm := int(w >> 8 & 0xff)
	if kind == pageKindDeclared {
		return fmt.Sprintf("table page %#x", pfn)
	}
	name := "?"
	if mm < len(m.mms) {
		name = m.mms[mm].name
	}
	return fmt.Sprintf("%s %s (page %#x)", name, pageKindNames[kind], pfn)
}

// tableAddrArg checks that a table argument is the first entry of a page.
func (m *Machine) tableAddrArg(fn string, addr uint64) (uint64, bool) {
	if addr%PageSize != 0 {
		m.Fail("error", "%s: %#x is not the first entry of a table page", fn, addr)
		return 0, false
	}
	return addr >> 12, true
}

func (m *Machine) entryTable(v uint64) uint64 { return m.entryPfn(v) << 12 }

func (m *Machine) tableEntryFor(tableAddr uint64) uint64 {
	return (tableAddr>>12&m.enc.PfnMask)<<12 | m.enc.Present | m.enc.Table | m.enc.Write
}

// ensureTable returns the table below entry eaddr, allocating one in init.
func (m *Machine) ensureTable(eaddr uint64, kind, mm int) uint64 {
	if v := m.S.Get(Loc(eaddr)); m.isTable(v) {
		return m.entryTable(v)
	}
	t := m.allocTable(kind, mm)
	m.S.Set(Loc(eaddr), m.tableEntryFor(t))
	return t
}

// mapEntryAddr returns the address of va's entry at level (2 pmd, 3 pte),
// building tables down to it.
func (m *Machine) mapEntryAddr(mm int, va uint64, level int) uint64 {
	t := m.mms[mm].pgd
	for l := 0; l < level; l++ {
		t = m.ensureTable(t+8*tableIndex(va, l), pageKindPUD+l, mm)
	}
	return t + 8*tableIndex(va, level)
}

func (m *Machine) mmArg(fn string, h uint64) (int, bool) {
	if h&handleMask == mmHandle && int(h&0xffff) < len(m.mms) {
		return int(h & 0xffff), true
	}
	m.Fail("error", "%s: %#x is not an mm", fn, h)
	return 0, false
}

// builtins: pages

func bMap(c *Call) (uint64, Status) {
	m := c.M
	mm, ok := m.mmArg("map", c.Args[0])
	if !ok {
		return 0, Done
	}
	va, size, pfn, prot := c.Args[1], c.Args[2], c.Args[3], c.Args[4]
	if va%PageSize != 0 || size%PageSize != 0 {
		m.Fail("error", "map: va %#x and size %#x must be page aligned", va, size)
		return 0, Done
	}
	if size/PageSize > 1<<20 {
		m.Fail("error", "map: size %#x is too large to simulate", size)
		return 0, Done
	}
	n := size / PageSize
	if !m.memPfn(func() string { return "map" }, pfn+n) {
		return 0, Done
	}
	userContPTE := m.tr.ContPTE && mm != 0
	cont := uint64(m.tr.ContPTEs)
	for i := uint64(0); i < n; i++ {
		if i%budgetPages == budgetPages-1 && m.overBudget("map") {
			return 0, Done
		}
		v := va + i*PageSize
		e := m.pfnEntry(pfn+i, prot, 3)
		// set_ptes() folds naturally aligned runs of CONT_PTES on user mms
		if userContPTE && foldable(v, pfn+i, i, n, cont) {
			e |= m.enc.Cont
		}
		m.S.Set(Loc(m.mapEntryAddr(mm, v, 3)), e)
		m.markLive(pfn + i)
	}
	return 0, Done
}

// budgetPages is how many pages map() sets up between two looks at the
// check's budget (a few hundred microseconds of work).
const budgetPages = 1024

// overBudget asks the VM's budget, for builtins that do much work in one
// call, and raises a limit violation naming fn when it has run out.
func (m *Machine) overBudget(fn string) bool {
	if m.Budget == nil {
		return false
	}
	if msg := m.Budget(); msg != "" {
		m.Fail("limit", "%s: stopped: %s", fn, msg)
		return true
	}
	return false
}

// foldable tells whether entry i (at va, mapping pfn) of an n-entry run lies
// in a naturally aligned block of cont entries that the run covers whole,
// with the block's pfns aligned too.
func foldable(va, pfn, i, n, cont uint64) bool {
	off := (va / PageSize) % cont
	return i >= off && i-off+cont <= n && (pfn-off)%cont == 0
}

func bMapPMD(c *Call) (uint64, Status) {
	m := c.M
	mm, ok := m.mmArg("map_pmd", c.Args[0])
	if !ok {
		return 0, Done
	}
	va, pfn, prot := c.Args[1], c.Args[2], c.Args[3]
	if va%(2<<20) != 0 {
		m.Fail("error", "map_pmd: va %#x is not 2M aligned", va)
		return 0, Done
	}
	if !m.memPfn(func() string { return "map_pmd" }, pfn+512) {
		return 0, Done
	}
	m.S.Set(Loc(m.mapEntryAddr(mm, va, 2)), m.pfnEntry(pfn, prot, 2))
	for i := uint64(0); i < 512; i++ {
		m.markLive(pfn + i)
	}
	return 0, Done
}

// bTableAlloc is pte_alloc_one()/pmd_alloc_one(): GFP_PGTABLE_USER
// (GFP_KERNEL based, arch/*/include/asm/pgalloc.h) may sleep.
func bTableAlloc(fn string, kind int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		if !c.mightSleep(fn) {
			return 0, Done
		}
		return c.M.allocTable(kind, 0), Done
	}
}

func bTableFree(name string) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		if pfn, ok := c.M.tableAddrArg(name, c.Args[0]); ok {
			addr := c.Args[0]
			c.M.free(pfn, func() string { return fmt.Sprintf("%s(%#x)", name, addr) })
			c.M.poisonFreed(c, pfn)
		}
		return 0, Done
	}
}

// bAllocPage is alloc_page(gfp); without gfp, GFP_KERNEL.
func bAllocPage(c *Call) (uint64, Status) {
	gfp := uint64(gfpKernel)
	if len(c.Args) > 0 {
		gfp = c.Args[0]
	}
	if !c.allocMightSleep("alloc_page", gfp) {
		return 0, Done
	}
	return c.M.allocData(), Done
}

func bFreePage(c *Call) (uint64, Status) {
	pfn := c.Args[0]
	c.M.free(pfn, func() string { return fmt.Sprintf("free_page(%#x)", pfn) })
	return 0, Done
}

func bGetPage(c *Call) (uint64, Status) {
	m, pfn := c.M, c.Args[0]
	if m.checkLive(pfn, func() string { return fmt.Sprintf("get_page(%#x)", pfn) }) {
		m.S.Set(refLoc(pfn), m.S.Get(refLoc(pfn))+1)
	}
	return 0, Done
}

func bPutPage(c *Call) (uint64, Status) {
	m, pfn := c.M, c.Args[0]
	what := func() string { return fmt.Sprintf("put_page(%#x)", pfn) }
	if !m.checkLive(pfn, what) {
		return 0, Done
	}
	r := m.S.Get(refLoc(pfn))
	if r <= 1 {
		m.free(pfn, what)
		return 0, Done
	}
	m.S.Set(refLoc(pfn), r-1)
	return 0, Done
}
