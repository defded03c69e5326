package vm

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/mmu"
)

// explorer enumerates executions of a machine.
type explorer struct {
	ctx  context.Context
	m    *Machine
	cfg  Config
	r    *Result
	g    goal
	seen map[string]int // final state -> index in r.FinalStates

	condFalsified bool
	stop          bool
	weakMode      bool           // checking under a weak model (weak.go)
	sample        *sampler       // run --seed under a weak model: picks one execution (sample.go)
	lane          *lane          // auto: this search's side of the lockstep, or nil
	prefix        prefix         // dpor of a split: the steps it starts with
	analysis      int            // the length of every execution dpor explored: work auto counts
	incBudget     int64          // the items the incremental search may visit (0: no bound; weak.go, lookFurther)
	race          *raceBufs      // DPOR's race analysis storage, while dpor runs
	dropped       []*dnode       // DPOR nodes to reuse
	done          func() float64 // the running search's progress estimate
	started       time.Time
	lastReport    time.Time
	calls         int
}

func newExplorer(ctx context.Context, m *Machine, cfg Config, r *Result, g goal) *explorer {
	now := time.Now()
	return &explorer{ctx: ctx, m: m, cfg: cfg, r: r, g: g, seen: map[string]int{}, started: now, lastReport: now}
}

// twin makes another machine for the same check as x's (its program,
// arch, builtins and store buffers), under ctx and with limits.
func (x *explorer) twin(ctx context.Context, limits Limits) (*Machine, error) {
	return newMachine(x.m.prog, x.cfg.Arch, x.cfg.Builtins, limits, ctx, x.m.budget.timeout, x.m.storeBuffers)
}

// sibling is an explorer of the same check on machine m, with a result of
// its own (an auto side, a split's part); it reports no progress.
func (x *explorer) sibling(ctx context.Context, m *Machine) *explorer {
	cfg := x.cfg
	cfg.Progress = nil
	return newExplorer(ctx, m, cfg, x.r.blank(), x.g)
}

// progress calls cfg.Progress about every 100 ms (checking the clock only
// every 64 calls).
func (x *explorer) progress() {
	x.calls++
	if x.cfg.Progress == nil || x.calls%64 != 0 {
		return
	}
	if now := time.Now(); now.Sub(x.lastReport) >= 100*time.Millisecond {
		x.lastReport = now
		pg := Progress{Executions: x.r.Executions, States: x.r.States, Elapsed: now.Sub(x.started)}
		if x.done != nil {
			pg.Done = x.done()
		}
		x.cfg.Progress(pg)
	}
}

func (x *explorer) run() {
	switch x.cfg.Search {
	case "random":
		x.random()
	case "dfs":
		x.dfs()
	case "dpor":
		if x.cfg.Workers >= 2 || x.cfg.Shard.Count > 0 {
			x.split()
		} else {
			x.dpor()
		}
	case "state":
		x.stateful()
	default:
		x.auto()
	}
}

// interruptedNow is interrupted with the deadline and the memory estimate
// looked at every time. The weak engines ask between execution graphs and
// between the stages of a model's check, and there one question can
// follow the last by a large graph's check (a quarter of a second on 2,500
// events) rather than by a step: searchBudgetOK's one look in 64 calls let
// such a check run seconds past its deadline.
func (x *explorer) interruptedNow() bool {
	if !x.stop && !x.m.withinBudget() {
		x.overBudgetStop()
	}
	return x.interrupted()
}

// interrupted checks cancellation and the execution bound.
func (x *explorer) interrupted() bool {
	if x.stop {
		return true
	}
	x.progress()
	if x.lane != nil && !x.lane.pass(x.m.totalSteps+x.analysis) {
		x.stop = true // the other search of auto finished first
		return true
	}
	if !x.m.searchBudgetOK() {
		x.overBudgetStop()
		return true
	}
	if n := x.cfg.Limits.Executions; n > 0 && x.r.Executions >= n {
		x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("executions: stopped after %d (--max-executions)", n))
		x.stop = true
		return true
	}
	return false
}

// overBudgetStop stops the search on a budget limit: a limit violation
// naming it (unless the execution that hit it recorded one already), or,
// when the host cancelled the check, a bound that makes it incomplete.
func (x *explorer) overBudgetStop() {
	x.stop = true
	msg := x.m.budget.exceeded
	if strings.HasPrefix(msg, "cancelled: ") {
		x.r.Bounds = append(x.r.Bounds, msg)
		return
	}
	x.r.Bounds = append(x.r.Bounds, msg)
	for _, v := range x.r.Violations {
		if v.Kind == "limit" && v.Msg == msg {
			return
		}
	}
	x.r.Violations = append(x.r.Violations, &Violation{Kind: "limit", Msg: msg, Thread: -1, Pos: Pos{File: -1}})
	x.r.Counts["limit"]++
}

// record files the outcome of a finished execution; schedule is the
// execution's thread choices. It sets x.stop when the goal is settled.
func (x *explorer) record(schedule []int) {
	m, r := x.m, x.r
	r.Executions++
	if m.violation == nil && m.Done() {
		m.Finish()
	}
	if v := m.violation; v != nil {
		if v.Kind == "error" {
			x.scriptError(v, schedule)
			return
		}
		if v.Kind == "limit" && strings.HasPrefix(m.budget.exceeded, "cancelled: ") {
			// a step saw the host cancel the check before the search did:
			// no execution is at fault, the check is incomplete
			r.Executions--
			x.overBudgetStop()
			return
		}
		if r.Counts[v.Kind] == 0 {
			c := *v
			c.Schedule = append([]int(nil), schedule...)
			r.Violations = append(r.Violations, &c)
		}
		r.Counts[v.Kind]++
		if v.Kind == "limit" && m.budget.exceeded == "" && !strings.Contains(strings.Join(r.Bounds, ";"), "steps") {
			r.Bounds = append(r.Bounds, "steps: "+v.Msg)
		}
	} else if m.prog.Final != nil {
		x.recordFinal(schedule)
	}
	if x.g.settled(r, x.condFalsified) {
		x.stop = true
	}
}

// scriptError turns a runtime error of the script (division by zero, a bad
// handle) into a violation that stops the exploration.
func (x *explorer) scriptError(v *Violation, schedule []int) {
	c := *v
	c.Schedule = append([]int(nil), schedule...)
	x.r.Violations = append(x.r.Violations, &c)
	x.r.Counts["error"]++
	x.stop = true
}

func (x *explorer) recordFinal(schedule []int) (counted bool) {
	r := x.r
	// herd's filter: an execution whose final state fails it counts for
	// nothing, neither in the final states nor in the verdict
	if f := x.m.prog.Final.Filter; f >= 0 && !x.m.evalCond(f) {
		if v := x.m.violation; v != nil {
			x.scriptError(v, schedule)
			return true
		}
		r.Executions--
		return false
	}
	holds, key := x.m.evalFinal()
	if v := x.m.violation; v != nil {
		x.scriptError(v, schedule)
		return true
	}
	if i, ok := x.seen[key]; ok {
		r.FinalStates[i].Count++
	} else {
		x.seen[key] = len(r.FinalStates)
		r.FinalStates = append(r.FinalStates, FinalState{Values: key, Count: 1})
		x.m.budget.held += 2*int64(len(key)) + finalStateBytes // the key in seen and in FinalStates
	}
	if holds {
		r.Positive++
	} else {
		r.Negative++
	}
	kind := x.m.prog.Final.Kind
	falsifies := (kind == NotExists && holds) || (kind == Forall && !holds)
	if falsifies && r.Witness == nil {
		x.condFalsified = true
		r.Witness = &Violation{Kind: "condition", Thread: -1, Pos: Pos{File: -1},
			Msg:      fmt.Sprintf("final %s (…) is not validated: an execution ends with %s", kind, key),
			Schedule: append([]int(nil), schedule...)}
	}
	return true
}

// finalStateBytes is the fixed cost of a distinct final state: its entry in
// seen and in Result.FinalStates.
const finalStateBytes = 96

// dfs is the plain depth-first search over every interleaving, replaying
// the common prefix for each execution.
func (x *explorer) dfs() {
	type choice struct {
		enabled []int
		i       int
	}
	var path []choice
	var schedule []int
	m := x.m
	x.done = func() float64 {
		return treeDone(len(path), func(d int) (int, int) { return path[d].i + 1, len(path[d].enabled) })
	}
	for !x.interrupted() {
		m.Reset()
		schedule = schedule[:0]
		for depth := 0; ; depth++ {
			if depth == len(path) {
				if len(path) < cap(path) { // reuse the enabled buffer left there
					path = path[:depth+1]
				} else {
					path = append(path, choice{})
				}
				c := &path[depth]
				c.enabled, c.i = m.Enabled(c.enabled[:0]), 0
				if len(c.enabled) == 0 {
					path = path[:depth]
					break
				}
			}
			t := path[depth].enabled[path[depth].i]
			schedule = append(schedule, t)
			m.step(t)
			if m.violation != nil {
				path = path[:depth+1]
				break
			}
		}
		x.record(schedule)
		for len(path) > 0 && path[len(path)-1].i+1 >= len(path[len(path)-1].enabled) {
			path = path[:len(path)-1]
		}
		if len(path) == 0 {
			x.r.Complete = !x.stop
			return
		}
		path[len(path)-1].i++
	}
}

// random runs cfg.Runs executions with uniformly random choices.
func (x *explorer) random() {
	rng := rand.New(rand.NewSource(x.cfg.Seed))
	runs := x.cfg.Runs
	if runs <= 0 {
		runs = 1000
	}
	var buf, schedule []int
	for i := 0; i < runs && !x.interrupted(); i++ {
		x.m.Reset()
		schedule = schedule[:0]
		for x.m.violation == nil {
			buf = x.m.Enabled(buf)
			if len(buf) == 0 {
				break
			}
			t := buf[rng.Intn(len(buf))]
			schedule = append(schedule, t)
			x.m.step(t)
		}
		x.record(schedule)
	}
	x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("random search: %d executions, not exhaustive", x.r.Executions))
}

// evalFinal evaluates the final condition on the machine's state and
// renders the observed terms. The condition reads as an observer, not as
// any CPU (no read hazards); a run-time error in it (a division by zero,
// a read of a freed table) becomes the execution's violation, of kind
// error, for the script is wrong rather than the kernel code it models.
func (m *Machine) evalFinal() (bool, string) {
	f := m.prog.Final
	holds := m.evalCond(f.Proc)
	var b strings.Builder
	for i, o := range f.Observed {
		if i > 0 {
			b.WriteString("; ")
		}
		var v uint64
		if o.Thread >= 0 {
			if o.Slot != NeverAssigned {
				v = m.threads[o.Thread].stack[o.Slot]
			}
		} else {
			v = m.viewed(o.Shared, m.MMU.S.Peek(mmu.Loc(m.MMU.SharedAddr(o.Shared))))
		}
		fmt.Fprintf(&b, "%s=%s", o.Label, m.finalVal(v))
	}
	return holds, b.String()
}

// finalVal renders a value of a final state: the address of a shared word
// by its name, as herd prints pointers, and a number otherwise.
func (m *Machine) finalVal(v uint64) string {
	if name := m.sharedAt(v); name != "" {
		return name
	}
	return fmtVal(v)
}

// sharedAt names the shared word whose address v is, or "".
func (m *Machine) sharedAt(v uint64) string {
	if v >= 1024 {
		for i, sh := range m.prog.Shared {
			if m.MMU.SharedAddr(i) == v {
				return sh.Name
			}
		}
	}
	return ""
}

// viewed is shared word i's value v as the final states show it and
// the final condition reads it: through the word's view (its declared
// type), unless v is a shared word's address, which herd shows by the
// location's name whatever the type.
func (m *Machine) viewed(i int, v uint64) uint64 {
	w := m.prog.Shared[i].View
	if w.Bits == 0 || m.sharedAt(v) != "" {
		return v
	}
	return w.Of(v)
}

// evalCond runs a condition proc on the final state (the final condition
// or the filter) and tells whether it holds.
func (m *Machine) evalCond(proc int) bool {
	m.fresh = false
	defer func(steps int) { m.steps = steps }(m.steps) // the condition's reads are no steps of the execution
	m.steps = 0
	m.MMU.SetObserver(true)
	defer m.MMU.SetObserver(false)
	if s := m.newStack(proc); len(m.condStack) < len(s) { // checkShape made sure the condition fits
		m.condStack = s
	}
	t := &thread{id: -2, kind: TaskThread, name: "final", proc: proc,
		stack: m.condStack, scratch: make([]uint64, 8+len(m.cpus))}
	m.start(t)
	t.atomic = 1 // every step at once
	for t.status == ready && m.violation == nil {
		m.run(t, true)
	}
	if v := m.violation; v != nil {
		v.Kind, v.Msg = "error", "the final condition: "+v.Msg
		v.Pos = m.prog.Procs[proc].Pos
	}
	return t.sp > 0 && t.stack[t.sp-1] != 0
}

// treeDone estimates how much of a depth-first tree is explored from the
// current path: at each depth, the branch being explored (taken, out of
// total) counts for its share of the parent's share.
func treeDone(depth int, branch func(d int) (taken, total int)) float64 {
	done, share := 0.0, 1.0
	for d := 0; d < depth; d++ {
		taken, total := branch(d)
		if total <= 0 {
			break
		}
		done += share * float64(max(taken-1, 0)) / float64(total)
		share /= float64(total)
	}
	return done
}

// notesBut is x's notes but drop.
func (x *explorer) notesBut(drop string) []string {
	return slices.DeleteFunc(slices.Clone(x.r.Notes), func(n string) bool { return n == drop })
}

// take makes the result of y, a sibling search of the same check, x's,
// with the notes x had (but drop) before y's: auto's other side, the
// incremental search's prelude, a weak check's second search.
func (x *explorer) take(y *explorer, drop string) {
	notes := x.notesBut(drop)
	*x.r = *y.r
	x.r.Notes = append(notes, y.r.Notes...)
	x.seen, x.condFalsified, x.stop = y.seen, y.condFalsified, y.stop
}
