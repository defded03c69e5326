package vm

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// parallelStateful is the stateful search on Config.Workers machines at
// once, over one shared set of visited states (sharedVisited). Each worker
// runs the depth-first search of stateful; a worker with nothing to do
// raises a flag, and the next busy worker to see it hands over its
// shallowest frame with steps left to explore (work stealing): the
// frame's schedule, the steps it has left and its sleep set, which the
// idle worker replays on its own machine and explores from.
//
// Sleep sets stay sound: a frame handed over carries its whole sleep set,
// footprints included, so its remaining steps get the sleepers they would
// get on one worker; and a visit to the shared set is atomic, so a state
// is explored again whenever it is reached with a thread awake that was
// asleep in every earlier visit. The mask a state is stored with only
// shrinks, whatever the order of the visits, so each state ends explored
// with the threads asleep on every path that reached it, as on one
// worker. TestParallelStateSameForEveryN and the differential test
// (state-j2, auto-j2 against dfs) check the final states that follow.
//
// What a search that completes without finding anything reports is the
// same whatever the split: the verdict ok and the set of final states
// (every reachable one). How often a final state is met depends on the
// split, and so does the number of states stored: a state's hash covers
// the part of its spin loops' history that decides their next pass (see
// stateHash), which differs between orders that sleep sets take as one.
// Those counts are labelled so (Result.SplitCounts). A
// violation, a failed final condition or a bound is different: which one a
// worker meets first depends on timing. The parallel search then stops
// and the check runs again on one worker, whose result (verdict, kinds,
// counterexample) is the one -j 1 gives. The parallel search proves; the
// single one reports what is wrong.
//
// A script whose expect lines all look for a violation or a failed
// condition is expected to end in that second search, so it runs on one
// worker from the start (a note says so): the workers' search would be
// thrown away (contpte-lockless-noretry: 7.8 ms with -j 2 against 4.9 ms
// with -j 1).
func (x *explorer) parallelStateful() {
	if x.g.seeksFailure() {
		x.r.Notes = append(x.r.Notes, "state: one worker: the expect lines look for a failure, which -j's workers would have to find again on one (what is reported must not depend on -j)")
		x.statefulOne()
		return
	}
	switch x.stateWorkers(newStatePool(x.cfg.Workers, x.cfg.Limits.States), false, nil) {
	case workersStopped:
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("state: the %d workers stopped at a violation, a failed condition or a bound; one worker ran the search again, so that what it reports does not depend on -j", x.cfg.Workers))
		x.statefulOne()
	case workersFailed:
		if x.m.hostPanic == nil { // no machine for a worker: the one there is
			x.statefulOne()
		}
	}
}

// workersEnd is how a parallel stateful search ended.
type workersEnd int

const (
	workersClean    workersEnd = iota // complete, nothing found: x.r has the result
	workersTimedOut                   // out of time or cancelled: x.r has what they found
	workersStopped                    // at a violation, a condition, a bound, or halted: x.r untouched
	workersFailed                     // a host builtin panicked (x.m.hostPanic), or no machine
)

// stateWorkers runs the parallel stateful search on p's workers, each on a
// machine of its own, and puts what they found in x.r unless they stopped
// at something the one-worker search must report.
//
// resume, if set, is a one-worker search on x's machine cut short
// (autoParallelState): it becomes the first worker, its visited states
// the shared set's, and goes on from where it stopped.
func (x *explorer) stateWorkers(p *statePool, lend bool, resume *stateDFS) workersEnd {
	// the first worker starts at once, on the explorer's own machine when
	// lend says it is not needed afterwards (auto's, made for the search;
	// a plain check's runs the search again when the workers stop); the
	// others make theirs (running init again) meanwhile, and join once the
	// search has taken joinAfter steps: on a small script, handing frames
	// between workers costs more than it gains
	ms := make([]*Machine, len(p.slots))
	ms[0] = x.m
	if !lend {
		m, err := x.twin(x.ctx, x.m.limits)
		if err != nil {
			return workersFailed
		}
		ms[0] = m
	}
	if ms[0].mayCycle() {
		p.gray = newGrayStates(len(p.slots))
	}
	if resume != nil {
		p.adopt(resume)
	} else {
		ms[0].Reset()
		root := p.visited.worker(0)
		root.visit(ms[0].stateHash(), 0)
		root.quiesce()
		p.work = []stateWork{{}} // the root
	}
	p.workers = 1
	ys := make([]*explorer, len(ms))
	var failed atomic.Bool
	var wg sync.WaitGroup
	for i := range ms {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if i > 0 {
				m, err := x.twin(x.ctx, x.m.limits)
				if err != nil {
					failed.Store(true)
					p.stop()
					return
				}
				ms[i] = m
				if !p.join(joinAfter) {
					ys[i] = x.sibling(x.ctx, m) // the search ended without it
					return
				}
			}
			if i == 0 && resume != nil {
				ys[i] = resume.x
				resume.work(true)
				return
			}
			ys[i] = x.stateWorker(p, i, ms[i])
		}(i)
	}
	x.awaitWorkers(&wg, p)
	if failed.Load() {
		return workersFailed
	}
	return x.takeWorkers(p, ms, ys)
}

// joinAfter is the steps of the first worker after which the others join
// a parallel stateful search.
const joinAfter = 16384

// awaitWorkers waits for the workers, reporting progress meanwhile.
func (x *explorer) awaitWorkers(wg *sync.WaitGroup, p *statePool) {
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	if x.cfg.Progress == nil {
		<-finished
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-finished:
			return
		case now := <-tick.C:
			x.cfg.Progress(Progress{States: p.visited.len(), Elapsed: now.Sub(x.started)})
		}
	}
}

// takeWorkers adds the workers' findings up into x.r when the search
// completed clean or ran out of time.
func (x *explorer) takeWorkers(p *statePool, ms []*Machine, ys []*explorer) workersEnd {
	clean := !p.stopped.Load()
	exceeded := ""
	for i, m := range ms {
		if m.hostPanic != nil {
			x.m.hostPanic = m.hostPanic
			return workersFailed
		}
		x.m.budget.peak = max(x.m.budget.peak, m.budget.peak)
		if e := m.budget.exceeded; e != "" && exceeded == "" {
			exceeded = e
		}
		clean = clean && !ys[i].stop
	}
	timedOut := strings.HasPrefix(exceeded, "time: ") || strings.HasPrefix(exceeded, "cancelled: ")
	if !clean && !timedOut {
		return workersStopped
	}
	for _, y := range ys {
		x.addPart(y.r)
	}
	x.r.Complete = clean
	x.r.States = p.visited.len()
	if p.workers > 1 {
		x.r.SplitCounts = splitCounts
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("state: %d workers shared one set of visited states", p.workers))
	} // else the search ended before the others joined: one worker's, counts and all
	if !clean {
		x.m.budget.exceeded = exceeded // no traces past the budget
		x.stop = true
		return workersTimedOut
	}
	return workersClean
}

// splitCounts are the counts of a parallel stateful search that depend on
// how the workers split it (Result.SplitCounts).
var splitCounts = []string{"executions", "states", "positive_executions", "negative_executions", "final_states.executions"}

// statefulOne is the stateful search on one worker, on x's machine.
func (x *explorer) statefulOne() {
	cfg := x.cfg
	x.cfg.Workers = 1
	defer func() { x.cfg = cfg }()
	x.stateful()
}

// stateWorker is worker w of a parallel stateful search, on machine m: it
// explores the frames it is handed until there are none left anywhere or
// the search stops.
func (x *explorer) stateWorker(p *statePool, w int, m *Machine) *explorer {
	y := x.sibling(x.ctx, m)
	d := &stateDFS{x: y, visited: p.visited.worker(w), share: p, worker: w, heldBase: m.budget.held, onPath: map[uint64]int32{}, gray: p.gray}
	d.work(false)
	return y
}

// work explores the frames d's worker is handed until there are none left
// anywhere or the search stops; resumed, it first goes on with the search
// p.adopt made this worker's.
func (d *stateDFS) work(resumed bool) {
	p, y, m := d.share, d.x, d.x.m
	v := p.visited.worker(d.worker)
	defer v.quiesce() // a worker that ends lets a grower in
	if resumed {
		d.run()
		if y.stop {
			p.stop()
			return
		}
		d.seedPath()
	}
	var hs []uint64
	for {
		v.quiesce() // and so does one that waits
		work, ok := p.get()
		if !ok {
			return
		}
		m.Reset()
		hs := append(hs[:0], m.stateHash())
		for _, t := range work.steps {
			m.step(t)
			hs = append(hs, m.stateHash())
		}
		d.seedPath(hs...) // this worker's path starts again, at the handed frame's
		d.schedule = append(d.schedule[:0], work.steps...)
		d.base = len(work.steps)
		f := d.push(work.sleep, work.asleep, m.Enabled(nil))
		if work.enabled != nil {
			f.enabled = append(f.enabled[:0], work.enabled...)
			f.next = work.next
		}
		m.save(&f.snap) // a handed frame may branch where push saw one step
		d.off = false

		d.run()
		if y.stop {
			p.stop()
			return
		}
		d.seedPath() // its path is empty while it waits: nothing of it is gray
	}
}

// adopt makes d, a one-worker search on the first worker's machine cut
// short, that worker's search: its visited states go into the shared set
// (which keeps the threads explored awake where d's kept those asleep:
// visited_shared.go) and the states on its path into the gray ones.
func (p *statePool) adopt(d *stateDFS) {
	own := d.visited.(*visitedSet)
	if t := p.visited.table; 2*own.n > len(t.slots) {
		p.visited.table = newSharedTable(tableSize(own.n))
		p.visited.size.Store(p.visited.table.bytes())
	}
	for _, o := range own.slots {
		if o.key != 0 {
			p.visited.table.insert(visitedSlot{key: o.key, val: ^o.val})
		}
	}
	w := p.visited.worker(0)
	w.stored = own.n
	w.n.Store(int64(own.n))
	own.free()
	d.visited, d.share, d.worker, d.gray = w, p, 0, p.gray
	if p.gray != nil {
		for h, n := range d.onPath {
			p.gray.add(0, h, n)
		}
	}
	d.x.stop, d.x.lane = false, nil // it was cut short at the slice's end
}

// stateWork is a frame handed from one worker to another: the steps from
// the initial state to it, and what it has left to explore.
type stateWork struct {
	steps   []int
	enabled []int // nil: the frame's enabled threads, from its first step
	next    int
	sleep   []sleeper
	asleep  uint64
}

// statePool hands frames from busy workers to idle ones.
type statePool struct {
	mu      sync.Mutex
	cond    *sync.Cond
	work    []stateWork
	workers int
	idle    int
	done    bool        // every worker idle with nothing to hand over
	hungry  atomic.Bool // a worker waits for a frame
	stopped atomic.Bool // a worker stopped the search: all stop
	slots   []workerSlot
	visited *sharedVisited
	gray    *grayStates  // the stored states on the workers' paths, where a cycle is possible (or nil)
	halt    *atomic.Bool // set: stop (auto's dpor finished first)
}

// workerSlot is what a worker publishes as it goes, a cache line of its own.
type workerSlot struct {
	mem   atomic.Int64 // its memory estimate, but for the shared set
	steps atomic.Int64 // the steps it has taken
	_     [48]byte
}

func newStatePool(workers, hint int) *statePool {
	p := &statePool{workers: workers, slots: make([]workerSlot, workers), visited: newSharedVisited(workers, hint)}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// join adds a worker to the pool once the first has taken after steps;
// false when the search ended before.
func (p *statePool) join(after int64) bool {
	for p.slots[0].steps.Load() < after {
		if p.over() {
			return false
		}
		time.Sleep(joinPoll)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done || p.stopped.Load() {
		return false
	}
	p.workers++
	return true
}

// over tells whether the search has ended.
func (p *statePool) over() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done || p.halted()
}

// halted tells whether a worker or auto's dpor stopped the search.
func (p *statePool) halted() bool { return p.stopped.Load() || p.halt != nil && p.halt.Load() }

// joinPoll is how often a worker waiting to join looks at the first one's steps.
const joinPoll = 100 * time.Microsecond

// get waits for a frame to explore; false when the search is over.
func (p *statePool) get() (stateWork, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle++
	for len(p.work) == 0 && !p.done && !p.stopped.Load() {
		if p.idle == p.workers {
			p.done = true
			p.cond.Broadcast()
			break
		}
		p.hungry.Store(true)
		p.cond.Wait()
	}
	if len(p.work) == 0 || p.stopped.Load() {
		return stateWork{}, false
	}
	p.idle--
	w := p.work[len(p.work)-1]
	p.work = p.work[:len(p.work)-1]
	p.hungry.Store(len(p.work) == 0 && p.idle > 0)
	return w, true
}

// put hands a frame over to an idle worker.
func (p *statePool) put(w stateWork) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.work = append(p.work, w)
	p.hungry.Store(false)
	p.cond.Signal()
}

// stop ends the search for every worker.
func (p *statePool) stop() {
	p.stopped.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cond.Broadcast()
}

// publish records worker w's memory estimate (but for the shared set and
// what the others publish) and steps, and returns what the other workers'
// machines hold.
func (p *statePool) publish(w int, m *Machine) int64 {
	p.slots[w].mem.Store(m.memUsed() - m.budget.held)
	p.slots[w].steps.Store(int64(m.totalSteps))
	var n int64
	for i := range p.slots {
		if i != w {
			n += p.slots[i].mem.Load()
		}
	}
	return n
}

// steps is how many steps the workers have taken.
func (p *statePool) steps() int {
	var n int64
	for i := range p.slots {
		n += p.slots[i].steps.Load()
	}
	return int(n)
}

// serve is a busy worker's turn between two steps: false when the search
// must stop (another worker stopped it, or this one found something the
// one-worker search must report); otherwise it hands a frame over if a
// worker waits for one.
func (p *statePool) serve(d *stateDFS) bool {
	if p.halted() || len(d.x.r.Violations) > 0 || d.x.r.Witness != nil || len(d.x.r.Bounds) > 0 {
		return false
	}
	if p.hungry.Load() {
		d.donate()
	}
	return true
}

// donate hands over the shallowest frame with a step left that is not
// asleep: the biggest piece of work this worker has, and the cheapest to
// replay. This worker leaves it as if explored. The top frame stays: a
// worker keeps the work it is on, so a frame handed over is stepped from
// before it can be handed on, and two workers cannot pass one frame to
// and fro for ever.
func (d *stateDFS) donate() {
	for i, f := range d.stack[:len(d.stack)-1] {
		if !f.more() {
			continue
		}
		sleep := make([]sleeper, len(f.sleep))
		for j, s := range f.sleep {
			sleep[j] = sleeper{thread: s.thread, fp: slices.Clone(s.fp), drainer: s.drainer}
		}
		d.share.put(stateWork{steps: slices.Clone(d.schedule[:d.base+i]), enabled: slices.Clone(f.enabled),
			next: f.next, sleep: sleep, asleep: f.asleep})
		f.next = len(f.enabled)
		return
	}
}
