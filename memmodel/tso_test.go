package memmodel

import "testing"

// x86 shapes with herd7 7.58's answers under x86tso.cat (the tests of the
// same names under herd-weak/tests/x86tso).
func TestTSOShapes(t *testing.T) {
	co21 := map[string][]uint64{"x": {2, 1}, "y": {2, 1}}
	checkShapes(t, []shape{
		{name: "SB+mfences", threads: [][]string{{"W x 1", "F.MF", "R y 0"}, {"W y 1", "F.MF", "R x 0"}},
			want: tsoOnly(false)},
		{name: "SB+mfence+po", threads: [][]string{{"W x 1", "F.MF", "R y 0"}, {"W y 1", "R x 0"}},
			want: tsoOnly(true)},
		{name: "SB+rfi-pos", threads: [][]string{{"W x 1", "R x 1", "R y 0"}, {"W y 1", "R y 1", "R x 0"}},
			want: tsoOnly(true)},
		// XCHG (implicitly locked) orders the write before the read
		{name: "SB+xchgs", threads: [][]string{{"R.LK x 0", "W.LK x 1 rmw", "R y 0"}, {"R.LK y 0", "W.LK y 1 rmw", "R x 0"}},
			want: tsoOnly(false)},
		{name: "SB+xchg+po", threads: [][]string{{"R.LK x 0", "W.LK x 1 rmw", "R y 0"}, {"W y 1", "R x 0"}},
			want: tsoOnly(true)},
		// a locked read of another location after a plain write
		{name: "SB+po-lockeds", threads: [][]string{{"W x 1", "R.LK z 0", "W.LK z 1 rmw", "R y 0"}, {"W y 1", "R.LK w 0", "W.LK w 1 rmw", "R x 0"}},
			want: tsoOnly(false)},
		{name: "R+mfences", threads: [][]string{{"W x 1", "F.MF", "W y 1"}, {"W y 2", "F.MF", "R x 0"}},
			want: tsoOnly(false)},
		{name: "R+po+mfence", threads: [][]string{{"W x 1", "W y 1"}, {"W y 2", "F.MF", "R x 0"}},
			want: tsoOnly(false)},
		{name: "R+mfence+po", threads: [][]string{{"W x 1", "F.MF", "W y 1"}, {"W y 2", "R x 0"}},
			want: tsoOnly(true)},
		{name: "2+2W+mfences", threads: [][]string{{"W x 1", "F.MF", "W y 2"}, {"W y 1", "F.MF", "W x 2"}},
			co: co21, want: tsoOnly(false)},
		{name: "MP+rfi-po+po", threads: [][]string{{"W x 1", "R x 1", "W y 1"}, {"R y 1", "R x 0"}},
			want: tsoOnly(false)},
		{name: "IRIW+mfences", threads: [][]string{{"W x 1"}, {"R x 1", "F.MF", "R y 0"}, {"W y 1"}, {"R y 1", "F.MF", "R x 0"}},
			want: tsoOnly(false)},
		{name: "RWC", threads: [][]string{{"W x 1"}, {"R x 1", "R y 0"}, {"W y 1", "R x 0"}},
			want: tsoOnly(true)},
		{name: "RWC+po+mfence", threads: [][]string{{"W x 1"}, {"R x 1", "R y 0"}, {"W y 1", "F.MF", "R x 0"}},
			want: tsoOnly(false)},
	})
}

// Kernel primitives under tso: smp_mb() and every RMW order a write
// before a read; smp_rmb(), smp_wmb(), acquire/release and RCU read-side
// markers do not.
func TestTSOKernel(t *testing.T) {
	checkShapes(t, []shape{
		{name: "SB+mbs", threads: [][]string{{"W.once x 1", "F.mb", "R.once y 0"}, {"W.once y 1", "F.mb", "R.once x 0"}},
			want: tsoOnly(false)},
		{name: "SB+wmb+rmb", threads: [][]string{{"W.once x 1", "F.wmb", "R.once y 0"}, {"W.once y 1", "F.rmb", "R.once x 0"}},
			want: tsoOnly(true)},
		{name: "SB+rel-acqs", threads: [][]string{{"W.rel x 1", "R.acq y 0"}, {"W.rel y 1", "R.acq x 0"}},
			want: tsoOnly(true)},
		{name: "SB+xchg-relaxeds", threads: [][]string{{"R.once x 0", "W.once x 1 rmw", "R.once y 0"}, {"R.once y 0", "W.once y 1 rmw", "R.once x 0"}},
			want: tsoOnly(false)},
		{name: "SB+failed-cmpxchgs", threads: [][]string{{"W.once x 1", "R.mb z 5", "R.once y 0"}, {"W.once y 1", "R.mb z 5", "R.once x 0"}, {"W z 5"}},
			want: tsoOnly(false)},
		{name: "SB+synchronize_rcus", threads: [][]string{{"W.once x 1", "F.syncrcu", "R.once y 0"}, {"W.once y 1", "F.syncrcu", "R.once x 0"}},
			want: tsoOnly(false)},
		{name: "SB+rcu-lock", threads: [][]string{{"F.rcul", "W.once x 1", "R.once y 0", "F.rcuu"}, {"W.once y 1", "F.mb", "R.once x 0"}},
			want: tsoOnly(true)},
		{name: "SB+srcu-lock-unlock", threads: [][]string{{"W.once x 1", "R.srcul s 0", "R.once y 0"}, {"W.once y 1", "W.srcuu s 1", "R.once x 0"}},
			want: tsoOnly(false)},
	})
}
