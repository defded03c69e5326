package vm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// stateOutcome is what a stateful check must report whatever its number
// of workers: the verdict and kinds, the set of final states, and the
// counterexample printed (schedule and trace).
type stateOutcome struct {
	Verdict  string
	Kinds    []string
	Complete bool
	Finals   []string
	Schedule []int
	Trace    string
	Witness  []int
}

func stateOutcomeOf(r *vm.Result) stateOutcome {
	o := stateOutcome{Verdict: r.Verdict, Kinds: r.Kinds(), Complete: r.Complete,
		Finals: stateSet(r.FinalStates), Schedule: r.Schedule}
	if len(r.Violations) > 0 {
		var b strings.Builder
		for _, e := range r.Violations[0].Trace {
			fmt.Fprintf(&b, "%d %s\n", e.Thread, e.Text)
		}
		o.Trace = b.String()
	}
	if r.Witness != nil {
		o.Witness = r.Witness.Schedule
	}
	return o
}

// stateParCases are the scaling families, the split cases (a deadlock, a
// failed condition), generated scripts, and the perf corpus when present.
func stateParCases(t *testing.T) map[string]string {
	cases := map[string]string{
		"lock-6":         benchscripts.Lock(6),
		"sb-ring-8":      benchscripts.SBRing(8),
		"lock-sb-6":      benchscripts.LockSB(6),
		"ptdump-n32":     benchscripts.PtdumpVmalloc(32, true),
		"ptdump-n32-bug": benchscripts.PtdumpVmalloc(32, false),
		"ptdump-n128":    benchscripts.PtdumpVmalloc(128, true),
		"pingpong":       pingpong,
	}
	for name, src := range splitCases {
		cases["split/"+name] = src
	}
	n := 150
	if testing.Short() {
		n = 40
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		cases[fmt.Sprintf("gen/%d", seed)] = genScript(seed)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "scenarios", "perf", "*.mmu"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases["perf/"+filepath.Base(f)] = string(src)
	}
	return cases
}

// TestParallelStateSameForEveryN: the stateful search, and auto which
// runs it beside dpor, report the same verdict, kinds, final states and counterexample with 1, 2 and 4
// workers, with and without --all; auto also with slices of 40 steps, so
// that where it favours the stateful search the workers' search goes on
// from a first slice cut short (auto_par_state.go).
func TestParallelStateSameForEveryN(t *testing.T) {
	cases := stateParCases(t)
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) { sameForEveryN(t, name, cases[name]) })
	}
}

func sameForEveryN(t *testing.T, name, src string) {
	p, err := compiler.Compile(name+".mmu", []byte(src), nil)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, c := range []struct {
		search string
		slice  int
	}{{"state", 0}, {"auto", 0}, {"auto", 40}} {
		search := c.search
		for _, all := range []bool{false, true} {
			var want stateOutcome
			for _, n := range []int{1, 2, 4} {
				r, err := vm.Check(context.Background(), p, vm.Config{Arch: p.Arches[0], Search: search, Workers: n, All: all, DPORBudget: c.slice})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got := stateOutcomeOf(r)
				if n == 1 {
					want = got
					continue
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s %s (all %v): %d workers give\n%+v\n1 gives\n%+v", search, name, all, n, got, want)
				}
				if clean := len(r.Violations) == 0 && r.Witness == nil; !clean && r.SplitCounts != nil {
					t.Errorf("%s %s: %d workers label counts as split-dependent with a violation: %v", search, name, n, r.SplitCounts)
				}
			}
		}
	}
}

// TestParallelStateBudgets: the budgets hold across the workers, the
// result is the one worker's where that is deterministic, and no worker
// outlives the check.
func TestParallelStateBudgets(t *testing.T) {
	p, err := compiler.Compile("n128.mmu", []byte(benchscripts.PtdumpVmalloc(128, true)), nil)
	if err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	for _, c := range []struct {
		name    string
		limits  vm.Limits
		timeout time.Duration
		same    bool   // the result is the one worker's
		want    string // in the verdict or the bounds
	}{
		{"states", vm.Limits{States: 5000}, 0, true, "states: stopped at 5000"},
		{"memory", vm.Limits{Memory: 1 << 20}, 0, true, "memory:"}, // the search peaks near 2 MiB
		// n128 takes 40 ms or more: 5 ms is sure to run out
		{"time", vm.Limits{}, 5 * time.Millisecond, false, "time:"},
	} {
		var one stateOutcome
		for _, n := range []int{1, 2, 4} {
			r, err := vm.Check(context.Background(), p, vm.Config{Search: "state", Workers: n, Limits: c.limits, Timeout: c.timeout})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			text := r.Verdict + " " + strings.Join(r.Bounds, "; ")
			for _, v := range r.Violations {
				text += "; " + v.Msg
			}
			if r.Complete || !strings.Contains(text, c.want) {
				t.Errorf("%s, %d workers: complete %v, %s; want %q", c.name, n, r.Complete, text, c.want)
			}
			if c.limits.Memory > 0 && r.Memory > c.limits.Memory+c.limits.Memory/4 {
				t.Errorf("%s, %d workers: peak estimate %d over the budget %d", c.name, n, r.Memory, c.limits.Memory)
			}
			if got := stateOutcomeOf(r); n == 1 {
				one = got
			} else if c.same && !reflect.DeepEqual(got, one) {
				t.Errorf("%s: %d workers give\n%+v\n1 gives\n%+v", c.name, n, got, one)
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	r, err := vm.Check(ctx, p, vm.Config{Search: "state", Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || !strings.Contains(strings.Join(r.Bounds, ";"), "cancelled") {
		t.Errorf("cancelled: complete %v, bounds %q", r.Complete, r.Bounds)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the checks, %d before", n, before)
	}
}

// TestStateFramesReuse: checks that take the frames an earlier check of
// another shape left (stateFrames: other thread counts, other snapshot
// sizes) report what they reported with fresh ones, states counted
// included.
func TestStateFramesReuse(t *testing.T) {
	srcs := []string{benchscripts.Lock(4), benchscripts.SBRing(6), benchscripts.PtdumpVmalloc(8, true), benchscripts.PtdumpVmalloc(8, false), genScript(7)}
	var progs []*vm.Program
	for i, src := range srcs {
		p, err := compiler.Compile(fmt.Sprintf("s%d.mmu", i), []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	type outcome struct {
		stateOutcome
		States, Executions int
	}
	check := func(p *vm.Program) outcome {
		r, err := vm.Check(context.Background(), p, vm.Config{Search: "state"})
		if err != nil {
			t.Fatal(err)
		}
		return outcome{stateOutcomeOf(r), r.States, r.Executions}
	}
	first := make([]outcome, len(progs))
	for i, p := range progs {
		first[i] = check(p)
	}
	for round := range 3 {
		for k := range progs {
			i := (k*3 + round) % len(progs) // another order each round
			if got := check(progs[i]); !reflect.DeepEqual(got, first[i]) {
				t.Errorf("round %d, script %d: %+v, first %+v", round, i, got, first[i])
			}
		}
	}
}

// TestParallelStateSeeksFailure: with expect lines that look for a
// failure, --search state -j 2 runs on one worker from the start (the
// workers' search would be thrown away for the one worker's), and says
// so; with `expect ok` the workers run.
func TestParallelStateSeeksFailure(t *testing.T) {
	for _, c := range []struct {
		expect string
		one    bool
	}{{"fail assert", true}, {"ok", false}} {
		p, err := compiler.Compile("late.mmu", []byte(fmt.Sprintf(lateAssert, c.expect)), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := vm.Check(context.Background(), p, vm.Config{Search: "state", Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(r.Notes, "\n")
		if one := strings.Contains(notes, "state: one worker"); one != c.one || r.Verdict != "fail assert" {
			t.Errorf("expect %s: verdict %s, one worker from the start %v, want %v (notes %q)", c.expect, r.Verdict, one, c.one, r.Notes)
		}
	}
}
