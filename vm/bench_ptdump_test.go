package vm_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// BenchmarkPtdumpFixed checks the fixed ptdump-vmalloc scripts, the ones
// the stateful search wins, with that search alone and with auto: the
// per-state cost that the SPIN comparison in bench/README.md measures.
func BenchmarkPtdumpFixed(b *testing.B) {
	for _, n := range []int{64, 256, 512} {
		p := compileBench(b, fmt.Sprintf("ptdump-vmalloc-n%d-fixed.mmu", n), benchscripts.PtdumpVmalloc(n, true))
		for _, search := range []string{"state", "auto"} {
			b.Run(fmt.Sprintf("n%d/%s", n, search), func(b *testing.B) {
				r := benchSearch(b, p, search)
				b.ReportMetric(float64(r.States), "states/op")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(r.States), "ns/state")
			})
		}
	}
}

// benchSearch checks p with one search, as many times as the benchmark
// asks, and fails it unless the last check is complete and matches.
func benchSearch(b *testing.B, p *vm.Program, search string) *vm.Result {
	var r *vm.Result
	var err error
	for b.Loop() {
		if r, err = vm.Check(context.Background(), p, vm.Config{Search: search, Timeout: time.Minute}); err != nil {
			b.Fatal(err)
		}
	}
	if !r.Matched || !r.Complete {
		b.Errorf("verdict %s, expected %s, complete %v", r.Verdict, r.Expected, r.Complete)
	}
	return r
}
