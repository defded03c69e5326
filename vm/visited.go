package vm

import "math/bits"

// visitedSet is the stateful search's set of visited states: their 64-bit
// hashes, each with the sleep mask it was explored with. Open addressing
// with linear probing over two flat arrays, at most half full: no
// allocation per state and one cache line per probe (a hash and its mask
// side by side), where a Go map
// spent a quarter of the search's time. Hash 0 stands for the empty slot,
// so a state hashing to 0 is stored as 1 (one more way to collide, of
// 2^64).
type visitedSet struct {
	slots []visitedSlot
	n     int
	shift uint // 64 - log2(len(slots))
}

type visitedSlot struct{ key, val uint64 }

// newVisitedSet makes a set for about hint states (at least 2^12 slots).
func newVisitedSet(hint int) *visitedSet { return newVisitedSetOf(1<<12, hint) }

// newVisitedSetOf makes a set of at least size slots (a power of two) for
// about hint states.
func newVisitedSetOf(size, hint int) *visitedSet {
	for size < 2*hint && size < 1<<30 {
		size <<= 1
	}
	return &visitedSet{slots: make([]visitedSlot, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
}

func (s *visitedSet) slot(h uint64) int {
	if h == 0 {
		h = 1
	}
	i := int(h * 0x9e3779b97f4a7c15 >> s.shift)
	for s.slots[i].key != 0 && s.slots[i].key != h {
		i = (i + 1) & (len(s.slots) - 1)
	}
	return i
}

// get returns the mask stored with h, and whether h is in the set.
func (s *visitedSet) get(h uint64) (uint64, bool) {
	i := s.slot(h)
	return s.slots[i].val, s.slots[i].key != 0
}

// put stores h with mask v.
func (s *visitedSet) put(h, v uint64) {
	i := s.slot(h)
	if s.slots[i].key == 0 {
		if 2*(s.n+1) > len(s.slots) {
			s.grow()
			i = s.slot(h)
		}
		s.slots[i].key = max(h, 1)
		s.n++
	}
	s.slots[i].val = v
}

// visit implements stateStore: a state reached again is explored again
// only with the threads asleep both times, and then stored with those.
func (s *visitedSet) visit(h, z uint64) (uint64, bool) {
	i := s.slot(h)
	if s.slots[i].key != 0 {
		was := s.slots[i].val
		if was&^z == 0 {
			return 0, false
		}
		z &= was
		s.slots[i].val = z
		return z, true
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
		i = s.slot(h)
	}
	s.slots[i] = visitedSlot{max(h, 1), z}
	s.n++
	return z, true
}

func (s *visitedSet) len() int { return s.n }

// bytes is the memory the table holds: two words a slot.
func (s *visitedSet) bytes() int64 { return int64(len(s.slots)) * stateBytes / 2 }

// grow doubles the table.
func (s *visitedSet) grow() {
	old := s.slots
	s.slots = make([]visitedSlot, 2*len(old))
	s.shift--
	for _, o := range old {
		if o.key != 0 {
			s.slots[s.slot(o.key)] = o
		}
	}
}

// stateBytes is the cost of a state in a visited set: two words in a table
// at most half full.
const stateBytes = 32
