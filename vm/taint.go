package vm

import "math/bits"

// A taint is the set of a run's reads that a value, a branch or an access
// depends on, by each read's index among the run's reads (recorder.reads).
// Most runs make fewer than 64 reads, and most values depend on a few
// recent ones, so a taint is one word: with its top bit clear, bit k is
// read k (k < 63). A set that holds a later read is spilled: the word,
// top bit set, names a bitset in the run's arena (recorder.ta).
//
// Until session 42 reads past the 63rd shared the top bit, and a
// dependency on any of them became one on each of the last 64 reads: a
// run longer than that (every page-table walk of the perf corpus) got
// dependencies it did not have, and the model forbade what the hardware
// allows (LB+data+po after 64 reads said ok). Spilled sets are exact.
const spillBit = 1 << 63

// arena holds a run's spilled taints in blocks that are never moved: a
// set is named by its block, its offset there and its length (alloc),
// and a new set goes at the end of the last block, or in a new one. A
// run that joins sets of many reads at every step makes sets quadratic in
// its reads; one growing slice copied them each time it grew, and held
// more than twice the estimate at the memory bound.
type arena struct {
	blocks [][]uint64
	held   int64 // words allocated, for the memory estimate
}

// blockWords is the largest arena block (512 KiB); a longer set has a
// block of its own.
const blockWords = 1 << 16

// alloc gives n zeroed words and their taint.
func (a *arena) alloc(n int) ([]uint64, uint64) {
	last := len(a.blocks) - 1
	if last < 0 || n > cap(a.blocks[last])-len(a.blocks[last]) {
		size := 256 // most runs spill a few sets: blocks double from small
		if last >= 0 {
			size = min(2*cap(a.blocks[last]), blockWords)
		}
		a.blocks = append(a.blocks, make([]uint64, 0, max(n, size)))
		last++
		a.held += int64(cap(a.blocks[last]))
	}
	b := a.blocks[last]
	off := len(b)
	a.blocks[last] = b[:off+n]
	return a.blocks[last][off : off+n : off+n], spillBit | uint64(last)<<40 | uint64(off)<<24 | uint64(n)
}

// taintWords is how many words of a bitset taint t has.
func taintWords(t uint64) int {
	if t&spillBit == 0 {
		return 1
	}
	return int(t & (1<<24 - 1))
}

// words is spilled taint t's bitset.
func (a *arena) words(t uint64) []uint64 {
	blk, off := int(t&^spillBit>>40), int(t>>24&(1<<16-1))
	return a.blocks[blk][off : off+taintWords(t)]
}

// bitset is taint t's bitset: its arena words, or for a taint of one
// word that word in one (scratch).
func (a *arena) bitset(t uint64, one *[1]uint64) []uint64 {
	if t&spillBit == 0 {
		one[0] = t
		return one[:]
	}
	return a.words(t)
}

// readBit is the taint of the run's k-th read alone.
func (r *recorder) readBit(k int) uint64 {
	if k < 63 {
		return 1 << uint(k)
	}
	w, t := r.alloc(k/64 + 1)
	w[k/64] = 1 << uint(k%64)
	return t
}

// alloc gives n zeroed words of the run's arena, which counts in the
// run's memory estimate (noteRun).
func (r *recorder) alloc(n int) ([]uint64, uint64) {
	if r.ta == nil {
		r.ta = &arena{}
	}
	w, t := r.ta.alloc(n)
	r.noteRun()
	return w, t
}

// or is the union of two taints. Small enough to inline: the interpreter
// joins the taints of every arithmetic op's operands (taintFlow), and most
// are one word.
func (r *recorder) or(a, b uint64) uint64 {
	if (a|b)&spillBit == 0 {
		return a | b
	}
	return r.orSpilled(a, b)
}

// orSpilled is or of two taints one of which is spilled.
func (r *recorder) orSpilled(a, b uint64) uint64 {
	switch {
	case a == b || b == 0:
		return a
	case a == 0:
		return b
	}
	var oa, ob [1]uint64
	wa, wb := r.ta.bitset(a, &oa), r.ta.bitset(b, &ob)
	if len(wa) < len(wb) {
		wa, wb, a, b = wb, wa, b, a
	}
	if covers(wa, wb) {
		return a
	}
	if len(wa) == len(wb) && covers(wb, wa) {
		return b
	}
	w, t := r.alloc(len(wa))
	copy(w, wa)
	for i, x := range wb {
		w[i] |= x
	}
	return t
}

// covers says whether bitset a holds every read of b, no longer than a.
func covers(a, b []uint64) bool {
	for i, x := range b {
		if x&^a[i] != 0 {
			return false
		}
	}
	return true
}

// union is the union of taints.
func (r *recorder) union(ts ...uint64) uint64 {
	u := uint64(0)
	for _, t := range ts {
		u = r.or(u, t)
	}
	return u
}

// andNot is the reads of a not in b.
func (r *recorder) andNot(a, b uint64) uint64 {
	if b == 0 || (a|b)&spillBit == 0 {
		return a &^ b
	}
	var oa, ob [1]uint64
	wa, wb := r.ta.bitset(a, &oa), r.ta.bitset(b, &ob)
	word := func(i int) uint64 {
		if i < len(wb) {
			return wa[i] &^ wb[i]
		}
		return wa[i]
	}
	n := len(wa)
	for n > 0 && word(n-1) == 0 {
		n--
	}
	if n <= 1 && word(0)&spillBit == 0 {
		return word(0)
	}
	w, t := r.alloc(n)
	for i := range w {
		w[i] = word(i)
	}
	return t
}

// meets says whether two taints share a read.
func (r *recorder) meets(a, b uint64) bool {
	if (a|b)&spillBit == 0 {
		return a&b != 0
	}
	var oa, ob [1]uint64
	wa, wb := r.ta.bitset(a, &oa), r.ta.bitset(b, &ob)
	for i := range min(len(wa), len(wb)) {
		if wa[i]&wb[i] != 0 {
			return true
		}
	}
	return false
}

// readsSince is the taint of the reads made since the k-th.
func (r *recorder) readsSince(k int) uint64 {
	n := len(r.reads)
	if k >= n {
		return 0
	}
	if n <= 63 {
		return 1<<uint(n) - 1<<uint(k)
	}
	w, t := r.alloc((n-1)/64 + 1)
	for i := k; i < n; i++ {
		w[i/64] |= 1 << uint(i%64)
	}
	return t
}

// eachRead calls f with the index of each read in taint t, in order; ta
// is the arena of the run that made t.
func eachRead(ta *arena, t uint64, f func(k int)) {
	var one [1]uint64
	for i, w := range ta.bitset(t, &one) {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(i*64 + b)
			w &^= 1 << uint(b)
		}
	}
}

// bytes is what the arena holds, for the memory estimate; nil holds
// nothing.
func (a *arena) bytes() int64 {
	if a == nil {
		return 0
	}
	return a.held * 8
}
