// Command bench measures the checker: the perf scripts of the shared
// acceptance corpus (executions, states, time, rates, time per visible
// step) and the interpreter (a tight local loop, recursive calls, a loop of
// shared writes). It prints one table.
//
//	go run ./bench [-scenarios DIR] [-search auto] [-arch all] [-min 200ms]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

func main() {
	root := moduleRoot()
	scenarios := flag.String("scenarios", filepath.Join(root, "..", "shared", "scenarios", "perf"),
		"folder of perf scripts (default: ../shared/scenarios/perf relative to the module root)")
	search := flag.String("search", "auto", "search for the perf scripts: auto, dpor, state, dfs")
	models := flag.String("models", "sc", "memory models to check the perf scripts under: a comma list of sc, tso, armv8, lkmm")
	archFlag := flag.String("arch", "", "arch(es) for the perf scripts: a name, a comma list, or all (default: each script's arch line)")
	minTime := flag.Duration("min", 200*time.Millisecond, "repeat each measurement until it has run this long (at least once)")
	loopN := flag.Int("loop", 10_000_000, "iterations of the local loop")
	fibN := flag.Int("fib", 27, "argument of the recursive fib")
	stepN := flag.Int("steps", 50_000, "shared writes of the step loop")
	timeout := flag.Duration("timeout", 5*time.Minute, "bound on one check")
	spinSizes := flag.String("spin", "8,64,128,256,512", "sizes N of ptdump-vmalloc-nN to run side by side with SPIN (when spin and gcc are installed); empty: skip")
	spinReps := flag.Int("spin-reps", 3, "alternating runs of each side in the SPIN comparison (the best is shown)")
	fams := flag.String("families", "dpor,state,auto", "searches to measure the scaling families (lock-N, sb-ring-N, lock-sb-N) under; empty: skip them")
	coresN := flag.Int("cores", 512, "size N of ptdump-vmalloc-nN-fixed on which to measure -j 2 against -j 1, beside two -j 1 processes at once; 0: skip")
	coresRounds := flag.Int("cores-rounds", 9, "rounds of the -j 2 measurement")
	autoDirs := flag.String("auto", "", "folders (a comma list) whose sc scripts measure auto against the faster of dpor and state, with -j 1 and -j 2; empty: skip")
	flag.Parse()
	*stepN = max(*stepN, 1)

	b := &bench{min: *minTime, timeout: *timeout}
	fmt.Printf("mmuvm bench: %s %s/%s, GOMAXPROCS %d, each measurement repeated for at least %v\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), *minTime)
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		// wall-clock times mean little on a busy machine: say how busy it is
		f := strings.Fields(string(load))
		if len(f) >= 3 {
			fmt.Printf("load average %s %s %s on %d CPUs\n", f[0], f[1], f[2], runtime.NumCPU())
		}
	}
	fmt.Println()
	failed := false
	for _, model := range strings.Split(*models, ",") {
		failed = b.corpus(*scenarios, *search, *archFlag, model) || failed
		fmt.Println()
	}
	if *spinSizes != "" {
		var sizes []int
		for _, f := range strings.Split(*spinSizes, ",") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 || n > 512 {
				fmt.Fprintf(os.Stderr, "bench: -spin: %q is not a size from 1 to 512\n", f)
				os.Exit(2)
			}
			sizes = append(sizes, n)
		}
		failed = b.spin(sizes, max(1, *spinReps)) || failed
		fmt.Println()
	}
	if *fams != "" {
		failed = b.families(strings.Split(*fams, ",")) || failed
		fmt.Println()
	}
	if *coresN > 0 {
		failed = b.cores(*coresN, max(1, *coresRounds)) || failed
		fmt.Println()
	}
	if *autoDirs != "" {
		failed = b.auto(strings.Split(*autoDirs, ",")) || failed
		fmt.Println()
	}
	fmt.Println()
	failed = b.interpreter(*loopN, *fibN, *stepN) || failed
	if failed {
		os.Exit(1)
	}
}

// moduleRoot is the folder of the go.mod above the working directory (the
// working directory itself if there is none).
func moduleRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return wd
		}
		d = up
	}
}

type bench struct {
	min     time.Duration
	timeout time.Duration
}

// measure runs f until it has run b.min in all (at least once) and returns
// the mean time of one run and f's last result.
func measure[T any](b *bench, f func() (T, error)) (time.Duration, T, error) {
	var last T
	var total time.Duration
	n := 0
	for n == 0 || total < b.min {
		start := time.Now()
		r, err := f()
		total += time.Since(start)
		n++
		if err != nil {
			return 0, last, err
		}
		last = r
	}
	return total / time.Duration(n), last, nil
}

func (b *bench) check(p *vm.Program, cfg vm.Config) (*vm.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	return vm.Check(ctx, p, cfg)
}

// corpus measures every script of dir; true if something failed.
func (b *bench) corpus(dir, search, archFlag, model string) bool {
	files, _ := filepath.Glob(filepath.Join(dir, "*.mmu"))
	sort.Strings(files)
	rel := dir // shown relative to the working directory when that is shorter
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, dir); err == nil && len(r) < len(dir) {
			rel = r
		}
	}
	if len(files) == 0 {
		if _, err := os.Stat(dir); err != nil {
			fmt.Printf("perf corpus: %s is missing (%v): no perf scripts measured; see -scenarios\n", rel, errors.Unwrap(err))
		} else {
			fmt.Printf("perf corpus: no .mmu scripts in %s: no perf scripts measured\n", rel)
		}
		return false
	}
	fmt.Printf("perf corpus: %s, model %s, search %s\n", rel, model, search)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "script\tarch\tverdict\texecutions\tstates\ttime/check\texecutions/s\tstates/s\tsteps (1 run)\tns/step\t")
	failed := false
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".mmu")
		p, err := compiler.CompileFile(f, nil)
		if err != nil {
			fmt.Fprintf(w, "%s\t\terror: %v\t\t\t\t\t\t\t\t\n", name, firstLine(err.Error()))
			failed = true
			continue
		}
		arches := p.Arches
		switch archFlag {
		case "":
		case "all":
			arches = []string{"arm64", "x86pae", "x86pae-pv", "xenpv"}
		default:
			arches = strings.Split(archFlag, ",")
		}
		for _, a := range arches {
			cfg := vm.Config{Arch: a, Search: search, Model: model}
			per, r, err := measure(b, func() (*vm.Result, error) { return b.check(p, cfg) })
			if err != nil {
				fmt.Fprintf(w, "%s\t%s\terror: %v\t\t\t\t\t\t\t\t\n", name, a, firstLine(err.Error()))
				failed = true
				continue
			}
			verdict := r.Verdict
			if r.Expected != "" && !r.Matched {
				verdict += " (expected " + r.Expected + ")"
				// the expect lines are sc's: under a weak model a
				// different verdict is an answer, not a failure
				failed = failed || model == "sc"
			}
			if model != "sc" { // a weak check has no schedule to replay
				n := r.States + r.Graphs // the store buffers' states, or the graphs checked
				fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t-\t-\t\n", name, a, verdict, r.Executions, n,
					fmtDur(per), rate(r.Executions, per), rate(n, per))
				continue
			}
			steps, perStep, err := b.replay(p, a)
			stepCol, nsCol := fmt.Sprint(steps), fmt.Sprintf("%.0f", perStep)
			if err != nil {
				stepCol, nsCol = "error", firstLine(err.Error())
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t\n", name, a, verdict, r.Executions, r.States,
				fmtDur(per), rate(r.Executions, per), rate(r.States, per), stepCol, nsCol)
		}
	}
	w.Flush()
	fmt.Println("time/check: one vm.Check, counterexample shrinking and traces included; steps and ns/step: a replay of")
	fmt.Println("one execution (lowest enabled thread first, to its end or first violation) on a bare machine. Under")
	fmt.Println("armv8 and lkmm (and tso with -search graph) the states columns count the execution graphs checked.")
	return failed
}

// replay times one execution on a bare machine: Reset, then the lowest
// enabled thread at each step until none is enabled or a violation.
func (b *bench) replay(p *vm.Program, arch string) (int, float64, error) {
	m, err := vm.NewMachine(p, arch, nil, vm.Limits{})
	if err != nil {
		return 0, 0, err
	}
	var buf []int
	run := func() (int, error) {
		m.Reset()
		for m.Violation() == nil {
			buf = m.Enabled(buf)
			if len(buf) == 0 {
				break
			}
			m.Step(buf[0])
		}
		return m.Steps(), nil
	}
	per, steps, _ := measure(b, run)
	if steps == 0 {
		return 0, 0, nil
	}
	return steps, float64(per.Nanoseconds()) / float64(steps), nil
}

// interpreter measures the three single-CPU scripts; true if one failed.
func (b *bench) interpreter(loopN, fibN, stepN int) bool {
	fmt.Println("interpreter (one CPU, search dfs, one execution per check)")
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "script\tunits\ttime/check\tns/unit\t")
	failed := false
	v, calls := benchscripts.FibCalls(fibN)
	for _, s := range []struct {
		name, unit string
		units      uint64
		src        string
	}{
		{fmt.Sprintf("loop 0..%d, i %% 3 == 0: s += i", loopN), "iterations", uint64(loopN), benchscripts.Loop(loopN)},
		{fmt.Sprintf("fib(%d) = %d, recursive", fibN, v), "calls", calls, benchscripts.Fib(fibN)},
		{fmt.Sprintf("%d writes of a shared word", stepN), "visible steps", uint64(stepN) + 1, benchscripts.Step(stepN)},
	} {
		p, err := compiler.Compile("bench.mmu", []byte(s.src), nil)
		if err != nil {
			fmt.Fprintf(w, "%s\terror: %v\t\t\t\n", s.name, firstLine(err.Error()))
			failed = true
			continue
		}
		cfg := vm.Config{Arch: "arm64", Search: "dfs",
			Limits: vm.Limits{LocalInstrs: 1 << 40, Steps: stepN + 10}}
		per, r, err := measure(b, func() (*vm.Result, error) { return b.check(p, cfg) })
		switch {
		case err != nil:
			fmt.Fprintf(w, "%s\terror: %v\t\t\t\n", s.name, firstLine(err.Error()))
			failed = true
		case r.Verdict != "ok" || !r.Validated:
			fmt.Fprintf(w, "%s\twrong result: verdict %s, final %v\t\t\t\n", s.name, r.Verdict, r.FinalStates)
			failed = true
		default:
			fmt.Fprintf(w, "%s\t%d %s\t%s\t%.2f\t\n", s.name, s.units, s.unit, fmtDur(per),
				float64(per.Nanoseconds())/float64(s.units))
		}
	}
	w.Flush()
	return failed
}

func rate(n int, per time.Duration) string {
	if n == 0 || per <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", float64(n)/per.Seconds())
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d.Nanoseconds())/1e6)
	default:
		return fmt.Sprintf("%.1fµs", float64(d.Nanoseconds())/1e3)
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
