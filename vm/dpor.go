package vm

import (
	"math/bits"
	"slices"
	"sort"
)

// Dynamic partial-order reduction: source sets with sleep sets (Abdulla,
// Aronis, Jonsson, Sagonas, "Source Sets", JACM 2017), stateless, replaying
// the common prefix of each new execution. Two steps are dependent when
// their footprints (what the MMU store recorded them reading and writing)
// share a location that at least one of them writes. After each execution
// every race — a pair of dependent steps of different threads not ordered
// through a third — is reversed by adding, at the state before the first
// step, a thread that starts an equivalent execution with the second step
// first (an initial of notdep(e, E).e'), unless one is there already.
//
// Blocking needs no special case: a failed lock attempt, an IPI wait or a
// spin iteration is itself a step that read what it waited for, so the write
// that releases it is dependent on it. A thread that is blocked (or has
// nothing to do) where a race would schedule it is skipped: its next step
// there would only repeat reads of unchanged values.

type dnode struct {
	enabled   uint64 // threads enabled in the state before this node's step
	backtrack uint64
	done      uint64
	sleep     []sleeper // asleep here: inherited, then siblings already explored
	thread    int       // the step taken from here (-1 while none)
	fp        []uint64  // its footprint, sorted, one entry per location
	snap      snapshot  // the state before the step, to come back to
}

type sleeper struct {
	thread int
	fp     []uint64
}

func (n *dnode) sleepMask() uint64 {
	var s uint64
	for _, x := range n.sleep {
		s |= 1 << uint(x.thread)
	}
	return s
}

// candidates are the threads still to explore from n.
func (n *dnode) candidates() uint64 {
	return n.backtrack &^ n.done &^ n.sleepMask() & n.enabled
}

func (x *explorer) dpor() {
	m := x.m
	var nodes []*dnode
	var buf []int
	newNode := func(sleep []sleeper) *dnode {
		n := x.freeNode()
		n.thread, n.sleep = -1, sleep
		m.save(&n.snap)
		for _, t := range m.Enabled(buf) {
			n.enabled |= 1 << uint(t)
		}
		if c := n.enabled &^ n.sleepMask(); c != 0 {
			n.backtrack = c & -c // lowest enabled thread not asleep
		}
		return n
	}
	m.Reset()
	nodes = append(nodes, newNode(nil))
	x.done = func() float64 {
		return treeDone(len(nodes), func(d int) (int, int) {
			n := nodes[d]
			return bits.OnesCount64(n.done), bits.OnesCount64((n.backtrack | n.done) & n.enabled)
		})
	}
	var schedule []int
	firstNew := 0 // steps before it repeat the previous execution's
	for !x.interrupted() {
		// extend the current execution until it ends
		for {
			n := nodes[len(nodes)-1]
			c := n.candidates()
			if c == 0 || m.violation != nil {
				break
			}
			t := bits.TrailingZeros64(c)
			m.step(t)
			n.thread, n.done = t, n.done|1<<uint(t)
			n.fp = normalizeInto(n.fp[:0], m.Footprint())
			var child []sleeper
			for _, s := range n.sleep {
				if !dependent(s.fp, n.fp) {
					child = append(child, s)
				}
			}
			nodes = append(nodes, newNode(child))
		}
		last := nodes[len(nodes)-1]
		schedule = schedule[:0]
		for _, n := range nodes[:len(nodes)-1] {
			schedule = append(schedule, n.thread)
		}
		if m.violation != nil || last.enabled == 0 {
			x.record(schedule)
		} // else: every enabled thread is asleep, a redundant execution
		if m.violation != nil && len(nodes) > 1 {
			// the violating step ended the execution, disabling every other
			// thread: it is dependent on all their next steps
			v := nodes[len(nodes)-2]
			v.backtrack |= v.enabled &^ v.sleepMask()
		}
		x.addBacktracks(nodes, firstNew)
		if !x.backtrackTo(&nodes) {
			x.r.Complete = !x.stop
			return
		}
		firstNew = len(nodes) - 1
	}
}

// backtrackTo finds the deepest node with a thread left to explore, puts
// the machine in its state and trims the path; false when there is none.
func (x *explorer) backtrackTo(nodes *[]*dnode) bool {
	ns := *nodes
	for i := len(ns) - 1; i >= 0; i-- {
		n := ns[i]
		if n.thread >= 0 {
			n.sleep = append(n.sleep, sleeper{n.thread, n.fp}) // the sleeper owns fp now
			n.thread, n.fp = -1, nil
		}
		if n.candidates() == 0 {
			continue
		}
		x.dropped = append(x.dropped, ns[i+1:]...)
		*nodes = ns[:i+1]
		x.m.restore(&n.snap)
		return true
	}
	return false
}

// freeNode returns a node for reuse (its snapshot buffers and footprint
// slice kept), or a new one.
func (x *explorer) freeNode() *dnode {
	n := len(x.dropped)
	if n == 0 {
		return &dnode{}
	}
	d := x.dropped[n-1]
	x.dropped = x.dropped[:n-1]
	d.enabled, d.backtrack, d.done = 0, 0, 0
	return d
}

// normalize sorts a footprint and merges repeated locations (a write wins).
func normalize(fp []uint64) []uint64 { return normalizeInto(nil, fp) }

// normalizeInto is normalize writing into dst's storage.
func normalizeInto(dst, fp []uint64) []uint64 {
	out := append(dst, fp...)
	slices.Sort(out)
	w := 0
	for _, f := range out {
		if w > 0 && out[w-1]>>1 == f>>1 {
			out[w-1] |= f & 1
			continue
		}
		out[w] = f
		w++
	}
	return out[:w]
}

// dependent tells whether two normalized footprints conflict.
func dependent(a, b []uint64) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		la, lb := a[i]>>1, b[j]>>1
		switch {
		case la < lb:
			i++
		case la > lb:
			j++
		default:
			if (a[i]|b[j])&1 != 0 {
				return true
			}
			i++
			j++
		}
	}
	return false
}

// addBacktracks finds the races of the execution in nodes and makes sure
// each is reversed in some explored execution.
func (x *explorer) addBacktracks(nodes []*dnode, firstNew int) {
	ev := nodes[:len(nodes)-1]
	n := len(ev)
	if n == 0 {
		return
	}
	nt := x.m.Threads()
	b := &x.race
	b.reset(n, nt)
	idx, vc, count, lastOf := b.idx, b.vc, b.count, b.lastOf
	for j, e := range ev {
		t := e.thread
		count[t]++
		idx[j] = count[t]
		v := vc[j]
		pred := lastOf[t]
		if pred >= 0 {
			copy(v, vc[pred])
		}
		cands := x.conflicts(e.fp, j, t, ev, b)
		for _, i := range cands {
			for k := range v {
				v[k] = max(v[k], vc[i][k])
			}
		}
		v[t] = int32(idx[j])
		// races ending before firstNew were reversed when this prefix was
		// first explored: the same steps, the same footprints
		if j >= firstNew {
			for _, i := range cands {
				if !covered(i, cands, pred, idx, vc, ev) {
					x.reverse(nodes, i, j, idx, vc)
				}
			}
		}
		lastOf[t] = j
		for _, f := range e.fp {
			a := b.history(f >> 1)
			if f&1 != 0 {
				a.lastWrite, a.reads = j, a.reads[:0]
			} else {
				a.reads = append(a.reads, j)
			}
		}
	}
}

// raceBufs holds addBacktracks' working storage, reused across executions.
type raceBufs struct {
	idx, count, lastOf []int
	flat               []int32
	vc                 [][]int32
	locs               map[uint64]*locHistory
	pool               []*locHistory
	used               int
	cands              []int
}

func (b *raceBufs) reset(n, nt int) {
	grow := func(s []int, k int) []int {
		if cap(s) < k {
			return make([]int, k)
		}
		return s[:k]
	}
	b.idx, b.count, b.lastOf = grow(b.idx, n), grow(b.count, nt), grow(b.lastOf, nt)
	clear(b.count)
	for i := range b.lastOf {
		b.lastOf[i] = -1
	}
	if cap(b.flat) < n*nt {
		b.flat = make([]int32, n*nt)
	}
	b.flat = b.flat[:n*nt]
	clear(b.flat)
	b.vc = b.vc[:0]
	for j := 0; j < n; j++ {
		b.vc = append(b.vc, b.flat[j*nt:(j+1)*nt:(j+1)*nt])
	}
	if b.locs == nil {
		b.locs = map[uint64]*locHistory{}
	}
	clear(b.locs)
	b.used = 0
}

// history returns the access history of a location, from the pool.
func (b *raceBufs) history(loc uint64) *locHistory {
	if a := b.locs[loc]; a != nil {
		return a
	}
	if b.used == len(b.pool) {
		b.pool = append(b.pool, &locHistory{})
	}
	a := b.pool[b.used]
	b.used++
	a.lastWrite, a.reads = -1, a.reads[:0]
	b.locs[loc] = a
	return a
}

// locHistory is the history of one location in an execution.
type locHistory struct {
	lastWrite int
	reads     []int
}

// conflicts lists the earlier events of other threads that event j (of
// thread t) depends on and that are not ordered before it through another
// access of the same location: the last write, and the reads since it when
// j writes.
func (x *explorer) conflicts(fp []uint64, j, t int, ev []*dnode, b *raceBufs) []int {
	out := b.cands[:0]
	defer func() { b.cands = out[:0] }()
	add := func(i int) {
		if i < 0 || ev[i].thread == t {
			return
		}
		for _, o := range out {
			if o == i {
				return
			}
		}
		out = append(out, i)
	}
	for _, f := range fp {
		a := b.locs[f>>1]
		if a == nil {
			continue
		}
		add(a.lastWrite)
		if f&1 != 0 {
			for _, r := range a.reads {
				add(r)
			}
		}
	}
	sort.Ints(out)
	return out
}

// covered tells whether event i happens before event j through another of
// j's direct predecessors (then i and j are not in a race).
func covered(i int, cands []int, pred int, idx []int, vc [][]int32, ev []*dnode) bool {
	ti := ev[i].thread
	if pred >= 0 && int(vc[pred][ti]) >= idx[i] {
		return true
	}
	for _, k := range cands {
		if k > i && int(vc[k][ti]) >= idx[i] {
			return true
		}
	}
	return false
}

// reverse adds to the node before event i a thread that starts
// notdep(i).j, unless the node's backtrack set has one of its initials.
func (x *explorer) reverse(nodes []*dnode, i, j int, idx []int, vc [][]int32) {
	ev := nodes
	ti := ev[i].thread
	nt := x.m.Threads()
	first := make([]int, nt) // smallest position of each thread in v so far
	var initials uint64
	consider := func(k int) {
		t := ev[k].thread
		if first[t] == 0 {
			preceded := false
			for u := 0; u < nt && !preceded; u++ {
				preceded = first[u] != 0 && int(vc[k][u]) >= first[u]
			}
			if !preceded {
				initials |= 1 << uint(t)
			}
			first[t] = idx[k]
		}
	}
	for k := i + 1; k < j; k++ {
		if int(vc[k][ti]) >= idx[i] { // happens after e_i: not in notdep
			continue
		}
		consider(k)
	}
	consider(j)
	n := nodes[i]
	q := uint64(1) << uint(ev[j].thread)
	if n.enabled&q == 0 && nodes[i+1].enabled&q != 0 {
		// Step i enabled the thread of step j (local_irq_restore() lets
		// an irq or an IPI in): the two cannot be reversed. What can be is
		// the step that disabled it, which is not in a race with it
		// because step i's write is in between; so run the thread at the
		// latest earlier state where it could run.
		for k := i - 1; k >= 0; k-- {
			if nk := nodes[k]; nk.enabled&q != 0 {
				if (nk.backtrack|nk.sleepMask())&q == 0 {
					nk.backtrack |= q
				}
				return
			}
		}
		return
	}
	// Otherwise add an initial of notdep(i).j where none is, or, if none
	// can run at the race point, at the latest earlier state where one can.
	for k := i; k >= 0; k-- {
		nk := nodes[k]
		if initials&nk.backtrack != 0 {
			return
		}
		if c := initials & nk.enabled &^ nk.sleepMask(); c != 0 {
			nk.backtrack |= c & -c
			return
		}
	}
}
