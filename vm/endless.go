package vm

// An endless loop has no way out: no jump from its code leaves it and no
// return or end lies in it (`while 1 { y = 1; y = 0 }`, a `while 1` with
// no break). A pass of such a loop that leaves the machine as an earlier
// pass left it is the start of an execution that never ends, whatever
// other CPUs write, so spin.go's repeats reports it as `limit` rather
// than waiting for a write, as it does for a loop that may still leave.

// hasRetryLoop tells whether the program has a loop that is neither
// counted nor endless and takes steps (or calls a proc that may): one
// that goes round as often as what it reads decides, such as a poll that
// takes a lock in every pass (auto favours the stateful search for it,
// autoFavour). A loop of local code only (`while i < n { i = i + 1 }`)
// is none.
func (m *Machine) hasRetryLoop() bool {
	for e, in := range m.prog.Code {
		h := int(in.A)
		if in.Op == OpBackEdge && !m.counted[h] && !m.endless[h] && m.takesSteps(h, e) && !m.isAwait(h, e) {
			return true
		}
	}
	return false
}

// isAwait tells whether the loop from head h to back-edge e is an await:
// each pass one load of a shared or task word and local code (`await x
// == 1`). A pass that fails only waits, and dpor undoes it and waits for
// a write of the word (dpor.go), so the loop costs dpor no executions of
// its own, and auto's look at a script does not count it as a retry or
// spin loop (examples/litmus/await-relay.mmu: dpor 19 µs, the stateful
// search 26 µs).
func (m *Machine) isAwait(h, e int) bool {
	if h < 0 {
		return false
	}
	loads := 0
	for pc := h; pc <= e; pc++ {
		switch op := m.prog.Code[pc].Op; {
		case op == OpLoadShared || op == OpLoadTask:
			loads++
		case m.stepAt[pc] || op == OpCall:
			return false
		}
	}
	return loads == 1
}

// hasBlockingLoop tells whether a counted loop calls, in its body, a
// builtin that may wait (a lock, an rwsem): auto favours the stateful
// search for it (autoFavour).
func (m *Machine) hasBlockingLoop() bool {
	for e, in := range m.prog.Code {
		h := int(in.A)
		if in.Op != OpBackEdge || !m.counted[h] {
			continue
		}
		for pc := max(h, 0); pc <= e; pc++ {
			if c := m.prog.Code[pc]; c.Op == OpBuiltin && m.builtins[c.A].Blocks {
				return true
			}
		}
	}
	return false
}

// takesSteps tells whether the code from h to e has a visible step or a
// call.
func (m *Machine) takesSteps(h, e int) bool {
	for pc := max(h, 0); pc <= e; pc++ {
		if m.stepAt[pc] || m.prog.Code[pc].Op == OpCall {
			return true
		}
	}
	return false
}

// endlessLoops marks, by the pc of the loop's head, the loops of the
// program's code that have no way out.
func endlessLoops(code []Instr) map[int]bool {
	out := map[int]bool{}
	for e, in := range code {
		if in.Op == OpBackEdge && !leaves(code, int(in.A), e) {
			out[int(in.A)] = true
		}
	}
	return out
}

// leaves tells whether the code from head h to back-edge e may leave that
// range: a jump out of it, or a return or end in it. (A call returns to
// the loop.)
func leaves(code []Instr, h, e int) bool {
	if h < 0 || h > e {
		return true // not a loop this check understands: no claim
	}
	for pc := h; pc <= e; pc++ {
		next := successors(pc, code[pc])
		if len(next) == 0 {
			return true
		}
		for _, s := range next {
			if s < h || s > e {
				return true
			}
		}
	}
	return false
}
