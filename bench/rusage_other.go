//go:build !unix

package main

import "os"

// childMaxRSS is 0 where the system gives no peak size of a child: the
// SPIN table then shows n/a for the peak memory.
func childMaxRSS(*os.ProcessState) int64 { return 0 }
