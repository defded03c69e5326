package vm_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/benchscripts"
	"github.com/mmuvm/mmuvm/vm"
)

// splitCases are scripts with every kind of ending: ok with a final
// condition, a violation, a condition that fails, a deadlock.
var splitCases = map[string]string{
	"lock-5":     benchscripts.Lock(5),
	"sb-ring-6":  benchscripts.SBRing(6),
	"lock-sb-5":  benchscripts.LockSB(5),
	"ptdump-n8":  benchscripts.PtdumpVmalloc(8, true),
	"ptdump-bug": benchscripts.PtdumpVmalloc(8, false),
	"abba": `test "abba"
spinlock a, b
cpu 0 {
  spin_lock(a)
  spin_lock(b)
  spin_unlock(b)
  spin_unlock(a)
}
cpu 1 {
  spin_lock(b)
  spin_lock(a)
  spin_unlock(a)
  spin_unlock(b)
}
expect fail deadlock
`,
	"sb-allowed": `test "sb"
shared x, y
cpu 0 {
  x = 1
  r = y
}
cpu 1 {
  y = 1
  r = x
}
final forall (0:r == 1 || 1:r == 1)
expect fail condition
`,
}

// stateSet is the final states without their counts.
func stateSet(fs []vm.FinalState) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Values)
	}
	return out
}

// splitOutcome is what must not depend on how a split check is run.
type splitOutcome struct {
	Verdict     string
	Executions  int
	FinalStates []vm.FinalState
	Counts      map[string]int
	Schedule    []int
	Complete    bool
}

func splitOutcomeOf(r *vm.Result) splitOutcome {
	o := splitOutcome{Verdict: r.Verdict, Executions: r.Executions, FinalStates: r.FinalStates, Counts: r.Counts, Complete: r.Complete}
	if len(r.Violations) > 0 {
		o.Schedule = r.Violations[0].Schedule
	} else if r.Witness != nil {
		o.Schedule = r.Witness.Schedule
	}
	return o
}

// TestSplitSameForEveryCut: a split dpor gives the same verdict,
// executions, final states, counts and counterexample with 2 or 3
// workers, and merged from 1, 4 or 16 shards (each shard's result going
// through JSON, as `mmuasm merge` reads it); and the verdict and final
// states of the unsplit search.
func TestSplitSameForEveryCut(t *testing.T) {
	for name, src := range splitCases {
		p, err := compiler.Compile(name+".mmu", []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		check := func(cfg vm.Config) *vm.Result {
			cfg.Search = "dpor"
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return r
		}
		plain := check(vm.Config{})
		want := splitOutcomeOf(check(vm.Config{Workers: 2}))
		if want.Verdict != plain.Verdict || !reflect.DeepEqual(stateSet(want.FinalStates), stateSet(plain.FinalStates)) {
			t.Errorf("%s: split verdict %s, unsplit %s", name, want.Verdict, plain.Verdict)
		}
		if got := splitOutcomeOf(check(vm.Config{Workers: 3})); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: 3 workers give\n%+v\n2 give\n%+v", name, got, want)
		}
		for _, n := range []int{1, 4, 16} {
			var shards []*vm.Result
			for i := 0; i < n; i++ {
				r := check(vm.Config{Shard: vm.Shard{Index: i, Count: n}})
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				var back vm.Result
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				shards = append(shards, &back)
			}
			m, err := vm.Merge(context.Background(), p, vm.Config{Search: "dpor"}, shards)
			if err != nil {
				t.Fatalf("%s: merge of %d: %v", name, n, err)
			}
			if got := splitOutcomeOf(m); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %d shards merged give\n%+v\none run gives\n%+v", name, n, got, want)
			}
		}
	}
}

// TestMergeRefusesBadShards: a missing shard, one given twice, or a shard
// of another check is an error.
func TestMergeRefusesBadShards(t *testing.T) {
	p, err := compiler.Compile("lock.mmu", []byte(benchscripts.Lock(4)), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := compiler.Compile("sb.mmu", []byte(benchscripts.SBRing(5)), nil)
	if err != nil {
		t.Fatal(err)
	}
	shard := func(prog *vm.Program, i, n int) *vm.Result {
		r, err := vm.Check(context.Background(), prog, vm.Config{Search: "dpor", Shard: vm.Shard{Index: i, Count: n}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := shard(p, 0, 2), shard(p, 1, 2)
	for what, set := range map[string][]*vm.Result{
		"missing":   {a},
		"twice":     {a, a},
		"other":     {a, shard(q, 1, 2)},
		"not split": {a, b, func() *vm.Result { r, _ := vm.Check(context.Background(), p, vm.Config{}); return r }()},
	} {
		if _, err := vm.Merge(context.Background(), p, vm.Config{}, set); err == nil {
			t.Errorf("%s: merged without an error", what)
		} else {
			t.Logf("%s: %v", what, err)
		}
	}
}
