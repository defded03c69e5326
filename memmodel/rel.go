package memmodel

import "math/bits"

// Set is a set of events of one graph, as a bitset over event indices.
type Set []uint64

// NewSet returns an empty set over n events.
func NewSet(n int) Set { return make(Set, (n+63)/64) }

func (s Set) Has(i int) bool { return s[i>>6]&(1<<uint(i&63)) != 0 }
func (s Set) Add(i int)      { s[i>>6] |= 1 << uint(i&63) }

// Union, Inter and Minus return new sets.
func (s Set) Union(t Set) Set {
	r := make(Set, len(s))
	for i := range s {
		r[i] = s[i] | t[i]
	}
	return r
}

func (s Set) Inter(t Set) Set {
	r := make(Set, len(s))
	for i := range s {
		r[i] = s[i] & t[i]
	}
	return r
}

func (s Set) Minus(t Set) Set {
	r := make(Set, len(s))
	for i := range s {
		r[i] = s[i] &^ t[i]
	}
	return r
}

// Meets tells whether s and t have an element in common.
func (s Set) Meets(t Set) bool {
	for i := range s {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

// Empty tells whether s has no element.
func (s Set) Empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// Each calls fn for every element in increasing order.
func (s Set) Each(fn func(i int)) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			fn(wi<<6 | b)
			w &= w - 1
		}
	}
}

// Rel is a binary relation over the n events of one graph: row i is the
// set of j with (i, j) in the relation. Relations are values: every
// operation returns a new one, as in herd's cat language.
type Rel struct {
	n    int
	w    int // words a row
	bits []uint64
	a    *arena // where relations made from this one are carved, or nil (the heap)
}

// NewRel returns the empty relation over n events.
func NewRel(n int) Rel { return newRelIn(nil, n) }

// newRelIn is NewRel carving the bits from a (nil: the heap).
func newRelIn(a *arena, n int) Rel {
	w := (n + 63) / 64
	return Rel{n: n, w: w, bits: a.words(n * w), a: a}
}

// like is an empty relation over r's events, from r's arena.
func (r Rel) like() Rel { return newRelIn(r.a, r.n) }

// likeUnset is like's relation with its bits left as the arena had them:
// for an operation that writes every word of its result.
func (r Rel) likeUnset() Rel {
	return Rel{n: r.n, w: r.w, bits: r.a.unset(r.n * r.w), a: r.a}
}

// N is the number of events the relation is over.
func (r Rel) N() int { return r.n }

func (r Rel) row(i int) []uint64 { return r.bits[i*r.w : (i+1)*r.w] }

// OrRow adds row i (the events i relates to) to s.
func (r Rel) OrRow(i int, s Set) {
	for k, w := range r.row(i) {
		s[k] |= w
	}
}

// Has tells whether (i, j) is in r.
func (r Rel) Has(i, j int) bool { return r.bits[i*r.w+j>>6]&(1<<uint(j&63)) != 0 }

// Add puts (i, j) in r (in place: for building base relations).
func (r Rel) Add(i, j int) { r.bits[i*r.w+j>>6] |= 1 << uint(j&63) }

func (r Rel) clone() Rel {
	c := r.likeUnset()
	copy(c.bits, r.bits)
	return c
}

// Union is r | s (any number of relations). It and the operations
// below write each word of the result once, from the operands: a copy
// of r first, then the operation, was a third of the LKMM's local order
// on graphs of a thousand events (BenchmarkLKMM).
func (r Rel) Union(ss ...Rel) Rel {
	if len(ss) == 0 {
		return r.clone()
	}
	c := r.likeUnset()
	s0 := ss[0].bits[:len(r.bits)]
	for i, w := range r.bits {
		c.bits[i] = w | s0[i]
	}
	for _, s := range ss[1:] {
		for i := range c.bits {
			c.bits[i] |= s.bits[i]
		}
	}
	return c
}

// Inter is r & s.
func (r Rel) Inter(s Rel) Rel {
	c := r.likeUnset()
	sb := s.bits[:len(r.bits)]
	for i, w := range r.bits {
		c.bits[i] = w & sb[i]
	}
	return c
}

// Minus is r \ s.
func (r Rel) Minus(s Rel) Rel {
	c := r.likeUnset()
	sb := s.bits[:len(r.bits)]
	for i, w := range r.bits {
		c.bits[i] = w &^ sb[i]
	}
	return c
}

// complement is every pair of r's events not in r.
func (r Rel) complement() Rel {
	c := r.likeUnset()
	full := all(r.n)
	for i := 0; i < r.n; i++ {
		out, in := c.row(i), r.row(i)
		for x := range out {
			out[x] = full[x] &^ in[x]
		}
	}
	return c
}

// Seq is the composition r ; s.
func (r Rel) Seq(s Rel) Rel {
	c := r.like()
	for i := 0; i < r.n; i++ {
		orRows(c.row(i), r.row(i), s)
	}
	return c
}

// SeqOpt is r ; s?, that is r | r ; s, adding only the rows of s that
// have a pair. The LKMM composes dense relations (cumul-fence*, what
// prop builds from it) with sparse ones made optional (rfe?,
// rmw-sequence): the identity under every event cost a row of s for
// each pair of r, on the page-table scripts' graphs of a thousand events
// the LKMM's most costly step. (Masking every Seq so cost armv8's check,
// whose compositions are mostly of sparse relations, a scan of s for
// nothing: 3 % of ptdump-vmalloc-n8-fixed.)
func (r Rel) SeqOpt(s Rel) Rel {
	c := r.clone()
	used := s.Domain()
	for i := 0; i < r.n; i++ {
		orRowsOf(c.row(i), r.row(i), used, s)
	}
	return c
}

// orRows adds to out the rows of s that the set of bits sel picks.
func orRows(out, sel []uint64, s Rel) {
	for wi, w := range sel {
		orWordRows(out, wi, w, s)
	}
}

// orRowsOf is orRows with sel masked by used, a word at a time.
func orRowsOf(out, sel []uint64, used Set, s Rel) {
	used = used[:len(sel)]
	for wi, w := range sel {
		orWordRows(out, wi, w&used[wi], s)
	}
}

// orWordRows adds to out the rows of s that word wi of a selection, w,
// picks.
func orWordRows(out []uint64, wi int, w uint64, s Rel) {
	for w != 0 {
		k := wi<<6 | bits.TrailingZeros64(w)
		w &= w - 1
		for x, y := range s.row(k) {
			out[x] |= y
		}
	}
}

// Inv is r^-1.
func (r Rel) Inv() Rel {
	c := r.like()
	r.Each(func(i, j int) { c.Add(j, i) })
	return c
}

// Plus is the transitive closure r+. Most relations a model closes are
// acyclic (lob, which follows program order; ob, hb and the like of an
// allowed graph), and those it closes in one pass over a topological
// order: each row is its successors and their rows, complete by then.
// That makes one row union for each pair of r where Warshall's algorithm
// (kept for a relation with a cycle) tests all n² pairs and makes one for
// each pair of the closure: on the page-table scripts under armv8, with
// graphs of several hundred events, the closures of lob and ob were a
// quarter of the check.
func (r Rel) Plus() Rel {
	order, ok := r.topo()
	if !ok {
		return r.warshall()
	}
	c := r.clone()
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		orRows(c.row(i), r.row(i), c)
	}
	return c
}

// warshall is r+ by Warshall's algorithm, for any r.
func (r Rel) warshall() Rel {
	c := r.clone()
	// for each k, every i reaching k reaches what k reaches
	for k := 0; k < c.n; k++ {
		rk := c.row(k)
		kw, kb := k>>6, uint64(1)<<uint(k&63)
		for i := 0; i < c.n; i++ {
			ri := c.row(i)
			if ri[kw]&kb != 0 {
				for x, y := range rk {
					ri[x] |= y
				}
			}
		}
	}
	return c
}

// Star is the reflexive-transitive closure r*.
func (r Rel) Star() Rel { return r.Plus().Union(r.id()) }

// Opt is r? = r | id.
func (r Rel) Opt() Rel { return r.Union(r.id()) }

// id is the identity over r's events, from r's arena.
func (r Rel) id() Rel {
	c := r.like()
	for i := 0; i < c.n; i++ {
		c.Add(i, i)
	}
	return c
}

// idOn is [s] over r's events, from r's arena.
func (r Rel) idOn(s Set) Rel {
	c := r.like()
	s.Each(func(i int) { c.Add(i, i) })
	return c
}

// Cross is s * t.
func Cross(n int, s, t Set) Rel {
	c := NewRel(n)
	s.Each(func(i int) { copy(c.row(i), t) })
	return c
}

// Dom restricts r to pairs whose first element is in s ([s];r).
func (r Rel) Dom(s Set) Rel {
	c := r.like()
	s.Each(func(i int) { copy(c.row(i), r.row(i)) })
	return c
}

// Ran restricts r to pairs whose second element is in s (r;[s]).
func (r Rel) Ran(s Set) Rel {
	c := r.likeUnset()
	for i := 0; i < c.n; i++ {
		andRow(c.row(i), r.row(i), s)
	}
	return c
}

// Restrict is [s];r;[t].
func (r Rel) Restrict(s, t Set) Rel {
	c := r.like()
	s.Each(func(i int) { andRow(c.row(i), r.row(i), t) })
	return c
}

// andRow sets out to in & s.
func andRow(out, in []uint64, s Set) {
	in, s = in[:len(out)], s[:len(out)]
	for x := range out {
		out[x] = in[x] & s[x]
	}
}

// Domain and Range are the sets of first and second elements.
func (r Rel) Domain() Set {
	s := NewSet(r.n)
	for i := 0; i < r.n; i++ {
		for _, y := range r.row(i) {
			if y != 0 {
				s.Add(i)
				break
			}
		}
	}
	return s
}

func (r Rel) Range() Set {
	s := NewSet(r.n)
	for i := 0; i < r.n; i++ {
		for x, y := range r.row(i) {
			s[x] |= y
		}
	}
	return s
}

// Empty tells whether r has no pair.
func (r Rel) Empty() bool {
	for _, w := range r.bits {
		if w != 0 {
			return false
		}
	}
	return true
}

// Irreflexive tells whether no (i, i) is in r.
func (r Rel) Irreflexive() bool {
	for i := 0; i < r.n; i++ {
		if r.Has(i, i) {
			return false
		}
	}
	return true
}

// Acyclic tells whether r has no cycle (its closure is irreflexive). It
// sorts topologically rather than closing, which is cheaper.
func (r Rel) Acyclic() bool {
	_, ok := r.topo()
	return ok
}

// topo orders r's events topologically (Kahn's algorithm: an event comes
// once every event related to it has); ok is false when r has a cycle.
func (r Rel) topo() (order []int, ok bool) {
	indeg := make([]int, r.n)
	r.Each(func(i, j int) { indeg[j]++ })
	order = make([]int, 0, r.n)
	for i, d := range indeg {
		if d == 0 {
			order = append(order, i)
		}
	}
	// order doubles as the queue: the events before next are out of it
	for next := 0; next < len(order); next++ {
		for wi, w := range r.row(order[next]) {
			for w != 0 {
				j := wi<<6 | bits.TrailingZeros64(w)
				w &= w - 1
				if indeg[j]--; indeg[j] == 0 {
					order = append(order, j)
				}
			}
		}
	}
	return order, len(order) == r.n
}

// Each calls fn for every pair, in row order.
func (r Rel) Each(fn func(i, j int)) {
	for i := 0; i < r.n; i++ {
		for wi, w := range r.row(i) {
			for w != 0 {
				j := wi<<6 | bits.TrailingZeros64(w)
				fn(i, j)
				w &= w - 1
			}
		}
	}
}
