package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFmtCommand(t *testing.T) {
	dir := t.TempDir()
	messy := writeFile(t, dir, "m.mmu", []byte("shared x\ncpu 0 {\nx=1\n}\n"))
	broken := writeFile(t, dir, "b.mmu", []byte("shared x\ncpu 0 {\n  x = = 1\n}\n"))
	const want = "shared x\ncpu 0 {\n  x = 1\n}\n"
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		out, errRE string
	}{
		{"print", []string{"fmt", messy}, exitOK, want, ""},
		{"list", []string{"fmt", "-l", messy}, exitOK, messy + "\n", ""},
		{"broken", []string{"fmt", broken}, exitUsage, "", "^" + broken + ":3:7: "},
		{"missing", []string{"fmt", filepath.Join(dir, "nope.mmu")}, exitUsage, "", "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := mmuasm(t, tc.args...)
			if code != tc.code || out != tc.out {
				t.Errorf("exit %d, out %q; want %d, %q (stderr %s)", code, out, tc.code, tc.out, errOut)
			}
			if tc.errRE != "" && !strings.Contains(errOut, strings.TrimPrefix(tc.errRE, "^")) {
				t.Errorf("stderr %q, want %q", errOut, tc.errRE)
			}
		})
	}
	if code, _, _ := mmuasm(t, "fmt", "-w", messy); code != exitOK {
		t.Fatalf("fmt -w: exit %d", code)
	}
	if got, _ := os.ReadFile(messy); string(got) != want {
		t.Errorf("fmt -w wrote %q", got)
	}
}
