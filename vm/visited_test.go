package vm

import (
	"math/rand"
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
