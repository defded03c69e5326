package vm

import (
	"math/rand"
	"sync"
	"testing"
)

// TestVisitedSet checks the open-addressing set against a map, through
// growth, with hash 0 and hashes that share their home slot.
func TestVisitedSet(t *testing.T) {
	s := newVisitedSet(0)
	want := map[uint64]uint64{}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 200000; i++ {
		h := r.Uint64()
		switch i % 7 {
		case 0:
			h = 0
		case 1:
			h = uint64(i) // small hashes: their products share top bits often
		}
		v := r.Uint64()
		s.put(h, v)
		want[max(h, 1)] = v // the set stores hash 0 as 1
	}
	if s.len() != len(want) {
		t.Fatalf("%d states, want %d", s.len(), len(want))
	}
	for h, v := range want {
		if got, ok := s.get(h); !ok || got != v {
			t.Fatalf("get(%#x) = %#x, %v; want %#x", h, got, ok, v)
		}
	}
	for i := 0; i < 1000; i++ {
		h := r.Uint64()
		if _, in := want[max(h, 1)]; in {
			continue
		}
		if _, ok := s.get(h); ok {
			t.Fatalf("get(%#x) finds a hash never put", h)
		}
	}
}

// TestSharedVisitedAsOne checks that one worker's visits to the shared set
// answer as visitedSet's do, visit by visit, through growth.
func TestSharedVisitedAsOne(t *testing.T) {
	s, one := newSharedVisited(1, 0).worker(0), newVisitedSet(0)
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 100000; i++ {
		h := uint64(r.Intn(30000)) * 0x9e3779b97f4a7c15
		z := r.Uint64() & r.Uint64() & 0xff
		m1, e1 := s.visit(h, z)
		m2, e2 := one.visit(h, z)
		if e1 != e2 || e1 && m1 != m2 {
			t.Fatalf("visit %d (%#x, %#x): shared %#x, %v; one worker's %#x, %v", i, h, z, m1, e1, m2, e2)
		}
	}
	s.quiesce()
	if s.len() != one.len() {
		t.Fatalf("%d states, want %d", s.len(), one.len())
	}
}

// TestSharedVisited has four workers visit overlapping streams of hashes
// with random sleep masks at once, through growth, and checks what one
// worker's set would hold: every hash, with the AND of the masks it was
// visited with, each new hash explored once at its first visit, and a
// visit explored exactly when it woke a thread asleep at every earlier
// one (a visit's order is its OR on the slot, so the check counts, per
// hash, the threads ever woken: each must have been reported once).
func TestSharedVisited(t *testing.T) {
	const workers, visits = 4, 50000
	s := newSharedVisited(workers, 0)
	type seen struct {
		h, z, mask uint64
		explore    bool
	}
	got := make([][]seen, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			v := s.worker(w)
			defer v.quiesce()
			r := rand.New(rand.NewSource(int64(w)))
			for i := 0; i < visits; i++ {
				h := uint64(r.Intn(visits)) * 0x9e3779b97f4a7c15 // shared by the workers
				if i%1000 == 0 {
					h = 0
				}
				z := r.Uint64() & r.Uint64() & 0xff
				mask, explore := v.visit(h, z)
				got[w] = append(got[w], seen{max(h, 1), z, mask, explore})
				if i%64 == 0 {
					v.quiesce() // as the search's look does
				}
			}
		}(w)
	}
	wg.Wait()
	and := map[uint64]uint64{}
	woken := map[uint64]uint64{} // threads reported awake-and-new, per hash
	for _, vs := range got {
		for _, v := range vs {
			if a, ok := and[v.h]; ok {
				and[v.h] = a & v.z
			} else {
				and[v.h] = v.z
			}
			if v.explore {
				if v.mask&^v.z != 0 {
					t.Fatalf("hash %#x explored with mask %#x, more asleep than its own %#x", v.h, v.mask, v.z)
				}
				woken[v.h] |= ^v.mask & 0xff
			}
		}
	}
	if s.len() != len(and) {
		t.Fatalf("%d states, want %d", s.len(), len(and))
	}
	for h, a := range and {
		i := s.table.find(h)
		if i < 0 {
			t.Fatalf("hash %#x not stored", h)
		}
		if m := ^s.table.slots[i].val; m != a {
			t.Fatalf("hash %#x stored with mask %#x, want the AND of its visits' %#x", h, m, a)
		}
		if woken[h] != ^a&0xff {
			t.Fatalf("hash %#x: the explored visits woke %#x, want %#x", h, woken[h], ^a&0xff)
		}
	}
}

// TestVisitedSetReuse: a set made after another was freed starts empty,
// whether or not it got the freed table, and whichever way the freed set
// zeroed it: the slots its few states took (up to takenSlots), the whole
// table, or the table it grew out of.
func TestVisitedSetReuse(t *testing.T) {
	for round, n := range []uint64{10, takenSlots, takenSlots + 1, 1000, 3000, 5} {
		s := newVisitedSet(0)
		if s.len() != 0 {
			t.Fatalf("round %d: a new set has %d states", round, s.len())
		}
		for i, sl := range s.slots {
			if sl != (visitedSlot{}) {
				t.Fatalf("round %d: slot %d of a new set holds %v", round, i, sl)
			}
		}
		for h := uint64(1); h <= n; h++ {
			s.visit(h*0x9e3779b97f4a7c15, h)
		}
		s.free()
	}
}
