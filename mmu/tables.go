package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/memmodel"
)

// lazyActive is the arch's view of lazy MMU mode on cpu: entered, and not
// in interrupt context (the merged generic layer never enters it there, and
// arm64/Xen PV treat an interrupt as outside the section).
func (m *Machine) lazyActive(cpu int) bool {
	return m.S.Get(cpuLoc(cpu, cpuLazy)) != 0 && m.S.Get(cpuLoc(cpu, cpuInIRQ)) == 0
}

// writeEntry stores a table entry as the kernel's __set_pte does: checks,
// the store itself, and arm64's queued barriers for kernel PTEs.
func (m *Machine) writeEntry(c *Call, fn string, addr, v uint64, level int) {
	m.writeEntryBatch(c, fn, addr, v, level, true)
}

// writeEntryBatch is writeEntry for the entries of one set_ptes() call:
// arm64 issues the barriers once, after the last entry (__set_ptes ends
// with one __set_pte_complete()), so only a complete write emits them.
func (m *Machine) writeEntryBatch(c *Call, fn string, addr, v uint64, level int, complete bool) {
	// the old value is the checker's (break-before-make), not a read of
	// the kernel's
	var old uint64
	var ok bool
	m.Ghost(func() { old, ok = m.readEntry(fn, addr) })
	if !ok {
		return
	}
	if m.tr.BreakBeforeMk && !m.initMode {
		if ew, judges := m.S.mem.(EntryWriter); judges && m.S.shared(Loc(addr)) {
			ew.EntryWrite(m.entryWrite(fn, v, level))
		} else if m.S.sb != nil && m.S.buffers(Loc(addr)) {
			m.S.sb.entry = 1 + level // judged as it reaches memory (FlushOne)
		} else if m.present(old) && m.present(v) && m.needsBBM(old, v, level) {
			m.Fail("bbm", "%s", m.bbmMsg(m.threadName(m.Thread), fn, addr, old, v))
		}
	}
	m.S.Set(Loc(addr), v)
	if !m.tr.PTEBarriers || m.initMode || !m.kernelEntry(v) {
		return
	}
	if level < 3 { // set_pmd/set_pud: dsb(ishst); isb() at once
		m.emitBarriers(c.CPU, true)
		return
	}
	n := int(m.S.Get(cpuLoc(c.CPU, cpuPendLen)))
	m.S.Set(pendLoc(addr), 1)
	m.S.Set(pendListLoc(c.CPU, n), addr)
	m.S.Set(cpuLoc(c.CPU, cpuPendLen), uint64(n+1))
	if complete && !m.lazyActive(c.CPU) { // queue_pte_barriers() outside lazy mode emits at once
		m.emitBarriers(c.CPU, false)
	}
}

// needsBBM tells whether replacing the live entry old by v needs
// break-before-make: another output address or another PTE_CONT bit. With
// BBML2_NOABORT a block size change keeps its output address and needs
// none: PTE_CONT set or cleared on the same pfn (contpte_convert() skips
// the clear and flush since 6.16), and a pmd/pud block replaced by a table
// that maps the same range, entry for entry (the linear map split).
func (m *Machine) needsBBM(old, v uint64, level int) bool {
	return m.needsBBMOver(old, v, level, func() (uint64, bool) { return m.tableRun(m.entryTable(v), splitStep(level)) })
}

// needsBBMOver is needsBBM where run tells how the table v points to maps
// its range (tableRun): read from memory, or as the writing CPU filled it
// (EntryWrite, under a weak model). It is asked only of a block replaced
// by a table.
func (m *Machine) needsBBMOver(old, v uint64, level int, run func() (base uint64, ok bool)) bool {
	if !m.tr.BBML2 {
		return m.entryPfn(old) != m.entryPfn(v) || m.cont(old) != m.cont(v)
	}
	if level < 3 && m.isLeaf(old) && m.isTable(v) {
		base, ok := run()
		return !ok || base != m.entryPfn(old)
	}
	return m.entryPfn(old) != m.entryPfn(v)
}

// splitStep is the pfn step between the entries of a table that splits a
// block at level: a pmd block into pages, a pud block into pmd blocks.
func splitStep(level int) uint64 {
	if level == 1 {
		return EntriesPerTable
	}
	return 1
}

// tableRun tells whether every entry of the table at table is valid, entry
// i with pfn base + i*step, and gives base.
func (m *Machine) tableRun(table, step uint64) (base uint64, ok bool) {
	base = m.entryPfn(m.S.Get(Loc(table)))
	for i := uint64(0); i < EntriesPerTable; i++ {
		e := m.S.Get(Loc(table + 8*i))
		if !m.present(e) || m.entryPfn(e) != base+i*step {
			return 0, false
		}
	}
	return base, true
}

func (m *Machine) bbmMsg(who, fn string, addr, old, v uint64) string {
	return fmt.Sprintf("%s: %s changes the live entry at %#x from %#x to %#x without break-before-make (clear, flush, then write)",
		who, fn, addr, old, v)
}

// EntryWriter is a Memory that judges break-before-make itself, against
// what each entry write overwrites: its coherence predecessor, which a CPU
// run alone under a weak model does not know (another CPU's write may come
// between its own), so the engine asks BBM once the execution is built.
type EntryWriter interface {
	// EntryWrite says the next store is an entry write w.
	EntryWrite(w EntryWrite)
}

// EntryWrite is what BBM needs of an entry write besides the values.
type EntryWrite struct {
	Fn    string
	Level int
	// Split says, where a block may be split without break-before-make
	// (BBML2_NOABORT), that the value is a table mapping a range entry
	// for entry from pfn Base, as the writing CPU filled it
	Split bool
	Base  uint64
}

// entryWrite describes the write of v at level by fn for BBM, reading the
// table v points to as the writing CPU sees it.
func (m *Machine) entryWrite(fn string, v uint64, level int) EntryWrite {
	w := EntryWrite{Fn: fn, Level: level}
	if m.tr.BBML2 && level < 3 && m.isTable(v) {
		m.Ghost(func() { w.Base, w.Split = m.tableRun(m.entryTable(v), splitStep(level)) })
	}
	return w
}

// BBM is the break-before-make violation of entry write w of v at addr
// by who over old, its coherence predecessor; "" if there is none.
func (m *Machine) BBM(w EntryWrite, who string, addr, old, v uint64) string {
	split := func() (uint64, bool) { return w.Base, w.Split }
	if !m.present(old) || !m.present(v) || !m.needsBBMOver(old, v, w.Level, split) {
		return ""
	}
	return m.bbmMsg(who, w.Fn, addr, old, v)
}

// emitBarriers is dsb(ishst); isb(): pending kernel PTEs become visible to
// the walker. It issues a dsb only if something is pending, unless always.
func (m *Machine) emitBarriers(cpu int, always bool) {
	n := int(m.S.Get(cpuLoc(cpu, cpuPendLen)))
	if n == 0 && !always {
		return
	}
	for i := 0; i < n; i++ {
		addr := m.S.Get(pendListLoc(cpu, i))
		m.S.Set(pendLoc(addr), 0)
		m.S.Set(pendListLoc(cpu, i), 0)
	}
	m.S.Set(cpuLoc(cpu, cpuPendLen), 0)
	m.countDSB(cpu, 1)
}

func (m *Machine) countDSB(cpu, n int) {
	l := cpuLoc(cpu, cpuDSB)
	m.S.Set(l, m.S.Get(l)+uint64(n))
}

// queued finds cpu's last queued (Xen PV lazy) write to addr.
func (m *Machine) queued(cpu int, addr uint64) (uint64, bool) {
	n := int(m.S.Get(cpuLoc(cpu, cpuQueueLen)))
	for i := n - 1; i >= 0; i-- {
		if m.S.Get(queueLoc(cpu, i, 0)) == addr {
			return m.S.Get(queueLoc(cpu, i, 1)), true
		}
	}
	return 0, false
}

func (m *Machine) enqueue(cpu int, addr, v uint64) {
	n := int(m.S.Get(cpuLoc(cpu, cpuQueueLen)))
	m.S.Set(queueLoc(cpu, n, 0), addr)
	m.S.Set(queueLoc(cpu, n, 1), v)
	m.S.Set(cpuLoc(cpu, cpuQueueLen), uint64(n+1))
}

// flushQueue applies cpu's queued writes in order (xen_flush_lazy_mmu).
func (m *Machine) flushQueue(c *Call) {
	n := int(m.S.Get(cpuLoc(c.CPU, cpuQueueLen)))
	for i := 0; i < n; i++ {
		addr, v := m.S.Get(queueLoc(c.CPU, i, 0)), m.S.Get(queueLoc(c.CPU, i, 1))
		m.S.Set(queueLoc(c.CPU, i, 0), 0)
		m.S.Set(queueLoc(c.CPU, i, 1), 0)
		m.writeEntry(c, "xen_flush_lazy_mmu", addr, v, 3)
	}
	m.S.Set(cpuLoc(c.CPU, cpuQueueLen), 0)
}

// softRead is ptep_get() and friends: a software read, a read hazard if
// this CPU has a queued write to the entry.
func (m *Machine) softRead(c *Call, fn string, addr uint64) (uint64, bool) {
	if !m.memAddr(fn, addr) {
		return 0, false
	}
	if m.tr.LazyQueue && !m.observer {
		if q, ok := m.queued(c.CPU, addr); ok {
			mem := m.S.Get(Loc(addr))
			m.Fail("read-hazard", "%s: %s returns %#x from memory, but this CPU queued %#x for it in lazy MMU mode and has not flushed",
				m.threadName(m.Thread), m.entryName(fn, addr), mem, q)
		}
	}
	return m.readEntry(fn, addr)
}

// setPTE is set_pte() on one entry; on x86 PAE it is two steps (high half,
// smp_wmb(), low half), so c.Phase selects the half.
func (c *Call) setPTE(fn string, addr, v uint64) Status {
	return c.setPTEBatch(fn, addr, v, true)
}

func (c *Call) setPTEBatch(fn string, addr, v uint64, complete bool) Status {
	m := c.M
	if !m.memAddr(fn, addr) { // before the lazy queue takes it
		return Done
	}
	switch {
	case m.tr.LazyQueue && !m.initMode && m.lazyActive(c.CPU):
		m.enqueue(c.CPU, addr, v)
	case m.splitEntry(addr) && !m.initMode:
		return m.writeHalves(c, fn, addr, v, true)
	case m.tr.SplitHalves && !m.initMode:
		mark := m.S.FootprintMark()
		old, ok := m.readEntry(fn, addr)
		if !ok {
			return Done
		}
		if c.Phase%2 == 0 {
			m.setHalf(mark, Loc(addr), old&0xffffffff|v&^0xffffffff, true)
			return Again
		}
		m.setHalf(mark, Loc(addr), old&^0xffffffff|v&0xffffffff, false)
	default:
		m.writeEntryBatch(c, fn, addr, v, 3, complete)
	}
	return Done
}

func bSetPTE(c *Call) (uint64, Status) {
	st := c.setPTE("set_pte", c.Args[0], c.Args[1])
	if st == Again {
		c.Phase++
	}
	return 0, st
}

// pteClear is pte_clear(): on x86 PAE the low half first, smp_wmb(), then high.
func bPTEClear(c *Call) (uint64, Status) {
	m, addr := c.M, c.Args[2]
	if !m.memAddr("pte_clear", addr) { // before the lazy queue takes it
		return 0, Done
	}
	switch {
	case m.tr.LazyQueue && m.lazyActive(c.CPU):
		m.enqueue(c.CPU, addr, 0)
	case m.splitEntry(addr):
		if m.writeHalves(c, "pte_clear", addr, 0, false) == Again {
			c.Phase = 1
			return 0, Again
		}
	case m.tr.SplitHalves:
		mark := m.S.FootprintMark()
		old, ok := m.readEntry("pte_clear", addr)
		if !ok {
			return 0, Done
		}
		if c.Phase == 0 {
			m.setHalf(mark, Loc(addr), old&^0xffffffff, false)
			c.Phase = 1
			return 0, Again
		}
		// ptep->pte_high = 0: the low half stays as it is (another CPU's
		// write of it since the first step included)
		m.setHalf(mark, Loc(addr), old&0xffffffff, true)
	default:
		m.writeEntry(c, "pte_clear", addr, 0, 3)
	}
	return 0, Done
}

// setPTEs writes nr consecutive entries (pfn incrementing). With fold, on
// an arm64 user mm, each naturally aligned block of CONT_PTES entries is
// written as one block operation with PTE_CONT (contpte_set_ptes' fast
// path); other entries are written one step each.
func setPTEs(fn string, fold bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		mm, ok := m.mmArg(fn, c.Args[0])
		if !ok {
			return 0, Done
		}
		addr, ptep, pte, nr := c.Args[1], c.Args[2], c.Args[3], c.Args[4]
		if nr > EntriesPerTable {
			m.Fail("error", "%s: nr %d is more than a table holds", fn, nr)
			return 0, Done
		}
		i := c.Scratch[0]
		if i >= nr {
			return 0, Done
		}
		cont := uint64(m.tr.ContPTEs)
		userCont := fold && m.tr.ContPTE && mm != 0
		switch {
		case userCont && nr == 1:
			// set_ptes() for one entry: contpte_try_unfold(), __set_ptes(),
			// contpte_try_fold(), as one block operation
			if m.cont(m.S.Get(Loc(ptep))) {
				m.repaintBlock(c, ptep, false)
			}
			m.writeEntry(c, fn, ptep, pte, 3)
			// contpte_try_fold() tries only at the last entry of a block,
			// virtually and physically aligned ("the likely last
			// modification in the contig range")
			last := (addr/PageSize)%cont == cont-1 && m.entryPfn(pte)%cont == cont-1
			if last && m.present(pte) && !m.cont(pte) && m.blockFoldable(ptep) {
				m.repaintBlock(c, ptep, true)
			}
			return 0, Done
		case userCont && foldable(addr+i*PageSize, m.entryPfn(pte)+i, i, nr, cont) && (addr/PageSize+i)%cont == 0:
			for j := uint64(0); j < cont; j++ {
				m.writeEntryBatch(c, fn, ptep+8*(i+j), m.entryAt(pte, i+j)|m.enc.Cont, 3, i+j+1 == nr)
			}
			i += cont
		default:
			st := c.setPTEBatch(fn, ptep+8*i, m.entryAt(pte, i), i+1 == nr)
			if st == Again {
				c.Phase++
				return 0, Again
			}
			i++
		}
		c.Scratch[0] = i
		if i < nr {
			c.Phase++
			return 0, Again
		}
		return 0, Done
	}
}

// entryAt is pte advanced by i pages (pte_advance_pfn).
func (m *Machine) entryAt(pte, i uint64) uint64 {
	return pte&^(m.enc.PfnMask<<12) | ((m.entryPfn(pte)+i)&m.enc.PfnMask)<<12
}

func bSetPTEAt(c *Call) (uint64, Status) {
	args := c.Args
	c.Args = []uint64{args[0], args[1], args[2], args[3], 1}
	v, st := setPTEs("set_pte_at", true)(c)
	c.Args = args
	return v, st
}

// getAndClear is ptep_get_and_clear(): one atomic exchange. The arm64
// non-raw form first unfolds a contpte block it is part of.
func getAndClear(fn string, unfold bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m, addr := c.M, c.Args[2]
		if m.splitEntry(addr) {
			return m.getAndClearHalves(c, fn, addr), Done
		}
		old, _ := c.entryRMW(fn, addr, unfold, func(uint64) uint64 { return 0 })
		return old, Done
	}
}

// ptep_get(): on arm64 a valid contpte entry gathers young and dirty from
// the whole block (contpte_ptep_get).
func bPtepGet(c *Call) (uint64, Status) {
	m, addr := c.M, c.Args[0]
	v, ok := m.softRead(c, "ptep_get", addr)
	if !ok || !m.present(v) || !m.cont(v) {
		return v, Done
	}
	base := addr &^ (uint64(m.tr.ContPTEs)*8 - 1)
	for i := uint64(0); i < uint64(m.tr.ContPTEs); i++ {
		e := m.S.Get(Loc(base + 8*i))
		if m.dirty(e) {
			v = m.mkdirty(v)
		}
		v |= e & m.enc.Young
	}
	return v, Done
}

func softGet(fn string) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		v, _ := c.M.softRead(c, fn, c.Args[0])
		return v, Done
	}
}

// ptep_get_lockless(): on x86 PAE, low, smp_rmb(), high, smp_rmb(), low
// again, retry if it changed (one step per read); on arm64, the contpte
// reader that retries until the block it read is consistent; elsewhere one
// atomic read.
func bPtepGetLockless(c *Call) (uint64, Status) {
	m, addr := c.M, c.Args[0]
	switch {
	case m.splitEntry(addr):
		return m.locklessHalves(c, addr)
	case m.tr.SplitHalves:
		return m.lowHighLockless(c, "ptep_get_lockless", addr)
	case m.tr.ContPTE:
		return contLockless(c, addr)
	}
	v, _ := m.softRead(c, "ptep_get_lockless", addr)
	return v, Done
}

// lowHighLockless is the CONFIG_GUP_GET_PXX_LOW_HIGH reader of
// include/linux/pgtable.h (ptep_get_lockless(), pmdp_get_lockless()): low,
// smp_rmb(), high, smp_rmb(), low again, retry if it changed. One step per
// read; Scratch[0] and [1] hold the halves.
//
// Under a weak model the entry (a pmd: pmds stay one 64-bit location) is
// read whole each time, with the smp_rmb()s between, and a retry is a
// spin loop's failed pass (as locklessHalves): the run stops there.
func (m *Machine) lowHighLockless(c *Call, fn string, addr uint64) (uint64, Status) {
	weak := m.Weak()
	if weak && c.Phase == 0 {
		m.S.mem.Attempt()
	}
	mark := m.S.FootprintMark()
	v, ok := m.softRead(c, fn, addr)
	if !ok {
		return 0, Done
	}
	m.S.narrow(mark, Loc(addr), c.Phase == 1) // low, high, low again
	switch c.Phase {
	case 0:
		c.Scratch[0] = v & 0xffffffff
	case 1:
		c.Scratch[1] = v >> 32
	case 2:
		if v&0xffffffff == c.Scratch[0] {
			return c.Scratch[1]<<32 | c.Scratch[0], Done
		}
		c.Phase = 0
		if weak {
			m.S.mem.Retry()
			return 0, Block
		}
		return 0, Again
	}
	if weak {
		m.fence(memmodel.Rmb)
	}
	c.Phase++
	return 0, Again
}

// contLockless is contpte_ptep_get_lockless(): Scratch holds orig_pte,
// orig_prot and the block's first pfn; Phase i>0 reads entry i-1.
func contLockless(c *Call, addr uint64) (uint64, Status) {
	m := c.M
	n := uint64(m.tr.ContPTEs)
	base := addr &^ (n*8 - 1)
	if c.Phase == 0 {
		if m.Weak() {
			m.S.mem.Attempt()
		}
		orig, ok := m.softRead(c, "ptep_get_lockless", addr)
		if !ok || !m.present(orig) || !m.cont(orig) {
			return orig, Done
		}
		c.Scratch[0] = orig
		c.Scratch[1] = m.prot(m.mkclean(orig &^ m.enc.Young))
		c.Scratch[2] = m.entryPfn(orig) - (addr-base)/8
		c.Phase = 1
		return 0, Again
	}
	i := uint64(c.Phase - 1)
	pte, ok := m.softRead(c, "ptep_get_lockless", base+8*i)
	if !ok {
		return 0, Done
	}
	if !m.present(pte) || !m.cont(pte) || m.entryPfn(pte) != c.Scratch[2]+i ||
		m.prot(m.mkclean(pte&^m.enc.Young)) != c.Scratch[1] {
		if m.Weak() { // a retry is a spin loop's failed pass: the run waits
			c.Phase = 0
			m.S.mem.Retry()
			return 0, Block
		}
		// goto retry — unless the block is as it was at the last retry:
		// then retrying changes nothing until another CPU writes it, so
		// wait for that (reading the whole block, so that any write to it
		// wakes this CPU), as the spin rule does for loops in scripts
		h := uint64(1)
		for k := uint64(0); k < n; k++ {
			h = h*0x9e3779b97f4a7c15 ^ m.S.Get(Loc(base+8*k))
		}
		c.Phase = 0
		if c.Scratch[3] == h|1 {
			return 0, Block
		}
		c.Scratch[3] = h | 1
		return 0, Again
	}
	if m.dirty(pte) {
		c.Scratch[0] = m.mkdirty(c.Scratch[0])
	}
	c.Scratch[0] |= pte & m.enc.Young
	if i+1 == n {
		return c.Scratch[0], Done
	}
	c.Phase++
	return 0, Again
}

// Upper levels: 64-bit atomic on every arch.
func setUpper(fn string, level int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		c.M.writeEntry(c, fn, c.Args[0], c.Args[1], level)
		return 0, Done
	}
}

func clearUpper(fn string, level int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		if !m.entryLive(fn, c.Args[0]) { // the use-after-free check: no read of the kernel's
			return 0, Done
		}
		// x86 PAE's native_pmd_clear() (arch/x86/include/asm/pgtable-3level.h)
		// writes the low half, smp_wmb(), then the high half: two steps,
		// as pte_clear. (PAE folds the pud: native_pud_clear() is empty, so
		// the model's pud_clear stays one step.)
		if level == 2 && m.tr.SplitHalves && !m.Weak() {
			loc, mark := Loc(c.Args[0]), m.S.FootprintMark()
			if c.Phase == 0 {
				m.setHalf(mark, loc, m.S.Get(loc)&^0xffffffff, false)
				c.Phase = 1
				return 0, Again
			}
			// pmd_high = 0: the low half stays as it is
			m.setHalf(mark, loc, m.S.Get(loc)&0xffffffff, true)
			return 0, Done
		}
		// arm64 set_pmd()/set_pud() barrier only valid entries: a clear
		// is made visible by the TLB flush that must follow it
		m.S.Set(Loc(c.Args[0]), 0)
		return 0, Done
	}
}

func getUpper(fn string) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		v, _ := c.M.readEntry(fn, c.Args[0])
		return v, Done
	}
}

// x86 PAE halves, available everywhere for scripts that model a reader.
func bReadHalf(high bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		if c.M.Weak() {
			return c.M.readHalf(c, "pte_read_half", c.Args[0], high), Done
		}
		mark := c.M.S.FootprintMark()
		v, _ := c.M.softRead(c, "pte_read_half", c.Args[0])
		c.M.S.narrow(mark, Loc(c.Args[0]), high)
		if high {
			return v >> 32, Done
		}
		return v & 0xffffffff, Done
	}
}

func bWriteHalf(high bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m, addr, h := c.M, c.Args[0], c.Args[1]&0xffffffff
		if m.Weak() {
			if m.entryLive("pte_write_half", addr) {
				m.S.Set(halfLoc(addr, high), h)
			}
			return 0, Done
		}
		mark := m.S.FootprintMark()
		old, ok := m.readEntry("pte_write_half", addr)
		if !ok {
			return 0, Done
		}
		if high {
			m.setHalf(mark, Loc(addr), old&0xffffffff|h<<32, true)
		} else {
			m.setHalf(mark, Loc(addr), old&^0xffffffff|h, false)
		}
		return 0, Done
	}
}

// repaintBlock rewrites the contpte block around addr with PTE_CONT set or
// cleared, gathering young/dirty into every entry (contpte_convert(), which
// does break-before-make internally: modelled as one block operation).
func (m *Machine) repaintBlock(c *Call, addr uint64, cont bool) {
	n := uint64(m.tr.ContPTEs)
	base := addr &^ (n*8 - 1)
	var young, dirty bool
	entries := make([]uint64, n)
	for i := range entries {
		e, ok := m.readEntry("contpte_convert", base+8*uint64(i))
		if !ok {
			return
		}
		entries[i] = e
		young = young || e&m.enc.Young != 0
		dirty = dirty || m.dirty(e)
	}
	for i, e := range entries {
		if !m.present(e) {
			continue
		}
		e &^= m.enc.Cont
		if cont {
			e |= m.enc.Cont
		}
		if young {
			e |= m.enc.Young
		}
		if dirty {
			e = m.mkdirty(e)
		}
		m.S.Set(Loc(base+8*uint64(i)), e)
	}
	m.flushAllCPUs(anyMM, 0, 0)
}

// blockFoldable tells whether the block around addr could carry PTE_CONT:
// all valid, contiguous and aligned pfns, the same protections.
func (m *Machine) blockFoldable(addr uint64) bool {
	n := uint64(m.tr.ContPTEs)
	base := addr &^ (n*8 - 1)
	first := m.S.Get(Loc(base))
	if !m.present(first) || m.entryPfn(first)%n != 0 {
		return false
	}
	prot := m.prot(m.mkclean(first&^m.enc.Young)) &^ m.enc.Cont
	for i := uint64(1); i < n; i++ {
		e := m.S.Get(Loc(base + 8*i))
		if !m.present(e) || m.entryPfn(e) != m.entryPfn(first)+i || m.prot(m.mkclean(e&^m.enc.Young))&^m.enc.Cont != prot {
			return false
		}
	}
	return true
}

func bContFold(c *Call) (uint64, Status) {
	m, addr := c.M, c.Args[2]
	if !m.memAddr("contpte_try_fold", addr) {
		return 0, Done
	}
	if m.tr.ContPTE && c.Args[0] != MMHandle(0) && !m.cont(m.S.Get(Loc(addr))) && m.blockFoldable(addr) {
		m.repaintBlock(c, addr, true)
	}
	return 0, Done
}

func bContUnfold(c *Call) (uint64, Status) {
	m, addr := c.M, c.Args[2]
	if !m.memAddr("contpte_try_unfold", addr) {
		return 0, Done
	}
	if m.tr.ContPTE && m.cont(m.S.Get(Loc(addr))) {
		m.repaintBlock(c, addr, false)
	}
	return 0, Done
}
