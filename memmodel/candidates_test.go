package memmodel

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"
)

// manyTraces makes a program of two to four threads, each with up to 80
// traces of up to four accesses of three locations, values 0 to 3: the
// shape of a litmus test whose reads guess values.
func manyTraces(r *rand.Rand) *Program {
	p := &Program{Init: map[uint64]uint64{8: uint64(r.IntN(2))}}
	for range 2 + r.IntN(3) {
		var traces []*Trace
		for range 1 + r.IntN(80) {
			tr := &Trace{}
			for range r.IntN(5) {
				ev := Event{Kind: Read, Loc: uint64(r.IntN(3)) * 8, Val: uint64(r.IntN(4)), Tags: Once}
				if r.IntN(5) < 2 {
					ev.Kind = Write
				}
				tr.Events = append(tr.Events, ev)
			}
			traces = append(traces, tr)
		}
		p.Threads = append(p.Threads, traces)
	}
	return p
}

// TestCandidatesAsEveryTrace holds the indexed choice of traces to trying
// every trace in turn: the same combinations of traces, in the same
// order, reach the graphs.
func TestCandidatesAsEveryTrace(t *testing.T) {
	graphs := 0
	for seed := range uint64(100) {
		p := manyTraces(rand.New(rand.NewPCG(seed, 7)))
		p.Budget = 2000 // combinations of traces: the same bound stops both at the same place
		run := func(unindexed bool) (uint64, int) {
			h, n := fnv.New64a(), 0
			e := &enumerator{p: p, m: anything{}, pick: make([]int, len(p.Threads)), unindexed: unindexed,
				visit: func(g *Graph, pick []int, _ []string) bool {
					fmt.Fprint(h, pick, g.Rf, g.CoRank)
					n++
					return false
				}}
			e.threads(0)
			return h.Sum64(), n
		}
		want, wantN := run(true)
		got, gotN := run(false)
		if got != want || gotN != wantN {
			t.Fatalf("seed %d: indexed %d graphs, unindexed %d (or another order)", seed, gotN, wantN)
		}
		graphs += gotN
	}
	t.Logf("%d graphs", graphs)
}
