package mmu

import (
	"fmt"
	"sort"
)

// pte_offset_map() and the split PTE lock (mm/pgtable-generic.c,
// include/linux/mm.h). __pte_offset_map() enters an RCU read-side section
// (rcu_read_lock(), so that the table cannot be freed under it, see
// tlb_remove_table()), reads the pmd with pmdp_get_lockless() and gives up
// if it is not a table; pte_unmap() leaves the section.
// __pte_offset_map_lock() then takes the table's PTL (pte_lockptr(): a
// spinlock per page-table page with USE_SPLIT_PTE_PTLOCKS) and re-reads the
// pmd: if it changed (the table was freed or replaced) it unlocks and starts
// again. The kernel passes the PTL back through a pointer; here it is found
// from the entry's table page, so pte_unmap_unlock() takes the entry only.

func ptlLoc(pfn uint64) Loc { return tagPTL | Loc(pfn) }

// mapPMD reads the pmd as __pte_offset_map() does, in the phases of c from
// base on (several steps on x86 PAE). Done gives the pmd value.
func (c *Call) mapPMD(base int) (uint64, Status) {
	m := c.M
	return c.sub(base, func(c *Call) (uint64, Status) {
		if m.tr.SplitHalves {
			return m.lowHighLockless(c, "pmdp_get_lockless", c.Args[0])
		}
		v, _ := m.softRead(c, "pmdp_get_lockless", c.Args[0])
		return v, Done
	})
}

// bPteOffsetMap is pte_offset_map(pmdp, addr): the entry's address inside
// an RCU read-side section, or 0 (no section) if the pmd is no table.
func bPteOffsetMap(c *Call) (uint64, Status) {
	pmd, st := c.mapTable()
	if st != Done || pmd == 0 {
		return 0, st
	}
	return c.M.entryTable(pmd) + 8*tableIndex(c.Args[1], 3), Done
}

// mapTable is __pte_offset_map() up to the pmd: rcu_read_lock() in phase 0,
// then the read of the pmd (phases 1…). Done with 0 means no table (and the
// RCU section left); Done with a pmd, a table entry, inside the section.
func (c *Call) mapTable() (uint64, Status) {
	m := c.M
	if c.Phase == 0 {
		bRCULock(c)
		c.Phase = 1
	}
	pmd, st := c.mapPMD(1)
	if st != Done || m.fault != nil {
		return 0, st
	}
	if !m.isTable(pmd) {
		bRCUUnlock(c)
		return 0, Done
	}
	return pmd, Done
}

// bPteOffsetMapLock is pte_offset_map_lock(mm, pmdp, addr): phases 1.. read
// the pmd; phase lockPhase takes the PTL of its table and re-reads the pmd.
func bPteOffsetMapLock(c *Call) (uint64, Status) {
	const lockPhase = 100
	m := c.M
	if _, ok := m.mmArg("pte_offset_map_lock", c.Args[0]); !ok {
		return 0, Done
	}
	args := c.Args
	c.Args = args[1:] // pmdp, addr for mapPMD
	defer func() { c.Args = args }()
	if m.Weak() && c.Phase == 0 {
		m.S.mem.Attempt() // a pass that finds the pmd changed is a failed one
	}
	if c.Phase < lockPhase {
		pmd, st := c.mapTable()
		if st != Done || pmd == 0 {
			return 0, st
		}
		c.Scratch[3] = pmd
		c.Phase = lockPhase
		return 0, Again
	}
	pmd := c.Scratch[3]
	pfn := m.entryPfn(pmd)
	if m.Weak() {
		return c.lockPTLWeak(pmd, pfn)
	}
	if m.S.Get(ptlLoc(pfn)) != 0 {
		return 0, Block
	}
	if now, _ := m.softRead(c, "pte_offset_map_lock", c.Args[0]); now != pmd {
		c.Phase = 1 // pmd_same() failed: the table changed under us, again
		return 0, Again
	}
	m.S.Set(ptlLoc(pfn), c.owner())
	c.countUp(cpuSpin)
	return m.entryTable(pmd) + 8*tableIndex(c.Args[1], 3), Done
}

// lockPTLWeak is the lock phase under a weak model, in the kernel's
// order: spin_lock(ptl), an acquire RMW of the PTL word (a PTL read held
// stops the run, as spin_lock() does), then pmd_same() against a fresh
// read of the pmd. A change is spin_unlock() and a retry, which is a spin
// loop's failed pass: the run stops there. That loses nothing: what
// another CPU can see of the failed pass is the PTL taken and released,
// which only orders its own critical section after the pass (and the PTL
// has no trylock), and the pass's reads decide nothing but the retry.
func (c *Call) lockPTLWeak(pmd, pfn uint64) (uint64, Status) {
	m := c.M
	if !c.takeLockAt(ptlLoc(pfn)) {
		return 0, Block
	}
	if now, _ := m.softRead(c, "pte_offset_map_lock", c.Args[0]); now != pmd || m.fault != nil {
		m.releaseLockAt(ptlLoc(pfn))
		if m.fault != nil {
			return 0, Done
		}
		m.S.mem.Retry()
		return 0, Block
	}
	c.countUp(cpuSpin)
	return m.entryTable(pmd) + 8*tableIndex(c.Args[1], 3), Done
}

func bPteUnmap(c *Call) (uint64, Status) { return bRCUUnlock(c) }

// bPteUnmapUnlock is pte_unmap_unlock(ptep): release the PTL of ptep's
// table page, then leave the RCU section of pte_offset_map_lock().
func bPteUnmapUnlock(c *Call) (uint64, Status) {
	m := c.M
	pfn := c.Args[0] >> 12
	var holder uint64
	m.Ghost(func() { holder = m.S.Get(ptlLoc(pfn)) }) // a check, not an access
	if holder != c.owner() {
		m.Fail("lock", "%s: pte_unmap_unlock(%#x): this thread does not hold the PTL of that table", m.threadName(m.Thread), c.Args[0])
		return 0, Done
	}
	m.releaseLockAt(ptlLoc(pfn))
	c.countDown(cpuSpin, "pte_unmap_unlock")
	return bRCUUnlock(c)
}

// ptlsHeld lists the PTLs still held, for LocksHeld.
func (m *Machine) ptlsHeld() []string {
	var held []string
	m.S.Range(tagPTL, func(l Loc, v uint64) {
		held = append(held, fmt.Sprintf("the PTL of table page %#x by %s", uint64(l&^tagMask), m.threadName(int(v)-1)))
	})
	sort.Strings(held)
	return held
}

var pteMapBuiltins = []*Builtin{
	{Name: "pte_offset_map", Arity: 2, Fn: bPteOffsetMap},
	{Name: "pte_unmap", Arity: 1, Void: true, Fn: bPteUnmap},
	{Name: "pte_offset_map_lock", Arity: 3, Params: "m..", Blocks: true, Fn: bPteOffsetMapLock},
	{Name: "pte_unmap_unlock", Arity: 1, Void: true, Fn: bPteUnmapUnlock},
	{Name: "pmdp_get_lockless", Arity: 1, Fn: func(c *Call) (uint64, Status) { return c.mapPMD(0) }},
}
