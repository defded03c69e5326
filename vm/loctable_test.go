package vm

import (
	"math"
	"math/rand"
	"testing"
)

// TestLocTable checks the race analysis's location table against a map,
// through growth, resets, and the wrap of its generation counter.
func TestLocTable(t *testing.T) {
	for _, c := range []struct {
		name  string
		gen   uint32 // where the generation counter starts
		keys  int    // distinct keys drawn from
		puts  int    // puts per round
		round int
	}{
		{"small", 0, 16, 40, 5},
		{"growing", 0, 5000, 20000, 3},
		{"key zero and wrap", math.MaxUint32 - 2, 4, 10, 6},
	} {
		t.Run(c.name, func(t *testing.T) {
			var tab locTable
			tab.gen = c.gen
			r := rand.New(rand.NewSource(1))
			for round := 0; round < c.round; round++ {
				tab.reset()
				want := map[uint64]*locHistory{}
				for i := 0; i < c.puts; i++ {
					k := uint64(r.Intn(c.keys))
					if i%3 == 0 {
						k <<= 40 // keys that share low bits
					}
					h := &locHistory{lastWrite: i}
					tab.put(k, h)
					want[k] = h
				}
				for k := uint64(0); k < uint64(c.keys); k++ {
					for _, key := range []uint64{k, k << 40} {
						if got := tab.get(key); got != want[key] {
							t.Fatalf("round %d: get(%#x) = %v, want %v", round, key, got, want[key])
						}
					}
				}
				if tab.n != len(want) {
					t.Fatalf("round %d: %d keys, want %d", round, tab.n, len(want))
				}
			}
		})
	}
}
