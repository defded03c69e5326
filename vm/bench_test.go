package vm_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// perfDir is the perf folder of the shared acceptance corpus: scripts that
// need partial-order reduction and state caching.
var perfDir = filepath.Join("..", "..", "shared", "scenarios", "perf")

// BenchmarkPerfCorpus checks each perf script on each arch its arch line
// names, with the default search, as `mmuasm check` does.
func BenchmarkPerfCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(perfDir, "*.mmu"))
	if len(files) == 0 {
		b.Skip("no perf corpus at", perfDir)
	}
	sort.Strings(files)
	for _, f := range files {
		p, err := compiler.CompileFile(f, nil)
		if err != nil {
			b.Errorf("%s: %v", f, err)
			continue
		}
		for _, a := range p.Arches {
			name := strings.TrimSuffix(filepath.Base(f), ".mmu") + "/" + a
			b.Run(name, func(b *testing.B) {
				var r *vm.Result
				for b.Loop() {
					r, err = vm.Check(context.Background(), p, vm.Config{Arch: a})
					if err != nil {
						b.Fatal(err)
					}
				}
				if !r.Matched {
					b.Errorf("verdict %s, expected %s", r.Verdict, r.Expected)
				}
				reportCheck(b, r)
			})
		}
	}
}

// reportCheck reports the size of the last check and the time per
// execution over all iterations.
func reportCheck(b *testing.B, r *vm.Result) {
	b.ReportMetric(float64(r.Executions), "executions/op")
	b.ReportMetric(float64(r.States), "states/op")
	if r.Executions > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r.Executions), "ns/execution")
	}
}

// compileBench compiles a benchmark script, failing the benchmark if it
// does not compile.
func compileBench(b testing.TB, name, src string) *vm.Program {
	b.Helper()
	p, err := compiler.Compile(name, []byte(src), nil)
	if err != nil {
		b.Fatalf("%v\n%s", err, src)
	}
	return p
}

// checkOne runs a single-CPU script with dfs (one execution) and checks
// that its final condition holds.
func checkOne(b *testing.B, p *vm.Program) {
	b.Helper()
	r, err := vm.Check(context.Background(), p, vm.Config{Arch: "arm64", Search: "dfs",
		Limits: vm.Limits{LocalInstrs: 2_000_000_000, Steps: 10_000_000}})
	if err != nil {
		b.Fatal(err)
	}
	if r.Verdict != "ok" || !r.Validated {
		b.Fatalf("verdict %s, final states %v, validated %v", r.Verdict, r.FinalStates, r.Validated)
	}
}

// loopIters is the number of iterations of BenchmarkLoop's loop.
const loopIters = 10_000_000

// BenchmarkLoop: ns per iteration of a local loop with a modulo, a test
// and an add.
func BenchmarkLoop(b *testing.B) {
	p := compileBench(b, "loop.mmu", benchscripts.Loop(loopIters))
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/loopIters, "ns/iteration")
}

// fibN is the argument of BenchmarkFib.
const fibN = 27

// BenchmarkFib: ns per proc call of the naive recursive fib.
func BenchmarkFib(b *testing.B) {
	p := compileBench(b, "fib.mmu", benchscripts.Fib(fibN))
	_, calls := benchscripts.FibCalls(fibN)
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(calls), "ns/call")
}

// stepWrites is the number of shared-word writes of BenchmarkStep.
const stepWrites = 50_000

// BenchmarkStep: ns per visible step of one CPU writing a shared word in a
// loop (each write is a step; y = 1 is one more), through vm.Check's dfs:
// the step, its footprint, the loop's spin check and the search's
// bookkeeping.
func BenchmarkStep(b *testing.B) {
	p := compileBench(b, "step.mmu", benchscripts.Step(stepWrites))
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(stepWrites+1), "ns/step")
}

// TestBenchScripts runs the benchmarks' scripts once, small, so that a
// change that breaks them shows in go test, not only in go test -bench.
func TestBenchScripts(t *testing.T) {
	for name, src := range map[string]string{
		"loop": benchscripts.Loop(1000),
		"fib":  benchscripts.Fib(10),
		"step": benchscripts.Step(100),
	} {
		p, err := compiler.Compile(name+".mmu", []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, src)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		r, err := vm.Check(ctx, p, vm.Config{Arch: "arm64", Search: "dfs"})
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Verdict != "ok" || !r.Validated || r.Executions != 1 {
			t.Errorf("%s: verdict %s, validated %v, executions %d, final states %v",
				name, r.Verdict, r.Validated, r.Executions, r.FinalStates)
		}
	}
	if _, calls := benchscripts.FibCalls(27); calls != 635621 {
		t.Errorf("fib(27) makes %d calls, want 635621", calls)
	}
}

// BenchmarkFamilies checks the largest size of each scaling family under
// each search (lock-N, sb-ring-N, lock-sb-N; see bench/README.md).
func BenchmarkFamilies(b *testing.B) {
	for _, f := range benchscripts.Families {
		n := f.Sizes[len(f.Sizes)-1]
		p := compileBench(b, f.Name+".mmu", f.Script(n))
		for _, search := range []string{"dpor", "state", "auto"} {
			b.Run(fmt.Sprintf("%s-%d/%s", f.Name, n, search), func(b *testing.B) {
				reportCheck(b, benchSearch(b, p, search))
			})
		}
	}
}

// BenchmarkStateWorkers: one stateful check (alone, and in auto) on 1 and
// 2 workers, on scripts the stateful search wins (issue 14's goal: -j 2 at least 1.7× -j 1 on n512-fixed, idle 2 cores).
func BenchmarkStateWorkers(b *testing.B) {
	scripts := []struct{ name, src string }{
		{"ptdump-vmalloc-n128-fixed", benchscripts.PtdumpVmalloc(128, true)},
		{"ptdump-vmalloc-n256-fixed", benchscripts.PtdumpVmalloc(256, true)},
		{"ptdump-vmalloc-n512-fixed", benchscripts.PtdumpVmalloc(512, true)},
		{"lock-7", benchscripts.Lock(7)},
		{"lock-8", benchscripts.Lock(8)},
	}
	for _, sc := range scripts {
		p := compileBench(b, sc.name+".mmu", sc.src)
		for _, search := range []string{"state", "auto"} {
			for _, j := range []int{1, 2} {
				b.Run(fmt.Sprintf("%s/%s/j%d", sc.name, search, j), func(b *testing.B) {
					var r *vm.Result
					var err error
					for b.Loop() {
						if r, err = vm.Check(context.Background(), p, vm.Config{Search: search, Workers: j, Timeout: time.Minute}); err != nil {
							b.Fatal(err)
						}
					}
					if !r.Matched || !r.Complete {
						b.Errorf("verdict %s, expected %s, complete %v", r.Verdict, r.Expected, r.Complete)
					}
					reportCheck(b, r)
				})
			}
		}
	}
}
