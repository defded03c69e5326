//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// childMaxRSS is the peak resident size in bytes getrusage gives for a
// finished child (see gnuTimePath for why it is only the fallback on
// Linux), 0 if the state has none. Linux and the BSDs count it in KiB,
// macOS in bytes.
func childMaxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return ru.Maxrss
	}
	return ru.Maxrss * 1024
}
