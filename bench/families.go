package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// families measures the scaling families (lock-N, sb-ring-N, lock-sb-N)
// under each search of searches; true if one gave a wrong verdict.
func (b *bench) families(searches []string) bool {
	fmt.Printf("scaling families (searches %s; traces: what an optimal reduction explores)\n", strings.Join(searches, ", "))
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "script\ttraces\t")
	for _, s := range searches {
		fmt.Fprintf(w, "%s executions\t%s time\t", s, s)
	}
	fmt.Fprintln(w)
	failed := false
	for _, f := range benchscripts.Families {
		for _, n := range f.Sizes {
			name := fmt.Sprintf("%s-%d", f.Name, n)
			traces := "-"
			if f.Traces != nil {
				traces = fmt.Sprint(f.Traces(n))
			}
			fmt.Fprintf(w, "%s\t%s\t", name, traces)
			p, err := compiler.Compile(name+".mmu", []byte(f.Script(n)), nil)
			if err != nil {
				fmt.Fprintf(w, "error: %v\t\n", firstLine(err.Error()))
				failed = true
				continue
			}
			for _, s := range searches {
				per, r, err := measure(b, func() (*vm.Result, error) { return b.check(p, vm.Config{Search: s}) })
				switch {
				case err != nil:
					fmt.Fprintf(w, "error\t%s\t", firstLine(err.Error()))
					failed = true
				case !r.Complete:
					fmt.Fprintf(w, "%s\tincomplete after %s\t", count(r), fmtDur(per))
				case !r.Matched:
					fmt.Fprintf(w, "%s\twrong verdict %s\t", count(r), r.Verdict)
					failed = true
				default:
					fmt.Fprintf(w, "%s\t%s\t", count(r), fmtDur(per))
				}
			}
			fmt.Fprintln(w)
		}
	}
	w.Flush()
	return failed
}

// count is a result's executions, and its states for a stateful search.
func count(r *vm.Result) string {
	if r.States > 0 {
		return fmt.Sprintf("%d (%d states)", r.Executions, r.States)
	}
	return fmt.Sprint(r.Executions)
}
