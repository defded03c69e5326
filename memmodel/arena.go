package memmodel

// An arena holds the relations of one candidate execution. The
// enumeration checks many candidates that differ only in reads-from and
// coherence, and a model's check builds dozens of n×n relations for each,
// all dead once the check returns: allocating them from the heap made the
// garbage collector a third of the time of the larger LKMM tests. The
// graph's arena is reset before each candidate is checked (Graph.Base
// starts from it, and every relation made from one of its relations
// carves its bits from the same arena), so the words are reused.
type arena struct {
	chunks [][]uint64
	cur    int // the chunk being carved
	off    int // words of it handed out
}

// arenaChunk is the least a new chunk holds, in words.
const arenaChunk = 1 << 11

// words returns n zeroed words from a, or from the heap if a is nil.
func (a *arena) words(n int) []uint64 {
	if a == nil {
		return make([]uint64, n)
	}
	for a.cur < len(a.chunks) {
		if c := a.chunks[a.cur]; a.off+n <= len(c) {
			out := c[a.off : a.off+n : a.off+n]
			a.off += n
			clear(out)
			return out
		}
		a.cur, a.off = a.cur+1, 0
	}
	a.chunks = append(a.chunks, make([]uint64, max(n, arenaChunk)))
	a.off = n
	return a.chunks[a.cur][:n:n]
}

// reset makes every word of a free again: the relations carved so far
// must be dead.
func (a *arena) reset() { a.cur, a.off = 0, 0 }

// bytes is what a holds.
func (a *arena) bytes() int64 {
	n := 0
	for _, c := range a.chunks {
		n += len(c)
	}
	return int64(n) * 8
}
