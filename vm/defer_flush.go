package vm

// Leaving a flush for later, in the stateful search under tso.
//
// A CPU's buffered store can reach memory at any point until something
// waits for it, and the stateful search stores the states before and
// after each flush as different states, interleaved with every step of
// the other CPUs. A flush that no step of another thread would notice yet
// need not be taken there: taken later, when a step that would see it
// comes, it reaches the same states. arm64-vmap-barrier-batching under
// tso went from 259 to 81 stored states (0.60 to 0.15 ms), the
// contpte-lockless seed from 135,189 to 116,778 (bench/README.md).
//
// This is a persistent set (Godefroid, "Partial-Order Methods for the
// Verification of Concurrent Systems", 1996): the threads that can step
// but the flush thread f make a persistent set at state s when every step
// they can take at s is independent of every step taken without them.
// Those are f's flushes alone when the flushes wake no one and change no
// word the scheduler's checks read (mmu.FlushQuiet). A thread's
// next step stays the same while independent steps run, so it is enough
// that their next steps, whose footprints the frame's sleepers hold
// (taken from s, or asleep there), are independent of every flush f would
// make. A sleeper's footprint is the one its step had when it was
// explored, which can be older than a flush of its own CPU: a load that
// took its CPU's buffered store then reads memory now, so another CPU's
// flush of the location counts as touching that load's view of it
// (mmu.FlushTouches; an irq handler's store, flushed, then the
// interrupted code's load, asleep since, lost two final states of
// TestDeferFlush's "an irq handler on one CPU, stores on both" until
// session 28, and the rule was off with irq handlers). The flush
// threads come last in a frame's order, so by the time
// f's turn comes every other thread has stepped from s or is asleep.
//
// A thread of f's CPU whose step from s only waited for the buffer to
// drain (a lock, a fence: storebuf.go's blockForDrain) is no obstacle:
// that step leads to s with the thread waiting, where the flush would
// wake it: FlushQuiet fails there, and the flush is taken.
//
// The cycle proviso: a frame one of whose steps reached a state on the
// search's path (stateDFS.step sets cycled) takes its flushes, so that
// no cycle of the reduced graph leaves a flush out for ever. A frame that
// took no step of its own (every other thread asleep) takes them too, and
// so does a parallel worker's handed frame, which starts with none taken.

// deferFlushes turns the rule on; a test turns it off to measure it.
var deferFlushes = true

// mayDeferFlush is deferFlush's test of what the frame alone tells.
func (d *stateDFS) mayDeferFlush(f *stateFrame, t int) bool {
	return deferFlushes && d.x.m.storeBuffers && f.explored > 0 && !f.cycled && d.x.m.threads[t].kind == FlushThread
}

// deferFlush tells whether frame f, the machine in its state, may leave
// out the step of flush thread t, and records it if so.
func (d *stateDFS) deferFlush(f *stateFrame, t int) bool {
	m := d.x.m
	cpu := m.threads[t].cpu
	if !m.MMU.FlushQuiet(cpu) {
		return false
	}
	for _, u := range f.enabled {
		switch {
		case u == t || f.deferred&(1<<uint(u)) != 0:
		case f.drained&(1<<uint(u)) != 0 && m.threads[u].cpu == cpu:
			// it waits for these flushes: judged again where it waits
		default:
			s := sleeperOf(f.sleep, u)
			if s == nil {
				return false // a flush thread after t: not explored yet
			}
			if m.MMU.FlushTouches(cpu, s.fp) {
				return false
			}
		}
	}
	f.deferred |= 1 << uint(t)
	return true
}

// sleeperOf returns the sleeper of thread t in ss, nil if none.
func sleeperOf(ss []sleeper, t int) *sleeper {
	for i := range ss {
		if ss[i].thread == t {
			return &ss[i]
		}
	}
	return nil
}
