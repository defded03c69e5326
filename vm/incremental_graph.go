package vm

import (
	"slices"

	"github.com/mmuvm/mmuvm/memmodel"
)

// The execution graph the incremental search builds (incremental.go):
// per CPU its events and choices in program order, each in the graph or a
// hole, with the order they were added in (stamps), reads-from, and per
// location the coherence order of its writes.

// iref names a write: an item of a CPU, or (t == -1) a location's
// initial write.
type iref struct{ t, i int32 }

var noRef = iref{-2, -1}

func (r iref) init() bool { return r.t == -1 }

// iitem is one event or choice of a CPU. (Its fields are laid out to
// pack: a graph's clone copies the items of the CPU it changes.)
type iitem struct {
	ev memmodel.Event
	// sdeps are the items of the CPU it depends on (incRec.sem, then
	// incRec.joined: sdn), mdeps
	// the model's dependencies onto it
	sdeps  []int32
	mdeps  []idep
	key    uint64 // its identity in the CPU's run (incCursor.start)
	rf     iref   // a read: the write it reads
	stamp  int32  // when it was added
	rmw    int32  // an RMW's write: its read; else -1
	n, val int32  // a choice: its options and the one taken
	// sdn is how many of sdeps it needs to exist; the rest are the reads
	// of branches before it whose paths have joined (incRec.joined)
	sdn    int32
	choice bool // a choice of the run (an IPI taken, an irq fired), not an event
	in     bool // in the graph; false: a hole, to be added again
	max    bool // added with its first option (the co-latest write, the last place)
	stable bool // in the prefix of a write that revisited a read: not revisitable
	// leaf: a revisit kept it without all it depends on (a write a kept
	// read of its CPU reads); if a refilled dependency makes it vanish,
	// that graph has no execution (incr.explained)
	leaf bool
}

// idep is a dependency edge of the model onto an item, from item from.
type idep struct {
	kind uint8 // depAddr...
	from int32
}

const (
	depAddr = iota
	depData
	depCtrl
	depPickAddr
	depPickData
	depPickCtrl
	depSrcu
	depRmw
	depSi
	depSib
	depKinds
)

// needs is what the item needs to exist: the items of sdeps but the
// joined branches' reads.
func (it *iitem) needs() []int32 { return it.sdeps[:it.sdn] }

// remapDeps renames the items of its CPU the item depends on, by to
// (-1: gone, and dropped).
func (it *iitem) remapDeps(to func(int32) int32) {
	var sd []int32
	n := 0
	for k, d := range it.sdeps {
		if m := to(d); m >= 0 {
			sd = append(sd, m)
			if k < int(it.sdn) {
				n++
			}
		}
	}
	it.sdeps, it.sdn = sd, int32(n)
	var md []idep
	for _, d := range it.mdeps {
		if m := to(d.from); m >= 0 {
			md = append(md, idep{kind: d.kind, from: m})
		}
	}
	it.mdeps = md
	if it.rmw >= 0 {
		it.rmw = to(it.rmw)
	}
}

func (it *iitem) isRead() bool { return it.in && !it.choice && it.ev.Kind == memmodel.Read }

// decision tells whether the item is one of the run's decisions (a read
// or a choice), which replays answer.
func (it *iitem) decision() bool { return it.choice || it.ev.Kind == memmodel.Read }

// ithread is one CPU of the graph.
type ithread struct {
	items []iitem
	next  *inext    // its replay, while its items are unchanged
	lo    [][]int32 // its local order (incr.localOrder), while they are
	// shared says items is another graph's too (clone copies a CPU's
	// items only when one of the graphs changes them: a step changes one
	// CPU, and copying every CPU's was a third of the bytes allocated)
	shared bool
	// hw is how far the array under items is claimed: the longest any
	// graph's items in it have been. The graph whose items reach it adds
	// its next item in place, the others copy theirs first (ithread.push).
	hw *int32
}

// touch notes that the CPU's items changed: its replay and local order go.
func (th *ithread) touch() { th.next, th.lo = nil, nil }

// own makes the CPU's items this graph's alone, before they change.
func (th *ithread) own() {
	if th.shared {
		th.copyItems()
	}
}

// copyItems gives the CPU an array of its own, with room to grow.
func (th *ithread) copyItems() {
	n := len(th.items)
	items := make([]iitem, n, n+n/2+8)
	copy(items, th.items)
	th.items, th.shared, th.hw = items, false, new(int32)
	*th.hw = int32(n)
}

// push adds an item at the end. The graphs cloned from one another share
// a CPU's array of items: the first to add an item past the shared ones
// adds it in place, and a graph copies its items only when another got
// there first, or to change one. Building ptdump-walk-2m's graphs under
// armv8 copied every item of the CPU at each event added (a sixth of the
// time, in moving memory), though most additions are the only ones
// made to their graph.
func (th *ithread) push(it iitem) {
	if th.hw == nil || int(*th.hw) != len(th.items) || len(th.items) == cap(th.items) {
		th.copyItems()
	}
	th.items = append(th.items, it)
	*th.hw++
}

// cut drops the items from position n on.
func (th *ithread) cut(n int) {
	th.items = th.items[:n]
	if !th.shared && th.hw != nil {
		*th.hw = int32(n) // the array is this graph's alone
	}
}

// igraph is an execution graph under construction.
type igraph struct {
	th    []ithread
	co    [][]iref // per location id: its writes after the initial one, in coherence order
	stamp int32    // the next stamp
	// judge says the model must look at the graph: a choice other than
	// the first was made, a revisit or a hole changed it. (A graph the
	// model allows stays allowed when an event is added at the end of its
	// CPU with its first option: nothing comes after it yet, so it closes
	// no cycle. GenMC relies on the same.)
	judge bool
}

func (g *igraph) clone() *igraph {
	c := &igraph{th: make([]ithread, len(g.th)), co: make([][]iref, len(g.co)), stamp: g.stamp, judge: g.judge}
	for t := range g.th {
		g.th[t].shared = true
		c.th[t] = ithread{items: g.th[t].items, next: g.th[t].next, lo: g.th[t].lo, shared: true, hw: g.th[t].hw}
	}
	for l := range g.co {
		c.co[l] = slices.Clone(g.co[l])
	}
	return c
}

// size counts the graph's items.
func (g *igraph) size() int {
	n := 0
	for t := range g.th {
		n += len(g.th[t].items)
	}
	return n
}

func (g *igraph) item(r iref) *iitem { return &g.th[r.t].items[r.i] }

// mitem is item r, to be changed.
func (g *igraph) mitem(r iref) *iitem {
	g.th[r.t].own()
	return g.item(r)
}

// put adds item it at position p of CPU t (filling a hole, or at the end).
func (g *igraph) put(t, p int, it iitem) {
	it.in, it.stamp = true, g.stamp
	g.stamp++
	th := &g.th[t]
	if p == len(th.items) {
		th.push(it)
	} else {
		th.own()
		th.items[p] = it
		g.judge = true
	}
	th.touch()
}

// stampOf is the stamp of a write (-1 for an initial write).
func (g *igraph) stampOf(r iref) int32 {
	if r.init() {
		return -1
	}
	return g.item(r).stamp
}

// rank is a write's place in its location's coherence order (0: the
// initial write), -1 if it is not there.
func (g *igraph) rank(l int32, r iref) int {
	if r.init() {
		return 0
	}
	if int(l) >= len(g.co) {
		return -1
	}
	if i := slices.Index(g.co[l], r); i >= 0 {
		return i + 1
	}
	return -1
}

func (g *igraph) coOf(l int32) []iref {
	if int(l) < len(g.co) {
		return g.co[l]
	}
	return nil
}

// insertCo puts write r at coherence rank k (1: right after the initial
// write) of location l.
func (g *igraph) insertCo(l int32, k int, r iref) {
	for int(l) >= len(g.co) {
		g.co = append(g.co, nil)
	}
	g.co[l] = slices.Insert(g.co[l], k-1, r)
}

// iset is a set of items, per CPU.
type iset [][]bool

func newISet(g *igraph) iset {
	s := make(iset, len(g.th))
	for t := range s {
		s[t] = make([]bool, len(g.th[t].items))
	}
	return s
}

func (s iset) has(r iref) bool { return r.init() || s[r.t][r.i] }
