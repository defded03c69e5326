package vm

import (
	"context"
	"iter"
)

// startSolo starts side i of the one-worker lockstep g on a twin of x's
// machine, as a coroutine of the favoured side's goroutine (iter.Pull)
// rather than a goroutine of its own: the two sides never run at once
// there, and handing the core over by a cond's broadcast and wait went
// through the scheduler, which woke an idle thread by a futex call at
// every handover (ptdump-vmalloc-n64-fixed: 3 % of auto's time in futex
// calls and lane.pass). A coroutine switch stays on the thread. The
// side's first slice runs at once, when the favoured side first ends one.
func (x *explorer) startSolo(g *lockstep, i int) *autoOther {
	ctx, cancel := context.WithCancel(x.ctx)
	o := &autoOther{}
	limits := x.m.limits
	next, stop := iter.Pull(func(yield func(struct{}) bool) {
		g.yield = yield
		x.runOther(ctx, limits, &lane{g: g, side: i, end: g.sliceAt(i, 0)}, o)
	})
	g.resume = func() { next() }
	o.end = func() {
		cancel()
		stop() // the side, stopped in its pass, returns before stop does
	}
	return o
}

// passSolo is lane.pass at the end of a slice of a one-worker lockstep:
// the favoured side runs the other's slice (or its first, or what is left
// of it once it finished) before going on, and the other hands the core
// back to it. false means the other side has won and this one must stop.
func (l *lane) passSolo(steps int) bool {
	g, i := l.g, l.side
	g.mu.Lock()
	g.slices[i]++
	l.end = steps + g.sliceAt(i, g.slices[i])
	g.mu.Unlock()
	if i == g.fav {
		g.resume() // set by lane.first, at the end of this side's first slice
	} else if !g.yield(struct{}{}) {
		return false // the favoured side finished and won
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.decide()
	return g.winner < 0 || g.winner == i
}
