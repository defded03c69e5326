package vm

import (
	"context"
	"fmt"
)

// EnabledFull asks every thread whether it can step, as Enabled did
// before the set was kept from step to step: the reference the
// incremental set is checked against.
func (m *Machine) EnabledFull(buf []int) []int {
	buf = buf[:0]
	if m.violation != nil {
		return buf
	}
	for _, t := range m.threads {
		if m.enabled(t) {
			buf = append(buf, t.id)
		}
	}
	return buf
}

// CountedLoops counts the loops of p that counted.go takes as counted.
func CountedLoops(p *Program) int { return len(countedLoops(p.Code)) }

// ExploreBesideHeldPath runs worker 0 of a parallel stateful search of
// prog after worker 1 has stored every state of the execution schedule
// takes and holds them on its path, as a worker that is still exploring
// below them does, and returns the kinds of what worker 0 found.
func ExploreBesideHeldPath(prog *Program, arch string, schedule []int) ([]string, error) {
	ctx := context.Background()
	cfg := Config{Arch: arch, Search: "state", Workers: 2, Limits: DefaultLimits()}
	m, err := newMachine(prog, arch, nil, cfg.Limits, ctx, 0, false)
	if err != nil {
		return nil, err
	}
	x := newExplorer(ctx, m, cfg, &Result{Counts: map[string]int{}}, goal{})
	p := newStatePool(2, 0)
	if !m.mayCycle() {
		return nil, fmt.Errorf("%s cannot cycle", prog.Name)
	}
	p.gray = newGrayStates(2)
	held := p.visited.worker(1)
	m.Reset()
	hs := []uint64{m.stateHash()}
	for _, t := range schedule {
		m.step(t)
		hs = append(hs, m.stateHash())
	}
	for _, h := range hs {
		held.visit(h, 0)
		p.gray.add(1, h, 1)
	}
	held.quiesce()
	p.work, p.workers = []stateWork{{}}, 1
	y := x.stateWorker(p, 0, m)
	return y.r.Kinds(), nil
}

// SetDeferFlushes turns the stateful search's leaving of flushes for
// later (defer_flush.go) on or off, and returns what it was.
func SetDeferFlushes(on bool) bool {
	old := deferFlushes
	deferFlushes = on
	return old
}

// AutoDPORShare is how many times shorter dpor's slices are than the
// stateful search's where auto favours that search.
const AutoDPORShare = autoDPORShare

// AutoUnits runs dpor (0) and the stateful search (1) alone on prog
// under sc, and returns the units of work auto's lockstep counts for each
// (lane.pass: steps, and dpor's analysed execution lengths), and the side
// autoFavour picks.
func AutoUnits(prog *Program, arch string) (units [2]int, fav int, err error) {
	ctx := context.Background()
	for side := range 2 {
		m, err := newMachine(prog, arch, nil, DefaultLimits(), ctx, 0, false)
		if err != nil {
			return units, 0, err
		}
		g := goal{expects: prog.ExpectationsFor(arch, "sc")}
		x := newExplorer(ctx, m, Config{Arch: arch}, &Result{Counts: map[string]int{}}, g)
		x.autoSide(side)
		units[side], fav = m.totalSteps+x.analysis, m.autoFavour(g.seeksFailure())
	}
	return units, fav, nil
}

// SetLeaveWaits turns the stateful search's leaving out of waits for the
// store buffer (drain_wait.go) on or off, and returns what it was.
func SetLeaveWaits(on bool) bool {
	old := leaveWaits
	leaveWaits = on
	return old
}

// SetAutoPassHook sets the hook auto's lockstep sides call as they end a
// slice, and returns what restores the old one.
func SetAutoPassHook(f func(side, slices int)) func() {
	old := autoPassHook
	autoPassHook = f
	return func() { autoPassHook = old }
}
