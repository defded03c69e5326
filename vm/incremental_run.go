package vm

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/memmodel"
)

// replay runs CPU t with the answers g holds and finds its next item.
func (e *incr) replay(g *igraph, t int) *inext {
	th := &g.th[t]
	if th.next != nil {
		return th.next
	}
	rec := e.recs[t]
	mo := rec.memo()
	ans, known, keys := answers(th.items)
	if !mo.same(ans, known, keys) {
		if !e.run(t, rec, mo, len(th.items), ans, known, keys) {
			nx := &inext{pos: -1, lost: -1, dead: true}
			th.next = nx
			return nx
		}
	}
	cur, run := mo.cur, mo.run
	nx := &inext{pos: -1, lost: -1, ipiAt: mo.ipiAt}
	switch {
	case cur.bad != "":
		e.bad = fmt.Sprintf("%s: a replay went wrong: %s", e.threadName(t), cur.bad)
	default:
		if nx.lost = e.realign(g, t, cur.recs, nx); nx.lost >= 0 {
			nx.lostWhy = fmt.Sprintf("%s: its run no longer makes a kept event (%s)", e.threadName(t), e.describeItem(&th.items[nx.lost]))
			break
		}
		e.next(th, t, mo, nx)
		nx.cut = nx.ended && (run.violation != nil || run.blocked || mo.pruned)
		if nx.pos < 0 && nx.lost < 0 && e.bad == "" {
			nx.run, nx.dead = run, mo.pruned
			if rec.unrolled {
				e.noteUnrolled()
			}
		}
	}
	th.next = nx
	return nx
}

// answers lists the answers of a CPU's items that are decisions, in
// order: whether each is in the graph (else a hole) and its key.
func answers(items []iitem) (ans []uint64, known []bool, keys []uint64) {
	n := len(items)
	ans, known, keys = make([]uint64, 0, n), make([]bool, 0, n), make([]uint64, 0, n)
	for i := range items {
		it := &items[i]
		if !it.decision() {
			continue
		}
		v := it.ev.Val
		if it.choice {
			v = uint64(it.val)
		}
		ans, known, keys = append(ans, v), append(known, it.in), append(keys, it.key)
	}
	return ans, known, keys
}

// run runs CPU t (or its handler thread), whose graph holds items items,
// with the answers given, into the memo. It is false if the run stopped
// at the time or memory budget.
func (e *incr) run(t int, rec *recorder, mo *replayMemo, items int, ans []uint64, known []bool, keys []uint64) bool {
	rec.occ.reset(len(e.x.m.prog.Code))
	// room for a record per item and a few more: growing them was a
	// tenth of a replay's time on ptdump-walk-2m. The records go in the
	// memo's buffer, kept from one run to the next (nothing keeps them
	// past the memo): a free adds a poison write per entry read, hundreds
	// in one call, and growing the records past the items was again a
	// tenth of that script's time
	if cap(mo.buf) < items+4 {
		mo.buf = make([]incRec, 0, items+4)
	}
	mo.cur = nil // the memo is this run's, once it is over
	cur := &incCursor{e: e, callChoice: -1, occ: &rec.occ, recs: mo.buf[:0], ans: ans, known: known, keys: keys}
	rec.inc = cur
	var run weakRun
	if h := e.hand(t); h != nil {
		run = e.x.m.handlerAlone(h, rec)
	} else {
		run = e.x.m.runAlone(e.cpus[t], rec)
	}
	rec.inc = nil
	mo.buf = cur.recs[:0]
	e.x.m.budget.run = 0
	if e.x.m.budget.exceeded != "" { // the run stopped at the time or memory budget
		e.x.overBudgetStop()
		return false
	}
	mo.keep(&e.x.m.budget, replayMemo{cur: cur, run: run, ipiAt: rec.ipiAt, pruned: rec.pruned, buf: mo.buf, ta: rec.ta})
	return true
}

// next compares the replay's records with the items the graph holds and
// makes the first the graph lacks into the CPU's next item.
func (e *incr) next(th *ithread, t int, mo *replayMemo, nx *inext) {
	name := e.threadName(t)
	cur, tr := mo.cur, mo.run.trace
	for p, rc := range cur.recs {
		if p < len(th.items) && th.items[p].in {
			deps := mo.modelDeps()
			if !sameDeps(th.items[p].mdeps, deps[p]) {
				// the same event, with the dependencies the values it
				// now follows give it (a pick that went the other way):
				// the graph is judged again with them
				th.own()
				th.items[p].mdeps = deps[p]
				nx.redeps, th.lo = true, nil
			}
			if !sameItem(&th.items[p], rc, tr) {
				nx.lost = p
				nx.lostWhy = fmt.Sprintf("%s: a kept event differs (%s)", name, e.describeItem(&th.items[p]))
				return
			} else if rc.kind == memmodel.Read {
				// a conditional RMW's read learns its annotations from
				// the value it reads (Retag): a lone read if it failed
				if tags := tr.Events[rc.ev].Tags; tags != th.items[p].ev.Tags {
					th.own()
					th.items[p].ev.Tags, th.lo = tags, nil
				}
			}
			continue
		}
		nx.pos = p
		nx.item = e.newItem(mo, p)
		return
	}
	if len(cur.recs) < len(th.items) {
		k := len(cur.recs)
		for k < len(th.items) && !th.items[k].in {
			k++
		}
		if k == len(th.items) { // only holes: events the run no longer makes
			th.own()
			th.cut(len(cur.recs))
			th.lo = nil
			return
		}
		nx.lost, nx.ended = k, true
		nx.lostWhy = fmt.Sprintf("%s: its run ends before a kept event (%s)", name, e.describeItem(&th.items[nx.lost]))
	}
}

// modelDeps lists, per record of a replay, the model's dependencies onto
// its event, from the records of the events they come from.
func modelDeps(recs []incRec, tr *memmodel.Trace) [][]idep {
	at := make([]int32, len(tr.Events)) // trace index -> record, or -1
	for i := range at {
		at[i] = -1
	}
	for p, r := range recs {
		if r.ev >= 0 {
			at[r.ev] = int32(p)
		}
	}
	// two passes: count each record's dependencies, then fill one array
	// cut into the records' lists (appending to each list grew it a few
	// times per record: a fifth of ptdump-walk-2m's time under armv8 went
	// to growing slices and collecting them)
	lists := depLists(tr)
	n := make([]int32, len(recs)+1)
	for _, ds := range lists {
		for _, d := range ds {
			if to, from := at[d.To], at[d.From]; to >= 0 && from >= 0 {
				n[to+1]++
			}
		}
	}
	for i := 1; i < len(n); i++ {
		n[i] += n[i-1]
	}
	flat := make([]idep, n[len(recs)])
	out := make([][]idep, len(recs))
	for i := range out {
		if n[i] < n[i+1] {
			out[i] = flat[n[i]:n[i]:n[i+1]]
		}
	}
	for kind, ds := range lists {
		for _, d := range ds {
			if to, from := at[d.To], at[d.From]; to >= 0 && from >= 0 {
				out[to] = append(out[to], idep{kind: uint8(kind), from: from})
			}
		}
	}
	return out
}

// depLists are a trace's dependency lists, by kind (depAddr...).
func depLists(tr *memmodel.Trace) [depKinds][]memmodel.Dep {
	return [...][]memmodel.Dep{depAddr: tr.Addr, depData: tr.Data, depCtrl: tr.Ctrl, depPickAddr: tr.PickAddr,
		depPickData: tr.PickData, depPickCtrl: tr.PickCtrl, depSrcu: tr.SrcuMatch, depRmw: tr.Rmw, depSi: tr.Si, depSib: tr.Sib}
}

// sameDeps compares two sets of dependencies. Both are made in the same
// order (depLists, then the trace's), so they are mostly equal as lists:
// the set comparison, quadratic in a control dependency's reads, is for
// when they are not.
func sameDeps(a, b []idep) bool {
	if len(a) != len(b) {
		return false
	}
	if slices.Equal(a, b) {
		return true
	}
	for _, d := range a {
		if !slices.Contains(b, d) {
			return false
		}
	}
	return true
}

func sameItem(it *iitem, rc incRec, tr *memmodel.Trace) bool {
	switch {
	case it.choice || rc.ev == -1:
		return it.choice && rc.ev == -1 && int(it.n) == rc.n
	case it.ev.Kind == 0 || rc.ev == noEvent:
		return it.ev.Kind == 0 && rc.ev == noEvent
	}
	ev := tr.Events[rc.ev]
	if ev.Kind == memmodel.Read {
		return ev.Kind == it.ev.Kind && ev.Loc == it.ev.Loc
	}
	return ev.Kind == it.ev.Kind && ev.Loc == it.ev.Loc && ev.Tags == it.ev.Tags && ev.Val == it.ev.Val
}

// newItem makes record p of the memo's run into an item, with its
// dependencies on the records before it.
func (e *incr) newItem(mo *replayMemo, p int) iitem {
	recs, tr := mo.cur.recs, mo.run.trace
	rc := recs[p]
	reads, choices := mo.before(p)
	it := iitem{rf: noRef, rmw: -1, key: rc.key}
	it.sdeps = append(it.sdeps, choices[:rc.choices]...)
	if rc.in >= 0 {
		it.sdeps = append(it.sdeps, int32(rc.in))
	}
	eachRead(mo.ta, rc.sem, func(k int) {
		if k < len(reads) {
			it.sdeps = append(it.sdeps, reads[k])
		}
	})
	it.sdn = int32(len(it.sdeps))
	if rc.ev == noEvent {
		return it // an empty item: a conditional RMW's write that did not happen
	}
	if rc.ev < 0 {
		it.choice, it.n = true, int32(rc.n)
		return it
	}
	it.ev = tr.Events[rc.ev]
	it.mdeps = mo.modelDeps()[p]
	var void []int32 // the reads its taints name but its values do not need
	eachRead(mo.ta, rc.void, func(k int) {
		if k < len(reads) {
			void = append(void, reads[k])
		}
	})
	for _, d := range it.mdeps {
		if d.kind == depRmw {
			it.rmw = d.from
		}
		if d.kind <= depPickCtrl && slices.Contains(void, d.from) {
			continue // the model may order it after that read, but it exists whatever the read returns
		}
		if !slices.Contains(it.sdeps, d.from) {
			it.sdeps = append(it.sdeps, d.from) // a dependency of the model is one of existence too
		}
	}
	it.sdn = int32(len(it.sdeps))
	eachRead(mo.ta, rc.joined, func(k int) {
		if k < len(reads) && !slices.Contains(it.sdeps, reads[k]) {
			it.sdeps = append(it.sdeps, reads[k])
		}
	})
	return it
}

func (e *incr) noteUnrolled() {
	for _, b := range e.w.bounds {
		if strings.HasPrefix(b, "loops:") {
			return
		}
	}
	e.w.bounds = append(e.w.bounds, fmt.Sprintf("loops: a loop whose exit depends on what it reads was unrolled %d times, as herd does; runs that need more passes are not explored", weakLoopBound))
}

func (e *incr) describeItem(it *iitem) string {
	if it.choice {
		return fmt.Sprintf("a choice of %d", it.n)
	}
	if it.ev.Kind == 0 {
		return "a conditional RMW's write that did not happen"
	}
	return it.ev.String()
}

// graph builds the memmodel graph of g's events: the initial writes of
// the locations they access first, then each CPU's events in program
// order. pos maps each item in the graph to its event. With only >= 0 it
// has that CPU's events alone, its reads of other CPUs' writes reading
// the initial ones (for its local order).
func (e *incr) graph(g *igraph, only int) (*memmodel.Graph, [][]int) {
	seen := map[uint64]bool{}
	var locs []uint64
	events := 0            // the graph's events, to size its lists once
	var deps [depKinds]int // the model's dependencies by kind, likewise
	for t := range g.th {
		if only >= 0 && t != only {
			continue
		}
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			if !it.in || it.choice || it.ev.Kind == 0 {
				continue
			}
			events++
			for _, d := range it.mdeps {
				deps[d.kind]++
			}
			if (it.ev.Kind != memmodel.Fence || it.ev.Tags&memmodel.SyncSrcu != 0) && !seen[it.ev.Loc] {
				seen[it.ev.Loc] = true
				locs = append(locs, it.ev.Loc)
			}
		}
	}
	sort.Slice(locs, func(i, j int) bool { return locs[i] < locs[j] })
	mg := &memmodel.Graph{Stop: e.x.interruptedNow, Events: make([]memmodel.Event, 0, len(locs)+events)}
	initOf := make(map[uint64]int, len(locs))
	for i, l := range locs {
		initOf[l] = i
		mg.Events = append(mg.Events, memmodel.Event{Thread: -1, Kind: memmodel.Write, Loc: l, Val: e.w.init[l]})
	}
	pos := make([][]int, len(g.th))
	for t := range g.th {
		pos[t] = make([]int, len(g.th[t].items))
		for i := range g.th[t].items {
			pos[t][i] = -1
			if it := &g.th[t].items[i]; it.in && !it.choice && it.ev.Kind != 0 && (only < 0 || t == only) {
				pos[t][i] = len(mg.Events)
				ev := it.ev
				ev.Thread = t
				mg.Events = append(mg.Events, ev)
			}
		}
	}
	n := len(mg.Events)
	mg.Rf, mg.CoRank = make([]int, n), make([]int, n)
	for i := range mg.Rf {
		mg.Rf[i], mg.CoRank[i] = -1, -1
	}
	for i := range locs {
		mg.CoRank[i] = 0
	}
	for l, co := range g.co {
		for k, w := range co {
			if p := pos[w.t][w.i]; p >= 0 && e.addrs[l] == mg.Events[p].Loc {
				mg.CoRank[p] = k + 1
			}
		}
	}
	var lists [depKinds][]memmodel.Dep // by kind, as depLists
	for k, n := range deps {
		lists[k] = make([]memmodel.Dep, 0, n)
	}
	for t := range g.th {
		for i := range g.th[t].items {
			it := &g.th[t].items[i]
			p := pos[t][i]
			if p < 0 {
				continue
			}
			if it.ev.Kind == memmodel.Read {
				mg.Rf[p] = initOf[it.ev.Loc]
				if !it.rf.init() && pos[it.rf.t][it.rf.i] >= 0 {
					mg.Rf[p] = pos[it.rf.t][it.rf.i]
				}
			}
			for _, d := range it.mdeps {
				from := pos[t][d.from]
				if from < 0 {
					continue
				}
				lists[d.kind] = append(lists[d.kind], memmodel.Dep{From: int32(from), To: int32(p)})
			}
		}
	}
	mg.Addr, mg.Data, mg.Ctrl, mg.PickAddr = lists[depAddr], lists[depData], lists[depCtrl], lists[depPickAddr]
	mg.PickData, mg.PickCtrl, mg.SrcuMatch, mg.Rmw = lists[depPickData], lists[depPickCtrl], lists[depSrcu], lists[depRmw]
	mg.Si, mg.Sib = lists[depSi], lists[depSib]
	return mg, pos
}

// consistent asks the model about a partial graph.
func (e *incr) consistent(g *igraph) bool {
	mg, _ := e.graph(g, -1)
	if !e.x.weakGraphMemory(memmodel.CheckBytes(e.model, mg)) {
		return false
	}
	e.scratch.Use(mg) // only the answer outlives the check
	ok := memmodel.CheckPrefix(e.model, mg)
	return ok && !mg.Stop()
}

// complete files a graph every CPU has finished, if the model allows it.
func (e *incr) complete(g *igraph) {
	if len(e.hands) > 0 {
		e.completePlaced(g)
		return
	}
	all := make([][]weakRun, len(g.th))
	for t := range g.th {
		nx := g.th[t].next
		if nx.dead {
			return // some assumption of a run failed: not an execution
		}
		all[t] = []weakRun{nx.run}
	}
	e.record(g, all, true)
}

// record checks complete graph g, whose CPUs ran the runs all, and files
// it as an execution if the model allows it and it was not filed before;
// count says it is a complete graph of the search's (incr.graphs), not a
// placement of one. It is false only where the model does not allow g (a
// placement then tries the next); a budget or a stop ends the search.
func (e *incr) record(g *igraph, all [][]weakRun, count bool) bool {
	mg, _ := e.graph(g, -1)
	if !e.x.weakGraphMemory(memmodel.CheckBytes(e.model, mg)) {
		return true
	}
	if count {
		if e.countGraph() {
			return true
		}
	}
	// the relations are dead once the model answers (weakRecord reads the
	// events; a placement's ob is in placeScratch)
	e.scratch.Use(mg)
	ok, flags := e.model.Check(mg)
	if mg.Stop() {
		e.x.stop = true
		return true
	}
	if !ok {
		return false
	}
	if e.firstBuilt(mg, g) {
		e.x.weakRecord(mg, make([]int, len(all)), all, e.cpus, flags)
	}
	return true
}

// firstBuilt tells whether g (mg, its memmodel graph) is built for the
// first time, where the search keeps what it built (e.built, under lkmm),
// and notes it; it is false, too, when the memory budget refuses the
// note. Tests count the graphs built in e.dup. The key is made only where
// one of them asks: it formats every event.
func (e *incr) firstBuilt(mg *memmodel.Graph, g *igraph) bool {
	if e.built == nil && e.dup == nil {
		return true
	}
	key := graphKey(mg) + choicesKey(g)
	if e.built != nil {
		h := fnv.New128a()
		h.Write([]byte(key))
		var k [16]byte
		h.Sum(k[:0])
		if e.built[k] {
			return false
		}
		if !e.x.m.memTake(&e.x.m.budget.held, builtBytes, "the incremental search's executions") {
			e.x.overBudgetStop()
			return false
		}
		e.built[k] = true
	}
	if e.dup != nil {
		e.dup[key]++
	}
	return true
}

// builtBytes is what a note in incr.built costs: its key and the map's
// share of a bucket.
const builtBytes = 48

// choicesKey names the choices of g's runs (an irq fired here, an IPI
// taken there): executions with the same events, reads-from and
// coherence differ in them when a choice changes only the CPU's own
// state (an irq handler that touches task words: the lazy-MMU nesting of
// seed 001, whose assertion the search missed when such executions were
// counted as one).
func choicesKey(g *igraph) string {
	var b strings.Builder
	for t := range g.th {
		b.WriteString("|")
		for i := range g.th[t].items {
			if it := &g.th[t].items[i]; it.in && it.choice {
				b.WriteString(strconv.Itoa(i) + ":" + strconv.Itoa(int(it.val)) + ",")
			}
		}
	}
	return b.String()
}

// graphKey names a graph by its events, reads-from and coherence (tests
// look for graphs built twice).
func graphKey(g *memmodel.Graph) string {
	var b strings.Builder
	for i, ev := range g.Events {
		b.WriteString(ev.String())
		b.WriteString("/" + strconv.Itoa(ev.Thread) + "/" + strconv.Itoa(g.Rf[i]) + "/" + strconv.Itoa(g.CoRank[i]) + ";")
	}
	return b.String()
}
