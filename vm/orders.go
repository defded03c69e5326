package vm

// fewOrders tells whether the script's interleavings are so few that the
// stateful search visits them all for less than dpor spends on its race
// analysis and backtracking: only one CPU takes steps, or the product over
// the CPUs of one more than the most visible steps on any path of each (a
// bound on the states an interleaving can reach) is at most fewStates.
// A loop makes a CPU's steps unbounded here (an await of one load counts
// as that load: isAwait), and the places of an irq handler and of the
// store buffers' flushes (under tso) are not counted, so a script with
// either is never taken for few (autoFavour leaves the irq to
// irqInterrupts; under tso, mp took 14.0 µs under dpor and 15.6 under the
// stateful search). On the corpus and the examples, the litmus shapes (two
// CPUs of two steps: 9) ran 4 to 18 % faster under the stateful search,
// and so did the scripts of one CPU (0 to 17 %); from about 20 states on
// the faster side varied (pmd-install, 35: dpor 14 µs, the stateful
// search 17 µs; wrprotect-vs-hw-dirty-mutant, 36: 25 against 21 µs).
func (m *Machine) fewOrders() bool {
	if len(m.prog.IRQs) > 0 || m.storeBuffers {
		return false
	}
	steps := m.procSteps()
	states, busy := 1, 0
	for _, t := range m.prog.CPUs {
		n := steps(t.Proc)
		switch {
		case n == 0:
			continue
		case n < 0:
			states = fewStates + 1
		default:
			states = min(states*(n+1), fewStates+1)
		}
		busy++
	}
	return busy <= 1 || states <= fewStates
}

// fewStates is the most states fewOrders takes for few.
const fewStates = 16

// procSteps returns a function giving the most visible steps on any path
// through a proc, the procs it calls included, or -1 where a loop (or a
// call that may recurse) makes them unbounded. Each proc's code is walked
// once, from its end back (a loop-free proc jumps only forward).
func (m *Machine) procSteps() func(proc int) int {
	p := m.prog
	ends := m.procEnds()
	const busy = -2 // being walked: a call back into it recurses
	memo := make(map[int]int, len(p.Procs))
	var steps func(proc int) int
	steps = func(proc int) int {
		if v, ok := memo[proc]; ok {
			return max(v, -1)
		}
		memo[proc] = busy
		entry, end := p.Procs[proc].Entry, ends[proc]
		most := make([]int, end-entry) // from each pc to the proc's end
		for pc := end - 1; pc >= entry; pc-- {
			most[pc-entry] = m.stepsFrom(pc, entry, end, most, steps)
		}
		memo[proc] = -1
		if end > entry {
			memo[proc] = most[0]
		}
		return memo[proc]
	}
	return steps
}

// stepsFrom is procSteps' count from pc, most holding it for the later
// pcs of the proc from entry to end.
func (m *Machine) stepsFrom(pc, entry, end int, most []int, steps func(int) int) int {
	in := m.prog.Code[pc]
	n := 0
	if m.stepAt[pc] {
		n = 1
	}
	if in.Op == OpCall {
		n = addSteps(n, steps(int(in.A)))
	}
	if in.Op == OpBackEdge && m.isAwait(int(in.A), pc) {
		// an await's failed pass leads back to the state before it
		// (the stateful search merges it, dpor waits): its load counts once
		return n
	}
	next := 0
	for _, s := range successors(pc, in) {
		if s <= pc || s >= end {
			return -1 // a loop, or a jump out of the proc
		}
		if most[s-entry] < 0 {
			return -1
		}
		next = max(next, most[s-entry])
	}
	return addSteps(n, next)
}

// addSteps adds two step counts, either of which may be -1 (unbounded).
func addSteps(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return a + b
}
