package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeBlocks returns the fenced blocks of README.md (their text without
// the fences) and, for each, the language after the opening fence.
func readmeBlocks(t *testing.T) (blocks, langs []string) {
	return fencedBlocks(t, "../../README.md")
}

// fencedBlocks returns the fenced blocks of a markdown file.
func fencedBlocks(t *testing.T, file string) (blocks, langs []string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(data), "```")
	for i := 1; i+1 < len(parts); i += 2 {
		lang, body, _ := strings.Cut(parts[i], "\n")
		blocks, langs = append(blocks, body), append(langs, lang)
	}
	return blocks, langs
}

// TestReadmeCommands runs every `$ mmuasm …` the README and the docs
// show, in the repository's root as a user of a clone would, and compares
// the output with what they print (run times aside).
func TestReadmeCommands(t *testing.T) {
	var blocks []string
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, f := range append([]string{"../../README.md", "../../examples/README.md"}, docs...) {
		b, _ := fencedBlocks(t, f)
		blocks = append(blocks, b...)
	}
	t.Chdir("../..")
	n := 0
	for _, b := range blocks {
		cmdline, want, ok := strings.Cut(b, "\n")
		args, isCmd := strings.CutPrefix(cmdline, "$ mmuasm ")
		if !ok || !isCmd {
			continue
		}
		n++
		_, got, errOut := mmuasm(t, strings.Fields(args)...)
		if normalize(got) != normalize(want) {
			t.Errorf("README's `%s` differs from its output (stderr %q):\n--- README\n%s\n--- output\n%s", cmdline, errOut, want, got)
		}
	}
	if n < 4 {
		t.Errorf("README and docs show %d mmuasm commands, want at least the showcase, the weak-model one, and the docs' two", n)
	}
}

// TestReadmeGoSnippet builds the README's Go program as it is written, as
// a package of this module (through an overlay: nothing is written to the
// tree).
func TestReadmeGoSnippet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	blocks, langs := readmeBlocks(t)
	var src string
	for i, l := range langs {
		if l == "go" {
			src = blocks[i]
		}
	}
	if !strings.Contains(src, "package main\n") {
		t.Fatalf("README has no Go program (a ```go block with package main):\n%s", src)
	}
	dir := t.TempDir()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.go")
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	virtual := filepath.Join(root, "internal", "readmesnippet", "main.go")
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, []byte(`{"Replace":{"`+virtual+`":"`+main+`"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-overlay", overlay, "-o", filepath.Join(dir, "snippet"), "./internal/readmesnippet")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the README's Go program does not build: %v\n%s", err, out)
	}
}

var mdLinkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinks: every link of the README and docs/ leads to a file of the
// repository, and none names a place outside it.
func TestDocsLinks(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md", "../../examples/README.md", "../../bench/README.md")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "../shared") {
			t.Errorf("%s points at ../shared, outside the repository", f)
		}
		for _, m := range mdLinkRE.FindAllStringSubmatch(string(data), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" {
				continue
			}
			if strings.Contains(target, "://") {
				t.Errorf("%s links outside the repository: %s", f, m[1])
				continue
			}
			path := filepath.Join(filepath.Dir(f), target)
			rel, err := filepath.Rel("../..", path)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links outside the repository: %s", f, m[1])
				continue
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to a missing file: %s", f, m[1])
			}
		}
	}
}
