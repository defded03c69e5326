package vm

import (
	"math"

	"github.com/mmuvm/mmuvm/memmodel"
)

// alone is placement.allowed for one IPI placed alone, at each of its
// CPU's boundaries in one pass. allowed lays the CPU out again and unions
// the ob rows of every event after the handler for each boundary, which
// made placeAlone a quarter of the time on the page-table scripts
// (graphs of hundreds of events, as many boundaries). With one IPI placed
// the question at a boundary only needs, of the CPU's events after it,
// the union of their ob rows (a suffix union, kept while walking the
// boundaries backwards) and, of those before it, whether that union or a
// handler's row meets them (the first position each reaches).
type alone struct {
	p    *placement
	at   []ipiSlot // the CPU's boundaries
	seq  []int     // the CPU's events in program order (no barriers: their order is in ob)
	item []int     // the item of each
	pos  []int     // per event of the graph, its place in seq, -1 if none
	hubs []placedEv
	// own is each hub's reach before the CPU's events after it count:
	// its ob row and, but for the acknowledgement, the later hubs and
	// their rows (allowed's r)
	own   []memmodel.Set
	first []int // the first CPU position own reaches
}

// newAlone readies the check of trip j alone on its CPU.
func (p *placement) newAlone(j int) *alone {
	tr := p.trips[j]
	cpu := p.e.hand(int(tr.t)).cpu
	n := p.ob.N()
	a := &alone{p: p, pos: make([]int, n)}
	a.at, _ = p.bounds(cpu)
	for i := range a.pos {
		a.pos[i] = -1
	}
	for i := range p.g.th[cpu].items {
		ev := p.ev[cpu][i]
		if ev < 0 || p.g.th[cpu].items[i].ev.Kind == memmodel.Fence {
			continue
		}
		a.pos[ev] = len(a.seq)
		a.seq, a.item = append(a.seq, ev), append(a.item, i)
	}
	for i := tr.i; i < tr.i+handlerItems; i++ {
		if ev := p.ev[tr.t][i]; ev >= 0 {
			a.hubs = append(a.hubs, placedEv{ev: ev, role: int(i % handlerItems)})
		}
	}
	for u, h := range a.hubs {
		r := memmodel.NewSet(n)
		p.ob.OrRow(h.ev, r)
		if h.role != roleAck {
			for _, x := range a.hubs[u+1:] {
				r.Add(x.ev)
				p.ob.OrRow(x.ev, r)
			}
		}
		a.own = append(a.own, r)
		a.first = append(a.first, a.firstPos(r))
	}
	return a
}

// firstPos is the first position of the CPU's events in s, MaxInt if none.
func (a *alone) firstPos(s memmodel.Set) int {
	first := math.MaxInt
	s.Each(func(ev int) {
		if k := a.pos[ev]; k >= 0 {
			first = min(first, k)
		}
	})
	return first
}

// allowed tells, for each of the slots (ascending, as p.slots lists
// them), whether the model's order allows the IPI there alone.
func (a *alone) allowed(slots []int) []bool {
	// the suffix from position k on: its union's first position, and
	// which hubs it holds
	row := memmodel.NewSet(a.p.ob.N())
	sufFirst := math.MaxInt
	sufHas := make([]bool, len(a.hubs))
	k := len(a.seq)
	out := make([]bool, len(slots))
	for si := len(slots) - 1; si >= 0; si-- { // walk the slots back
		// the handler goes before the first event of an item at or
		// after its boundary (after them all at the CPU's end)
		for ; k > 0 && a.item[k-1] >= a.at[slots[si]].pos; k-- {
			ev := a.seq[k-1]
			clear(row)
			row.Add(ev)
			a.p.ob.OrRow(ev, row)
			sufFirst = min(sufFirst, a.firstPos(row))
			for v, h := range a.hubs {
				sufHas[v] = sufHas[v] || row.Has(h.ev)
			}
		}
		out[si] = !cyclic(a.reach(k, sufFirst, sufHas))
	}
	return out
}

// reach is allowed's reach between the hubs with the handler at position
// k: u reaches v if v is in u's reach, or u's reach meets what comes
// before v (the CPU's events before k, the earlier hubs).
func (a *alone) reach(k, sufFirst int, sufHas []bool) [][]bool {
	out := make([][]bool, len(a.hubs))
	for u, hu := range a.hubs {
		out[u] = make([]bool, len(a.hubs))
		withSuf := hu.role != roleAck
		has := func(v int) bool { return a.own[u].Has(a.hubs[v].ev) || withSuf && sufHas[v] }
		first := a.first[u]
		if withSuf {
			first = min(first, sufFirst)
		}
		meetsBefore := first < k
		for v, hv := range a.hubs {
			out[u][v] = has(v) || hv.role != roleReq && meetsBefore
			if out[u][v] || hv.role == roleReq {
				continue
			}
			for w := range v {
				if has(w) {
					out[u][v] = true
					break
				}
			}
		}
	}
	return out
}
