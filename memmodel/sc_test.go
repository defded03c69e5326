package memmodel

import "testing"

// The classic shapes without fences or dependencies, under every hardware
// model (herd7 7.58: x86tso.cat, aarch64.cat; SC forbids every relaxed
// outcome).
func TestClassicShapes(t *testing.T) {
	checkShapes(t, []shape{
		{name: "SB", threads: [][]string{{"W x 1", "R y 0"}, {"W y 1", "R x 0"}},
			want: under(false, true, true)},
		{name: "MP", threads: [][]string{{"W x 1", "W y 1"}, {"R y 1", "R x 0"}},
			want: under(false, false, true)},
		{name: "LB", threads: [][]string{{"R x 1", "W y 1"}, {"R y 1", "W x 1"}},
			want: under(false, false, true)},
		{name: "IRIW", threads: [][]string{{"W x 1"}, {"R x 1", "R y 0"}, {"W y 1"}, {"R y 1", "R x 0"}},
			want: under(false, false, true)},
		{name: "2+2W", threads: [][]string{{"W x 1", "W y 2"}, {"W y 1", "W x 2"}},
			co: map[string][]uint64{"x": {2, 1}, "y": {2, 1}}, want: under(false, false, true)},
		{name: "WRC", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1"}, {"R y 1", "R x 0"}},
			want: under(false, false, true)},
		{name: "ISA2", threads: [][]string{{"W x 1", "W y 1"}, {"R y 1", "W z 1"}, {"R z 1", "R x 0"}},
			want: under(false, false, true)},
		{name: "R", threads: [][]string{{"W x 1", "W y 1"}, {"W y 2", "R x 0"}},
			want: under(false, true, true)},
		{name: "S", threads: [][]string{{"W x 2", "W y 1"}, {"R y 1", "W x 1"}},
			want: under(false, false, true)},
		// the sequentially consistent outcomes are allowed everywhere
		{name: "SB-sc", threads: [][]string{{"W x 1", "R y 1"}, {"W y 1", "R x 1"}},
			want: under(true, true, true)},
		{name: "MP-sc", threads: [][]string{{"W x 1", "W y 1"}, {"R y 1", "R x 1"}},
			want: under(true, true, true)},
		{name: "2+2W-sc", threads: [][]string{{"W x 1", "W y 2"}, {"W y 1", "W x 2"}},
			co: map[string][]uint64{"x": {1, 2}, "y": {1, 2}}, want: under(true, true, true)},
	})
}

// Single-location coherence and RMW atomicity hold in every model.
func TestCoherenceAndAtomicity(t *testing.T) {
	checkShapes(t, []shape{
		{name: "CoRR", threads: [][]string{{"W x 1"}, {"R x 1", "R x 0"}}, want: under(false, false, false)},
		{name: "CoWW", threads: [][]string{{"W x 1", "W x 2"}}, co: map[string][]uint64{"x": {2, 1}},
			want: under(false, false, false)},
		{name: "CoRW1", threads: [][]string{{"R x 1", "W x 1"}}, want: under(false, false, false)},
		{name: "CoRW2", threads: [][]string{{"R x 2", "W x 1"}, {"W x 2"}}, co: map[string][]uint64{"x": {1, 2}},
			want: under(false, false, false)},
		{name: "CoWR", threads: [][]string{{"W x 1", "R x 0"}}, want: under(false, false, false)},
		{name: "CoWR-ext", threads: [][]string{{"W x 1", "R x 2"}, {"W x 2"}}, co: map[string][]uint64{"x": {2, 1}},
			want: under(false, false, false)},
		{name: "CoRR-ok", threads: [][]string{{"W x 1"}, {"R x 0", "R x 1"}}, want: under(true, true, true)},
		// an external write between an RMW's read and write
		{name: "atomic", threads: [][]string{{"R x 0", "W x 1 rmw"}, {"W x 2"}},
			co: map[string][]uint64{"x": {2, 1}}, want: under(false, false, false)},
		{name: "atomic-excl", threads: [][]string{{"R.X x 0", "W.X x 1 rmw"}, {"W x 2"}},
			co: map[string][]uint64{"x": {2, 1}}, want: armOnly(false)},
		{name: "atomic-locked", threads: [][]string{{"R.LK x 0", "W.LK x 1 rmw"}, {"W x 2"}},
			co: map[string][]uint64{"x": {2, 1}}, want: tsoOnly(false)},
		// aarch64.cat: the thread's own write between LDXR and STXR is no failure
		{name: "atomic-own", threads: [][]string{{"R.X x 0", "W x 3", "W.X x 1 rmw:0"}},
			co: map[string][]uint64{"x": {3, 1}}, want: under(true, true, true)},
		{name: "atomic-ok", threads: [][]string{{"R x 0", "W x 1 rmw"}, {"W x 2"}},
			co: map[string][]uint64{"x": {1, 2}}, want: under(true, true, true)},
	})
}

func TestNames(t *testing.T) {
	for _, n := range []string{"sc", "tso", "armv8"} {
		m, ok := Lookup(n)
		if !ok || m.Name() != n {
			t.Errorf("model %q not registered under its name", n)
		}
	}
}
