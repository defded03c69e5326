package vm

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm/internal/testhook"
)

// The incremental search (--search incremental) builds execution graphs
// one event at a time, as GenMC does (Kokologiannakis, Marmanis,
// Gladstein and Vafeiadis, "Truly Stateless, Optimal Dynamic Partial
// Order Reduction", POPL 2022): a read chooses among the writes already in
// the graph, a write takes each place in its location's coherence order
// and may revisit the reads added before it, and a graph the model
// forbids is dropped as soon as it appears. Each CPU's events come from
// replaying its run with the answers the graph gives (incremental_replay.go).
//
// Under armv8 and lkmm, which allow load buffering, a revisit keeps the
// events after the revisited read that do not depend on it (their
// existence, location and value), as HMC does (Kokologiannakis and
// Vafeiadis, ASPLOS 2020); the others become holes, added again when the
// CPU's replay reaches them. Under sc and tso a revisit keeps the
// program-order prefix only.
//
// Each execution is built once (TruSt's maximality condition), so the cost
// is the number of consistent executions times the cost of each, not the
// product of the CPUs' runs.

// incr is the state of one incremental search.
type incr struct {
	x     *explorer
	w     *weakState
	cpus  []int
	model memmodel.Model
	deps  bool        // revisits keep what does not depend on the read (armv8, lkmm)
	joins bool        // the LKMM's joined branches order nothing after them (incRec.joined)
	recs  []*recorder // per thread of the graph: the CPUs', then the handler threads'
	hands []ihand     // the handler threads (incremental_ipi.go)
	locs  map[uint64]int32
	addrs []uint64
	bad   string // why the search cannot go on (a replay that went wrong)
	// dropped counts the graphs dropped because a replay lost a kept
	// event (see inext.lost), and says why the first was
	dropped    int
	droppedWhy string
	// graphs counts the complete graphs checked by every incremental
	// search of the check: all its rounds, and its prelude's (which
	// shares the count); dup, when a test asks through hook, finds the
	// executions built twice
	graphs *int
	// unplaced counts the complete graphs that have no placement of
	// their IPI handlers the model allows (completePlaced), shared with
	// the prelude as graphs is
	unplaced *int
	dup      map[string]int
	hook     *testhook.Counts
	// built holds a hash of each execution recorded so far under lkmm,
	// where TruSt's maximality is not exclusive: a conditional RMW that a
	// revisit deletes fails or succeeds again when it is added back, and
	// its success orders the kept events after it, so the same graph is
	// also built where the revisit kept it (weakdiff seed 41: cmpxchg()).
	// Pruning such a graph when the refill is made loses executions that
	// a later revisit of the refilled read reaches through it (seed 192),
	// so the duplicates are recognised when complete and counted once
	built map[[16]byte]bool
	// reads are the locations read so far; frozen those of the rounds
	// before, which a free poisons (Memory.Read), and asked the pages
	// freed in this round, each with the frozen locations in it, in order
	// (what its free poisons); stale says some CPU read an entry of one
	// that its free did not poison: the round is not the program's, and
	// stops at its next complete graph (abort), by which the CPUs have
	// read what they read along one whole execution
	reads, frozen map[uint64]bool
	asked         map[[2]uint64][]mmu.Loc
	stale, abort  bool
	// scratch holds the relations of the model's checks whose result is
	// read at once (consistent, localOrder); placeScratch those of a
	// complete graph's placement (newPlacement)
	scratch, placeScratch memmodel.Scratch
	// pre is the prelude running beside the search, ph the phase of the
	// prelude this search is (nil: none; incremental_prelude.go)
	pre *prelude
	ph  *phase
	// left is what is left of the items the search may visit, when its
	// explorer bounds them (explorer.incBudget)
	left int64
}

// incMaxRounds bounds the rounds that find which entries of freed tables
// are read. A round that finds one read and not poisoned stops at its
// next complete graph, so each adds one at least and is short.
const incMaxRounds = 64

// inext is what a CPU does next in a graph: the item at position pos, or
// (pos < 0) nothing, its run being over.
type inext struct {
	pos  int
	item iitem
	run  weakRun
	dead bool // the run cannot happen (an assumption failed)
	// ipiAt are the boundaries where the run could take an IPI, up to pos
	// (incremental_ipi.go)
	ipiAt []ipiSlot
	// lost is the first kept item the replay did not make again (-1:
	// none): it depends on a read the graph changed, in a way the
	// dependency tracking does not see (a builtin that blocks or fails on
	// what it read)
	lost    int
	lostWhy string
	ended   bool // the run ended before the lost item
	// cut says it ended at a violation, blocked or at a failed
	// assumption: a read the graph changed stops it before the kept item
	cut bool
	// redeps says the replay gave kept items other model dependencies
	redeps bool
	// order is, when the replay moved the CPU's items (realign), the old
	// index of each item at its new position (-1: a new hole)
	order []int32
}

// was tells whether the item at position p was, before the replay moved
// the items, one that in says.
func (nx *inext) was(p int, in []bool) bool {
	if nx.order == nil {
		return p < len(in) && in[p]
	}
	return p < len(nx.order) && nx.order[p] >= 0 && in[nx.order[p]]
}

// wasAfter tells whether some item at position p or later was one that
// in says.
func (nx *inext) wasAfter(p int, in []bool) bool {
	if nx.order == nil {
		return p < len(in) && slices.Contains(in[p:], true)
	}
	for ; p < len(nx.order); p++ {
		if nx.was(p, in) {
			return true
		}
	}
	return false
}

// incremental checks the program under the model with the incremental
// search.
func (x *explorer) incremental(w *weakState, cpus []int) {
	e := x.newIncr(w, cpus)
	if x.incBudget == 0 && e.hook != nil {
		x.incBudget = e.hook.Items
	}
	e.left = x.incBudget
	defer func() { x.m.budget.graph, x.m.budget.kept = 0, 0 }() // the runs kept go with the search
	bounds := len(w.bounds)
	var seed map[uint64]bool
	if e.hook == nil || !e.hook.NoScout {
		seed = x.scoutReads(cpus)
	}
	maps.Copy(e.reads, seed)
	e.pre = e.startPrelude(cpus, seed)
	e.rounds(bounds)
	if q := e.pre.finish(); q != nil {
		e = q // what the prelude found, or its whole search, stands
	}
	e.pre = nil
	x.m.fresh = false
	x.r.Graphs = *e.graphs
	if e.bad != "" {
		x.r.Bounds = append(x.r.Bounds, "incremental: "+e.bad)
	}
	if e.dropped > 0 {
		x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("incremental: %d graphs dropped where a revisit changed what kept events depend on (%s)", e.dropped, e.droppedWhy))
	}
	x.r.Bounds = append(x.r.Bounds, e.w.bounds...)
	if x.incBudget > 0 && e.left < 0 {
		x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("incremental: its budget of %d items visited ran out", x.incBudget))
	}
	x.r.Complete = !x.stop && len(x.r.Bounds) == 0
	if !x.r.Complete && len(x.r.Bounds) > 0 && 2**e.unplaced > *e.graphs {
		x.r.Notes = append(x.r.Notes, unplacedNote(*e.unplaced, *e.graphs))
	}
	if e.dup != nil {
		e.hook.Duplicates = 0
		for _, n := range e.dup {
			if n > 1 {
				e.hook.Duplicates++
			}
		}
	}
}

// unplacedNote says, of a search that did not finish and whose complete
// graphs mostly had no allowed placement of their IPI handlers, how many,
// and what makes them many (docs/memory-models.md, "IPIs").
func unplacedNote(unplaced, graphs int) string {
	return fmt.Sprintf("incremental: %d of the %d complete graphs it checked have no place for their IPI handlers that the model allows (they lead to other graphs through revisits). A loop that reads a static key while another CPU enables and disables it makes such graphs grow exponentially with its passes (docs/memory-models.md): check such a loop with fewer passes under this model", unplaced, graphs)
}

// newIncr makes an incremental search of x's program.
func (x *explorer) newIncr(w *weakState, cpus []int) *incr {
	e := &incr{x: x, w: w, cpus: cpus, model: w.model, locs: map[uint64]int32{}, hook: testhook.From(x.ctx), graphs: new(int), unplaced: new(int)}
	e.deps = w.model.Name() == "armv8" || w.model.Name() == "lkmm"
	e.joins = w.joins != nil
	for _, id := range cpus {
		e.recs = append(e.recs, &recorder{w: w, exclLd: -1, spins: w.spins, spinEnd: w.spinEnd, exits: w.exits,
			joins: w.joins, cpu: x.m.threads[id].cpu})
	}
	e.floatIPIs()
	e.reads = map[uint64]bool{}
	return e
}

// rounds runs the search from the empty graph, again while a round finds
// entries of freed tables read that their frees did not poison; w.bounds
// past its first bounds entries are the search's.
func (e *incr) rounds(bounds int) {
	x := e.x
	for round := 1; ; round++ {
		if e.hook != nil {
			e.dup = map[string]int{}
			e.hook.Rounds++
		}
		if e.model.Name() == "lkmm" {
			// a round starts afresh: what the last one noted goes
			e.x.m.budget.held -= int64(len(e.built)) * builtBytes
			e.built = map[[16]byte]bool{}
		}
		e.frozen, e.asked, e.stale, e.abort = maps.Clone(e.reads), map[[2]uint64][]mmu.Loc{}, false, false
		for _, rec := range e.recs {
			rec.forget() // the frees poison other entries now
		}
		e.visit(&igraph{th: make([]ithread, len(e.recs))})
		if !e.stale || e.bad != "" || x.ctx.Err() != nil {
			break
		}
		if round == incMaxRounds {
			e.bad = fmt.Sprintf("the entries of freed tables that CPUs read did not settle in %d rounds", incMaxRounds)
			break
		}
		// a free poisoned fewer entries than the CPUs read: again, with
		// them (the result of this round is not one of the program's)
		e.restart(bounds)
	}
}

// restart clears what a search left in the result, for another to run
// (the graphs it checked still count: they were work done).
func (e *incr) restart(bounds int) {
	e.x.reset()
	e.dropped = 0
	e.w.bounds = e.w.bounds[:bounds]
}

// read notes a read of l, and whether it is of an entry of a freed table
// that its free did not poison (stale).
func (e *incr) read(l uint64) {
	if e.reads[l] {
		return
	}
	e.reads[l] = true
	for pg := range e.asked {
		e.stale = e.stale || l >= pg[0] && l < pg[1]
	}
}

// freed notes the page [lo, hi) a free poisons, and whether some CPU
// read an entry of it that the free does not poison (stale), and returns
// the locations it poisons: the frozen ones in it, in order. They are
// kept for the round: ptdump-walk-2m's replays found them again at each
// free, sorting hundreds of locations.
func (e *incr) freed(lo, hi uint64) []mmu.Loc {
	pg := [2]uint64{lo, hi}
	if out, ok := e.asked[pg]; ok {
		return out
	}
	var out []mmu.Loc
	for l := range e.frozen {
		if l >= lo && l < hi {
			out = append(out, mmu.Loc(l))
		}
	}
	slices.Sort(out)
	e.asked[pg] = out
	for l := range e.reads {
		e.stale = e.stale || l >= lo && l < hi && !e.frozen[l]
	}
	return out
}

// markLeaves flags the items a revisit keeps without something they
// depend on: the writes kept because a read of their CPU reads them, and
// under lkmm the events kept after an if whose paths have joined while
// the if's condition goes (the other path may end the run before them:
// a spin loop that does not exit, a violation).
func (e *incr) markLeaves(g *igraph, keep iset) {
	for t := range g.th {
		items := g.th[t].items
		for i := range items {
			if !items[i].in {
				continue
			}
			for _, d := range items[i].sdeps {
				if !keep[t][d] {
					g.mitem(iref{int32(t), int32(i)}).leaf = true
					items = g.th[t].items
					break
				}
			}
		}
	}
}

func (e *incr) loc(addr uint64) int32 {
	if l, ok := e.locs[addr]; ok {
		return l
	}
	l := int32(len(e.addrs))
	e.locs[addr] = l
	e.addrs = append(e.addrs, addr)
	return l
}

func (e *incr) stopped() bool {
	return e.bad != "" || e.abort || e.x.stop || e.ph.over() || e.pre.over() || e.x.incBudget > 0 && e.left < 0 || e.x.interruptedNow()
}

// incItemBytes is what an item of a graph costs in the memory estimate
// (the item, its share of the coherence lists): each level of the search
// holds its own copy of the graph.
const incItemBytes = 192

// visit extends g by the next event of some CPU, in every way.
func (e *incr) visit(g *igraph) {
	if e.stopped() {
		return
	}
	bytes := int64(g.size()) * incItemBytes
	if !e.x.m.memTake(&e.x.m.budget.snaps, bytes, "the incremental search's graphs") {
		e.x.overBudgetStop()
		return
	}
	defer func() { e.x.m.budget.snaps -= bytes }()
	if !e.ph.admit(g) || !e.pre.tick(g) {
		return
	}
	if e.hook != nil {
		e.hook.Visited += int64(g.size())
	}
	if e.x.incBudget > 0 {
		if e.left -= int64(g.size()); e.left < 0 {
			return
		}
	}
	t, nx := e.schedule(g)
	if nx != nil && nx.lost >= 0 {
		if g.th[t].items[nx.lost].leaf || nx.cut {
			// kept because a kept read of its CPU reads it while
			// something it depends on went, and what came back in its
			// place does not make it; or kept (a revisiting write's
			// prefix) while a read the revisit changed now stops the
			// run before it, at a violation (an entry of a freed table
			// read inside an if whose paths join before the kept
			// event), a wait or an assumption: that graph has no
			// execution. Any other loss is a dependency the replays do
			// not see: the graph is dropped, and the result is
			// incomplete
			return
		}
		if e.dropped++; e.dropped == 1 {
			e.droppedWhy = nx.lostWhy
		}
		return
	}
	if t < 0 {
		switch {
		case e.stale:
			e.abort = true
		case e.bad == "":
			e.complete(g)
		}
		return
	}
	if g.judge {
		if !e.consistent(g) {
			return
		}
		g.judge = false
	}
	it := nx.item
	switch {
	case it.choice:
		for v := int32(0); v < it.n && !e.stopped(); v++ {
			g2 := g.clone()
			it.val, it.max = v, v == 0
			g2.put(t, nx.pos, it)
			g2.judge = g2.judge || v > 0
			e.visit(g2)
		}
	case it.ev.Kind == memmodel.Read:
		e.addRead(g, t, nx)
	case it.ev.Kind == memmodel.Write:
		e.addWrite(g, t, nx)
	default:
		g2 := g.clone()
		it.max = true
		g2.put(t, nx.pos, it)
		e.visit(g2)
	}
}

// schedule picks the CPU whose next item is added: one with a hole
// first, then one whose next event is not a decision (writes early leave
// fewer reads to revisit), then the first with anything to do.
func (e *incr) schedule(g *igraph) (int, *inext) {
	pick, rank := -1, 3
	var out *inext
	for t := range g.th {
		nx := e.replay(g, t)
		if e.bad != "" {
			return -1, nil
		}
		if nx.redeps {
			g.judge = true
		}
		if nx.lost >= 0 {
			return t, nx
		}
		if nx.pos < 0 {
			continue
		}
		r := 2
		switch {
		case nx.pos < len(g.th[t].items):
			r = 0
		case !nx.item.decision():
			r = 1
		}
		if r < rank {
			pick, rank, out = t, r, nx
		}
	}
	return pick, out
}

// addRead adds a read with each write of its location it may read, the
// co-latest first.
func (e *incr) addRead(g *igraph, t int, nx *inext) {
	it := nx.item
	l := e.loc(it.ev.Loc)
	co := g.coOf(l)
	first := true
	for k := len(co); k >= 0 && !e.stopped(); k-- {
		w := iref{-1, l}
		if k > 0 {
			w = co[k-1]
		}
		g2 := g.clone()
		it.rf, it.ev.Val, it.max = w, e.value(g, w), first
		g2.put(t, nx.pos, it)
		if !e.coherent(g2, l) {
			continue
		}
		g2.judge = g2.judge || !first
		first = false
		e.visit(g2)
	}
}

// value is what write w writes.
func (e *incr) value(g *igraph, w iref) uint64 {
	if w.init() {
		return e.w.init[e.addrs[w.i]]
	}
	return g.item(w).ev.Val
}

// addWrite adds a write at each place of its location's coherence order
// (an RMW's right after the write its read read), the last first, and
// from each graph revisits the reads it may.
func (e *incr) addWrite(g *igraph, t int, nx *inext) {
	it := nx.item
	l := e.loc(it.ev.Loc)
	me := iref{int32(t), int32(nx.pos)}
	n := len(g.coOf(l))
	lo, hi := 1, n+1
	if it.rmw >= 0 {
		rd := &g.th[t].items[it.rmw]
		lo = g.rank(l, rd.rf) + 1
		hi = lo
		if lo <= 0 { // its read's write is gone: cannot happen
			e.bad = "an RMW's read reads a write that is not in the graph"
			return
		}
	}
	first := true
	for k := hi; k >= lo && !e.stopped(); k-- {
		g2 := g.clone()
		it.max = first // set before it is put: changed after, the items would be copied
		g2.put(t, nx.pos, it)
		g2.insertCo(l, k, me)
		if !e.coherentOrder(g2, l) {
			continue
		}
		g2.judge = g2.judge || !first
		first = false
		if e.atomic(g2, l) {
			e.visit(g2)
		}
		e.revisits(g2, me, l)
	}
}

// coherent tells whether location l is coherent in g: each CPU's accesses
// to it, in program order, see its coherence order move forward (a read
// takes its write's rank, a write its own, and a write must come after
// everything before it), and every RMW is atomic.
func (e *incr) coherent(g *igraph, l int32) bool {
	return e.coherentOrder(g, l) && e.atomic(g, l)
}

func (e *incr) coherentOrder(g *igraph, l int32) bool {
	addr := e.addrs[l]
	for t := range g.th {
		last := -1
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			if !it.in || it.choice || it.ev.Loc != addr || it.ev.Kind != memmodel.Read && it.ev.Kind != memmodel.Write {
				continue
			}
			var k int
			if it.ev.Kind == memmodel.Read {
				k = g.rank(l, it.rf)
				if k < last {
					return false
				}
			} else {
				k = g.rank(l, iref{int32(t), int32(i)})
				if k <= last {
					return false
				}
			}
			last = k
		}
	}
	return true
}

// atomic tells whether no write comes between an RMW's read's write and
// the RMW's write in l's coherence order.
func (e *incr) atomic(g *igraph, l int32) bool {
	for k, w := range g.coOf(l) {
		it := g.item(w)
		if it.rmw < 0 {
			continue
		}
		// (a hole's read is judged when it is added again)
		if rd := &g.th[w.t].items[it.rmw]; rd.in && g.rank(l, rd.rf) != k {
			return false
		}
	}
	return true
}

// revisits makes, for each read of l that write w may revisit, the graph
// where it reads from w: the events added up to the read and w's prefix
// stay, the rest goes.
func (e *incr) revisits(g *igraph, w iref, l int32) {
	if e.stopped() {
		// the search below stopped (a bound, the deadline): the local
		// order is O(events³), and each level of a deep graph left
		// computing its own took a 2 s timeout to 55 s (FuzzCheck)
		return
	}
	var reads []iref
	for t := range g.th {
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			r := iref{int32(t), int32(i)}
			if !it.isRead() || it.ev.Loc != e.addrs[l] || it.stable || !it.max {
				continue
			}
			if r.t == w.t && r.i < w.i { // its own later write: never coherent
				continue
			}
			reads = append(reads, r)
		}
	}
	if len(reads) == 0 {
		return
	}
	var lo [][][]int32
	if e.deps {
		lo = e.localOrder(g)
	}
	// Under the LKMM a branch whose paths have joined orders nothing
	// after the join, but the path not taken may: a write of its body
	// and a write after the join of the same location (to-w's
	// overwrite & int). The prefix without those branches finds the load
	// buffering the join allows (C-LB-LRW+R-A+R-Ok); the prefix with them
	// keeps the branch's read, and finds the executions where the other
	// path would order it (C-LB-LRW+R-Oc+Oq-A: herd's, and no graph of
	// the smaller prefix leads to them). Both are tried; a graph built
	// twice is counted once (incr.built).
	//
	// Under the LKMM an RMW's write that a read of its CPU reads from
	// (rfi) is kept without its read, which a revisit may then change
	// (load buffering through the RMW); but the write's place in
	// coherence is right after what its read reads, so where the
	// revisit deletes that write the read can only come back reading
	// the one before. A prefix that keeps the read as well is tried
	// too: an xchg_release() whose write a later acquire reads, the
	// xchg reading a release of a CPU whose earlier plain read the
	// revisit changes (random herd test C-wide-118). Under armv8 the
	// acquire orders the RMW's read (aob) and the prefix has it.
	pres := []prefixed{{e.prefix(g, w, lo, 0), lo}}
	if e.joins {
		for _, mode := range []int{prefJoined, prefRMWReads} {
			if pm := e.prefix(g, w, lo, mode); !slices.ContainsFunc(pres, func(p prefixed) bool { return slices.EqualFunc(pm, p.pre, slices.Equal) }) {
				pres = append(pres, prefixed{pm, lo})
			}
		}
		if pf, lf := e.failedRMWsPrefix(g, w); pf != nil && !slices.EqualFunc(pf, pres[0].pre, slices.Equal) {
			pres = append(pres, prefixed{pf, lf})
		}
	}
	sort.Slice(reads, func(a, b int) bool { return g.item(reads[a]).stamp > g.item(reads[b]).stamp })
	for _, r := range reads {
		for v, p := range pres {
			if e.stopped() {
				return
			}
			pre, lo := p.pre, p.lo
			if pre.has(r) {
				if v > 0 {
					continue
				}
				if pre, lo = e.failedPrefix(g, r, w); pre == nil || pre.has(r) {
					continue
				}
			}
			if !e.revisit(g, r, w, l, pre, lo) {
				return
			}
		}
	}
}

// prefixed is a prefix a revisit is tried with, and the local order it
// was computed from.
type prefixed struct {
	pre iset
	lo  [][][]int32
}

// revisit makes the graph where read r reads from w, with w's prefix pre,
// and visits it if it is TruSt's to build. It returns false when the
// search must stop.
func (e *incr) revisit(g *igraph, r, w iref, l int32, pre iset, lo [][][]int32) bool {
	keep := e.keep(g, r, pre)
	if !e.maximal(g, r, w, keep, lo) {
		return true
	}
	g2 := e.restrict(g, keep)
	if g2 == nil {
		return false
	}
	g2.judge = true
	e.markLeaves(g2, keep)
	rd := g2.mitem(r)
	rd.rf, rd.ev.Val = w, g.item(w).ev.Val
	co := g2.coOf(l)
	rd.max = co[len(co)-1] == w
	g2.th[r.t].touch()
	for t := range pre {
		for i, in := range pre[t] {
			if in {
				g2.mitem(iref{int32(t), int32(i)}).stable = true
			}
		}
	}
	if !e.coherent(g2, l) {
		return true
	}
	if nx := e.replay(g2, int(r.t)); nx.lost >= 0 && (nx.was(nx.lost, pre[r.t]) || nx.ended && nx.wasAfter(nx.lost, pre[r.t])) {
		// w needs an event that exists only if the read does not
		// read w (reading w, the CPU's run stops before it, at a
		// violation): no such execution
		return true
	}
	e.visit(g2)
	return true
}

// failedPrefix is w's prefix where read r, a conditional RMW's that
// succeeded, fails by reading w: a failed RMW is a lone read whose order
// is its failure's (a fully ordered cmpxchg() that fails is a relaxed
// read under the LKMM), so what r's success ordered after it may stay.
// It is nil when r is no such read.
func (e *incr) failedPrefix(g *igraph, r, w iref) (iset, [][][]int32) {
	wi := e.rmwWrite(g, r)
	rd := g.item(r)
	if !e.deps || wi < 0 || rd.ev.Tags&memmodel.FailedRMW != 0 || g.item(w).ev.Val == rd.ev.Val {
		return nil, nil
	}
	return e.prefixAsFailed(g, w, []rmwRef{{r, wi}})
}

// failedRMWsPrefix is w's prefix where every RMW of g that orders
// (fully ordered, acquire or release) and succeeded, but w's own, is
// ordered as a failed one: under the LKMM a cmpxchg() that fails is a
// relaxed read, so a revisit that deletes one may find it failing, and
// what its success ordered before w need not stay (C-SB+l-o-o-u+l-o-o-u-CE:
// a lock's cmpxchg_acquire() that succeeded keeps the other CPU's
// critical section, while the executions where it fails need none of
// it). An RMW that cannot fail comes back as it was, and the graph is
// one the other prefixes build (counted once) or one the model forbids.
// It is nil when g has no such RMW.
func (e *incr) failedRMWsPrefix(g *igraph, w iref) (iset, [][][]int32) {
	const orders = memmodel.Mb | memmodel.Acquire | memmodel.Release
	var rs []rmwRef
	for t := range g.th {
		for i := range g.th[t].items {
			r := iref{int32(t), int32(i)}
			rd := &g.th[t].items[i]
			if !rd.isRead() || rd.ev.Tags&orders == 0 || rd.ev.Tags&(memmodel.FailedRMW|memmodel.LockR) != 0 {
				continue
			}
			if wi := e.rmwWrite(g, r); wi >= 0 && (r.t != w.t || wi != w.i) {
				rs = append(rs, rmwRef{r, wi})
			}
		}
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return e.prefixAsFailed(g, w, rs)
}

// rmwRef is an RMW of a graph: its read, and its write's item.
type rmwRef struct {
	r  iref
	wi int32
}

// prefixAsFailed is w's prefix, and the local order it comes from, with
// the RMWs rs ordered as failed ones: lone relaxed reads, no writes. (The
// items may be another graph's too: they are put back before anything
// else looks at them.)
func (e *incr) prefixAsFailed(g *igraph, w iref, rs []rmwRef) (iset, [][][]int32) {
	tags := make([]memmodel.Tag, len(rs))
	cached := map[int32][][]int32{} // the local orders of the CPUs changed, put back too
	for k, u := range rs {
		th := &g.th[u.r.t]
		if _, ok := cached[u.r.t]; !ok {
			cached[u.r.t] = th.lo
		}
		tags[k] = th.items[u.r.i].ev.Tags
		th.items[u.r.i].ev.Tags, th.items[u.wi].in, th.lo = memmodel.Once|memmodel.FailedRMW, false, nil
	}
	lo := e.localOrder(g)
	for k, u := range rs {
		th := &g.th[u.r.t]
		th.items[u.r.i].ev.Tags, th.items[u.wi].in = tags[k], true
	}
	for t, c := range cached {
		g.th[t].lo = c
	}
	return e.prefix(g, w, lo, 0), lo
}

// The variants of a write's prefix a revisit is tried with (revisits).
const (
	prefJoined   = 1 << iota // the reads of joined branches before each event
	prefRMWReads             // the read of each RMW whose write a read of its CPU keeps
)

// prefix is what write w needs to exist: under armv8 and lkmm the items
// it depends on and those the model orders before it (lo, from
// localOrder), under sc and tso those before it in program order; and
// the writes they read, and the writes of the RMWs whose reads they
// hold, transitively; mode adds the variants above.
func (e *incr) prefix(g *igraph, w iref, lo [][][]int32, mode int) iset {
	s := newISet(g)
	stack := []iref{w}
	s[w.t][w.i] = true
	add := func(r iref) {
		if !r.init() && !s[r.t][r.i] {
			s[r.t][r.i] = true
			stack = append(stack, r)
		}
	}
	chosen := make([]int32, len(g.th)) // the items each CPU's choices are added up to
	for len(stack) > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		it := g.item(r)
		if e.deps {
			e.choicesBefore(g, r, chosen, add)
			deps := it.needs()
			if mode&prefJoined != 0 {
				deps = it.sdeps
			}
			for _, d := range deps {
				add(iref{r.t, d})
			}
			for _, d := range lo[r.t][r.i] {
				add(iref{r.t, d})
			}
		} else {
			for i := r.i - 1; i >= 0 && !s[r.t][i]; i-- {
				add(iref{r.t, i})
			}
		}
		switch {
		case it.isRead() && e.deps && it.rf.t == r.t:
			// a write of its own CPU it reads: kept, but not what that
			// write depends on (aarch64's order has rfi only after
			// addr and data; GenMC keeps the source the same way). A
			// replay finds it if the write changes. An RMW's write
			// kept so pins its read, added again, to whatever write
			// comes before it in coherence: the prefix variant
			// prefRMWReads keeps the read too (revisits).
			s[it.rf.t][it.rf.i] = true
			if mode&prefRMWReads != 0 {
				if rmw := g.item(it.rf).rmw; rmw >= 0 {
					add(iref{it.rf.t, rmw})
				}
			}
		case it.isRead():
			add(it.rf)
		}
		if it.rmw >= 0 {
			add(iref{r.t, it.rmw})
		}
	}
	if e.deps {
		e.rmwWrites(g, s, lo)
	}
	return s
}

// choicesBefore adds the choices of r's CPU before r in program order
// that decide whether their call writes (those up to chosen[r.t] are in
// already). A store-exclusive's choice (fail or not) is in its own
// call's items' needs only, so whether it stayed in a revisit hung on
// its option: one that succeeded stays with its write when a release
// after it orders that write, one that failed has no write to stay with.
// The revisit that deleted a failed one was refused by maximality (not
// its first option), and the one from the succeeded one kept it
// succeeded: the execution where it failed and another CPU reads the
// release was built by neither (random herd test A-random-82). So it
// stays with whatever stays after it. A CAS's choice (which way its
// result depends) comes after its write and decides no write: adding it
// would keep the CAS's read, and lose the executions where a revisit
// lets that read take another write (load buffering through a CAS).
func (e *incr) choicesBefore(g *igraph, r iref, chosen []int32, add func(iref)) {
	items := g.th[r.t].items
	for i := chosen[r.t]; i < r.i; i++ {
		if items[i].in && items[i].choice && decidesWrite(items, i) {
			add(iref{r.t, i})
		}
	}
	chosen[r.t] = max(chosen[r.t], r.i)
}

// decidesWrite tells whether choice i decides if the write of its call
// happens: the item after it is that write, or the empty place of one,
// and exists because of it.
func decidesWrite(items []iitem, i int32) bool {
	if int(i)+1 >= len(items) {
		return false
	}
	next := &items[i+1]
	return !next.choice && (next.ev.Kind == memmodel.Write || next.ev.Kind == 0) && slices.Contains(next.needs(), i)
}

// rmwWrites adds to prefix s the write of each RMW whose read is in it
// and which needs nothing else (a lock's write with its read: GenMC keeps
// them together too). A write that depends on an event outside s (SWP
// storing a value read before it) stays out: a revisit may change it.
func (e *incr) rmwWrites(g *igraph, s iset, lo [][][]int32) {
	for grew := true; grew; {
		grew = false
		for t := range g.th {
			for i := range g.th[t].items {
				r := iref{int32(t), int32(i)}
				if !s[t][i] || !g.item(r).isRead() {
					continue
				}
				wi := e.rmwWrite(g, r)
				if wi < 0 || s[t][wi] {
					continue
				}
				needs := append(slices.Clone(g.th[t].items[wi].needs()), lo[t][wi]...)
				if !slices.ContainsFunc(needs, func(d int32) bool { return !s[t][d] }) {
					s[t][wi], grew = true, true
				}
			}
		}
	}
}

// localOrder lists, for each item of g, the items of its CPU the model
// orders before it (memmodel.LocalOrder). Under armv8 that order is the
// CPU's own (lob: its events, its reads of its own writes), so it is
// computed on each CPU's events alone and kept until they change; the
// LKMM's prop can leave the CPU and come back, so it takes the whole
// graph.
func (e *incr) localOrder(g *igraph) [][][]int32 {
	out := make([][][]int32, len(g.th))
	if e.model.Name() != "armv8" {
		mg, pos := e.graph(g, -1)
		e.scratch.Use(mg)
		rel := memmodel.LocalOrder(e.model, mg)
		for t := range g.th {
			out[t] = orderOf(rel, pos[t])
		}
		return out
	}
	for t := range g.th {
		th := &g.th[t]
		if th.lo == nil {
			mg, pos := e.graph(g, t)
			e.scratch.Use(mg)
			th.lo = orderOf(memmodel.LocalOrder(e.model, mg), pos[t])
		}
		out[t] = th.lo
	}
	return out
}

// orderOf lists, for each item of a CPU (at pos in a graph), the items
// before it that rel orders before it.
func orderOf(rel memmodel.Rel, pos []int) [][]int32 {
	out := make([][]int32, len(pos))
	for i, p := range pos {
		if p < 0 {
			continue
		}
		for j, q := range pos[:i] {
			if q >= 0 && rel.Has(q, p) {
				out[i] = append(out[i], int32(j))
			}
		}
	}
	return out
}

// rmwWrite is the write of the RMW whose read is r, -1 if none is in g.
func (e *incr) rmwWrite(g *igraph, r iref) int32 {
	items := g.th[r.t].items
	for i := r.i + 1; i < int32(len(items)) && i <= r.i+2; i++ {
		if items[i].in && items[i].rmw == r.i {
			return i
		}
	}
	return -1
}

// keep is what a revisit of read r by a write with prefix pre keeps: the
// items added up to r, and the prefix.
func (e *incr) keep(g *igraph, r iref, pre iset) iset {
	s := newISet(g)
	at := g.item(r).stamp
	for t := range g.th {
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			s[t][i] = it.in && (it.stamp <= at || pre[t][i])
		}
	}
	return s
}

// maximal is TruSt's condition for building each graph once: every item
// the revisit deletes (and the read itself) was added with its first
// option and reads no write that stays co-after what it read (under
// armv8 and lkmm: unless that write needs it), or is a read relativeMax
// takes for one; reads no write deleted with it; and is no write with a
// write that stays co-after it but for an RMW's, whose place its read
// fixes; and w is the co-latest write unless what follows it stays.
func (e *incr) maximal(g *igraph, r, w iref, keep iset, lo [][][]int32) bool {
	l := e.loc(g.item(w).ev.Loc)
	if wi := g.item(w); wi.rmw < 0 {
		co := g.coOf(l)
		if k := g.rank(l, w); k < len(co) && !keep.has(co[k]) {
			return false
		}
	}
	prefixes := map[iref]iset{}
	for t := range g.th {
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			x := iref{int32(t), int32(i)}
			if !it.in || x != r && keep[t][i] {
				continue
			}
			// a read relativeMax takes has no readable write co-after
			// what it read: the test of those that stay is done
			relative := !it.max
			if relative && !e.relativeMax(g, keep, w, x) {
				return false
			}
			if it.choice || it.ev.Kind == memmodel.Fence || it.ev.Kind == 0 {
				continue
			}
			if it.ev.Kind == memmodel.Write && it.rmw >= 0 {
				// an RMW's write has one place, right after what its read
				// read: added again, it goes back there (if its read goes
				// too, the read's own test covers both). A kept write
				// co-after it does not make it less than maximal
				// (weakdiff ipi seed 45: an xchg that reads a write placed
				// before the co-latest one, deleted by a revisit of a
				// later read)
				continue
			}
			src := x
			if it.ev.Kind == memmodel.Read {
				src = it.rf
			}
			lx := e.loc(it.ev.Loc)
			var after []iref // the writes co-after src, unless relative
			if !relative {
				after = g.coOf(lx)[g.rank(lx, src):]
			}
			for _, s := range after {
				if s == w || !keep.has(s) {
					continue
				}
				if s.t == x.t && s.i > x.i && e.deps {
					// a later write of x's own CPU: x cannot read it
					// (coherence), nor it revisit x, so no other
					// branch builds this graph (C-wide-1086: a plain
					// read before a release of its word, read by
					// another CPU whose write the plain read reads)
					continue
				}
				if !e.deps {
					return false
				}
				ps, ok := prefixes[s]
				if !ok {
					ps = e.prefix(g, s, lo, 0)
					prefixes[s] = ps
				}
				// s may stay only where it needs x (HMC's case: x in
				// its prefix, so s cannot revisit x). Where it does not,
				// s revisits x on another branch, and this graph is
				// built there too; allowing every x before some event
				// of s's prefix in program order built graphs twice
				// (TestIncrementalBuildsOnce)
				if !ps[x.t][x.i] {
					return false
				}
			}
			if it.ev.Kind == memmodel.Read && !keep.has(it.rf) && g.stampOf(it.rf) > it.stamp {
				return false
			}
		}
	}
	return true
}

// relativeMax tells whether read or write x, added with another option
// than its first and deleted by a revisit under armv8 or lkmm (HMC's
// holes: a revisit keeps what the write needs, not the program-order
// prefix), is still what its CPU's replay would add first: no write
// co-after the one it reads (but w) could a read read, nor could a write
// follow one co-after it (but w), coherently with the accesses of its
// CPU the revisit keeps after it in program order. Its first option was
// then one that a kept access after it cannot follow, so the graph where
// it took that option keeps other events and is no duplicate of this
// one; where its first option is still open (kept or not), that graph
// makes this revisit, and this one is refused (TestIncrementalBuildsOnce).
// Weakdiff ipi seeds 432 and 570: a relaxed read and then an acquire read
// of x both return the initial value, and the acquire read stays in the
// prefix of a write that revisits another CPU's read
// (TestIncrementalRelativeMax). Random test A-narrowed-874, for a write:
// a CPU writes x and then reads, with an acquire, another CPU's write of
// x that is coherence-after its own; the acquire read stays in the prefix
// of its CPU's later write, which revisits the other CPU's read, and its
// own write, which that write does not need, goes; put back, it can only
// come before the write the acquire read, so its last place was no
// option (TestIncrementalRelativeMaxWrite).
func (e *incr) relativeMax(g *igraph, keep iset, w, x iref) bool {
	it := g.item(x)
	read := it.ev.Kind == memmodel.Read
	if !e.deps || it.choice || !read && (it.ev.Kind != memmodel.Write || it.rmw >= 0) || e.rmwWrite(g, x) >= 0 {
		return false
	}
	l := e.loc(it.ev.Loc)
	co := g.coOf(l)
	from := x // a write's later places: after the writes co-after it
	if read {
		from = it.rf
	}
	for _, s := range co[g.rank(l, from):] {
		k := g.rank(l, s)
		readMin := k // a read of s
		if !read {
			readMin = k + 1 // x placed right after s: its CPU reads it or a later write
		}
		if s != w && e.coherentAfter(g, keep, x, readMin, k) {
			return false
		}
	}
	return true
}

// coherentAfter tells whether x may take a place of coherence as far as
// the kept accesses of its CPU after it in program order on its location
// go: none reads a write of rank below readMin, nor is a write of rank
// writeMax or below.
func (e *incr) coherentAfter(g *igraph, keep iset, x iref, readMin, writeMax int) bool {
	items := g.th[x.t].items
	addr := items[x.i].ev.Loc
	l := e.loc(addr)
	for i := x.i + 1; i < int32(len(items)); i++ {
		y := &items[i]
		if !y.in || y.choice || y.ev.Loc != addr || !keep[x.t][i] {
			continue
		}
		switch y.ev.Kind {
		case memmodel.Read:
			if g.rank(l, y.rf) < readMin {
				return false
			}
		case memmodel.Write:
			if g.rank(l, iref{x.t, i}) <= writeMax {
				return false
			}
		}
	}
	return true
}

// restrict is g with only the items of keep: the others become holes (or
// go, at the end of a CPU), and leave coherence.
func (e *incr) restrict(g *igraph, keep iset) *igraph {
	c := g.clone()
	for t := range c.th {
		th := &c.th[t]
		changed := false
		for i := range th.items {
			if th.items[i].in && !keep[t][i] {
				th.own()
				th.items[i].in, changed = false, true
			}
		}
		n := len(th.items)
		for n > 0 && !th.items[n-1].in {
			n--
		}
		if changed || n < len(th.items) {
			th.cut(n)
			th.touch()
		}
		for i := range th.items {
			if it := &th.items[i]; it.isRead() && !keep.has(it.rf) {
				e.bad = fmt.Sprintf("a revisit keeps a read of %s whose write goes", e.x.locName(it.ev.Loc))
				return nil
			}
		}
	}
	for l := range c.co {
		c.co[l] = slices.DeleteFunc(c.co[l], func(r iref) bool { return !keep.has(r) })
	}
	return c
}
