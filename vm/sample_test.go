package vm_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestRunRandomWeak: under a weak model `run --seed` picks one of the
// model's executions, not an interleaving: over a few seeds the runs reach
// every final state the check finds, the weak one among them (an
// interleaving never shows it), each picked among all of the executions
// and each replaying its token. Under the store buffers a random run
// stays a schedule.
func TestRunRandomWeak(t *testing.T) {
	for _, tc := range []struct {
		file, model, search string
		weak                string // the final state no interleaving gives
	}{
		{"../examples/litmus/mp-armv8.mmu", "", "", "1:f=1; 1:p=0"},
		{"../examples/litmus/weak/sb.mmu", "lkmm", "", "0:r0=0; 1:r0=0"},
		{"../examples/litmus/weak/sb.mmu", "tso", "graph", "0:r0=0; 1:r0=0"},
		{"../examples/litmus/weak/sb.mmu", "armv8", "incremental", "0:r0=0; 1:r0=0"},
	} {
		p, err := compiler.CompileFile(tc.file, nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg := vm.Config{Model: tc.model, Search: tc.search, All: true}
		want, err := vm.Check(context.Background(), p, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for seed := int64(1); seed <= 30; seed++ {
			cfg.Seed = seed
			res, err := vm.RunRandom(p, cfg)
			if err != nil {
				t.Fatalf("%s %s: seed %d: %v", tc.file, tc.model, seed, err)
			}
			if res.Execution == "" || res.Among != want.Executions || res.Stopped != "" {
				t.Fatalf("%s %s: seed %d: execution %q picked among %d (stopped: %q), want a token among the check's %d",
					tc.file, tc.model, seed, res.Execution, res.Among, res.Stopped, want.Executions)
			}
			again, err := vm.ReplayExecution(p, cfg, res.Execution)
			if err != nil || again.Final != res.Final {
				t.Fatalf("%s: seed %d: the token %s replays as %v, %v", tc.file, seed, res.Execution, again, err)
			}
			got[res.Final] = true
		}
		var finals []string
		for _, f := range want.FinalStates {
			finals = append(finals, f.Values)
		}
		var reached []string
		for f := range got {
			reached = append(reached, f)
		}
		sort.Strings(reached)
		if strings.Join(reached, " | ") != strings.Join(finals, " | ") || !got[tc.weak] {
			t.Errorf("%s %s: 30 random runs reach %q, the check finds %q (the weak %q among them)", tc.file, tc.model, reached, finals, tc.weak)
		}
	}
}

// TestRunRandomStoreBuffers: under tso on the store buffers a random run
// is a schedule of the machine, flushes included, as before.
func TestRunRandomStoreBuffers(t *testing.T) {
	p, err := compiler.CompileFile("../examples/litmus/weak/sb.mmu", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := vm.RunRandom(p, vm.Config{Model: "tso", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Execution != "" || res.Among != 0 || len(res.Schedule) == 0 {
		t.Errorf("a store-buffer run gave execution %q among %d, schedule %v", res.Execution, res.Among, res.Schedule)
	}
}
