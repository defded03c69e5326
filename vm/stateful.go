package vm

import "fmt"

// stateful is a depth-first search that never explores a state twice: the
// machine is hashed after every step (a 64-bit hash of the store and the
// threads; two different states colliding is possible in principle, with a
// probability around states²/2^64). It suits scripts with many orders of
// dependent steps but few distinct states (retry loops, repeated lock
// handovers), where partial-order reduction alone still has too many
// executions. Executions counts the terminal states and violations reached.
func (x *explorer) stateful() {
	m := x.m
	type frameS struct {
		snap    snapshot
		enabled []int
		next    int
	}
	visited := map[uint64]struct{}{}
	heldBase := x.m.budget.held
	var stack []*frameS
	var pool []*frameS
	push := func() {
		var f *frameS
		if n := len(pool); n > 0 {
			f, pool = pool[n-1], pool[:n-1]
		} else {
			f = &frameS{}
		}
		m.save(&f.snap)
		f.enabled = m.Enabled(f.enabled)
		f.next = 0
		stack = append(stack, f)
	}
	m.Reset()
	visited[m.stateHash()] = struct{}{}
	push()
	x.done = func() float64 {
		return treeDone(len(stack), func(d int) (int, int) { return stack[d].next, len(stack[d].enabled) })
	}
	var schedule []int
	atTop := true
	for len(stack) > 0 && !x.interrupted() {
		x.r.States = len(visited)
		x.m.budget.held = heldBase + int64(len(visited))*stateBytes
		if n := x.cfg.Limits.States; n > 0 && len(visited) >= n {
			x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("states: stopped at %d stored states (--max-states)", n))
			x.stop = true
			break
		}
		top := stack[len(stack)-1]
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
		if m.violation != nil || m.Done() {
			x.record(schedule)
			continue
		}
		h := m.stateHash()
		if _, ok := visited[h]; ok {
			continue
		}
		visited[h] = struct{}{}
		push()
		atTop = true
	}
	x.r.States = len(visited)
	x.r.Complete = !x.stop && len(stack) == 0
}

// stateBytes is the cost of a state in the stateful search's visited set.
const stateBytes = 32
