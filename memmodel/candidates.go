package memmodel

import "math/bits"

// Choosing a thread's trace, the enumerator keeps only a trace that
// satisfiable accepts: one that writes every value a picked trace reads
// that no later thread can give, and that reads only values given by a
// picked trace, by itself or by some later thread. With thousands of
// traces a thread (a test whose reads guess many values) trying each in
// turn was nearly all of the time: C-wide-2127, three threads of 1,190,
// 5,184 and 961 traces, spent 87 s there for 210 graphs. So each thread's
// traces are indexed by the values they write and read, as bitsets, and
// the traces satisfiable accepts are found by a few word operations per
// value.

// traceIndex is one thread's index: per value id, the traces that write
// it, and the traces that read it without writing it themselves.
type traceIndex struct {
	full    []uint64   // every trace
	writers [][]uint64 // per value id, nil when no trace writes it
	readers [][]uint64 // per value id: traces reading it that do not write it
	readIDs []int32    // the ids whose readers are not nil
}

// buildIndexes indexes each thread's traces, once index has numbered the
// values. A thread whose index would take more words than its traces
// have events (many values, a few traces each) is left unindexed, so an
// index costs less memory than the traces it indexes (an Event is five
// words); past 63 threads the producer bits are shared and no thread is
// indexed.
func (e *enumerator) buildIndexes() {
	e.indexes = make([]*traceIndex, len(e.p.Threads))
	e.cands = make([][]int, len(e.p.Threads))
	e.scratch = make([][]uint64, len(e.p.Threads))
	if !e.brute && !e.unindexed && len(e.p.Threads) < 64 {
		for t, traces := range e.p.Threads {
			e.indexes[t] = e.indexThread(t, traces)
		}
	}
	e.everyTrace()
}

// everyTrace gives each unindexed thread its candidates once: all its
// traces, in order.
func (e *enumerator) everyTrace() {
	for t, traces := range e.p.Threads {
		if e.indexes[t] == nil {
			e.cands[t] = make([]int, len(traces))
			for k := range e.cands[t] {
				e.cands[t][k] = k
			}
		}
	}
}

func (e *enumerator) indexThread(t int, traces []*Trace) *traceIndex {
	words := (len(traces) + 63) / 64
	events := 0
	wrote := map[int32]bool{}
	read := map[int32]bool{}
	for k, tr := range traces {
		events += len(tr.Events)
		for _, id := range e.writes[t][k] {
			wrote[id] = true
		}
		for _, id := range e.reads[t][k] {
			read[id] = true
		}
	}
	// two slice headers (six words) a value id, and the bitsets
	if 6*len(e.picked)+(len(wrote)+len(read)+1)*words > max(events, 1<<12) {
		return nil
	}
	ix := &traceIndex{
		full:    make([]uint64, words),
		writers: make([][]uint64, len(e.picked)),
		readers: make([][]uint64, len(e.picked)),
	}
	for k := range traces {
		ix.full[k/64] |= 1 << uint(k%64)
		for _, id := range e.writes[t][k] {
			ix.set(ix.writers, id, k, words)
		}
	}
	for k := range traces {
		for _, id := range e.reads[t][k] {
			if w := ix.writers[id]; w == nil || w[k/64]&(1<<uint(k%64)) == 0 {
				if ix.readers[id] == nil {
					ix.readIDs = append(ix.readIDs, id)
				}
				ix.set(ix.readers, id, k, words)
			}
		}
	}
	e.scratch[t] = make([]uint64, words)
	return ix
}

func (ix *traceIndex) set(sets [][]uint64, id int32, k, words int) {
	if sets[id] == nil {
		sets[id] = make([]uint64, words)
	}
	sets[id][k/64] |= 1 << uint(k%64)
}

// candidates lists, in order, the traces of thread i that satisfiable
// can accept given the traces picked for the threads before it (every
// trace when the thread is not indexed). The slice is thread i's own
// buffer, kept until the enumeration next comes back to thread i, and
// not to be changed.
func (e *enumerator) candidates(i int) []int {
	ix := e.indexes[i]
	if ix == nil {
		return e.cands[i] // every trace (everyTrace)
	}
	out := e.cands[i][:0]
	later := ^uint64(0) << uint(i+1)
	gone := func(id int32) bool { return e.picked[id] == 0 && e.producers[id]&later == 0 }
	c := e.scratch[i]
	copy(c, ix.full)
	for _, id := range e.pending { // only thread i can still give it
		if gone(id) && !intersect(c, ix.writers[id]) {
			return out
		}
	}
	for _, id := range ix.readIDs { // nobody else can give it
		if gone(id) && !subtract(c, ix.readers[id]) {
			return out
		}
	}
	for wi, w := range c {
		for ; w != 0; w &= w - 1 {
			out = append(out, wi*64+bits.TrailingZeros64(w))
		}
	}
	e.cands[i] = out
	return out
}

// intersect keeps in c the bits set in s (none when s is nil) and tells
// whether any is left.
func intersect(c, s []uint64) bool {
	if s == nil {
		return false
	}
	var any uint64
	for i := range c {
		c[i] &= s[i]
		any |= c[i]
	}
	return any != 0
}

// subtract clears in c the bits set in s and tells whether any is left.
func subtract(c, s []uint64) bool {
	var any uint64
	for i := range c {
		c[i] &^= s[i]
		any |= c[i]
	}
	return any != 0
}
