package vm

// autoParallelState is autoParallel where auto favours the stateful
// search: d is that search's first slice, run alone on x's machine and cut
// short at the slice's end. d goes on there as the first worker of the
// parallel stateful search (the others join after joinAfter steps, as
// ever), so nothing it explored is thrown away, while dpor runs on a
// machine of its own, held to a quarter of the steps of one worker (as
// the lockstep quarters its slices where the stateful search is favoured,
// autoDPORShare: held to the workers' summed steps, it ran as fast as
// each of them, three threads on two cores, and ptdump-vmalloc-n512-fixed
// took 3 % longer).
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
	return x.takeRace(end, y, z)
}
