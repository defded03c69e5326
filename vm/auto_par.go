package vm

import (
	"fmt"
	"sync/atomic"
	"time"
)

// autoParallel is auto with Config.Workers >= 2: dpor on one machine and
// the parallel stateful search (stateful_par.go) on Workers more, at once.
// The lockstep of auto compares the two searches' step counts, and the
// parallel search's count depends on the split, so it cannot decide the
// same winner as one worker. What it can do is keep a result that does
// not depend on the winner:
//   - the favoured side's first slice runs alone, as with one worker, on
//     the check's own machine, and a script it settles there is that
//     side's, as with one worker. Where that side is the stateful search,
//     a check it does not settle there goes on from where the slice
//     ended, as the parallel search's first worker (autoParallelState):
//     it used to be thrown away (8,192 of ptdump-vmalloc-n64-fixed's
//     63,929 steps) and the workers' search started from scratch;
//   - then both run, dpor held to about the steps the workers have taken
//     (as the lockstep holds it; where the stateful search is favoured,
//     to a quarter of the steps of one worker, as the lockstep quarters
//     dpor's slices: autoDPORShare), and the first to complete without a
//     violation, a failed condition or a bound gives the result: both
//     searches reach every final state, so the verdict and the final
//     states are those one worker reports, only the counts differ
//     (labelled, Result.SplitCounts);
//   - anything else (a violation, a condition, a bound on either side)
//     makes it return false, and auto runs its lockstep again from the
//     start, whose result is one worker's.
//
// --max-executions and --max-states bound counts the split changes, so
// with them auto keeps to its lockstep. A check that runs out of its time
// or memory budget (the workers' machines count toward it) may stop at
// another point than with one worker.
func (x *explorer) autoParallel(slice int) bool {
	race := &autoRace{slice: slice, share: 1, first: firstSlice(slice, 0, 0)}
	var y *explorer
	var end workersEnd
	done := make(chan struct{})
	race.start = func() {
		// the pool (its visited set: 64 KiB to clear) is made
		// only for a script dpor does not settle in its first slice: on a
		// small script it would cost as much as the whole check
		race.pool = newStatePool(x.cfg.Workers, x.cfg.Limits.States)
		race.pool.halt = &race.halt
		go func() {
			defer close(done)
			defer race.stateDone.Store(true)
			m2, err := x.twin(x.ctx, x.m.limits)
			if err != nil {
				end = workersFailed
				return
			}
			y = x.sibling(x.ctx, m2)
			end = y.stateWorkers(race.pool, true, nil)
		}()
	}
	x.lane = &lane{race: race}
	x.dpor()
	x.lane = nil
	race.halt.Store(true)
	if !race.started {
		return true // settled in the first slice, as with one worker
	}
	<-done
	if y != nil && y.m.hostPanic != nil {
		x.m.hostPanic = y.m.hostPanic
		return true
	}
	return x.takeRace(end, y, x)
}

// takeRace gives the check the result of the race's winner: the workers'
// search (y) where it ended clean, else dpor's (z, which may be x itself)
// where it completed clean; false if neither did.
func (x *explorer) takeRace(end workersEnd, y, z *explorer) bool {
	switch {
	case end == workersClean:
		x.adoptResult(y, "auto: the parallel stateful search completed first, clean (partial-order reduction ran beside it)")
	case z != nil && z.cleanComplete():
		x.adoptResult(z, "auto: partial-order reduction completed first, clean (the parallel stateful search ran beside it)")
		x.r.SplitCounts = splitCounts
	default:
		return false
	}
	return true
}

// adoptResult makes o's result, complete and clean, the check's, with note
// (o may be x).
func (x *explorer) adoptResult(o *explorer, note string) {
	*x.r = *o.r
	x.seen, x.condFalsified, x.stop = o.seen, false, false
	x.m.budget.peak = max(x.m.budget.peak, o.m.budget.peak)
	x.r.Notes = append(x.r.Notes, note)
}

// cleanComplete tells whether x's search completed without a violation, a
// failed condition or a bound.
func (x *explorer) cleanComplete() bool {
	return !x.stop && x.r.Complete && len(x.r.Violations) == 0 && x.r.Witness == nil && len(x.r.Bounds) == 0
}

// autoRace is auto's dpor and parallel stateful search running at once.
type autoRace struct {
	slice     int // how far dpor may run ahead of the workers' steps
	share     int // what the workers' steps are divided by before that
	first     int // dpor's first slice, the lockstep's (firstSlice)
	pool      *statePool
	start     func() // starts the stateful search, at dpor's first slice
	started   bool
	next      int         // dpor's step count at which it next looks
	stateDone atomic.Bool // the stateful search has returned
	halt      atomic.Bool // dpor has returned: the stateful search stops
}

// pass is dpor's turn between units of work: false when the stateful
// search has returned (clean: it won; otherwise the lockstep runs again).
// dpor waits while it is a slice ahead of the workers' steps (divided by
// share), so that it takes about the share of the machine it takes in
// the lockstep, but not before the workers have taken a step: building
// their machines (init again on each) takes a millisecond or so, which
// is most of a small script's check.
func (a *autoRace) pass(steps int) bool {
	if !a.started { // at the step count the lockstep would start it at
		if steps < a.first {
			return true
		}
		a.started = true
		a.start()
	}
	if steps < a.next {
		return true
	}
	a.next = steps + autoRaceLook
	// dpor does not wait while the workers are still building their
	// machines (no step yet): on a small script that is most of the race
	for w := a.pool.steps() / a.share; w > 0 && steps > w+a.slice && !a.stateDone.Load(); w = a.pool.steps() / a.share {
		time.Sleep(autoRaceWait)
	}
	return !a.stateDone.Load()
}

const (
	autoRaceLook = 256                    // dpor's steps between two looks at the race
	autoRaceWait = 200 * time.Microsecond // how long dpor waits ahead of the workers
)

// reset clears what a search left in x, for another to run.
func (x *explorer) reset() {
	*x.r = *x.r.blank()
	x.sample.reset()
	x.seen, x.condFalsified, x.stop, x.analysis = map[string]int{}, false, false, 0
	x.done = nil
}

// rerun clears x for auto's lockstep, after autoParallel gave up.
func (x *explorer) rerun() {
	x.reset()
	// the lockstep's slices end at step counts of this machine, from zero
	// as with one worker: counted on from the race, they ended early, and
	// with slices of 40 steps the other side won where one worker's
	// lockstep kept dpor's result
	x.m.totalSteps, x.m.budget.polledAt = 0, 0
	x.r.Notes = append(x.r.Notes, fmt.Sprintf("auto: %d workers met a violation, a failed condition or a bound; the lockstep of dpor and the stateful search ran again, so that what it reports does not depend on -j", x.cfg.Workers))
}
