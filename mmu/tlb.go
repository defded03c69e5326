package mmu

// TLB maintenance by the names kernel code calls (include/linux/mm.h,
// asm/tlbflush.h). The kernel's flush_tlb_page() and flush_tlb_range() take
// a vma; the model has no vmas, so they take the vma's mm. All of them are
// flush_tlb_mm_range() underneath, in the arch's style (broadcast TLBI on
// arm64, an IPI the sender waits for on x86pae, a hypercall on PV).

func bFlushTLBPage(c *Call) (uint64, Status) {
	mm, ok := c.M.mmArg("flush_tlb_page", c.Args[0])
	if !ok {
		return 0, Done
	}
	return c.flush(mm, c.Args[1], c.Args[1]+PageSize)
}

// flush_tlb_mm(mm): every translation of mm (end <= start means all).
func bFlushTLBMM(c *Call) (uint64, Status) {
	mm, ok := c.M.mmArg("flush_tlb_mm", c.Args[0])
	if !ok {
		return 0, Done
	}
	return c.flush(mm, 0, 0)
}

// sub runs fn as the phases of c from base on: a builtin made of another
// builtin's steps after steps of its own.
func (c *Call) sub(base int, fn func(*Call) (uint64, Status)) (uint64, Status) {
	c.Phase -= base
	v, st := fn(c)
	c.Phase += base
	return v, st
}

// ptep_clear_flush(vma, addr, ptep) (mm/pgtable-generic.c):
// ptep_get_and_clear(), then flush_tlb_page() if the entry was accessible;
// it returns the old entry. The clear is one step, the flush its own.
func bPtepClearFlush(c *Call) (uint64, Status) {
	m := c.M
	if c.Phase == 0 {
		old, _ := getAndClear("ptep_clear_flush", true)(c)
		if m.fault != nil || !m.present(old) {
			return old, Done
		}
		c.Scratch[0] = old
		c.Phase = 1
		return 0, Again
	}
	mm, ok := m.mmArg("ptep_clear_flush", c.Args[0])
	if !ok {
		return 0, Done
	}
	_, st := c.sub(1, func(c *Call) (uint64, Status) { return c.flush(mm, c.Args[1], c.Args[1]+PageSize) })
	return c.Scratch[0], st
}

// callFunction is smp_call_function(), on_each_cpu() and
// kick_all_cpus_sync() (kernel/smp.c) with wait = 1: an IPI to every other
// CPU, and a wait until each has run the handler. The function they run is
// not modelled: what a script gets is the synchronisation, as
// kick_all_cpus_sync()'s empty do_nothing() gives it. Called with IRQs off
// it is smp_call_function_many_cond()'s WARN_ON_ONCE(irqs_disabled()): the
// wait could deadlock against a CPU that waits for this one.
func callFunction(fn string) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		if c.Phase == 1 {
			if m.Weak() {
				return 0, m.weakSync(c)
			}
			return 0, m.waitIPIs(c)
		}
		if m.S.Get(cpuLoc(c.CPU, cpuIRQOff)) != 0 || c.InIRQ {
			m.Fail("lock", "%s: %s() with IRQs disabled or in an interrupt (smp_call_function_many_cond(): WARN_ON_ONCE(irqs_disabled()))", m.threadName(m.Thread), fn)
			return 0, Done
		}
		if m.initMode {
			return 0, Done
		}
		if m.Weak() { // the IPI and its wait as memory events (weakSync)
			return 0, m.weakSync(c)
		}
		m.sendIPIs(c, ipiSync, 0, 0, 0)
		c.Phase = 1
		return 0, Again
	}
}

var tlbBuiltins = []*Builtin{
	{Name: "flush_tlb_page", Arity: 2, Params: "m.", Blocks: true, Void: true, Fn: bFlushTLBPage},
	{Name: "flush_tlb_range", Arity: 3, Params: "m..", Blocks: true, Void: true, Fn: bFlushMMRange},
	{Name: "flush_tlb_mm", Arity: 1, Params: "m", Blocks: true, Void: true, Fn: bFlushTLBMM},
	{Name: "ptep_clear_flush", Arity: 3, Params: "m..", Blocks: true, Fn: bPtepClearFlush},
	{Name: "smp_call_function", Arity: 0, Blocks: true, Void: true, Fn: callFunction("smp_call_function")},
	{Name: "on_each_cpu", Arity: 0, Blocks: true, Void: true, Fn: callFunction("on_each_cpu")},
	{Name: "kick_all_cpus_sync", Arity: 0, Blocks: true, Void: true, Fn: callFunction("kick_all_cpus_sync")},
}
