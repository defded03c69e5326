package mmu

// Entry encoding and the pure entry builtins. Every level uses
// pfn<<12 | flags; the arch's Encoding says which bits mean what.

func (m *Machine) pfnEntry(pfn, prot uint64, level int) uint64 {
	e := m.enc
	v := (pfn&e.PfnMask)<<12 | prot&^(e.PfnMask<<12)
	v = m.mkclean(v &^ e.Young)
	if v&e.Present == 0 {
		return v
	}
	switch {
	case level == 3:
		v |= e.PageBit
	default: // a block: arm64 clears the table bit, x86 sets PSE
		v = v&^e.Table | e.Leaf
	}
	return v
}

func (m *Machine) entryPfn(v uint64) uint64 { return (v >> 12) & m.enc.PfnMask }

func (m *Machine) present(v uint64) bool { return v&m.enc.Present != 0 }

// isTable tells whether a pgd/pud/pmd entry points to a next-level table.
func (m *Machine) isTable(v uint64) bool {
	if !m.present(v) {
		return false
	}
	if m.enc.Table != 0 {
		return v&m.enc.Table != 0
	}
	return v&m.enc.Leaf == 0
}

func (m *Machine) isLeaf(v uint64) bool { return m.present(v) && !m.isTable(v) }

func (m *Machine) dirty(v uint64) bool {
	e := m.enc
	if v&e.Dirty != 0 {
		return true
	}
	// arm64 DBM: writable and hardware-clean bit cleared means dirty
	return e.ReadOnly != 0 && v&e.Write != 0 && v&e.ReadOnly == 0
}

func (m *Machine) mkdirty(v uint64) uint64 {
	e := m.enc
	v |= e.Dirty
	if e.ReadOnly != 0 && v&e.Write != 0 {
		v &^= e.ReadOnly
	}
	return v
}

func (m *Machine) mkclean(v uint64) uint64 {
	e := m.enc
	v &^= e.Dirty
	if e.ReadOnly != 0 && v&e.Write != 0 {
		v |= e.ReadOnly
	}
	return v
}

// hwDirty is what the hardware does on a write through the entry: arm64's
// DBM clears the read-only bit, x86 sets the dirty bit.
func (m *Machine) hwDirty(v uint64) uint64 {
	e := m.enc
	if e.ReadOnly != 0 {
		if v&e.Write != 0 {
			return v &^ e.ReadOnly
		}
		return v
	}
	return v | e.Dirty
}

// kernelEntry tells whether a valid entry maps kernel memory
// (pte_valid_not_user()).
func (m *Machine) kernelEntry(v uint64) bool { return m.present(v) && v&m.enc.User == 0 }

func (m *Machine) cont(v uint64) bool { return m.enc.Cont != 0 && v&m.enc.Cont != 0 }

func (m *Machine) prot(v uint64) uint64 { return v &^ (m.enc.PfnMask << 12) }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func pure1(f func(m *Machine, v uint64) uint64) func(*Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) { return f(c.M, c.Args[0]), Done }
}

func constant(f func(m *Machine) uint64) func(*Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) { return f(c.M), Done }
}

var entryBuiltins = []*Builtin{
	{Name: "pfn_pte", Arity: 2, Fn: func(c *Call) (uint64, Status) { return c.M.pfnEntry(c.Args[0], c.Args[1], 3), Done }},
	{Name: "pfn_pmd", Arity: 2, Fn: func(c *Call) (uint64, Status) { return c.M.pfnEntry(c.Args[0], c.Args[1], 2), Done }},
	{Name: "pfn_pud", Arity: 2, Fn: func(c *Call) (uint64, Status) { return c.M.pfnEntry(c.Args[0], c.Args[1], 1), Done }},
	{Name: "pte_pfn", Arity: 1, Fn: pure1((*Machine).entryPfn)},
	{Name: "pmd_pfn", Arity: 1, Fn: pure1((*Machine).entryPfn)},
	{Name: "pud_pfn", Arity: 1, Fn: pure1((*Machine).entryPfn)},
	{Name: "pte_present", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.present(v)) })},
	{Name: "pte_valid", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.present(v)) })},
	{Name: "pte_none", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(v == 0) })},
	{Name: "pte_young", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(v&m.enc.Young != 0) })},
	{Name: "pte_dirty", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.dirty(v)) })},
	{Name: "pte_write", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(v&m.enc.Write != 0) })},
	{Name: "pte_cont", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.cont(v)) })},
	{Name: "pte_valid_cont", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.present(v) && m.cont(v)) })},
	{Name: "pte_mkyoung", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return v | m.enc.Young })},
	{Name: "pte_mkold", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return v &^ m.enc.Young })},
	{Name: "pte_mkdirty", Arity: 1, Fn: pure1((*Machine).mkdirty)},
	{Name: "pte_mkclean", Arity: 1, Fn: pure1((*Machine).mkclean)},
	{Name: "pte_mkcont", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return v | m.enc.Cont })},
	{Name: "pte_pgprot", Arity: 1, Fn: pure1((*Machine).prot)},
	{Name: "pmd_present", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.present(v)) })},
	{Name: "pmd_none", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(v == 0) })},
	{Name: "pmd_table", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.isTable(v)) })},
	{Name: "pmd_leaf", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.isLeaf(v)) })},
	{Name: "pud_present", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.present(v)) })},
	{Name: "pud_none", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(v == 0) })},
	{Name: "pud_table", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.isTable(v)) })},
	{Name: "pud_leaf", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return b2u(m.isLeaf(v)) })},
	{Name: "pte_low", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return v & 0xffffffff })},
	{Name: "pte_high", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 { return v >> 32 })},
	{Name: "make_pte", Arity: 2, Fn: func(c *Call) (uint64, Status) { return c.Args[0]<<32 | c.Args[1]&0xffffffff, Done }},
	{Name: "contpte_align_down", Arity: 1, Fn: pure1(func(m *Machine, v uint64) uint64 {
		return v &^ (uint64(m.tr.ContPTEs)*8 - 1)
	})},
	{Name: "PAGE_KERNEL", Constant: true, Fn: constant(func(m *Machine) uint64 { return m.enc.PageKernel })},
	{Name: "PAGE_KERNEL_RO", Constant: true, Fn: constant(func(m *Machine) uint64 { return m.enc.PageKernelRO })},
	{Name: "PAGE_SHARED", Constant: true, Fn: constant(func(m *Machine) uint64 { return m.enc.PageShared })},
	{Name: "PAGE_READONLY", Constant: true, Fn: constant(func(m *Machine) uint64 { return m.enc.PageReadonly })},
	{Name: "CONT_PTES", Constant: true, Fn: constant(func(m *Machine) uint64 { return uint64(m.tr.ContPTEs) })},
}
