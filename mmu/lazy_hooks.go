package mmu

// The arch lazy MMU hooks. Their contract is checked on every arch, even
// where they do nothing. What breaks it (include/linux/pgtable.h, "the mode
// cannot be nested"): entering while entered, and leaving while not
// entered. Flushing outside lazy mode is legal everywhere and does nothing:
// x86-32's arch_kmap_local_post_map() calls arch_flush_lazy_mmu_mode() on
// every kmap_local_page(), arm64's arch_flush_lazy_mmu_mode() only emits
// barriers if TIF_LAZY_MMU_PENDING is set, and Xen PV's xen_flush_lazy_mmu()
// checks xen_get_lazy_mode() == XEN_LAZY_MMU first.
//
// What an arch's hooks tolerate beyond that is its trait LazyNests. arm64
// (commit 1ef3095b1405, "arm64/mm: Permit lazy_mmu_mode to be nested")
// tolerates a nested enter from the task (DEBUG_PAGEALLOC or KFENCE
// changing the linear map under zap_pte_range()): the flag stays set, the
// first leave emits the barriers and clears it, and the outer section's
// leave then finds it clear, which is harmless. Xen PV's enter_lazy()
// BUG_ONs on a nested enter; x86 native is held to the generic contract.
// An interrupt handler entering over its task's section breaks the
// contract on every arch: the generic layer's rule that the mode is not
// used in interrupt context is what the hooks were written against.

func (c *Call) lazyEntered() bool { return c.M.S.Get(cpuLoc(c.CPU, cpuLazy)) != 0 }

func bArchEnter(c *Call) (uint64, Status) {
	m := c.M
	if c.lazyEntered() {
		if m.tr.LazyNests && !c.InIRQ {
			l := cpuLoc(c.CPU, cpuLazyNest)
			m.S.Set(l, m.S.Get(l)+1)
			return 0, Done
		}
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
		m.emitBarriers(c.CPU, m.takeLazyPending(c.CPU))
	}
	if m.tr.LazyQueue {
		m.flushQueue(c)
	}
}

// takeLazyPending clears the TIF_LAZY_MMU_PENDING a switched task brought
// to cpu: its barriers were made visible by __switch_to()'s dsb, but the
// task's flush or leave still emits the pair (context_switch.go).
func (m *Machine) takeLazyPending(cpu int) bool {
	l := cpuLoc(cpu, cpuLazyPend)
	if m.S.Get(l) == 0 {
		return false
	}
	m.S.Set(l, 0)
	return true
}

func bArchLeave(c *Call) (uint64, Status) {
	m := c.M
	if !c.lazyEntered() {
		if l := cpuLoc(c.CPU, cpuLazyNest); m.S.Get(l) != 0 {
			m.S.Set(l, m.S.Get(l)-1) // the outer leave of a tolerated nest
			return 0, Done
		}
		m.Fail("lazy", "%s: arch_leave_lazy_mmu_mode() while CPU %s is not in lazy MMU mode", m.threadName(m.Thread), m.cfg.CPUNames[c.CPU])
		return 0, Done
	}
	c.emitLazy()
	m.S.Set(cpuLoc(c.CPU, cpuLazy), 0)
	return 0, Done
}

func bArchFlush(c *Call) (uint64, Status) {
	if c.lazyEntered() {
		c.emitLazy()
	}
	return 0, Done
}
