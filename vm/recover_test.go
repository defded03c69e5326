package vm_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// brokenProgram is a Program a host built by hand, bypassing the compiler
// and the decoder's validation: its cpu thread names a proc that does not
// exist. The entry points must answer with an error, not a panic.
func brokenProgram() *vm.Program {
	return &vm.Program{
		Name: "broken", File: "broken.mmu", Arches: []string{"arm64"}, Init: -1, Model: "tso",
		Code: []vm.Instr{{Op: vm.OpEnd}}, Pos: []vm.Pos{{File: -1}},
		Procs: []vm.Proc{{Name: "cpu 0", Entry: 0}},
		CPUs:  []vm.Thread{{CPU: 0, Proc: 99}},
	}
}

// TestEntryPointsRecover: a panic inside each exported entry point comes
// back as a *vm.InternalError naming the function.
func TestEntryPointsRecover(t *testing.T) {
	for _, tc := range []struct {
		fn   string
		call func() error
	}{
		{"vm.NewMachine", func() error { _, err := vm.NewMachine(brokenProgram(), "arm64", nil, vm.Limits{}); return err }},
		{"vm.Check", func() error { _, err := vm.Check(context.Background(), brokenProgram(), vm.Config{}); return err }},
		{"vm.Replay", func() error { _, err := vm.Replay(brokenProgram(), vm.Config{}, nil); return err }},
		{"vm.RunRandom", func() error { _, err := vm.RunRandom(brokenProgram(), vm.Config{}); return err }},
		{"vm.ReplayExecution", func() error {
			_, err := vm.ReplayExecution(brokenProgram(), vm.Config{}, "w:0")
			return err
		}},
		{"vm.StackDepths", func() error { _, err := vm.StackDepths(nil); return err }},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			err := tc.call()
			var ie *vm.InternalError
			if !errors.As(err, &ie) || ie.Func != tc.fn || !strings.HasPrefix(err.Error(), tc.fn+": internal error: ") {
				t.Fatalf("err %v (%T), want an internal error naming %s", err, err, tc.fn)
			}
		})
	}
}

// TestNoProgramNoArch: a nil program and a program without arches are
// errors at every entry point (a .mmub without arches used to panic in
// Replay and pass silently in Check).
func TestNoProgramNoArch(t *testing.T) {
	noArch := brokenProgram()
	noArch.Arches, noArch.CPUs[0].Proc = nil, 0
	for _, p := range []*vm.Program{nil, noArch} {
		if _, err := vm.Check(context.Background(), p, vm.Config{}); err == nil {
			t.Errorf("Check accepted %v", p)
		}
		if _, err := vm.Replay(p, vm.Config{}, nil); err == nil {
			t.Errorf("Replay accepted %v", p)
		}
		if _, err := vm.RunRandom(p, vm.Config{}); err == nil {
			t.Errorf("RunRandom accepted %v", p)
		}
		if _, err := vm.ReplayExecution(p, vm.Config{}, "w:0"); err == nil {
			t.Errorf("ReplayExecution accepted %v", p)
		}
		if _, err := vm.NewMachine(p, "arm64", nil, vm.Limits{}); err == nil {
			t.Errorf("NewMachine accepted %v", p)
		}
	}
}

// TestStepRecovers: a program whose code indexes outside its tables (which
// the decoder refuses, but a host may build) ends the step with an error
// violation; Machine.Step itself returns.
func TestStepRecovers(t *testing.T) {
	p := brokenProgram()
	p.CPUs[0].Proc = 0
	p.Shared = []vm.Var{{Name: "x"}}
	p.Code = []vm.Instr{{Op: vm.OpLoadShared}, {Op: vm.OpPop}, {Op: vm.OpConst, A: 7}, {Op: vm.OpPop}, {Op: vm.OpEnd}}
	p.Pos = make([]vm.Pos, len(p.Code))
	m, err := vm.NewMachine(p, "arm64", nil, vm.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Step(0); err != nil {
		t.Fatal(err)
	}
	if v := m.Violation(); v == nil || v.Kind != "error" || !strings.Contains(v.Msg, "internal error") {
		t.Fatalf("violation %v, want an internal error", v)
	}
}
