package main

import (
	"strings"
	"testing"
)

// TestLitmus checks that .litmus tests are accepted where scripts are:
// check (under the model their arch picks), litmus2mmu, and errors.
func TestLitmus(t *testing.T) {
	code, out, errOut := mmuasm(t, "check", "--no-color", "testdata/litmus/sb-mbs.litmus")
	if code != 0 || !strings.Contains(out, "Test sb-mbs on arm64, model lkmm") || !strings.Contains(out, "Verdict fail condition (expected fail condition: matched)") {
		t.Errorf("check sb-mbs.litmus: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = mmuasm(t, "check", "--no-color", "--model", "sc", "testdata/litmus/sb-mbs.litmus")
	if code != 0 || strings.Contains(out, "model") {
		t.Errorf("check --model sc: exit %d\n%s", code, out)
	}
	code, out, errOut = mmuasm(t, "litmus2mmu", "testdata/litmus/sb-mbs.litmus")
	for _, want := range []string{"model lkmm", "WRITE_ONCE(x, 1)", "smp_mb()", "final exists (0:r0 == 0 && 1:r0 == 0)", "expect fail condition"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("litmus2mmu: exit %d, no %q in\n%s%s", code, want, out, errOut)
		}
	}
	code, _, errOut = mmuasm(t, "check", "testdata/litmus/broken.litmus")
	if code != 2 || !strings.Contains(errOut, "broken.litmus:7:") {
		t.Errorf("broken litmus: exit %d, %s", code, errOut)
	}
	// test lists a test it cannot translate as skipped, apart from failures
	code, out, _ = mmuasm(t, "test", "--no-color", "testdata/litmus")
	if code != 0 || !strings.Contains(out, "SKIP testdata/litmus/broken.litmus: ") || !strings.HasSuffix(out, "1 passed, 0 failed, 1 skipped\n") {
		t.Errorf("test dir with a broken litmus: exit %d\n%s", code, out)
	}
}

// TestFormatHerd checks the herd7-style log of a check against its golden
// file (the Time line's figure aside).
func TestFormatHerd(t *testing.T) {
	code, out, errOut := mmuasm(t, "check", "--format", "herd", "testdata/litmus/sb-mbs.litmus")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "Time ") {
			lines[i] = "Time sb-mbs TIME"
		}
	}
	golden(t, "sb-mbs.herd", strings.Join(lines, "\n"))
	if code, _, _ := mmuasm(t, "check", "--format", "mail2", "testdata/litmus/sb-mbs.litmus"); code != 2 {
		t.Errorf("an unknown --format: exit %d", code)
	}
}

// TestIncompleteIsNoProof: a condition that holds on a search stopped by a
// bound is said to hold on what was explored only, in both formats.
func TestIncompleteIsNoProof(t *testing.T) {
	// a loop that is no spin loop passes herd's unroll bound in the graph
	// engine (the store buffers explore it completely)
	script := "testdata/truth/unrolled-loop.mmu"
	for _, c := range []struct {
		format, want string
	}{
		{"text", "Condition forall: validated on the executions explored only (the search is incomplete: loops:"},
		{"herd", "Bound hit: loops:"},
	} {
		_, out, errOut := mmuasm(t, "check", "--model", "tso", "--search", "graph", "--format", c.format, script)
		if !strings.Contains(out, c.want) {
			t.Errorf("--format %s: no %q in\n%s%s", c.format, c.want, out, errOut)
		}
		if c.format == "text" && strings.Contains(out, "forall: validated\n") {
			t.Errorf("an incomplete search claims a proof:\n%s", out)
		}
	}
}
