package vm

import "sync/atomic"

// grayStates counts, for each stored state of a parallel stateful search,
// how many workers have it on their path (a worker's path begins with the
// steps of the frame it was handed, so a state can be on several). A state
// stored and on no path is finished: every step from it was explored or
// handed over. One stored and on a path is gray, as in a depth-first
// search, and a worker that reaches it must not take it as finished.
//
// Why: one worker finds a cycle of states when it reaches a state on its
// own path, and goes round it until the machine raises the limit an
// endless execution hits (stateful.go). With two workers, a cycle whose
// states are on two paths at once escaped both: each found the other's
// states stored and not on its own path, took them as finished, and the
// search said ok where one worker says limit. Now a worker that reaches a
// state gray on another worker's path explores it too, as if it were on
// its own: in every cycle, the first state to finish has a step into a
// state that was then new, gray on this worker's path (a cycle found), or
// gray on another's (explored here, so it finishes first): a
// contradiction, so some worker goes round each cycle.
//
// A worker counts a state before it visits the shared set, so that a
// state another worker finds stored is already counted: counted after,
// the state could look finished in between, to a worker that then pops
// its own part of the cycle before the first one steps on. Each worker
// counts the states on its path in a counting filter of its own, which it
// alone writes (a map behind locks, shared, made ptdump-vmalloc-n512-fixed
// 1.7 times slower with two workers).
type grayStates struct {
	paths [][]atomic.Uint32 // per worker, a counting filter of its path
}

// grayBits is log2 of a filter's counters: 64 KiB a worker, and a state
// not on a path of a thousand stored states passes for one about once in
// a hundred times (two counters each), which costs only a state explored
// again.
const grayBits = 14

func newGrayStates(workers int) *grayStates {
	g := &grayStates{paths: make([][]atomic.Uint32, workers)}
	for w := range g.paths {
		g.paths[w] = make([]atomic.Uint32, 1<<grayBits)
	}
	return g
}

// graySlots are the two counters of state h in a filter.
func graySlots(h uint64) (int, int) {
	return int(h * 0x9e3779b97f4a7c15 >> (64 - grayBits)), int(h * 0xc2b2ae3d27d4eb4f >> (64 - grayBits))
}

// add adds d to worker w's count of state h on its path: only w writes
// its filter, the others read it.
func (g *grayStates) add(w int, h uint64, d int32) {
	i, j := graySlots(h)
	g.paths[w][i].Add(uint32(d))
	g.paths[w][j].Add(uint32(d))
}

// elsewhere tells whether state h may be on the path of a worker but w: a
// filter can say yes for a state it does not hold, never no for one it
// does.
func (g *grayStates) elsewhere(w int, h uint64) bool {
	i, j := graySlots(h)
	for o, c := range g.paths {
		if o != w && c[i].Load() != 0 && c[j].Load() != 0 {
			return true
		}
	}
	return false
}

// mayCycle tells whether an execution of m's program may come back to a
// state it was in, so that a parallel stateful search must count its
// workers' gray states: a CPU's code jumps back other than at the end of
// a counted loop (a while or an await; the compiler emits no other
// backward jump, a .mmub may), a CPU is preemptible (its tasks switched to
// and fro), or freed pages are reused. Without these, every step takes
// some thread forward and no state repeats (ptdump-vmalloc's counted
// loops and locks: the counts cost its two workers a third of their time).
func (m *Machine) mayCycle() bool {
	for _, pc := range m.cpuCode() {
		in := m.prog.Code[pc]
		switch in.Op {
		case OpJump, OpJumpIfZero, OpJumpNonZero, OpBackEdge:
			if int(in.A) <= pc && !(in.Op == OpBackEdge && m.counted[int(in.A)]) {
				return true
			}
		}
	}
	for _, c := range m.prog.CPUs {
		if c.Preemptible {
			return true
		}
	}
	return m.prog.PageReuse
}
