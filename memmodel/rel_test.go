package memmodel

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestPlusByDefinition holds Plus, which closes an acyclic relation over
// a topological order, to the closure by definition (r | r;r | ... until
// nothing changes) on random relations, with and without cycles, forward
// only (as lob follows program order) or in any direction, and of sizes
// on either side of a word of bits.
func TestPlusByDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 5, 63, 64, 65, 130} {
		for _, shape := range []string{"forward", "any"} {
			for _, density := range []float64{0.02, 0.1, 0.4} {
				for round := 0; round < 4; round++ {
					r := randomRel(rng, n, density, shape == "forward")
					name := fmt.Sprintf("n=%d/%s/%.2f/%d", n, shape, density, round)
					want := closureByDefinition(r)
					if got := r.Plus(); !sameRel(got, want) {
						t.Errorf("%s: Plus differs from the closure by definition", name)
					}
					if got := r.warshall(); !sameRel(got, want) {
						t.Errorf("%s: warshall differs from the closure by definition", name)
					}
					if acyclic := want.Irreflexive(); r.Acyclic() != acyclic {
						t.Errorf("%s: Acyclic is %v, the closure says %v", name, !acyclic, acyclic)
					}
				}
			}
		}
	}
}

func randomRel(rng *rand.Rand, n int, density float64, forward bool) Rel {
	r := NewRel(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if (!forward || j > i) && rng.Float64() < density {
				r.Add(i, j)
			}
		}
	}
	return r
}

func closureByDefinition(r Rel) Rel {
	c := r.clone()
	for {
		next := c.Union(c.Seq(r))
		if sameRel(next, c) {
			return c
		}
		c = next
	}
}

func sameRel(a, b Rel) bool {
	if a.n != b.n {
		return false
	}
	for i := range a.bits {
		if a.bits[i] != b.bits[i] {
			return false
		}
	}
	return true
}

// TestFencedByDefinition holds fencedBy, one backward pass over each
// thread, to [s]; po; [f]; po; [t] composed as relations, on the
// candidate executions of random programs, with the graph's own sets and
// with random ones (which may overlap).
func TestFencedByDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	randomSet := func(n int) Set {
		s := NewSet(n)
		for i := 0; i < n; i++ {
			if rng.Intn(3) == 0 {
				s.Add(i)
			}
		}
		return s
	}
	graphs := randomGraphs(3, 300, func(g *Graph) {
		b := g.Base()
		sets := [][3]Set{{b.M, b.F, all(b.N)}, {b.R, b.F, b.M}, {b.W, b.F, b.W},
			{randomSet(b.N), randomSet(b.N), randomSet(b.N)}}
		for _, st := range sets {
			want := b.Po.Restrict(st[0], st[1]).Seq(b.Po.Ran(st[2]))
			if got := fencedBy(b, st[0], st[1], st[2], NewRel(b.N)); !sameRel(got, want) {
				t.Fatalf("fencedBy differs from [s]; po; [f]; po; [t] on %v", g.Events)
			}
		}
	})
	if graphs < 100 {
		t.Fatalf("only %d candidate executions", graphs)
	}
}

// TestOpsByDefinition holds the relations' set operations to their
// definitions pair by pair, on random relations and sets of sizes on
// either side of a word of bits, each from the heap and from a reused
// arena (whose words an earlier relation wrote).
func TestOpsByDefinition(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	ar := &arena{}
	for _, n := range []int{1, 5, 63, 64, 65, 130} {
		for round := 0; round < 4; round++ {
			for _, a := range []*arena{nil, ar} {
				ar.reset()
				fill := newRelIn(ar, n) // leaves words for the next relations to reuse
				for i := range fill.bits {
					fill.bits[i] = ^uint64(0)
				}
				ar.reset()
				r, s, u := randomRel(rng, n, 0.3, false), randomRel(rng, n, 0.3, false), randomRel(rng, n, 0.3, false)
				r.a = a
				sparse := randomRel(rng, n, 0.02, false) // rows with no pair: Seq skips them
				set, set2 := randomSet(rng, n), randomSet(rng, n)
				seq := func(s Rel) func(i, j int) bool {
					return func(i, j int) bool {
						for k := 0; k < n; k++ {
							if r.Has(i, k) && s.Has(k, j) {
								return true
							}
						}
						return false
					}
				}
				name := fmt.Sprintf("n=%d/%d/arena=%v", n, round, a != nil)
				for _, op := range []struct {
					what string
					got  Rel
					want func(i, j int) bool
				}{
					{"Union", r.Union(s, u), func(i, j int) bool { return r.Has(i, j) || s.Has(i, j) || u.Has(i, j) }},
					{"Union()", r.Union(), r.Has},
					{"Inter", r.Inter(s), func(i, j int) bool { return r.Has(i, j) && s.Has(i, j) }},
					{"Minus", r.Minus(s), func(i, j int) bool { return r.Has(i, j) && !s.Has(i, j) }},
					{"Ran", r.Ran(set), func(i, j int) bool { return r.Has(i, j) && set.Has(j) }},
					{"Dom", r.Dom(set), func(i, j int) bool { return r.Has(i, j) && set.Has(i) }},
					{"Restrict", r.Restrict(set, set2), func(i, j int) bool { return set.Has(i) && r.Has(i, j) && set2.Has(j) }},
					{"Seq", r.Seq(s), seq(s)},
					{"Seq sparse", r.Seq(sparse), seq(sparse)},
					{"SeqOpt", r.SeqOpt(sparse), func(i, j int) bool { return r.Has(i, j) || seq(sparse)(i, j) }},
				} {
					for i := 0; i < n; i++ {
						for j := 0; j < n; j++ {
							if op.got.Has(i, j) != op.want(i, j) {
								t.Fatalf("%s: %s has (%d,%d) %v", name, op.what, i, j, op.got.Has(i, j))
							}
						}
					}
				}
			}
		}
	}
}

func randomSet(rng *rand.Rand, n int) Set {
	s := NewSet(n)
	for i := 0; i < n; i++ {
		if rng.Intn(2) == 0 {
			s.Add(i)
		}
	}
	return s
}
