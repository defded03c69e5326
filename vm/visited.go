package vm

import (
	"math/bits"
	"sync"
	"unsafe"
)

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
	// the slots the first n states took, while they fit: a small check's
	// table is cleared for the next one by clearing those alone
	taken [takenSlots]int32
}

// takenSlots is how many slots a set remembers having filled: as many
// states as most small checks store.
const takenSlots = 64

type visitedSlot struct{ key, val uint64 }

// newVisitedSet makes a set for about hint states (at least 2^12 slots).
func newVisitedSet(hint int) *visitedSet {
	size := tableSize(hint)
	return &visitedSet{slots: newSlots(size), shift: tableShift(size)}
}

// tableSize is the slots of a table for about hint states: a power of
// two, at least 2^12 and twice hint (up to 2^30).
func tableSize(hint int) int {
	size := firstSlots
	for size < 2*hint && size < 1<<30 {
		size <<= 1
	}
	return size
}

// tableShift is 64 - log2(size).
func tableShift(size int) uint { return uint(64 - bits.TrailingZeros(uint(size))) }

// firstSlots is the size of a visited set's first table.
const firstSlots = 1 << 12

// firstTables keeps the first tables of the visited sets of checks that
// have ended, zeroed, for the next checks: a small check stores a few
// states, and allocating its table was most of what it allocated (64 KiB
// of 79 KiB on sleep-in-atomic): the collector ran every few dozen checks
// and returned the pages to the kernel, whose first writes to them cost
// a fault each. Clearing a whole table costs about a microsecond, a
// tenth of a small check's stateful search
// (preempt-task-words-follow-mutant: 8.5 µs), so a set that stored few
// states clears only their slots (visitedSet.taken).
var firstTables sync.Pool

// newSlots returns a zeroed table of size slots.
func newSlots(size int) []visitedSlot {
	if size == firstSlots {
		if t, ok := firstTables.Get().(*[firstSlots]visitedSlot); ok {
			return t[:]
		}
		return new([firstSlots]visitedSlot)[:]
	}
	t := make([]visitedSlot, size)
	if size >= hugeSlots {
		adviseHuge(unsafe.Slice((*byte)(unsafe.Pointer(&t[0])), len(t)*int(unsafe.Sizeof(t[0]))))
	}
	return t
}

// hugeSlots is the size from which a table asks for huge pages (4 MiB,
// two of them): every probe of a table that large lands on a page of its
// own, and with 4 KiB pages each first touch cost a fault and later ones
// a TLB miss. On ptdump-vmalloc-n512-fixed (an 8 MiB table at the end)
// the stateful search took about 5 % less time with them.
const hugeSlots = 1 << 18

// freeSlots gives a zeroed table back once its set is dropped.
func freeSlots(t []visitedSlot) {
	if len(t) == firstSlots {
		firstTables.Put((*[firstSlots]visitedSlot)(t))
	}
}

// free gives the set's table back, zeroed: the set is not used again.
func (s *visitedSet) free() {
	switch {
	case len(s.slots) != firstSlots: // not kept for the next check
	case s.n <= takenSlots:
		for _, i := range s.taken[:s.n] {
			s.slots[i] = visitedSlot{}
		}
	default:
		clear(s.slots)
	}
	freeSlots(s.slots)
	s.slots = nil
}

// took notes that the set's n-th state took slot i.
func (s *visitedSet) took(i int) {
	if s.n < takenSlots {
		s.taken[s.n] = int32(i)
	}
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
		s.took(i)
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
	s.took(i)
	s.n++
	return z, true
}

func (s *visitedSet) len() int { return s.n }

// bytes is the memory the table holds: two words a slot.
func (s *visitedSet) bytes() int64 { return int64(len(s.slots)) * stateBytes / 2 }

// grow doubles the table.
func (s *visitedSet) grow() {
	old := s.slots
	s.slots = newSlots(2 * len(old))
	s.shift--
	for _, o := range old {
		if o.key != 0 {
			s.slots[s.slot(o.key)] = o
		}
	}
	if len(old) == firstSlots { // kept for the next check: zeroed
		clear(old)
	}
	freeSlots(old)
}

// stateBytes is the cost of a state in a visited set: two words in a table
// at most half full.
const stateBytes = 32
