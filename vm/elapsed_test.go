package vm_test

import (
	"context"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestElapsedCountsTheWholeCheck: the time a report prints is the check's,
// not its search's alone. Here nearly all of the work is outside the
// search: the machine's making runs CPU 0's local loop to the
// local-instruction bound, and the counterexample's trace runs it again.
// Result.Elapsed once left both out (a 6 s check printed "time 172µs").
// The assertion is a relation between two clocks, not a speed.
func TestElapsedCountsTheWholeCheck(t *testing.T) {
	prog, err := compiler.Compile("loop.mmu", []byte("cpu 0 { while 1 { r = r + 1 } }\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := vm.Config{Limits: vm.Limits{LocalInstrs: 20_000_000}}
	start := time.Now()
	r, err := vm.Check(context.Background(), prog, cfg)
	wall := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "fail limit" {
		t.Fatalf("verdict %s, want fail limit (the local-instruction bound)", r.Verdict)
	}
	if r.Elapsed < wall/2 {
		t.Errorf("Result.Elapsed %v of a check that took %v", r.Elapsed, wall)
	}
}
