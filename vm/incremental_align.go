package vm

// realign lays CPU t's items out again in the order of its replay's
// records, matching them by identity (incRec.key) where their positions
// no longer agree: under the LKMM a revisit can keep an event after an
// if whose paths have joined while its refilled condition takes the
// other path, and the body's events before the kept one change. Items
// the replay did not reach stay after, in their order; a hole whose
// identity the replay passed goes; a record with no item becomes a hole
// (to be added). Every reference to a moved item (reads-from, coherence,
// the CPU's dependencies) follows it. It returns the old index of the
// first kept item the replay passed without making it (the graph is left
// as it was), else -1; nx.order says where the items came from.
func (e *incr) realign(g *igraph, t int, recs []incRec, nx *inext) int {
	items := g.th[t].items
	n := min(len(recs), len(items))
	p := 0
	for p < n && items[p].key == recs[p].key {
		p++
	}
	if p == n {
		return -1
	}
	at := make(map[uint64]int32, len(items)-p)
	for i := p; i < len(items); i++ {
		if items[i].key == 0 {
			return -1 // not named: positions only
		}
		at[items[i].key] = int32(i)
	}
	order := make([]int32, 0, len(items)+len(recs)) // per new position, the old index, or -1
	for i := range p {
		order = append(order, int32(i))
	}
	last := int32(p - 1) // the last old index placed
	for _, rc := range recs[p:] {
		i, ok := at[rc.key]
		if !ok || i <= last { // no item (keys are not 0 here), or out of order
			order = append(order, -1)
			continue
		}
		for k := last + 1; k < i; k++ {
			if items[k].in {
				return int(k) // passed without being made
			}
		}
		order, last = append(order, i), i
	}
	for k := last + 1; k < int32(len(items)); k++ {
		order = append(order, k)
	}
	for len(order) > 0 && (order[len(order)-1] < 0 || !items[order[len(order)-1]].in) {
		order = order[:len(order)-1]
	}
	e.reorder(g, t, order, recs)
	nx.order = order
	return -1
}

// reorder puts CPU t's items in order (old indices, -1 for a new hole
// named by the record at its position) and renames the references to
// them.
func (e *incr) reorder(g *igraph, t int, order []int32, recs []incRec) {
	th := &g.th[t]
	old := th.items
	to := make([]int32, len(old)) // old index -> new, -1 if gone
	for i := range to {
		to[i] = -1
	}
	for p, o := range order {
		if o >= 0 {
			to[o] = int32(p)
		}
	}
	items := make([]iitem, len(order))
	for p, o := range order {
		if o < 0 {
			items[p] = iitem{rf: noRef, rmw: -1, key: recs[p].key}
			continue
		}
		it := old[o]
		it.remapDeps(func(i int32) int32 { return to[i] })
		items[p] = it
	}
	th.items, th.shared, th.hw = items, false, nil
	th.touch()
	ref := func(r iref) iref {
		if int(r.t) == t && r.i >= 0 {
			return iref{r.t, to[r.i]}
		}
		return r
	}
	for u := range g.th {
		for i := range g.th[u].items {
			if it := &g.th[u].items[i]; it.isRead() && int(it.rf.t) == t {
				g.mitem(iref{int32(u), int32(i)}).rf = ref(it.rf)
			}
		}
	}
	for l, co := range g.co {
		for k, w := range co {
			if int(w.t) == t {
				g.co[l][k] = ref(w)
			}
		}
	}
}
