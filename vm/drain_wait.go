package vm

// Leaving out a wait for the store buffer, in the stateful search under
// tso.
//
// A CPU's code that reaches a fully ordered access (a lock, a fence,
// pte_free_kernel()) with stores in its buffer waits for them: that step
// only marks the thread blocked until its CPU's flushes have run. The
// state it leads to, w, is state s with the thread waiting, and every
// state reached from w has a twin reached from s by the same steps with
// the thread not yet waiting: the flush that empties the buffer wakes the
// waiting thread into the state the same flush leads to from s, and the
// thread's next step from there is the access itself either way. A
// deadlock cannot hide there either: while the thread would wait, its
// CPU's flush thread can step. So the search does not go on from w.
//
// The wait is still a step explored from s for the sleep sets: it sleeps
// in the frame's later steps and their states until a step touches what
// it read, the buffer's newest entry, whose flush empties the buffer; and
// since a flush touches that entry (mmu.FlushTouches), s does not leave
// its flush for later (defer_flush.go), which is the thread's only way
// on. ptdump-vmalloc-n64-fixed under tso stored 29,402 states, a quarter
// of them with the freeing CPU waiting at the lock or at
// pte_free_kernel() while the walker ran; it stores 20,353 now, and the
// stateful search takes 37 ms instead of 56 (bench/README.md).
//
// The twin argument holds because no other thread reads a task's status:
// a context switch and an IPI wait for the buffers themselves (a switch
// decides "a store buffer is not empty" either way), an irq looks at its
// CPU's irq flags, and a flush wakes the waiter it would find. It needs a
// wait that did nothing else: a step that stores and reaches smp_mb()
// (no step under sc) in one go waits too, and leaving that state out
// would lose the store (pureWait).

// leaveWaits turns the rule on; a test turns it off to measure it.
var leaveWaits = true

// leaveWait tells whether the stateful search may leave out the state
// where task t, whose step just waited for its CPU's buffer, waits.
func (m *Machine) leaveWait(t *thread) bool {
	return leaveWaits && t.kind == TaskThread && t.pureWait
}
