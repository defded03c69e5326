package memmodel

import "sort"

// Trace is one run of one thread: its events in program order and the
// relations among them, by index into Events.
type Trace struct {
	Events                           []Event
	Rmw, Addr, Data, Ctrl, SrcuMatch []Dep
	PickAddr, PickData, PickCtrl     []Dep
	Si                               []Dep // Graph.Si
	Sib                              []Dep // Graph.Sib
}

// Program is what Enumerate combines: the initial value of each location
// (a location absent here starts at 0) and, per thread, every run the
// thread can make given what its reads may return.
type Program struct {
	Init    map[uint64]uint64
	Threads [][]*Trace
	// Interrupted, if set, is asked now and then whether to stop (a
	// timeout, a cancelled context).
	Interrupted func() bool
	// Budget, if positive, stops the enumeration after that many
	// combinations of traces (a deterministic bound).
	Budget int
	// Steps, if positive, stops the enumeration after about that many
	// steps (coherence orders and reads-from tried, graphs checked): one combination of
	// long traces can hold more choices than any budget of combinations.
	Steps int
	// Graphs, if positive, stops the enumeration once it has checked
	// that many candidate graphs: Enumerate then returns Graphs+1.
	Graphs int
	// Memory, if set, is told before each combination of traces is
	// checked what its graph and the model's checks of it hold, in bytes
	// (graphBytes and CheckBytes); it returns false to stop the
	// enumeration there, before the graph's relations are made.
	Memory func(bytes int64) bool
}

// Stop is returned by a visit function to end the enumeration.
type Stop bool

// Enumerate calls visit for every execution the model allows: a choice
// of one trace per thread (pick), and of reads-from and coherence. It
// prunes with the per-location axioms every model shares (coherence:
// acyclic po-loc | rf | co | fr on each location; atomicity of RMWs)
// before asking the model about the whole graph. visit returns true to
// stop. Enumerate returns the number of candidate graphs it checked.
func Enumerate(p *Program, m Model, visit func(g *Graph, pick []int, flags []string) bool) int {
	e := &enumerator{p: p, m: m, visit: visit, pick: make([]int, len(p.Threads))}
	e.threads(0)
	return e.checked
}

// EnumerateAll is Enumerate without any pruning: every combination of
// traces, every order of every location's writes, every reads-from to a
// write of the value read, each graph judged by the model alone. It is
// the reference the differential tests hold Enumerate to.
func EnumerateAll(p *Program, m Model, visit func(g *Graph, pick []int, flags []string) bool) int {
	e := &enumerator{p: p, m: m, visit: visit, pick: make([]int, len(p.Threads)), brute: true}
	e.threads(0)
	return e.checked
}

type enumerator struct {
	p         *Program
	m         Model
	visit     func(*Graph, []int, []string) bool
	pick      []int
	checked   int
	arena     arena // the relations of the candidate being checked
	static    arena // the relations of the combination's events alone
	stop      bool
	brute     bool // EnumerateAll
	unindexed bool // every trace tried in turn (candidates.go's tests)
	combined  int  // combinations of traces tried
	steps     int  // coherence orders and reads-from tried (see interrupted)

	// Choosing one trace per thread, a read must read a value some write
	// gives: the initial value, a write of a trace picked so far, or a
	// write some trace of a thread still to pick makes. Values at
	// locations are numbered (ids) so that this costs no map look-up.
	producers []uint64      // per value id: threads (bits) some trace of which writes it
	picked    []int32       // per value id: writes of the traces picked so far
	pending   []int32       // value ids the picked traces read and have not yet matched
	writes    [][][]int32   // per thread and trace: the value ids it writes
	reads     [][][]int32   // per thread and trace: the value ids it reads (not initial values)
	indexes   []*traceIndex // per thread, nil when not indexed (candidates.go)
	cands     [][]int       // per thread, candidates' buffer
	scratch   [][]uint64    // per thread, candidates' bitset
}

func (e *enumerator) threads(i int) {
	if i == 0 {
		e.index()
		e.buildIndexes()
	}
	if i == len(e.p.Threads) {
		// asked at every combination and every graph: building one and
		// judging one cost far more than asking
		if e.combined++; e.p.Interrupted != nil && e.p.Interrupted() ||
			e.p.Budget > 0 && e.combined > e.p.Budget {
			e.stop = true
			return
		}
		e.combine()
		return
	}
	for n, k := range e.candidates(i) {
		if e.stop || n%4096 == 4095 && e.interrupted(0) {
			return
		}
		e.pick[i] = k
		mark := len(e.pending)
		e.count(e.writes[i][k], 1)
		e.pending = append(e.pending, e.reads[i][k]...)
		if e.brute || e.satisfiable(i) {
			e.threads(i + 1)
		}
		e.count(e.writes[i][k], -1)
		e.pending = e.pending[:mark]
	}
}

// index numbers the values at locations and records which threads can
// write each.
func (e *enumerator) index() {
	type locVal struct{ loc, val uint64 }
	ids := map[locVal]int32{}
	id := func(ev Event) int32 {
		lv := locVal{ev.Loc, ev.Val}
		n, ok := ids[lv]
		if !ok {
			n = int32(len(ids))
			ids[lv] = n
			e.producers = append(e.producers, 0)
		}
		return n
	}
	e.writes = make([][][]int32, len(e.p.Threads))
	e.reads = make([][][]int32, len(e.p.Threads))
	for t, traces := range e.p.Threads {
		for _, tr := range traces {
			var ws, rs []int32
			for _, ev := range tr.Events {
				switch {
				case ev.Kind == Write:
					n := id(ev)
					ws = append(ws, n)
					e.producers[n] |= 1 << uint(min(t, 63))
				case ev.Kind == Read && e.p.Init[ev.Loc] != ev.Val:
					rs = append(rs, id(ev))
				}
			}
			e.writes[t] = append(e.writes[t], ws)
			e.reads[t] = append(e.reads[t], rs)
		}
	}
	e.picked = make([]int32, len(ids))
}

func (e *enumerator) count(ids []int32, n int32) {
	for _, id := range ids {
		e.picked[id] += n
	}
}

// satisfiable tells whether every pending read can still be matched once
// thread i is picked: by a picked write, or by a thread after i.
func (e *enumerator) satisfiable(i int) bool {
	later := ^uint64(0) << uint(min(i+1, 63))
	if i+1 >= 64 {
		later = 1 << 63 // threads past 63 share the last bit
	}
	for _, id := range e.pending {
		if e.picked[id] == 0 && e.producers[id]&later == 0 {
			return false
		}
	}
	return true
}

// combine builds the events of the picked traces and enumerates rf and co
// location by location.
func (e *enumerator) combine() {
	g, locs := Combine(e.p, e.pick)
	e.static.reset() // the last combination's graph is dead
	g.staticIn = &e.static
	// the arenas keep what the largest graph so far made: a smaller one
	// holds that much still
	held := max(CheckBytes(e.m, g), e.arena.bytes()+e.static.bytes())
	if e.p.Memory != nil && !e.p.Memory(graphBytes(g)+held) {
		e.stop = true
		return
	}
	ix := indexLocations(g, locs)
	for li := range locs { // a location with no coherent choice: no execution
		some := false
		locChoices(g, ix, li, e.brute, func(locChoice) bool { some = true; return false }, e.interrupted)
		if !some {
			return
		}
	}
	e.product(g, ix, 0)
}

// Combine builds the events of one trace per thread (pick), with the
// initial writes of the locations they access first, and no reads-from
// or coherence yet (Rf and CoRank all -1). It returns the locations in
// the order of their initial writes.
func Combine(p *Program, pick []int) (*Graph, []uint64) {
	e := &enumerator{p: p, pick: pick}
	g := &Graph{Stop: p.Interrupted}
	locs := e.locations()
	for _, l := range locs {
		g.Events = append(g.Events, Event{Thread: -1, Kind: Write, Loc: l, Val: e.p.Init[l]})
	}
	for t, traces := range e.p.Threads {
		tr := traces[e.pick[t]]
		base := len(g.Events)
		for _, ev := range tr.Events {
			ev.Thread = t
			g.Events = append(g.Events, ev)
		}
		shift := func(ds []Dep) []Dep {
			out := make([]Dep, len(ds))
			for i, d := range ds {
				out[i] = Dep{d.From + int32(base), d.To + int32(base)}
			}
			return out
		}
		g.Rmw = append(g.Rmw, shift(tr.Rmw)...)
		g.Addr = append(g.Addr, shift(tr.Addr)...)
		g.Data = append(g.Data, shift(tr.Data)...)
		g.Ctrl = append(g.Ctrl, shift(tr.Ctrl)...)
		g.SrcuMatch = append(g.SrcuMatch, shift(tr.SrcuMatch)...)
		g.PickAddr = append(g.PickAddr, shift(tr.PickAddr)...)
		g.PickData = append(g.PickData, shift(tr.PickData)...)
		g.PickCtrl = append(g.PickCtrl, shift(tr.PickCtrl)...)
		g.Si = append(g.Si, shift(tr.Si)...)
		g.Sib = append(g.Sib, shift(tr.Sib)...)
	}
	n := len(g.Events)
	g.Rf, g.CoRank = make([]int, n), make([]int, n)
	for i := range g.Rf {
		g.Rf[i], g.CoRank[i] = -1, -1
	}
	return g, locs
}

// locations lists every location the picked traces access, sorted.
func (e *enumerator) locations() []uint64 {
	seen := map[uint64]bool{}
	for t, traces := range e.p.Threads {
		for _, ev := range traces[e.pick[t]].Events {
			if hasLoc(ev) {
				seen[ev.Loc] = true
			}
		}
	}
	var out []uint64
	for l := range seen {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// interrupted asks (now and then) whether to stop, tried more orders or
// reads-from tried since it last asked.
func (e *enumerator) interrupted(tried int) bool {
	if e.stop {
		return true
	}
	e.steps += tried
	if e.p.Interrupted != nil && e.p.Interrupted() || e.overSteps() {
		e.stop = true
	}
	return e.stop
}

// overSteps tells whether the work done passes Program.Steps.
func (e *enumerator) overSteps() bool {
	return e.p.Steps > 0 && e.steps+e.checked > e.p.Steps
}

// product chooses coherence and reads-from location by location (the
// initial write of location i is event i), streaming the choices so that
// memory stays linear however many there are.
func (e *enumerator) product(g *Graph, ix *locIndex, i int) {
	if e.stop {
		return
	}
	if i == len(ix.locs) {
		g.base = nil
		// the last candidate's relations are dead: every candidate, of
		// every combination, carves them from the enumeration's arena
		// (a combination's first candidate took them from the heap, and
		// on graphs of a thousand events, most of whose combinations
		// have one candidate, the collector's and the clearing's share
		// of the time was a quarter)
		e.arena.reset()
		g.arena = &e.arena
		e.checked++
		if e.p.Interrupted != nil && e.p.Interrupted() || e.overSteps() || e.p.Graphs > 0 && e.checked > e.p.Graphs {
			e.stop = true
			return
		}
		ok, flags := e.m.Check(g)
		if g.stopped() {
			e.stop = true
			return
		}
		if ok && e.visit(g, e.pick, flags) {
			e.stop = true
		}
		return
	}
	locChoices(g, ix, i, e.brute, func(c locChoice) bool {
		c.apply(g)
		e.product(g, ix, i+1)
		return !e.stop
	}, e.interrupted)
}

// locChoice is one coherence order and one reads-from map on a location.
type locChoice struct {
	co []int    // writes in coherence order, the initial write first
	rf [][2]int // (read, write)
}

func (c locChoice) apply(g *Graph) {
	for rank, w := range c.co {
		g.CoRank[w] = rank
	}
	for _, p := range c.rf {
		g.Rf[p[0]] = p[1]
	}
}

// locIndex is what locChoices needs of every location, found once per
// combination of traces: it scanned every event and made two arrays as
// long as them for each location, and product calls it for each location
// and each choice on the locations before it (on a page-table walk's
// graphs of a thousand events and hundreds of locations, a third of the
// enumeration's time).
type locIndex struct {
	locs []uint64
	acc  []locAccesses // per location, as locs
	// rank and src are per event: a write's place in its location's
	// coherence order and a read's source while they are chosen. Each
	// location writes and reads only its own events' entries, so the
	// locations nested in product share them.
	rank, src []int
}

// locAccesses are one location's writes and reads (not its initial
// write), in event order, and the write of each RMW by its read.
type locAccesses struct {
	writes, reads []int
	rmwWrite      map[int]int
}

// indexLocations indexes g's accesses by location; locs[i]'s initial
// write is event i.
func indexLocations(g *Graph, locs []uint64) *locIndex {
	ix := &locIndex{locs: locs, acc: make([]locAccesses, len(locs)),
		rank: make([]int, len(g.Events)), src: make([]int, len(g.Events))}
	at := make(map[uint64]int, len(locs))
	for i, l := range locs {
		at[l] = i
	}
	for i := len(locs); i < len(g.Events); i++ {
		ev := g.Events[i]
		if !hasLoc(ev) {
			continue
		}
		a := &ix.acc[at[ev.Loc]]
		switch ev.Kind {
		case Write:
			a.writes = append(a.writes, i)
		case Read:
			a.reads = append(a.reads, i)
		}
	}
	for _, d := range g.Rmw {
		l := g.Events[d.To].Loc
		if li, ok := at[l]; ok && l == g.Events[d.From].Loc {
			a := &ix.acc[li]
			if a.rmwWrite == nil {
				a.rmwWrite = map[int]int{}
			}
			a.rmwWrite[int(d.From)] = int(d.To)
		}
	}
	return ix
}

// locChoices enumerates the coherent (co, rf) choices for location li
// of ix (its initial write is event li): every order of its writes (after
// the initial one), and for each read every write of the value it read,
// kept when po-loc | rf | co | fr is acyclic on the location and no RMW
// has a write of another thread between its read's source and its write.
func locChoices(g *Graph, ix *locIndex, li int, brute bool, fn func(locChoice) bool, interrupted func(tried int) bool) {
	a := ix.acc[li]
	writes, reads, rmwWrite := a.writes, a.reads, a.rmwWrite
	rank, src := ix.rank, ix.src
	going := true
	orders := func(f func([]int)) { interleave(coUnits(g, writes), f, &going) }
	if brute {
		orders = func(f func([]int)) { permute(writes, f, &going) }
	}
	// the interruption is looked at every 4,096 choices tried, or sooner
	// by the work done: a choice's coherence check reads every write of
	// the location and every read before it, and on a location of
	// thousands of accesses 4,096 choices took a third of a second past a
	// deadline
	tried, work := 0, 0
	stop := func(n int) bool {
		if tried, work = tried+1, work+n; tried < 4096 && work < 1<<14 {
			return false
		}
		t := tried
		tried, work = 0, 0
		return interrupted(t)
	}
	orders(func(order []int) {
		if stop(1 + len(order)/16) {
			going = false
			return
		}
		co := append([]int{li}, order...)
		if !brute && !lkmmLockCoOK(g, co) { // an unlock follows its lock in co, in every model
			return
		}
		for i, w := range co {
			rank[w] = i
		}
		rf := make([][2]int, len(reads))
		var pickRF func(k int)
		pickRF = func(k int) {
			if !going {
				return
			}
			if k == len(reads) {
				going = fn(locChoice{co: co, rf: rf})
				return
			}
			r := reads[k]
			try := func(w int) {
				if stop(1 + (len(writes)+k)/16) { // many reads: many choices per order
					going = false
					return
				}
				if g.Events[w].Val != g.Events[r].Val || (!brute && !coherentRead(g, r, w, rank, src, writes, reads[:k])) {
					return
				}
				rf[k], src[r] = [2]int{r, w}, w
				pickRF(k + 1)
			}
			if w, ok := rmwWrite[r]; ok && !brute {
				// atomicity: an RMW reads the write just before its own
				if rank[w] >= 1 {
					try(co[rank[w]-1])
				}
				return
			}
			for _, w := range co {
				if !going { // unwinding: thousands of reads deep, each with every write still to try
					return
				}
				try(w)
			}
		}
		pickRF(0)
	})
}

// coherentRead checks sc-per-location for read r reading from w, given the
// coherence order (rank) and the sources of the location's reads before it
// (events of a thread are numbered in program order, so po-loc is i < j on
// the same thread): r may not read a write coherence-before a write or the
// source of a read of its CPU before it (CoWR, CoRR), nor a write
// coherence-after or equal to a write of its CPU after it (CoRW).
func coherentRead(g *Graph, r, w int, rank, src []int, writes, before []int) bool {
	t, p := g.Events[r].Thread, rank[w]
	for _, a := range writes {
		if g.Events[a].Thread != t {
			continue
		}
		if a < r && p < rank[a] || a > r && p >= rank[a] {
			return false
		}
	}
	for _, a := range before {
		if g.Events[a].Thread == t && p < rank[src[a]] {
			return false
		}
	}
	return true
}

// coUnits splits a location's writes (in event order: program order within
// each thread) into the sequences a coherence order must keep: per
// thread, its writes in program order (coherence: po-loc between writes
// is co), with each spin_lock's LKW and the spin_unlock that follows it
// kept together (lock.cat, and atomicity in every model: nothing comes
// between a lock and its unlock).
func coUnits(g *Graph, writes []int) [][][]int {
	byThread := map[int][][]int{}
	var threads []int
	for i := 0; i < len(writes); i++ {
		w := writes[i]
		t := g.Events[w].Thread
		if _, ok := byThread[t]; !ok {
			threads = append(threads, t)
		}
		unit := []int{w}
		if g.Events[w].Tags&LockW != 0 && i+1 < len(writes) {
			if n := writes[i+1]; g.Events[n].Thread == t && g.Events[n].Tags&Unlock != 0 {
				unit = append(unit, n)
				i++
			}
		}
		byThread[t] = append(byThread[t], unit)
	}
	out := make([][][]int, len(threads))
	for i, t := range threads {
		out[i] = byThread[t]
	}
	return out
}

// interleave calls fn with every merge of the threads' unit sequences
// that keeps each thread's order (fn must not keep the slice), while
// *going.
func interleave(seqs [][][]int, fn func([]int), going *bool) {
	next := make([]int, len(seqs))
	var order []int
	var rec func()
	rec = func() {
		if !*going {
			return
		}
		done := true
		for t, units := range seqs {
			if next[t] == len(units) {
				continue
			}
			done = false
			u := units[next[t]]
			next[t]++
			order = append(order, u...)
			rec()
			order = order[:len(order)-len(u)]
			next[t]--
		}
		if done {
			fn(order)
		}
	}
	rec()
}

// permute calls fn with every permutation of xs (fn must not keep it),
// while *going.
func permute(xs []int, fn func([]int), going *bool) {
	a := append([]int(nil), xs...)
	var rec func(k int)
	rec = func(k int) {
		if !*going {
			return
		}
		if k == len(a) {
			fn(a)
			return
		}
		for i := k; i < len(a); i++ {
			a[k], a[i] = a[i], a[k]
			rec(k + 1)
			a[k], a[i] = a[i], a[k]
		}
	}
	rec(0)
}
