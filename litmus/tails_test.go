package litmus

import (
	"slices"
	"strings"
	"testing"
)

// TestTails: an unconditional jump back into a tail that returns (or
// jumps on) before reaching it runs a copy of the tail in its place
// (asmDupTails); a jump back that closes a loop stays a loop.
func TestTails(t *testing.T) {
	long := []string{"CBZ X0,L1", "L0:"}
	for range asmTailBudget + 1 {
		long = append(long, "NOP")
	}
	long = append(long, "RET", "L1:", "B L0")
	runAsmCases(t, "AArch64", []asmCase{
		{"into-tail", []string{"CBZ X0,L1", "L0:", "MOV X1,#1", "RET", "L1:", "MOV X2,#1", "B L0"},
			"if X0 != 0 {\n  X1 = 1\n  return\n}\nX2 = 1\nX1 = 1\nreturn", 0},
		// the copy's own branch goes to the copy's label
		{"tail-with-branch", []string{"CBZ X0,L1", "L0:", "CBZ X3,L2", "MOV X1,#1", "L2:", "RET", "L1:", "MOV X2,#1", "B L0"},
			"if X0 != 0 {\n  if X3 != 0 {\n    X1 = 1\n  }\n  return\n}\nX2 = 1\nif X3 != 0 {\n  X1 = 1\n}\nreturn", 0},
		// a tail ending in a jump on: the copy jumps on too
		{"tail-jumps-on", []string{"CBZ X0,L1", "L0:", "MOV X1,#1", "B L3", "L1:", "MOV X2,#1", "B L0", "L3:", "MOV X4,#1"},
			"if X0 != 0 {\n  X1 = 1\n} else {\n  X2 = 1\n  X1 = 1\n}\nX4 = 1", 0},
		{"loop-stays", []string{"L0:", "MOV X1,#1", "B L0"}, "while 1 {\n  X1 = 1\n}", 0},
		{"past-budget", long, "error: backward branch to L0 does not close a loop", asmTailBudget + 15},
	})
}

// TestDupTailsLabels: the labels after the jump move with the code, and
// the tail's labels get fresh names in the copy.
func TestDupTailsLabels(t *testing.T) {
	insns, labels, err := asmSplitCells(asmCells("CBZ X0,L1", "L0:", "CBZ X3,L2", "NOP", "L2:", "RET", "L1:", "B L0", "L9:", "NOP"), 4)
	if err != nil {
		t.Fatal(err)
	}
	insns, labels = asmDupTails(insns, labels)
	var ops []string
	for _, in := range insns {
		ops = append(ops, in.op+" "+strings.Join(in.args, ","))
	}
	wantOps := []string{"CBZ X0,L1", "CBZ X3,L2", "NOP ", "RET ", "CBZ X3,L2@tail0", "NOP ", "RET ", "NOP "}
	if !slices.Equal(ops, wantOps) {
		t.Errorf("instructions %q, want %q", ops, wantOps)
	}
	want := map[string]int{"L0": 1, "L2": 3, "L1": 4, "L0@tail0": 4, "L2@tail0": 6, "L9": 7}
	for l, p := range want {
		if labels[l] != p {
			t.Errorf("label %s at %d, want %d (%v)", l, labels[l], p, labels)
		}
	}
	if len(labels) != len(want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
}
