package editors

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestVimHighlights loads the Vim files in a real vim and asks which
// syntax group covers each kind of token.
func TestVimHighlights(t *testing.T) {
	vim, err := exec.LookPath("vim")
	if err != nil {
		t.Skip("vim is not installed; the syntax file is checked by TestGrammarCoversKeywords only")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "v.mmu")
	src := "shared x\ncpu 0 {\n  set_pte(&t[0], 0x10) // c\n  table = 1\n}\nfinal exists (0:r == 1)\nexpect fail lock\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.txt")
	probes := []struct {
		line, col int
		group     string
	}{{1, 1, "mmuStorage"}, {3, 3, "mmuCall"}, {3, 20, "mmuNumber"}, {3, 24, "mmuComment"}, {4, 3, ""}, {6, 1, "mmuKeyword"}, {6, 15, "mmuRegister"}, {7, 1, "mmuExpectKw"}, {7, 8, "mmuExpectWord"}}
	var exprs []string
	for _, p := range probes {
		exprs = append(exprs, `synIDattr(synID(`+strconv.Itoa(p.line)+`,`+strconv.Itoa(p.col)+`,1),"name")`)
	}
	rtp, _ := filepath.Abs("vim")
	cmd := exec.Command(vim, "-u", "NONE", "-N", "-es", "-i", "NONE",
		"-c", "set rtp^="+rtp, "-c", "filetype plugin on", "-c", "syntax on", "-c", "e "+script,
		"-c", "call writefile([&ft, &shiftwidth] + ["+strings.Join(exprs, ",")+"], '"+out+"')", "-c", "qa!")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vim: %v\n%s", err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(raw)), "\n")
	want := []string{"mmu", "2"}
	for _, p := range probes {
		want = append(want, p.group)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("vim says %v, want %v", got, want)
	}
}
