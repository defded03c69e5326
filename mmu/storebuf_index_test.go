package mmu

import (
	"math/rand"
	"testing"
)

// TestStoreBufferIndex drives two CPUs' store buffers with random pushes,
// flushes and rollbacks and checks after each operation that the index
// counts exactly the stores each buffer holds, so that newest never skips
// a buffer that holds the location (a few locations, 0 among them, so
// that slots are shared and a buffer often holds a location twice).
func TestStoreBufferIndex(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	s := newStore()
	const cpus = 2
	s.sb = &storeBuffers{cpu: -1, cpus: cpus, index: make([]sbIndex, cpus)}
	s.shared = func(Loc) bool { return true }
	var marks []int
	for op := 0; op < 50000; op++ {
		cpu := r.Intn(cpus)
		switch k := r.Intn(10); {
		case k < 4:
			s.sb.cpu = cpu
			s.Set(Loc(r.Intn(6)*8), uint64(r.Intn(4)))
			s.sb.cpu = -1
		case k < 7:
			if s.words.get(cpuLoc(cpu, cpuSBLen)) > 0 {
				(&Machine{S: s}).FlushOne(cpu)
			}
		case k < 8:
			marks = append(marks, s.Mark())
		case len(marks) > 0:
			s.Rollback(marks[len(marks)-1])
			marks = marks[:len(marks)-1]
		}
		for c := 0; c < cpus; c++ {
			var want sbIndex
			first, end := s.tickets(c)
			for tk := first; tk < end; tk++ {
				if l := Loc(s.words.get(sbLoc(c, tk, false))); l != 0 {
					want[sbSlot(l)]++
				}
			}
			if s.sb.index[c] != want {
				t.Fatalf("op %d: CPU %d's index does not count its buffer", op, c)
			}
		}
	}
}
