package memmodel

// An arena holds the relations of one candidate execution. The
// enumeration checks many candidates that differ only in reads-from and
// coherence, and a model's check builds dozens of n×n relations for each,
// all dead once the check returns: allocating them from the heap made the
// garbage collector a third of the time of the larger LKMM tests. The
// enumeration's arena is reset before each candidate is checked, of every
// combination of traces (Graph.Base starts from it, and every relation
// made from one of its relations carves its bits from the same arena), so
// the words are reused.
type arena struct {
	chunks []chunk
	cur    int // the chunk being carved
	off    int // words of it handed out
}

// chunk is one allocation of an arena; words past hw have never been
// handed out, so they are still zero.
type chunk struct {
	w  []uint64
	hw int
}

// Chunk sizes: 8 relations of the size asked for, at least 64 words.
// Small, so that a small graph's check stays within CheckBytes and the
// first graphs cost no more than the heap would.
const (
	chunkRelations = 8
	chunkMinWords  = 64
)

// words returns n zeroed words from a, or from the heap if a is nil.
func (a *arena) words(n int) []uint64 { return a.take(n, true) }

// unset returns n words from a whose old contents may remain: for an
// operation that writes every one of them (clearing them first was a
// seventh of the LKMM's enumeration on graphs of a thousand events).
func (a *arena) unset(n int) []uint64 { return a.take(n, false) }

func (a *arena) take(n int, zero bool) []uint64 {
	if a == nil {
		return make([]uint64, n)
	}
	for ; a.cur < len(a.chunks); a.cur, a.off = a.cur+1, 0 {
		c := &a.chunks[a.cur]
		if a.off+n > len(c.w) {
			continue
		}
		out := c.w[a.off : a.off+n : a.off+n]
		if zero && a.off < c.hw { // reused: clear what an earlier candidate wrote
			clear(out[:min(n, c.hw-a.off)])
		}
		a.off += n
		c.hw = max(c.hw, a.off)
		return out
	}
	a.chunks = append(a.chunks, chunk{w: make([]uint64, max(chunkRelations*n, chunkMinWords)), hw: n})
	a.off = n
	return a.chunks[a.cur].w[:n:n]
}

// bytes is what a's chunks hold.
func (a *arena) bytes() int64 {
	n := 0
	for _, c := range a.chunks {
		n += len(c.w)
	}
	return int64(n) * 8
}

// reset makes every word of a free again: the relations carved so far
// must be dead.
func (a *arena) reset() { a.cur, a.off = 0, 0 }

// Scratch lends one arena to graphs checked one after another, each of
// which is dead once its check's result has been read (the incremental
// search builds a graph per step and checks it once, so a graph's own
// arena never came into use: every relation went to the heap).
type Scratch struct{ a arena }

// Use makes g carve its relations from s, whose earlier graphs must be
// dead: their relations are overwritten.
func (s *Scratch) Use(g *Graph) {
	s.a.reset()
	if g.once { // its relations were carved from an arena since reused
		g.base, g.static = nil, nil
	}
	g.arena, g.staticIn, g.once = &s.a, &s.a, true
}
