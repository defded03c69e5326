package main

import (
	"fmt"
	"io"
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

func TestFmtFilter(t *testing.T) {
	defer func(r io.Reader) { stdin = r }(stdin)
	for _, tc := range []struct {
		in, out string
		code    int
	}{
		{"shared x\ncpu 0 {\nx=1\n}\n", "shared x\ncpu 0 {\n  x = 1\n}\n", exitOK},
		{"  x = = 1\n", "  x = = 1\n", exitUsage}, // a filter never loses the text
	} {
		stdin = strings.NewReader(tc.in)
		code, out, errOut := mmuasm(t, "fmt")
		if code != tc.code || out != tc.out {
			t.Errorf("fmt < %q: exit %d, %q (stderr %q)", tc.in, code, out, errOut)
		}
	}
}

// TestLSPCommand: mmuasm lsp answers on its stdin and stdout, and exits 0
// after shutdown and exit.
func TestLSPCommand(t *testing.T) {
	var in strings.Builder
	for _, m := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}`,
		`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`,
		`{"jsonrpc":"2.0","method":"exit"}`,
	} {
		fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(m), m)
	}
	defer func(r io.Reader) { stdin = r }(stdin)
	stdin = strings.NewReader(in.String())
	code, out, errOut := mmuasm(t, "lsp", "--stdio")
	if code != exitOK || !strings.Contains(out, `"hoverProvider":true`) || !strings.Contains(out, `"id":2,"result":null`) {
		t.Errorf("exit %d, out %q, stderr %q", code, out, errOut)
	}
}
