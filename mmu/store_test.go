package mmu

import (
	"math/rand"
	"sort"
	"testing"
)

// TestStoreMatchesMap drives the store and a plain map with the same
// random writes, tallies and rollbacks, and checks that reads, Range and
// the Zobrist hash agree after every operation, for location sets shaped
// like the real ones (dense memory, sparse TLB entries, every tag).
func TestStoreMatchesMap(t *testing.T) {
	cases := []struct {
		name string
		loc  func(r *rand.Rand) Loc
	}{
		{"table pages", func(r *rand.Rand) Loc { return Loc(tablePoolBase + r.Intn(4*PageSize)&^7) }},
		{"tlb", func(r *rand.Rand) Loc { return tlbLoc(r.Intn(4), r.Intn(3), r.Intn(4), r.Uint64()>>r.Intn(64)) }},
		{"cpu fields", func(r *rand.Rand) Loc { return cpuLoc(r.Intn(maxCPUs), r.Intn(cpuIPIs+1)) }},
		{"cpu tag past the dense fields", func(r *rand.Rand) Loc { return tagCPU | Loc(r.Intn(3*int(cpuDenseSpan))) }},
		{"every tag", func(r *rand.Rand) Loc { return Loc(r.Intn(16))<<tagShift | Loc(r.Intn(300)) }},
		{"high bits", func(r *rand.Rand) Loc { return Loc(r.Uint64()>>r.Intn(8)) &^ 0xfffff0 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rand.New(rand.NewSource(1))
			s, model := newStore(), map[Loc]uint64{}
			type mark struct {
				at    int
				model map[Loc]uint64
			}
			var marks []mark
			for op := 0; op < 20000; op++ {
				l := c.loc(r)
				switch k := r.Intn(10); {
				case k < 5:
					v := uint64(r.Intn(3)) * r.Uint64() // often zero
					s.Set(l, v)
					model[l] = v
				case k < 6:
					d := int64(r.Intn(5) - 2)
					s.Tally(l, d)
					model[l] = uint64(int64(model[l]) + d)
				case k < 8:
					marks = append(marks, mark{s.Mark(), clone(model)})
				case len(marks) > 0:
					m := marks[len(marks)-1]
					marks = marks[:len(marks)-1]
					s.Rollback(m.at)
					model = m.model
				}
				if got, want := s.Peek(l), model[l]; got != want {
					t.Fatalf("op %d: Peek(%#x) = %#x, want %#x", op, l, got, want)
				}
				if op%500 == 0 {
					checkWhole(t, s, model)
				}
			}
			checkWhole(t, s, model)
		})
	}
}

func clone(m map[Loc]uint64) map[Loc]uint64 {
	c := make(map[Loc]uint64, len(m))
	for l, v := range m {
		c[l] = v
	}
	return c
}

// checkWhole compares every word, Range over each tag, and the hash.
func checkWhole(t *testing.T, s *Store, model map[Loc]uint64) {
	t.Helper()
	var want, got []Loc
	var hash uint64
	for l, v := range model {
		if v != 0 {
			want = append(want, l)
			hash ^= zobrist(l, v)
		}
		if s.Peek(l) != v {
			t.Fatalf("Peek(%#x) = %#x, want %#x", l, s.Peek(l), v)
		}
	}
	for tag := Loc(0); tag < 16; tag++ {
		s.Range(tag<<tagShift, func(l Loc, v uint64) {
			if l&tagMask != tag<<tagShift || v == 0 || model[l] != v {
				t.Fatalf("Range(%d) gave %#x = %#x, model has %#x", tag, l, v, model[l])
			}
			got = append(got, l)
		})
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	sort.Slice(got, func(i, j int) bool { return got[i] < got[j] })
	if len(got) != len(want) {
		t.Fatalf("Range gave %d words, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Range gave %#x, want %#x", got[i], want[i])
		}
	}
	if s.Hash() != hash {
		t.Fatalf("Hash() = %#x, want %#x", s.Hash(), hash)
	}
}

// BenchmarkStoreGetSet: ns per Set+Get pair on page-table-like locations.
func BenchmarkStoreGetSet(b *testing.B) {
	s := newStore()
	locs := make([]Loc, 4096)
	for i := range locs {
		locs[i] = Loc(tablePoolBase + 8*((i*7919)%(8*EntriesPerTable)))
	}
	for b.Loop() {
		for i, l := range locs {
			s.Set(l, s.Get(l)+uint64(i))
		}
		s.Rollback(0)
	}
}
