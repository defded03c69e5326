package vm

// fewOrders tells whether the script's interleavings are so few that the
// stateful search visits them all for less than dpor spends on its race
// analysis and backtracking: only one CPU takes steps, or the product over
// the CPUs of one more than the most visible steps on any path of each (a
// bound on the states an interleaving can reach) is at most fewStates, or
// at most fewStatesFailing where the check seeks a violation or a failed
// condition (failing) and the script declares no lock.
// A loop makes a CPU's steps unbounded here (an await of one load counts
// as that load: isAwait), and the places of an irq handler and of the
// store buffers' flushes (under tso) are not counted, so a script with
// either is never taken for few (autoFavour leaves the irq to
// irqInterrupts; under tso, mp took 14.0 µs under dpor and 15.6 under the
// stateful search). On the corpus and the examples, the litmus shapes (two
// CPUs of two steps: 9) ran 4 to 18 % faster under the stateful search,
// and so did the scripts of one CPU (0 to 17 %); from about 20 states on
// the faster side varied (pmd-install, 35: dpor 14 µs, the stateful
// search 17 µs; wrprotect-vs-hw-dirty, 30: 17.5 against 20.5 µs).
//
// A check that stops at its first violation (failing) is another
// matter: of the 19 such checks of up to 64 states on the corpus and the
// examples that declare no lock, none ran more than 4 % slower under the
// stateful search, and 9 ran 3 to 13 % faster (wrprotect-vs-hw-dirty-mutant,
// 36 states: dpor 27.2 µs, the stateful search 24.8; pae-torn-with-flush
// on x86pae-pv, 49: 62.8 against 54.7), where the same script's passing
// check may run faster under dpor (pae-torn-with-flush on x86pae: 73.0
// against 81.4 µs). With every execution explored (Config.All) dpor
// caught up on 002-pae-lockless-one-pass and pae-split-read-noretry: much
// of the difference is in how soon each search reaches the violation.
// A script with a lock is left out: on abba-deadlock dpor, which orders
// the critical sections and never runs a blocked acquisition, took 14.0
// against 16.3 µs.
func (m *Machine) fewOrders(failing bool) bool {
	if len(m.prog.IRQs) > 0 || m.storeBuffers {
		return false
	}
	most := fewStates
	if failing && len(m.prog.Locks) == 0 {
		most = fewStatesFailing
	}
	c := m.newStepCounter()
	states, busy := 1, 0
	for _, t := range m.prog.CPUs {
		n := c.steps(t.Proc)
		switch {
		case n == 0:
			continue
		case n < 0:
			states = most + 1
		default:
			states = min(states*(n+1), most+1)
		}
		busy++
	}
	return busy <= 1 || states <= most
}

// fewStates is the most states fewOrders takes for few, and
// fewStatesFailing the most for a check that seeks a failure.
const (
	fewStates        = 16
	fewStatesFailing = 64
)

// stepCounter gives the most visible steps on any path through a proc,
// the procs it calls included, or -1 where a loop (or a call that may
// recurse) makes them unbounded. Each proc's code is walked once, from its
// end back (a loop-free proc jumps only forward). It allocates three
// slices however many procs and instructions it walks: auto looks at
// every script before its check.
type stepCounter struct {
	m    *Machine
	ends []int
	memo []int // per proc: unwalked, being walked (a call back recurses), or its count
	most []int // per pc: the most steps from there to its proc's end
}

const (
	stepsUnwalked = -3
	stepsWalking  = -2
)

func (m *Machine) newStepCounter() *stepCounter {
	c := &stepCounter{m: m, ends: m.procEnds(), memo: make([]int, len(m.prog.Procs)), most: make([]int, len(m.prog.Code))}
	for i := range c.memo {
		c.memo[i] = stepsUnwalked
	}
	return c
}

func (c *stepCounter) steps(proc int) int {
	if v := c.memo[proc]; v != stepsUnwalked {
		return max(v, -1)
	}
	c.memo[proc] = stepsWalking
	entry, end := c.m.prog.Procs[proc].Entry, c.ends[proc]
	for pc := end - 1; pc >= entry; pc-- {
		c.most[pc] = c.from(pc, end)
	}
	c.memo[proc] = -1
	if end > entry {
		c.memo[proc] = c.most[entry]
	}
	return c.memo[proc]
}

// from is the count from pc, c.most holding it for the later pcs of the
// proc, which ends at end.
func (c *stepCounter) from(pc, end int) int {
	m := c.m
	in := m.prog.Code[pc]
	n := 0
	if m.stepAt[pc] {
		n = 1
	}
	if in.Op == OpCall {
		n = addSteps(n, c.steps(int(in.A)))
	}
	if in.Op == OpBackEdge && m.isAwait(int(in.A), pc) {
		// an await's failed pass leads back to the state before it
		// (the stateful search merges it, dpor waits): its load counts once
		return n
	}
	next := 0
	var buf [2]int
	for _, s := range appendSuccessors(buf[:0], pc, in) {
		if s <= pc || s >= end || c.most[s] < 0 {
			return -1 // a loop, or a jump out of the proc
		}
		next = max(next, c.most[s])
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
