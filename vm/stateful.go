package vm

import "fmt"

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
// Every reachable state is still visited; only transitions are saved.
func (x *explorer) stateful() {
	m := x.m
	visited := newVisitedSet(x.cfg.Limits.States) // state hash -> threads asleep when explored
	heldBase := x.m.budget.held
	var stack []*stateFrame
	var pool []*stateFrame
	var child []sleeper // the next frame's sleepers, before push copies them
	var next []int      // the threads enabled in the next frame, likewise
	// a recycled frame's slices are reused: once it is popped, no sleeper
	// of a deeper frame refers to its footprints any more
	push := func(sleep []sleeper) {
		var f *stateFrame
		if n := len(pool); n > 0 {
			f, pool = pool[n-1], pool[:n-1]
		} else {
			f = &stateFrame{}
		}
		f.enabled = append(f.enabled[:0], next...)
		f.next = 0
		f.sleep, f.asleep, f.fps = append(f.sleep[:0], sleep...), maskOf(sleep), f.fps[:0]
		if branches(f.enabled, f.asleep) {
			m.save(&f.snap) // transient.go: no other frame comes back here
		}
		stack = append(stack, f)
	}
	m.Reset()
	next = m.Enabled(next)
	visited.put(m.stateHash(), 0)
	push(nil)
	x.done = func() float64 {
		return treeDone(len(stack), func(d int) (int, int) { return stack[d].next, len(stack[d].enabled) })
	}
	var schedule []int
	atTop := true
	for len(stack) > 0 && !x.interrupted() {
		x.r.States = visited.len()
		x.m.budget.held = heldBase + int64(len(visited.slots))*stateBytes/2
		if n := x.cfg.Limits.States; n > 0 && visited.len() >= n {
			x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("states: stopped at %d stored states (--max-states)", n))
			x.stop = true
			break
		}
		top := stack[len(stack)-1]
		for top.next < len(top.enabled) && top.asleep&(1<<uint(top.enabled[top.next])) != 0 {
			top.next++ // asleep: explored from an equivalent order
		}
		if top.next >= len(top.enabled) {
			stack = stack[:len(stack)-1]
			pool = append(pool, top)
			atTop = false
			continue
		}
		if !atTop {
			m.restore(&top.snap)
		}
		atTop = false
		t := top.enabled[top.next]
		top.next++
		schedule = append(schedule[:len(stack)-1], t)
		m.step(t)
		fp := top.footprint(m.Footprint())
		child = independentOf(child[:0], top.sleep, fp)
		top.sleep = append(top.sleep, sleeper{thread: t, fp: fp})
		if m.violation != nil || m.Done() {
			x.record(schedule)
			continue
		}
		z := maskOf(child)
		next = m.Enabled(next)
		h := m.stateHash()
		if mustStore(next, z, h, len(stack)) { // transient.go: most states are not stored
			if was, ok := visited.get(h); ok {
				if was&^z == 0 {
					continue // explored with no more threads awake than now
				}
				// explore again with the threads asleep both times
				kept := child[:0]
				for _, s := range child {
					if was&(1<<uint(s.thread)) != 0 {
						kept = append(kept, s)
					}
				}
				child, z = kept, was&z
			}
			visited.put(h, z)
		}
		push(child)
		atTop = true
	}
	x.r.States = visited.len()
	x.r.Complete = !x.stop && len(stack) == 0
}

// stateFrame is a state on the stateful search's stack.
type stateFrame struct {
	snap    snapshot
	enabled []int
	next    int
	sleep   []sleeper // asleep here: inherited, then the steps explored from here
	asleep  uint64    // the inherited part, as a mask
	fps     []uint64  // the footprints of those steps, which the sleepers hold
}

// footprint keeps a step's footprint, normalized, in the frame's storage
// and returns it, capped so that the next one cannot overwrite it.
func (f *stateFrame) footprint(raw []uint64) []uint64 {
	start := len(f.fps)
	f.fps = append(f.fps, raw...)
	n := len(normalizeInto(f.fps[start:start], f.fps[start:]))
	f.fps = f.fps[:start+n]
	return f.fps[start : start+n : start+n]
}
