package vm

import (
	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Chain depths bound the value domains of counters. The fixpoint over
// the domains (weakDomains) applies every write again in each round, so
// an atomic_t that CPUs add to and take from held a value for every sum
// of as many steps as an execution makes writes of any location: three
// RMW reads of it ranged over 47 values each and more, past the bound on
// a CPU's runs (C-wide-6503, and a refcount of six atomic_inc() and
// atomic_dec_and_test() calls under lkmm).
//
// A value's depth is 1 + the largest depth of the values its run read
// of the same location before writing it (0 when it read none there).
// In an execution each of those reads reads a write coherence-before the
// new one (CoRW), so a value's depth is at most the number of writes of
// its location up to it in coherence order, by induction (a value's
// depth is the least over the runs that write it). No execution makes
// more writes of a location than the most each CPU's run makes, summed
// over the CPUs; a value deeper than that is written by no execution,
// and is left out of the domain.
//
// The bound grows as rounds find runs with more writes, and a depth
// falls as a value is found with fewer before it; either makes another
// round, which finds again the values left out before.

// chainDepth is a location's values' depths and the most writes of it
// each CPU's run makes.
type chainDepth struct {
	depth  map[uint64]int
	writes map[int]int // per CPU
}

// chain is loc's record, made on first use (the initial value at depth 0).
func (w *weakState) chain(loc mmu.Loc) *chainDepth {
	c := w.chains[loc]
	if c == nil {
		c = &chainDepth{depth: map[uint64]int{w.init[uint64(loc)]: 0}, writes: map[int]int{}}
		w.chains[loc] = c
	}
	return c
}

// countWrites notes how many writes of each location a run of cpu makes,
// and tells whether some location's most grew.
func (w *weakState) countWrites(t *memmodel.Trace, cpu int) bool {
	n := map[mmu.Loc]int{}
	for _, ev := range t.Events {
		if ev.Kind == memmodel.Write {
			n[mmu.Loc(ev.Loc)]++
		}
	}
	grew := false
	for loc, k := range n {
		if c := w.chain(loc); k > c.writes[cpu] {
			c.writes[cpu], grew = k, true
		}
	}
	return grew
}

// bound is the most writes of loc an execution makes, as far as the
// runs found so far tell.
func (c *chainDepth) bound() int {
	n := 0
	for _, k := range c.writes {
		n += k
	}
	return n
}

// writeDepths gives the depth of each write of a run's trace, by event
// index (reads and fences get -1).
func (w *weakState) writeDepths(t *memmodel.Trace) []int {
	out := make([]int, len(t.Events))
	read := map[mmu.Loc]int{} // per location, the deepest value read so far, plus one
	for i, ev := range t.Events {
		out[i] = -1
		loc := mmu.Loc(ev.Loc)
		switch ev.Kind {
		case memmodel.Read:
			// a value not in the domain (a guess, the run's own
			// write in the first round) counts as 0: a lower depth
			// only keeps more values
			read[loc] = max(read[loc], w.chain(loc).depth[ev.Val]+1)
		case memmodel.Write:
			out[i] = read[loc]
		}
	}
	return out
}

// admit tells whether a write of v to loc at depth d may be in the
// domain, and records its depth; fell says its depth fell (or it is new).
func (w *weakState) admit(loc mmu.Loc, v uint64, d int) (ok, fell bool) {
	c := w.chain(loc)
	if d > c.bound() {
		return false, false
	}
	if old, seen := c.depth[v]; !seen || d < old {
		c.depth[v] = d
		return true, true
	}
	return true, false
}
