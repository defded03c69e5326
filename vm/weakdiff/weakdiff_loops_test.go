package weakdiff_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

var weakDiffLoopsN = flag.Int("weakdiff.loops", 60, "generated scripts with retry loops the weak differential test checks")

// loopShapes are the reader loops genLoopScript draws from, with the
// locals each leaves for the final condition: spin loops of each kind
// (a rotated while, a test on a read-only proc, await, a cmpxchg() retry)
// and a loop that is none (a local assigned on one path only). W and V
// are shared words, K a value.
var loopShapes = []struct{ code, regs string }{
	{"s = 0\n  while s != K {\n    s = READ_ONCE(W)\n    r = READ_ONCE(V)\n  }", "s r"},
	{"t = 0\n  while 1 {\n    a = READ_ONCE(W)\n    if a == K {\n      t = READ_ONCE(V)\n    }\n    if t == 1 || a == 3 {\n      break\n    }\n  }", "t a"},
	{"while peek() != K {\n  }\n  r = READ_ONCE(V)", "r"},
	{"s = 0\n  while s == 0 {\n    s = peek()\n    smp_rmb()\n    r = READ_ONCE(V)\n  }", "s r"},
	{"await READ_ONCE(W) == K\n  r = READ_ONCE(V)", "r"},
	{"while 1 {\n    old = READ_ONCE(W)\n    if cmpxchg(W, old, old + 1) == old {\n      break\n    }\n  }\n  r = READ_ONCE(V)", "old r"},
	{"while cmpxchg_acquire(W, K, 3) != K {\n  }\n  r = READ_ONCE(V)", "r"},
	// passes that take and release a lock (lockPassOps); the writers may
	// take it too (genLoopScript)
	{"while 1 {\n    spin_lock(l)\n    s = READ_ONCE(W)\n    spin_unlock(l)\n    if s == K {\n      break\n    }\n  }\n  r = READ_ONCE(V)", "s r"},
	{"while 1 {\n    f = spin_lock_irqsave(l)\n    s = READ_ONCE(W)\n    if s == K {\n      W = 3\n    }\n    spin_unlock_irqrestore(l, f)\n    if s == K {\n      break\n    }\n  }\n  r = READ_ONCE(V)", "s r"},
}

// genLoopScript writes a script of one or two CPUs of straight-line
// accesses (weakGen's) and a reader CPU running one of loopShapes.
func genLoopScript(seed int64) string {
	g := &weakGen{r: rand.New(rand.NewSource(seed))}
	g.shared = []string{"x", "y", "z"}
	shape := loopShapes[g.r.Intn(len(loopShapes))]
	w, v := g.word(), g.word()
	var b strings.Builder
	fmt.Fprintf(&b, "// weakdiff loops seed %d\nshared x, y, z\nspinlock l\n", seed)
	fmt.Fprintf(&b, "proc peek() {\n  p = READ_ONCE(%s)\n  return p\n}\n", w)
	var regs []string
	ncpu := 2 + g.r.Intn(2)
	for c := 0; c < ncpu-1; c++ {
		g.regs = nil
		fmt.Fprintf(&b, "cpu %d {\n", c)
		// with a locking reader, a writer takes the lock too, or looks
		// at it without waiting (no lock pass is then a spin pass)
		lock, unlock := "", ""
		if strings.Contains(shape.code, "(l)") {
			switch g.r.Intn(3) {
			case 1:
				lock, unlock = "  spin_lock(l)\n", "  spin_unlock(l)\n"
			case 2:
				lock, unlock = "  tl = spin_trylock(l)\n", "  if tl {\n    spin_unlock(l)\n  }\n"
			}
		}
		b.WriteString(lock)
		for i := 0; i < 2+g.r.Intn(2); i++ {
			fmt.Fprintf(&b, "  %s\n", g.line())
		}
		b.WriteString(unlock)
		b.WriteString("}\n")
		for _, r := range g.regs {
			regs = append(regs, fmt.Sprintf("%d:%s", c, r))
		}
	}
	code := strings.NewReplacer("W", w, "V", v, "K", fmt.Sprint(1+g.r.Intn(2))).Replace(shape.code)
	fmt.Fprintf(&b, "cpu %d {\n  %s\n}\n", ncpu-1, code)
	for _, r := range strings.Fields(shape.regs) {
		regs = append(regs, fmt.Sprintf("%d:%s", ncpu-1, r))
	}
	fmt.Fprintf(&b, "locations %s\nfinal exists (x == 0)\n", strings.Join(append(slices.Clone(g.shared), regs...), ", "))
	return b.String()
}

// TestWeakDiffLoops holds the execution-graph engines' loops (a spin loop
// is an assume of its exit: one pass stands for any number of failed
// ones; any other loop is unrolled twice) to the interleaving search
// under sc and the operational store buffers under tso, which run every
// pass (their spin rule blocks a CPU only when another pass would change
// nothing): the same verdict and final states where both finish, and
// under armv8 and lkmm the reduced searches to the unreduced one. Where
// the graph engine unrolled a loop to its bound, its final states must
// be some of the reference's.
func TestWeakDiffLoops(t *testing.T) {
	t.Parallel()
	n := *weakDiffLoopsN
	if testing.Short() {
		n = 20
	}
	pairs := [][2]vm.Config{
		{{Model: "sc", Search: "dfs"}, {Model: "sc", Search: "graph"}},
		{{Model: "sc", Search: "dfs"}, {Model: "sc", Search: "incremental"}},
		{{Model: "tso", Search: "dfs"}, {Model: "tso", Search: "graph"}},
		{{Model: "armv8", Search: "dfs"}, {Model: "armv8"}},
		{{Model: "armv8", Search: "dfs"}, {Model: "armv8", Search: "incremental"}},
		{{Model: "lkmm", Search: "dfs"}, {Model: "lkmm"}},
	}
	// A locking poll's references: dfs tries every pass's every
	// interleaving and rarely finishes, while dpor under sc and tso runs
	// every pass too (its repeat rule waits only where another pass would
	// change nothing); under armv8 the enumeration against the
	// incremental search.
	lockPairs := [][2]vm.Config{
		{{Model: "sc", Search: "dpor"}, {Model: "sc", Search: "graph"}},
		{{Model: "sc", Search: "dpor"}, {Model: "sc", Search: "incremental"}},
		{{Model: "tso", Search: "dpor"}, {Model: "tso", Search: "graph"}},
		{{Model: "armv8", Search: "graph"}, {Model: "armv8", Search: "incremental"}},
	}
	for seed := *weakDiffFrom; seed <= int64(n); seed++ {
		src := genLoopScript(seed)
		pairs := pairs
		if strings.Contains(src, "spin_lock(l)\n    s") || strings.Contains(src, "spin_lock_irqsave") {
			pairs = lockPairs
		}
		p, err := compiler.Compile(fmt.Sprintf("weakdiff-loops-%d.mmu", seed), []byte(src), nil)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		done := map[string]*vm.Result{}
		for _, pair := range pairs {
			ref, red := pair[0], pair[1]
			ref.All, red.All, ref.Limits, ref.Timeout = true, true, refBounds, refTimeout
			want, ok := done[cfgName(ref)]
			if !ok {
				if want, err = vm.Check(context.Background(), p, ref); err != nil {
					t.Fatalf("seed %d %+v: %v\n%s", seed, ref, err, src)
				}
				done[cfgName(ref)] = want
			}
			got, err := vm.Check(context.Background(), p, red)
			if err != nil {
				t.Fatalf("seed %d %+v: %v\n%s", seed, red, err, src)
			}
			name := fmt.Sprintf("seed %d, %s against %s", seed, cfgName(red), cfgName(ref))
			if !want.Complete && unrolledOnly(want.Bounds) && !got.Complete && unrolledOnly(got.Bounds) {
				// both unrolled a loop to herd's bound: the same runs
				if finalStates(want) != finalStates(got) {
					t.Errorf("%s, both unrolled: %s\nagainst\n%s\nscript:\n%s", name, finalStates(got), finalStates(want), src)
				}
				continue
			}
			if !want.Complete {
				t.Logf("seed %d under %s: the reference did not finish (%v); skipped", seed, ref.Model, want.Bounds)
				continue
			}
			if !got.Complete {
				if !unrolledOnly(got.Bounds) {
					t.Errorf("%s: incomplete (%v)\n%s", name, got.Bounds, src)
				} else if extra := missing(finalStates(want), finalStates(got)); extra != "" {
					t.Errorf("%s: final states the reference has not:\n%s\nscript:\n%s", name, extra, src)
				}
				continue
			}
			if finalStates(want) != finalStates(got) || want.Verdict != got.Verdict {
				t.Errorf("%s: %q\n%s\nagainst %q\n%s\nscript:\n%s", name, got.Verdict, finalStates(got), want.Verdict, finalStates(want), src)
			}
		}
	}
}

func unrolledOnly(bounds []string) bool {
	for _, b := range bounds {
		if !strings.HasPrefix(b, "loops:") {
			return false
		}
	}
	return len(bounds) > 0
}

// missing lists the lines of got that want does not have.
func missing(want, got string) string {
	have := map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		have[l] = true
	}
	var out []string
	for _, l := range strings.Split(got, "\n") {
		if !have[l] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// cfgName names a search for a message.
func cfgName(c vm.Config) string {
	return fmt.Sprintf("%s/%s -j %d", c.Model, c.Search, max(c.Workers, 1))
}
