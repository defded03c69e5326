package vm

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// auto is the default search. Partial-order reduction (dpor) wins where
// many CPUs do little each; the stateful search wins where few CPUs do
// much, reaching the same states by many orders. Which one a script needs
// is hard to tell before running it, so auto runs both, on two machines,
// in lockstep slices of units of work (autoSlice, or Config.DPORBudget, at
// first, growing at each round: sliceAt): steps, and for dpor also the
// length of each execution it explored (what its race analysis went over
// when it analysed every step again; it now keeps the shared prefix, see
// racebufs.go, and counting only the steps analysed gave dpor as much
// time as the stateful search, bench/README.md); and keeps the
// result of the one that finishes in the earlier slice, dpor when both
// finish in the same one (or the stateful search, on a script autoFavour
// gives it). With one worker the slices alternate, the favoured side's
// first; with two they run at once (on a script that expects a failure,
// the other side from halfway through the favoured side's first slice:
// otherSideAt). Either way the winner depends only on
// these counts, so the result does not depend on the number of workers or
// on the machine's speed, and no work is thrown away for a switch: auto
// costs about the faster search on two cores, and on one at most the
// faster search's work twice, plus its last slice, where dpor is
// favoured; where the stateful search is, dpor's slices are shorter
// (unfavoured), and that bound becomes autoDPORShare+1 times dpor's work
// when the look favoured the wrong side. With one worker the other side
// runs as a coroutine of the favoured one (startSolo).
func (x *explorer) auto() {
	slice := x.cfg.DPORBudget
	if slice <= 0 {
		slice = autoSlice
	}
	fav := x.m.autoFavour(x.g.seeksFailure())
	x.m.limits.Memory /= 2 // the two machines share the memory budget
	raced := x.raceFirst()
	if raced && x.autoWorkers(slice, fav) {
		return
	}
	g := newLockstep(slice, x.cfg.Workers < 2, fav)
	// the favoured side runs on this machine, the other on a second one,
	// made only when it first runs: with one worker, the other side's
	// first slice comes after the favoured one's, and a script settled in
	// that slice (most of them) never starts it, nor pays for its
	// context; with two, it starts halfway through that slice, or at once
	// after the race
	var o *autoOther
	ended := false
	defer func() {
		if o != nil && !ended {
			// the favoured side panicked (an mmuvm bug, which vm.Check
			// turns into its error): the other side, parked in its pass
			// or waiting for a slice, must return rather than leak
			g.finish(fav, false)
			o.end()
		}
	}()
	x.lane = &lane{g: g, side: fav}
	switch {
	case g.solo:
		x.lane.first = func() { o = x.startSolo(g, 1-fav) }
	case !raced:
		x.lane.first = func() { o = x.startOther(g, 1-fav) }
		x.lane.firstAt = otherSideAt(slice, fav)
	default:
		o = x.startOther(g, 1-fav)
	}
	x.lane.start()
	x.autoSide(fav)
	x.lane = nil
	g.finish(fav, true) // a host panic here is the check's own error
	winner := g.result()
	if o != nil {
		o.end()
		ended = true
	}
	if winner != fav {
		x.take(o.y, "") // with rerun's note, if any
	}
	if m := x.m; winner == 1 {
		if fav == 0 {
			m = o.y.m
		}
		if m.budget.exceeded == "" { // not cut short by the time or memory budget
			x.r.Notes = append(x.r.Notes, stateFirstNote(m.totalSteps, o != nil && o.y != nil))
		}
	}
}

// stateFirstNote is the note of a check the stateful search settled
// first, in steps, with dpor run beside it (both) or never started: with
// one worker or two (autoWorkers), a script settled in the stateful
// search's first slice, where it runs alone, gets the same note.
func stateFirstNote(steps int, both bool) string {
	if both {
		return fmt.Sprintf("auto: the stateful search finished first (in %d steps; partial-order reduction ran in lockstep with it)", steps)
	}
	return fmt.Sprintf("auto: the stateful search finished first (in %d steps, within its first slice, before partial-order reduction's turn)", steps)
}

// autoWorkers is auto with several workers before its lockstep: the
// favoured side's first slice alone, as with one worker, then the race of
// dpor and the parallel stateful search (autoParallel, autoParallelState).
// It tells whether that settled the check; if not, x is cleared for the
// lockstep (rerun).
func (x *explorer) autoWorkers(slice, fav int) bool {
	if fav == 0 && x.autoParallel(slice) {
		return true
	}
	if fav == 1 {
		d := x.autoStateFirst(firstSlice(slice, fav, 1))
		if d == nil {
			if x.m.budget.exceeded == "" { // not cut short by the time or memory budget
				x.r.Notes = append(x.r.Notes, stateFirstNote(x.m.totalSteps, false))
			}
			return true
		}
		if x.autoParallelState(slice, d) {
			return true
		}
	}
	x.rerun()
	return false
}

// autoStateFirst runs the first slice of the stateful search on one
// worker, on x's machine, as auto's lockstep does first when it favours
// that search. It returns the search cut short at the slice's end, or nil
// if the slice settled the check (x has its result).
func (x *explorer) autoStateFirst(slice int) *stateDFS {
	l := &lane{cutAt: slice}
	x.lane = l
	defer func() { x.lane = nil }()
	x.m.Reset()
	if x.endedAtReset() {
		return nil
	}
	d := x.newStateDFS()
	d.run()
	if !l.cut {
		d.finish()
		return nil
	}
	return d
}

// raceFirst tells whether auto with several workers runs autoParallel's
// race before its lockstep: not where a bound on counts rules it out, nor
// where the expect lines look for a violation or a failed condition. The
// race gives those up (what the workers find depends on the split) and
// the lockstep runs again from the start, which cost
// contpte-lockless-noretry with -j 2 three times the faster search's
// time; such a script goes straight to the lockstep, whose other side
// starts once the favoured one is halfway through its first slice
// (otherSideAt).
func (x *explorer) raceFirst() bool {
	return x.cfg.Workers >= 2 && !x.g.seeksFailure() && x.cfg.Limits.Executions <= 0 && x.cfg.Limits.States <= 0
}

// otherSideAt is the favoured side's step count at which the other side
// of a lockstep whose slices run at once starts: a script settled before
// it (most failing scripts, settled within a few hundred steps) never
// makes the other side's machine, and one that outlasts the first slice
// has had the other side's first slice run beside it. The other side
// used to start at the end of the favoured side's first slice and run
// its own alone, as with one worker: contpte-lockless-noretry, whose
// stateful search needs 9,606 steps where its first slice is 8,192, took
// 1.1 to 1.3 times that search's time with -j 2.
func otherSideAt(slice, fav int) int { return firstSlice(slice, fav, fav) / 2 }

// autoOther is the side of auto's lockstep that is not favoured, running
// on a machine of its own.
type autoOther struct {
	y   *explorer // the side's explorer once it has run (read after end)
	end func()    // stops the side and waits until it has returned
}

// startOther starts side i of the lockstep g on a twin of x's machine, in
// a goroutine of its own: with several workers, where both sides run at
// once.
func (x *explorer) startOther(g *lockstep, i int) *autoOther {
	ctx, stop := context.WithCancel(x.ctx)
	done := make(chan struct{})
	o := &autoOther{end: func() { stop(); <-done }}
	limits := x.m.limits
	go func() {
		defer close(done)
		l := &lane{g: g, side: i}
		if !l.start() {
			return // the favoured side finished in its first slice: nothing to run
		}
		x.runOther(ctx, limits, l, o)
	}()
	return o
}

// runOther runs the lockstep side of lane l on a twin of x's machine, with
// limits, and records in the lockstep that it has returned: not ok if it
// panicked or its machine could not be made, so that it never wins.
func (x *explorer) runOther(ctx context.Context, limits Limits, l *lane, o *autoOther) {
	ok := false
	defer func() {
		recover() // a panic leaves ok false
		l.g.finish(l.side, ok)
	}()
	m2, err := x.twin(ctx, limits)
	if err != nil {
		return
	}
	o.y = x.sibling(ctx, m2)
	o.y.lane = l
	o.y.autoSide(l.side)
	ok = m2.hostPanic == nil
}

// autoSide runs side i of auto's lockstep: dpor (0) or the stateful
// search (1).
func (x *explorer) autoSide(i int) {
	if i == 0 {
		x.dpor()
		return
	}
	x.stateful()
}

// autoSlice is the default slice of steps of auto's lockstep.
const autoSlice = 4096

// autoHead is how many slices long the favoured side's first slice is.
// The look at the script picks the faster side on most scripts, and one
// settled in that slice never starts the other side; where it needs a
// little more than one slice, the other side's first slice cost as much
// as the whole check (sb-ring-8: dpor needs 5,825 units, while 4,096
// steps of the stateful search, at 0.5 µs each with 8 CPUs, took 2.2 ms
// against dpor's 1.9 ms; ptdump-walk-2m under tso: 5,710 units, the
// stateful search's slice 1.6 ms against dpor's 0.8). No script of the
// corpus or the examples where the other side wins finishes it within
// two slices, so none pays for the longer slice (bench/README.md).
const autoHead = 2

// firstSlice is the length of side's first slice of auto's lockstep,
// whose favoured side is fav.
func firstSlice(slice, fav, side int) int {
	if side == fav {
		return autoHead * slice
	}
	return unfavoured(slice, fav)
}

// unfavoured is the length of a slice of the side auto's lockstep does not
// favour, slice long for the favoured one. Where the stateful search is
// favoured, dpor's slices are autoDPORShare times shorter: the look at the
// script favours that search where dpor explores each place of an irq,
// each number of failed passes of a retry loop, or each order of a lock
// taken in a loop as executions of its own, and on the corpus and the
// examples no such script that takes more than the first slice finishes
// under dpor first; there a slice of dpor costs time that is thrown away
// (contpte-lockless with one worker: 25 % of the stateful search's time
// with equal slices, 14–19 % with halves, 7–14 % with quarters; on
// ptdump-vmalloc-n64-fixed 14–17 % with halves, 9–14 % with quarters). The
// price is the hedge: where the look is wrong and dpor would be the faster
// search, auto with one worker takes up to autoDPORShare times dpor's
// units of the stateful search's steps, each of which costs about four of
// dpor's units. Where dpor is favoured the slices stay equal: on lock-N
// the stateful search, unfavoured, finishes first in the lockstep.
func unfavoured(slice, fav int) int {
	if fav == 1 {
		return max(slice/autoDPORShare, 1)
	}
	return slice
}

// autoDPORShare is how many times shorter dpor's slices are than the
// stateful search's where auto favours that search.
const autoDPORShare = 4

// autoFavour is the side auto's lockstep favours, from a look at the
// script: its first slice runs first, and it wins a tie (both finishing in
// the same slice). The stateful search's side (1) is favoured on a script
// with an irq handler, a preemptible task, a spin loop (a retry loop
// whose passes only read: spinLoops) or another retry loop (a poll that
// takes a lock in every pass: hasRetryLoop), but not for an await whose
// pass is one load (isAwait), which dpor takes as a wait. Every step where
// the irq may fire or the task be preempted is a race dpor reverses, and
// every number of failed passes of a retry loop an execution of its own
// (examples/litmus/poll-completion.mmu: 110 against 44 µs); most of
// the orders it explores that way lead back to states the stateful search
// has seen and merges (on the corpus and examples, the stateful search was
// 1.5 to 6 times faster on such scripts, the x86 PAE lockless getters'
// retries among them, and within noise on the rest). So is a counted loop
// that takes a lock that may wait in every pass (hasBlockingLoop,
// ptdump-vmalloc-nN-fixed's freeing CPU): dpor orders every pass's
// acquisition against the other CPU's steps, 2^N executions, where the
// stateful search merges the states they lead to (n8-fixed: 3.7 against
// 0.97 ms; auto took 1.3 ms with one worker and 2.6 ms with two when it
// favoured dpor, and takes the stateful search's time now). So is a
// script with few interleavings (fewOrders; more of them count as few
// where the check seeks a failure: failing). Otherwise dpor (0), which
// settles most small scripts in its first slice (ptdump-walk-2m, whose
// lock is taken once). The choice depends on the script and its expect
// lines only, so the result stays the same for every -j.
func (m *Machine) autoFavour(failing bool) int {
	p := m.prog
	if m.irqInterrupts() || m.fewOrders(failing) || m.hasSpinLoop() || m.hasRetryLoop() || m.hasBlockingLoop() {
		return 1
	}
	for _, c := range p.CPUs {
		if c.Preemptible {
			return 1
		}
	}
	return 0
}

// irqInterrupts tells whether an irq handler's CPU runs steps of its own
// that the handler may fire between. One whose CPU has none (an empty cpu
// block, or none) fires at one place unless a preemptible task migrates
// there (autoFavour favours the stateful search for that anyway), so it
// gives dpor no such race to reverse
// (examples/model/preempt-task-words-follow-mutant.mmu: dpor 6.1 µs, the
// stateful search 7.5 µs).
func (m *Machine) irqInterrupts() bool {
	for _, q := range m.prog.IRQs {
		for _, t := range m.prog.CPUs {
			if t.CPU != q.CPU {
				continue
			}
			for _, pc := range m.codeOf(t.Proc) {
				if m.stepAt[pc] {
					return true
				}
			}
		}
	}
	return false
}

// lockstep runs two searches, dpor (side 0) and the stateful search (side
// 1), in slices of steps, and decides which one finished first.
type lockstep struct {
	mu     sync.Mutex
	cond   sync.Cond
	slice  int
	solo   bool   // one worker: the sides take turns (startSolo), else both run at once
	fav    int    // the side that runs first and wins a tie (autoFavour)
	slices [2]int // slices each side has completed
	done   [2]bool
	ok     [2]bool      // finished without failing
	at     [2]int       // the slice in which each side finished
	winner int          // -1 until decided
	won    atomic.Int32 // winner+1 once decided, read between slices
	// solo: the other side is a coroutine of the favoured side's
	// goroutine; resume runs it until it ends a slice or returns, yield
	// hands the core back from it
	resume func()
	yield  func(struct{}) bool
}

func newLockstep(slice int, solo bool, fav int) *lockstep {
	g := &lockstep{slice: slice, solo: solo, winner: -1, fav: fav}
	g.cond.L = &g.mu
	return g
}

// autoPassHook, set by tests, is called as a lockstep side ends a slice,
// with the slices it had completed before (a panic there is how the tests
// make one side fail).
var autoPassHook func(side, slices int)

// lane is one side's view of the lockstep, kept by its explorer.
type lane struct {
	g       *lockstep
	side    int
	end     int       // the step count that ends this side's current slice
	first   func()    // called when the side first ends a slice, if set
	firstAt int       // set: call first at this step count instead
	race    *autoRace // with several workers, dpor's side of autoParallel instead
	cutAt   int       // set: no lockstep, stop at this step count (autoStateFirst)
	cut     bool      // the side was stopped there
}

// start sets up the side's first slice; false when the other side has
// already won.
func (l *lane) start() bool {
	l.end = l.g.sliceAt(l.side, 0)
	return l.inRace()
}

// inRace tells whether the side may go on: no winner yet, or this side.
func (l *lane) inRace() bool {
	w := l.g.won.Load()
	return w == 0 || int(w)-1 == l.side
}

// pass is called between units of work with the side's step count; false
// means the other side has won and this one must stop.
func (l *lane) pass(steps int) bool {
	if l.cutAt > 0 {
		l.cut = l.cut || steps >= l.cutAt
		return !l.cut
	}
	if l.race != nil {
		return l.race.pass(steps)
	}
	if l.first != nil && (steps >= l.end || l.firstAt > 0 && steps >= l.firstAt) {
		l.first()
		l.first = nil
	}
	if steps < l.end {
		return l.inRace() // a side that has lost stops at once, not at its slice's end
	}
	if autoPassHook != nil {
		autoPassHook(l.side, l.g.slices[l.side])
	}
	if l.g.solo {
		return l.passSolo(steps)
	}
	g, i := l.g, l.side
	j := 1 - i
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slices[i]++
	l.end = steps + g.sliceAt(i, g.slices[i])
	g.cond.Broadcast()
	for {
		g.decide()
		switch {
		case g.winner >= 0:
			return g.winner == i
		case g.slices[j] >= g.slices[i]:
			return true
		}
		g.cond.Wait()
	}
}

// sliceAt is the length of slice k (from 0) of side i. Slices grow by a
// quarter of the first at each round, the favoured side's first being
// longer (autoHead): a long check hands the core
// over between its two machines about sqrt(8·steps/slice) times rather
// than steps/slice times (each handover wakes the other goroutine and
// brings the other machine's memory back into the cache: 7 % of the time
// of ptdump-vmalloc-n512-fixed with -j 1, at 730 handovers of fixed
// slices), while the side that loses still overshoots the winner by at
// most one slice, a fraction about 2/k of the work done by then.
func (g *lockstep) sliceAt(i, k int) int {
	if k == 0 {
		return firstSlice(g.slice, g.fav, i)
	}
	n := g.slice + g.slice*k/4
	if i != g.fav {
		return unfavoured(n, g.fav)
	}
	return n
}

// finish records that side i has returned; ok is false when it failed
// (an internal error), and then it never wins.
func (g *lockstep) finish(i int, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done[i], g.ok[i], g.at[i] = true, ok, g.slices[i]
	g.decide()
	g.cond.Broadcast()
}

// decide sets the winner once it is known. A side that failed loses. The
// favoured side wins when it finishes, unless the other finished in an
// earlier slice; the other wins once the favoured side has completed the
// slice in which it finished without finishing itself. (When the favoured
// side finishes, the other has completed as many slices as it: with one
// worker the favoured side's slice of each round comes first, and with
// two neither side starts a slice before the other has ended the last.)
func (g *lockstep) decide() {
	f, o := g.fav, 1-g.fav
	defer func() { g.won.Store(int32(g.winner + 1)) }()
	switch {
	case g.winner >= 0:
	case g.done[0] && !g.ok[0]:
		g.winner = 1
	case g.done[1] && !g.ok[1]:
		g.winner = 0
	case g.done[o] && (g.slices[f] > g.at[o] || g.done[f] && g.at[o] < g.at[f]):
		g.winner = o
	case g.done[f]:
		g.winner = f
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
