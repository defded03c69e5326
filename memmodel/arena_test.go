package memmodel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestArenasAsHeap holds the enumeration, which carves each candidate's
// relations from one arena it resets between candidates, and each
// combination's static relations from another it resets between
// combinations, to checking every candidate alone on a fresh graph whose
// relations are all on the heap: the same executions, with the same
// flags, under every model.
func TestArenasAsHeap(t *testing.T) {
	checked := 0
	for seed := range uint64(60) {
		p := taggedTraces(rand.New(rand.NewPCG(seed, 11)))
		for _, name := range Names() {
			m, _ := Lookup(name)
			var want, got []string
			Enumerate(p, anything{}, func(g *Graph, pick []int, _ []string) bool {
				checked++
				if ok, flags := m.Check(onHeap(g)); ok {
					want = append(want, fmt.Sprint(pick, g.Rf, g.CoRank, flags))
				}
				return false
			})
			Enumerate(p, m, func(g *Graph, pick []int, flags []string) bool {
				got = append(got, fmt.Sprint(pick, g.Rf, g.CoRank, flags))
				return false
			})
			if !slices.Equal(want, got) {
				t.Fatalf("seed %d, %s: %d executions checked alone, %d in the enumeration's arenas\nfirst alone: %v\nfirst in arenas: %v",
					seed, name, len(want), len(got), first(want), first(got))
			}
		}
	}
	t.Logf("%d candidates", checked)
}

func first(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return s[0]
}

// onHeap is a copy of g with none of its relations computed and no arena.
func onHeap(g *Graph) *Graph {
	c := *g
	c.base, c.static, c.arena, c.staticIn, c.once = nil, nil, nil, nil, false
	return &c
}

// taggedTraces makes a program of two or three threads, each with up to
// four traces of up to four events over two locations, with the tags
// and dependencies the VM gives: combinations of traces of different
// lengths, so that the arenas are reused by graphs of other sizes.
func taggedTraces(r *rand.Rand) *Program {
	tags := []Tag{Once, Acquire, Release, Mb, Rmb, Wmb, DMB, DMBLD, MFence, Plain, RcuLock, RcuUnlock, SyncRcu}
	p := &Program{Init: map[uint64]uint64{}}
	for range 2 + r.IntN(2) {
		var traces []*Trace
		for range 1 + r.IntN(4) {
			tr := &Trace{}
			for i := range 1 + r.IntN(4) {
				ev := Event{Kind: Read, Loc: uint64(r.IntN(2)) * 8, Val: uint64(r.IntN(2)), Tags: tags[r.IntN(len(tags))]}
				switch r.IntN(5) {
				case 0, 1:
					ev.Kind, ev.Val = Write, 1+uint64(r.IntN(2))
				case 2:
					ev.Kind, ev.Loc, ev.Val = Fence, 0, 0
				}
				tr.Events = append(tr.Events, ev)
				if i > 0 && tr.Events[i-1].Kind == Read && r.IntN(2) == 0 {
					d := Dep{From: int32(i - 1), To: int32(i)}
					switch {
					case ev.Kind == Write && tr.Events[i-1].Loc == ev.Loc:
						tr.Rmw = append(tr.Rmw, d)
					case ev.Kind == Write:
						tr.Data = append(tr.Data, d)
					default:
						tr.Addr = append(tr.Addr, d)
					}
				}
			}
			traces = append(traces, tr)
		}
		p.Threads = append(p.Threads, traces)
	}
	return p
}

// TestMemoryCountsArenas: a combination of short traces after a long one
// is checked in arenas that keep the long one's chunks, and the memory
// estimate it asks for counts them.
func TestMemoryCountsArenas(t *testing.T) {
	long := &Trace{}
	for i := range 300 {
		long.Events = append(long.Events, Event{Kind: Write, Loc: 8 * uint64(1+i%60), Val: 1, Tags: Once})
	}
	short := &Trace{Events: []Event{{Kind: Read, Loc: 8, Val: 0, Tags: Once}}}
	p := &Program{Init: map[uint64]uint64{}, Threads: [][]*Trace{{long, short}, {short}}}
	m, _ := Lookup("lkmm")
	e := &enumerator{p: p, m: m, pick: make([]int, 2), visit: func(*Graph, []int, []string) bool { return false }}
	asked := 0
	p.Memory = func(b int64) bool {
		if held := e.arena.bytes() + e.static.bytes(); b < held {
			t.Errorf("combination %d asked for %d bytes, its arenas hold %d", asked, b, held)
		}
		asked++
		return true
	}
	e.threads(0)
	if asked != 2 || e.arena.bytes() == 0 {
		t.Fatalf("%d combinations asked, arenas of %d bytes: the test no longer makes what it needs", asked, e.arena.bytes())
	}
}
