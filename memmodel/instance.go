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

// instances groups Si's edges by their first event: each instruction's
// events, the first one first.
func instances(si []Dep) [][]int {
	if len(si) == 0 {
		return nil
	}
	var out [][]int
	at := map[int32]int{}
	for _, d := range si {
		k, ok := at[d.From]
		if !ok {
			k = len(out)
			at[d.From] = k
			out = append(out, []int{int(d.From)})
		}
		out[k] = append(out[k], int(d.To))
	}
	return out
}

// Whole is r with each instruction of Graph.Si made one point: an edge to
// or from one of its events is an edge to and from all of them, and the
// edges among them are dropped. Whole(r) is acyclic exactly when r is
// with each instruction's events taken as one event. Without such
// instructions it is r itself.
func (b *Base) Whole(r Rel) Rel {
	if len(b.inst) == 0 {
		return r
	}
	w := r.clone()
	sets := make([]Set, len(b.inst))
	for k, evs := range b.inst {
		sets[k] = NewSet(b.N)
		for _, e := range evs {
			sets[k].Add(e)
		}
		for _, e := range evs { // the edges among its events
			row := w.row(e)
			for i := range row {
				row[i] &^= sets[k][i]
			}
		}
	}
	for i := 0; i < b.N; i++ { // an edge to one event is an edge to all
		row := Set(w.row(i))
		for _, s := range sets {
			if row.Meets(s) {
				copy(row, row.Union(s))
			}
		}
	}
	for k, evs := range b.inst { // an edge from one is an edge from all
		all := NewSet(b.N)
		for _, e := range evs {
			all = all.Union(w.row(e))
		}
		all = all.Minus(sets[k])
		for _, e := range evs {
			copy(w.row(e), all)
		}
	}
	return w
}

// HasInstances tells whether the graph has an instruction of two locations.
func (b *Base) HasInstances() bool { return len(b.inst) > 0 }

// Splits tells whether r relates two events of one instruction of two
// locations.
func (b *Base) Splits(r Rel) bool {
	for _, evs := range b.inst {
		for _, e := range evs {
			for _, f := range evs {
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
	for _, evs := range b.inst {
		writes := NewSet(b.N)
		for _, e := range evs {
			if b.W.Has(e) {
				writes.Add(e)
			}
		}
		for i := 0; i < b.N; i++ {
			row := Set(w.row(i))
			if row.Meets(writes) {
				copy(row, row.Union(writes))
			}
		}
	}
	return w
}
