package memmodel

import "testing"

// x86 PAE's ptep_get_and_clear() is one LOCK CMPXCHG8B of both halves of
// the entry (pxx_xchg64()): it never returns a low half older than a
// store another CPU made before its store to the high half. Made of an
// exchange of each half, it would.
func TestInstanceIsOnePoint(t *testing.T) {
	all := func(allowed bool) map[string]bool {
		return map[string]bool{"sc": allowed, "tso": allowed, "armv8": allowed, "lkmm": allowed}
	}
	writer := []string{"W.once lo 2", "F.wmb", "W.once hi 1"} // the low half, smp_wmb(), the high half
	xchg8b := func(lo, hi string, si bool) []string {
		mod := ""
		if si {
			mod = " si:0"
		}
		return []string{"R.mb lo " + lo, "W.mb lo 5 rmw" + mod, "R.mb hi " + hi + mod, "W.mb hi 6 rmw" + mod}
	}
	checkShapes(t, []shape{
		{name: "torn: old low, new high", threads: [][]string{xchg8b("0", "1", true), writer},
			co: map[string][]uint64{"lo": {5, 2}, "hi": {1, 6}}, want: all(false)},
		{name: "torn, as two exchanges", threads: [][]string{xchg8b("0", "1", false), writer},
			co: map[string][]uint64{"lo": {5, 2}, "hi": {1, 6}}, want: all(true)},
		{name: "both new", threads: [][]string{xchg8b("2", "1", true), writer},
			co: map[string][]uint64{"lo": {2, 5}, "hi": {1, 6}}, want: all(true)},
		{name: "both old", threads: [][]string{xchg8b("0", "0", true), writer},
			co: map[string][]uint64{"lo": {5, 2}, "hi": {6, 1}}, want: all(true)},
	})
}

// A CPU that reads the entry by halves, ordered, never sees one half of
// a CMPXCHG8B's write and not the other: its two writes are one.
func TestInstanceWritesAreOne(t *testing.T) {
	all := func(allowed bool) map[string]bool {
		return map[string]bool{"sc": allowed, "tso": allowed, "armv8": allowed, "lkmm": allowed}
	}
	xchg8b := []string{"R.mb lo 0", "W.mb lo 5 rmw", "R.mb hi 0 si:0", "W.mb hi 6 rmw si:0", "F.mb"}
	xchg8b[1] += " si:0"
	reader := func(first, lo, hi string) []string {
		if first == "lo" {
			return []string{"R.once lo " + lo, "F.rmb", "R.once hi " + hi}
		}
		return []string{"R.once hi " + hi, "F.rmb", "R.once lo " + lo}
	}
	checkShapes(t, []shape{
		{name: "low new, high old", threads: [][]string{xchg8b, reader("lo", "5", "0")}, want: all(false)},
		{name: "high new, low old", threads: [][]string{xchg8b, reader("hi", "0", "6")}, want: all(false)},
		{name: "both new", threads: [][]string{xchg8b, reader("lo", "5", "6")}, want: all(true)},
		{name: "both old", threads: [][]string{xchg8b, reader("hi", "0", "0")}, want: all(true)},
	})
}

// arm64's CASPA reads both words of its pair as one instruction: its
// acquire reads order what comes after them, not each other (herd's po
// runs between instructions), so it may read the first word new and the
// second old where the writer wrote the second first (A-casp-21 of the
// aarch64-casp list: allowed). As two acquires in program order it may
// not.
func TestSiblingsUnordered(t *testing.T) {
	writer := []string{"W.once b 6", "F.DMBST", "W.once a 5"}
	checkShapes(t, []shape{
		{name: "CASPA", threads: [][]string{writer, {"R.A a 5", "R.A b 0 sib:0"}},
			want: map[string]bool{"sc": false, "armv8": true}},
		{name: "two acquires", threads: [][]string{writer, {"R.A a 5", "R.A b 0"}},
			want: map[string]bool{"sc": false, "armv8": false}},
		// its release writes likewise: read in the other order
		{name: "CASPL", threads: [][]string{{"W.L a 5", "W.L b 6 sib:0"}, {"R.once b 6", "F.DMBLD", "R.once a 0"}},
			want: map[string]bool{"sc": false, "armv8": true}},
		{name: "two releases", threads: [][]string{{"W.L a 5", "W.L b 6"}, {"R.once b 6", "F.DMBLD", "R.once a 0"}},
			want: map[string]bool{"sc": false, "armv8": false}},
	})
}
