package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// autoCase is one script and arch of the auto comparison.
type autoCase struct {
	name string
	prog *vm.Program
	arch string
}

// autoCases collects the sc scripts of dirs (recursively), one case per
// arch of each. A script that does not compile or runs under a weak model
// is left out: auto chooses between interleaving searches.
func autoCases(dirs []string) []autoCase {
	var out []autoCase
	for _, d := range dirs {
		var files []string
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if err == nil && !e.IsDir() && strings.HasSuffix(p, ".mmu") {
				files = append(files, p)
			}
			return nil
		})
		sort.Strings(files)
		for _, f := range files {
			p, err := compiler.CompileFile(f, nil)
			if err != nil || p.Model != "" && p.Model != "sc" {
				continue
			}
			for _, a := range p.Arches {
				out = append(out, autoCase{name: strings.TrimSuffix(filepath.Base(f), ".mmu"), prog: p, arch: a})
			}
		}
	}
	return out
}

// auto measures auto against the faster of dpor and the stateful search
// on every sc script of dirs, with one worker and with two (issue 14: auto
// is never slower than the faster search by more than 20 %). It prints
// the scripts outside that margin and the totals; true if a search gave a
// wrong verdict.
func (b *bench) auto(dirs []string) bool {
	cases := autoCases(dirs)
	fmt.Printf("auto against the faster search: %d checks (sc scripts of %s), best of repeated runs\n", len(cases), strings.Join(dirs, ", "))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "script\tarch\tdpor\tstate\tauto -j 1\tratio\tauto -j 2\tratio\t")
	var sum [5]time.Duration
	var within [2]int
	failed := false
	for _, c := range cases {
		var fs [4]func() (*vm.Result, error)
		for i, s := range []struct {
			search  string
			workers int
		}{{"dpor", 1}, {"state", 1}, {"auto", 1}, {"auto", 2}} {
			cfg := vm.Config{Arch: c.arch, Search: s.search, Workers: s.workers}
			fs[i] = func() (*vm.Result, error) { return b.check(c.prog, cfg) }
		}
		t := b.bestAlternating(fs[:], &failed)
		for i := range t {
			sum[i] += t[i]
		}
		fast := min(t[0], t[1])
		sum[4] += fast
		r1, r2 := ratio(t[2], fast), ratio(t[3], fast)
		within[0] += b2i(r1 <= 1.2)
		within[1] += b2i(r2 <= 1.2)
		if r1 > 1.2 || r2 > 1.2 {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%.2f\t\n", c.name, c.arch, fmtDur(t[0]), fmtDur(t[1]),
				fmtDur(t[2]), r1, fmtDur(t[3]), r2)
		}
	}
	w.Flush()
	fmt.Printf("within 20 %% of the faster search: %d of %d with -j 1, %d of %d with -j 2 (the rows above are the others)\n",
		within[0], len(cases), within[1], len(cases))
	fmt.Printf("sums: dpor %s, state %s, the faster of each script %s; auto -j 1 %s (%.2f×), auto -j 2 %s (%.2f×)\n",
		fmtDur(sum[0]), fmtDur(sum[1]), fmtDur(sum[4]), fmtDur(sum[2]), ratio(sum[2], sum[4]), fmtDur(sum[3]), ratio(sum[3], sum[4]))
	return failed
}

// bestAlternating is the least time of each f over runs that add up to
// b.min (at least three): small checks are dominated by noise, and the
// least is the least noisy. The runs go in rounds, one of each f still
// short of b.min, so that a slow stretch of the machine (another process,
// a change of clock) does not fall on one search only.
func (b *bench) bestAlternating(fs []func() (*vm.Result, error), failed *bool) []time.Duration {
	least, total := make([]time.Duration, len(fs)), make([]time.Duration, len(fs))
	for i := range least {
		least[i] = 1 << 62
	}
	for n, more := 0, true; more; n++ {
		more = false
		for i, f := range fs {
			if n >= 3 && total[i] >= b.min {
				continue
			}
			more = true
			start := time.Now()
			r, err := f()
			d := time.Since(start)
			total[i] += d
			least[i] = min(least[i], d)
			if err != nil || r.Expected != "" && !r.Matched && r.Complete {
				*failed = true
				return least
			}
		}
	}
	return least
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
