package vm_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestVerdictsAgree: small scripts on which the searches, or the models,
// used to give different verdicts, each with the verdict every one of
// them must give now.
//   - A loop that writes the value a word already holds changes nothing:
//     it waits like a loop that only reads. dpor and dfs used to run it
//     to the step bound (limit) and the stateful search, finding the same
//     state again, to call the execution finished (ok).
//   - A loop that reads nothing repeats for ever, whatever it writes:
//     `limit` under every model and search. `while 1 { y = 1 }` was a
//     deadlock under sc (the pass's read of whether its CPU runs was taken
//     for a read another CPU could change), the step bound under tso, and
//     under armv8 and lkmm the memory bound of a graph of 100,000 writes.
//   - An execution that goes round a cycle of states (a loop that writes
//     and undoes it, two CPUs handing a flag back and forth) is endless:
//     `limit`, which dpor and dfs reached only at the step bound, while
//     the stateful search, finding a state it had stored, called the
//     execution finished (ok).
//   - Under armv8 and lkmm: a lock held at the end is a `lock` violation,
//     as under sc (it was checked only when the script had a final
//     condition); a CPU taking a lock it holds deadlocks (under lkmm the
//     waiting read was a lock read, which lock.cat allows only paired
//     with its write, so there was no execution at all); a loop that
//     reads nothing loops forever (it was a deadlock).
//   - Under tso, an atomic { } block is a locked instruction: it waits for
//     its CPU's store buffer to drain and its stores go to memory (they
//     waited in the buffer, and two atomic increments could lose one).
func TestVerdictsAgree(t *testing.T) {
	sc, weak := scSearches(), modelSearches()
	every := append(slices.Clone(sc), weak...)
	for _, tc := range []struct {
		name, src, verdict string
		cfgs               []vm.Config
	}{
		{"silent write waits", "shared x, y\ncpu 0 {\n  while x == 0 {\n    y = 1\n  }\n}\ncpu 1 {\n  x = 1\n}\n", "ok", sc},
		{"silent write alone", "shared y\ncpu 0 {\n  while 1 {\n    y = 1\n  }\n}\n", "fail limit", every},
		{"toggle loop", "shared y\ncpu 0 {\n  while 1 {\n    y = 1\n    y = 0\n  }\n}\n", "fail limit", every},
		{"toggle loop beside a reader", "shared y\ncpu 0 {\n  while 1 {\n    y = 1\n    y = 0\n  }\n}\ncpu 1 {\n  r = y\n}\n", "fail limit", every},
		{"alternating loop beside a CPU", "shared y, z\ncpu 0 {\n  while 1 {\n    if y == 0 {\n      y = 1\n    } else {\n      y = 0\n    }\n  }\n}\ncpu 1 {\n  z = 1\n  z = 2\n}\n", "fail limit", sc},
		{"ping-pong", "shared x\ncpu 0 {\n  while 1 {\n    await x == 0\n    x = 1\n  }\n}\ncpu 1 {\n  while 1 {\n    await x == 1\n    x = 0\n  }\n}\n", "fail limit", sc},
		{"lock held at the end", "spinlock l\ncpu 0 {\n  spin_lock(l)\n}\n", "fail lock", weak},
		{"lock taken twice", "spinlock l\ncpu 0 {\n  spin_lock(l)\n  spin_lock(l)\n}\n", "fail deadlock", weak},
		{"loop reading nothing", "cpu 0 {\n  while 1 {\n  }\n}\n", "fail limit", weak},
		{"atomic increments", atomicIncrements, "fail condition", append(sc, vm.Config{Model: "tso"}, vm.Config{Model: "tso", Search: "dpor"},
			vm.Config{Model: "tso", Search: "dfs"}, vm.Config{Model: "tso", Search: "state"}, vm.Config{Model: "tso", Search: "state", Workers: 2})},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		for _, cfg := range tc.cfgs {
			r := check(t, p, cfg)
			if r.Verdict != tc.verdict {
				t.Errorf("%s, model %q search %q -j %d: %s; want %s", tc.name, cfg.Model, cfg.Search, cfg.Workers, r.Verdict, tc.verdict)
			}
		}
	}
}

// atomicIncrements: two CPUs increment x in atomic { } blocks; no
// execution loses an increment.
const atomicIncrements = `shared x
cpu 0 {
  atomic {
    r = x
    x = r + 1
  }
}
cpu 1 {
  atomic {
    r = x
    x = r + 1
  }
}
final exists (x == 1)
`

// TestAtomicRefusedByGraphs: the execution-graph engines have no atomic
// { } (its accesses would be events other CPUs could see half done), so
// they refuse it, where they used to let an increment be lost.
func TestAtomicRefusedByGraphs(t *testing.T) {
	p := compileWith(t, "f.mmu", atomicIncrements, nil)
	for _, cfg := range []vm.Config{{Model: "sc", Search: "graph"}, {Model: "tso", Search: "incremental"}, {Model: "armv8"}, {Model: "lkmm"}} {
		_, err := vm.Check(context.Background(), p, cfg)
		var un *vm.Unsupported
		if !errors.As(err, &un) || !strings.Contains(err.Error(), "f.mmu:3:3: atomic { } is not modelled") {
			t.Errorf("model %s search %q: %v; want atomic { } refused at f.mmu:3:3", cfg.Model, cfg.Search, err)
		}
	}
}

// TestNeverAssignedRegisterShown: a register of the final condition that
// its CPU never assigns is 0, and the final states show it as herd does
// (1:r=0), under every model; they said the condition named nothing.
func TestNeverAssignedRegisterShown(t *testing.T) {
	p := compileWith(t, "f.mmu", "shared x\ncpu 0 {\n  x = 1\n}\ncpu 1 {\n  s = x\n}\nfinal exists (1:r == 0)\n", nil)
	for _, m := range []string{"sc", "tso", "armv8", "lkmm"} {
		r := check(t, p, vm.Config{Model: m, All: true})
		if got := finalStates(r); got != "1:r=0" || r.Verdict != "ok" {
			t.Errorf("model %s: %s, final states %q; want ok, \"1:r=0\"", m, r.Verdict, got)
		}
	}
}

// TestAtomicWaitFromBytecode: a proc that waits, called inside atomic { },
// is a compile error now, but a .mmub can still carry one (the decoder
// checks structure, not this). The VM's own check stays the backstop: a
// spin_lock() that must wait inside the block is a run-time error, not a
// hang. The program is compiled with spin_unlock in the proc, then
// patched to spin_lock, as a hand-made .mmub could be.
func TestAtomicWaitFromBytecode(t *testing.T) {
	src := "spinlock l\nproc take() {\n  spin_unlock(l)\n}\ncpu 0 {\n  spin_lock(l)\n  atomic {\n    take()\n  }\n}\n"
	p := compileWith(t, "f.mmu", src, nil)
	lock, unlock := slices.Index(p.Builtins, "spin_lock"), slices.Index(p.Builtins, "spin_unlock")
	patched := false
	for i, in := range p.Code {
		if in.Op == vm.OpBuiltin && int(in.A) == unlock {
			p.Code[i].A = int32(lock)
			patched = true
		}
	}
	if lock < 0 || !patched {
		t.Fatalf("no spin_unlock call to patch in %v", p.Builtins)
	}
	for _, s := range []string{"dpor", "dfs", "state"} {
		r := check(t, p, vm.Config{Search: s})
		if r.Verdict != "fail error" || len(r.Violations) == 0 || !strings.Contains(r.Violations[0].Msg, "spin_lock must wait inside atomic { }") {
			t.Errorf("search %s: %s %v; want the run-time error", s, r.Verdict, r.Violations)
		}
	}
}

// scSearches are sc's searches, with one worker and two.
func scSearches() []vm.Config {
	return []vm.Config{{}, {Search: "dpor"}, {Search: "dfs"}, {Search: "state"}, {Search: "state", Workers: 2}, {Workers: 2}}
}

// modelSearches are each model with its default search and the two
// execution-graph searches.
func modelSearches() []vm.Config {
	var cfgs []vm.Config
	for _, m := range []string{"sc", "tso", "armv8", "lkmm"} {
		for _, s := range []string{"", "graph", "incremental"} {
			cfgs = append(cfgs, vm.Config{Model: m, Search: s})
		}
	}
	return cfgs
}
