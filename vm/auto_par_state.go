package vm

// autoParallelState is autoParallel where auto favours the stateful
// search: d is that search's first slice, run alone on x's machine and cut
// short at the slice's end. d goes on there as the first worker of the
// parallel stateful search (the others join after joinAfter steps, as
// ever), so nothing it explored is thrown away, while dpor runs on a
// machine of its own, held to half the steps of one worker (as the
// lockstep halves its slices where the stateful search is favoured: held
// to the workers' summed steps, it ran as fast as each of them, three
// threads on two cores, and ptdump-vmalloc-n512-fixed took 3 % longer).
// The first to complete clean gives the result, as in autoParallel;
// anything else returns false, and auto runs its lockstep from the start.
func (x *explorer) autoParallelState(slice int, d *stateDFS) bool {
	race := &autoRace{slice: slice, share: x.cfg.Workers * autoDPORShare, started: true}
	race.pool = newStatePool(x.cfg.Workers, x.cfg.Limits.States)
	race.pool.halt = &race.halt
	var z *explorer // dpor's
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer race.halt.Store(true) // dpor has returned: the workers stop
		m2, err := x.twin(x.ctx, x.m.limits)
		if err != nil {
			return
		}
		z = x.sibling(x.ctx, m2)
		z.lane = &lane{race: race}
		z.dpor()
		z.lane = nil
	}()
	y := x.sibling(x.ctx, x.m) // the workers' result; d's explorer, x, is the first worker's
	end := y.stateWorkers(race.pool, true, d)
	race.stateDone.Store(true)
	<-done
	for _, o := range []*explorer{y, z} {
		if o != nil && o.m.hostPanic != nil {
			x.m.hostPanic = o.m.hostPanic
			return true
		}
	}
	switch {
	case end == workersClean:
		x.adoptResult(y, "auto: the parallel stateful search completed first, clean (partial-order reduction ran beside it)")
		return true
	case z != nil && z.cleanComplete():
		x.adoptResult(z, "auto: partial-order reduction completed first, clean (the parallel stateful search ran beside it)")
		x.r.SplitCounts = splitCounts
		return true
	}
	return false
}

// adoptResult makes o's result, complete and clean, the check's, with note.
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
