package vm

import (
	"fmt"
	"sync"
)

// stateful is a depth-first search that does not explore a stored state
// twice: the machine is hashed after every step (a 64-bit hash of the store
// and the threads; two different states colliding is possible in
// principle, with a probability around states²/2^64), and every state where
// two threads can step is stored, with some of the others (transient.go).
// It suits scripts with many orders of dependent steps but few distinct
// states (retry loops, repeated lock handovers), where partial-order
// reduction alone still has too many executions. Executions counts the
// terminal states and violations reached.
//
// Sleep sets (Godefroid's, with state matching) cut the steps that would
// only reach a state again by another order of independent steps: after a
// thread's step from a state has been explored, it sleeps in the siblings
// explored after it, and in their descendants until a step dependent on it
// (by footprint, as in dpor) wakes it. A state is stored with the threads
// asleep when it was explored; reached again with a sleep set that is not
// a superset of that one, it is explored again with their intersection.
// Every reachable state is still visited; only transitions are saved.//
// With Config.Workers >= 2 (and outside auto's lockstep) the search runs on
// that many machines at once (stateful_par.go).
func (x *explorer) stateful() {
	x.m.Reset()
	if x.endedAtReset() {
		return
	}
	if x.cfg.Workers >= 2 && x.lane == nil && x.cfg.Limits.Executions <= 0 {
		x.parallelStateful()
		return
	}
	d := x.newStateDFS()
	d.run()
	d.finish()
}

// endedAtReset records the one execution when it ended before any step,
// with the machine just reset: a CPU's first local code looped forever
// (`while 1 { }`) or failed, or nothing runs. The search records only what
// a step leads to.
func (x *explorer) endedAtReset() bool {
	if x.m.violation == nil && !x.m.Done() {
		return false
	}
	x.record(nil)
	x.r.States, x.r.Complete = 1, !x.stop
	return true
}

// newStateDFS is the one-worker search from the machine's state, just
// reset, with a visited set of its own.
func (x *explorer) newStateDFS() *stateDFS {
	visited := newVisitedSet(x.cfg.Limits.States)
	d := &stateDFS{x: x, visited: visited, heldBase: x.m.budget.held, onPath: map[uint64]int32{}}
	h := x.m.stateHash()
	visited.visit(h, 0)
	d.enter(d.push(nil, 0, x.m.Enabled(nil)), h)
	x.done = func() float64 {
		return treeDone(len(d.stack), func(i int) (int, int) { return d.stack[i].next, len(d.stack[i].enabled) })
	}
	return d
}

// finish records the end of a one-worker search and frees what it held.
func (d *stateDFS) finish() {
	x, visited := d.x, d.visited.(*visitedSet)
	x.r.States = visited.len()
	x.r.Complete = !x.stop && len(d.stack) == 0
	visited.free()
	d.recycle()
}

// stateStore is the stateful search's set of visited states, a worker's
// own (visitedSet) or shared by every worker (sharedVisited).
type stateStore interface {
	// visit records that state h was reached with the threads in mask z
	// asleep, and tells whether to explore it and with which of them
	// asleep: not when it was explored before with no more threads awake.
	visit(h, z uint64) (uint64, bool)
	len() int
	bytes() int64
}

// stateDFS is one depth-first exploration of the stateful search, on its
// explorer's machine, from the state its first frame holds.
type stateDFS struct {
	x        *explorer
	visited  stateStore
	heldBase int64 // what the explorer held before the search
	stack    []*stateFrame
	pool     []*stateFrame
	child    []sleeper  // the next frame's sleepers, before push copies them
	schedule []int      // the steps to the top frame, then its step
	base     int        // the steps to the first frame
	share    *statePool // parallel: where idle workers wait for frames, or nil
	worker   int        // parallel: this worker's index in share
	looks    int        // iterations of run, for look
	looked   bool       // look has run once
	next     []int      // the threads enabled in the state a step reached
	// the stored states on the path from the initial state to the top
	// frame, by hash (a parallel worker's path begins with the steps of
	// the frame it was handed): reached again, they close a cycle
	onPath map[uint64]int32
	// parallel: the stored states on every worker's path (gray.go), or nil
	gray *grayStates
	off  bool // run stopped with the machine not at the top frame's state
}

// push makes a frame of the machine's state, where the threads in
// enabled can step, with sleep inherited (asleep its mask). A recycled
// frame's slices are reused: once it is popped, no sleeper of a deeper
// frame refers to its footprints any more.
func (d *stateDFS) push(sleep []sleeper, asleep uint64, enabled []int) *stateFrame {
	f := d.frame()
	f.enabled = append(f.enabled[:0], enabled...)
	f.sleep = append(f.sleep[:0], sleep...)
	return d.pushFrame(f, asleep)
}

// pushNext is push of the state a step reached, with d.child asleep: the
// frame takes d.next and d.child as they are and leaves its old buffers
// in their place, copying nothing.
func (d *stateDFS) pushNext(asleep uint64) {
	f := d.frame()
	f.enabled, d.next = d.next, f.enabled[:0]
	f.sleep, d.child = d.child, f.sleep[:0]
	d.pushFrame(f, asleep)
}

// frame is a recycled frame: one this search popped, or one an earlier
// check left in stateFrames; or a new one.
func (d *stateDFS) frame() *stateFrame {
	if n := len(d.pool); n > 0 {
		f := d.pool[n-1]
		d.pool = d.pool[:n-1]
		return f
	}
	if f, ok := stateFrames.Get().(*stateFrame); ok {
		f.snap.size = 0 // its buffers count toward this machine's budget afresh
		return f
	}
	return &stateFrame{}
}

// stateFrames keeps the stateful search's frames, with their snapshot
// buffers, from one check to the next, as dnodes keeps dpor's nodes: a
// check made a frame for each step of its first descent (about 1 MiB of
// snapshots on ptdump-walk-2m under tso, 58 % of what it allocated).
var stateFrames sync.Pool

// recycle hands the frames of a finished search to the next check. (A
// parallel search's workers keep theirs: work they handed over may share
// their sleepers' storage.)
func (d *stateDFS) recycle() {
	d.x.done = nil // its progress estimate looks at the stack
	for _, fs := range [][]*stateFrame{d.stack, d.pool} {
		for _, f := range fs {
			stateFrames.Put(f)
		}
	}
	d.stack, d.pool = nil, nil
}

func (d *stateDFS) pushFrame(f *stateFrame, asleep uint64) *stateFrame {
	f.next, f.asleep, f.fps, f.onPath = 0, asleep, f.fps[:0], false
	f.explored, f.cycled, f.deferred, f.drained = 0, false, 0, 0
	if branches(f.enabled, f.asleep) {
		d.x.m.save(&f.snap) // transient.go: no other frame comes back here
	}
	d.stack = append(d.stack, f)
	return f
}

// held is what the explorer holds, for the memory budget: the visited
// set, and in a parallel search the other workers' machines.
func (d *stateDFS) held() int64 {
	n := d.heldBase + d.visited.bytes()
	if d.share != nil {
		d.share.visited.worker(d.worker).quiesce() // lets a grower in
		n += d.share.publish(d.worker, d.x.m)
	}
	return n
}

// look updates the states and the memory held, and stops the search at
// the bound on states (false). One worker looks before every step, so
// that it stops at exactly --max-states; a parallel search's workers look
// every stateLook steps, since what they look at is shared (and past
// the bound they stop for one worker to run the search again).
func (d *stateDFS) look() bool {
	x := d.x
	if d.share == nil && d.looked && x.r.States == d.visited.len() {
		return true // nothing stored since the last look: nothing changed
	}
	d.looked = true
	x.r.States = d.visited.len()
	x.m.budget.held = d.held()
	if n := x.cfg.Limits.States; n > 0 && x.r.States >= n {
		x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("states: stopped at %d stored states (--max-states)", n))
		x.stop = true
		return false
	}
	return true
}

// stateLook is how many steps a parallel search's worker takes between
// two looks at the shared counts (a power of two). A look writes the
// worker's counts and reads the others', cache lines that move between
// the cores: every 64 steps it cost 4 % of ptdump-vmalloc-n512-fixed's
// time with two workers. The price is a later stop past --max-states or
// the memory budget (by at most this many steps per worker), and a grower
// of the visited set waiting as long for the others to quiesce.
const stateLook = 512

// run explores until the stack is empty or the search stops.
func (d *stateDFS) run() {
	x, m := d.x, d.x.m
	atTop := !d.off
	for len(d.stack) > 0 && !x.interrupted() {
		if d.share == nil || d.looks&(stateLook-1) == 0 {
			if !d.look() {
				break
			}
		}
		d.looks++
		if d.share != nil && !d.share.serve(d) {
			x.stop = true
			break
		}
		top := d.stack[len(d.stack)-1]
		for ; top.next < len(top.enabled); top.next++ {
			t := top.enabled[top.next]
			if top.asleep&(1<<uint(t)) != 0 {
				continue // asleep: explored from an equivalent order
			}
			if !d.mayDeferFlush(top, t) {
				break
			}
			if !atTop {
				m.restore(&top.snap)
				atTop = true
			}
			if !d.deferFlush(top, t) {
				break
			}
		}
		if top.next >= len(top.enabled) {
			d.leave(top)
			d.stack = d.stack[:len(d.stack)-1]
			d.pool = append(d.pool, top)
			atTop = false
			continue
		}
		if !atTop {
			m.restore(&top.snap)
		}
		atTop = d.step(top)
	}
	d.off = !atTop // for a search that goes on (autoParallelState)
}

// step takes the top frame's next step and pushes the state it leads to if
// that is to be explored; it tells whether it did.
func (d *stateDFS) step(top *stateFrame) bool {
	x, m := d.x, d.x.m
	t := top.enabled[top.next]
	top.next++
	top.explored++
	d.schedule = append(d.schedule[:d.base+len(d.stack)-1], t)
	m.step(t)
	left := false
	if th := m.threads[t]; th.drainWait {
		// a wait left out (drain_wait.go) is an obstacle to leaving the
		// flush for later, as a step that reads the buffer's entries
		if left = m.leaveWait(th); !left {
			top.drained |= 1 << uint(t) // defer_flush.go: it waits for its buffer
		}
	}
	d.child = d.child[:0]
	switch {
	case top.more(): // the step sleeps in the siblings after it
		fp := top.footprint(m.Footprint())
		d.child = independentOf(d.child, top.sleep, fp)
		top.sleep = append(top.sleep, sleeper{thread: t, fp: fp})
	case len(top.sleep) > 0:
		// the last step from here, as in a run of one-successor states
		// (transient.go): only the child's sleepers ask about it, so its
		// footprint is neither kept nor sorted
		d.child = independentOfRaw(d.child, top.sleep, m.Footprint())
	}
	if left {
		return false
	}
	if m.violation != nil || m.Done() {
		x.record(d.schedule)
		return false
	}
	z0 := maskOf(d.child)
	d.next = m.Enabled(d.next)
	h := m.stateHash()
	if !mustStore(d.next, z0, h, d.base+len(d.stack)) { // transient.go: most states are not stored
		d.pushNext(z0)
		return true
	}
	if d.gray != nil {
		d.gray.add(d.worker, h, 1) // before the visit: see gray.go
	}
	z, ok := d.visited.visit(h, z0)
	if !ok && d.onPath[h] == 0 && (d.gray == nil || d.grayFinished(h)) {
		return false // explored with no more threads awake than now
	}
	if !ok || m.storeBuffers && d.onPath[h] != 0 {
		top.cycled = true // defer_flush.go: the cycle proviso (only tso asks)
	}
	if !ok {
		// a state on the path to here, or on another worker's: the
		// execution may be in a cycle. Go round it again rather than call
		// it finished: the machine sees the repetition at a loop back-edge
		// (repeats) and raises the limit an endless execution hits, as
		// dpor and dfs find it.
		z = z0
	}
	if z != z0 { // explore again with the threads asleep both times
		kept := d.child[:0]
		for _, s := range d.child {
			if z&(1<<uint(s.thread)) != 0 {
				kept = append(kept, s)
			}
		}
		d.child = kept
	}
	d.pushNext(z)
	d.enter(d.stack[len(d.stack)-1], h)
	return true
}

// grayFinished tells whether stored state h, explored before and off
// this worker's path, is off every other worker's too; it then drops the
// count step made.
func (d *stateDFS) grayFinished(h uint64) bool {
	if d.gray.elsewhere(d.worker, h) {
		return false
	}
	d.gray.add(d.worker, h, -1)
	return true
}

// enter records that stored state h, frame f's, is on the path (in a
// parallel search step has counted it in gray already).
func (d *stateDFS) enter(f *stateFrame, h uint64) {
	f.h, f.onPath = h, true
	d.onPath[h]++
}

// leave takes frame f, popped, off the path.
func (d *stateDFS) leave(f *stateFrame) {
	if !f.onPath {
		return
	}
	f.onPath = false
	if d.onPath[f.h]--; d.onPath[f.h] == 0 {
		delete(d.onPath, f.h)
	}
	if d.gray != nil {
		d.gray.add(d.worker, f.h, -1)
	}
}

// seedPath starts this worker's path again with the states of a handed
// frame's steps, hs, its first state first.
func (d *stateDFS) seedPath(hs ...uint64) {
	for h, n := range d.onPath {
		if d.gray != nil {
			d.gray.add(d.worker, h, -n)
		}
		delete(d.onPath, h)
	}
	for _, h := range hs {
		d.onPath[h]++
		if d.gray != nil {
			d.gray.add(d.worker, h, 1)
		}
	}
}

// stateFrame is a state on the stateful search's stack.
type stateFrame struct {
	snap    snapshot
	enabled []int
	next    int
	sleep   []sleeper // asleep here: inherited, then the steps explored from here
	asleep  uint64    // the inherited part, as a mask
	fps     []uint64  // the footprints of those steps, which the sleepers hold
	h       uint64    // its state's hash, if stored (onPath)
	onPath  bool      // counted in the search's onPath
	// defer_flush.go: the steps taken from here, whether one reached a
	// state on the path, and the flush threads left out
	explored int
	cycled   bool
	deferred uint64
	drained  uint64 // the threads whose step from here waited for their CPU's buffer
}

// more tells whether a thread not asleep is left to step from f (from
// f.next on): only then does the sleeper of a step just taken serve, for
// the steps after it, and only then has the frame work to hand over.
func (f *stateFrame) more() bool { return awake(f.enabled[f.next:], f.asleep) > 0 }

// footprint keeps a step's footprint, normalized, in the frame's storage
// and returns it, capped so that the next one cannot overwrite it.
func (f *stateFrame) footprint(raw []uint64) []uint64 {
	start := len(f.fps)
	f.fps = append(f.fps, raw...)
	n := len(normalizeInto(f.fps[start:start], f.fps[start:]))
	f.fps = f.fps[:start+n]
	return f.fps[start : start+n : start+n]
}
