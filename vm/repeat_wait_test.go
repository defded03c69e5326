package vm_test

import (
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// pollUnderLock is a retry loop that takes a lock in every pass to read
// what another CPU publishes under it. WRITER is that CPU's code.
const pollUnderLock = `spinlock l
shared x, d
cpu 0 {
  while 1 {
    spin_lock(l)
    v = READ_ONCE(x)
    spin_unlock(l)
    if v {
      break
    }
  }
  assert d == 1
}
cpu 1 {
WRITER}
`

// tsoSearches are the store-buffer searches under tso. (dfs tries every
// place of every flush and every failed lock attempt in every pass, which
// for a loop that takes a lock is more runs than a test can wait for.)
func tsoSearches() []vm.Config {
	return []vm.Config{{Model: "tso"}, {Model: "tso", Search: "dpor"}, {Model: "tso", Search: "state"}, {Model: "tso", Search: "state", Workers: 2}}
}

// TestRepeatWait: a loop pass that leaves the whole machine as the pass
// before it left it, with no other CPU doing anything but wait in
// between, waits for another CPU to write what it read or wrote, as a
// pass that changes nothing does (vm/spin.go, repeats). Before, such a
// loop (a lock taken and released, IRQs turned off and on) ran to the
// step bound or was called endless: `limit` where a fair scheduler lets
// the writer in. Loops that are endless stay `limit`. Under sc and under
// tso's store buffers, every search but tso's dfs.
func TestRepeatWait(t *testing.T) {
	for _, tc := range []struct {
		name, src, verdict string
		finals             int // final states, where there is a condition
		scOnly             bool
	}{
		{"poll under a lock", strings.Replace(pollUnderLock, "WRITER", "  d = 1\n  spin_lock(l)\n  WRITE_ONCE(x, 1)\n  spin_unlock(l)\n", 1), "ok", 0, false},
		{"poll under a lock, published late", strings.Replace(pollUnderLock, "WRITER", "  spin_lock(l)\n  WRITE_ONCE(x, 1)\n  spin_unlock(l)\n  d = 1\n", 1), "fail assert", 0, false},
		{"poll under a lock, never published", strings.Replace(pollUnderLock, "WRITER", "  spin_lock(l)\n  spin_unlock(l)\n", 1), "fail deadlock", 0, false},
		{"poll with IRQs off", "shared x\ncpu 0 {\n  while 1 {\n    local_irq_disable()\n    v = READ_ONCE(x)\n    local_irq_enable()\n    if v {\n      break\n    }\n  }\n}\ncpu 1 {\n  WRITE_ONCE(x, 1)\n}\n", "ok", 0, false},
		// every pattern of the lock seen held and free in five looks: the
		// held ones need a pass each, so the wait must not cost a pass
		// that another CPU can see
		{"the lock seen held, again and again", "spinlock l\nshared x\ncpu 0 {\n  while 1 {\n    spin_lock(l)\n    v = READ_ONCE(x)\n    spin_unlock(l)\n    if v {\n      break\n    }\n  }\n}\ncpu 1 {\n  a = spin_is_locked(l)\n  b = spin_is_locked(l)\n  c = spin_is_locked(l)\n  d = spin_is_locked(l)\n  e = spin_is_locked(l)\n  WRITE_ONCE(x, 1)\n}\nfinal exists (1:a == 1 && 1:b == 0 && 1:c == 1 && 1:d == 0 && 1:e == 1)\n", "ok", 32, false},
		// a cycle of two passes, with a way out another CPU opens (under
		// tso every pass leaves its stores in the buffer: the step bound)
		{"alternating until told", "shared y, z\ncpu 0 {\n  while 1 {\n    if y == 0 {\n      y = 1\n    } else {\n      y = 0\n    }\n    if z == 2 {\n      break\n    }\n  }\n}\ncpu 1 {\n  z = 1\n  z = 2\n}\n", "ok", 0, true},
		{"alternating, a way out no CPU opens", "shared y\ncpu 0 {\n  i = 0\n  while i < 5 {\n    i = (i + 1) % 2\n    y = i\n  }\n}\n", "fail limit", 0, true},
		{"writes and undoes, reads nothing", "shared y\ncpu 0 {\n  while 1 {\n    y = 1\n    y = 0\n  }\n}\n", "fail limit", 0, false},
		{"a flag handed back and forth", "shared f\ncpu 0 {\n  while 1 {\n    if f == 0 {\n      f = 1\n    }\n  }\n}\ncpu 1 {\n  while 1 {\n    if f == 1 {\n      f = 0\n    }\n  }\n}\n", "fail limit", 0, false},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		cfgs := scSearches()
		if !tc.scOnly {
			cfgs = append(cfgs, tsoSearches()...)
		}
		for _, cfg := range cfgs {
			r := check(t, p, cfg)
			name := tc.name + ", " + cfgName(cfg)
			if r.Verdict != tc.verdict {
				t.Errorf("%s: verdict %q, want %q (bounds %q)", name, r.Verdict, tc.verdict, r.Bounds)
			}
			if tc.verdict != "fail limit" && len(r.Bounds) > 0 {
				t.Errorf("%s: bounds %q, want none", name, r.Bounds)
			}
			if tc.finals > 0 && len(r.FinalStates) != tc.finals {
				t.Errorf("%s: %d final states, want %d", name, len(r.FinalStates), tc.finals)
			}
		}
	}
}
