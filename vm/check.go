package vm

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Violation is a broken rule in one execution, with the schedule that leads
// to it and, for reported violations, its trace.
type Violation struct {
	Kind     string
	Msg      string
	Thread   int // -1 when no one thread caused it (deadlock)
	Step     int
	Pos      Pos
	Schedule []int // thread chosen at each step
	// Execution is the token of a weak model's execution (the values
	// its runs read, reads-from and coherence), which `mmuasm run
	// --schedule` replays; "" under sc, where Schedule says it all.
	Execution string
	Trace     []Event // filled for the violations a Result reports
}

func (v *Violation) Error() string { return v.Kind + ": " + v.Msg }

// Budget tells whether v is the check running out of its budget of time or
// memory (wherever it was, even inside an execution): a limit of the check,
// which shows nothing about the script and which a replay does not meet,
// not one of an execution (its steps or local instructions).
func (v *Violation) Budget() bool {
	return v.Kind == "limit" && (strings.HasPrefix(v.Msg, "time: ") || strings.HasPrefix(v.Msg, "memory: "))
}

// HostPanic is the error Check returns when a host builtin panicked.
type HostPanic struct {
	Builtin string
	Value   any
	Pos     Pos
}

func (h *HostPanic) Error() string {
	return fmt.Sprintf("host builtin %s panicked: %v", h.Builtin, h.Value)
}

// Config selects the arch, the search and its bounds.
type Config struct {
	Arch string
	// Model is the memory model: "sc", "tso", "armv8", "lkmm", or "hw"
	// (the arch's hardware model); "" takes the script's `model` line.
	Model string
	// Search is "auto" (default: dpor and stateful side by side), "dpor", "state",
	// "dfs", "random" under sc and under tso (whose store buffers run in
	// the interleaving engine); under armv8 and lkmm the execution-graph
	// enumeration runs, reduced, or with "dfs" without any reduction;
	// "graph" runs the graph enumeration under sc and tso too (to
	// cross-check).
	Search string
	// DPORBudget is the slice of steps in which auto runs partial-order
	// reduction and the stateful search in lockstep (default 20000).
	DPORBudget int
	All        bool  // keep going after violations, count them all
	Seed       int64 // random search
	Runs       int   // random search: executions to try
	Limits     Limits
	Timeout    time.Duration
	Builtins   *mmu.Registry
	// Workers >= 2 lets the default search run its two strategies at once
	// (partial-order reduction and the stateful search, on two machines);
	// with one they alternate. The stateful search (alone or in auto)
	// runs on Workers machines, and dpor splits (split.go). The verdict,
	// kinds, final states and counterexample are the ones a single worker
	// gives; Result.SplitCounts names the counts that may differ.
	Workers int
	// Shard makes dpor explore only its part of a split search (see
	// split.go); Merge combines the results of all the shards.
	Shard Shard
	// Progress, if set, is called about every 100 ms of exploring.
	Progress func(Progress)
}

// Progress is a snapshot of a running exploration.
type Progress struct {
	Executions int
	States     int
	Elapsed    time.Duration
	// Done estimates the part of the search tree explored, from 0 to 1
	// (0 when there is no estimate): the current path's position among
	// the branches at each depth, weighted by the branching above it.
	Done float64
}

// Left estimates the time to the end from Done (0 without an estimate).
func (p Progress) Left() time.Duration {
	if p.Done <= 0.001 || p.Done >= 1 {
		return 0
	}
	return time.Duration(float64(p.Elapsed) * (1 - p.Done) / p.Done)
}

// Observation is how often the final condition's predicate held.
type Observation string

const (
	Never     Observation = "Never"
	Sometimes Observation = "Sometimes"
	Always    Observation = "Always"
)

// FinalState is a distinct final state and how many executions ended in it.
type FinalState struct {
	Values string
	Count  int
}

// Result is what checking a program on one arch found.
type Result struct {
	Test       string
	Arch       string
	Model      string
	Executions int
	States     int // states the stateful search stored
	// Graphs counts the execution graphs a weak model's engine checked:
	// the enumeration's candidates, the incremental search's complete
	// graphs (most of them with no allowed placement of their IPIs) in
	// all its rounds and its prelude's.
	Graphs      int
	FinalStates []FinalState
	Condition   string // the final condition's kind, "" if none
	Observation Observation
	Positive    int // executions satisfying the predicate
	Negative    int
	Validated   bool
	Witness     *Violation   // the execution that decided a failed condition
	Violations  []*Violation // the first of each kind found
	Counts      map[string]int
	Verdict     string // "ok", "fail KIND[,KIND…]", "incomplete"
	Expected    string // the expect lines for this arch, "" if none
	Matched     bool
	Complete    bool
	Bounds      []string // bounds that were hit
	Flags       []string // the model's flags some execution raises (LKMM's data-race), as herd's Flag lines
	Notes       []string // how the search went (e.g. a switch of strategy)
	Elapsed     time.Duration
	Schedule    []int  // schedule of the reported counterexample
	Execution   string // its execution token under a weak model (see Violation)
	Threads     []string
	Labels      []string
	// Memory is the largest the checker's memory estimate got, in bytes
	// (what Limits.Memory bounds).
	Memory int64
	// Split is how a split search (dpor, or a shard) was cut, with what
	// each part found: Merge combines the results of shards with it.
	Split *Split `json:",omitempty"`
	// SplitCounts names the counts that depend on how the search was
	// split over workers (a parallel stateful search's: its executions and
	// its final states' counts), nil when none does.
	SplitCounts []string `json:",omitempty"`
}

// blank is a result with r's header (test, arch, model, threads, labels,
// condition) and nothing found yet.
func (r *Result) blank() *Result {
	return &Result{Test: r.Test, Arch: r.Arch, Model: r.Model, Counts: map[string]int{},
		Threads: r.Threads, Labels: r.Labels, Condition: r.Condition}
}

// Kinds returns the violation kinds found, in the order first found.
func (r *Result) Kinds() []string {
	var k []string
	for _, v := range r.Violations {
		k = append(k, v.Kind)
	}
	return k
}

// goal decides when an exploration can stop and what the verdict means.
type goal struct {
	expects []Expect
	all     bool
}

// settled tells whether what was found already decides every expectation
// (or, without expectations, whether a violation was found).
func (g goal) settled(r *Result, condFalsified bool) bool {
	if g.all {
		return false
	}
	if len(g.expects) == 0 {
		return len(r.Violations) > 0
	}
	for _, e := range g.expects {
		switch {
		case e.OK:
			if len(r.Violations) == 0 && !condFalsified {
				return false
			}
		case e.Kind == "condition":
			if !condFalsified {
				return false
			}
		default:
			if r.Counts[e.Kind] == 0 {
				return false
			}
		}
	}
	return true
}

// seeksFailure tells whether every expect line looks for a violation or
// a failed condition, so that the check is expected to end at the first
// one found.
func (g goal) seeksFailure() bool {
	if g.all || len(g.expects) == 0 {
		return false
	}
	for _, e := range g.expects {
		if e.OK {
			return false
		}
	}
	return true
}

// Check explores prog on cfg.Arch and returns the verdict. It is safe to
// call concurrently on one Program; a panic in a host builtin is returned
// as an error. ctx's deadline, cfg.Timeout and cfg.Limits bound its time
// and memory wherever it is: past them the verdict is a limit that names
// the budget (see Limits and docs/untrusted.md).
func Check(ctx context.Context, prog *Program, cfg Config) (res *Result, err error) {
	defer recoverAs("vm.Check", &err)
	return check(ctx, prog, cfg, nil)
}

// check is Check, with a sampler that a weak model's search offers each
// execution it records (nil: none).
func check(ctx context.Context, prog *Program, cfg Config, sample *sampler) (*Result, error) {
	if err := defaultArch(prog, &cfg); err != nil {
		return nil, err
	}
	ctx, cancel, timeout := withTimeBudget(ctx, cfg)
	defer cancel()
	model, err := ModelFor(prog, cfg)
	if err != nil {
		return nil, err
	}
	// the time counts the machine's making: it runs init and takes each
	// CPU to its first visible step, which an endless local loop makes
	// the whole of the check
	start := time.Now()
	m, err := newMachine(prog, cfg.Arch, cfg.Builtins, cfg.Limits, ctx, timeout, operationalTSO(prog, model, cfg))
	if err != nil {
		return nil, err
	}
	r := &Result{Test: prog.Name, Arch: cfg.Arch, Model: model, Counts: map[string]int{}}
	for i := 0; i < m.Threads(); i++ {
		r.Threads = append(r.Threads, m.ThreadName(i))
		r.Labels = append(r.Labels, m.threads[i].label)
	}
	if prog.Final != nil {
		r.Condition = prog.Final.Kind.String()
	}
	g := goal{expects: prog.ExpectationsFor(cfg.Arch, r.Model), all: cfg.All}
	x := newExplorer(ctx, m, cfg, r, g)
	x.sample = sample
	if (r.Model == "sc" || m.storeBuffers) && !graphSearch(cfg.Search) {
		x.run()
	} else {
		if err := m.checkWeakProgram(r.Model); err != nil {
			return nil, err
		}
		mm, _ := memmodel.Lookup(r.Model)
		x.weakMode = true
		x.weak(mm)
	}
	if m.hostPanic != nil {
		return nil, m.hostPanic
	}
	x.conclude()
	m.memOK()
	r.Memory = m.budget.peak
	r.Elapsed = time.Since(start) // the traces and the shortening too
	return r, nil
}

// graphSearch tells whether search asks for execution graphs whatever
// the model: the enumeration ("graph") or the incremental search.
func graphSearch(search string) bool { return search == "graph" || search == "incremental" }

// withTimeBudget puts the time budget on ctx (nil: Background): the
// shorter of cfg.Timeout and cfg.Limits.Time, if either is set.
func withTimeBudget(ctx context.Context, cfg Config) (context.Context, context.CancelFunc, time.Duration) {
	if ctx == nil {
		ctx = context.Background()
	}
	timeout := cfg.Timeout
	if t := cfg.Limits.Time; t > 0 && (timeout <= 0 || t < timeout) {
		timeout = t
	}
	if timeout <= 0 {
		return ctx, func() {}, 0
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, cancel, timeout
}

// defaultArch checks that there is a program and fills cfg.Arch with the
// program's first arch when it is empty.
func defaultArch(prog *Program, cfg *Config) error {
	if prog == nil {
		return fmt.Errorf("no program")
	}
	if cfg.Arch == "" {
		if len(prog.Arches) == 0 {
			return fmt.Errorf("%s: the program names no arch", prog.File)
		}
		cfg.Arch = prog.Arches[0]
	}
	return nil
}

// conclude computes the observation, verdict and traces.
func (x *explorer) conclude() {
	r := x.r
	sort.SliceStable(r.FinalStates, func(i, j int) bool { return r.FinalStates[i].Values < r.FinalStates[j].Values })
	if r.Condition != "" {
		switch {
		case r.Positive == 0:
			r.Observation = Never
		case r.Negative == 0:
			r.Observation = Always
		default:
			r.Observation = Sometimes
		}
		switch r.Condition {
		case "exists":
			r.Validated = r.Positive > 0
		case "~exists":
			r.Validated = r.Positive == 0
		default:
			r.Validated = r.Negative == 0
		}
	}
	r.Verdict = verdict(r)
	r.Expected, r.Matched = expectation(x.g.expects, r)
	if x.weakMode { // the traces were made from the execution graphs
		if len(r.Violations) > 0 {
			r.Execution = r.Violations[0].Execution
		} else if r.Witness != nil {
			r.Execution = r.Witness.Execution
		}
		return
	}
	for _, v := range r.Violations {
		if v.Budget() {
			continue // no execution of the script to show
		}
		if v.Thread >= 0 && v.Kind != "limit" && v.Kind != "error" {
			v.Schedule = x.shrink(x.shortest(v.Schedule, v.Kind, 50000), v.Kind)
		}
		x.traceViolation(v)
	}
	if r.Witness != nil {
		r.Witness.Trace = x.budgetedTrace(r.Witness.Schedule)
	}
	if len(r.Violations) > 0 {
		r.Schedule = r.Violations[0].Schedule
	} else if r.Witness != nil {
		r.Schedule = r.Witness.Schedule
	}
	if e := x.m.budget.exceeded; e != "" && x.foundBeforeBudget() {
		r.Notes = append(r.Notes, "counterexamples past the budget are shown as found, without a trace: "+e)
	}
}

// foundBeforeBudget tells whether the check found a violation or a witness
// other than running out of its budget.
func (x *explorer) foundBeforeBudget() bool {
	for _, v := range x.r.Violations {
		if !v.Budget() {
			return true
		}
	}
	return x.r.Witness != nil
}

// traceViolation traces v's schedule and takes the message of the
// violation the replay raised (which names the final step's details).
func (x *explorer) traceViolation(v *Violation) {
	v.Trace = x.budgetedTrace(v.Schedule)
	if v.Trace != nil && x.m.violation != nil && x.m.violation.Kind == v.Kind {
		v.Msg, v.Step, v.Pos, v.Thread = x.m.violation.Msg, x.m.violation.Step, x.m.violation.Pos, x.m.violation.Thread
	}
}

// budgetedTrace is trace while the budget lasts: nil once a limit has run
// out (before or during the replay), since its steps would only stop.
func (x *explorer) budgetedTrace(schedule []int) []Event {
	if x.m.budget.exceeded != "" {
		return nil
	}
	tr := x.trace(schedule)
	if x.m.budget.exceeded != "" {
		return nil
	}
	return tr
}

// ModelFor resolves the memory model a check runs under: cfg.Model, else
// the script's `model` line, else sc; "hw" is the arch's hardware model.
func ModelFor(prog *Program, cfg Config) (string, error) {
	name := cfg.Model
	if name == "" {
		name = prog.Model
	}
	switch name {
	case "", "sc":
		return "sc", nil
	case "hw":
		arch := cfg.Arch
		if arch == "" {
			arch = prog.Arches[0]
		}
		if arch == "arm64" {
			return "armv8", nil
		}
		return "tso", nil
	}
	if _, ok := memmodel.Lookup(name); !ok {
		return "", fmt.Errorf("unknown memory model %q (models: sc, tso, armv8, lkmm, hw)", name)
	}
	return name, nil
}

func verdict(r *Result) string {
	switch {
	case len(r.Violations) > 0:
		return "fail " + strings.Join(r.Kinds(), ",")
	case r.Condition != "" && !r.Validated && (r.Complete || r.Witness != nil):
		return "fail condition"
	case !r.Complete:
		return "incomplete"
	}
	return "ok"
}

func expectation(expects []Expect, r *Result) (string, bool) {
	if len(expects) == 0 {
		return "", true
	}
	var words []string
	ok := true
	for _, e := range expects {
		if e.OK {
			words = append(words, "ok")
			ok = ok && r.Verdict == "ok"
			continue
		}
		words = append(words, "fail "+e.Kind)
		if e.Kind == "condition" {
			ok = ok && r.Condition != "" && !r.Validated && (r.Complete || r.Witness != nil)
		} else {
			ok = ok && r.Counts[e.Kind] > 0
		}
	}
	return strings.Join(words, ", "), ok
}

// trace replays a schedule with tracing on.
func (x *explorer) trace(schedule []int) []Event {
	m := x.m
	m.tracing = true
	defer func() { m.tracing = false }()
	m.fresh = false // rerun the initial local code too, for its prints
	m.Reset()
	for _, t := range schedule {
		m.step(t)
	}
	if m.violation == nil && m.Done() {
		m.Finish()
	}
	return append([]Event(nil), m.events...)
}

// RunResult is one execution run by Replay.
type RunResult struct {
	Schedule  []int  // the whole schedule, including the steps Replay chose
	Execution string // or the execution token replayed, under a weak model
	Events    []Event
	Violation *Violation
	Final     string // observed final state ("" without a final condition)
	Holds     bool   // the final predicate held
	Threads   []string
	Labels    []string
	// Among is, for RunRandom under a weak model, how many executions the
	// one replayed was picked from at random; Stopped, empty when they are
	// all of the program's, is otherwise why the search stopped short.
	Among   int
	Stopped string
}

// Replay runs one schedule (`mmuasm run --schedule`). Threads left enabled
// after the schedule run in order, lowest thread first, to the end.
func Replay(prog *Program, cfg Config, schedule []int) (res *RunResult, err error) {
	defer recoverAs("vm.Replay", &err)
	return runOne(prog, cfg, func(i int, enabled []int, over bool) (int, error) {
		switch {
		case i < len(schedule) && !contains(enabled, schedule[i]):
			return 0, fmt.Errorf("schedule step %d: thread %d cannot run there (enabled: %v)", i+1, schedule[i], enabled)
		case i < len(schedule):
			return schedule[i], nil
		case over || len(enabled) == 0:
			return -1, nil
		}
		return enabled[0], nil
	})
}

// RunRandom runs one execution whose every step is a thread chosen at
// random among those enabled, from cfg.Seed (`mmuasm run --seed`), within
// the budget as Replay. Under a weak model whose executions are graphs
// (armv8, lkmm, tso with Search "graph" or "incremental") it explores them
// as Check does and replays one picked uniformly at random (sample.go).
func RunRandom(prog *Program, cfg Config) (res *RunResult, err error) {
	defer recoverAs("vm.RunRandom", &err)
	if RunsOnGraphs(prog, cfg) {
		return runRandomExecution(prog, cfg)
	}
	rng := rand.New(rand.NewSource(cfg.Seed))
	return runOne(prog, cfg, func(_ int, enabled []int, over bool) (int, error) {
		if over || len(enabled) == 0 {
			return -1, nil
		}
		return enabled[rng.Intn(len(enabled))], nil
	})
}

// runOne runs one traced execution on a machine under the whole budget
// (time from Config.Timeout and Limits.Time, memory, steps): choose
// names the thread of step i among those enabled (over: the execution
// has a violation), or -1 to end it.
func runOne(prog *Program, cfg Config, choose func(i int, enabled []int, over bool) (int, error)) (*RunResult, error) {
	if err := defaultArch(prog, &cfg); err != nil {
		return nil, err
	}
	ctx, cancel, timeout := withTimeBudget(context.Background(), cfg)
	defer cancel()
	model, err := ModelFor(prog, cfg)
	if err != nil {
		return nil, err
	}
	m, err := newMachine(prog, cfg.Arch, cfg.Builtins, cfg.Limits, ctx, timeout, operationalTSO(prog, model, cfg))
	if err != nil {
		return nil, err
	}
	m.tracing = true
	m.fresh = false
	m.Reset()
	res := &RunResult{}
	for i := 0; i < m.Threads(); i++ {
		res.Threads = append(res.Threads, m.ThreadName(i))
		res.Labels = append(res.Labels, m.threads[i].label)
	}
	var buf []int
	for i := 0; ; i++ {
		buf = m.Enabled(buf)
		t, err := choose(i, buf, m.violation != nil)
		if err != nil {
			return nil, err
		}
		if t < 0 {
			break
		}
		m.step(t)
		res.Schedule = append(res.Schedule, t)
	}
	m.Finish()
	if m.violation == nil && prog.Final != nil {
		res.Holds, res.Final = m.evalFinal()
	}
	res.Events, res.Violation = m.events, m.violation
	return res, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
