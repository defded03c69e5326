package vm

import (
	"math/rand"
	"slices"
	"testing"
)

// TestRaceBufsRewind: an analysis rewound to a step and continued with
// other steps holds what an analysis of the new execution from scratch
// holds: each step's index, each thread's last step and count, and each
// location's last write and reads.
func TestRaceBufsRewind(t *testing.T) {
	const nt, locs = 4, 6
	rng := rand.New(rand.NewSource(1))
	type step struct {
		t  int
		fp []uint64
	}
	randSteps := func(n int) []step {
		ss := make([]step, n)
		for j := range ss {
			ss[j].t = rng.Intn(nt)
			for l := range uint64(locs) {
				if rng.Intn(3) == 0 {
					ss[j].fp = append(ss[j].fp, l<<1|uint64(rng.Intn(2)))
				}
			}
		}
		return ss
	}
	analyse := func(b *raceBufs, ss []step, k int) {
		b.rewind(k, len(ss), nt)
		for j := k; j < len(ss); j++ {
			b.enter(j, ss[j].t)
			b.record(j, ss[j].t, ss[j].fp)
		}
	}
	for round := range 500 {
		b := takeRaceBufs()
		ss := randSteps(1 + rng.Intn(40))
		analyse(b, ss, 0)
		for range 5 { // executions after backtracking to step k
			k := rng.Intn(len(ss))
			ss = append(ss[:k:k], randSteps(1+rng.Intn(40))...)
			analyse(b, ss, k)
			fresh := &raceBufs{}
			analyse(fresh, ss, 0)
			if !slices.Equal(b.idx, fresh.idx) || !slices.Equal(b.count, fresh.count) || !slices.Equal(b.lastOf, fresh.lastOf) {
				t.Fatalf("round %d, rewound to %d: idx %v count %v lastOf %v, from scratch %v %v %v",
					round, k, b.idx, b.count, b.lastOf, fresh.idx, fresh.count, fresh.lastOf)
			}
			for l := range uint64(locs) {
				got, want := b.locs.get(l), fresh.locs.get(l)
				if want == nil {
					want = &locHistory{lastWrite: -1}
				}
				if got == nil {
					got = &locHistory{lastWrite: -1}
				}
				if got.lastWrite != want.lastWrite || !slices.Equal(got.reads, want.reads) || !slices.Equal(got.readers, want.readers) {
					t.Fatalf("round %d, rewound to %d, location %d: %+v, from scratch %+v", round, k, l, *got, *want)
				}
			}
		}
		raceBufsPool.Put(b)
	}
}
