package memmodel

import "testing"

// TestBaseByDefinition holds the word-at-a-time construction of po, int,
// loc and co (graph.go) to their definitions pair by pair, on every
// candidate execution of random programs.
func TestBaseByDefinition(t *testing.T) {
	graphs := randomGraphs(2, 3000, func(g *Graph) {
		b := g.Base()
		for i, e := range g.Events {
			for j, f := range g.Events {
				same := e.Thread == f.Thread && e.Thread >= 0
				loc := hasLoc(e) && hasLoc(f) && e.Loc == f.Loc
				co := g.CoRank[i] >= 0 && g.CoRank[j] > g.CoRank[i] && e.Loc == f.Loc
				if b.Int.Has(i, j) != same || b.Po.Has(i, j) != (same && i < j) || b.Loc.Has(i, j) != loc || b.Co.Has(i, j) != co {
					t.Fatalf("events %d, %d (%v, %v): int %v po %v loc %v co %v", i, j, e, f,
						b.Int.Has(i, j), b.Po.Has(i, j), b.Loc.Has(i, j), b.Co.Has(i, j))
				}
			}
		}
	})
	if graphs < 1000 {
		t.Fatalf("only %d candidate executions", graphs)
	}
}
