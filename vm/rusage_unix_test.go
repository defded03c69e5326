//go:build unix

package vm_test

import (
	"runtime"
	"syscall"
)

// peakRSSMB is the process's peak resident size in MiB, false where
// getrusage fails. Linux and the BSDs count it in KiB, macOS in bytes.
func peakRSSMB() (float64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return float64(ru.Maxrss) / (1 << 20), true
	}
	return float64(ru.Maxrss) / (1 << 10), true
}
