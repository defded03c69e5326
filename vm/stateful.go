package vm

import (
	"context"
	"fmt"
)

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

// auto is the default search: partial-order reduction, switching to the
// stateful search when it has run DPORBudget steps (replays included)
// without finishing — the orders that matter are many, but the states may
// be few. The switch depends only on counts, so results stay deterministic.
func (x *explorer) auto() {
	budget := x.cfg.DPORBudget
	if budget <= 0 {
		budget = 200_000
	}
	var alt *altSearch
	if x.cfg.Workers >= 2 {
		alt = x.startStateful()
	}
	x.stepBudget = x.m.totalSteps + budget
	x.dpor()
	x.stepBudget = 0
	if !x.overBudget {
		alt.cancel()
		return
	}
	note := fmt.Sprintf("partial-order reduction ran %d steps without finishing: switched to the stateful search", budget)
	if alt != nil {
		if alt.wait(x) {
			x.r.Notes = append(x.r.Notes, note)
			return
		}
	}
	x.resetResult()
	x.r.Notes = append(x.r.Notes, note)
	x.stateful()
}

func (x *explorer) resetResult() {
	*x.r = Result{Test: x.r.Test, Arch: x.r.Arch, Counts: map[string]int{}, Threads: x.r.Threads,
		Labels: x.r.Labels, Condition: x.r.Condition}
	x.seen = map[string]int{}
	x.condFalsified, x.stop = false, false
}

// altSearch is the stateful search run on a second machine while the
// partial-order reduction runs (Config.Workers >= 2). Which result is kept
// is decided as with one worker — by whether the reduction finishes within
// its budget — so results do not depend on the number of workers.
type altSearch struct {
	x      *explorer
	stop   context.CancelFunc
	done   chan struct{}
	failed error
}

func (x *explorer) startStateful() *altSearch {
	// the two machines share the memory budget
	x.m.limits.Memory /= 2
	ctx, stop := context.WithCancel(x.ctx)
	m2, err := newMachine(x.m.prog, x.cfg.Arch, x.cfg.Builtins, x.m.limits, ctx, x.m.budget.timeout)
	if err != nil {
		stop()
		x.m.limits.Memory *= 2
		return nil
	}
	r2 := &Result{Test: x.r.Test, Arch: x.r.Arch, Counts: map[string]int{}, Threads: x.r.Threads,
		Labels: x.r.Labels, Condition: x.r.Condition}
	cfg := x.cfg
	cfg.Progress = nil
	a := &altSearch{x: newExplorer(ctx, m2, cfg, r2, x.g), stop: stop, done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer func() {
			if p := recover(); p != nil {
				a.failed = fmt.Errorf("internal error: %v", p)
			}
		}()
		a.x.stateful()
	}()
	return a
}

func (a *altSearch) cancel() {
	if a != nil {
		a.stop()
		<-a.done
	}
}

// wait takes the stateful search's result into x; false when it cannot be
// used (it failed, or was cancelled from outside) and x must run it itself.
func (a *altSearch) wait(x *explorer) bool {
	<-a.done
	a.stop()
	if a.failed != nil || a.x.m.hostPanic != nil || x.ctx.Err() != nil && !a.x.r.Complete {
		if a.x.m.hostPanic != nil {
			x.m.hostPanic = a.x.m.hostPanic
			return true
		}
		return false
	}
	*x.r = *a.x.r
	x.r.Bounds = append([]string(nil), a.x.r.Bounds...)
	return true
}
