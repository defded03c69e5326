package vm

import "math/bits"

// locTable maps a location to its access history during one race
// analysis of dpor (addBacktracks): open addressing with linear probing,
// at most half full. A Go map did this and was a third of the analysis on
// long executions (ptdump-vmalloc-n512-fixed). Each slot carries the
// generation it was written in, so starting the next analysis is one
// increment rather than a clear of the table.
type locTable struct {
	slots []locSlot // len is a power of two, or zero before the first put
	n     int
	gen   uint32 // slots of other generations are empty
	shift uint   // 64 - log2(len(slots))
}

type locSlot struct {
	key uint64
	gen uint32
	h   *locHistory
}

// reset empties the table.
func (t *locTable) reset() {
	t.n = 0
	if t.gen++; t.gen == 0 { // wrapped: old stamps could read as current
		clear(t.slots)
		t.gen = 1
	}
}

func (t *locTable) home(k uint64) int { return int(k * 0x9e3779b97f4a7c15 >> t.shift) }

// get returns k's history, or nil.
func (t *locTable) get(k uint64) *locHistory {
	if len(t.slots) == 0 {
		return nil
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			return nil
		}
		if s.key == k {
			return s.h
		}
	}
}

// put sets k's history.
func (t *locTable) put(k uint64, h *locHistory) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			*s = locSlot{key: k, gen: t.gen, h: h}
			t.n++
			return
		}
		if s.key == k {
			s.h = h
			return
		}
	}
}

// grow doubles the table (or makes its first slots).
func (t *locTable) grow() {
	old, oldGen := t.slots, t.gen
	size := max(2*len(old), 64)
	t.slots = make([]locSlot, size)
	t.shift = uint(64 - bits.TrailingZeros(uint(size)))
	t.n, t.gen = 0, 1
	for _, s := range old {
		if s.gen == oldGen {
			t.put(s.key, s.h)
		}
	}
}
