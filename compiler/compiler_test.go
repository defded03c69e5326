package compiler

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// compileSrc compiles src as t.mmu with the given options.
func compileSrc(src string, opts *Options) (*vm.Program, error) {
	return Compile("t.mmu", []byte(src), opts)
}

func mustCompile(t *testing.T, src string, opts *Options) *vm.Program {
	t.Helper()
	p, err := compileSrc(src, opts)
	if err != nil {
		var le *lang.Error
		if errors.As(err, &le) {
			t.Fatalf("compile:\n%s\n%s", src, le.Detail())
		}
		t.Fatalf("compile:\n%s\n%v", src, err)
	}
	return p
}

// TestFinalUnassignedRegister: as in herd, a register its CPU never
// assigns is 0 in a final condition, with a warning naming the closest
// assigned register.
func TestFinalUnassignedRegister(t *testing.T) {
	tests := []struct{ name, src, want, verdict string }{
		{"typo", "cpu 0 { result = 1 }\nfinal exists (0:reslt == 1)\nexpect fail condition",
			"t.mmu:2:15: warning: cpu 0 never assigns reslt: 0:reslt is 0 (did you mean result?)", "fail condition"},
		{"unassigned is zero", "cpu 0 { r0 = 1 }\nfinal forall (0:q == 0 && 0:r0 == 1)\nexpect ok",
			"t.mmu:2:15: warning: cpu 0 never assigns q: 0:q is 0", "ok"},
		{"no registers", "shared x\ncpu 0 { x = 1 }\nfinal forall (0:q == 0)\nexpect ok",
			"t.mmu:3:15: warning: cpu 0 never assigns q: 0:q is 0", "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := compileSrc(tt.src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Warnings) != 1 || p.Warnings[0] != tt.want {
				t.Errorf("warnings %q, want [%q]", p.Warnings, tt.want)
			}
			r, err := vm.Check(context.Background(), p, vm.Config{Arch: "arm64"})
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tt.verdict || !r.Matched {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.verdict)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		pos       string // file:line:col
		msg       string // substring of the message
		suggest   string // the suggestion, if one is expected
	}{
		{"unknown builtin", "table t\ncpu 0 {\n  x = ptep_gte(&t[0])\n}", "t.mmu:3:7", "undefined function ptep_gte", "ptep_get"},
		{"unknown builtin statement", "table t\ncpu 0 {\n  set_ptr(&t[0], 0)\n}", "t.mmu:3:3", "undefined function set_ptr", "set_pte"},
		{"arity too few", "cpu 0 {\n  spin_lock()\n}", "t.mmu:2:3", "spin_lock takes 1 argument, not 0", ""},
		{"arity too many", "table t\ncpu 0 {\n  x = ptep_get(&t[0], 1)\n}", "t.mmu:3:7", "ptep_get takes 1 argument, not 2", ""},
		{"proc arity", "proc f(a, b) { return a }\ncpu 0 {\n  x = f(1)\n}", "t.mmu:3:7", "f takes 2 arguments, not 1", ""},
		{"undefined name", "shared counter\ncpu 0 {\n  x = countr + 1\n}", "t.mmu:3:7", "undefined name countr", "counter"},
		{"undefined table", "table pte\ncpu 0 {\n  x = ptep_get(&ptr[1])\n}", "t.mmu:3:17", "undefined table ptr", "pte"},
		{"duplicate cpu", "cpu 0 { }\ncpu 0 { }", "t.mmu:2:1", "cpu 0 is already defined at t.mmu:1:1", ""},
		{"preemptible irq", "cpu 0 { }\nirq 0 preemptible { }", "t.mmu:2:1", "an irq handler is never preempted", ""},
		{"duplicate irq", "irq 1 { }\ncpu 0 { }\nirq 1 { }", "t.mmu:3:1", "irq 1 is already defined", ""},
		{"duplicate shared", "shared x\nshared y, x", "t.mmu:2:11", "x is already declared at t.mmu:1:8", ""},
		{"duplicate across kinds", "shared x\ntable x", "t.mmu:2:1", "x is already declared", ""},
		{"duplicate const", "const N = 1\nconst N = 2", "t.mmu:2:1", "N is already declared", ""},
		{"duplicate proc", "proc f() { }\nproc f() { }\ncpu 0 { }", "t.mmu:2:1", "proc f is already defined at t.mmu:1:1", ""},
		{"proc named like a global", "shared f\nproc f() { }\ncpu 0 { }", "t.mmu:2:1", "f is already declared", ""},
		{"duplicate param", "proc f(a, a) { }\ncpu 0 { }", "t.mmu:1:1", "parameter a appears twice", ""},
		{"two inits", "init { }\ninit { }\ncpu 0 { }", "t.mmu:2:1", "one init block", ""},
		{"two finals", "cpu 0 { }\nfinal exists (1)\nfinal forall (1)", "t.mmu:3:1", "one final condition", ""},
		{"no cpu", "shared x\n", "t.mmu:1:1", "no cpu block", ""},
		{"cpu too large", "cpu 64 { }", "t.mmu:1:1", "CPU number 64 is too large", ""},
		{"final names missing cpu", "cpu 0 { r = 1 }\nfinal exists (0:r == 1 && 1:r == 1)", "t.mmu:2:27", "there is no cpu 1", ""},
		{"final names missing cpu", "cpu 0 { r0 = 1 }\nfinal exists (1:q == 1)", "t.mmu:2:15", "there is no cpu 1", ""},
		{"final names task word", "task n\ncpu 0 { }\nfinal exists (n == 1)", "t.mmu:3:15", "n is a task word", ""},
		{"register outside final", "cpu 0 {\n  x = 1:r\n}", "t.mmu:2:7", "only a final condition can", ""},
		{"assign to const", "const N = 1\ncpu 0 {\n  N = 2\n}", "t.mmu:3:3", "cannot assign to N, which is a const", ""},
		{"assign to table", "table t\ncpu 0 {\n  t = 2\n}", "t.mmu:3:3", "cannot assign to t, which is a table", ""},
		{"assign to lock", "spinlock l\ncpu 0 {\n  l = 2\n}", "t.mmu:3:3", "which is a spinlock", ""},
		{"assign to mm", "cpu 0 {\n  init_mm = 2\n}", "t.mmu:2:3", "which is an mm", ""},
		{"local named like a builtin", "cpu 0 {\n  ptep_get = 2\n}", "t.mmu:2:3", "a local may not take a builtin's name: ptep_get", ""},
		{"loop var named like a builtin", "cpu 0 {\n  for set_pte in 0..2 { }\n}", "t.mmu:2:3", "builtin's name: set_pte", ""},
		{"local named like a proc", "proc f() { }\ncpu 0 {\n  f = 1\n}", "t.mmu:3:3", "a local may not take a proc's name: f", ""},
		{"global named like a builtin", "shared set_pte\ncpu 0 { }", "t.mmu:1:8", "set_pte is a builtin", ""},
		{"spin_lock of a shared word", "shared x\ncpu 0 {\n  spin_lock(x)\n}", "t.mmu:3:13", "spin_lock expects a spinlock, and x is a shared word", ""},
		{"spin_lock of an rwsem", "rwsem s\ncpu 0 {\n  spin_lock(s)\n}", "t.mmu:3:13", "and s is an rwsem", ""},
		{"down_read of an mm", "mm m\ncpu 0 {\n  down_read(m)\n}", "t.mmu:3:13", "down_read expects an rwsem", ""},
		{"map outside init", "mm m\ncpu 0 {\n  map(m, 0x1000, 4K, 1, PAGE_SHARED)\n}", "t.mmu:3:3", "map can only be called in init", ""},
		{"map_pmd outside init", "cpu 0 {\n  map_pmd(init_mm, 0x200000, 0x200, PAGE_KERNEL)\n}", "t.mmu:2:3", "map_pmd can only be called in init", ""},
		{"break outside loop", "cpu 0 {\n  if 1 { break }\n}", "t.mmu:2:10", "break outside a loop", ""},
		{"continue outside loop", "proc f() {\n  continue\n}\ncpu 0 { }", "t.mmu:2:3", "continue outside a loop", ""},
		{"division by zero", "cpu 0 {\n  x = 1 / 0\n}", "t.mmu:2:9", "division by zero", ""},
		{"modulo by const zero", "const Z = 0\ncpu 0 {\n  x = 7\n  x = x % Z\n}", "t.mmu:4:9", "division by zero", ""},
		{"division by folded zero", "cpu 0 {\n  x = 3\n  x = x / (2 - 2)\n}", "t.mmu:3:9", "division by zero", ""},
		{"const division by zero", "const N = 4 / 0\ncpu 0 { }", "t.mmu:1:13", "division by zero", ""},
		{"shared init not constant", "shared x = y\ncpu 0 { }", "t.mmu:1:12", "not a constant", ""},
		{"import nosuch", "import \"nosuch\"\ncpu 0 { }", "t.mmu:1:1", `import "nosuch": no such module`, ""},
		{"import typo", "import \"lazi\"\ncpu 0 { }", "t.mmu:1:1", `did you mean "lazy"?`, ""},
		{"import missing file", "import \"./nosuch.mmu\"\ncpu 0 { }", "t.mmu:1:1", `import "./nosuch.mmu"`, ""},
		{"expect unknown kind", "cpu 0 { }\nexpect fail deadlok", "t.mmu:2:1", `unknown violation kind "deadlok"`, "deadlock"},
		{"expect nonsense kind", "cpu 0 { }\nexpect fail nonsense", "t.mmu:2:1", `unknown violation kind "nonsense"`, ""},
		{"expect arch not on arch line", "arch arm64\ncpu 0 { }\nexpect xenpv: fail lazy", "t.mmu:3:1", "expect line for xenpv", ""},
		{"expect arch without arch line", "cpu 0 { }\nexpect x86pae: ok", "t.mmu:2:1", "expect line for x86pae", ""},
		{"unknown model", "model armv9\ncpu 0 { }", "t.mmu:1:1", "unknown memory model", "armv8"},
		{"locations of a proc", "proc f() { }\ncpu 0 { }\nlocations f\nfinal exists (1 == 1)", "t.mmu:3:11", "locations lists shared words and registers", ""},
		{"expect unknown arch", "arch arm64\ncpu 0 { }\nexpect arm65: ok", "t.mmu:3:1", `unknown arch "arm65"`, ""},
		{"arch line unknown arch", "arch arm64, riscv\ncpu 0 { }", "t.mmu:1:13", `unknown arch "riscv"`, ""},
		{"arch option unknown", "arch arm64 +nosuch\ncpu 0 { }", "t.mmu:1:6", `arch arm64 has no option "nosuch" (options: [bbml2])`, ""},
		{"optional arguments", "cpu 0 {\n  x = alloc_page(1, 2)\n}", "t.mmu:2:7", "alloc_page takes 0 to 1 arguments, not 2", ""},
		{"sleeping builtin in atomic", "cpu 0 {\n  atomic { x = pte_alloc_one() }\n}", "t.mmu:2:16", "pte_alloc_one may wait, which atomic { } cannot", ""},
		{"table index out of range", "table t\ncpu 0 {\n  x = ptep_get(&t[600])\n}", "t.mmu:3:19", "index 600 is out of range: a table has 512 entries", ""},
		{"table index 512", "table t\nconst N = 512\ncpu 0 {\n  set_pte(&t[N], 0)\n}", "t.mmu:4:14", "index 512 is out of range", ""},
		{"index of non-table", "shared s\ncpu 0 {\n  x = &s[1]\n}", "t.mmu:3:8", "s is a shared word, not a table", ""},
		{"index without &", "table t\ncpu 0 {\n  x = t[1]\n}", "t.mmu:3:7", "only under &", ""},
		{"address of an mm", "mm m\ncpu 0 {\n  x = &m\n}", "t.mmu:3:7", "& takes a shared or task word", ""},
		{"lazy without definition", "cpu 0 {\n  lazy {\n  }\n}", "t.mmu:2:3", `lazy_mmu_mode_enable(), which is not defined: add ` + "`import \"lazy\"`", ""},
		{"await in atomic", "shared x\ncpu 0 {\n  atomic { await x }\n}", "t.mmu:3:12", "await inside atomic", ""},
		{"blocking builtin in atomic", "spinlock l\ncpu 0 {\n  atomic { spin_lock(l) }\n}", "t.mmu:3:12", "spin_lock may wait", ""},
		{"waiting proc in atomic", "spinlock l\nproc take() {\n  spin_lock(l)\n}\ncpu 0 {\n  atomic { take() }\n}", "t.mmu:6:12", "take may wait (spin_lock at t.mmu:3:3), which atomic { } cannot", ""},
		{"await two calls deep in atomic", "shared x\nproc w() {\n  await x\n}\nproc f() {\n  w()\n}\ncpu 0 {\n  atomic { f() }\n}", "t.mmu:9:12", "f may wait (await at t.mmu:3:3)", ""},
		{"recursive waiting proc in atomic", "proc f(n) {\n  if n > 0 {\n    f(n - 1)\n  }\n  synchronize_rcu()\n}\ncpu 0 {\n  atomic { f(2) }\n}", "t.mmu:8:12", "f may wait (synchronize_rcu at t.mmu:5:3)", ""},
		{"string as value", "cpu 0 {\n  x = \"s\"\n}", "t.mmu:2:7", "a string can only be", ""},
		{"expression statement", "cpu 0 {\n  1 + 2\n}", "t.mmu:2:5", "this expression does nothing", ""},
		{"constant called", "cpu 0 {\n  x = PAGE_KERNEL()\n}", "t.mmu:2:7", "PAGE_KERNEL is a constant", ""},
		{"builtin without call", "cpu 0 {\n  x = ptep_get\n}", "t.mmu:2:7", "ptep_get is a builtin function", ""},
		{"proc without call", "proc f() { return 1 }\ncpu 0 {\n  x = f\n}", "t.mmu:3:7", "f is a proc", ""},
		{"error in thread return value", "cpu 0 {\n  return ptep_gte(1)\n}", "t.mmu:2:10", "undefined function ptep_gte", "ptep_get"},
		{"error in init", "init {\n  x = nosuch\n}\ncpu 0 { }", "t.mmu:2:7", "undefined name nosuch", ""},
		{"error in irq", "irq 0 {\n  x = nosuch\n}", "t.mmu:2:7", "undefined name nosuch", ""},
		{"parse error", "cpu 0 {\n  x = 0xZZ\n}", "t.mmu:2:7", `bad number "0xZZ"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := compileSrc(tt.src, nil)
			if err == nil {
				t.Fatalf("compiled without error (%d instructions)", len(p.Code))
			}
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not *lang.Error: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), tt.pos+": ") {
				t.Errorf("error %q, want position %s", err, tt.pos)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q, want it to contain %q", err, tt.msg)
			}
			if tt.suggest != "" && le.Suggest != tt.suggest {
				t.Errorf("suggestion %q, want %q", le.Suggest, tt.suggest)
			}
			if tt.suggest != "" && !strings.Contains(err.Error(), "did you mean "+tt.suggest+"?") {
				t.Errorf("error %q does not show the suggestion", err)
			}
			if d := le.Detail(); !strings.HasSuffix(d, "^") {
				t.Errorf("Detail() has no caret line:\n%s", d)
			}
		})
	}
}

// codeOf returns the instructions of the proc named name, up to and
// including its first OpEnd or OpReturn.
func codeOf(t *testing.T, p *vm.Program, name string) []vm.Instr {
	t.Helper()
	for _, pr := range p.Procs {
		if pr.Name != name {
			continue
		}
		for i := pr.Entry; i < len(p.Code); i++ {
			if op := p.Code[i].Op; op == vm.OpEnd || op == vm.OpReturn {
				return p.Code[pr.Entry : i+1]
			}
		}
		t.Fatalf("proc %s does not end", name)
	}
	t.Fatalf("no proc %s", name)
	return nil
}

func TestConstantFolding(t *testing.T) {
	tests := []struct {
		expr string
		want uint64
	}{
		{"(N + 2) * 4 - 1", 19},
		{"N * N == 9 && N != 0 || 0", 1},
		{"4K * 2 + 1M / 2M", 8192},
		{"1 << 40", 1 << 40},
		{"-1", ^uint64(0)},
		{"~0 + 2", 1}, // wraps
		{"!N + !0", 1},
		{"M % 5 | 0x10 ^ 3 & 1", 0x11}, // M = 21: 1 | (0x10 ^ (3 & 1))
		{"0xffffffffffffffff * 2", ^uint64(0) - 1},
		{"1 << 64", 1}, // shift counts are taken mod 64
		{"M >> 2 >= 5", 1},
		{"true + true", 2},
		{"(3 < 4) + (4 <= 4) + (5 > 4) + (4 >= 5)", 3},
	}
	for _, tt := range tests {
		src := fmt.Sprintf("const N = 3\nconst M = N * 7\ncpu 0 {\n  x = %s\n}", tt.expr)
		p := mustCompile(t, src, nil)
		code := codeOf(t, p, "cpu 0")
		if len(code) != 3 || code[1].Op != vm.OpStoreLocal || code[2].Op != vm.OpEnd {
			t.Errorf("%s: %d instructions, want a constant, a store and the end: %v", tt.expr, len(code), code)
			continue
		}
		var got uint64
		switch c := code[0]; c.Op {
		case vm.OpSmall:
			got = uint64(c.A)
		case vm.OpConst:
			got = p.Consts[c.A]
		default:
			t.Errorf("%s: first instruction %v is not a constant", tt.expr, c)
			continue
		}
		if got != tt.want {
			t.Errorf("%s = %d (%#x), want %d (%#x)", tt.expr, got, got, tt.want, tt.want)
		}
	}

	// Consts defined from consts, and initial values, fold too.
	p := mustCompile(t, "const A = 2\nconst B = A * A + 1\nshared x = B << 1, y = -1\nstatic_key k = true\ncpu 0 { }", nil)
	if p.Shared[0].Init != 10 || p.Shared[1].Init != ^uint64(0) || p.Keys[0].Init != 1 {
		t.Errorf("initial values %+v %+v", p.Shared, p.Keys)
	}

	// Something that reads state is not folded.
	p = mustCompile(t, "shared y\ncpu 0 {\n  x = y + 1\n}", nil)
	if code := codeOf(t, p, "cpu 0"); len(code) <= 3 {
		t.Errorf("y + 1 folded to %v", code)
	}
	// A large constant goes to the constant pool once.
	p = mustCompile(t, "cpu 0 {\n  x = 1 << 40\n  y = 1 << 40\n}", nil)
	if len(p.Consts) != 1 || p.Consts[0] != 1<<40 {
		t.Errorf("constant pool %v", p.Consts)
	}
}

// scenarioRoot is the shared acceptance corpus, relative to this package.
const scenarioRoot = "../../shared/scenarios"

func TestScenariosCompile(t *testing.T) {
	var files []string
	err := filepath.WalkDir(scenarioRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".mmu") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil || len(files) == 0 {
		t.Skipf("no scenarios at %s", scenarioRoot)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(scenarioRoot, f)
		t.Run(rel, func(t *testing.T) {
			p, err := CompileFile(f, nil)
			if err != nil {
				var le *lang.Error
				if errors.As(err, &le) {
					t.Fatal(le.Detail())
				}
				t.Fatal(err)
			}
			if len(p.CPUs) == 0 || len(p.Arches) == 0 || p.File != f {
				t.Errorf("program: %d CPUs, arches %v, file %q", len(p.CPUs), p.Arches, p.File)
			}
			if len(p.Code) != len(p.Pos) {
				t.Errorf("%d instructions, %d positions", len(p.Code), len(p.Pos))
			}
		})
	}
}

func TestLazySection(t *testing.T) {
	body := "cpu 0 {\n  lazy {\n    lazy { }\n  }\n}\n"
	if _, err := compileSrc(body, nil); err == nil || !strings.Contains(err.Error(), "import \"lazy\"") {
		t.Errorf("lazy without a definition: %v", err)
	}
	p := mustCompile(t, "import \"lazy\"\n"+body, nil)
	if len(p.Files) != 2 || p.Files[0].Name != "stdlib/lazy.mmu" || p.Files[1].Name != "t.mmu" {
		t.Errorf("files %v, want the module then the script", fileNames(p))
	}
	calls := map[string]int{}
	for _, in := range codeOf(t, p, "cpu 0") {
		if in.Op == vm.OpCall {
			calls[p.Procs[in.A].Name]++
		}
	}
	if calls["lazy_mmu_mode_enable"] != 2 || calls["lazy_mmu_mode_disable"] != 2 {
		t.Errorf("lazy sections call %v, want enable and disable twice each", calls)
	}
	// The script may define the hooks itself instead.
	mustCompile(t, "shared n\nproc lazy_mmu_mode_enable() { n = n + 1 }\nproc lazy_mmu_mode_disable() { n = n - 1 }\n"+body, nil)
	// A break out of a lazy section leaves it.
	p = mustCompile(t, "import \"lazy\"\ncpu 0 {\n  while 1 {\n    lazy { break }\n  }\n}\n", nil)
	calls = map[string]int{}
	for _, in := range codeOf(t, p, "cpu 0") {
		if in.Op == vm.OpCall {
			calls[p.Procs[in.A].Name]++
		}
	}
	if calls["lazy_mmu_mode_disable"] != 2 {
		t.Errorf("break out of lazy: disable called %d times in the code, want 2", calls["lazy_mmu_mode_disable"])
	}
}

func fileNames(p *vm.Program) []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Name)
	}
	return out
}

func TestScriptProcShadowsStdlib(t *testing.T) {
	src := `import "lazy"
shared calls
proc lazy_mmu_mode_enable() {
  calls = calls + 1
}
cpu 0 {
  lazy { }
}
`
	p := mustCompile(t, src, nil)
	main := int32(len(p.Files) - 1)
	n := 0
	for _, pr := range p.Procs {
		if pr.Name != "lazy_mmu_mode_enable" {
			continue
		}
		n++
		if pr.Pos.File != main {
			t.Errorf("lazy_mmu_mode_enable comes from %s, want the script", p.Files[pr.Pos.File].Name)
		}
	}
	if n != 1 {
		t.Errorf("%d procs named lazy_mmu_mode_enable, want 1", n)
	}
	// The module's other procs are still there.
	found := false
	for _, pr := range p.Procs {
		found = found || pr.Name == "lazy_mmu_mode_disable" && pr.Pos.File != main
	}
	if !found {
		t.Error("the module's lazy_mmu_mode_disable is missing")
	}
	// Defining it twice in the script is still an error.
	if _, err := compileSrc(src+"proc lazy_mmu_mode_enable() { }\n", nil); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Errorf("second definition in the script: %v", err)
	}
}

func TestScriptProcShadowsBuiltin(t *testing.T) {
	p := mustCompile(t, "table t\nproc set_pte(ptep, pte) {\n  return 7\n}\ncpu 0 {\n  x = set_pte(&t[0], 1)\n}\n", nil)
	for _, b := range p.Builtins {
		if b == "set_pte" {
			t.Error("set_pte still called as a builtin")
		}
	}
	called := false
	for _, in := range codeOf(t, p, "cpu 0") {
		called = called || in.Op == vm.OpCall && p.Procs[in.A].Name == "set_pte"
	}
	if !called {
		t.Error("the script's set_pte is not called")
	}
}

func TestImports(t *testing.T) {
	files := fstest.MapFS{
		"helpers.mmu": {Data: []byte("import \"./more.mmu\"\nproc twice(a) { return a * 2 }\n")},
		"more.mmu":    {Data: []byte("import \"./helpers.mmu\"\nconst K = 21\n")},
		"broken.mmu":  {Data: []byte("proc f( {\n")},
		"bad.mmu":     {Data: []byte("proc g() {\n  return nosuch\n}\n")},
	}
	p := mustCompile(t, "import \"./helpers.mmu\"\ncpu 0 {\n  x = twice(K)\n}\n", &Options{Files: files})
	if got := fileNames(p); strings.Join(got, " ") != "more.mmu helpers.mmu t.mmu" {
		t.Errorf("files %v", got)
	}
	_, err := compileSrc("import \"./broken.mmu\"\ncpu 0 { }\n", &Options{Files: files})
	if err == nil || !strings.HasPrefix(err.Error(), "broken.mmu:1:") {
		t.Errorf("parse error in an import: %v", err)
	}
	_, err = compileSrc("import \"./bad.mmu\"\ncpu 0 { }\n", &Options{Files: files})
	if err == nil || !strings.HasPrefix(err.Error(), "bad.mmu:2:10: undefined name nosuch") {
		t.Errorf("compile error in an import: %v", err)
	}
	var le *lang.Error
	if errors.As(err, &le) && le.Line != "  return nosuch" {
		t.Errorf("error line %q is not the module's", le.Line)
	}
	// Modules can come from another file system.
	mods := fstest.MapFS{"mine.mmu": {Data: []byte("const MINE = 5\n")}}
	mustCompile(t, "import \"mine\"\ncpu 0 { x = MINE }\n", &Options{Modules: mods})
	_, err = compileSrc("import \"lazy\"\ncpu 0 { }\n", &Options{Modules: mods})
	if err == nil || !strings.Contains(err.Error(), "no such module") {
		t.Errorf("lazy with another module fs: %v", err)
	}
}

func TestProgramShape(t *testing.T) {
	p := mustCompile(t, `test "shape"
arch arm64, x86pae-pv
shared x, y
cpu 2 "two" {
  r = x
}
irq 2 { }
irq 5 { }
cpu 0 {
  r = y
}
final forall (0:r == 0 || 2:r == 1)
expect ok
expect x86pae-pv: fail use-after-free
`, nil)
	if p.Name != "shape" || p.File != "t.mmu" {
		t.Errorf("name %q file %q", p.Name, p.File)
	}
	if strings.Join(p.Arches, ",") != "arm64,x86pae-pv" {
		t.Errorf("arches %v", p.Arches)
	}
	var cpus []string
	for _, c := range p.CPUs {
		cpus = append(cpus, fmt.Sprintf("%d%q", c.CPU, c.Label))
	}
	// Sorted by number; an irq on a CPU without a cpu block gets an idle one.
	if strings.Join(cpus, " ") != `0"" 2"two" 5"idle"` {
		t.Errorf("cpus %v", cpus)
	}
	if len(p.IRQs) != 2 || p.IRQs[0].CPU != 2 || p.IRQs[1].CPU != 5 {
		t.Errorf("irqs %+v", p.IRQs)
	}
	if p.Final == nil || p.Final.Kind != vm.Forall || len(p.Final.Observed) != 2 {
		t.Fatalf("final %+v", p.Final)
	}
	if p.Final.Observed[0].Label != "0:r" || p.Final.Observed[1].Label != "2:r" {
		t.Errorf("observed %+v", p.Final.Observed)
	}
	if len(p.Expects) != 2 || !p.Expects[0].OK || p.Expects[1].Arch != "x86pae-pv" || p.Expects[1].Kind != "use-after-free" {
		t.Errorf("expects %+v", p.Expects)
	}
	if got := p.ExpectationFor("arm64"); len(got) != 1 {
		t.Errorf("arm64 expectations %+v", got)
	}

	// Defaults: arm64 and the file name.
	p, err := Compile("dir/name.mmu", []byte("cpu 0 { }"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "name" || len(p.Arches) != 1 || p.Arches[0] != "arm64" || p.Init != -1 || p.Final != nil {
		t.Errorf("defaults: name %q arches %v init %d final %v", p.Name, p.Arches, p.Init, p.Final)
	}
}

// Item words are keywords only where an item starts.
func TestKeywordsAsLocals(t *testing.T) {
	p := mustCompile(t, "cpu 0 {\n  table = 3\n  task = table + 1\n  ok = task\n}\nfinal exists (0:table == 3 && 0:ok == 4)\n", nil)
	if p.Final == nil || len(p.Final.Observed) != 2 {
		t.Errorf("final %+v", p.Final)
	}
}

func TestAssertMessage(t *testing.T) {
	p := mustCompile(t, "shared x\ncpu 0 {\n  assert x == 0 // note\n  assert x < 2, \"custom\"\n}\n", nil)
	if len(p.Strings) < 2 || p.Strings[0] != "assert x == 0" || p.Strings[1] != "custom" {
		t.Errorf("assert messages %q", p.Strings)
	}
}

// FuzzCompile checks that Compile never panics and that every error it
// returns is positioned.
func FuzzCompile(f *testing.F) {
	_ = filepath.WalkDir(scenarioRoot, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".mmu") {
			if src, err := os.ReadFile(path); err == nil {
				f.Add(src)
			}
		}
		return nil
	})
	f.Add([]byte("import \"lazy\"\ntable t\nconst N = 3\nshared x\ncpu 0 {\n  for i in 0..N { lazy { set_pte(&t[i], pfn_pte(i, PAGE_KERNEL)) } }\n  irqoff { atomic { x = x / 1 } }\n  while 1 { if x { break } continue }\n}\nfinal forall (0:i == 3)\nexpect ok\n"))
	f.Add([]byte("shared x: s32 = -1, y: u64, z: q9\ntask w: u8\ncpu 0 {\n  x = 0x1ffffffff\n}\nfinal exists (x == -1)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Compile("fuzz.mmu", src, &Options{Files: fstest.MapFS{}})
		if err != nil {
			var le *lang.Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not *lang.Error: %v", err, err)
			}
			if le.Pos.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		if len(p.Code) != len(p.Pos) || len(p.CPUs) == 0 {
			t.Fatalf("bad program: %d instructions, %d positions, %d CPUs", len(p.Code), len(p.Pos), len(p.CPUs))
		}
	})
}

// TestWhileRotated: a while loop with a test is emitted with the test
// before the first pass and again after each, the back-edge to the body,
// so that a pass ends with the test that decides the next one (vm's
// spinLoops relies on it); `while true` has no test, and a for loop keeps
// the test at the head, the shape vm's counted loops recognise.
func TestWhileRotated(t *testing.T) {
	p := mustCompile(t, `shared x
cpu 0 {
  s = 0
  while s != 2 {
    s = x
  }
  while true {
    if x == 1 {
      break
    }
  }
  for i in 0..3 {
    s = x
  }
}
`, nil)
	var edges []int
	for pc, in := range p.Code {
		if in.Op == vm.OpBackEdge {
			edges = append(edges, pc)
		}
	}
	if len(edges) != 3 {
		t.Fatalf("back-edges at %v, want 3", edges)
	}
	code := p.Code
	exitsTo := func(pc, to int) bool { return code[pc].Op == vm.OpJumpIfZero && int(code[pc].A) == to }
	// while s != 2: jz before the body and jz before the back-edge, both
	// to just after it
	w, body := edges[0], int(code[edges[0]].A)
	if !exitsTo(body-1, w+1) || !exitsTo(w-1, w+1) {
		t.Errorf("while with a test: back-edge %d to %d, code %v", w, body, code[body-1:w+1])
	}
	// while true: no test at either end
	w, body = edges[1], int(code[edges[1]].A)
	if code[w-1].Op == vm.OpJumpIfZero || code[body-1].Op == vm.OpJumpIfZero {
		t.Errorf("while true: back-edge %d to %d, code %v", w, body, code[body-1:w+1])
	}
	// for: the back-edge goes to the test, which leaves past it
	f, head := edges[2], int(code[edges[2]].A)
	if code[head].Op != vm.OpLoadLocal || !exitsTo(head+3, f+1) {
		t.Errorf("for: back-edge %d to %d, code %v", f, head, code[head:f+1])
	}
}
