package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/memmodel"
)

// preempt_count, as include/linux/preempt.h keeps it: spinlocks,
// preempt_disable() and local_bh_disable() raise it, and so does
// rcu_read_lock() (kept in its own word, cpuRCU). A task whose count is
// raised, or that has IRQs off or runs in an interrupt, is atomic: a
// sleeping call there is might_sleep()'s "BUG: sleeping function called
// from invalid context" (kernel/sched/core.c: __might_resched()), a `lock`
// violation that names both the section and the call.
//
// Since the RCU flavours were consolidated (v4.20), each of these regions is
// also an RCU read-side critical section: synchronize_rcu() waits for them.

// rcuReader tells whether cpu is in any kind of RCU read-side section.
func (m *Machine) rcuReader(cpu int) bool { return m.readerBy(cpu, m.S.Get) }

// readerBy is rcuReader reading the per-CPU words with read (a Get that
// orders the step, or a Peek).
func (m *Machine) readerBy(cpu int, read func(Loc) uint64) bool {
	for _, f := range []int{cpuRCU, cpuIRQOff, cpuInIRQ, cpuPreempt, cpuBH, cpuSpin} {
		if read(cpuLoc(cpu, f)) != 0 {
			return true
		}
	}
	return false
}

// atomicReasons are the per-CPU words that make a context atomic, in the
// order a message names them.
var atomicReasons = []struct {
	field int
	why   string
}{
	{cpuInIRQ, "in interrupt context"},
	{cpuIRQOff, "with IRQs disabled"},
	{cpuSpin, "while holding spinlock"},
	{cpuRCU, "inside rcu_read_lock()"},
	{cpuPreempt, "inside preempt_disable()"},
	{cpuBH, "inside local_bh_disable()"},
}

// openSections are the nesting counts a CPU must leave at zero when its
// code ends, with the call that opens one and the call that closes it.
// The kernel catches each leak: do_exit() reports a task that "exited
// with preempt_count" (kernel/exit.c), lockdep's rcu_lock_map a task that
// returns to user space or exits inside rcu_read_lock(), and the LKMM
// flags the execution (linux-kernel.bell: unmatched-rcu-lock). IRQs off
// are not among them: a CPU whose code ends idles with IRQs on
// (FinishCPU), as the scripts rely on.
var openSections = []struct {
	field       int
	open, close string
}{
	{cpuRCU, "rcu_read_lock()", "rcu_read_unlock()"},
	{cpuPreempt, "preempt_disable()", "preempt_enable()"},
	{cpuBH, "local_bh_disable()", "local_bh_enable()"},
}

// sectionsOpen names the sections each CPU left open, for LocksHeld.
func (m *Machine) sectionsOpen() []string {
	var open []string
	for cpu := 0; cpu < m.cfg.CPUs; cpu++ {
		for _, s := range openSections {
			n := m.S.Peek(cpuLoc(cpu, s.field))
			if n == 0 {
				continue
			}
			deep := ""
			if n > 1 {
				deep = fmt.Sprintf(" (%d deep)", n)
			}
			open = append(open, fmt.Sprintf("%s on %s without %s%s", s.open, m.cpuName(cpu), s.close, deep))
		}
	}
	return open
}

// atomicWhy names what makes cpu's context atomic, or "" if nothing does,
// reading the words with read (a Get that orders the step, or a Peek for a
// message only).
func (m *Machine) atomicWhy(cpu int, read func(Loc) uint64) (field int, why string) {
	for _, r := range atomicReasons {
		if read(cpuLoc(cpu, r.field)) != 0 {
			return r.field, r.why
		}
	}
	return -1, ""
}

// atomicSection names the section that makes the calling context atomic,
// or "" when it may sleep.
func (c *Call) atomicSection() string {
	f, why := c.M.atomicWhy(c.CPU, c.M.S.Get)
	if f == cpuSpin {
		why += " " + c.heldSpinlock()
	}
	return why
}

// heldSpinlock names a spinlock the caller holds. It peeks, so that naming
// the lock in a message adds nothing to the step's footprint.
func (c *Call) heldSpinlock() string {
	for id, l := range c.M.locks {
		if !l.rw && c.M.S.Peek(lockLoc(id)) == c.owner() {
			return l.name
		}
	}
	name := "(taken by an interrupted context)"
	found := false
	c.M.S.Range(tagPTL, func(l Loc, v uint64) {
		if v == c.owner() && !found {
			name, found = fmt.Sprintf("ptl (the PTL of table page %#x)", uint64(l&^tagMask)), true
		}
	})
	return name
}

// mightSleep is might_sleep(): false, with a `lock` violation, when the
// calling context is atomic.
func (c *Call) mightSleep(fn string) bool {
	if where := c.atomicSection(); where != "" {
		c.M.Fail("lock", "%s: %s() may sleep but is called %s", c.M.threadName(c.M.Thread), fn, where)
		return false
	}
	return true
}

// countUp and countDown move one of the CPU's nesting counts; countDown
// of a count at zero is a `lock` violation (an unbalanced enable).
func (c *Call) countUp(field int) {
	l := cpuLoc(c.CPU, field)
	c.M.S.Set(l, c.M.S.Get(l)+1)
}

func (c *Call) countDown(field int, fn string) {
	m := c.M
	l := cpuLoc(c.CPU, field)
	n := m.S.Get(l)
	if n == 0 {
		m.Fail("lock", "%s: %s() without a matching disable", m.threadName(m.Thread), fn)
		return
	}
	m.S.Set(l, n-1)
	if n == 1 {
		m.quiescent(c.CPU)
	}
}

// nesting is preempt_disable() and friends. Under the LKMM each level
// is also an RCU read-side critical section, as IRQs off are (setIRQOff):
// since the flavours were merged (v4.20) synchronize_rcu() waits for
// preempt-disabled and bh-disabled regions. The LKMM itself has no such
// primitives (tools/memory-model/linux-kernel.def).
func nesting(field int, fn string, up bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		rcu := m.Weak() && m.RCUByModel
		switch {
		case up:
			if rcu {
				m.fence(memmodel.RcuLock)
			}
			c.countUp(field)
		case rcu && m.S.Get(cpuLoc(c.CPU, field)) != 0:
			m.fence(memmodel.RcuUnlock)
			fallthrough
		default:
			c.countDown(field, fn)
		}
		return 0, Done
	}
}

// gfpAtomic are the gfp flags of an allocation that never sleeps
// (include/linux/gfp_types.h: GFP_ATOMIC and GFP_NOWAIT lack
// __GFP_DIRECT_RECLAIM); GFP_KERNEL has it.
const (
	gfpKernel = 0xcc0 // __GFP_RECLAIM | __GFP_IO | __GFP_FS
	gfpAtomic = 0xa20 // __GFP_HIGH | __GFP_KSWAPD_RECLAIM
	gfpNowait = 0x800 // __GFP_KSWAPD_RECLAIM
	gfpDirect = 0x400 // __GFP_DIRECT_RECLAIM: the allocation may sleep
)

var gfpBuiltins = []*Builtin{
	{Name: "GFP_KERNEL", Constant: true, Fn: constant(func(*Machine) uint64 { return gfpKernel })},
	{Name: "GFP_ATOMIC", Constant: true, Fn: constant(func(*Machine) uint64 { return gfpAtomic })},
	{Name: "GFP_NOWAIT", Constant: true, Fn: constant(func(*Machine) uint64 { return gfpNowait })},
}

// allocMightSleep checks an allocation with gfp flags gfp: one that may
// enter direct reclaim may sleep.
func (c *Call) allocMightSleep(fn string, gfp uint64) bool {
	if gfp&gfpDirect == 0 {
		return true
	}
	return c.mightSleep(fn)
}

var preemptBuiltins = []*Builtin{
	{Name: "preempt_disable", Arity: 0, Void: true, Fn: nesting(cpuPreempt, "preempt_enable", true)},
	{Name: "preempt_enable", Arity: 0, Void: true, Fn: nesting(cpuPreempt, "preempt_enable", false)},
	{Name: "local_bh_disable", Arity: 0, Void: true, Fn: nesting(cpuBH, "local_bh_enable", true)},
	{Name: "local_bh_enable", Arity: 0, Void: true, Fn: nesting(cpuBH, "local_bh_enable", false)},
	{Name: "spin_lock_irqsave", Arity: 1, Params: "l", Blocks: true, Fn: bSpinLockIRQSave},
	{Name: "spin_unlock_irqrestore", Arity: 2, Params: "l.", Void: true, Fn: bSpinUnlockIRQRestore},
	// include/linux/percpu-rwsem.h: percpu_down_read() and
	// percpu_down_write() call might_sleep(); the model is a plain rwsem
	// (the rcu_sync fast path of readers is not modelled).
	{Name: "percpu_down_read", Arity: 1, Params: "r", Sleeps: true, Blocks: true, Fn: rwOp{name: "percpu_down_read"}.fn},
	{Name: "percpu_up_read", Arity: 1, Params: "r", Void: true, Fn: rwOp{name: "percpu_up_read", up: true}.fn},
	{Name: "percpu_down_write", Arity: 1, Params: "r", Sleeps: true, Blocks: true, Fn: rwOp{name: "percpu_down_write", write: true}.fn},
	{Name: "percpu_up_write", Arity: 1, Params: "r", Void: true, Fn: rwOp{name: "percpu_up_write", write: true, up: true}.fn},
}

// bSpinLockIRQSave is flags = spin_lock_irqsave(l): local_irq_save(), then
// spin with IRQs off (include/linux/spinlock_api_smp.h:
// __raw_spin_lock_irqsave()). The first step saves the flags and disables
// IRQs; the lock is then taken in that step or, while it is held, a later one.
func bSpinLockIRQSave(c *Call) (uint64, Status) {
	id, ok := c.M.lockArg("spin_lock_irqsave", c.Args[0], false)
	if !ok {
		return 0, Done
	}
	if c.Phase == 0 {
		c.Scratch[0], _ = bIRQSave(c)
		c.Phase = 1
	}
	if !c.takeLock(id) {
		return 0, Block
	}
	c.countUp(cpuSpin)
	return c.Scratch[0], Done
}

func bSpinUnlockIRQRestore(c *Call) (uint64, Status) {
	if bSpinUnlock(c); c.M.fault != nil {
		return 0, Done
	}
	return bIRQRestore(&Call{M: c.M, CPU: c.CPU, Thread: c.Thread, InIRQ: c.InIRQ, Args: c.Args[1:]})
}
