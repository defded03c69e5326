package vm

import (
	"fmt"
	"iter"
	"maps"
)

// The prelude of the incremental search.
//
// The search adds each read with the co-latest write first and each write
// in the last coherence place first, so the graphs it builds first are
// those where every access takes the newest value; a graph where one read
// took an old one comes after every graph below the later reads' choices.
// A violation that needs one old value among many reads can then lie
// behind millions of executions: the contpte reader without its
// consistency check (examples/seeds/004-contpte-lockless-nocheck-armv8.mmu)
// fails when its first read returns the entry before the repaint, and the
// search checked 382,312 executions in 60 s without reaching it (the
// reader's 17 reads, each of up to four writes).
//
// So, when the script's expectations let a violation or a failed
// condition end the check, a second search runs beside it on the same
// machine, in phases that build only the graphs where at most k items
// took another option than their first (k = 1, then 2), each within a
// budget of items visited. The two take turns as coroutines (only one
// runs at a time): the prelude first, for a head start, then one item of
// its graphs for every preludeShare of the search's, so it costs the
// search a bounded share of its work however long the search is. Every
// graph the prelude completes is an execution, so what it finds is real:
// when it settles the expectations, the check ends with its result
// (incomplete, and a note says so); when one of its phases leaves no graph
// out, that phase was the whole search, and its result stands. Otherwise
// the search's own result stands. The budgets and turns are counts of
// items, not time, so the result does not depend on the machine. (It is
// bounded search for bugs: few reorderings expose most of them.)

// phase is one phase of the prelude, the search it runs.
type phase struct {
	bound int   // the most items of a graph that may have taken another option than their first
	left  int64 // the items of the graphs it may still visit
	cut   bool  // it left out a graph past its bound, or ran out of its budget
	// turn is what is left of the prelude's turn, and yield hands the
	// machine back to the search at its end (false: the search is over)
	turn  *int64
	yield func() bool
	quit  bool // the search is over, or the prelude settled the check: stop
	// settled tells whether what the phase found settles the
	// expectations (a weak search does not stop at a failed condition)
	settled func() bool
}

// preludePhases are the prelude's bounds and budgets (items visited).
var preludePhases = []phase{{bound: 1, left: 400_000}, {bound: 2, left: 800_000}}

const (
	preludeHead  = 64_000 // the items of the prelude's first turn
	preludeTurn  = 4_096  // and of each later one
	preludeShare = 32     // the search visits this many items per item of the prelude's
)

// over tells whether the phase must stop.
func (p *phase) over() bool { return p != nil && (p.quit || p.left < 0) }

// admit tells whether the phase visits g: within its bound and budget. At
// the end of its turn it hands the machine to the search, and goes on
// when its next turn comes.
func (p *phase) admit(g *igraph) bool {
	if p == nil {
		return true
	}
	n := work(g)
	if p.left -= n; p.left < 0 {
		p.cut = true
		return false
	}
	if *p.turn -= n; *p.turn < 0 {
		if !p.yield() {
			p.quit = true
			return false
		}
	}
	if p.settled() {
		p.quit = true
		return false
	}
	if deviations(g) > p.bound {
		p.cut = true
		return false
	}
	return true
}

// work is what a visit to g costs, counted in items: its replays go over
// the items of its CPUs. (The model's checks cost more on large graphs:
// on ptdump-walk-2m, graphs of 1,100 events, the prelude's share of the
// time is about 2.5 times its share of the items. Weighting the graphs
// the model judges by 4 or 16 kept that share down but held the prelude
// back on the contpte reader, whose search judges as often.)
func work(g *igraph) int64 { return int64(g.size()) }

// deviations counts the items of g that took another option than their
// first: a read of a write other than the co-latest, a write placed before
// the last, a choice other than its first.
func deviations(g *igraph) int {
	n := 0
	for t := range g.th {
		for i := range g.th[t].items {
			if it := &g.th[t].items[i]; it.in && !it.max {
				n++
			}
		}
	}
	return n
}

// prelude is the prelude as the search sees it.
type prelude struct {
	x      *explorer // the search's
	q      *incr     // the prelude's search, on a sibling explorer of the same machine
	next   func() (struct{}, bool)
	stop   func()
	turn   int64 // what is left of its current turn
	owed   int64 // the search's items since its last turn
	done   bool  // it has returned
	ended  bool  // it settled the check, or a phase of it was the whole search
	settle int   // the bound of the phase that settled it (0: none did)
}

// startPrelude starts the prelude beside e, when the expectations let
// something found end the check early (not with --all); nil otherwise.
// Its first round starts with the locations seed, as e's does.
func (e *incr) startPrelude(cpus []int, seed map[uint64]bool) *prelude {
	x := e.x
	if x.g.all || len(x.g.expects) == 0 {
		return nil
	}
	y := x.sibling(x.ctx, x.m)
	q := y.newIncr(x.weakSetup(e.model), cpus)
	q.graphs, q.unplaced = e.graphs, e.unplaced // the graphs it checks count towards the check's
	maps.Copy(q.reads, seed)
	p := &prelude{x: x, q: q, turn: preludeHead}
	p.next, p.stop = iter.Pull(func(yield func(struct{}) bool) {
		p.run(func() bool { return yield(struct{}{}) })
	})
	p.resume()
	return p
}

// run runs the phases until one ends the check, or the search is over.
func (p *prelude) run(yield func() bool) {
	q, y := p.q, p.q.x
	bounds := len(q.w.bounds)
	for _, ph := range preludePhases {
		ph.turn, ph.yield = &p.turn, yield
		ph.settled = func() bool { return y.g.settled(y.r, y.condFalsified) }
		q.ph = &ph
		q.rounds(bounds)
		switch {
		case y.g.settled(y.r, y.condFalsified):
			y.stop, p.ended, p.settle = true, true, ph.bound
			return
		case ph.quit:
			return
		case !ph.cut:
			p.ended = true // it left nothing out: it was the search itself
			return
		case q.bad != "" || y.m.budget.exceeded != "" || y.ctx.Err() != nil:
			return
		}
		q.restart(bounds)
	}
}

// resume runs the prelude for its turn; it tells whether it returned.
func (p *prelude) resume() {
	if p.done {
		return
	}
	if _, ok := p.next(); !ok {
		p.done = true
	}
}

// tick counts a visit of the search to g, and gives the prelude its turn
// when the search has visited preludeShare times as much; false when the
// prelude has ended the check, and the search must stop.
func (p *prelude) tick(g *igraph) bool {
	if p == nil {
		return true
	}
	if p.owed += work(g); p.owed >= preludeShare*preludeTurn && !p.done {
		p.owed, p.turn = 0, preludeTurn
		p.resume()
	}
	return !p.ended
}

// over tells whether the prelude has ended the check.
func (p *prelude) over() bool { return p != nil && p.ended }

// finish stops the prelude. When it ended the check, its result goes to
// the search's explorer, and its search is returned for the rest of the
// result (its graphs, bounds and errors); nil otherwise.
func (p *prelude) finish() *incr {
	if p == nil {
		return nil
	}
	p.stop()
	if !p.ended {
		return nil
	}
	x := p.x
	x.take(p.q.x, "")
	if p.settle > 0 {
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("search: found by the incremental search's prelude, which builds first the graphs where %s another option than the first (an older write, an earlier place); the search stopped there, and the final states are those of the graphs it built (--all runs the whole search)", atMost(p.settle)))
	}
	p.q.x = x
	return p.q
}

// atMost says how many accesses (or choices) may take another option.
func atMost(k int) string {
	if k == 1 {
		return "one access at most takes"
	}
	return fmt.Sprintf("%d accesses at most take", k)
}
