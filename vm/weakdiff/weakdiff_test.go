package weakdiff_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
	"github.com/mmuvm/mmuvm/vm/internal/testhook"
)

var weakDiffN = flag.Int("weakdiff.n", 60, "generated scripts the weak differential test checks")

// weakDiffFrom is the first seed of the weak differential tests, so that a
// long run can go on where an earlier one stopped.
var weakDiffFrom = flag.Int64("weakdiff.from", 1, "the first seed of the weak differential tests (their -weakdiff.* counts say the last)")

// weakGen writes small litmus-like scripts: two or three CPUs reading and
// writing two or three shared words with marked accesses, barriers,
// acquire/release, RMWs, data and control dependencies, and locks.
type weakGen struct {
	r      *rand.Rand
	shared []string
	regs   []string
}

func (g *weakGen) word() string { return g.shared[g.r.Intn(len(g.shared))] }

func (g *weakGen) reg() string {
	n := fmt.Sprintf("r%d", len(g.regs))
	g.regs = append(g.regs, n)
	return n
}

// value is a constant, or a register read before (a data dependency).
func (g *weakGen) value() string {
	if len(g.regs) > 0 && g.r.Intn(3) == 0 {
		return g.regs[g.r.Intn(len(g.regs))] + " + 1"
	}
	return fmt.Sprint(1 + g.r.Intn(2))
}

func (g *weakGen) line() string {
	switch g.r.Intn(13) {
	case 0, 1, 2:
		return fmt.Sprintf("%s = READ_ONCE(%s)", g.reg(), g.word())
	case 3, 4, 5:
		return fmt.Sprintf("WRITE_ONCE(%s, %s)", g.word(), g.value())
	case 6:
		return []string{"smp_mb()", "smp_rmb()", "smp_wmb()"}[g.r.Intn(3)]
	case 7:
		return fmt.Sprintf("%s = smp_load_acquire(%s)", g.reg(), g.word())
	case 8:
		return fmt.Sprintf("smp_store_release(%s, %s)", g.word(), g.value())
	case 9:
		return fmt.Sprintf("%s = xchg_relaxed(%s, %s)", g.reg(), g.word(), g.value())
	case 10:
		return fmt.Sprintf("%s = cmpxchg(%s, 0, %s)", g.reg(), g.word(), g.value())
	case 11:
		if len(g.regs) > 0 {
			return fmt.Sprintf("if %s == 1 {\n    WRITE_ONCE(%s, %s)\n  }", g.regs[g.r.Intn(len(g.regs))], g.word(), g.value())
		}
	}
	return fmt.Sprintf("%s = READ_ONCE(%s)", g.reg(), g.word())
}

func genWeakScript(seed int64) string {
	g := &weakGen{r: rand.New(rand.NewSource(seed))}
	var b strings.Builder
	g.shared = []string{"x", "y", "z"}[:2+g.r.Intn(2)]
	fmt.Fprintf(&b, "// weakdiff seed %d\nshared %s\n", seed, strings.Join(g.shared, ", "))
	lock := g.r.Intn(4) == 0
	if lock {
		b.WriteString("spinlock l\n")
	}
	g.writeCPUs(&b, 2+g.r.Intn(2), func(b *strings.Builder) {
		n := 2 + g.r.Intn(2)
		locked := lock && g.r.Intn(2) == 0
		if locked {
			b.WriteString("  spin_lock(l)\n")
		}
		for i := 0; i < n; i++ {
			fmt.Fprintf(b, "  %s\n", g.line())
		}
		if locked {
			b.WriteString("  spin_unlock(l)\n")
		}
	})
	return b.String()
}

// writeCPUs writes ncpu cpu blocks, each with the lines body writes (it
// draws what it needs from g.r), then the locations and final condition
// that show every shared word and register.
func (g *weakGen) writeCPUs(b *strings.Builder, ncpu int, body func(b *strings.Builder)) {
	var regs []string
	for c := 0; c < ncpu; c++ {
		g.regs = nil
		fmt.Fprintf(b, "cpu %d {\n", c)
		body(b)
		b.WriteString("}\n")
		for _, r := range g.regs {
			regs = append(regs, fmt.Sprintf("%d:%s", c, r))
		}
	}
	terms := append(append([]string(nil), g.shared...), regs...)
	fmt.Fprintf(b, "locations %s\nfinal exists (%s == 0)\n", strings.Join(terms, ", "), g.shared[0])
}

// checkCounting checks p with a testhook.Counts in the context, so that
// the check counts what only a test needs (the executions the
// incremental search built twice).
func checkCounting(p *vm.Program, cfg vm.Config) (*vm.Result, *testhook.Counts, error) {
	c := &testhook.Counts{}
	r, err := vm.Check(testhook.With(context.Background(), c), p, cfg)
	return r, c, err
}

func finalStates(r *vm.Result) string {
	var s []string
	for _, f := range r.FinalStates {
		s = append(s, f.Values)
	}
	return strings.Join(s, "\n")
}

// TestWeakDiff checks the reduced execution-graph search against the
// unreduced one (--search dfs: every run, every candidate execution) on
// generated scripts under armv8 and lkmm, the graph search under sc
// against the interleaving search, and under tso the operational store
// buffers' reduced search against their plain dfs and the axiomatic
// graph engine against them: the same final states, the same verdict.
// The incremental search is held to them under every model, and must
// build no execution twice. (Under lkmm it misses out-of-thin-air values
// and a lock handover, docs/architecture.md, which these scripts do not
// make: none of the first 300.)
func TestWeakDiff(t *testing.T) {
	t.Parallel()
	n := *weakDiffN
	if testing.Short() {
		n = 30
	}
	for seed := *weakDiffFrom; seed <= int64(n); seed++ {
		weakDiffPairs(t, seed, fmt.Sprintf("weakdiff-%d.mmu", seed), genWeakScript(seed))
	}
}

// refBounds bounds the exhaustive searches the weak differential tests
// compare against by work, not time, so that the scripts they leave out
// are the same on every machine and under any load: a million
// interleavings (dfs under tso takes a few seconds), 400,000 candidate
// graphs of the unpruned enumeration (TestWeakDiff's seed 14, the largest
// it finishes, has 373,408). refTimeout only keeps a script no bound
// reaches from holding the test up.
var refBounds = vm.Limits{Executions: 1_000_000, Graphs: 400_000}

const refTimeout = time.Minute

// weakDiffPairs holds one generated script to TestWeakDiff's pairs of
// searches: the same final states and verdict, no execution built twice,
// and every sc final state one each weak model reaches.
func weakDiffPairs(t *testing.T, seed int64, name, src string) {
	t.Helper()
	weakDiffPairsOf(t, seed, name, src, weakDiffAll)
}

// weakDiffAll are TestWeakDiff's pairs: a reference search, and the one
// held to it.
var weakDiffAll = [][2]vm.Config{
	{{Model: "sc", Search: "dfs"}, {Model: "sc", Search: "graph"}},
	{{Model: "tso", Search: "dfs"}, {Model: "tso"}},
	// the operational store buffers against the axiomatic x86tso.cat
	{{Model: "tso", Search: "dfs"}, {Model: "tso", Search: "graph"}},
	{{Model: "armv8", Search: "dfs"}, {Model: "armv8"}},
	{{Model: "lkmm", Search: "dfs"}, {Model: "lkmm"}},
	// the incremental search against the interleavings and the
	// enumeration (not under lkmm yet: docs/architecture.md says
	// what it misses there)
	{{Model: "sc", Search: "dfs"}, {Model: "sc", Search: "incremental"}},
	{{Model: "tso", Search: "graph"}, {Model: "tso", Search: "incremental"}},
	{{Model: "armv8", Search: "dfs"}, {Model: "armv8", Search: "incremental"}},
	// under lkmm only a subset: what it finds, the model allows
	{{Model: "lkmm", Search: "dfs"}, {Model: "lkmm", Search: "incremental"}},
}

// weakDiffPairsOf holds one generated script to pairs of searches.
func weakDiffPairsOf(t *testing.T, seed int64, name, src string, pairs [][2]vm.Config) {
	t.Helper()
	p, err := compiler.Compile(name, []byte(src), nil)
	if err != nil {
		t.Fatalf("seed %d: %v\n%s", seed, err, src)
	}
	done := map[string]*vm.Result{} // each reference once a script
	check := func(cfg vm.Config) (*vm.Result, error) {
		if r, ok := done[cfg.Model+"/"+cfg.Search]; ok {
			return r, nil
		}
		r, err := vm.Check(context.Background(), p, cfg)
		done[cfg.Model+"/"+cfg.Search] = r
		return r, err
	}
	for _, pair := range pairs {
		pair[0].All, pair[1].All = true, true
		pair[0].Limits, pair[0].Timeout = refBounds, refTimeout // the exhaustive search is factorial: skip a script it cannot finish
		want, err1 := check(pair[0])
		got, counts, err2 := checkCounting(p, pair[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("seed %d %s: %v / %v\n%s", seed, pair[1].Model, err1, err2, src)
		}
		if !want.Complete {
			t.Logf("seed %d under %s: the exhaustive search stopped at %q; skipped", seed, pair[1].Model, want.Bounds)
			continue
		}
		if !got.Complete {
			t.Fatalf("seed %d %s: incomplete (%v)\n%s", seed, pair[1].Model, got.Bounds, src)
		}
		if counts.Duplicates > 0 {
			t.Errorf("seed %d under %s: the incremental search built %d executions more than once\n%s", seed, pair[1].Model, counts.Duplicates, src)
		}
		if finalStates(want) != finalStates(got) || want.Verdict != got.Verdict {
			t.Errorf("seed %d under %s: %s search %q\n%s\n%s search %q\n%s\nscript:\n%s", seed, pair[1].Model,
				pair[0].Search, want.Verdict, finalStates(want), pair[1].Search, got.Verdict, finalStates(got), src)
		}
	}
	// every sc execution is one each weak model allows
	if sc := done["sc/dfs"]; sc != nil && sc.Complete {
		for _, model := range []string{"tso", "armv8", "lkmm"} {
			if r := done[model+"/dfs"]; r != nil && r.Complete {
				scWithin(t, seed, src, sc, r, model)
			}
		}
	}
}

var weakDiffIPIN = flag.Int("weakdiff.ipi", 40, "generated scripts with synchronising IPIs the weak differential test checks")

// genIPIScript writes a script whose CPUs synchronise with the others:
// a static key's enable or disable or kick_all_cpus_sync() (an IPI to
// each other CPU, taken where it has IRQs on), synchronize_rcu()
// (acknowledged outside RCU read-side sections) or a call_rcu() at the
// end of CPU 0 (its callback writes y after a grace period), the sections (RCU,
// IRQs off, preemption or bottom halves disabled, a spinlock taken with
// IRQs off), and reads of the key.
func genIPIScript(seed int64) string { return genIPIScriptFrom(seed, ipiShape{senders: 1}) }

// ipiShape says what genIPIScriptFrom writes: how many CPUs send (1 or 2),
// whether CPU 1 runs with IRQs off, and the arch whose page-table
// entries the CPUs also access (tableLine), if any.
type ipiShape struct {
	senders int
	off     bool
	tables  string // "", "arm64" or "x86pae"
}

// genIPIScriptFrom is genIPIScript with the synchronising calls made by
// o.senders CPUs: with 2, the last CPU of three makes one too (with 1 the
// scripts are genIPIScript's, whose seeds the docs cite). With o.off, CPU
// 1 runs all its lines with IRQs off, so that it takes what comes after
// its start at its end, where until session 36 the weak engines took
// IPIs before grace periods (seeds 4 and 8 with two senders). With
// o.tables, on that arch, half the lines access a page table's entries.
func genIPIScriptFrom(seed int64, o ipiShape) string {
	senders, off := o.senders, o.off
	g := &weakGen{r: rand.New(rand.NewSource(seed))}
	var b strings.Builder
	g.shared = []string{"x", "y"}
	fmt.Fprintf(&b, "// weakdiff ipi seed %d\nstatic_key k\nspinlock l\nshared x, y\n", seed)
	line := g.line
	if o.tables != "" {
		fmt.Fprintf(&b, "arch %s\ntable t\n", o.tables)
		line = func() string {
			if g.r.Intn(2) == 0 {
				return g.tableLine(o.tables == "x86pae")
			}
			return g.line()
		}
	}
	ncpu := 2 + g.r.Intn(2)
	if senders == 2 {
		ncpu = 3
	}
	var regs []string
	for c := 0; c < ncpu; c++ {
		g.regs = nil
		fmt.Fprintf(&b, "cpu %d {\n", c)
		var lines []string
		for i := 0; i < 2+g.r.Intn(2); i++ {
			lines = append(lines, line())
		}
		switch {
		case c == 0, senders == 2 && c == 2:
			syncs := []string{"static_branch_enable(k)", "synchronize_rcu()", "static_branch_enable(k)\n  static_branch_disable(k)", "kick_all_cpus_sync()", "call_rcu(&y, 2)"}
			if c > 0 {
				syncs = syncs[:len(syncs)-1] // its lines may be put in a section after: no call_rcu()
			}
			k := g.r.Intn(len(syncs))
			at := g.r.Intn(len(lines) + 1)
			if k == len(syncs)-1 {
				at = len(lines) // the weak models take call_rcu() only last
			}
			lines = append(lines[:at], append([]string{syncs[k]}, lines[at:]...)...)
		case g.r.Intn(2) == 0:
			lines = append(lines, fmt.Sprintf("if static_branch_unlikely(k) {\n    %s\n  }", line()))
		}
		if c == 1 && off {
			lines = append(append([]string{"local_irq_disable()"}, lines...), "local_irq_enable()")
		} else if c > 0 && g.r.Intn(3) == 0 {
			at := g.r.Intn(len(lines))
			end := at + 1 + g.r.Intn(len(lines)-at)
			sections := [][2]string{{"rcu_read_lock()", "rcu_read_unlock()"}, {"local_irq_disable()", "local_irq_enable()"},
				{"preempt_disable()", "preempt_enable()"}, {"local_bh_disable()", "local_bh_enable()"},
				{"f = spin_lock_irqsave(l)", "spin_unlock_irqrestore(l, f)"}}
			sec := sections[g.r.Intn(len(sections))]
			open, close := sec[0], sec[1]
			lines = append(lines[:end], append([]string{close}, lines[end:]...)...)
			lines = append(lines[:at], append([]string{open}, lines[at:]...)...)
		}
		for _, l := range lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
		b.WriteString("}\n")
		for _, r := range g.regs {
			regs = append(regs, fmt.Sprintf("%d:%s", c, r))
		}
	}
	terms := append(append([]string(nil), g.shared...), regs...)
	fmt.Fprintf(&b, "locations %s\nfinal exists (x == 0)\n", strings.Join(terms, ", "))
	return b.String()
}

// TestWeakDiffIPI holds the incremental search, which places IPI
// handlers itself under armv8 (vm/incremental_ipi.go), to the
// enumeration, whose CPUs choose where they take them, on scripts with
// synchronising IPIs: the same final states and verdict, and no
// execution built twice.
func TestWeakDiffIPI(t *testing.T) {
	t.Parallel()
	n := *weakDiffIPIN
	if testing.Short() {
		n = 15
	}
	t.Run("one sender", func(t *testing.T) { weakDiffIPI(t, n, ipiShape{senders: 1}) })
	n = *weakDiffIPI2N
	if testing.Short() {
		n = 5
	}
	t.Run("two senders", func(t *testing.T) { weakDiffIPI(t, n, ipiShape{senders: 2}) })
	t.Run("two senders, CPU 1 with IRQs off", func(t *testing.T) { weakDiffIPI(t, n, ipiShape{senders: 2, off: true}) })
	n = *weakDiffIPITablesN
	if testing.Short() {
		n /= 4
	}
	t.Run("page tables", func(t *testing.T) { weakDiffIPI(t, n, ipiShape{senders: 1, tables: "arm64"}) })
	t.Run("x86 PAE page tables", func(t *testing.T) { weakDiffIPI(t, n/2, ipiShape{senders: 1, tables: "x86pae"}) })
}

var weakDiffIPI2N = flag.Int("weakdiff.ipi2", 8, "generated scripts with two CPUs sending synchronising IPIs the weak differential test checks (and as many with CPU 1's IRQs off)")

var weakDiffIPITablesN = flag.Int("weakdiff.ipitables", 20, "generated scripts with synchronising IPIs and page-table accesses the weak differential test checks")

func weakDiffIPI(t *testing.T, n int, o ipiShape) {
	// the enumeration finishes most scripts in a few seconds or takes
	// minutes: its candidate graphs bound it (seed 24, the largest it
	// finishes with one sender, has 80,810); with three CPUs, whose graphs
	// cost more, a lower bound keeps the skips cheap: 40,000 takes in two
	// senders' seed 1 (14,976) and, with CPU 1's IRQs off, seeds 4 and 8
	// (35,200 and 29,058), which found the weak engines' missing sc
	// executions docs/architecture.md cites; 16,000 compared 2 of those
	// 8 scripts, for 10 s less. The incremental search under lkmm, whose
	// work per complete graph varies a hundredfold, is bound by the items
	// it visits: with one sender the scripts it finishes visit at most
	// 13 M (seed 24 had not finished at 15 M), with two at most 0.4 M
	// (seed 5 had not at 3.2 M). (It had a bound of time, 10 and 5 s,
	// which skipped a script or not by the machine's speed and load.)
	bound, items := vm.Limits{Graphs: 100_000}, int64(14_000_000)
	if o.senders == 2 {
		bound, items = vm.Limits{Graphs: 40_000}, 1_000_000
	}
	for seed := *weakDiffFrom; seed <= int64(n); seed++ {
		src := genIPIScriptFrom(seed, o)
		p, err := compiler.Compile(fmt.Sprintf("weakdiff-ipi-%d.mmu", seed), []byte(src), nil)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		label := fmt.Sprintf("seed %d", seed)
		want := enumerated(t, label, src, p, "armv8", bound)
		if want == nil {
			continue
		}
		got, counts, err := checkCounting(p, vm.Config{Model: "armv8", Search: "incremental", All: true})
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		agrees(t, label, src, want, got, counts)
		sc, err := vm.Check(context.Background(), p, vm.Config{All: true})
		if err != nil {
			t.Fatalf("seed %d under sc: %v\n%s", seed, err, src)
		}
		scWithin(t, seed, src, sc, want, "armv8")
		checkIPILKMM(t, seed, p, src, sc, bound, items)
	}
}

// enumerated is the enumeration's result on p under model, within
// bound: the reference an incremental search is held to; nil, logged as
// a skip of the script label names, where it stopped at the bound.
func enumerated(t *testing.T, label, src string, p *vm.Program, model string, bound vm.Limits) *vm.Result {
	t.Helper()
	want, err := vm.Check(context.Background(), p, vm.Config{Model: model, Search: "graph", All: true, Limits: bound, Timeout: refTimeout})
	if err != nil {
		t.Fatalf("%s: %v\n%s", label, err, src)
	}
	if !want.Complete {
		t.Logf("%s: the enumeration stopped at %q; skipped", label, want.Bounds)
		return nil
	}
	return want
}

// agrees holds an incremental search's result got, with what its hook
// counted, to the enumeration's want: complete, no execution built
// twice, the same final states and verdict.
func agrees(t *testing.T, label, src string, want, got *vm.Result, counts *testhook.Counts) {
	t.Helper()
	if !got.Complete {
		t.Fatalf("%s: incomplete (%v)\n%s", label, got.Bounds, src)
	}
	if d := counts.Duplicates; d > 0 {
		t.Errorf("%s: the incremental search built %d executions more than once\n%s", label, d, src)
	}
	if finalStates(want) != finalStates(got) || verdictKinds(want.Verdict) != verdictKinds(got.Verdict) {
		t.Errorf("%s: enumeration %q\n%s\nincremental %q\n%s\nscript:\n%s", label,
			want.Verdict, finalStates(want), got.Verdict, finalStates(got), src)
	}
}

// verdictKinds is a verdict with its failures' kinds sorted: each search
// lists them in the order it found them ("fail deadlock,lock").
func verdictKinds(v string) string {
	kinds, ok := strings.CutPrefix(v, "fail ")
	if !ok {
		return v
	}
	ks := strings.Split(kinds, ",")
	sort.Strings(ks)
	return "fail " + strings.Join(ks, ",")
}

// scWithin holds a weak model's final states to contain the interleavings'
// (every sc execution is one the model allows). The weak engines let a
// CPU take one IPI per gap between two of its steps until session 35,
// and both missed the sc executions where it takes a
// static_branch_enable()'s and the static_branch_disable()'s after it
// there (seeds 40, 68 and 92).
func scWithin(t *testing.T, seed int64, src string, sc, weak *vm.Result, model string) {
	t.Helper()
	have := map[string]bool{}
	for _, f := range weak.FinalStates {
		have[f.Values] = true
	}
	for _, f := range sc.FinalStates {
		if !have[f.Values] {
			t.Errorf("seed %d: sc reaches %s, which %s does not\nscript:\n%s", seed, f.Values, model, src)
		}
	}
}

// checkIPILKMM holds the incremental search under lkmm to the
// enumeration on an IPI script: the same final states, no execution
// built twice.
func checkIPILKMM(t *testing.T, seed int64, p *vm.Program, src string, sc *vm.Result, bound vm.Limits, items int64) {
	t.Helper()
	want := enumerated(t, fmt.Sprintf("seed %d under lkmm", seed), src, p, "lkmm", bound)
	if want == nil {
		return
	}
	counts := &testhook.Counts{Items: items}
	got, err := vm.Check(testhook.With(context.Background(), counts), p, vm.Config{Model: "lkmm", Search: "incremental", All: true})
	if err != nil {
		t.Fatalf("seed %d under lkmm: %v\n%s", seed, err, src)
	}
	if !got.Complete {
		t.Logf("seed %d under lkmm: the incremental search did not finish within %d items visited (%q); skipped", seed, items, got.Bounds)
		return
	}
	if d := counts.Duplicates; d > 0 {
		t.Errorf("seed %d under lkmm: the incremental search built %d executions more than once\n%s", seed, d, src)
	}
	if finalStates(want) != finalStates(got) {
		t.Errorf("seed %d under lkmm: the enumeration's final states\n%s\nthe incremental search's\n%s\nscript:\n%s", seed, finalStates(want), finalStates(got), src)
	}
	scWithin(t, seed, src, sc, want, "lkmm")
}

// TestIncrementalBuildsOnce: under armv8 a revisit may keep a write
// co-after what a deleted (or the revisited) read read only if the write
// needs that read; otherwise the write revisits the read on another
// branch and the graph is built twice. These scripts (cut down from
// TestWeakDiffIPI's seed 19) built one and three executions twice.
func TestIncrementalBuildsOnce(t *testing.T) {
	// CPU 0 swaps y and then sets a flag (a word, or a static key whose
	// enable sends CPU 1 an IPI); CPU 1 writes y if it sees the flag
	for name, flag := range map[string][3]string{
		"rmw-then-flag": {"shared x, y", "WRITE_ONCE(x, 1)", "READ_ONCE(x)"},
		"rmw-then-key":  {"static_key k\nshared y", "static_branch_enable(k)", "static_branch_unlikely(k)"},
	} {
		src := fmt.Sprintf(`%s
cpu 0 {
  r0 = xchg_relaxed(y, 1)
  %s
}
cpu 1 {
  if %s {
    WRITE_ONCE(y, 5)
  }
}
cpu 2 {
  r0 = xchg_relaxed(y, 3)
}
locations y, 0:r0, 2:r0
final exists (y == 0)
`, flag[0], flag[1], flag[2])
		p, err := compiler.Compile(name+".mmu", []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, counts, err := checkCounting(p, vm.Config{Model: "armv8", Search: "incremental", All: true})
		dups := counts.Duplicates
		if err != nil || !got.Complete {
			t.Fatalf("%s: %v, complete %v", name, err, got.Complete)
		}
		want, err := vm.Check(context.Background(), p, vm.Config{Model: "armv8", Search: "graph", All: true})
		if err != nil {
			t.Fatal(err)
		}
		if dups > 0 || finalStates(got) != finalStates(want) {
			t.Errorf("%s: %d executions, %d built twice; final states\n%s\nwant\n%s", name, got.Executions, dups, finalStates(got), finalStates(want))
		}
	}
}

// TestIncrementalJoinedIf: under the LKMM an if whose paths have joined
// orders nothing after the join, so a write after it may be read before
// the read the if tested (herd's C-LB-LRW+R-A+R-Ok); the incremental
// search keeps that write while the read takes the other path, and finds
// the write again by its identity when the if's body (a read here) comes
// or goes. A write of the same location in the body does order the one
// after the join (to-w's overwrite & int), and the execution where the
// body is skipped is found through the larger prefix
// (C-LB-LRW+R-Oc+Oq-A). Both must give the enumeration's final states.
func TestIncrementalJoinedIf(t *testing.T) {
	for name, body := range map[string]string{
		"body-reads":        "r4 = READ_ONCE(z)",
		"body-writes-after": "WRITE_ONCE(x2, 2)",
	} {
		src := fmt.Sprintf(`shared u0, x1, x2, z
cpu 0 {
  r1 = READ_ONCE(u0)
  smp_store_release(&x1, 1)
}
cpu 1 {
  r1 = smp_load_acquire(&x1)
  smp_store_release(&x2, 1)
}
cpu 2 {
  r1 = READ_ONCE(x2)
  if r1 == 1 {
    %s
  }
  WRITE_ONCE(u0, 1)
}
final exists (0:r1 == 1 && 1:r1 == 1 && 2:r1 == 1)
`, body)
		if name == "body-writes-after" {
			src = fmt.Sprintf(`shared u0, x1, x2
cpu 0 {
  r1 = READ_ONCE(u0)
  smp_store_release(&x1, 1)
}
cpu 1 {
  r1 = READ_ONCE(x1)
  if r1 == 1 {
    %s
  }
  WRITE_ONCE(x2, 1)
}
cpu 2 {
  r1 = smp_load_acquire(&x2)
  WRITE_ONCE(u0, 1)
}
final exists (0:r1 == 1 && 1:r1 == 0 && 2:r1 == 1)
`, body)
		}
		p, err := compiler.Compile(name+".mmu", []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := vm.Check(context.Background(), p, vm.Config{Model: "lkmm", Search: "incremental", All: true})
		if err != nil || !got.Complete {
			t.Fatalf("%s: %v, complete %v", name, err, got.Complete)
		}
		want, err := vm.Check(context.Background(), p, vm.Config{Model: "lkmm", Search: "graph", All: true})
		if err != nil {
			t.Fatal(err)
		}
		if finalStates(got) != finalStates(want) || got.Positive == 0 {
			t.Errorf("%s: final states\n%s\nwant\n%s", name, finalStates(got), finalStates(want))
		}
	}
}

// TestIncrementalFailedRMWs: a lock built of cmpxchg_acquire() that
// succeeded orders its critical section after it, but a revisit that
// deletes it may find it failing (a relaxed read under the LKMM), and the
// executions where it fails need none of that order: the revisit is also
// tried with the prefix where it counts as failed (herd's
// C-SB+l-o-o-u+l-o-o-u-CE, which the search missed two final states of).
func TestIncrementalFailedRMWs(t *testing.T) {
	src := `shared sl, x0, x1
cpu 0 {
  r2 = cmpxchg_acquire(sl, 0, 1)
  WRITE_ONCE(x0, 1)
  r1 = READ_ONCE(x1)
  smp_store_release(&sl, 0)
}
cpu 1 {
  r2 = cmpxchg_acquire(sl, 0, 1)
  WRITE_ONCE(x1, 1)
  r1 = READ_ONCE(x0)
  smp_store_release(&sl, 0)
}
final exists (0:r1 == 1 && 0:r2 == 0 && 1:r2 == 1)
`
	p, err := compiler.Compile("sb-cmpxchg-locks.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := vm.Check(context.Background(), p, vm.Config{Model: "lkmm", Search: "incremental", All: true})
	if err != nil || !got.Complete {
		t.Fatalf("%v, complete %v", err, got.Complete)
	}
	want, err := vm.Check(context.Background(), p, vm.Config{Model: "lkmm", Search: "graph", All: true})
	if err != nil {
		t.Fatal(err)
	}
	if finalStates(got) != finalStates(want) || got.Positive == 0 {
		t.Errorf("final states\n%s\nwant\n%s", finalStates(got), finalStates(want))
	}
}

// TestIncrementalRMWMidCoherence: an xchg that reads a write placed
// before the co-latest one has its write in the middle of coherence. A
// revisit of a later read deletes that write, which goes back to its one
// place when added again, so the revisit is TruSt's to make; it was taken
// for one that deletes a write a kept write comes co-after, and the load
// buffering of CPUs 1 and 2 with CPU 0's write co-last was missed under
// armv8 and lkmm (weakdiff ipi seed 45 after the generator drew call_rcu()).
func TestIncrementalRMWMidCoherence(t *testing.T) {
	src := `shared x, y
cpu 0 {
  WRITE_ONCE(x, 1)
}
cpu 1 {
  r0 = xchg_relaxed(x, 3)
  WRITE_ONCE(y, 2)
}
cpu 2 {
  r0 = READ_ONCE(y)
  WRITE_ONCE(x, 2)
}
locations x, y, 1:r0, 2:r0
final exists (x == 1 && 1:r0 == 2 && 2:r0 == 2)
`
	incrementalAsEnumeration(t, "lb-xchg.mmu", src)
}

// incrementalAsEnumeration holds the incremental search to the
// enumeration under armv8 and lkmm on a script whose condition some
// execution meets: the same final states and as many executions.
func incrementalAsEnumeration(t *testing.T, name, src string) {
	t.Helper()
	incrementalAsEnumerationUnder(t, name, src, "armv8", "lkmm")
}

func incrementalAsEnumerationUnder(t *testing.T, name, src string, models ...string) {
	t.Helper()
	for _, model := range models {
		got, want := checkBoth(t, name, src, model)
		if finalStates(got) != finalStates(want) || got.Positive == 0 || got.Executions != want.Executions {
			t.Errorf("%s, %s: %d executions, final states\n%s\nwant %d\n%s", name, model, got.Executions, finalStates(got), want.Executions, finalStates(want))
		}
	}
}

// checkBoth checks src under model with the incremental search (got) and
// the enumeration (want), each with --all.
func checkBoth(t *testing.T, name, src, model string) (got, want *vm.Result) {
	t.Helper()
	p, err := compiler.Compile(name, []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err = vm.Check(context.Background(), p, vm.Config{Model: model, Search: "incremental", All: true})
	if err != nil || !got.Complete {
		t.Fatalf("%s, %s: %v, complete %v", name, model, err, got.Complete)
	}
	want, err = vm.Check(context.Background(), p, vm.Config{Model: model, Search: "graph", All: true})
	if err != nil {
		t.Fatal(err)
	}
	return got, want
}

// TestIncrementalFailedExclusive: a store-exclusive that fails, then a
// release that another CPU's acquire reads. Whether a store-exclusive
// stays in a revisit's prefix hung on its option: one that succeeded
// stays with its write (the release orders it), one that failed has no
// write. So the revisit by the release deleted the failed one and was
// refused (not added with its first option), and the one from the
// succeeded one kept it succeeded: CPU 0 reading y = 1 with CPU 1's
// store-exclusive failed was missed under armv8 (random herd test
// A-random-82). A choice inside a call now stays with what stays after it.
func TestIncrementalFailedExclusive(t *testing.T) {
	src := `shared x, y
cpu 0 {
  r0 = smp_load_acquire(y)
  WRITE_ONCE(x, 1)
}
cpu 1 {
  a = ldxr(x)
  b = stxr(x, 2)
  smp_store_release(y, 1)
}
locations x, y, 0:r0, 1:a, 1:b
final exists (0:r0 == 1 && 1:a == 0 && 1:b == 1 && x == 1)
`
	incrementalAsEnumeration(t, "failed-exclusive.mmu", src)
}

// TestIncrementalLBThroughCAS: load buffering through a CAS (arm64's) that fails
// on the initial value. Where it read the other CPU's write it succeeded
// and made its choice (which way its result depends); keeping that
// choice in the prefix of the write after it kept the CAS's read, and the
// execution where it fails and the other CPU reads the write after it was
// lost (a first version of TestIncrementalFailedExclusive's fix). The
// enumeration also has the two executions where the failed CAS writes
// back the 0 it read (docs/memory-models.md, "A failed CAS"), which the
// incremental search leaves out: the final states are the same, the
// executions two fewer.
func TestIncrementalLBThroughCAS(t *testing.T) {
	src := `shared x, y
cpu 0 {
  a = READ_ONCE(y)
  WRITE_ONCE(x, 2)
}
cpu 1 {
  r = cas(x, 2, 1)
  WRITE_ONCE(y, 1)
}
locations x, y, 0:a, 1:r
final exists (0:a == 1 && 1:r == 0)
`
	for _, model := range []string{"armv8", "lkmm"} {
		got, want := checkBoth(t, "lb-cas.mmu", src, model)
		if finalStates(got) != finalStates(want) || got.Positive == 0 || got.Executions != want.Executions-2 {
			t.Errorf("%s: %d executions, final states\n%s\nwant %d - 2\n%s", model, got.Executions, finalStates(got), want.Executions, finalStates(want))
		}
	}
}

// TestIncrementalPlainWriteBeforeWrite: a plain write, then a marked
// write of the same word, which revisits another CPU's read while
// another CPU's write stays last. The LKMM's local order (hb's part,
// marked accesses only) left the plain write out of the marked write's
// prefix, so the revisit deleted it, and it could come back only before
// the kept write in coherence, which its maximality refused: CPU 1
// reading 4 while x ends 2, an sc execution, was missed under lkmm
// (random herd test C-wide-27). Coherence orders a write before a later
// write of its word ([W] ; po-loc ; [W]) in the prefix now.
func TestIncrementalPlainWriteBeforeWrite(t *testing.T) {
	src := `shared x
cpu 0 {
  WRITE_ONCE(x, 2)
}
cpu 1 {
  r0 = READ_ONCE(x)
}
cpu 2 {
  r0 = READ_ONCE(x)
  plain_write(x, 3)
  WRITE_ONCE(x, 4)
}
locations x, 1:r0, 2:r0
final exists (1:r0 == 4 && 2:r0 == 0 && x == 2)
`
	incrementalAsEnumeration(t, "plain-write.mmu", src)
}

// TestIncrementalPlainReadBeforeOwnWrite: a plain read, then a release of
// the same word, which another CPU reads and so writes x, and a third CPU
// reading x writes the word (its value depending on x by data) first in
// coherence: the plain read reads that
// write (load buffering the LKMM allows: its hb leaves plain accesses
// out). TruSt's maximality refused the revisit because the release stays
// after what the read read without needing the read; but a CPU's own
// later write can never be read by, nor revisit, its earlier read (random
// herd test C-wide-1086, lkmm only: armv8's release orders the read).
func TestIncrementalPlainReadBeforeOwnWrite(t *testing.T) {
	src := `shared x, z
cpu 0 {
  r0 = plain_read(z)
  rcu_assign_pointer(z, 1)
}
cpu 1 {
  r0 = READ_ONCE(z)
  rcu_assign_pointer(x, r0 + 1)
}
cpu 2 {
  r0 = plain_read(x)
  plain_write(z, r0 - r0 + 3)
}
locations x, z, 0:r0, 1:r0, 2:r0
final exists (0:r0 == 3 && 1:r0 == 1 && 2:r0 == 2)
`
	incrementalAsEnumerationUnder(t, "plain-read-own-write.mmu", src, "lkmm")
}

// TestIncrementalRMWReadByAcquire: an xchg_release() whose write a later
// acquire of its CPU reads, then a write that revisits another CPU's
// read. The acquire kept the xchg's write in the prefix but not its read,
// so the read, added again, could only read what came before the write
// in coherence: with the write it read deleted, the xchg that read the
// initial value before another CPU's later write was lost under lkmm, an
// sc execution (random herd test C-wide-118). Under lkmm a revisit is
// also tried with a prefix that keeps the read with its write.
func TestIncrementalRMWReadByAcquire(t *testing.T) {
	src := `shared x, z
cpu 0 {
  r1 = plain_read(x)
}
cpu 1 {
  smp_store_release(z, 3)
}
cpu 2 {
  r1 = atomic_xchg_release(z, 4)
  r2 = smp_load_acquire(z)
  smp_store_mb(x, 2)
}
locations x, z, 0:r1, 2:r1, 2:r2
final exists (0:r1 == 2 && 2:r1 == 0 && 2:r2 == 4 && z == 3)
`
	incrementalAsEnumeration(t, "xchg-acquire.mmu", src)
}

// TestIncrementalLBThroughRMW: load buffering through an xchg whose
// write a later read of its CPU reads, and on which the CPU's next write
// depends: the xchg's read may read a write the other CPU makes after
// reading that one. Keeping the read with its write in every prefix (a
// first version of TestIncrementalRMWReadByAcquire's fix) lost it under
// armv8 and lkmm.
func TestIncrementalLBThroughRMW(t *testing.T) {
	src := `shared x, z
cpu 0 {
  r1 = xchg_relaxed(z, 4)
  r2 = READ_ONCE(z)
  WRITE_ONCE(x, r2)
}
cpu 1 {
  r3 = READ_ONCE(x)
  WRITE_ONCE(z, r3 + 1)
}
locations x, z, 0:r1, 0:r2, 1:r3
final exists (0:r1 == 5 && 0:r2 == 4 && 1:r3 == 4)
`
	incrementalAsEnumeration(t, "lb-rmw.mmu", src)
}

// TestIncrementalRelativeMax: a relaxed read and then an acquire read
// of x both return the initial value while another CPU writes x. A write
// after the acquire read revisits a third CPU's read: the revisit keeps
// the acquire read (it is in the write's prefix) and deletes the relaxed
// one, which was not added with its first option (the other CPU's x).
// Added again after the acquire read it can only read the initial value,
// so the revisit is TruSt's to make; refusing it lost the execution under
// armv8 and lkmm (weakdiff ipi seeds 432 and 570).
func TestIncrementalRelativeMax(t *testing.T) {
	for i, writer := range []string{"r1 = xchg_relaxed(x, 2)", "WRITE_ONCE(x, 2)"} {
		src := `shared x, y
cpu 0 {
  r0 = smp_load_acquire(y)
}
cpu 1 {
  ` + writer + `
}
cpu 2 {
  r0 = READ_ONCE(x)
  r1 = smp_load_acquire(x)
  r2 = xchg_relaxed(y, 1)
}
locations x, y, 0:r0, 2:r0, 2:r1
final exists (0:r0 == 1 && 2:r0 == 0 && 2:r1 == 0 && x == 2)
`
		incrementalAsEnumeration(t, fmt.Sprintf("relative-max-%d.mmu", i), src)
	}
}

// TestIncrementalRelativeMaxWrite: a write that a revisit deletes, put
// back, may only come before a write its CPU's kept acquire read reads
// (random herd test A-narrowed-874, reduced). CPU 1's acquire of x, which
// reads CPU 0's write, stays in the prefix of CPU 1's write of y, which
// revisits CPU 0's acquire of y; CPU 1's own write of x goes, and was
// added coherence-before CPU 0's, its only place beside that read. The
// search refused the revisit as not maximal, and no other graph led to
// the execution (relativeMax).
func TestIncrementalRelativeMaxWrite(t *testing.T) {
	for i, first := range []string{"r0 = READ_ONCE(z)", "smp_mb()"} {
		src := `shared x, y, z
cpu 0 {
  WRITE_ONCE(x, 1)
  r2 = smp_load_acquire(y)
}
cpu 1 {
  ` + first + `
  WRITE_ONCE(x, 2)
  r1 = smp_load_acquire(x)
  WRITE_ONCE(y, 2)
}
locations x, 0:r2, 1:r1
final exists (0:r2 == 2 && 1:r1 == 1 && x == 1)
`
		incrementalAsEnumeration(t, fmt.Sprintf("relative-max-write-%d.mmu", i), src)
	}
}

// TestIncrementalSeedsLKMM holds the incremental search under lkmm to
// the enumeration on two seed examples. Seed 001: the search counts a
// graph built twice once, by its events, reads-from and coherence and by
// the choices of its runs; an irq handler that changes only task words
// (the lazy-MMU nesting, on Xen PV) makes executions with the same memory
// events, and counting them as one hid the assertion that fails in one
// of them. Seed 003's static key: a revisit keeps the ptdump CPU's last
// events while the read of a freed table inside its joined if now stops
// its run at a use-after-free; that graph has no execution, and the
// result was reported incomplete (graphs dropped).
func TestIncrementalSeedsLKMM(t *testing.T) {
	for _, c := range []struct {
		file   string
		arches []string
	}{
		{"001-lazy-nest-irq-v4.mmu", []string{"arm64", "x86pae", "xenpv"}},
		{"003-ptdump-vmalloc-static-key.mmu", []string{"arm64"}},
	} {
		p, err := compiler.CompileFile(filepath.Join("..", "..", "examples", "seeds", c.file), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, arch := range c.arches {
			cfg := vm.Config{Arch: arch, Model: "lkmm", All: true}
			want, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Search = "incremental"
			got, err := vm.Check(context.Background(), p, cfg)
			if err != nil || !got.Complete {
				t.Fatalf("%s on %s: %v, complete %v %v", c.file, arch, err, got.Complete, got.Bounds)
			}
			if got.Verdict != want.Verdict || finalStates(got) != finalStates(want) {
				t.Errorf("%s on %s: the incremental search's verdict %q, the enumeration's %q", c.file, arch, got.Verdict, want.Verdict)
			}
		}
	}
}

// TestIPIsInOneGap: a CPU can take several synchronising IPIs between two
// of its steps, and every search under every weak model must reach what
// the interleavings reach that way. In the first script CPU 1 takes the
// static_branch_enable()'s and the static_branch_disable()'s IPIs before
// it disables IRQs, and so reads CPU 0's release of x inside its section
// (TestWeakDiffIPI's seed 92, which both execution-graph engines missed
// until session 35); in the second it takes CPU 0's and CPU 2's there, in
// either order, and reads both their writes (the incremental search put
// one handler thread's IPIs on a boundary at first); in the third it
// acknowledges a grace period and then takes an IPI there.
// atCPU1End is a script where CPU 1 has ended by the time CPU 2, which
// read its write, makes sync2, and CPU 0, which read CPU 2's later write,
// makes sync1: CPU 1 takes both requests at its end, CPU 2's first.
func atCPU1End(decls, sync1, sync2 string) string {
	return decls + `shared x, z
cpu 0 {
  r0 = READ_ONCE(z)
  ` + sync1 + `
}
cpu 1 {
  local_irq_disable()
  WRITE_ONCE(x, 1)
  local_irq_enable()
}
cpu 2 {
  r0 = READ_ONCE(x)
  ` + sync2 + `
  WRITE_ONCE(z, 1)
}
final exists (0:r0 == 1 && 2:r0 == 1)
`
}

func TestIPIsInOneGap(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, src string }{
		{"one sender", `static_key k
spinlock l
shared x, y
cpu 0 {
  static_branch_enable(k)
  static_branch_disable(k)
  r0 = READ_ONCE(y)
  smp_store_release(x, 1)
}
cpu 1 {
  f = spin_lock_irqsave(l)
  r0 = READ_ONCE(x)
  if r0 == 1 {
    WRITE_ONCE(x, r0 + 1)
  }
  spin_unlock_irqrestore(l, f)
}
final exists (x == 2)
`},
		{"two senders", `static_key k
spinlock l
shared x, y
cpu 0 {
  static_branch_enable(k)
  WRITE_ONCE(x, 1)
}
cpu 1 {
  f = spin_lock_irqsave(l)
  r0 = READ_ONCE(x)
  r1 = READ_ONCE(y)
  spin_unlock_irqrestore(l, f)
}
cpu 2 {
  kick_all_cpus_sync()
  WRITE_ONCE(y, 1)
}
final exists (1:r0 == 1 && 1:r1 == 1)
`},
		// CPU 1 acknowledges CPU 2's grace period and then takes CPU 0's
		// IPI, sent only after that grace period, in the gap before its
		// read of y (the engines took a gap's IPIs before its grace
		// periods until session 35)
		{"grace period then IPI", `static_key k
shared x, y
cpu 0 {
  WRITE_ONCE(y, 2)
  r0 = READ_ONCE(y)
  static_branch_enable(k)
  WRITE_ONCE(y, r0 + 1)
}
cpu 1 {
  local_irq_disable()
  r0 = READ_ONCE(x)
  WRITE_ONCE(x, 1)
  local_irq_enable()
  r2 = READ_ONCE(y)
}
cpu 2 {
  r0 = READ_ONCE(x)
  synchronize_rcu()
  r1 = READ_ONCE(y)
}
final exists (1:r2 == 3 && 2:r1 == 0 && 2:r0 == 1)
`},
		// the same at CPU 1's end: it has ended, acknowledges CPU 2's
		// grace period and then takes CPU 0's IPI, sent only after it (the
		// drain of an ended CPU took IPIs before grace periods until
		// session 36)
		{"grace period then IPI at the end", atCPU1End("static_key k\n", "static_branch_enable(k)", "synchronize_rcu()")},
		// two senders' IPIs at CPU 1's end, the second sender's first: CPU
		// 0 sends only after CPU 2's IPI is answered (the drain took them
		// sender by sender until session 36, and dpor under sc lost the
		// order too: vm/dpor.go, enabledElsewhere)
		{"two senders at the end", atCPU1End("", "kick_all_cpus_sync()", "kick_all_cpus_sync()")},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := compiler.Compile("gap.mmu", []byte(c.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, cfg := range []vm.Config{{}, {Model: "armv8", Search: "graph"}, {Model: "armv8", Search: "incremental"},
				{Model: "lkmm", Search: "graph"}, {Model: "lkmm", Search: "incremental"}} {
				r, err := vm.Check(context.Background(), p, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !r.Validated {
					t.Errorf("model %q search %q: the final condition is not reached\n%s", cfg.Model, cfg.Search, finalStates(r))
				}
			}
		})
	}
}
