package vm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTaintSets holds the taint operations to plain sets of read indices,
// on sets below and past the 63rd read (spilled), and checks that a set
// of reads below 63 stays one word whatever made it.
func TestTaintSets(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 1))
	r := &recorder{}
	make1 := func(reads []int) uint64 {
		u := uint64(0)
		for _, k := range reads {
			u = r.or(u, r.readBit(k))
		}
		return u
	}
	members := func(u uint64) []int {
		var out []int
		eachRead(r.ta, u, func(k int) { out = append(out, k) })
		return out
	}
	random := func() []int {
		hi := []int{10, 63, 64, 130, 300}[rng.IntN(5)]
		var s []int
		for range rng.IntN(6) {
			s = append(s, rng.IntN(hi))
		}
		slices.Sort(s)
		return slices.Compact(s)
	}
	union := func(a, b []int) []int { s := slices.Concat(a, b); slices.Sort(s); return slices.Compact(s) }
	minus := func(a, b []int) []int {
		return slices.DeleteFunc(slices.Clone(a), func(k int) bool { return slices.Contains(b, k) })
	}
	for range 5000 {
		a, b := random(), random()
		ta, tb := make1(a), make1(b)
		for _, c := range []struct {
			name string
			got  uint64
			want []int
		}{
			{"or", r.or(ta, tb), union(a, b)},
			{"union", r.union(ta, 0, tb, ta), union(a, b)},
			{"andNot", r.andNot(ta, tb), minus(a, b)},
		} {
			got := members(c.got)
			if !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
				t.Fatalf("%s(%v, %v) = %v, want %v", c.name, a, b, got, c.want)
			}
			if small := len(c.want) == 0 || c.want[len(c.want)-1] < 63; small != (c.got&spillBit == 0) {
				t.Fatalf("%s(%v, %v): spilled %v with reads %v", c.name, a, b, c.got&spillBit != 0, c.want)
			}
		}
		if want := len(minus(a, minus(a, b))) > 0; r.meets(ta, tb) != want {
			t.Fatalf("meets(%v, %v) = %v", a, b, !want)
		}
		for _, k := range []int{0, 62, 63, 64, 127, 128, 299} {
			if slices.Contains(members(ta), k) != slices.Contains(a, k) {
				t.Fatalf("read %d in %v wrong", k, a)
			}
		}
	}
	for _, c := range []struct{ from, n int }{{0, 0}, {3, 10}, {0, 63}, {60, 64}, {62, 200}, {130, 131}} {
		r.reads = make([]int, c.n)
		var want []int
		for k := c.from; k < c.n; k++ {
			want = append(want, k)
		}
		if got := members(r.readsSince(c.from)); !slices.Equal(got, want) {
			t.Errorf("readsSince(%d) of %d reads = %v, want %v", c.from, c.n, got, want)
		}
	}
}
