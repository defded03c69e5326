package vm_test

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// genReuseScript writes a page_reuse script in which CPUs allocate, free
// and publish pages (a CPU may free a page another CPU published, so that
// double frees and use-after-free happen too), with a final condition on
// which pfns the allocations returned: whether a page came back is what the
// drain threads decide.
func genReuseScript(seed int64) string {
	r := rand.New(rand.NewSource(seed))
	var b strings.Builder
	fmt.Fprintf(&b, "// reuse seed %d\npage_reuse\nshared x, y\n", seed)
	ncpu := 2
	if r.Intn(4) == 0 {
		ncpu = 3
	}
	for c := 0; c < ncpu; c++ {
		fmt.Fprintf(&b, "\ncpu %d {\n", c)
		live := []string{}
		for i, n := 0, 1+r.Intn(3); i < n; i++ {
			switch k := r.Intn(5); {
			case k <= 1 && len(live) < 2:
				reg := fmt.Sprintf("p%d", i)
				fmt.Fprintf(&b, "  %s = alloc_page(GFP_ATOMIC)\n", reg)
				live = append(live, reg)
			case k == 2 && len(live) > 0:
				fmt.Fprintf(&b, "  free_page(%s)\n", live[0])
				live = live[1:]
			case k == 3 && len(live) > 0:
				fmt.Fprintf(&b, "  %s = %s\n", []string{"x", "y"}[r.Intn(2)], live[r.Intn(len(live))])
			default:
				fmt.Fprintf(&b, "  q%d = %s\n  if q%d != 0 { free_page(q%d) }\n", i, []string{"x", "y"}[r.Intn(2)], i, i)
			}
		}
		if len(live) > 0 {
			fmt.Fprintf(&b, "  last = %s\n", live[len(live)-1])
		} else {
			b.WriteString("  last = alloc_page(GFP_ATOMIC)\n")
		}
		b.WriteString("}\n")
	}
	fmt.Fprintf(&b, "\nfinal %s (0:last == 1:last || x == %d:last)\n", []string{"exists", "~exists", "forall"}[r.Intn(3)], r.Intn(ncpu))
	return b.String()
}

// TestDiffPageReuse compares dpor, state and auto with dfs on generated
// page_reuse scripts: the drains are threads of one step each, which every
// search must explore alike.
func TestDiffPageReuse(t *testing.T) {
	n := 60
	if testing.Short() {
		n = 16
	}
	compared, reused := 0, 0
	for seed := int64(1); seed <= int64(n); seed++ {
		src := genReuseScript(seed)
		dc := compareSearches(fmt.Sprintf("reuse%d.mmu", seed), src)
		if dc.mismatch != "" {
			t.Errorf("seed %d: mismatch\n--- script ---\n%s--- results ---\n%s", seed, src, dc.mismatch)
		}
		if !dc.skipped {
			compared++
		}
		if dc.finals > 1 {
			reused++
		}
	}
	if compared*2 < n {
		t.Errorf("only %d of %d scripts compared (dfs hit its execution bound on the others)", compared, n)
	}
	if reused*4 < n {
		t.Errorf("only %d of %d scripts have more than one final state: the generator does not exercise reuse", reused, n)
	}
	t.Logf("%d of %d page_reuse scripts compared, %d with several final states", compared, n, reused)
}

// TestDiffPageReuseExamples runs the page-reuse examples with every search
// but dfs (whose executions there run to hundreds of thousands): each must
// give the same verdict.
func TestDiffPageReuseExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/model/*reuse*.mmu")
	if err != nil || len(files) < 4 {
		t.Fatalf("page-reuse examples: %v, %d files", err, len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := compiler.Compile(filepath.Base(f), src, nil)
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string]string{}
		for _, cfg := range []vm.Config{{Search: "dpor"}, {Search: "dpor", Workers: 2}, {Search: "state"}, {Search: "auto"}} {
			cfg.Arch = "arm64"
			res := check(t, prog, cfg)
			verdicts[fmt.Sprintf("%s/%d", cfg.Search, cfg.Workers)] = res.Verdict
		}
		want := verdicts["dpor/0"]
		for s, v := range verdicts {
			if v != want {
				t.Errorf("%s: %s says %q, dpor %q", f, s, v, want)
			}
		}
	}
}

// TestPageReuse: with page_reuse, a CPU's allocation after its free hands
// the freed page out again, last freed first, unless the CPU's list was
// drained; without it, never; another CPU's free never feeds this CPU.
func TestPageReuse(t *testing.T) {
	const body = `shared x
cpu 0 {
  a = alloc_page(GFP_ATOMIC)
  b = alloc_page(GFP_ATOMIC)
  free_page(a)
  free_page(b)
  c = alloc_page(GFP_ATOMIC)
  d = alloc_page(GFP_ATOMIC)
}
cpu 1 {
  e = alloc_page(GFP_ATOMIC)
  x = e
}
`
	for _, tc := range []struct {
		name, head, final string
		want              string
	}{
		{"LIFO when not drained", "page_reuse\n", "exists (0:c == 0:b && 0:d == 0:a)", "ok"},
		{"fresh pages when drained", "page_reuse\n", "exists (0:c != 0:a && 0:c != 0:b && 0:d != 0:a && 0:d != 0:b)", "ok"},
		{"never out of order", "page_reuse\n", "~exists (0:c == 0:a)", "ok"},
		{"other CPUs' pages never", "page_reuse\n", "~exists (1:e == 0:a || 1:e == 0:b)", "ok"},
		{"off by default", "", "~exists (0:c == 0:b || 0:c == 0:a || 0:d == 0:a || 0:d == 0:b)", "ok"},
	} {
		src := tc.head + body + "final " + tc.final + "\n"
		prog, err := compiler.Compile(tc.name+".mmu", []byte(src), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, search := range []string{"dfs", "dpor", "state"} {
			if res := check(t, prog, vm.Config{Arch: "arm64", Search: search}); res.Verdict != tc.want {
				t.Errorf("%s, %s: verdict %q, want %q", tc.name, search, res.Verdict, tc.want)
			}
		}
	}
}

// TestPageReuseWeak: page_reuse is refused under a weak model, at the
// line that asks for it.
func TestPageReuseWeak(t *testing.T) {
	src := "model lkmm\nshared x\npage_reuse\ncpu 0 {\n  x = 1\n}\n"
	prog, err := compiler.Compile("weak.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = vm.Check(context.Background(), prog, vm.Config{Arch: "arm64"})
	if err == nil || !strings.Contains(err.Error(), "weak.mmu:3:1: page_reuse is not modelled under model lkmm") {
		t.Fatalf("error %v, want one at weak.mmu:3:1", err)
	}
}
