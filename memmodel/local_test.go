package memmodel

import (
	"math/rand"
	"testing"
)

// anything is a model that allows every candidate execution.
type anything struct{}

func (anything) Name() string                  { return "anything" }
func (anything) Check(*Graph) (bool, []string) { return true, nil }

// TestCheckOrdered holds CheckOrdered to Check on every candidate
// execution of random programs: the same verdict under each model, and
// under armv8 an order that is transitively closed, acyclic, and holds
// every rfe edge between accesses (obs).
func TestCheckOrdered(t *testing.T) {
	graphs := randomGraphs(1, 2000, func(g *Graph) {
		for _, name := range Names() {
			m, _ := Lookup(name)
			want, _ := m.Check(g)
			got, ob, ordered := CheckOrdered(m, g)
			if got != want || ordered != (name == "armv8") {
				t.Fatalf("%s: CheckOrdered says %v (ordered %v), Check %v", name, got, ordered, want)
			}
			if got && ordered {
				checkOb(t, g, ob)
			}
		}
	})
	if graphs < 1000 {
		t.Fatalf("only %d candidate executions", graphs)
	}
}

// randomGraphs calls fn on every candidate execution of n random
// programs (programFrom on random bytes from seed) and counts them.
func randomGraphs(seed int64, n int, fn func(*Graph)) int {
	r := rand.New(rand.NewSource(seed))
	graphs := 0
	for range n {
		data := make([]byte, 8+r.Intn(30))
		r.Read(data)
		EnumerateAll(programFrom(data), anything{}, func(g *Graph, _ []int, _ []string) bool {
			graphs++
			fn(g)
			return false
		})
	}
	return graphs
}

func checkOb(t *testing.T, g *Graph, ob Rel) {
	t.Helper()
	if !ob.Irreflexive() || !ob.Seq(ob).Minus(ob).Empty() {
		t.Fatalf("ob+ is not a closed strict order")
	}
	for e, w := range g.Rf {
		if w >= 0 && g.Events[w].Thread >= 0 && g.Events[w].Thread != g.Events[e].Thread && !ob.Has(w, e) {
			t.Fatalf("rfe %d -> %d is not in ob", w, e)
		}
	}
}
