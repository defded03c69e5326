package lang

import (
	"errors"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scenarioDir is the shared acceptance corpus, relative to this package.
const scenarioDir = "../../shared/scenarios"

// scenarioFiles lists every .mmu file of the shared corpus, or nil when the
// corpus is not there.
func scenarioFiles(tb testing.TB) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(scenarioDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".mmu") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		return nil
	}
	return out
}

var inlineSeeds = []string{
	"test \"SB\"\nshared x, y\ncpu 0 {\n  x = 1\n  r0 = y\n}\ncpu 1 {\n  y = 1\n  r0 = x\n}\nfinal ~exists (0:r0 == 0 && 1:r0 == 0)\nexpect ok\n",
	"arch arm64, x86pae-pv\nmm user\nconst VA = 0x400000\ninit {\n  map(user, VA, 4K, 0x100, PAGE_SHARED)\n}\ncpu 0 \"zap\" {\n  p = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA), VA)\n  free_page(pte_pfn(ptep_get_and_clear(user, VA, p)))\n}\nexpect x86pae-pv: fail use-after-free\n",
	"import \"lazy\"\ntable t\nspinlock l\nproc f(a, b) { if a & b == 1 { return a } else if b { return -b } else { return ~a } }\ncpu 0 { for i in 1..n + 1 { lazy { set_pte(&t[i], 0) } } irqoff { atomic { break } } await x == 1 }\n",
	"/* c */ // d\nirq 0 \"tick\" { while 1 { continue } assert 0, \"no\" }\n",
}

// FuzzParse checks that Parse never panics and returns either a File or a
// *lang.Error with a position.
func FuzzParse(f *testing.F) {
	files := scenarioFiles(f)
	for _, p := range files {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	if len(files) == 0 {
		for _, s := range inlineSeeds {
			f.Add([]byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.mmu", src)
		if err != nil {
			if file != nil {
				t.Fatalf("Parse returned both a file and an error: %v", err)
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("Parse error is %T, not *lang.Error: %v", err, err)
			}
			if le.Pos.File != "fuzz.mmu" {
				t.Fatalf("error without the file name: %q", le.Error())
			}
			if le.Pos.Line < 1 || le.Pos.Col < 1 {
				t.Fatalf("error without a position: %q", le.Error())
			}
			_ = le.Detail()
			return
		}
		if file == nil {
			t.Fatal("Parse returned neither a file nor an error")
		}
	})
}

// Random bytes and random token soup give positioned errors, never a panic.
func TestParseRandomInput(t *testing.T) {
	rng := rand.New(rand.NewSource(42))
	words := []string{"cpu", "0", "irq", "{", "}", "(", ")", "[", "]", "if", "else", "while", "for", "in", "..",
		"x", "=", "+", "-", "&", "!", "~", ",", ":", "1", "0x", "1__", "\"s", "\"s\"", "/*", "*/", "//", "\n",
		"return", "final", "exists", "~", "expect", "fail", "ok", "arch", "x86pae-pv", "lazy", "shared", "t", "&t[1]"}
	for i := 0; i < 500; i++ {
		var src []byte
		if i%2 == 0 {
			src = make([]byte, rng.Intn(64))
			rng.Read(src)
		} else {
			var b strings.Builder
			for j := rng.Intn(40); j >= 0; j-- {
				b.WriteString(words[rng.Intn(len(words))])
				b.WriteByte(" \n\t"[rng.Intn(3)])
			}
			src = []byte(b.String())
		}
		f, err := Parse("r.mmu", src)
		if err == nil {
			if f == nil {
				t.Fatalf("%q: neither a file nor an error", src)
			}
			continue
		}
		var le *Error
		if !errors.As(err, &le) || le.Pos.Line < 1 || le.Pos.Col < 1 {
			t.Fatalf("%q: error %T without a position: %v", src, err, err)
		}
	}
}
