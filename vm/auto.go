package vm

import (
	"context"
	"fmt"
	"sync"
)

// auto is the default search. Partial-order reduction (dpor) wins where
// many CPUs do little each; the stateful search wins where few CPUs do
// much, reaching the same states by many orders. Which one a script needs
// is hard to tell before running it, so auto runs both, on two machines,
// in lockstep slices of autoSlice units of work (Config.DPORBudget): steps,
// and for dpor also the steps its race analysis goes over, which grow with
// the length of an execution (each execution analyses all its steps
// again); and keeps the
// result of the one that finishes in the earlier slice, dpor when both
// finish in the same one. With two workers the two slices run at once; with
// one they alternate, dpor's first. Either way the winner depends only on
// these counts, so the result does not depend on the number of workers or
// on the machine's speed, and no work is thrown away for a switch: auto
// costs about the faster search on two cores, and on one at most the
// faster search's work twice, plus a slice.
func (x *explorer) auto() {
	slice := x.cfg.DPORBudget
	if slice <= 0 {
		slice = autoSlice
	}
	g := newLockstep(slice, x.cfg.Workers < 2)
	ctx, stop := context.WithCancel(x.ctx)
	defer stop()
	x.m.limits.Memory /= 2 // the two machines share the memory budget
	limits := x.m.limits
	if x.cfg.Workers >= 2 && x.cfg.Limits.Executions <= 0 && x.cfg.Limits.States <= 0 {
		if x.autoParallel(slice) {
			return
		}
		x.rerun()
	}
	var y *explorer
	done := make(chan struct{})
	second := func() {
		defer close(done)
		l := &lane{g: g, side: 1}
		if !l.start() {
			return // dpor finished in the first slice: nothing to run
		}
		ok := false
		defer func() {
			if p := recover(); p != nil {
				ok = false
			}
			g.finish(1, ok)
		}()
		m2, err := newMachine(x.m.prog, x.cfg.Arch, x.cfg.Builtins, limits, ctx, x.m.budget.timeout, x.m.storeBuffers)
		if err != nil {
			return
		}
		y = x.sibling(ctx, m2)
		y.lane = l
		y.stateful()
		ok = m2.hostPanic == nil
	}
	x.lane = &lane{g: g, side: 0}
	started := false
	if g.alternate {
		// the stateful search's first slice comes after dpor's: a script
		// dpor settles in its first slice (most of them) never starts it
		x.lane.first = func() { started = true; go second() }
	} else {
		started = true
		go second()
	}
	x.lane.start()
	x.dpor()
	x.lane = nil
	g.finish(0, true)
	winner := g.result()
	stop()
	if started {
		<-done
	}
	if winner == 1 {
		*x.r = *y.r
		x.seen, x.condFalsified = y.seen, y.condFalsified
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("auto: the stateful search finished first (in %d steps; partial-order reduction ran in lockstep with it)", y.m.totalSteps))
	}
}

// autoSlice is the default slice of steps of auto's lockstep.
const autoSlice = 4096

// lockstep runs two searches, dpor (side 0) and the stateful search (side
// 1), in slices of steps, and decides which one finished first.
type lockstep struct {
	mu        sync.Mutex
	cond      *sync.Cond
	slice     int
	alternate bool   // one worker: only the side holding the token runs
	token     int    // alternate: the side that may run
	slices    [2]int // slices each side has completed
	done      [2]bool
	ok        [2]bool // finished without failing
	at        [2]int  // the slice in which each side finished
	winner    int     // -1 until decided
}

func newLockstep(slice int, alternate bool) *lockstep {
	g := &lockstep{slice: slice, alternate: alternate, winner: -1}
	g.cond = sync.NewCond(&g.mu)
	return g
}

// lane is one side's view of the lockstep, kept by its explorer.
type lane struct {
	g     *lockstep
	side  int
	end   int       // the step count that ends this side's current slice
	first func()    // called when the side first ends a slice, if set
	race  *autoRace // with several workers, dpor's side of autoParallel instead
}

// start waits until the side may run its first slice; false when the
// other side has already won.
func (l *lane) start() bool {
	g := l.g
	l.end = g.slice
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.winner < 0 && g.alternate && g.token != l.side {
		g.cond.Wait()
	}
	return g.winner < 0 || g.winner == l.side
}

// pass is called between units of work with the side's step count; false
// means the other side has won and this one must stop.
func (l *lane) pass(steps int) bool {
	if l.race != nil {
		return l.race.pass(steps)
	}
	if steps < l.end {
		return true
	}
	if l.first != nil {
		l.first()
		l.first = nil
	}
	g, i := l.g, l.side
	j := 1 - i
	l.end = steps + g.slice
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slices[i]++
	if g.alternate {
		g.token = j
	}
	g.cond.Broadcast()
	for {
		g.decide()
		switch {
		case g.winner >= 0:
			return g.winner == i
		case g.slices[j] >= g.slices[i] && (!g.alternate || g.token == i):
			return true
		}
		g.cond.Wait()
	}
}

// finish records that side i has returned; ok is false when it failed
// (an internal error), and then it never wins.
func (g *lockstep) finish(i int, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done[i], g.ok[i], g.at[i] = true, ok, g.slices[i]
	g.token = 1 - i
	g.decide()
	g.cond.Broadcast()
}

// decide sets the winner once it is known. A side that failed loses. dpor
// wins when it finishes, unless the stateful search finished in an earlier
// slice; the stateful search wins once dpor has completed the slice in
// which it finished without finishing itself.
func (g *lockstep) decide() {
	switch {
	case g.winner >= 0:
	case g.done[0] && !g.ok[0]:
		g.winner = 1
	case g.done[1] && !g.ok[1]:
		g.winner = 0
	case g.done[1] && (g.slices[0] > g.at[1] || g.done[0] && g.at[1] < g.at[0]):
		g.winner = 1
	case g.done[0]:
		g.winner = 0
	}
}

// result waits until the winner is decided and returns it.
func (g *lockstep) result() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.winner < 0 && !(g.done[0] && g.done[1]) {
		g.cond.Wait()
	}
	return max(g.winner, 0)
}
