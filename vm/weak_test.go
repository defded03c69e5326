package vm_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mmuvm/compiler"
	"mmuvm/vm"
)

// TestWeakShapes checks the classic litmus shapes of examples/litmus/weak
// under every model against the expect line each has for that model
// (herd7's answer for the shape).
func TestWeakShapes(t *testing.T) {
	files, _ := filepath.Glob("../examples/litmus/weak/*.mmu")
	if len(files) < 20 {
		t.Fatalf("found %d shapes", len(files))
	}
	for _, f := range files {
		p, err := compiler.CompileFile(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, model := range []string{"sc", "tso", "armv8", "lkmm"} {
			r, err := vm.Check(context.Background(), p, vm.Config{Model: model})
			if err != nil {
				t.Fatalf("%s under %s: %v", f, model, err)
			}
			if r.Model != model || !r.Complete || !r.Matched {
				t.Errorf("%s under %s: verdict %s, expected %s (complete %v)", filepath.Base(f), model, r.Verdict, r.Expected, r.Complete)
			}
		}
	}
}

// TestWeakTraceNamesSources checks that a weak counterexample says, for
// each read, which write it read from and which write it does not see.
func TestWeakTraceNamesSources(t *testing.T) {
	src, err := os.ReadFile("../examples/litmus/weak/sb.mmu")
	if err != nil {
		t.Fatal(err)
	}
	p, err := compiler.Compile("sb.mmu", src, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.Check(context.Background(), p, vm.Config{Model: "tso"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Witness == nil {
		t.Fatalf("no witness: %s", r.Verdict)
	}
	var text []string
	for _, e := range r.Witness.Trace {
		text = append(text, e.Text)
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"read y = 0, from the initial value", "is not yet visible", "x = 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("trace lacks %q:\n%s", want, all)
		}
	}
}

// TestWeakRefusesUnmodelled checks that builtins acting on global MMU
// state are refused under a weak model with a positioned error.
func TestWeakRefusesUnmodelled(t *testing.T) {
	p, err := compiler.Compile("x.mmu", []byte("cpu 0 {\n  p = alloc_page()\n}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = vm.Check(context.Background(), p, vm.Config{Model: "armv8"})
	if err == nil || !strings.Contains(err.Error(), "x.mmu:2:7") || !strings.Contains(err.Error(), "alloc_page") {
		t.Fatalf("error = %v", err)
	}
}
