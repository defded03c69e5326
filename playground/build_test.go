package playground

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSourceHash: the cache key follows what the build reads, and only that.
func TestSourceHash(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module github.com/mmuvm/mmuvm\n")
	write("vm/vm.go", "package vm\n")
	hash := func() string {
		h, err := sourceHash(root)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h0 := hash()
	write("vm/vm_test.go", "package vm\n")
	write("README.md", "words\n")
	if hash() != h0 {
		t.Error("a test file or the README changed the key")
	}
	write("vm/vm.go", "package vm // changed\n")
	if hash() == h0 {
		t.Error("a source change kept the key")
	}
	if r, err := ModuleRoot(filepath.Join(root, "vm")); err != nil || r != root {
		t.Errorf("ModuleRoot from vm/: %q, %v", r, err)
	}
	if _, err := ModuleRoot(t.TempDir()); err == nil {
		t.Error("ModuleRoot found mmuvm in an empty directory")
	}
}
