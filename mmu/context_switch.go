package mmu

import (
	"fmt"
	"strconv"
)

// Preemption and migration of a `preemptible` cpu block's task.
//
// A context switch happens only where the kernel's preempt_schedule()
// would take it: preempt_count() == 0 and IRQs on (include/linux/preempt.h,
// preemptible()), not in an interrupt handler. The switch is one visible
// step, done by the VM's scheduler thread for the task (vm/preempt.go); this
// file is what it does to the machine. What goes with the task, as
// kernel/sched/core.c: context_switch() and the arch's switch code move it:
//
//   - its task words (the instance follows it; an irq on a CPU uses the
//     instance of the task running there, as `current` does);
//   - the arch lazy MMU state: arm64 keeps it in the task's thread flags
//     (TIF_LAZY_MMU, TIF_LAZY_MMU_PENDING), the generic layer in
//     current->lazy_mmu_state, so the ghost "entered" bit moves from the old
//     CPU to the new one;
//   - arm64: __switch_to() (arch/arm64/kernel/process.c) issues dsb(ish),
//     which "makes any in-progress pgtable writes visible to the table
//     walker" (see emit_pte_barriers() in arch/arm64/include/asm/pgtable.h):
//     the CPU's pending kernel PTEs become visible. TIF_LAZY_MMU_PENDING
//     stays set, so the task's leave or flush on the new CPU still emits its
//     pair ("it will still get issued (albeit on a potentially different
//     CPU) when the thread starts running again");
//   - Xen PV: xen_start_context_switch() (arch/x86/xen/enlighten_pv.c, the
//     paravirt arch_start_context_switch() of asm/paravirt.h) leaves lazy
//     MMU mode if the CPU is in it, which issues the queued multicall batch,
//     and marks the task TIF_LAZY_MMU_UPDATES; xen_end_context_switch() on
//     the CPU that resumes it re-enters lazy mode. The queue is flushed on
//     the old CPU and lazy mode is entered on the new one.
//
// The switch is an RCU quiescent state for the old CPU
// (rcu_note_context_switch()). A CPU the task leaves idles with IRQs on, as a
// CPU whose task has finished does; a task may resume only on its own CPU or
// on an idle one (the other tasks of the script are pinned to their CPUs).

// whyNotSwitch reads what decides whether the task whose home is CPU task,
// running on from, may be switched now and resumed on to, and returns why
// not, or "" if it may: preempt_count is zero (no spinlock, no
// preempt_disable(), no local_bh_disable(), no rcu_read_lock() in this
// non-PREEMPT_RCU kernel), IRQs are on and no interrupt handler runs
// (include/linux/preempt.h, preemptible()), which is exactly "not in an
// RCU read-side section of any flavour" (rcuReader); the task has switches
// left; and to is from or idle (its own task finished or gone, IRQs on, no
// handler running). What decided is read (Get), switch or not, so that the
// step is ordered against its writers; the message only peeks.
func (m *Machine) whyNotSwitch(task, from, to, maxSwitches int) string {
	reader := m.rcuReader(from)
	switches := int(m.S.Get(cpuLoc(task, cpuSwitches)))
	l := cpuLoc(task, cpuTaskRan)
	m.S.Set(l, m.S.Get(l))
	idle := true
	if to != from {
		idle = m.S.Get(cpuLoc(to, cpuDone)) != 0 && m.S.Get(cpuLoc(to, cpuIRQOff)) == 0 && m.S.Get(cpuLoc(to, cpuInIRQ)) == 0
	}
	switch {
	case reader:
		f, why := m.atomicWhy(from, m.S.Peek)
		if f == cpuSpin {
			why = "while holding a spinlock"
		}
		return "preempt_count is raised or IRQs are off: it runs " + why
	case switches >= maxSwitches:
		return "it has been switched already in this execution"
	case !idle:
		return fmt.Sprintf("CPU %s is not idle", m.cfg.CPUNames[to])
	}
	return ""
}

// TaskInstance is the task-word instance of the task running on cpu
// (`current`): the CPU's own unless a task migrated there or away. It is
// read as part of the step, so that the step is ordered against switches.
func (m *Machine) TaskInstance(cpu int) int {
	if v := m.S.Get(cpuLoc(cpu, cpuTask)); v != 0 {
		return int(v - 1)
	}
	return cpu
}

// idleInstance is the task-word instance of cpu's idle task (after its
// own task migrated away): instances CPUs..2*CPUs-1.
func (m *Machine) idleInstance(cpu int) int { return m.cfg.CPUs + cpu }

// ContextSwitch is one scheduling decision, a visible step: if the task
// whose home is CPU task, running on from, is at a boundary where it could
// run (notHere is "": the VM's part of the conditions, that it has not
// finished and is not inside atomic { } or a multi-step builtin) and
// whyNotSwitch allows it, the task is switched out of from and resumed on
// to (to == from: preempted and resumed in place). It returns what happened
// for the trace, and whether the task was switched. Either way the step
// writes (unchanged) a word every step of the task reads (NoteTaskRuns), so
// that the decision is ordered against each of them.
func (m *Machine) ContextSwitch(task, from, to, maxSwitches int, notHere string) (string, bool) {
	inst := m.TaskInstance(from)
	if why := m.whyNotSwitch(task, from, to, maxSwitches); notHere != "" || why != "" {
		what := "not preempted"
		if to != from {
			what = "not migrated to CPU " + m.cfg.CPUNames[to]
		}
		return what + ": " + orElse(notHere, why), false
	}
	l := cpuLoc(task, cpuSwitches)
	m.S.Set(l, m.S.Get(l)+1)
	lazy := m.S.Get(cpuLoc(from, cpuLazy)) != 0
	if m.tr.LazyQueue && lazy {
		m.flushQueue(&Call{M: m, CPU: from, Thread: m.Thread}) // xen_start_context_switch(): arch_leave_lazy_mmu_mode()
	}
	pending := false
	if m.tr.PTEBarriers {
		pending = m.S.Get(cpuLoc(from, cpuPendLen)) != 0 || m.S.Get(cpuLoc(from, cpuLazyPend)) != 0
		m.emitBarriers(from, true) // __switch_to(): dsb(ish)
		m.S.Set(cpuLoc(from, cpuLazyPend), 0)
	}
	m.quiescent(from) // rcu_note_context_switch()
	desc := fmt.Sprintf("preempted on CPU %s", m.cfg.CPUNames[from])
	if to != from {
		m.S.Set(cpuLoc(to, cpuDone), 0)
		m.S.Set(cpuLoc(from, cpuDone), 1)
		m.S.Set(cpuLoc(from, cpuTask), uint64(m.idleInstance(from)+1))
		m.moveLazy(from, to)
		desc += fmt.Sprintf(", resumed on CPU %s", m.cfg.CPUNames[to])
	} else {
		desc += ", resumed there"
	}
	m.S.Set(cpuLoc(to, cpuTask), uint64(inst+1))
	if pending && lazy {
		m.S.Set(cpuLoc(to, cpuLazyPend), 1) // TIF_LAZY_MMU_PENDING stays with the task
	}
	if lazy {
		desc += " (in lazy MMU mode, which goes with the task)"
	}
	return desc, true
}

func orElse(s, t string) string {
	if s != "" {
		return s
	}
	return t
}

// moveLazy moves the task's lazy MMU state (the ghost "entered" bit and a
// tolerated nest) from one CPU to another.
func (m *Machine) moveLazy(from, to int) {
	for _, f := range []int{cpuLazy, cpuLazyNest} {
		v := m.S.Get(cpuLoc(from, f))
		if v != 0 || m.S.Get(cpuLoc(to, f)) != 0 {
			m.S.Set(cpuLoc(from, f), 0)
			m.S.Set(cpuLoc(to, f), v)
		}
	}
}

// bSmpProcessorID is smp_processor_id(): the script's number of the CPU the
// caller runs on. It is not a step: in a preemptible task the value is the
// CPU of the step it follows, and a switch may come before the next one
// (the kernel's raw_smp_processor_id() in preemptible code).
func bSmpProcessorID(c *Call) (uint64, Status) {
	n, err := strconv.ParseUint(c.M.cfg.CPUNames[c.CPU], 10, 64)
	if err != nil {
		return uint64(c.CPU), Done
	}
	return n, Done
}

// NoteTaskRuns records, as part of a step of a preemptible task (home CPU
// task, running on cpu), that the task runs there: it reads cpu's `current`
// word, which a switch writes, and the word every scheduling decision about
// the task writes (ContextSwitch). Only reads: a task's spin loop must still
// look like one that changes nothing (vm/spin.go).
func (m *Machine) NoteTaskRuns(task, cpu int) {
	m.TaskInstance(cpu)
	m.S.Get(cpuLoc(task, cpuTaskRan))
}
