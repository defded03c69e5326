package vm

import (
	"fmt"
	"slices"

	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Synchronising IPIs in the incremental search under armv8.
//
// A CPU takes an IPI at any step boundary where it has IRQs on, and under
// a weak model where it takes it matters: the handler's full barrier
// orders the CPU's accesses before it against those after it, and its
// acquire of the request orders what follows after the sender's writes.
// Making the place a choice of the CPU's run (as the enumeration does)
// multiplies the executions by the places: ptdump-vmalloc-n8-fixed has
// more than 48,000 that way, and 611 placements of two IPIs among the
// first 2,530.
//
// So the search builds graphs in which each sender's IPIs to a CPU are a
// thread of their own (a handler thread: the request read, the barrier,
// the acknowledgement, per IPI, then a last look at the request word),
// not in the CPU's program order, while the CPU's run notes where it
// could take one (weakRun.ipiAt) and whether it drains them at its end
// (ipiEnd). Detached handlers order less than placed ones, so a graph the
// model forbids detached is forbidden wherever they go, and the search
// prunes with it. A complete graph is an execution if some placement of
// the handlers at those boundaries is allowed: placement.search tries
// them in order, ruling out a partly placed graph by the cycles the
// placed handlers' order closes with the graph's (allowed: a handler
// placed only adds order, so that prunes every completion), and files
// the first placement the model allows, in the form the enumeration's
// runs have (at every boundary a choice before each handler it takes
// there, the handler after it, and a last choice of none), replayed so
// that traces and execution tokens are the same. The executions are
// counted once per graph of the accesses, not once per placement of
// their handlers.
//
// The placements are not judged on partial graphs: a revisit can delete
// the event that rules every placement out (a write added with its first
// coherence place, later added again in another), so pruning a partial
// graph for them loses executions TruSt reaches through it.

// ipiSlot is a step boundary of a run where it could take a
// synchronising IPI of a kind: before its item pos.
type ipiSlot struct {
	kind mmu.SyncKind
	pos  int
	// bnd is the boundary's first slot: the slots of the kinds the CPU
	// can acknowledge at one boundary share it (a step that makes no
	// event leaves two boundaries at one pos, each with its choices)
	bnd int
}

// ihand is a handler thread: the IPIs of one kind that one sender sends
// to one CPU, handled in order.
type ihand struct {
	cpu    int // the graph thread of the CPU they interrupt
	kind   mmu.SyncKind
	sender int // the sending CPU
	opt    int // the option of the CPU's choice that takes them
}

// floatIPIs makes the handler threads, when the model is armv8.
func (e *incr) floatIPIs() {
	if e.model.Name() != "armv8" {
		return
	}
	for i, id := range e.cpus {
		for _, kind := range []mmu.SyncKind{mmu.SyncIPI, mmu.SyncGP} {
			for k, s := range e.sendersOf(i, kind) {
				e.hands = append(e.hands, ihand{cpu: i, kind: kind, sender: s, opt: k + 1})
				e.recs = append(e.recs, &recorder{w: e.w, exclLd: -1, cpu: e.x.m.threads[id].cpu})
			}
		}
	}
	for i := range e.cpus {
		e.recs[i].floatIPI = len(e.hands) > 0
	}
}

// hand is the handler thread t of the graph, nil for a CPU.
func (e *incr) hand(t int) *ihand {
	if t < len(e.cpus) {
		return nil
	}
	return &e.hands[t-len(e.cpus)]
}

// threadName names thread t of the graph.
func (e *incr) threadName(t int) string {
	if h := e.hand(t); h != nil {
		return fmt.Sprintf("IPIs of CPU %d to %s", h.sender, e.x.m.threads[e.cpus[h.cpu]].name)
	}
	return e.x.m.threads[e.cpus[t]].name
}

// handlerAlone runs a handler thread (its recorder's CPU's): every IPI
// the sender's request word shows, then a look that shows nothing new.
func (m *Machine) handlerAlone(h *ihand, rec *recorder) weakRun {
	m.resetRun(rec)
	m.MMU.SetMemory(rec)
	m.weakRec = rec
	defer func() { m.MMU.SetMemory(nil); m.weakRec = nil }()
	rec.th = nil
	m.drainFrom(rec.cpu, rec, &ipiState{kind: h.kind, senders: []int{h.sender}, handled: map[int]uint64{}}, h.sender)
	return weakRun{trace: rec.trace, pcs: slices.Clone(rec.pcs), answers: rec.answers,
		lastReads: slices.Clone(rec.lastReads)}
}

// handlerItems is how many items an IPI's handler has (the request read,
// the barrier, the acknowledgement).
const handlerItems = 3

// placement is the search for places of a graph's handlers.
type placement struct {
	e *incr
	g *igraph
	// trips are the handled IPIs, per handler thread in order: the thread
	// and the position of the request read
	trips []iref
	// slot is each one's boundary (an index in its CPU's ipiAt, the last
	// of which may be its end) or slotNone
	slot []int
	// order lists, per CPU and boundary (its first slot, shared by the
	// slots of both kinds there: ipiSlot.bnd), the IPIs placed there in
	// the order the CPU takes them (each handler thread's in its own
	// order, different threads' in any, IPIs and grace periods mixed)
	order map[[2]int][]int
	// alone says, per IPI, at which boundaries it may go with no other
	// placed (placeAlone)
	alone [][]bool
	// ob is the model's ordered-before of g, closed, over the events of
	// its memmodel graph, which ev gives per item (allowed)
	ob memmodel.Rel
	ev [][]int
}

const slotNone = -1

// newPlacement judges g with its handlers detached (placing them only
// adds order: a graph forbidden so is forbidden wherever they go) and
// readies the search for their places; nil if g is forbidden.
func (e *incr) newPlacement(g *igraph) *placement {
	mg, ev := e.graph(g, -1)
	if !e.x.weakGraphMemory(2 * memmodel.CheckBytes(e.model, mg)) {
		return nil
	}
	e.placeScratch.Use(mg) // ob lives while the graph's placements are searched
	ok, ob, _ := memmodel.CheckOrdered(e.model, mg)
	if !ok || mg.Stop() {
		return nil
	}
	p := &placement{e: e, g: g, ev: ev, ob: ob, order: map[[2]int][]int{}}
	for t := len(e.cpus); t < len(g.th); t++ {
		items := g.th[t].items
		if (len(items)-1)%handlerItems != 0 || !items[len(items)-1].isRead() {
			e.bad = fmt.Sprintf("%s: %d items, not IPIs and a last look", e.threadName(t), len(items))
			return nil
		}
		for i := 0; i+1 < len(items); i += handlerItems {
			p.trips = append(p.trips, iref{int32(t), int32(i)})
			p.slot = append(p.slot, slotNone)
		}
	}
	return p
}

// completePlaced files a complete graph with handler threads: the first
// allowed placement of its handlers.
func (e *incr) completePlaced(g *igraph) {
	for t := range g.th {
		if g.th[t].next.dead {
			return // some assumption of a run failed: not an execution
		}
	}
	if e.countGraph() {
		return
	}
	if !e.placeHandlers(g) && !e.stopped() {
		*e.unplaced++
	}
}

// placeHandlers files complete graph g with the first allowed placement
// of its handlers; false if it has none.
func (e *incr) placeHandlers(g *igraph) bool {
	for t := len(e.cpus); t < len(g.th); t++ {
		if !e.lookedLast(g, t) {
			return false // its CPU stops with a request it has not seen (before the model's check: a third of the graphs)
		}
	}
	p := e.newPlacement(g)
	return p != nil && p.placeAlone() && p.search(0)
}

// lookedLast tells whether handler thread t's last look reads the last
// request, where its CPU takes IPIs at its end (lastLooks): otherwise an
// IPI would be left pending.
func (e *incr) lookedLast(g *igraph, t int) bool {
	h := e.hand(t)
	if !g.th[h.cpu].next.run.ipiEnd[h.kind] {
		return true
	}
	items := g.th[t].items
	r := items[len(items)-1]
	co := g.coOf(e.loc(r.ev.Loc))
	if len(co) == 0 {
		return r.rf.init()
	}
	return r.rf == co[len(co)-1]
}

// bounds is what CPU t's run says of where it could take IPIs: its
// boundaries (its end among them, if it takes them there), and the kinds
// whose request words it looks at last at its end.
func (p *placement) bounds(t int) ([]ipiSlot, [2]bool) {
	run := &p.g.th[t].next.run
	return run.ipiAt, run.ipiEnd
}

// search places trips[j:] after the ones before, and files the first
// allowed placement; false if there is none.
func (p *placement) search(j int) bool {
	if p.e.stopped() {
		return false
	}
	if j == len(p.trips) {
		return p.file()
	}
	for _, s := range p.slots(j) {
		p.slot[j] = s
		if p.searchOrders(j, s) {
			return true
		}
	}
	p.slot[j] = slotNone
	return false
}

// searchOrders places trips[j] at boundary s in each order with the IPIs
// already there: after its own handler thread's, anywhere among other
// threads' (a CPU takes two senders' IPIs in one gap in either order).
func (p *placement) searchOrders(j, s int) bool {
	key := p.orderKey(j, s)
	list := p.order[key]
	from := 0
	for i, k := range list {
		if p.trips[k].t == p.trips[j].t {
			from = i + 1
		}
	}
	for i := from; i <= len(list); i++ {
		p.order[key] = slices.Insert(slices.Clone(list), i, j)
		if p.allowed() && p.search(j+1) {
			return true
		}
	}
	p.order[key] = list
	return false
}

// slots lists where trips[j] may go: a boundary of its kind at or after
// the previous IPI of its handler thread (a CPU takes several in one gap
// between two steps: a static_branch_enable() and its
// static_branch_disable() while it runs nothing, or two senders'; the
// CPU's end is such a gap too); and, once alone is known, where it may
// go alone.
func (p *placement) slots(j int) []int {
	t := p.trips[j].t
	h := p.e.hand(int(t))
	at, _ := p.bounds(h.cpu)
	from := 0
	if j > 0 && p.trips[j-1].t == t {
		from = max(0, p.slot[j-1])
	}
	var out []int
	for b := from; b < len(at); b++ {
		if at[b].kind == h.kind && (p.alone == nil || p.alone[j][b]) {
			out = append(out, b)
		}
	}
	return out
}

// placeAlone finds where each handled IPI may go with no other placed
// (each placement of them all is one of those, since a handler placed
// only adds order); false if some IPI may go nowhere. On page-table
// scripts most complete graphs have no allowed placement, and this finds
// it in a pass over the boundaries instead of a search over their tuples.
func (p *placement) placeAlone() bool {
	alone := make([][]bool, len(p.trips))
	for j := range p.trips {
		a := p.newAlone(j)
		ok := make([]bool, len(a.at))
		none := true
		slots := p.slots(j)
		fits := a.allowed(slots)
		for i, s := range slots {
			if h := p.e.hook; h != nil {
				p.slot[j] = s
				key := p.orderKey(j, s)
				p.order[key] = []int{j}
				h.AloneChecked++
				if p.allowed() != fits[i] {
					h.AloneDiffers++
				}
				p.slot[j] = slotNone
				delete(p.order, key)
			}
			if fits[i] {
				ok[s], none = true, false
			}
		}
		if none || p.e.stopped() {
			return false
		}
		alone[j] = ok
	}
	p.alone = alone
	return true
}

// orderKey is the key of order for trips[j] at slot s: its CPU and the
// slot's boundary.
func (p *placement) orderKey(j, s int) [2]int {
	cpu := p.e.hand(int(p.trips[j].t)).cpu
	at, _ := p.bounds(cpu)
	return [2]int{cpu, at[s].bnd}
}

// tripsAt lists the IPIs placed at boundary bnd (its first slot) of CPU
// cpu, in the order the CPU takes them.
func (p *placement) tripsAt(cpu, bnd int) []int { return p.order[[2]int{cpu, bnd}] }

// file replays the CPUs with the handlers placed and files the execution,
// if the model allows it with the dependencies the replays give.
func (p *placement) file() bool {
	e := p.e
	gm := p.build()
	all := make([][]weakRun, len(e.cpus))
	for t := range e.cpus {
		e.recs[t].floatIPI = false
		nx := e.replay(gm, t)
		e.recs[t].floatIPI = true
		if e.bad != "" {
			return true
		}
		if nx.pos >= 0 || nx.lost >= 0 || nx.dead {
			e.bad = fmt.Sprintf("%s: the run with its IPIs placed differs from the graph (next %d, lost %d %s)", e.threadName(t), nx.pos, nx.lost, nx.lostWhy)
			return true
		}
		all[t] = []weakRun{nx.run}
	}
	return e.record(gm, all, false)
}

// build is the execution with the handlers placed in their CPUs'
// program order, the handler threads gone, and at each boundary the
// choice a CPU's run makes there (as the enumeration's runs have it).
func (p *placement) build() *igraph {
	e, g := p.e, p.g
	nt := len(e.cpus)
	out := &igraph{th: make([]ithread, nt), stamp: g.stamp}
	b := &rebuild{g: g, remap: make([][]iref, len(g.th)), lists: make([][]iitem, nt), orig: make([][]iref, nt)}
	for t := range g.th {
		b.remap[t] = make([]iref, len(g.th[t].items))
		for i := range b.remap[t] {
			b.remap[t][i] = noRef
		}
	}
	for t := range e.cpus {
		for _, x := range p.layout(t, true) {
			if x.ref == noRef {
				b.emit(t, noRef, p.choiceAt(t, x.bnd, x.opt))
			} else {
				b.emit(t, x.ref, *g.item(x.ref))
			}
		}
	}
	b.finish(out, e)
	return out
}

// rebuild moves items between threads, then maps every reference.
type rebuild struct {
	g     *igraph
	remap [][]iref // old item -> new, noRef if it went
	lists [][]iitem
	orig  [][]iref // new item -> old, noRef for a new choice
}

func (b *rebuild) emit(t int, from iref, it iitem) {
	if from != noRef {
		b.remap[from.t][from.i] = iref{int32(t), int32(len(b.lists[t]))}
	}
	b.lists[t] = append(b.lists[t], it)
	b.orig[t] = append(b.orig[t], from)
}

// laid is an item of a CPU laid out with its handlers placed: ref, or
// (ref == noRef) a choice the CPU's run makes at its boundary bnd: opt,
// the option of the IPI it takes next there, or 0 for none.
type laid struct {
	ref iref
	bnd int
	opt int32
}

// layout is CPU t in program order with the placed handlers: its items,
// each placed IPI's at its boundary (its end one too); final adds the
// choice at each boundary and the last looks at its end.
func (p *placement) layout(t int, final bool) []laid {
	e, g := p.e, p.g
	at, end := p.bounds(t)
	var out []laid
	trip := func(tr iref) {
		for i := tr.i; i < tr.i+handlerItems; i++ {
			out = append(out, laid{ref: iref{tr.t, i}})
		}
	}
	// at a boundary the run chooses the next request, handles it, and
	// chooses again, until it chooses none (maybeHandleIPI); its slots
	// there, one per kind it can acknowledge, are at[from:to]
	placed := func(from, to int) {
		for _, k := range p.tripsAt(t, from) {
			if final {
				out = append(out, laid{ref: noRef, bnd: from, opt: p.option(t, from, to, k)})
			}
			trip(p.trips[k])
		}
		if final {
			out = append(out, laid{ref: noRef, bnd: from, opt: 0})
		}
	}
	items := g.th[t].items
	bi := 0
	for i := 0; i <= len(items); i++ {
		for bi < len(at) && at[bi].pos == i {
			from := bi
			for bi < len(at) && at[bi].bnd == from {
				bi++
			}
			placed(from, bi)
		}
		if i < len(items) {
			out = append(out, laid{ref: iref{int32(t), int32(i)}})
		}
	}
	if !final {
		return out
	}
	for kind := range end {
		for h := len(e.cpus); h < len(g.th) && end[kind]; h++ {
			if hd := e.hand(h); hd.cpu == t && int(hd.kind) == kind {
				out = append(out, laid{ref: iref{int32(h), int32(len(g.th[h].items) - 1)}})
			}
		}
	}
	return out
}

// option is trips[k]'s option in CPU t's choice at the step boundary
// whose slots are at[from:to]: the senders of the kinds before its own
// there, then its sender's place among its kind's (maybeHandleIPI).
func (p *placement) option(t, from, to, k int) int32 {
	at, _ := p.bounds(t)
	h := p.e.hand(int(p.trips[k].t))
	opt := h.opt
	for b := from; b < to && at[b].kind != h.kind; b++ {
		opt += len(p.e.sendersOf(t, at[b].kind))
	}
	return int32(opt)
}

// choiceAt is a choice CPU t's run makes at the step boundary whose
// first slot is b: opt, the option of the request it takes next there,
// or 0. It has an option for each sender of each kind the CPU can
// acknowledge there (the slots at that boundary).
func (p *placement) choiceAt(t, b int, opt int32) iitem {
	at, _ := p.bounds(t)
	n := 1
	for s := b; s < len(at) && at[s].bnd == b; s++ {
		n += len(p.e.sendersOf(t, at[s].kind))
	}
	return iitem{choice: true, in: true, n: int32(n), rmw: -1, val: opt}
}

// sendersOf lists who sends CPU t IPIs of a kind (its choice's options).
func (e *incr) sendersOf(t int, kind mmu.SyncKind) []int {
	cpu := e.x.m.threads[e.cpus[t]].cpu
	if kind == mmu.SyncGP {
		return e.w.gpSenders[cpu]
	}
	return e.w.senders[cpu]
}

// finish gives out the moved items with their references mapped:
// reads-from and coherence across threads, dependencies within one.
func (b *rebuild) finish(out *igraph, e *incr) {
	ref := func(r iref) iref {
		if r.init() || r == noRef {
			return r
		}
		return b.remap[r.t][r.i]
	}
	for t := range out.th {
		items := b.lists[t]
		for i := range items {
			it := &items[i]
			o := b.orig[t][i]
			if o == noRef {
				continue
			}
			local := func(k int32) int32 {
				if n := b.remap[o.t][k]; n != noRef && int(n.t) == t {
					return n.i
				}
				return -1
			}
			if it.isRead() {
				it.rf = ref(it.rf)
			}
			it.remapDeps(local)
		}
		out.th[t].items = items
	}
	out.co = make([][]iref, len(b.g.co))
	for l, co := range b.g.co {
		for _, w := range co {
			if n := ref(w); n != noRef {
				out.co[l] = append(out.co[l], n)
			}
		}
	}
}

// allowed tells whether the placed handlers close no cycle of ob with
// the graph's: the order they add is [A]; po (the request read before
// what follows it), [M]; po; [dmb.full]; po; [M] (their barrier) and
// [M]; po; [L] (the acknowledgement after what precedes it), bob's rules
// that need no other event's annotations. A cycle goes through some of
// their events (the graph's ob is acyclic), so it is a cycle of a graph
// over those events alone: u reaches v if ob, or a new edge out of u and
// then ob, leads to v or to an event with a new edge into v. Some order
// is left out (a release of the CPU before the request read, [L]; po;
// [A], the CPU's own barriers around the handler), so a placement found
// here may still be forbidden: file judges it whole.
func (p *placement) allowed() bool {
	n := p.ob.N()
	var hubs []placedEv
	for t := range p.e.cpus {
		var seq []placedEv
		for _, x := range p.layout(t, false) {
			o := x.ref
			if p.ev[o.t][o.i] < 0 {
				continue
			}
			pe := placedEv{ev: p.ev[o.t][o.i], role: roleNone}
			if int(o.t) >= len(p.e.cpus) {
				pe.role = int(o.i % handlerItems)
			} else if p.g.item(o).ev.Kind == memmodel.Fence {
				continue // the CPU's own barriers: their order is in ob
			}
			seq = append(seq, pe)
		}
		before := memmodel.NewSet(n)
		for i := range seq {
			if seq[i].role != roleNone {
				seq[i].before, seq[i].after = slices.Clone(before), seq[i+1:]
				hubs = append(hubs, seq[i])
			}
			before.Add(seq[i].ev)
		}
	}
	reach := make([][]bool, len(hubs))
	for u, hu := range hubs {
		r := memmodel.NewSet(n)
		p.ob.OrRow(hu.ev, r)
		if hu.role != roleAck {
			for _, x := range hu.after {
				r.Add(x.ev)
				p.ob.OrRow(x.ev, r)
			}
		}
		reach[u] = make([]bool, len(hubs))
		for v, hv := range hubs {
			reach[u][v] = r.Has(hv.ev) || hv.role != roleReq && r.Meets(hv.before)
		}
	}
	return !cyclic(reach)
}

// placedEv is an event of a CPU with its handlers placed; a handler's
// (role) knows what comes before and after it.
type placedEv struct {
	ev     int
	role   int
	before memmodel.Set // the events before it
	after  []placedEv
}

// The roles of a handler's events, in the order it makes them.
const (
	roleReq = iota
	roleBarrier
	roleAck
	roleNone
)

// cyclic tells whether the graph of adjacency matrix adj has a cycle.
func cyclic(adj [][]bool) bool {
	state := make([]int8, len(adj)) // 0 new, 1 on the path, 2 done
	var visit func(u int) bool
	visit = func(u int) bool {
		state[u] = 1
		for v, ok := range adj[u] {
			if ok && (state[v] == 1 || state[v] == 0 && visit(v)) {
				return true
			}
		}
		state[u] = 2
		return false
	}
	for u := range adj {
		if state[u] == 0 && visit(u) {
			return true
		}
	}
	return false
}
