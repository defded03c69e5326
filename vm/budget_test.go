package vm_test

// Tests of the resource budget (issue 12): each class of hostile script is
// stopped by the limit that names it, inside executions, init, shortening
// and tracing, and the checker's own accounting stays within the budget.
// No test asserts on the wall clock: a time limit shows as the verdict's
// message, memory as Result.Memory.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// hostile compiles a script of testdata/hostile.
func hostile(t *testing.T, name string) *vm.Program {
	t.Helper()
	prog, err := compiler.CompileFile(filepath.Join("testdata", "hostile", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// limitViolation returns the message of r's limit violation ("" if none).
func limitViolation(r *vm.Result) string {
	for _, v := range r.Violations {
		if v.Kind == "limit" {
			return v.Msg
		}
	}
	return ""
}

// TestBudgetTime: the deadline is seen inside a long local loop, in init,
// and while a counterexample is shortened and traced. Each stops with a
// limit (or, in init, an error) that names the time budget.
func TestBudgetTime(t *testing.T) {
	for _, tc := range []struct {
		file             string
		inInit, shortens bool
	}{
		{"time-local-loop.mmu", false, false},
		{"time-init-loop.mmu", true, false},
		{"time-shortening.mmu", false, true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			prog := hostile(t, tc.file)
			res, err := vm.Check(context.Background(), prog, vm.Config{Timeout: 300 * time.Millisecond})
			if tc.inInit {
				if err == nil || !strings.Contains(err.Error(), "init") || !strings.Contains(err.Error(), "time: ") {
					t.Fatalf("err %v, want an init error naming the time budget", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			msg := limitViolation(res)
			if tc.shortens && msg == "" { // the assert was found in time: its shortening ran out of it
				if !strings.Contains(strings.Join(res.Notes, "\n"), "without a trace: time: ") {
					t.Errorf("verdict %q, notes %q: want a note that the time budget ran out", res.Verdict, res.Notes)
				}
				return
			}
			if !strings.HasPrefix(msg, "time: ") || !strings.Contains(msg, vm.FormatDuration(300*time.Millisecond)) {
				t.Errorf("verdict %q, limit %q: want a limit naming the 300ms time budget", res.Verdict, msg)
			}
			if res.Complete {
				t.Errorf("a check stopped by its time budget claims to be complete")
			}
			if strings.Contains(strings.Join(res.Notes, "\n"), "without a trace") {
				t.Errorf("notes %q: the budget itself is the only violation, nothing is left untraced", res.Notes)
			}
			if v := res.Violations[0]; !v.Budget() || v.Trace != nil {
				t.Errorf("the time limit %+v: want a budget violation with no trace", v)
			}
		})
	}
}

// TestBudgetMemory: snapshots in the search and pages set up by map() in
// init count toward the memory budget, which stops them within 10 %.
func TestBudgetMemory(t *testing.T) {
	const budget = 64 << 20
	for _, tc := range []struct {
		file   string
		inInit bool
	}{
		{"memory-dpor-snapshots.mmu", false},
		{"memory-init-map.mmu", true},
	} {
		t.Run(tc.file, func(t *testing.T) {
			prog := hostile(t, tc.file)
			for _, search := range []string{"dpor", "state"} { // dfs keeps no snapshots
				if tc.inInit && search != "dpor" {
					break
				}
				res, err := vm.Check(context.Background(), prog, vm.Config{Search: search, Limits: vm.Limits{Memory: budget}})
				if tc.inInit {
					if err == nil || !strings.Contains(err.Error(), "memory: ") {
						t.Fatalf("err %v, want an init error naming the memory budget", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if msg := limitViolation(res); !strings.HasPrefix(msg, "memory: ") || !strings.Contains(msg, "64.0 MiB") {
					t.Errorf("%s: verdict %q, limit %q: want a limit naming the 64 MiB budget", search, res.Verdict, msg)
				}
				if res.Memory > budget*11/10 {
					t.Errorf("%s: the estimate reached %d bytes, more than 10 %% over the budget", search, res.Memory)
				}
			}
		})
	}
}

// TestBudgetWeakRun: a run under armv8 whose sets of reads grow as the
// square of its reads (every read feeds a branch) stops at the memory
// budget, its taint arena counted in the estimate.
func TestBudgetWeakRun(t *testing.T) {
	const budget = 64 << 20
	prog := hostile(t, "memory-weak-taints.mmu")
	for _, search := range []string{"graph", "incremental"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := vm.Check(context.Background(), prog, vm.Config{Search: search, Limits: vm.Limits{Memory: budget}})
		if err != nil {
			t.Fatal(err)
		}
		// uncounted, the sets reached gigabytes before anything else
		// stopped the check
		runtime.ReadMemStats(&after)
		if got := after.TotalAlloc - before.TotalAlloc; got > 8*budget {
			t.Errorf("%s: the check allocated %d MiB under a budget of 64 MiB", search, got>>20)
		}
		if msg := limitViolation(res); !strings.HasPrefix(msg, "memory: ") || !strings.Contains(msg, "64.0 MiB") {
			t.Errorf("%s: verdict %q, limit %q: want a limit naming the 64 MiB budget", search, res.Verdict, msg)
		}
		if res.Memory > budget*11/10 {
			t.Errorf("%s: the estimate reached %d bytes, more than 10 %% over the budget", search, res.Memory)
		}
	}
}

// TestBudgetFinalStateKeys: the distinct final states a check keeps are
// counted in its memory estimate.
func TestBudgetFinalStateKeys(t *testing.T) {
	script := func(cond string) *vm.Program {
		src := "shared x\ncpu 0 {\n  for i in 0..4 { x = x + 1 }\n}\ncpu 1 {\n  r = x\n}\n" +
			"cpu 2 {\n  s = x\n}\nfinal exists (" + cond + ")\n"
		return compileWith(t, "keys.mmu", src, nil)
	}
	many := check(t, script("1:r == 0 && 2:s == 0"), vm.Config{Search: "dfs"})
	one := check(t, script("x == 0"), vm.Config{Search: "dfs"})
	if len(many.FinalStates) < 10 || len(one.FinalStates) != 1 {
		t.Fatalf("%d and %d final states", len(many.FinalStates), len(one.FinalStates))
	}
	if grew := many.Memory - one.Memory; grew < int64(len(many.FinalStates))*64 {
		t.Errorf("%d final states added %d bytes to the estimate", len(many.FinalStates), grew)
	}
}

// TestBudgetShape: CPUs, locals and the stack are checked before a machine
// allocates anything, each error naming its limit.
func TestBudgetShape(t *testing.T) {
	var cpus strings.Builder
	for c := 0; c < 17; c++ {
		fmt.Fprintf(&cpus, "cpu %d {\n}\n", c)
	}
	var locals strings.Builder
	locals.WriteString("cpu 0 {\n")
	for i := 0; i < 9000; i++ {
		fmt.Fprintf(&locals, "  v%d = %d\n", i, i)
	}
	locals.WriteString("}\n")
	small := "shared x\ncpu 0 {\n  a = 1\n  b = 2\n  c = 3\n  x = a + (b + (c + (a + b)))\n}\n"
	for _, tc := range []struct {
		name, src string
		limits    vm.Limits
		want      string
	}{
		{"17 cpus", cpus.String(), vm.Limits{}, "more than 16 CPUs (the CPU budget, Limits.CPUs)"},
		{"2 cpus over a budget of 1", "cpu 0 {\n}\ncpu 1 {\n}\n", vm.Limits{CPUs: 1}, "Limits.CPUs"},
		{"9000 locals", locals.String(), vm.Limits{}, "has 9000 locals, more than the budget of 4096 (Limits.Locals)"},
		{"3 locals over a budget of 2", small, vm.Limits{Locals: 2}, "Limits.Locals"},
		{"a frame over the stack", small, vm.Limits{StackWords: 6}, "stack budget of 6 words (Limits.StackWords)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog, err := compiler.Compile("shape.mmu", []byte(tc.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = vm.NewMachine(prog, "arm64", nil, tc.limits)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewMachine: %v, want %q", err, tc.want)
			}
			if _, err := vm.Check(context.Background(), prog, vm.Config{Limits: tc.limits}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Check: %v, want %q", err, tc.want)
			}
			if _, err := vm.Replay(prog, vm.Config{Limits: tc.limits}, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Replay: %v, want %q", err, tc.want)
			}
		})
	}
}

// TestDeepLegalExpressions: the deepest expressions the parser accepts, and
// long final conditions, run without overflowing the operand stack: each
// frame is sized from the compiler's code, not from a guess.
func TestDeepLegalExpressions(t *testing.T) {
	nested := func(n int) string { // x + (x + (x + … ))
		return strings.Repeat("x + (", n) + "x" + strings.Repeat(")", n)
	}
	var terms []string
	for i := 0; i < 2000; i++ {
		terms = append(terms, fmt.Sprintf("(x != %d || 0:r == %d)", i+1, i+1))
	}
	long := strings.Join(terms, " && ")
	csel := strings.Repeat("csel(x, x + 1, ", 190) + "x" + strings.Repeat(")", 190) // two values a level
	for _, tc := range []struct{ name, src string }{
		{"nested sums in a cpu", "shared x = 1\ncpu 0 {\n  r = " + nested(190) + "\n  assert r == 191\n}\n"},
		{"nested sums in a proc", "shared x = 1\nproc f(a) {\n  return a + " + nested(190) + "\n}\ncpu 0 {\n  r = f(f(f(1)))\n  assert r == 574\n}\n"},
		{"nested sums in final", "shared x = 1\ncpu 0 {\n  r = 1\n}\nfinal forall (" + nested(190) + " == 191)\n"},
		{"nested calls in final", "shared x = 1\ncpu 0 {\n  r = 1\n}\nfinal forall (" + csel + " == 2)\n"},
		{"nested calls in a cpu", "shared x = 1\ncpu 0 {\n  r = " + csel + "\n  assert r == 2\n}\n"},
		{"2000 terms in final", "shared x = 1\ncpu 0 {\n  r = 1\n}\nfinal forall (" + long + ")\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := compileWith(t, "deep.mmu", tc.src, nil)
			res := check(t, prog, vm.Config{})
			if res.Verdict != "ok" {
				t.Fatalf("verdict %q: %v", res.Verdict, res.Violations)
			}
		})
	}
}

// TestGhostStateUnreachable: addresses and pfns that would name the
// checker's own state (lock words, page records, tagged pfns) are errors,
// never writes to that state. (Before the check, ghost-page-record.mmu
// rewrote the record of the page it freed and its use-after-free passed
// as ok.)
func TestGhostStateUnreachable(t *testing.T) {
	for _, file := range []string{"ghost-lock-word.mmu", "ghost-page-record.mmu", "ghost-tagged-pfn.mmu"} {
		t.Run(file, func(t *testing.T) {
			res := check(t, hostile(t, file), vm.Config{Search: "dfs", All: true})
			if res.Verdict != "fail error" || !strings.Contains(res.Violations[0].Msg, "outside the simulated memory") {
				t.Fatalf("verdict %q %v, want an error for the address", res.Verdict, res.Violations)
			}
		})
	}
	// a host builtin's Call.Set is held to the same rule: the address comes
	// from the script
	reg := pokeRegistry(t, false)
	prog := compileWith(t, "poke.mmu", "spinlock l\ncpu 0 {\n  spin_lock(l)\n  hw_poke(4 << 56, 0)\n  spin_unlock(l)\n}\n", reg)
	res := check(t, prog, vm.Config{Builtins: reg})
	if res.Verdict != "fail error" || !strings.Contains(res.Violations[0].Msg, "outside the simulated memory") {
		t.Fatalf("host builtin: verdict %q %v, want an error for the address", res.Verdict, res.Violations)
	}
}

// TestHostileFilesExist keeps the battery honest: every class has its file.
func TestHostileFilesExist(t *testing.T) {
	for _, prefix := range []string{"time-", "memory-", "ghost-"} {
		m, _ := filepath.Glob(filepath.Join("testdata", "hostile", prefix+"*.mmu"))
		if len(m) == 0 {
			t.Errorf("no %s*.mmu in testdata/hostile", prefix)
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", "hostile")); err != nil {
		t.Fatal(err)
	}
}

// TestBudgetTimeReplay: a replay and a random run (mmuasm run --schedule,
// --seed) run within the time budget too: the endless local loop stops
// with a limit naming it.
func TestBudgetTimeReplay(t *testing.T) {
	prog := hostile(t, "time-local-loop.mmu")
	cfg := vm.Config{Limits: vm.Limits{Time: 300 * time.Millisecond}, Seed: 3}
	for name, run := range map[string]func() (*vm.RunResult, error){
		"Replay":    func() (*vm.RunResult, error) { return vm.Replay(prog, cfg, nil) },
		"RunRandom": func() (*vm.RunResult, error) { return vm.RunRandom(prog, cfg) },
	} {
		rr, err := run()
		if err != nil {
			t.Fatal(err)
		}
		if v := rr.Violation; v == nil || v.Kind != "limit" || !strings.HasPrefix(v.Msg, "time: ") {
			t.Fatalf("%s: violation %v, want a limit naming the time budget", name, v)
		}
	}
}

// weakGraphScript walks the PTEs of regions 2M regions under a weak model
// (as testdata/hostile/memory-weak-graph.mmu does with four), its final
// condition's quantifier final: an execution graph of some 1000 events a
// region.
func weakGraphScript(t *testing.T, regions int, final string) *vm.Program {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "hostile", "memory-weak-graph.mmu"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer("8M", fmt.Sprintf("%dM", 2*regions), "0..4", fmt.Sprintf("0..%d", regions),
		"2048", fmt.Sprint(512*regions), "final exists", "final "+final).Replace(string(src))
	prog, err := compiler.Compile("weak-graph.mmu", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// TestBudgetWeakGraph: under a weak model the CPUs' runs (as they grow)
// and each execution graph with what the model's check of it allocates
// are in the memory estimate. A budget refuses a graph before its
// relations are made, with a limit naming the check; the estimate never
// passes the budget by more than 10 %; a budget with room checks it.
func TestBudgetWeakGraph(t *testing.T) {
	for _, tc := range []struct {
		regions int
		model   string // tso: its graph engine (--search graph)
		budget  int64
		want    string // the limit's message starts so; "": no limit
	}{
		{1, "lkmm", 32 << 20, "memory: the model's check of the next execution graph"},
		{1, "armv8", 32 << 20, "memory: the model's check of the next execution graph"},
		{1, "tso", 8 << 20, "memory: the model's check of the next execution graph"}, // 14 MiB
		{1, "tso", 128 << 20, ""},
		{4, "lkmm", 256 << 20, "memory: the model's check of the next execution graph"},
	} {
		name := fmt.Sprintf("%d-regions-%s-%dMiB", tc.regions, tc.model, tc.budget>>20)
		t.Run(name, func(t *testing.T) {
			prog := weakGraphScript(t, tc.regions, "exists")
			res, err := vm.Check(context.Background(), prog, vm.Config{Model: tc.model, Search: "graph", Limits: vm.Limits{Memory: tc.budget}})
			if err != nil {
				t.Fatal(err)
			}
			msg := limitViolation(res)
			switch {
			case tc.want == "" && (msg != "" || res.Verdict != "ok"):
				t.Errorf("verdict %q, limit %q: want ok", res.Verdict, msg)
			case tc.want == "" && res.Memory < 8<<20:
				t.Errorf("the estimate reached %d bytes: the graph's check is not in it", res.Memory)
			case tc.want != "" && (!strings.HasPrefix(msg, tc.want) || !strings.Contains(msg, fmt.Sprintf("%.1f MiB (Limits.Memory)", float64(tc.budget>>20)))):
				t.Errorf("verdict %q, limit %q: want one starting %q and naming the budget", res.Verdict, msg, tc.want)
			}
			if res.Memory > tc.budget*11/10 {
				t.Errorf("the estimate reached %d bytes, more than 10 %% over the budget", res.Memory)
			}
		})
	}
}

// TestBudgetTimeWeakGraphs: the weak engines look at the deadline between
// execution graphs and between the stages of a model's check every time.
// They looked once in 64 questions, as the interleaving searches do
// between steps, and each graph here (2,500 events) takes the armv8 check
// a quarter of a second: a 100 ms budget let the check run to its end,
// past 1.5 s, complete and unbounded.
func TestBudgetTimeWeakGraphs(t *testing.T) {
	prog, err := compiler.Compile("setptes.mmu", []byte("mm user\ntable t\ncpu 0 { set_ptes(user, 0x700000, &t[0], pfn_pte(0x100, PAGE_SHARED), 512) }\ncpu 1 { r = ptep_get_lockless(&t[14]) }\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := vm.Check(context.Background(), prog, vm.Config{Arch: "x86pae", Model: "armv8", Search: "graph", Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if msg := limitViolation(res); !strings.HasPrefix(msg, "time: ") || res.Complete {
		t.Errorf("verdict %q, limit %q, complete %v: want the 100ms time budget to stop it", res.Verdict, msg, res.Complete)
	}
}

// TestBudgetWeakReplay: replaying a weak execution token (mmuasm run
// --schedule w:…) counts the model's check of its graph too, before the
// relations are made.
func TestBudgetWeakReplay(t *testing.T) {
	prog := weakGraphScript(t, 1, "~exists") // the execution that exists is the counterexample
	res, err := vm.Check(context.Background(), prog, vm.Config{Model: "tso", Search: "graph", Limits: vm.Limits{Memory: 128 << 20}})
	if err != nil || res.Execution == "" {
		t.Fatalf("check: %v, token %q", err, res.Execution)
	}
	if _, err := vm.ReplayExecution(prog, vm.Config{Model: "tso", Limits: vm.Limits{Memory: 128 << 20}}, res.Execution); err != nil {
		t.Fatalf("replay within the budget: %v", err)
	}
	_, err = vm.ReplayExecution(prog, vm.Config{Model: "tso", Limits: vm.Limits{Memory: 8 << 20}}, res.Execution)
	if err == nil || !strings.HasPrefix(err.Error(), "memory: the model's check of the execution token's graph") || !strings.Contains(err.Error(), "8.0 MiB (Limits.Memory)") {
		t.Fatalf("replay over an 8 MiB budget: %v, want an error naming the graph's check and the budget", err)
	}
}

// TestBudgetIncremental: the incremental search counts the graph each
// level of its search holds: a long run stops at the memory budget, with
// a limit, and the estimate stays within it.
func TestBudgetIncremental(t *testing.T) {
	src := `shared x, y
cpu 0 {
  for i in 0..400 {
    WRITE_ONCE(x, i)
    r = READ_ONCE(y)
  }
}
cpu 1 {
  for i in 0..400 {
    WRITE_ONCE(y, i)
    r = READ_ONCE(x)
  }
}
`
	prog, err := compiler.Compile("long.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	const budget = 8 << 20
	res, err := vm.Check(context.Background(), prog, vm.Config{Model: "armv8", Search: "incremental", Limits: vm.Limits{Memory: budget}})
	if err != nil {
		t.Fatal(err)
	}
	if msg := limitViolation(res); !strings.HasPrefix(msg, "memory: the incremental search's graphs would take") {
		t.Errorf("verdict %q, limit %q: want the memory limit of the search's graphs", res.Verdict, msg)
	}
	if res.Memory > budget*11/10 {
		t.Errorf("the estimate reached %d bytes, more than 10 %% over the budget", res.Memory)
	}
}
