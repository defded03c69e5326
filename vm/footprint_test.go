package vm

import (
	"math/rand/v2"
	"testing"
)

// TestDependentRaw checks that looking a step's raw footprint up in a
// sleeper's normalized one answers as comparing the two normalized: raw
// footprints repeat locations, with and without the write bit, and come
// in any order.
func TestDependentRaw(t *testing.T) {
	cases := []struct {
		name string
		a, b []uint64
		want bool
	}{
		{"disjoint", []uint64{2, 4}, []uint64{6, 8}, false},
		{"both read", []uint64{2, 4}, []uint64{4}, false},
		{"write in the sleeper", []uint64{2, 5}, []uint64{4}, true},
		{"write in the step", []uint64{2, 4}, []uint64{5}, true},
		{"read then write, unsorted", []uint64{4}, []uint64{9, 4, 5}, true},
		{"empty step", []uint64{3}, nil, false},
		{"empty sleeper", nil, []uint64{3}, false},
	}
	for _, c := range cases {
		if got := dependentRaw(normalize(c.a), c.b); got != c.want {
			t.Errorf("%s: dependentRaw(%v, %v) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	fp := func() []uint64 {
		out := make([]uint64, r.IntN(6))
		for i := range out {
			out[i] = r.Uint64N(16) // 8 locations, read or write
		}
		return out
	}
	for i := 0; i < 20000; i++ {
		a, b := normalize(fp()), fp()
		if got, want := dependentRaw(a, b), dependent(a, normalize(b)); got != want {
			t.Fatalf("dependentRaw(%v, %v) = %v, dependent on the normalized = %v", a, b, got, want)
		}
	}
}
