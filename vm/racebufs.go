package vm

import "sync"

// raceBufs holds dpor's race analysis (addBacktracks): each step's index
// in its thread and vector clock, each thread's last step, and each
// location's access history. It is kept from one execution to the next:
// an execution repeats the previous one's steps up to the node dpor
// backtracked to, and re-analysing that prefix was nearly all of the
// analysis (on ptdump-vmalloc-n64-fixed 99 % of the steps analysed were
// the prefix's). So the analysis rewinds to the first new step instead,
// undoing what the later steps did to the histories from a log.
type raceBufs struct {
	idx, count, lastOf []int
	flat               []int32
	vc                 [][]int32
	locs               locTable
	pool               []*locHistory
	used               int
	cands              []int

	done   int        // the steps of the last execution analysed
	thread []int      // each analysed step's thread
	prev   []int      // lastOf[thread[j]] before step j
	mark   []int      // where step j's entries start in undo
	undo   []histUndo // the histories' changes, in order
	saved  []int      // the reads and readers of the histories writes emptied
}

// histUndo undoes one change to a history: a write (which emptied the
// reads, kept in saved[at:at+2*n]), a read that replaced a thread's last
// read at reads[at] (old is the replaced one), or a read appended.
type histUndo struct {
	a          *locHistory
	kind       undoKind
	at, n, old int
}

type undoKind uint8

const (
	undoWrite undoKind = iota
	undoReplace
	undoAppend
)

// raceBufsPool keeps the race analysis' storage, with its location table
// and access histories, from one check to the next, as dnodes keeps the
// nodes: a small check otherwise made them all afresh in its first
// analysis (half of a one-execution check's allocations under dpor).
var raceBufsPool sync.Pool

// takeRaceBufs is pooled storage, or new, with no step analysed: the
// first analysis of the check then starts from step 0 (rewind clears
// another check's analysis), whatever its first new step.
func takeRaceBufs() *raceBufs {
	if b, ok := raceBufsPool.Get().(*raceBufs); ok {
		b.done = 0
		return b
	}
	return &raceBufs{}
}

// rewind keeps the analysis of the first k steps, forgets the rest, and
// makes room for n steps of nt threads.
func (b *raceBufs) rewind(k, n, nt int) {
	if k == 0 {
		b.clear(nt)
	}
	for j := b.done - 1; j >= k; j-- {
		t := b.thread[j]
		b.lastOf[t] = b.prev[j]
		b.count[t]--
	}
	if k < b.done {
		b.undoFrom(b.mark[k])
	}
	b.done = k
	b.idx, b.thread, b.prev, b.mark = growInts(b.idx, n), growInts(b.thread, n), growInts(b.prev, n), growInts(b.mark, n)
	if cap(b.flat) < n*nt {
		flat := make([]int32, n*nt, 2*n*nt)
		copy(flat, b.flat[:k*nt])
		b.flat, b.vc = flat, b.vc[:0]
	}
	b.flat = b.flat[:n*nt]
	b.vc = b.vc[:min(len(b.vc), n)]
	for j := len(b.vc); j < n; j++ {
		b.vc = append(b.vc, b.flat[j*nt:(j+1)*nt:(j+1)*nt])
	}
}

// clear forgets every step.
func (b *raceBufs) clear(nt int) {
	b.count, b.lastOf = growInts(b.count, nt), growInts(b.lastOf, nt)
	clear(b.count)
	for i := range b.lastOf {
		b.lastOf[i] = -1
	}
	b.locs.reset()
	b.used, b.done = 0, 0
	b.vc = b.vc[:0] // another check's may have another width
	b.undo, b.saved = b.undo[:0], b.saved[:0]
}

// growInts returns s with length n, its contents kept.
func growInts(s []int, n int) []int {
	if cap(s) < n {
		s = append(s[:cap(s)], make([]int, n-cap(s))...)
	}
	return s[:n]
}

// undoFrom undoes the history changes from undo[u] on, newest first.
func (b *raceBufs) undoFrom(u int) {
	for i := len(b.undo) - 1; i >= u; i-- {
		c := b.undo[i]
		a := c.a
		switch c.kind {
		case undoWrite:
			a.lastWrite = c.old
			a.reads = append(a.reads[:0], b.saved[c.at:c.at+c.n]...)
			a.readers = append(a.readers[:0], b.saved[c.at+c.n:c.at+2*c.n]...)
			b.saved = b.saved[:c.at]
		case undoReplace:
			a.reads[c.at] = c.old
		case undoAppend:
			a.reads, a.readers = a.reads[:len(a.reads)-1], a.readers[:len(a.readers)-1]
		}
	}
	b.undo = b.undo[:u]
}

// enter numbers step j, of thread t, in its thread.
func (b *raceBufs) enter(j, t int) {
	b.count[t]++
	b.idx[j] = b.count[t]
}

// record enters step j, of thread t with footprint fp, into the analysis:
// its thread's last step and its accesses to the histories.
func (b *raceBufs) record(j, t int, fp []uint64) {
	b.thread[j], b.prev[j], b.mark[j] = t, b.lastOf[t], len(b.undo)
	b.lastOf[t] = j
	for _, f := range fp {
		a := b.history(f >> 1)
		if f&1 != 0 {
			b.undo = append(b.undo, histUndo{a: a, kind: undoWrite, at: len(b.saved), n: len(a.reads), old: a.lastWrite})
			b.saved = append(append(b.saved, a.reads...), a.readers...)
			a.lastWrite, a.reads, a.readers = j, a.reads[:0], a.readers[:0]
		} else {
			b.undo = append(b.undo, a.read(j, t))
		}
	}
	b.done = j + 1
}

// history returns the access history of a location, from the pool.
func (b *raceBufs) history(loc uint64) *locHistory {
	if a := b.locs.get(loc); a != nil {
		return a
	}
	if b.used == len(b.pool) {
		b.pool = append(b.pool, &locHistory{})
	}
	a := b.pool[b.used]
	b.used++
	a.lastWrite, a.reads, a.readers = -1, a.reads[:0], a.readers[:0]
	b.locs.put(loc, a)
	return a
}

// locHistory is the history of one location in an execution: its last
// write, and the last read by each thread since then.
type locHistory struct {
	lastWrite int
	reads     []int
	readers   []int // the thread of each read
}

// read records event j, a read, and returns how to undo it. An earlier
// read by the same thread since the last write is dropped: it happens
// before j in program order, so a later write that races with it is
// covered through j (covered), and its vector clock is below j's. Keeping
// every read made a write after many reads of a word (a lock or a static
// key polled at each step) cost the square of their number in conflicts.
func (a *locHistory) read(j, t int) histUndo {
	for k, u := range a.readers {
		if u == t {
			old := a.reads[k]
			a.reads[k] = j
			return histUndo{a: a, kind: undoReplace, at: k, old: old}
		}
	}
	a.reads, a.readers = append(a.reads, j), append(a.readers, t)
	return histUndo{a: a, kind: undoAppend}
}
