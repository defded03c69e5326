package vm

// A thread's stack starts at what its proc needs (its locals and its
// deepest expression, shape.go) and grows, doubling, when a call needs
// more, up to Limits.StackWords, past which the call fails as a stack
// overflow. Allocating the whole budget for every thread (64 KiB each by
// default, and under a weak model two taint stacks beside it, cleared
// before every run) made clearing memory the largest cost of small
// checks: a quarter of the time of the classic litmus shapes under armv8.

// stackSlack is the headroom a new stack gets above its proc's need.
const stackSlack = 32

// newStack makes a stack for a thread that starts in proc (-1: none, a
// thread that runs no code of its own until it calls).
func (m *Machine) newStack(proc int) []uint64 {
	n := stackSlack
	if proc >= 0 {
		n += m.need[proc] + m.prog.Procs[proc].NParams
	}
	return make([]uint64, min(n, m.limits.StackWords))
}

// growStack makes t's stack (and its taint stacks, under a weak model)
// hold at least n words; false if that is more than Limits.StackWords.
func (m *Machine) growStack(t *thread, n int) bool {
	if n <= len(t.stack) {
		return true
	}
	if n > m.limits.StackWords {
		return false
	}
	size := min(m.limits.StackWords, max(n+stackSlack, 2*len(t.stack)))
	t.stack = grown(t.stack, size)
	if t.taint != nil {
		t.taint, t.ptaint, t.vid = grown(t.taint, size), grown(t.ptaint, size), grown(t.vid, size)
	}
	m.noteStacks()
	return true
}

// grown is s copied into a new slice of n words (the rest zero).
func grown(s []uint64, n int) []uint64 {
	out := make([]uint64, n)
	copy(out, s)
	return out
}

// noteStacks counts what the threads' stacks hold in the memory estimate
// (m.stackBytes): after they are made and whenever one grows, so that the
// estimate, taken at every step, does not walk the threads.
func (m *Machine) noteStacks() {
	n := 0
	for _, t := range m.threads {
		n += len(t.stack) + len(t.taint) + len(t.ptaint) + len(t.vid)
	}
	m.stackBytes = int64(n) * 8
}
