package mmu

import "fmt"

// readEntry is a software read of a table entry (ptep_get, pmdp_get, the
// *_offset walkers): a use-after-free if the table page was freed.
func (m *Machine) readEntry(fn string, addr uint64) (uint64, bool) {
	if !m.memAddr(fn, addr) {
		return 0, false
	}
	ok := m.checkLive(addr>>12, func() string {
		return fmt.Sprintf("%s read %s", m.threadName(m.Thread), m.entryName(fn, addr))
	})
	if m.splitEntry(addr) && !m.observer {
		// under a weak model a PAE entry is two 32-bit words: a 64-bit
		// read is two reads, low then high, as READ_ONCE of a pte_t is
		// on x86-32
		return m.S.Get(halfLoc(addr, false)) | m.S.Get(halfLoc(addr, true))<<32, ok
	}
	v := m.S.Get(Loc(addr))
	if ok && !m.reused(fn, addr, v) {
		return 0, false
	}
	return v, ok
}

func (m *Machine) entryName(fn string, addr uint64) string {
	if n := m.AddrName(addr); n != "" {
		return fmt.Sprintf("%s in %s()", n, fn)
	}
	return fmt.Sprintf("entry %d of the table at %#x in %s()", addr%PageSize/8, addr&^(PageSize-1), fn)
}

// offsetStep is pud_offset/pmd_offset/pte_offset_kernel: read the parent
// entry (a step) and index the table it points to.
func offsetStep(fn string, level int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		v, ok := m.readEntry(fn, c.Args[0])
		if !ok {
			return 0, Done
		}
		if !m.isTable(v) {
			m.Fail("fault", "%s: the entry at %#x is %#x, not a table", fn, c.Args[0], v)
			return 0, Done
		}
		return m.entryTable(v) + 8*tableIndex(c.Args[1], level), Done
	}
}

// offsetLockless indexes the table of an entry value read earlier.
func offsetLockless(level int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		return c.M.entryTable(c.Args[1]) + 8*tableIndex(c.Args[2], level), Done
	}
}

func bPgdOffset(c *Call) (uint64, Status) {
	mm, ok := c.M.mmArg("pgd_offset", c.Args[0])
	if !ok {
		return 0, Done
	}
	return c.M.mms[mm].pgd + 8*tableIndex(c.Args[1], 0), Done
}

// TLB. An entry is cached per CPU, per mm (0 for kernel addresses, which
// every mm shares) and per size (0: 4K, 1: 2M, 2: 1G). A generation word
// per (CPU, mm) is written by every fill and flush and read by every lookup,
// so that a flush that found nothing still orders against a later fill. Its
// value never changes: what matters is the footprint, and a counter would
// make states that differ only in history look different.

func tlbGen(cpu, mm int) Loc { return tlbLoc(cpu, mm, 15, 0) }

func (m *Machine) tlbLookup(cpu, mm int, va uint64) (uint64, int) {
	m.S.Get(tlbGen(cpu, mm))
	vpn := (va & vaMask) >> 12
	for lvl := 0; lvl < 3; lvl++ {
		if e := m.S.Get(tlbLoc(cpu, mm, lvl, vpn>>(9*uint(lvl)))); e != 0 {
			return e, lvl
		}
	}
	return 0, 0
}

func (m *Machine) tlbFill(cpu, mm, lvl int, va, e uint64) {
	m.S.Set(tlbGen(cpu, mm), 1)
	m.S.Set(tlbLoc(cpu, mm, lvl, ((va&vaMask)>>12)>>(9*uint(lvl))), e)
}

// tlbFlush drops cpu's cached translations of mm in [start, end); all
// when end <= start.
func (m *Machine) tlbFlush(cpu, mm int, start, end uint64) {
	for i := range m.mms {
		if mm == anyMM || mm == i {
			m.S.Set(tlbGen(cpu, i), 1)
		}
	}
	startVPN, endVPN := (start&vaMask)>>12, (end&vaMask)>>12
	all := end <= start || end-start >= 1<<30
	var drop []Loc
	m.S.Range(tagTLB, func(l Loc, _ uint64) {
		c, lm, lvl := int(l>>48&0xff), int(l>>40&0xff), int(l>>36&0xf)
		if c != cpu || (lm != mm && mm != anyMM) || lvl == 15 {
			return
		}
		first := uint64(l&(1<<36-1)) << (9 * uint(lvl))
		last := first + 1<<(9*uint(lvl))
		if all || (first < endVPN && last > startVPN) {
			drop = append(drop, l)
		}
	})
	for _, l := range drop {
		m.S.Set(l, 0)
	}
}

func (m *Machine) flushAllCPUs(mm int, start, end uint64) {
	for cpu := 0; cpu < m.cfg.CPUs; cpu++ {
		m.tlbFlush(cpu, mm, start, end)
	}
}

// access is the hardware: translate va (TLB, else a walk that fills it),
// update young/dirty, then touch the data page.
func bAccess(c *Call) (uint64, Status) {
	m := c.M
	mm, ok := m.mmArg("access", c.Args[0])
	if !ok {
		return 0, Done
	}
	va, write := c.Args[1], c.Args[2] != 0
	if isKernelVA(va) {
		mm = 0
	}
	e, lvl := m.tlbLookup(c.CPU, mm, va)
	how := "through its TLB"
	if e == 0 || (write && !m.dirty(e)) {
		var ok bool
		if e, lvl, ok = m.walk(c.CPU, mm, va, write); !ok {
			return 0, Done
		}
		how = "after a page-table walk"
	}
	pfn := m.entryPfn(e) + (va>>12)&(1<<(9*uint(lvl))-1)
	m.checkLive(pfn, func() string { // built only for a use-after-free message
		verb := map[bool]string{false: "read", true: "wrote"}[write]
		return fmt.Sprintf("%s %s %#x %s", m.threadName(m.Thread), verb, va, how)
	})
	return 1, Done
}

// walk is the hardware page-table walker. It returns the leaf entry and its
// TLB size level, or reports a fault (kernel) or returns !ok (user fault).
func (m *Machine) walk(cpu, mm int, va uint64, write bool) (uint64, int, bool) {
	t := m.mms[mm].pgd
	for level := 0; level < 4; level++ {
		eaddr := t + 8*tableIndex(va, level)
		alive := m.checkLive(eaddr>>12, func() string {
			return fmt.Sprintf("%s's page-table walker for %#x read %s", m.threadName(m.Thread), va, m.entryName(levelNames[level], eaddr))
		})
		if !alive {
			return 0, 0, false
		}
		v := m.S.Get(Loc(eaddr))
		hidden := level == 3 && m.tr.PTEBarriers && m.S.Get(pendLoc(eaddr)) != 0
		if hidden || !m.present(v) {
			return m.translationFault(mm, va, level, v, hidden)
		}
		if level < 3 && m.isTable(v) {
			t = m.entryTable(v)
			continue
		}
		if write && v&m.enc.Write == 0 {
			return m.translationFault(mm, va, level, v, false)
		}
		nv := v | m.enc.Young
		if write {
			nv = m.hwDirty(nv)
		}
		if nv != v {
			m.S.Set(Loc(eaddr), nv)
		}
		lvl := 3 - level
		m.tlbFill(cpu, mm, lvl, va, nv)
		return nv, lvl, true
	}
	return 0, 0, false
}

var levelNames = [...]string{"pgd", "pud", "pmd", "pte"}

func (m *Machine) translationFault(mm int, va uint64, level int, v uint64, hidden bool) (uint64, int, bool) {
	if mm != 0 {
		return 0, 0, false // a user fault: access() returns 0
	}
	why := fmt.Sprintf("the %s entry is %#x", levelNames[level], v)
	if hidden {
		why = "the new pte is not visible to the walker yet (no dsb(ishst); isb() since it was written): a spurious kernel translation fault"
	} else if m.present(v) {
		why = fmt.Sprintf("the %s entry %#x does not allow the access", levelNames[level], v)
	}
	m.Fail("fault", "%s: kernel access to %#x cannot be translated: %s", m.threadName(m.Thread), va, why)
	return 0, 0, false
}

// bHWSet is the hardware's own update of the access or dirty flag, as a
// walk for an access through the entry does it: an atomic read-modify-write
// of a valid descriptor. Hardware never writes an invalid descriptor (Arm
// ARM D8.4.2, "hardware updates ... only of valid descriptors"; the Intel
// SDM, 4.8: A/D are set in the entries used for a translation), so on an
// entry that is not present nothing happens: a correct
// ptep_get_and_clear() racing the update either returns the dirty entry or
// clears it first. Dirty also needs a writable entry (arm64 DBM, x86
// R/W): a write to a read-only page faults instead of dirtying it.
func bHWSet(dirty bool) func(c *Call) (uint64, Status) {
	fn := map[bool]string{false: "hw_set_young", true: "hw_set_dirty"}[dirty]
	return func(c *Call) (uint64, Status) {
		m := c.M
		v, ok := m.readEntry(fn, c.Args[0])
		if !ok || !m.present(v) || (dirty && v&m.enc.Write == 0) {
			return 0, Done
		}
		nv := v | m.enc.Young
		if dirty {
			nv = m.hwDirty(nv)
		}
		m.S.Set(Loc(c.Args[0]), nv)
		return 0, Done
	}
}
