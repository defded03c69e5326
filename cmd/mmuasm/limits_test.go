package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunTimeBudget: `mmuasm run` holds --timeout inside an endless
// execution, whether --seed chooses it or --schedule replays it.
func TestRunTimeBudget(t *testing.T) {
	const endless = "testdata/hostile/endless.mmu"
	const want = "time: the check ran out of its wall-time budget (50.0ms, --timeout or Limits.Time)"
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"--seed", "1"}, exitFail},
		{[]string{"--seed", "7", "--json"}, exitFail},
		{[]string{"--schedule", "0"}, exitOK}, // a replay reports what it reproduced
	} {
		args := append([]string{"run", "--no-color", "--timeout", "50ms", endless}, tc.args...)
		code, out, errOut := mmuasm(t, args...)
		if code != tc.code || !strings.Contains(out, want) {
			t.Errorf("mmuasm %s: exit %d (want %d), no time limit named:\n%s%s", strings.Join(args, " "), code, tc.code, out, errOut)
		}
	}
}

// TestReadBudget: the files mmuasm reads whole (a script, a .mmub, a
// .litmus test, and the files `test` looks at below a directory) are read
// within the default source budget; a larger one is an error at its 1:1
// naming the budget, with exit status 2.
func TestReadBudget(t *testing.T) {
	dir := t.TempDir()
	mib := 1 << 20
	files := map[string][]byte{
		"big.mmu":    []byte("// " + strings.Repeat("x", mib) + "\ncpu 0 {\n}\n"),
		"big.litmus": []byte("C big\n(* " + strings.Repeat("x", mib) + " *)\n"),
		"big.mmub":   append([]byte("MMUB"), make([]byte, 16*mib)...),
	}
	for name, data := range files {
		writeFile(t, dir, name, data)
	}
	tree := filepath.Join(dir, "tree")
	if err := os.Mkdir(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, tree, "big.mmu", files["big.mmu"])
	big := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		args   []string
		file   string
		budget string
	}{
		{[]string{"check", big("big.mmu")}, big("big.mmu"), "the source budget of 1048576 bytes (Limits.SourceBytes)"},
		{[]string{"check", big("big.litmus")}, big("big.litmus"), "the source budget of 1048576 bytes (Limits.SourceBytes)"},
		{[]string{"litmus2mmu", big("big.litmus")}, big("big.litmus"), "the source budget of 1048576 bytes (Limits.SourceBytes)"},
		{[]string{"run", big("big.mmub")}, big("big.mmub"), "the .mmub budget of 16777216 bytes (16 times Limits.SourceBytes)"},
		{[]string{"dis", big("big.mmub")}, big("big.mmub"), "the .mmub budget of 16777216 bytes (16 times Limits.SourceBytes)"},
		{[]string{"test", tree}, filepath.Join(tree, "big.mmu"), "the source budget of 1048576 bytes (Limits.SourceBytes)"},
	} {
		code, out, errOut := mmuasm(t, tc.args...)
		want := tc.file + ":1:1: the file exceeds " + tc.budget
		if tc.args[0] == "test" {
			if code != exitUsage || !strings.Contains(out, want) {
				t.Errorf("mmuasm %s: exit %d, want 2 and a failure naming %q:\n%s%s", strings.Join(tc.args, " "), code, want, out, errOut)
			}
			continue
		}
		if code != exitUsage || !strings.HasPrefix(errOut, want+"\n") {
			t.Errorf("mmuasm %s: exit %d, want 2 and %q:\n%s%s", strings.Join(tc.args, " "), code, want, out, errOut)
		}
	}
}
