package compiler

// Tests of what a compilation may read (issue 12): imports stay inside the
// script's tree, other files are refused unread, the main file is found
// however it is spelled, and the source budget bounds what is read.

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// importTree lays out a script directory with a secret beside it, a
// dotfile inside it, and symlinks leading out of it.
func importTree(t *testing.T) (dir string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "scripts")
	write := func(path, text string) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "secret.mmu"), "TOPSECRET-OUTSIDE\n")
	write(filepath.Join(dir, ".env"), "TOPSECRET-ENV=1\n")
	write(filepath.Join(dir, "lib", "ok.mmu"), "const K = 7\n")
	for link, target := range map[string]string{
		"out.mmu":     filepath.Join(root, "secret.mmu"),
		"lib/up.mmu":  "../../secret.mmu",
		"env-as.mmu":  filepath.Join(dir, ".env"),
		"abs-etc.mmu": "/etc/passwd",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestImportsStayInTree(t *testing.T) {
	dir := importTree(t)
	for _, tc := range []struct{ imp, want string }{
		{"./.env", "only .mmu files can be imported"},
		{"./lib/../.env", "only .mmu files can be imported"},
		{"../secret.mmu", "leads out of the script's directory tree"},
		{"./lib/../../secret.mmu", "leads out of the script's directory tree"},
		{"./out.mmu", "escapes"},
		{"./lib/up.mmu", "escapes"},
		{"./abs-etc.mmu", "escapes"},
		{"./missing.mmu", "no such file"},
	} {
		t.Run(tc.imp, func(t *testing.T) {
			main := filepath.Join(dir, "main.mmu")
			src := "import \"" + tc.imp + "\"\ncpu 0 {\n}\n"
			if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := CompileFile(main, nil)
			var le *lang.Error
			if !errors.As(err, &le) || le.Pos.Line != 1 {
				t.Fatalf("err %v, want a positioned error on the import", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %q, want %q", err, tc.want)
			}
			if strings.Contains(le.Detail(), "TOPSECRET") {
				t.Errorf("the error quotes the file it refused: %s", le.Detail())
			}
		})
	}
	// a symlink inside the tree to a .mmu inside the tree is the tree's own
	if err := os.Symlink("lib/ok.mmu", filepath.Join(dir, "alias.mmu")); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main.mmu")
	if err := os.WriteFile(main, []byte("import \"./alias.mmu\"\ncpu 0 {\n  x = K\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CompileFile(main, nil); err != nil {
		t.Errorf("a symlink within the tree: %v", err)
	}
}

// TestSelfImportSpellings: importing the main file, however the path is
// spelled, finds it already loaded: one answer for every spelling.
func TestSelfImportSpellings(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "self.mmu")
	for _, spelling := range []string{"./self.mmu", "./x/../self.mmu", ".//self.mmu", "./././self.mmu"} {
		src := "import \"" + spelling + "\"\nshared x\ncpu 0 {\n  x = 1\n}\n"
		if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := CompileFile(main, nil)
		if err != nil {
			t.Errorf("%s: %v", spelling, err)
			continue
		}
		if got := fileNames(p); len(got) != 1 {
			t.Errorf("%s: files %v, want the main file once", spelling, got)
		}
	}
}

// TestSourceBudget: the source budget bounds the main file and the imports
// together, before they are parsed.
func TestSourceBudget(t *testing.T) {
	big := "// " + strings.Repeat("x", 2<<20) + "\ncpu 0 {\n}\n"
	_, err := Compile("big.mmu", []byte(big), nil)
	var le *lang.Error
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "source budget of 1048576 bytes (Limits.SourceBytes)") {
		t.Errorf("a 2 MB script: %v", err)
	}
	files := fstest.MapFS{"half.mmu": {Data: []byte("// " + strings.Repeat("y", 600) + "\nconst K = 1\n")}}
	src := "import \"./half.mmu\"\ncpu 0 {\n  x = K\n}\n"
	if _, err := Compile("t.mmu", []byte(src), &Options{Files: files}); err != nil {
		t.Errorf("within the default budget: %v", err)
	}
	_, err = Compile("t.mmu", []byte(src), &Options{Files: files, Limits: vm.Limits{SourceBytes: 500}})
	if !errors.As(err, &le) || le.Pos.Line != 1 || !strings.Contains(err.Error(), "source budget of 500 bytes") {
		t.Errorf("an import over a 500-byte budget: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.mmu")
	if err := os.WriteFile(path, []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CompileFile(path, nil); err == nil || !strings.Contains(err.Error(), "Limits.SourceBytes") {
		t.Errorf("CompileFile of a 2 MB script: %v", err)
	}
}

// panicFS is a host file system with a bug.
type panicFS struct{}

func (panicFS) Open(string) (fs.File, error) { panic("host fs bug") }

// panicWriter is a host writer with a bug.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("host writer bug") }

// TestEntryPointsRecover: a panic inside an exported entry point (here from
// a host's file system or writer) comes back as an error naming it.
func TestEntryPointsRecover(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "m.mmu")
	if err := os.WriteFile(main, []byte("import \"./x.mmu\"\ncpu 0 {\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := mustCompile(t, "cpu 0 {\n}\n", nil)
	for _, tc := range []struct {
		fn   string
		call func() error
	}{
		{"compiler.Compile", func() error {
			_, err := Compile("m.mmu", []byte("import \"mod\"\ncpu 0 {\n}\n"), &Options{Modules: panicFS{}})
			return err
		}},
		{"compiler.CompileFile", func() error { _, err := CompileFile(main, &Options{Files: panicFS{}}); return err }},
		{"compiler.Disassemble", func() error { return Disassemble(panicWriter{}, p, "") }},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			err := tc.call()
			if err == nil || !strings.Contains(err.Error(), tc.fn+": internal error: ") {
				t.Fatalf("err %v, want an internal error naming %s", err, tc.fn)
			}
		})
	}
}

// TestReadBounds: the files the front ends read whole (a .litmus test, a
// script the REPL loads, a .mmub) are read within the source budget, and
// a larger one is an error at its 1:1 naming the file and the budget.
func TestReadBounds(t *testing.T) {
	dir := t.TempDir()
	small := vm.Limits{SourceBytes: 1000}
	p := mustCompile(t, "shared x\ncpu 0 {\n  x = 1\n}\n", nil)
	enc := Encode(p)
	big := filepath.Join(dir, "big.mmub")
	if err := os.WriteFile(big, append(enc, make([]byte, 16*1000)...), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "ok.mmub")
	if err := os.WriteFile(ok, enc, 0o644); err != nil {
		t.Fatal(err)
	}
	text := filepath.Join(dir, "big.litmus")
	if err := os.WriteFile(text, []byte(strings.Repeat("x", 1001)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		read func() error
		want string // "" : no error
	}{
		{"big.mmub", func() error { _, err := DecodeFile(big, small); return err }, "the .mmub budget of 16000 bytes (16 times Limits.SourceBytes)"},
		{"ok.mmub", func() error { _, err := DecodeFile(ok, small); return err }, ""},
		{"big.litmus", func() error { _, err := ReadSource(text, small); return err }, "the source budget of 1000 bytes (Limits.SourceBytes)"},
		{"big.litmus default", func() error { _, err := ReadSource(text, vm.Limits{}); return err }, ""},
	} {
		err := tc.read()
		var le *lang.Error
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "":
		case !errors.As(err, &le) || le.Pos.Line != 1 || le.Pos.Col != 1 || !strings.Contains(err.Error(), filepath.Join(dir, strings.Fields(tc.name)[0])+":1:1: the file exceeds "+tc.want):
			t.Errorf("%s: %v, want an error at its 1:1 naming %s", tc.name, err, tc.want)
		}
	}
}

// TestMMUBReadBound: the .mmub bound (mmubPerSourceByte times the source
// budget) holds a .mmub of the densest code the compiler makes, so that
// DecodeFile reads every .mmub built from sources within the budget.
func TestMMUBReadBound(t *testing.T) {
	for _, line := range []string{
		"x = x + x + x + x + x + x + x + x + x + x + x + x",
		"x=x+x+x+x+x+x+x+x+x+x+x+x+x+x+x+x",
		"x=-x-x-x-x-x-x-x-x-x-x-x-x",
		"for i in 0..2{x=i}",
		"irqoff{}",
		"f(x,x,x,x)",
		"print(x)",
		"await x",
		"a=b",
	} {
		src := "shared x\nproc f(a,b,c,d){return a}\ncpu 0 {\nb=1\n" + strings.Repeat(line+"\n", 500) + "}\n"
		p := mustCompile(t, src, nil)
		sources := 0
		for _, f := range p.Files {
			sources += len(f.Text)
		}
		if n := len(Encode(p)); n > mmubPerSourceByte*sources {
			t.Errorf("%q: a .mmub of %d bytes from %d bytes of source, over %d bytes a source byte", line, n, sources, mmubPerSourceByte)
		}
	}
}
