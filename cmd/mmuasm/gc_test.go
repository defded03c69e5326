package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gogc reads the collector's GOGC setting without changing it.
func gogc() uint64 {
	n, _ := gcMetric("/gc/gogc:percent")
	return n
}

// TestStartingHeap checks that the collector is off below the goal and
// that GOGC's default comes back once a collection finds the live heap
// past half of it (here any heap: the goal is 2 bytes).
func TestStartingHeap(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("the environment sets the collector")
	}
	t.Cleanup(func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	})
	startingHeap(2)
	if p := gogc(); p != math.MaxUint64 { // off reads as -1
		t.Fatalf("GOGC after startingHeap: %d, want off", p)
	}
	for i := 0; i < 100 && gogc() != 100; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
	}
	if p := gogc(); p != 100 {
		t.Fatalf("GOGC after collections past the goal: %d, want 100", p)
	}
}
