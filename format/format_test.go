package format_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/format"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestSnippets(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"binary ops", "shared x\ncpu 0 { x=1+2*3 }\n", "shared x\ncpu 0 { x = 1 + 2 * 3 }\n"},
		{"prefix ops", "shared x\ncpu 0 {\nr = -x\nr = !x\nr = ~x\n}\n", "shared x\ncpu 0 {\n  r = -x\n  r = !x\n  r = ~x\n}\n"},
		{"address of", "table t\ncpu 0 { set_pte( &t[ 1 ] ,0) }\n", "table t\ncpu 0 { set_pte(&t[1], 0) }\n"},
		{"return value", "proc f(a,b){\nreturn -a\n}\n", "proc f(a, b) {\n  return -a\n}\n"},
		{"registers", "shared x\ncpu 0 { r = x }\nfinal exists( 0 : r==0 )\n", "shared x\ncpu 0 { r = x }\nfinal exists (0:r == 0)\n"},
		{"arch names", "arch arm64 , x86pae - pv\nexpect x86pae-pv : fail use - after - free\n", "arch arm64, x86pae-pv\nexpect x86pae-pv: fail use-after-free\n"},
		{"blank lines", "\n\nshared x\n\n\n\nshared y\n\n", "shared x\n\nshared y\n"},
		{"continuation", "shared x\ncpu 0 {\nf(x,\nx)\n}\n", "shared x\ncpu 0 {\n  f(x,\n    x)\n}\n"},
		{"trailing comments", "shared x // one\nshared yy // two\n\nshared z    // three\n", "shared x  // one\nshared yy // two\n\nshared z // three\n"},
		{"else chain", "shared x\ncpu 0 {\nif x {\n}else if !x{\n} else {\n}\n}\n", "shared x\ncpu 0 {\n  if x {\n  } else if !x {\n  } else {\n  }\n}\n"},
		{"operator continued", "shared x\ncpu 0 {\nassert x == 1 &&\nx != 2\nr = x\n}\n", "shared x\ncpu 0 {\n  assert x == 1 &&\n    x != 2\n  r = x\n}\n"},
		{"bracket continued", "cpu 0 { assert (1 == 1 &&\n1 != 2)\n}\n", "cpu 0 { assert (1 == 1 &&\n  1 != 2)\n}\n"},
		{"parenthesis continued", "final exists (1 == 1 &&\n1 != 2 &&\n2 != 3)\n", "final exists (1 == 1 &&\n  1 != 2 &&\n  2 != 3)\n"},
		{"range", "cpu 0 { for i in 0 .. 4 { } }\n", "cpu 0 { for i in 0..4 { } }\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := format.Source("x.mmu", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestGolden formats testdata/*.mmu and compares with the .golden files.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.mmu")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := format.Source(f, src)
		if err != nil {
			t.Fatal(err)
		}
		golden := strings.TrimSuffix(f, ".mmu") + ".golden"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (run go test -update to accept):\n%s", f, golden, got)
		}
	}
}

func TestBrokenScriptIsRefused(t *testing.T) {
	_, err := format.Source("b.mmu", []byte("shared x\ncpu 0 {\n  x = = 1\n}\n"))
	var le *lang.Error
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *lang.Error", err)
	}
	if le.Pos.Line != 3 {
		t.Errorf("error at %s, want line 3", le.Pos)
	}
}

// scripts lists every .mmu of the repo, and of ../shared/scenarios when
// the acceptance corpus is there.
func scripts(t *testing.T, roots ...string) []string {
	var out []string
	for _, root := range roots {
		if _, err := os.Stat(root); err != nil {
			continue
		}
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".mmu") && !strings.Contains(p, "/testdata/") {
				out = append(out, p)
			}
			return nil
		})
	}
	if len(out) == 0 {
		t.Fatal("no scripts found")
	}
	return out
}

// TestRepoIsFormatted keeps every script of the repo in the canonical
// layout, as gofmt -l does for Go: run `mmuasm fmt -w` on what it lists.
func TestRepoIsFormatted(t *testing.T) {
	for _, f := range scripts(t, "..") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := format.Source(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if !bytes.Equal(got, src) {
			t.Errorf("%s is not formatted: run go run ./cmd/mmuasm fmt -w %s", f, strings.TrimPrefix(f, "../"))
		}
	}
}

// TestMeaningKept formats every script of the repo and of the acceptance
// corpus twice: the second pass changes nothing, and the compiled bytecode
// is identical before and after (source positions aside).
func TestMeaningKept(t *testing.T) {
	for _, f := range scripts(t, "..", "../../shared/scenarios") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		once, err := format.Source(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		twice, err := format.Source(f, once)
		if err != nil || !bytes.Equal(once, twice) {
			t.Errorf("%s: formatting is not idempotent (%v)", f, err)
		}
		before, errB := compileNoPos(f, src)
		after, errA := compileNoPos(f, once)
		if (errB == nil) != (errA == nil) {
			t.Errorf("%s: compiles %v before, %v after", f, errB, errA)
			continue
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s: bytecode differs after formatting", f)
		}
	}
}

// compileNoPos compiles a script and encodes it with every source position
// and the source text cleared: what is left is what the script means.
func compileNoPos(name string, src []byte) ([]byte, error) {
	p, err := compiler.Compile(name, src, &compiler.Options{Files: os.DirFS(filepath.Dir(name))})
	if err != nil {
		return nil, err
	}
	p.Files = nil
	clearPos(reflect.ValueOf(p).Elem())
	return compiler.Encode(p), nil
}

var posType = reflect.TypeOf(vm.Pos{})

func clearPos(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == posType {
			v.Set(reflect.Zero(posType))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				clearPos(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			clearPos(v.Index(i))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			clearPos(v.Elem())
		}
	}
}

// FuzzSource: whatever parses formats without losing a token, and a second
// pass changes nothing.
func FuzzSource(f *testing.F) {
	for _, p := range []string{"testdata/messy.mmu", "../examples/litmus/sb.mmu", "../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu", "../stdlib/lazy.mmu"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("arch arm64,\nx86pae\ncpu 0 { r = - -1\nr = -&x }\nexpect arm64: fail lock"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := lang.Parse("f.mmu", src); err != nil {
			return
		}
		once, err := format.Source("f.mmu", src)
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		twice, err := format.Source("f.mmu", once)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("not idempotent (%v):\n%s\n---\n%s", err, once, twice)
		}
	})
}
