package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// startingHeap lets the heap grow to goal bytes before the collector runs,
// as the Go compiler does for its own short runs (cmd/compile's
// base.AdjustStartingHeap): with GOGC's default the first collections
// come at 4, 8, 16 MiB..., six of them in ptdump-vmalloc-n512-fixed,
// whose live heap ends at 28 MiB. With -j 2 both cores run workers, so
// the collector's marking and its stops took their time from the search
// (-j 1 leaves it the idle core). The collector runs by the memory
// limit alone (GOGC off) until the live heap passes half the goal; then
// GOGC's default comes back, so a large check's peak is as without this.
// GOGC or GOMEMLIMIT in the environment leaves the collector as set.
func startingHeap(goal int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(goal)
	watchHeap(goal)
}

// startGoal is the heap startingHeap lets a check grow to.
const startGoal = 64 << 20

// heapSentinel is an object whose finalizer runs after each collection
// that finds it unreachable, once per cycle as it is made again.
type heapSentinel struct{ _ *int }

// watchHeap restores GOGC's default after the first collection that finds
// the live heap past half the goal.
func watchHeap(goal int64) {
	runtime.SetFinalizer(&heapSentinel{}, func(*heapSentinel) {
		if liveHeap() > uint64(goal/2) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		watchHeap(goal)
	})
}

// liveHeap is the heap the last collection marked live.
func liveHeap() uint64 {
	if n, ok := gcMetric("/gc/heap/live:bytes"); ok {
		return n
	}
	return math.MaxUint64 // unknown: give the default back
}

// gcMetric reads one of the runtime's integer metrics; false if this Go
// does not have it.
func gcMetric(name string) (uint64, bool) {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return s[0].Value.Uint64(), true
}
