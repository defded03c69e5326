package mmu

import "mmuvm/memmodel"

// The arch lazy MMU hooks. Their contract is checked on every arch, even
// where they do nothing: enter while entered, or flush/leave while not
// entered, is a `lazy` violation on that CPU.

func (c *Call) lazyEntered() bool { return c.M.S.Get(cpuLoc(c.CPU, cpuLazy)) != 0 }

func bArchEnter(c *Call) (uint64, Status) {
	m := c.M
	if c.lazyEntered() {
		m.Fail("lazy", "%s: arch_enter_lazy_mmu_mode() while CPU %s is already in lazy MMU mode", m.threadName(m.Thread), m.cfg.CPUNames[c.CPU])
		return 0, Done
	}
	m.S.Set(cpuLoc(c.CPU, cpuLazy), 1)
	return 0, Done
}

// emitLazy makes everything batched on this CPU take effect: arm64's
// deferred barriers (one pair), Xen PV's queued writes.
func (c *Call) emitLazy() {
	m := c.M
	if m.tr.PTEBarriers {
		m.emitBarriers(c.CPU, false)
	}
	if m.tr.LazyQueue {
		m.flushQueue(c)
	}
}

func lazyExit(fn string, leave bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		if !c.lazyEntered() {
			m.Fail("lazy", "%s: %s() while CPU %s is not in lazy MMU mode", m.threadName(m.Thread), fn, m.cfg.CPUNames[c.CPU])
			return 0, Done
		}
		c.emitLazy()
		if leave {
			m.S.Set(cpuLoc(c.CPU, cpuLazy), 0)
		}
		return 0, Done
	}
}

func bInInterrupt(c *Call) (uint64, Status) { return b2u(c.InIRQ), Done }

// Barriers. dsb makes arm64's pending kernel PTEs visible; the others only
// count (memory is sequentially consistent).
// dsbAs is dsb(ish) or dsb(ishst): a barrier for the memory model, and on
// arm64 the barrier that makes pending kernel PTEs visible to the walker.
func dsbAs(t memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		c.M.fence(t)
		return bDSB(c)
	}
}

func bDSB(c *Call) (uint64, Status) {
	m := c.M
	if m.tr.PTEBarriers {
		m.emitBarriers(c.CPU, true)
	} else {
		m.countDSB(c.CPU, 1)
	}
	return 0, Done
}

func bNop(c *Call) (uint64, Status) { return 0, Done }

func bDSBCount(c *Call) (uint64, Status) { return c.M.S.Get(cpuLoc(c.CPU, cpuDSB)), Done }
