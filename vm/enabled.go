package vm

import "math/bits"

// enabledSet is the set of threads that can step, kept from step to step
// rather than asked of every thread at every state (Enabled and Done run
// after every step of every search; the IRQ and IPI checks behind them
// were 13 % of a stateful search). A step of thread t can change whether
// a thread can step only through t itself, a scheduler thread's task (it
// moves CPU), the threads it woke, or a word the scheduler's checks read
// (mmu.SchedulerWordsChanged: then every thread is looked at again).
// Anything else that changes threads or the store (a restore, a Reset, an
// interpreter run outside a step, the weak engine) drops the set, and the
// next question rebuilds it.
type enabledSet struct {
	mask   uint64 // the threads enabled(t) holds for, while ok
	ok     bool
	always uint64 // threads of a kind enabledSet knows no rule for: looked at after every step
}

// enabledMask returns the set, rebuilding it if it was dropped.
func (m *Machine) enabledMask() uint64 {
	if m.en.ok {
		return m.en.mask
	}
	var mask, always uint64
	for _, t := range m.threads {
		if m.enabled(t) {
			mask |= 1 << uint(t.id)
		}
		if !knownEnabledRule(t.kind) {
			always |= 1 << uint(t.id)
		}
	}
	m.en = enabledSet{mask: mask, ok: m.weakRec == nil, always: always}
	return mask
}

// knownEnabledRule tells whether enabled(t) for a thread of this kind
// depends only on the thread's status and CPU and on the words
// mmu.SchedulerWordsChanged watches (a flush thread: on its CPU's store
// buffer, which only the threads running on that CPU change). A kind added later is looked at after
// every step until it is listed here.
func knownEnabledRule(k ThreadKind) bool {
	switch k {
	case TaskThread, IRQThread, IPIThread, PreemptThread, DrainThread, FlushThread:
		return true
	}
	return false
}

// updateEnabled brings the set up to date after a step of t that began at
// store mark and woke the threads in woken; ok is whether the set was up
// to date before the step.
func (m *Machine) updateEnabled(t *thread, mark int, woken uint64, ok bool) {
	// a step of a kind the set knows no rule for may change other threads
	// in ways it cannot see
	if !ok || m.weakRec != nil || !knownEnabledRule(t.kind) || m.MMU.SchedulerWordsChanged(mark) {
		m.en.ok = false
		return
	}
	again := m.en.always | woken | 1<<uint(t.id)
	if t.task != nil {
		again |= 1 << uint(t.task.id)
	}
	if m.storeBuffers { // a store or a flush of t's CPU: its flush thread
		again |= 1 << uint(m.flushThreadOf(t.cpu))
	}
	for ; again != 0; again &= again - 1 {
		i := bits.TrailingZeros64(again)
		if m.enabled(m.threads[i]) {
			m.en.mask |= 1 << uint(i)
		} else {
			m.en.mask &^= 1 << uint(i)
		}
	}
	m.en.ok = true
}
