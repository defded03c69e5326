package main

import (
	"strings"
	"testing"
)

// TestRunTimeBudget: `mmuasm run` holds --timeout inside an endless
// execution, whether --seed chooses it or --schedule replays it.
func TestRunTimeBudget(t *testing.T) {
	const endless = "testdata/hostile/endless.mmu"
	const want = "time: the check ran out of its wall-time budget (50.0ms, --timeout or Limits.Time)"
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--seed", "1"}, exitFail},
		{[]string{"--seed", "7", "--json"}, exitFail},
		{[]string{"--schedule", "0"}, exitOK}, // a replay reports what it reproduced
	} {
		args := append([]string{"run", "--no-color", "--timeout", "50ms", endless}, tc.args...)
		code, out, errOut := mmuasm(t, args...)
		if code != tc.code || !strings.Contains(out, want) {
			t.Errorf("mmuasm %s: exit %d (want %d), no time limit named:\n%s%s", strings.Join(args, " "), code, tc.code, out, errOut)
		}
	}
}
