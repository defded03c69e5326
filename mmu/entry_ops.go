package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// Entry operations by their kernel names. Pure ones act on values; the
// ptep_* and pmdp_* ones are one atomic step on the entry, as the kernel
// makes them (an atomic RMW or exchange).

// wrprotect is pte_wrprotect(): arm64 (arch/arm64/include/asm/pgtable.h)
// first saves hardware dirtiness in PTE_DIRTY, then clears PTE_WRITE and
// sets PTE_RDONLY; x86 clears _PAGE_RW.
func (m *Machine) wrprotect(v uint64) uint64 {
	e := m.enc
	if e.ReadOnly != 0 {
		if m.dirty(v) {
			v |= e.Dirty
		}
		return v&^e.Write | e.ReadOnly
	}
	return v &^ e.Write
}

// mkwrite is pte_mkwrite_novma(): arm64 sets PTE_WRITE and, if the entry
// is software-dirty, clears PTE_RDONLY; x86 sets _PAGE_RW.
func (m *Machine) mkwrite(v uint64) uint64 {
	e := m.enc
	v |= e.Write
	if e.ReadOnly != 0 && v&e.Dirty != 0 {
		v &^= e.ReadOnly
	}
	return v
}

// entryRMW runs op on the entry at ptep as one atomic step (unfolding an
// arm64 contpte block first where the kernel's contpte_* wrapper does). It
// reads the entry as software does: on Xen PV, a write this CPU queued for
// it and has not flushed would land after the RMW (`read-hazard`).
func (c *Call) entryRMW(fn string, ptep uint64, unfold bool, op func(uint64) uint64) (uint64, bool) {
	m := c.M
	old, ok := m.softRead(c, fn, ptep)
	if !ok {
		return 0, false
	}
	if unfold && m.cont(old) {
		m.repaintBlock(c, ptep, false)
		old = m.S.Get(Loc(ptep))
	}
	m.S.Set(Loc(ptep), op(old)) // an atomic RMW writes, whatever it writes
	return old, true
}

// ptep_set_wrprotect(mm, addr, ptep): arm64 __ptep_set_wrprotect() is a
// cmpxchg loop over pte_wrprotect() (contpte_set_wrprotect() unfolds
// first); x86 clear_bit(_PAGE_BIT_RW). One atomic step.
func bPtepSetWrprotect(c *Call) (uint64, Status) {
	if m := c.M; m.splitEntry(c.Args[2]) {
		// x86 PAE: clear_bit() of the low word, where _PAGE_RW is; a
		// non-value-returning atomic, relaxed under the LKMM
		if m.entryLive("ptep_set_wrprotect", c.Args[2]) {
			m.rmwHalf(c.Args[2], false, memmodel.Once, func(lo uint64) uint64 { return m.wrprotect(lo) & 0xffffffff })
		}
		return 0, Done
	}
	c.entryRMW("ptep_set_wrprotect", c.Args[2], true, c.M.wrprotect)
	return 0, Done
}

// rmwHalf is an atomic RMW of one 32-bit half of a split PAE entry under
// a weak model (x86's bit operations on the pte's first unsigned long, an
// exchange of a half), its events tagged t; it returns the old half.
func (m *Machine) rmwHalf(addr uint64, high bool, t memmodel.Tag, op func(uint64) uint64) uint64 {
	var old uint64
	m.tagged(t, func() {
		old = m.S.Get(halfLoc(addr, high))
		m.S.Set(halfLoc(addr, high), op(old))
	})
	return old
}

// ptep_test_and_clear_young(vma, addr, ptep), with the vma's mm: clear the
// access flag and return whether it was set. On an arm64 contpte block,
// contpte_ptep_test_and_clear_young() clears it in all 16 entries and
// returns whether any had it.
//
// Under a weak model each entry is read once, and written (an RMW) only
// where it is young: arm64's __ptep_test_and_clear_young() is a relaxed
// cmpxchg loop that also writes an old entry back unchanged, a write no
// other CPU can tell from none but by coherence, so the model allows a
// little more than the kernel there. On x86 PAE it is x86's: a read of
// the entry, and test_and_clear_bit() (fully ordered) of the low word
// where it is young.
func bPtepTestAndClearYoung(c *Call) (uint64, Status) {
	m, ptep := c.M, c.Args[2]
	if m.splitEntry(ptep) {
		fn := "ptep_test_and_clear_young"
		if m.readHalf(c, fn, ptep, false)&m.enc.Young == 0 || m.fault != nil {
			return 0, Done
		}
		old := m.rmwHalf(ptep, false, memmodel.Mb, func(lo uint64) uint64 { return lo &^ m.enc.Young })
		return b2u(old&m.enc.Young != 0), Done
	}
	old, ok := m.softRead(c, "ptep_test_and_clear_young", ptep)
	if !ok {
		return 0, Done
	}
	first, n := ptep, uint64(1)
	if m.present(old) && m.cont(old) {
		n = uint64(m.tr.ContPTEs)
		first = ptep &^ (n*8 - 1)
	}
	young := false
	for i := uint64(0); i < n; i++ {
		a, v := first+8*i, old
		if a != ptep { // the entry itself is read once
			v = m.S.Get(Loc(a))
		}
		if v&m.enc.Young != 0 {
			young = true
			m.S.Set(Loc(a), v&^m.enc.Young)
		}
	}
	return b2u(young), Done
}

// pmdp_huge_get_and_clear(mm, addr, pmdp): an atomic exchange of the pmd
// with 0 (x86 PAE: pmdp_get_and_clear()'s 64-bit xchg).
func bPmdpHugeGetAndClear(c *Call) (uint64, Status) {
	old, _ := c.entryRMW("pmdp_huge_get_and_clear", c.Args[2], false, func(uint64) uint64 { return 0 })
	return old, Done
}

var entryOpBuiltins = []*Builtin{
	{Name: "ptep_set_wrprotect", Arity: 3, Params: "m..", Void: true, Fn: bPtepSetWrprotect},
	{Name: "ptep_test_and_clear_young", Arity: 3, Params: "m..", Fn: bPtepTestAndClearYoung},
	{Name: "pmdp_huge_get_and_clear", Arity: 3, Params: "m..", Fn: bPmdpHugeGetAndClear},
}

var entryPureBuiltins = []*Builtin{
	{Name: "pte_wrprotect", Arity: 1, Fn: pure1((*Machine).wrprotect)},
	{Name: "pte_mkwrite", Arity: 1, Fn: pure1((*Machine).mkwrite)},
	{Name: "pte_mkwrite_novma", Arity: 1, Fn: pure1((*Machine).mkwrite)},
	// mk_pte(page, prot): the model's pages are pfns
	{Name: "mk_pte", Arity: 2, Fn: func(c *Call) (uint64, Status) { return c.M.pfnEntry(c.Args[0], c.Args[1], 3), Done }},
	{Name: "pte_val", Arity: 1, Fn: pure1(func(_ *Machine, v uint64) uint64 { return v })},
	{Name: "pmd_val", Arity: 1, Fn: pure1(func(_ *Machine, v uint64) uint64 { return v })},
}

// pmd_populate(mm, pmdp, table) and pmd_populate_kernel(): point a pmd at a
// page-table page (arm64 __pmd_populate(), x86 set_pmd(__pmd(_PAGE_TABLE |
// __pa(pte)))), as set_pmd() writes it.
func pmdPopulate(fn string) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		if _, ok := c.M.mmArg(fn, c.Args[0]); !ok {
			return 0, Done
		}
		table, ok := c.M.tableAddrArg(fn, c.Args[2])
		if ok {
			c.M.writeEntry(c, fn, c.Args[1], c.M.tableEntryFor(table<<12), 2)
		}
		return 0, Done
	}
}

var populateBuiltins = []*Builtin{
	{Name: "pmd_populate", Arity: 3, Params: "m..", Void: true, Fn: pmdPopulate("pmd_populate")},
	{Name: "pmd_populate_kernel", Arity: 3, Params: "m..", Void: true, Fn: pmdPopulate("pmd_populate_kernel")},
}
