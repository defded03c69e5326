package memmodel

// One instruction that accesses two locations (Graph.Si) happens at one
// point: x86 PAE's LOCK CMPXCHG8B reads both halves of an entry and
// writes both, and no store of another CPU to either half comes between.
// Its events are four (a read and a write of each half, the halves being
// locations of their own), so a model that ordered them alone would let
// another CPU's store to the high half come between the instruction's
// accesses to the two halves, and the value read be torn. herd states
// mixed-size accesses with si (same instance) closing its obs edges
// (x86tso-mixed.cat: ob = obs; si | lob); mmuvm makes each instruction one
// event of the relations whose acyclicity the models check (Base.Whole),
// which is the same for an instruction that is a full barrier, as every
// locked one is.

// instance is one instruction of Graph.Si: its events, the first one
// first, and they and its writes as sets.
type instance struct {
	evs         []int
	all, writes Set
}

// instances groups Si's edges, which run from an instruction's first
// event, into instructions (events are the graph's).
func instances(si []Dep, events []Event) []instance {
	if len(si) == 0 {
		return nil
	}
	var out []instance
	at := map[int32]int{}
	add := func(k int, e int32) {
		out[k].evs = append(out[k].evs, int(e))
		out[k].all.Add(int(e))
		if events[e].Kind == Write {
			out[k].writes.Add(int(e))
		}
	}
	for _, d := range si {
		k, ok := at[d.From]
		if !ok {
			k = len(out)
			at[d.From] = k
			out = append(out, instance{all: NewSet(len(events)), writes: NewSet(len(events))})
			add(k, d.From)
		}
		add(k, d.To)
	}
	return out
}

// spreadTo makes each edge of w to an event of s an edge to every event
// of s.
func spreadTo(w Rel, s Set) {
	for i := 0; i < w.n; i++ {
		if row := Set(w.row(i)); row.Meets(s) {
			for k := range row {
				row[k] |= s[k]
			}
		}
	}
}

// Whole is r with each instruction of Graph.Si made one point: an edge to
// or from one of its events is an edge to and from all of them, and the
// edges among them are dropped. Whole(r) is acyclic exactly when r is
// with each instruction's events taken as one event. Without such
// instructions it is r itself.
func (b *Base) Whole(r Rel) Rel { return whole(r, b.inst) }

// whole is Whole over the instructions insts.
func whole(r Rel, insts []instance) Rel {
	if len(insts) == 0 {
		return r
	}
	w := r.clone()
	for _, in := range insts { // the edges among its events
		for _, e := range in.evs {
			row := w.row(e)
			for i := range row {
				row[i] &^= in.all[i]
			}
		}
	}
	for _, in := range insts { // an edge to one event is an edge to all
		spreadTo(w, in.all)
	}
	for _, in := range insts { // an edge from one is an edge from all
		from := NewSet(r.n)
		for _, e := range in.evs {
			from = from.Union(w.row(e))
		}
		from = from.Minus(in.all)
		for _, e := range in.evs {
			copy(w.row(e), from)
		}
	}
	return w
}

// HasInstances tells whether the graph has an instruction of two locations.
func (b *Base) HasInstances() bool { return len(b.inst) > 0 }

// Splits tells whether r relates two events of one instruction of two
// locations.
func (b *Base) Splits(r Rel) bool {
	for _, in := range b.inst {
		for _, e := range in.evs {
			for _, f := range in.evs {
				if e != f && r.Has(e, f) {
					return true
				}
			}
		}
	}
	return false
}

// ToWholeWrites is r with an edge to a write of an instruction of two
// locations made an edge to each of its writes: herd's obs; si, for a
// model whose orders are built of such edges before their cycles are
// looked for (lkmm's prop: a write the reader does not see is both
// halves' writes, which propagate together).
func (b *Base) ToWholeWrites(r Rel) Rel {
	if len(b.inst) == 0 {
		return r
	}
	w := r.clone()
	for _, in := range b.inst {
		spreadTo(w, in.writes)
	}
	return w
}
