//go:build !unix

package vm_test

// peakRSSMB is false where the system gives no peak resident size
// (Windows): the benchmark then reports none.
func peakRSSMB() (float64, bool) { return 0, false }
