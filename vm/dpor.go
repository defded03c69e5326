package vm

import (
	"math/bits"
	"slices"
	"sort"
	"sync"

	"github.com/mmuvm/mmuvm/mmu"
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
// Blocking is "not enabled", not a step. A step that would only wait (a
// failed lock attempt, an IPI wait, a spin pass that changes nothing: it
// blocks and writes nothing) is undone, and its thread becomes a waiter of
// the node: not enabled there, nor in the nodes below, until a step writes
// a location it waits on (which the waiter's footprint records, like a
// sleeper's). So N CPUs contending for one lock cost the N! orders of their
// critical sections, not the interleavings of their failed attempts too.
// A thread that cannot run where a race would schedule it is run at the
// latest earlier state where it can (reverse). When only waiters are left
// the execution is a deadlock: they take their waiting steps for the record.

type dnode struct {
	enabled   uint64 // threads enabled in the state before this node's step
	ever      uint64 // threads enabled here or at a node above (disabledForGood)
	backtrack uint64
	done      uint64
	sleep     []sleeper // asleep here: inherited, then siblings already explored
	waiters   []sleeper // not enabled here: their next step would only wait
	drained   uint64    // tso: blocked here until their CPU's store buffer drains (by their own step)
	probed    []sleeper // the waiters found here (not inherited): their attempts race
	stuck     bool      // only waiters are left: they step, to show the deadlock
	frozen    bool      // a step of a split's prefix: every order there is explored by the split
	thread    int       // the step taken from here (-1 while none)
	fp        []uint64  // its footprint, sorted, one entry per location
	snap      snapshot  // the state before the step, to come back to
	ctx       []int32   // per thread: the depth of the node whose snap holds its context (saveStep)
}

// ctxOf tells restoreFrom where the contexts of node n's threads are:
// in the snapshots of nodes on its path.
func ctxOf(path []*dnode, n *dnode) func(t int) *snapshot {
	return func(t int) *snapshot { return &path[n.ctx[t]].snap }
}

type sleeper struct {
	thread  int
	fp      []uint64
	drainer uint64 // a waiter for its CPU's store buffer: that CPU's flush thread (tso)
}

func (n *dnode) sleepMask() uint64 { return maskOf(n.sleep) }

// woke tells whether thread t waits at n for what n's step writes.
func (n *dnode) woke(t int) bool {
	w := n.waiterOf(t)
	return w != nil && dependent(w.fp, n.fp)
}

// drainWaits tells whether thread t waits at n for its store buffer to
// drain, by a write in footprint fp.
func (n *dnode) drainWaits(t int, fp []uint64) bool {
	w := n.waiterOf(t)
	return w != nil && w.drainer != 0 && dependent(w.fp, fp)
}

func (n *dnode) waiterOf(t int) *sleeper {
	for i := range n.waiters {
		if n.waiters[i].thread == t {
			return &n.waiters[i]
		}
	}
	return nil
}

// runnable are the threads that can run at n or wait there for a write
// that lets them go on.
func (n *dnode) runnable() uint64 { return n.enabled | maskOf(n.waiters) | n.drained }

// candidates are the threads still to explore from n.
func (n *dnode) candidates() uint64 {
	return n.backtrack &^ n.done &^ n.sleepMask() & n.enabled
}

func (x *explorer) dpor() {
	m := x.m
	var nodes []*dnode
	var buf []int
	// newNode is the node after parent's step (nil at the root), its
	// sleepers and waiters those of parent the step left alone, plus sleep;
	// a recycled node's slices are reused, so a step allocates nothing here
	newNode := func(parent *dnode, sleep []sleeper) *dnode {
		n := x.freeNode()
		n.thread = -1
		n.sleep, n.waiters = append(n.sleep[:0], sleep...), n.waiters[:0]
		if parent != nil {
			n.sleep = independentOf(n.sleep, parent.sleep, parent.fp)
			n.waiters = independentOf(n.waiters, parent.waiters, parent.fp)
		}
		n.saveAt(m, parent, len(nodes))
		buf = m.Enabled(buf)
		for _, t := range buf {
			n.enabled |= 1 << uint(t)
		}
		n.enabled &^= maskOf(n.waiters)
		if n.ever = n.enabled; parent != nil {
			n.ever |= parent.ever
		}
		if m.storeBuffers {
			n.drained = m.drainBlocked()
		}
		if c := n.enabled &^ n.sleepMask(); c != 0 {
			if m.storeBuffers {
				// a CPU waits for its store buffer: drain it first, as
				// under sc, rather than run the others past the fence
				if f := m.drainersOf(n, ^uint64(0)); f != 0 {
					c = f
				}
			}
			n.backtrack = c & -c // lowest enabled thread not asleep
		}
		return n
	}
	x.race = takeRaceBufs()
	defer func() { x.recycleNodes(nodes) }()
	m.Reset()
	for _, t := range x.prefix.steps {
		n := newNode(nil, nil)
		n.frozen, n.thread, n.backtrack, n.done = true, t, 1<<uint(t), 1<<uint(t)
		m.step(t)
		n.fp = normalizeInto(n.fp[:0], m.Footprint())
		nodes = append(nodes, n)
	}
	nodes = append(nodes, newNode(nil, x.prefix.sleep))
	x.done = func() float64 {
		return treeDone(len(nodes), func(d int) (int, int) {
			n := nodes[d]
			return bits.OnesCount64(n.done), bits.OnesCount64((n.backtrack | n.done) & n.enabled)
		})
	}
	var ran uint64 // the threads that have taken or tried a step
	for _, t := range x.prefix.steps {
		ran |= 1 << uint(t)
	}
	var schedule []int
	firstNew := 0 // steps before it repeat the previous execution's
	for !x.interrupted() {
		// extend the current execution until it ends
		for {
			n := nodes[len(nodes)-1]
			c := n.candidates()
			if c == 0 && n.enabled == 0 && len(n.waiters) > 0 && m.violation == nil {
				n.stuck = true // a deadlock: the waiters take their steps
				n.enabled, n.waiters = maskOf(n.waiters), nil
				c = n.enabled & -n.enabled
				n.backtrack |= c
			}
			if c == 0 || m.violation != nil {
				break
			}
			t := bits.TrailingZeros64(c)
			ran |= 1 << uint(t)
			m.step(t)
			if w, ok := x.waited(t); ok && !n.stuck {
				w.drainer, _ = m.drainer(t) // before the undo forgets why it waited
				m.undoStep(&n.snap, t, ctxOf(nodes, n))
				x.wait(nodes, w)
				continue
			}
			n.thread, n.done = t, n.done|1<<uint(t)
			n.fp = normalizeInto(n.fp[:0], m.Footprint())
			nodes = append(nodes, newNode(n, nil))
		}
		last := nodes[len(nodes)-1]
		// the steps before firstNew are the last execution's
		schedule = schedule[:min(len(schedule), firstNew)]
		for _, n := range nodes[len(schedule) : len(nodes)-1] {
			schedule = append(schedule, n.thread)
		}
		if m.violation != nil || last.enabled == 0 {
			x.record(schedule)
		} // else: every enabled thread is asleep, a redundant execution
		if m.violation != nil && len(nodes) > 1 {
			// the violating step ended the execution, disabling every other
			// thread: it is dependent on all their next steps
			if v := nodes[len(nodes)-2]; !v.frozen {
				v.backtrack |= v.enabled &^ v.sleepMask()
			}
		}
		x.disabledForGood(nodes)
		if ran&(ran-1) == 0 {
			// one thread has run (or tried to) in every execution so far:
			// no two steps can race, so nothing is analysed until another
			// one runs, and then from the first step (x.race.done is 0)
			x.analysis += len(nodes) - 1 // what auto counts for it
		} else {
			x.addBacktracks(nodes, firstNew)
		}
		if !x.backtrackTo(&nodes) {
			x.r.Complete = !x.stop
			return
		}
		firstNew = len(nodes) - 1
	}
}

// disabledForGood makes each thread that a step disabled for the rest of
// the execution run at the state before that step. Its next step is in a
// race with the disabling one (an irq handler's entry with the
// local_irq_disable() that keeps it out), but it was never taken, so no
// analysis finds that race; in an execution that goes on, a later step
// enables the thread again and the race with that step is reversed from
// before the disabling one (reverseBefore). This is for the executions
// that end first: in a deadlock (the CPU waits with irqs off for what only
// its handler writes) or at a violation. Only a thread enabled on the path
// that has not finished and cannot run or wait at the end can be one, so
// most executions look at no node, and the others only back to the last
// state where each such thread could run.
func (x *explorer) disabledForGood(nodes []*dnode) {
	last := nodes[len(nodes)-1]
	left := last.ever &^ last.runnable()
	for b := left; b != 0; b &= b - 1 {
		if x.m.threads[bits.TrailingZeros64(b)].status == finished {
			left &^= b & -b
		}
	}
	for k := len(nodes) - 2; k >= 0 && left != 0 && !nodes[k].frozen; k-- {
		n := nodes[k]
		left &^= 1 << uint(n.thread)
		for b := n.enabled & left; b != 0; b &= b - 1 {
			q := b & -b
			if nodes[k+1].runnable()&q == 0 && (n.done|n.sleepMask())&q == 0 {
				n.backtrack |= q
			}
		}
		left &^= n.runnable()
	}
}

// waited tells whether thread t's last step only waited: it blocked
// without a violation and wrote nothing. Its waiter carries what wakes it:
// the locations the step read and the ones t now watches (a spin loop
// watches every location its pass read, in earlier steps too).
func (x *explorer) waited(t int) (sleeper, bool) {
	m := x.m
	if th := m.threads[t]; m.violation != nil || th.status != blocked || th.drainWait && !th.pureWait {
		// a step that loaded and then reached smp_mb() (no step of its
		// own) waits for its buffer after a load that counts: it is a
		// step, and the thread is blocked after it (dnode.drained)
		return sleeper{}, false
	}
	var fp []uint64
	for _, f := range m.Footprint() {
		if f&1 != 0 {
			return sleeper{}, false
		}
		fp = append(fp, f)
	}
	for _, w := range m.MMU.S.Watches() {
		if w.Thread == t {
			fp = m.MMU.S.AppendWait(fp, w.Loc)
		}
	}
	return sleeper{thread: t, fp: normalize(fp)}, true
}

// wait makes w a waiter of the last node, whose backtrack set asked for
// its thread: the request goes to the latest earlier node where the thread
// can run, as reverse does with a race it cannot reverse in place. A node
// left with nothing to explore takes its lowest enabled thread instead.
func (x *explorer) wait(nodes []*dnode, w sleeper) {
	n := nodes[len(nodes)-1]
	q := uint64(1) << uint(w.thread)
	n.enabled &^= q
	n.waiters = append(n.waiters, w)
	n.probed = append(n.probed, w)
	if f := w.drainer; n.enabled&f != 0 && (n.backtrack|n.done|n.sleepMask())&f == 0 {
		// it waits for its CPU's store buffer to drain: what lets it run
		// here is that CPU's flush thread
		n.backtrack |= f
		return
	}
	for k := len(nodes) - 2; k >= 0 && !nodes[k].frozen; k-- {
		if nk := nodes[k]; nk.enabled&q != 0 {
			if (nk.backtrack|nk.sleepMask())&q == 0 {
				nk.backtrack |= q
			}
			break
		}
	}
	if n.done == 0 && n.candidates() == 0 {
		if c := n.enabled &^ n.sleepMask(); c != 0 {
			n.backtrack |= c & -c
		}
	}
}

// independentOf appends to dst the sleepers (or waiters) of ss that a
// step with footprint fp leaves as they are: those it is not dependent on.
func independentOf(dst, ss []sleeper, fp []uint64) []sleeper {
	for _, s := range ss {
		if !dependent(s.fp, fp) {
			dst = append(dst, s)
		}
	}
	return dst
}

// independentOfRaw is independentOf with fp as a step left it, unsorted
// and possibly with a location twice.
func independentOfRaw(dst, ss []sleeper, fp []uint64) []sleeper {
	for _, s := range ss {
		if !dependentRaw(s.fp, fp) {
			dst = append(dst, s)
		}
	}
	return dst
}

func maskOf(ss []sleeper) uint64 {
	var m uint64
	for _, s := range ss {
		m |= 1 << uint(s.thread)
	}
	return m
}

// backtrackTo finds the deepest node with a thread left to explore, puts
// the machine in its state and trims the path; false when there is none.
func (x *explorer) backtrackTo(nodes *[]*dnode) bool {
	ns := *nodes
	for i := len(ns) - 1; i >= 0; i-- {
		n := ns[i]
		if n.thread >= 0 {
			n.sleep = append(n.sleep, sleeper{thread: n.thread, fp: n.fp}) // the sleeper owns fp now
			n.thread, n.fp = -1, nil
		}
		if n.candidates() == 0 {
			continue
		}
		x.dropped = append(x.dropped, ns[i+1:]...)
		*nodes = ns[:i+1]
		x.m.restoreFrom(&n.snap, ctxOf(ns, n))
		return true
	}
	return false
}

// saveAt saves the machine's state in n, the node at the given depth
// after parent's step (nil: a node with no parent to share with). Only the
// contexts that step changed are copied; the others stay where parent's
// ctx finds them.
func (n *dnode) saveAt(m *Machine, parent *dnode, depth int) {
	if len(n.ctx) != len(m.threads) {
		n.ctx = make([]int32, len(m.threads))
	}
	if parent == nil {
		m.save(&n.snap)
		for i := range n.ctx {
			n.ctx[i] = int32(depth)
		}
		return
	}
	full := m.saveStep(&n.snap, parent.thread)
	copy(n.ctx, parent.ctx)
	for b := full; b != 0; b &= b - 1 {
		n.ctx[bits.TrailingZeros64(b)] = int32(depth)
	}
}

// freeNode returns a node for reuse (its snapshot buffers and footprint
// slice kept): one this dpor dropped, or one an earlier check left in
// dnodes; or a new one.
func (x *explorer) freeNode() *dnode {
	var d *dnode
	if n := len(x.dropped); n > 0 {
		d, x.dropped = x.dropped[n-1], x.dropped[:n-1]
	} else if p, ok := dnodes.Get().(*dnode); ok {
		d = p
		d.snap.size = 0 // its buffers count toward this machine's budget afresh
	} else {
		return &dnode{}
	}
	d.enabled, d.backtrack, d.done = 0, 0, 0
	d.probed, d.stuck, d.frozen = d.probed[:0], false, false
	return d
}

// dnodes keeps DPOR's nodes, with the buffers of their snapshots and
// footprints, from one check to the next. A small check makes most of its
// nodes, and allocates their buffers, in its first execution.
var dnodes sync.Pool

// recycleNodes hands the nodes and the race analysis storage of a
// finished dpor to the next check.
func (x *explorer) recycleNodes(nodes []*dnode) {
	x.done = nil // its progress estimate looks at the nodes
	for _, ns := range [][]*dnode{nodes, x.dropped} {
		for _, n := range ns {
			dnodes.Put(n)
		}
	}
	x.dropped = nil
	raceBufsPool.Put(x.race)
	x.race = nil
}

// normalize sorts a footprint and merges repeated locations (a write wins).
func normalize(fp []uint64) []uint64 { return normalizeInto(nil, fp) }

// normalizeInto is normalize writing into dst's storage.
func normalizeInto(dst, fp []uint64) []uint64 {
	out := append(dst, fp...)
	if len(out) <= smallFootprint {
		insertionSort(out)
	} else {
		slices.Sort(out)
	}
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

// smallFootprint is the length up to which a footprint is sorted by
// insertion: most steps touch two to four locations (on ptdump-vmalloc,
// 85 % of them three), where slices.Sort's dispatch cost more than the
// sort.
const smallFootprint = 12

func insertionSort(a []uint64) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
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

// dependentRaw tells whether normalized footprint a conflicts with b,
// a footprint as a step left it: every access of b is looked up in a,
// which costs less than sorting b when b is short and a is one sleeper's.
func dependentRaw(a, b []uint64) bool {
	for _, f := range b {
		if i, ok := findLoc(a, f>>1); ok && (a[i]|f)&1 != 0 {
			return true
		}
	}
	return false
}

// findLoc finds location loc in normalized footprint a.
func findLoc(a []uint64, loc uint64) (int, bool) {
	lo, hi := 0, len(a)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if a[mid]>>1 < loc {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(a) && a[lo]>>1 == loc
}

// addBacktracks finds the races of the execution in nodes and makes sure
// each is reversed in some explored execution.
func (x *explorer) addBacktracks(nodes []*dnode, firstNew int) {
	ev := nodes[:len(nodes)-1]
	n := len(ev)
	if n == 0 {
		return
	}
	b := x.race
	// the steps before firstNew are the previous execution's, with the
	// same footprints: their analysis is kept (rewind), and the races
	// ending there were reversed when this prefix was first explored
	k := min(firstNew, b.done)
	// auto's lockstep counts the whole execution, as when every step was
	// analysed again: the cheaper analysis makes dpor faster instead of
	// taking slices from the stateful search (its units cost about 0.05
	// µs, dpor's own steps and a state's about 0.2-0.3 µs)
	x.analysis += n
	b.rewind(k, n, x.m.Threads())
	idx, vc, lastOf := b.idx, b.vc, b.lastOf
	for j := k; j < n; j++ {
		e := ev[j]
		x.attemptRaces(nodes, j)
		t := e.thread
		b.enter(j, t)
		v := vc[j]
		pred := lastOf[t]
		if pred >= 0 {
			copy(v, vc[pred])
		} else {
			clear(v)
		}
		cands := x.conflicts(e.fp, j, t, ev, b)
		for _, i := range cands {
			for k := range v {
				v[k] = max(v[k], vc[i][k])
			}
		}
		v[t] = int32(idx[j])
		racing := x.m.races(cands, ev, t, e.fp)
		for _, i := range racing {
			if !covered(i, racing, pred, idx, vc, ev) {
				x.reverse(nodes, i, j, idx, vc)
			}
		}
		b.record(j, t, e.fp)
	}
	x.attemptRaces(nodes, n)
}

// attemptRaces reverses the races of the attempts that found threads
// waiting at node j: each read what it waited on, like a step of its
// thread at j, and is in a race with the write that made it wait (the
// acquisition of a lock it found held). Reversing that race runs the
// thread before the write; a race with the write that wakes it (the
// release) could not be reversed. The attempts are not steps: they add
// nothing to the happens-before of the steps after them.
func (x *explorer) attemptRaces(nodes []*dnode, j int) {
	b := x.race
	ev := nodes[:len(nodes)-1]
	for _, w := range nodes[j].probed {
		t := w.thread
		v := make([]int32, x.m.Threads())
		pred := b.lastOf[t]
		if pred >= 0 {
			copy(v, b.vc[pred])
		}
		cands := x.conflicts(w.fp, j, t, ev, b)
		for _, i := range cands {
			for k := range v {
				v[k] = max(v[k], b.vc[i][k])
			}
		}
		id := b.count[t] + 1
		v[t] = int32(id)
		for _, i := range cands {
			if !covered(i, cands, pred, b.idx, b.vc, ev) {
				x.reverseBefore(nodes, i, j, t, v, id, w.fp)
			}
		}
	}
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
		a := b.locs.get(f >> 1)
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
	x.reverseBefore(nodes, i, j, nodes[j].thread, vc[j], idx[j], nodes[j].fp)
}

// reverseBefore is reverse for an event of thread tj, with vector clock vj,
// index idj in its thread and footprint fpj, that comes after the steps
// before node j.
func (x *explorer) reverseBefore(nodes []*dnode, i, j, tj int, vj []int32, idj int, fpj []uint64) {
	ev := nodes
	idx, vc := x.race.idx, x.race.vc
	ti := ev[i].thread
	nt := x.m.Threads()
	first := make([]int, nt) // smallest position of each thread in v so far
	var initials uint64
	consider := func(t int, v []int32, id int) {
		if first[t] == 0 {
			preceded := false
			for u := 0; u < nt && !preceded; u++ {
				preceded = first[u] != 0 && int(v[u]) >= first[u]
			}
			if !preceded {
				initials |= 1 << uint(t)
			}
			first[t] = id
		}
	}
	for k := i + 1; k < j; k++ {
		if int(vc[k][ti]) >= idx[i] { // happens after e_i: not in notdep
			continue
		}
		consider(ev[k].thread, vc[k], idx[k])
	}
	consider(tj, vj, idj)
	n := nodes[i]
	q := uint64(1) << uint(tj)
	if next := nodes[i+1]; n.enabled&q == 0 && (next.enabled&q != 0 || n.woke(tj) && next.runnable()&q != 0) && !x.enabledElsewhere(nodes, i, j, tj) {
		// Step i enabled the thread of step j (local_irq_restore() lets
		// an irq or an IPI in; an irq handler's last step lets its CPU's
		// task run again): the two cannot be reversed. What can be is the
		// step that disabled it, which is not in a race with it because
		// step i's write is in between; so reverse the race of step j
		// with that step, taken at the latest earlier state where the
		// thread could run. Adding the thread itself there lost what must
		// come before it: under tso, another CPU's flush of a word the
		// task then loads, when the task was asleep there, ordered after
		// the handler's start by an equivalent order (the handler's xchg
		// of that word after the load of the flushed value). A state
		// where the thread waits (for a lock, for the answer to its IPI,
		// for its buffer) counts as one where it could run: there the
		// reversal runs first what lets it go on (TestDPORHandlerRaces).
		// Step i counts as enabling the thread also when it ends a wait
		// (the last flush of the buffer it waited on, after which it may
		// wait for something else). A state where the thread waits for
		// that same buffer does not count: its flush thread runs there
		// already, and what can be reversed is the store that filled the
		// buffer (under tso, an irq handler's on the task's CPU), so the
		// reversal goes back to before it. If the latest state where the
		// thread could run is before a step of its own (it filled the
		// buffer itself, then waited at a fence: arch_leave_lazy_mmu_mode()'s
		// dsb after vmap's set_pte()s), there is nothing to reverse: its
		// own stores drain before its fence in every order. Reversing
		// from there explored again, as redundant executions, every step
		// of the other CPUs since that store (vmap-2cpu-disjoint under
		// tso: 1,316 steps for an execution of 537).
		for k := i - 1; k >= 0 && !nodes[k].frozen; k-- {
			if nk := nodes[k]; nk.runnable()&q != 0 && !nk.drainWaits(tj, n.fp) {
				if nk.thread != tj {
					x.reverseBefore(nodes, k, j, tj, vj, idj, fpj)
				}
				return
			}
		}
		// It could run nowhere earlier: what would let it is still to
		// come when the disabling step runs (under tso, an IPI sent only
		// once its sender's store buffer drains, after the target's
		// local_irq_save()). Reverse the race of the disabling step with
		// step j then: run first what leads to step j and does not follow
		// the disabling step.
		if d := disabler(nodes, i, fpj); d >= 0 {
			x.reverseBefore(nodes, d, j, tj, vj, idj, fpj)
		}
		return
	}
	// Otherwise add an initial of notdep(i).j where none is, or, if none
	// can run at the race point, at the latest earlier state where one can.
	for k := i; k >= 0 && !nodes[k].frozen; k-- {
		nk := nodes[k]
		if initials&nk.backtrack != 0 {
			return
		}
		if c := initials & nk.enabled &^ nk.sleepMask(); c != 0 {
			nk.backtrack |= c & -c
			return
		}
		if f := x.m.drainersOf(nk, initials); f != 0 {
			if (nk.backtrack|nk.done)&f == 0 {
				nk.backtrack |= f & -f
			}
			return
		}
	}
}

// enabledElsewhere tells whether thread tj is an IPI thread that a step
// between steps i and j, not after step i in happens-before, gives work
// too (another sender's request, an RCU callback queued or made ready):
// then tj can run without step i (a CPU answers a later sender's IPI
// first when that comes before the earlier one's send, or runs its
// callback first), and the race of step i with step j is an ordinary
// one, to reverse in place. Taking step i for the only step that could
// enable tj lost those orders (TestDPORAnswersAnySender).
func (x *explorer) enabledElsewhere(nodes []*dnode, i, j, tj int) bool {
	t := x.m.threads[tj]
	if t.kind != IPIThread {
		return false
	}
	idx, vc := x.race.idx, x.race.vc
	ti := nodes[i].thread
	for k := i + 1; k < j; k++ {
		if nodes[k].thread == tj || int(vc[k][ti]) >= idx[i] {
			continue
		}
		for _, f := range nodes[k].fp {
			if f&1 != 0 && mmu.WakesIPIThread(mmu.Loc(f>>1), t.cpu) {
				return true
			}
		}
	}
	return false
}

// disabler returns the latest step before step i that wrote a location
// that step i writes and footprint fp reads (the local_irq_save() whose
// flag step i's local_irq_restore() clears), or -1.
func disabler(nodes []*dnode, i int, fp []uint64) int {
	for d := i - 1; d >= 0 && !nodes[d].frozen; d-- {
		for _, w := range nodes[d].fp {
			if w&1 != 0 && slices.Contains(nodes[i].fp, w) && (slices.Contains(fp, w&^1) || slices.Contains(fp, w)) {
				return d
			}
		}
	}
	return -1
}

// drainersOf returns the flush threads that could run at node n to let one
// of the threads in ts go on: those ts wait for (their CPU's store buffer
// to drain), enabled and awake at n. A thread waits so as a waiter (its
// attempt at n only waited) or blocked by a step of its own that stored
// and then reached a fence or a lock in the same step (n.drained): the
// race of an irq handler's store with its CPU's later load was reversed
// nowhere, since the load's thread could not run where the handler did.
func (m *Machine) drainersOf(n *dnode, ts uint64) uint64 {
	var f uint64
	for _, w := range n.waiters {
		if ts&(1<<uint(w.thread)) != 0 {
			f |= w.drainer
		}
	}
	for b := n.drained & ts; b != 0; b &= b - 1 {
		f |= 1 << uint(m.flushThreadOf(m.threads[bits.TrailingZeros64(b)].cpu))
	}
	return f & n.enabled &^ n.sleepMask()
}
