package vm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// seqcountWriter is write_seqcount_begin(), two stores and
// write_seqcount_end().
const seqcountWriter = `cpu 0 {
  WRITE_ONCE(seq, 1)
  smp_wmb()
  WRITE_ONCE(a, 1)
  WRITE_ONCE(b, 1)
  smp_wmb()
  WRITE_ONCE(seq, 2)
}
`

// seqcountReader is write_seqcount_begin()/end() against a reader's
// read_seqcount_begin()/read_seqcount_retry() loop
// (include/linux/seqlock.h), written as a kernel developer writes it: a
// while loop whose test reads the local its body assigns. RMB is the
// reader's smp_rmb() (read_seqcount_retry()'s), or nothing.
const seqcountReader = `shared seq, a, b
` + seqcountWriter + `cpu 1 {
  s = 1
  while s & 1 {
    s = smp_load_acquire(seq)
    ra = READ_ONCE(a)
    rb = READ_ONCE(b)
    RMB
    if READ_ONCE(seq) != s {
      s = 1
    }
  }
}
final ~exists (1:ra != 1:rb)
`

// seqcountProcs is seqcountReader with the reader's helpers as procs, as
// include/linux/seqlock.h has them; RMB is read_seqcount_retry()'s
// smp_rmb(), or nothing. A spin loop may call a proc that only reads.
const seqcountProcs = `shared seq, a, b
proc read_seqcount_begin() {
  start = READ_ONCE(seq)
  while start & 1 {
    start = READ_ONCE(seq)
  }
  smp_rmb()
  return start
}
proc read_seqcount_retry(start) {
  RMB
  return READ_ONCE(seq) != start
}
` + seqcountWriter + `cpu 1 {
  retry = 1
  while retry {
    start = read_seqcount_begin()
    ra = READ_ONCE(a)
    rb = READ_ONCE(b)
    retry = read_seqcount_retry(start)
  }
}
final ~exists (1:ra != 1:rb)
`

// casIncrements is two CPUs adding 1 by the kernel's cmpxchg() retry
// loop; casMP waits for a flag with cmpxchgORD() and reads the payload.
const casIncrements = `shared v
cpu 0 {
  while 1 {
    old = READ_ONCE(v)
    if cmpxchg(v, old, old + 1) == old {
      break
    }
  }
}
cpu 1 {
  while 1 {
    old = READ_ONCE(v)
    if cmpxchg(v, old, old + 1) == old {
      break
    }
  }
}
final forall (v == 2)
`

const casMP = `shared x, f
cpu 0 {
  WRITE_ONCE(x, 1)
  smp_store_release(f, 1)
}
cpu 1 {
  while cmpxchgORD(f, 1, 2) != 1 {
  }
  r = READ_ONCE(x)
}
final ~exists (1:r == 0)
`

// carriedLocal's loop assigns t only when it reads x == 1, so a pass that
// reads x == 0 keeps the t of an earlier pass: the final state
// rx=0, t=1, rz=1 needs two passes.
const carriedLocal = `shared x, y, z
cpu 0 {
  WRITE_ONCE(x, 1)
  WRITE_ONCE(y, 1)
  smp_mb()
  WRITE_ONCE(z, 1)
  WRITE_ONCE(x, 0)
  smp_mb()
  WRITE_ONCE(z, 2)
}
cpu 1 {
  t = 0
  while 1 {
    rx = READ_ONCE(x)
    if rx == 1 {
      t = READ_ONCE(y)
    }
    rz = READ_ONCE(z)
    if t == 1 && rz == 1 || rz == 2 {
      break
    }
  }
}
final exists (1:rx == 0 && 1:t == 1 && 1:rz == 1)
`

// carriedRepeats assigns t on one path only too; its passes leave few
// contexts, so its runs repeat one before herd's bound.
const carriedRepeats = `shared x, y
cpu 0 {
  WRITE_ONCE(y, 1)
  WRITE_ONCE(x, 1)
}
cpu 1 {
  t = 0
  while 1 {
    a = READ_ONCE(x)
    if a == 1 {
      t = READ_ONCE(y)
    }
    if t == 1 {
      break
    }
  }
}
final forall (1:t == 1)
`

// llscIncrements has two CPUs increment x with LDXR/STXR retry loops.
const llscIncrements = `arch arm64
shared x
cpu 0 {
  while 1 {
    v = ldxr(&x)
    if stxr(&x, v + 1) == 0 {
      break
    }
  }
}
cpu 1 {
  while 1 {
    v = ldxr(&x)
    if stxr(&x, v + 1) == 0 {
      break
    }
  }
}
final ~exists (x != 2)
`

// TestWeakSpinLoops: the loops the weak engines take as spin loops (an
// assume of their exit: a failed pass changes nothing the next one keeps)
// and the ones they must unroll instead.
//   - A while loop whose test reads what its body assigns is a spin loop:
//     the compiler rotates it (the test after the body). It used to be
//     unrolled twice (armv8: `incomplete`) or to fill memory (lkmm), so a
//     seqcount reader had no answer under the weak models.
//   - A spin loop may call procs that only read (and call none): the
//     seqcount reader with read_seqcount_begin() and
//     read_seqcount_retry() as procs; a reader that waits for ever in one
//     is a deadlock.
//   - So is a loop whose only writes are a cmpxchg()'s (a failed one
//     writes nothing): the kernel's `do { old = READ_ONCE(v); } while
//     (cmpxchg(v, old, old + 1) != old)`, unrolled twice before.
//   - A loop that assigns a local only on some paths is not: the weak
//     engines took the first assignment in code order for "assigned before
//     use" and missed the final state that needs a carried value (the
//     condition below was Never under armv8 and lkmm, Sometimes under sc).
//     A run of such a loop ends where a pass leaves the context an
//     earlier pass left and wrote nothing since (a failed spin pass found
//     at run time): carriedRepeats, which reads a word or two a pass, is
//     complete under every model, where unrolling cut it short (or, the
//     exit test reading no read's value, it ran to the memory bound).
//     The context leaves out the locals dead at the loop's head (every
//     path assigns them before reading them: deadLocals), so
//     carriedLocal, whose passes differed in rx and rz, is complete too,
//     with the state found; it was unrolled twice (`incomplete`). Under
//     lkmm's enumeration it still is: reads may guess the program's
//     constants there, and t, live, takes more values.
//   - `if c { break }` is an exit that depends on what c read: such a loop
//     went on without a bound (the break's jump was not seen as leaving
//     the loop) until the memory bound.
//   - An LDXR/STXR retry loop is not a wait: a pass whose store-exclusive
//     chose to fail (as herd lets it, under the weak models) and wrote
//     nothing is covered by the run where it succeeds, and is dropped.
//     Such a pass was taken for a failed spin pass, the run waited on
//     the word it read, and the check said `fail deadlock` (herd's A184).
func TestWeakSpinLoops(t *testing.T) {
	weakOnly := func(models ...string) []vm.Config {
		var out []vm.Config
		for _, c := range append(modelSearches(), vm.Config{Model: "armv8", Search: "dfs"}, vm.Config{Model: "lkmm", Search: "dfs"}) {
			for _, m := range models {
				if c.Model == m {
					out = append(out, c)
				}
			}
		}
		return out
	}
	for _, tc := range []struct {
		name, src, verdict string
		cfgs               []vm.Config
		bound              string // a bound the result names ("" none: complete)
		found              bool   // some execution satisfies the condition's predicate
	}{
		{"rotated wait", "shared seq, a\ncpu 0 {\n  WRITE_ONCE(a, 1)\n  smp_wmb()\n  WRITE_ONCE(seq, 2)\n}\ncpu 1 {\n  s = 0\n  while s != 2 {\n    s = smp_load_acquire(seq)\n  }\n  r = READ_ONCE(a)\n}\nfinal ~exists (1:r != 1)\n",
			"ok", append(scSearches(), modelSearches()...), "", false},
		{"seqcount reader", strings.Replace(seqcountReader, "RMB", "smp_rmb()", 1), "ok", append(scSearches(), weakOnly("tso", "armv8", "lkmm")...), "", false},
		{"seqcount reader without rmb, tso", strings.Replace(seqcountReader, "RMB", "", 1), "ok", weakOnly("tso"), "", false},
		{"seqcount reader without rmb", strings.Replace(seqcountReader, "RMB", "", 1), "fail condition", weakOnly("armv8", "lkmm"), "", true},
		{"seqcount procs", strings.Replace(seqcountProcs, "RMB", "smp_rmb()", 1), "ok", append(scSearches(), weakOnly("tso", "armv8", "lkmm")...), "", false},
		{"seqcount procs without rmb", strings.Replace(seqcountProcs, "RMB", "", 1), "fail condition", weakOnly("armv8", "lkmm"), "", true},
		{"a writer left odd", strings.Replace(strings.Replace(seqcountProcs, "RMB", "smp_rmb()", 1), "  smp_wmb()\n  WRITE_ONCE(seq, 2)\n", "", 1), "fail deadlock", append(scSearches(), modelSearches()...), "", false},
		{"cmpxchg increments", casIncrements, "ok", append(scSearches(), weakOnly("tso", "armv8", "lkmm")...), "", true},
		{"cmpxchg_acquire wait", strings.Replace(casMP, "ORD", "_acquire", 1), "ok", append(scSearches(), weakOnly("tso", "armv8", "lkmm")...), "", false},
		{"cmpxchg_relaxed wait", strings.Replace(casMP, "ORD", "_relaxed", 1), "fail condition", weakOnly("armv8", "lkmm"), "", true},
		{"carried local", carriedLocal, "ok", scSearches(), "", true},
		{"carried local, armv8", carriedLocal, "ok", weakOnly("armv8"), "", true},
		// under lkmm's enumeration a read may also guess a constant of the
		// program, and the live t takes more values than two passes show
		{"carried local, lkmm", carriedLocal, "incomplete", []vm.Config{{Model: "lkmm"}, {Model: "lkmm", Search: "graph"}, {Model: "lkmm", Search: "dfs"}}, "loops:", true},
		{"carried local, lkmm incremental", carriedLocal, "ok", []vm.Config{{Model: "lkmm", Search: "incremental"}}, "", true},
		{"carried local, repeating", carriedRepeats, "ok", append(scSearches(), modelSearches()...), "", true},
		{"LL/SC increments", llscIncrements, "ok", append(scSearches(), modelSearches()...), "", false},
		{"break on a read", "shared x, y\ncpu 0 {\n  WRITE_ONCE(x, 1)\n}\ncpu 1 {\n  n = 0\n  while 1 {\n    WRITE_ONCE(y, n)\n    n = n + 1\n    if READ_ONCE(x) == 1 {\n      break\n    }\n  }\n}\n",
			"incomplete", weakOnly("armv8", "lkmm"), "loops:", false},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		for _, cfg := range tc.cfgs {
			r := check(t, p, cfg)
			name := tc.name + ", " + cfgName(cfg)
			if r.Verdict != tc.verdict {
				t.Errorf("%s: verdict %q, want %q (bounds %q)", name, r.Verdict, tc.verdict, r.Bounds)
			}
			if got := strings.Join(r.Bounds, "; "); tc.bound == "" && got != "" || tc.bound != "" && !strings.HasPrefix(got, tc.bound) {
				t.Errorf("%s: bounds %q, want %q", name, got, tc.bound)
			}
			if found := r.Observation != vm.Never; r.Condition != "" && found != tc.found {
				t.Errorf("%s: observation %v, want the state found: %v", name, r.Observation, tc.found)
			}
		}
	}
}

// cfgName is a configuration as a test names it: model/search -j N.
func cfgName(c vm.Config) string {
	return fmt.Sprintf("%s/%s -j %d", c.Model, c.Search, max(c.Workers, 1))
}
