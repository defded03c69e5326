package vm_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"mmuvm/compiler"
	"mmuvm/vm"
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
func compileBench(b *testing.B, name, src string) *vm.Program {
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

// loopScript is a tight local loop: no visible step at all, only the
// interpreter. Its final condition checks the sum.
func loopScript(iters int) string {
	var sum uint64
	for i := 0; i < iters; i++ {
		if i%3 == 0 {
			sum += uint64(i)
		}
	}
	return fmt.Sprintf(`test "loop"
cpu 0 {
  s = 0
  for i in 0..%d {
    if i %% 3 == 0 {
      s = s + i
    }
  }
}
final forall (0:s == %d)
`, iters, sum)
}

// BenchmarkLoop: ns per iteration of a local loop with a modulo, a test
// and an add.
func BenchmarkLoop(b *testing.B) {
	p := compileBench(b, "loop.mmu", loopScript(loopIters))
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/loopIters, "ns/iteration")
}

// fibN is the argument of BenchmarkFib.
const fibN = 27

// fib returns fib(n) and the number of calls the naive recursion makes:
// calls(n) = 1 + calls(n-1) + calls(n-2), calls(0) = calls(1) = 1, which is
// 2·F(n+1) − 1 (635,621 for n = 27).
func fib(n int) (value, calls uint64) {
	if n < 2 {
		return uint64(n), 1
	}
	v1, c1 := fib(n - 1)
	v2, c2 := fib(n - 2)
	return v1 + v2, 1 + c1 + c2
}

func fibScript(n int) string {
	v, _ := fib(n)
	return fmt.Sprintf(`test "fib"
proc fib(n) {
  if n < 2 {
    return n
  }
  return fib(n - 1) + fib(n - 2)
}
cpu 0 {
  r = fib(%d)
}
final forall (0:r == %d)
`, n, v)
}

// BenchmarkFib: ns per proc call of the naive recursive fib.
func BenchmarkFib(b *testing.B) {
	p := compileBench(b, "fib.mmu", fibScript(fibN))
	_, calls := fib(fibN)
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(calls), "ns/call")
}

// stepWrites is the number of shared-word writes of BenchmarkStep.
const stepWrites = 50_000

func stepScript(n int) string {
	return fmt.Sprintf(`test "step"
shared x, y
cpu 0 {
  for i in 0..%d {
    x = i
  }
  y = 1
}
final forall (x == %d && y == 1)
`, n, n-1)
}

// BenchmarkStep: ns per visible step of one CPU writing a shared word in a
// loop (each write is a step; y = 1 is one more), through vm.Check's dfs:
// the step, its footprint, the loop's spin check and the search's
// bookkeeping.
func BenchmarkStep(b *testing.B) {
	p := compileBench(b, "step.mmu", stepScript(stepWrites))
	for b.Loop() {
		checkOne(b, p)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(stepWrites+1), "ns/step")
}

// TestBenchScripts runs the benchmarks' scripts once, small, so that a
// change that breaks them shows in go test, not only in go test -bench.
func TestBenchScripts(t *testing.T) {
	for name, src := range map[string]string{
		"loop": loopScript(1000),
		"fib":  fibScript(10),
		"step": stepScript(100),
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
	if _, calls := fib(27); calls != 635621 {
		t.Errorf("fib(27) makes %d calls, want 635621", calls)
	}
}
