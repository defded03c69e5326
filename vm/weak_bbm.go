package vm

import (
	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Break-before-make under a weak model. A CPU's run alone knows what an
// entry write overwrites only as far as its own writes go, while in an
// execution another CPU's write may come between them in coherence, or
// be the live entry the write replaces (two CPUs installing different
// pages at one PTE). So the runs note their entry writes
// (mmu.EntryWriter), and each execution judges every one against its
// coherence predecessor, as the interleavings judge it against memory.

// entryAt is an entry write of a run: its event, and what mmu.BBM needs.
type entryAt struct {
	ev int
	w  mmu.EntryWrite
}

// EntryWrite notes that the next store is an entry write (mmu.EntryWriter).
func (r *recorder) EntryWrite(w mmu.EntryWrite) { r.entry = &w }

// bbmOf is the first break-before-make violation of execution g, whose
// CPUs ran all[i][pick[i]], nil if none.
func (x *explorer) bbmOf(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int) *Violation {
	var written map[coPlace]uint64 // made at the first entry write
	for i, id := range cpus {
		run := all[i][pick[i]]
		first := x.firstEvent(g, i)
		for _, en := range run.entries {
			e := first + en.ev
			if e >= len(g.Events) || g.Events[e].Kind != memmodel.Write {
				continue // the run stopped before it was in this execution
			}
			if written == nil {
				written = coValues(g)
			}
			ev := g.Events[e]
			old := written[coPlace{ev.Loc, g.CoRank[e] - 1}] // its coherence predecessor's
			msg := x.m.MMU.BBM(en.w, x.m.threads[id].name, ev.Loc, old, ev.Val)
			if msg == "" {
				continue
			}
			v := &Violation{Kind: "bbm", Msg: msg, Thread: id, Pos: Pos{File: -1}}
			if en.ev < len(run.pcs) && run.pcs[en.ev] < len(x.m.prog.Pos) {
				v.Pos = x.m.prog.Pos[run.pcs[en.ev]]
			}
			return v
		}
	}
	return nil
}

// coPlace is a place in a location's coherence order (0: the initial
// write).
type coPlace struct {
	loc  uint64
	rank int
}

// coValues is what each write of g writes, by its coherence place.
func coValues(g *memmodel.Graph) map[coPlace]uint64 {
	out := map[coPlace]uint64{}
	for k, ev := range g.Events {
		if ev.Kind == memmodel.Write {
			out[coPlace{ev.Loc, g.CoRank[k]}] = ev.Val
		}
	}
	return out
}
