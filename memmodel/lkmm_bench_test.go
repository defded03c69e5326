package memmodel

import (
	"fmt"
	"testing"
)

// BenchmarkLKMM: the LKMM's check and its local order (which the
// incremental search computes for every write it adds) on graphs of the
// page-table scripts' size: a CPU that takes a lock around n reads, and
// one that makes n reads and then a write the first CPU's location.
// Each relation is n x n bits, so the cost is that of the relations'
// products and copies.
func BenchmarkLKMM(b *testing.B) {
	for _, n := range []int{100, 500} {
		g := lockedReads(n)
		if ok, _ := (lkmm{}).Check(g); !ok {
			b.Fatalf("n=%d: the graph is forbidden", n)
		}
		b.Run(fmt.Sprintf("check/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				lkmm{}.Check(g)
			}
		})
		b.Run(fmt.Sprintf("localorder/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				LocalOrder(lkmm{}, g)
			}
		})
	}
}

// lockedReads is the graph BenchmarkLKMM judges, about 2n events.
func lockedReads(n int) *Graph {
	bd := newGB("l", "p", "q") // their initial writes are events 0, 1, 2
	bd.T()
	_, held := bd.lock("l", 0)
	for range n {
		bd.rf[bd.Ro("p", 0)] = 1
	}
	bd.setCo("l", held, bd.unlock("l"))
	bd.T()
	for range n {
		bd.rf[bd.Ro("q", 0)] = 2
	}
	bd.Wo("p", 1)
	return bd.build()
}
