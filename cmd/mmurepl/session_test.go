package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// seed is the ptdump/vmalloc race from the review thread.
const seed = "../../../shared/scenarios/seeds/ptdump-vmalloc-keyfirst.mmu"

// session runs a scripted session (stdin not a terminal) and returns its
// output, stdout and stderr interleaved as a user would see them.
func session(t *testing.T, input string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := run(append([]string{"--no-color"}, args...), strings.NewReader(input), &out, &out)
	return out.String(), code
}

// inOrder fails unless every want appears in out, each after the last.
func inOrder(t *testing.T, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, w := range wants {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("output lacks %q (in order) after the earlier ones; output:\n%s", w, out)
		}
		rest = rest[i+len(w):]
	}
}

// TestScriptedUseAfterFree steps the two CPUs of the seed by hand into
// the use-after-free Ryan described, looks at the page table, then checks
// the script and gets mmuasm check's verdict.
func TestScriptedUseAfterFree(t *testing.T) {
	if _, err := os.Stat(seed); err != nil {
		t.Skip("seed scenario not found:", err)
	}
	input := strings.Join([]string{
		":load " + seed,
		":step 0 4",   // pud, pmd, pte_offset_kernel, the key reads false
		":step 1",     // static_branch_enable: writes the key, sends the sync IPI
		":step ipi 0", // CPU 0 answers it
		":step 1 5",   // enable returns; mmap_write_lock; pud, pmd; pmdp_get: the old table
		":step 0 3",   // pmd_clear, flush, free the table
		":pt init_mm 0xffff800080000000",
		":step 1", // ptep_get in the freed table
		":check",
	}, "\n") + "\n"
	out, code := session(t, input)
	if code != 0 {
		t.Fatalf("exit %d; output:\n%s", code, out)
	}
	inOrder(t, out,
		"Loaded ptdump-vmalloc-keyfirst on arm64",
		"4  CPU 0  22: static_branch_unlikely(ptdump_lock_key) = 0",
		"5  CPU 1  43: static_branch_enable(ptdump_lock_key)",
		"6  IPI 0  IPI from CPU 1: sync",
		"8  CPU 1  44: mmap_write_lock(init_mm)",
		"11  CPU 1  46: pmdp_get(&init_mm.pmd[0]) = 0x807f000003003",
		"12  CPU 0  26: pmd_clear(&init_mm.pmd[0])",
		"14  CPU 0  31: pte_free_kernel(&init_mm.pte[0])",
		"init_mm 0xffff800080000000:",
		"pgd  &init_mm.pgd[256]", "table",
		"pud  &init_mm.pud[2]", "table",
		"pmd  &init_mm.pmd[0]", "none",
		"15  CPU 1  48: ptep_get(&init_mm.pte[0])",
		"use-after-free: CPU 1 read init_mm.pte[0] in ptep_get(): init_mm pte table (page 0x7f000003) was freed by CPU 0 at step 14",
		"ptdump-vmalloc-keyfirst.mmu:48:5",
		"Test ptdump-vmalloc-keyfirst on arm64",
	)

	p, err := compiler.CompileFile(seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.Check(context.Background(), p, vm.Config{Arch: "arm64"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "fail use-after-free" {
		t.Fatalf("mmuasm's verdict is %q, the scenario expects fail use-after-free", r.Verdict)
	}
	inOrder(t, out, "Test ptdump-vmalloc-keyfirst", "Verdict "+r.Verdict+" (expected fail use-after-free: matched)",
		"Counterexample (use-after-free)")
}

// TestStatementsAndDefinitions types a script at the prompt: declarations,
// statements that see the CPU's registers and keep prompt locals, a
// redefinition that replays what was done, and errors that do not end
// the session.
func TestStatementsAndDefinitions(t *testing.T) {
	input := `shared x = 3
const VA = 0xffff800080000000
init {
  map(init_mm, VA, 64K, 0x80000, PAGE_KERNEL)
}
x + 1
p = pgd_offset(init_mm, VA)
pud_offset(p, VA)
cpu 1 "reader" {
  r = x
  x = r + 10
}
:step 1
:cpu 1
r
r = 99
x = 40
:regs 1
shared y
x
bogus(1)
x = = 2
:step 1
:trace
`
	out, code := session(t, input)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some inputs failed)", code)
	}
	inOrder(t, out,
		"defined x", "defined VA", "defined init",
		"= 4",
		"p = &init_mm.pgd[256]",
		"= &init_mm.pud[2]",
		"defined cpu 1",
		"1  CPU 1  7: read x = 3", // lines are the script's, as :list shows it
		"CPU 1 \"reader\": ready, next 8",
		"= 3", // r, a register of CPU 1's block
		"r = 99 (CPU 1's register r is not changed)",
		"r            3",
		"x            40",
		"defined y", // recompiled; the log replayed
		"= 40",
		"<input>:21:1: undefined function bogus", "    bogus(1)\n    ^",
		"<input>:22:5: unexpected \"=\"", "    x = = 2\n        ^",
		"2  CPU 1  8: x = 13", // the register kept its value: 3 + 10
		"prompt: x + 1 → 4",
	)
}

// TestRedefinitionReplays redefines a proc of a loaded script after some
// steps: the steps are replayed on the new program; a step that no longer
// applies is dropped and said so.
func TestRedefinitionReplays(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "two.mmu")
	os.WriteFile(file, []byte("shared x\nproc f() {\n  x = 1\n}\ncpu 0 {\n  f()\n  x = 2\n}\n"), 0o644)
	input := ":load " + file + "\n:step 0 2\nproc f() {\n  return 0\n}\n:regs\nproc f() {\n  nope(\n"
	out, _ := session(t, input)
	inOrder(t, out,
		"1  CPU 0  3: x = 1", "2  CPU 0  7: x = 2",
		// f no longer steps: CPU 0's first step is now x = 2, then it is
		// finished and the second step and the end checks are dropped.
		"2 logged action(s) no longer apply",
		"redefined f",
		"x            2",
		"<input>:8:7: `(` is never closed",
	)
}

// TestErrorsCarryPositions: an error inside a loaded file's item that is
// typed again is reported where it was typed; an error of a file at load
// names the file.
func TestErrorsCarryPositions(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.mmu")
	os.WriteFile(bad, []byte("shared x\ncpu 0 {\n  x = frob(1)\n}\n"), 0o644)
	out, code := session(t, ":load "+bad+"\n:nope\n:step 9\n")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !regexp.MustCompile(`bad\.mmu:3:7: undefined function frob`).MatchString(out) {
		t.Errorf("want the file's position; output:\n%s", out)
	}
	inOrder(t, out, "x = frob(1)\n          ^", "unknown command :nope", "there is no CPU 9")
}

func TestOpenDepth(t *testing.T) {
	for text, want := range map[string]int{
		"cpu 0 {":               1,
		"cpu 0 { x = f(1) }":    0,
		"init {\n  map(":        2,
		`print("{")`:            0,
		"x = 1 // {":            0,
		"/* { ":                 1,
		"/* { */ }":             -1,
		"if a {\n} else {\n  b": 1,
	} {
		if got := openDepth(text); got != want {
			t.Errorf("openDepth(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestIsDeclaration(t *testing.T) {
	for text, want := range map[string]bool{
		"shared x":          true,
		"table t":           true,
		"table = 3":         false,
		"cpu 0 {":           true,
		"cpu = 1":           false,
		"init {":            true,
		`test "x"`:          true,
		"final ~exists (x)": true,
		"expect ok":         true,
		"ptep_get(p)":       false,
		"x = 1":             false,
		"mmap_read_lock(m)": false,
		"proc f() {":        true,
	} {
		if got := isDeclaration(text); got != want {
			t.Errorf("isDeclaration(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestComplete(t *testing.T) {
	var out bytes.Buffer
	s := newSession(&out, &out, vm.Style{})
	if err := s.eval(context.Background(), "shared counter", 1); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		line string
		want string // one of the completions
		head string
	}{
		{":he", ":help", ""},
		{":arch x86", "x86pae-pv", ":arch "},
		{"ptep_get_l", "ptep_get_lockless", ""},
		{"x = coun", "counter", "x = "},
		{"arch xen", "xenpv", "arch "},
		{":pt ini", "init_mm", ":pt "},
		{":step i", "ipi", ":step "},
		{":help tlb_ga", "tlb_gather_mmu", ":help "},
		{"ptep_clear_f", "ptep_clear_flush", ""},
	}
	for _, c := range cases {
		head, got, _ := s.complete(c.line, len(c.line))
		found := false
		for _, g := range got {
			found = found || g == c.want
		}
		if !found || head != c.head {
			t.Errorf("complete(%q) = %q, %q; want %q among them after %q", c.line, head, got, c.want, c.head)
		}
	}
}

// TestIRQRunReplay fires an interrupt by hand, runs to the end, replays
// :check's counterexample and looks at lazy state and TLBs.
func TestIRQRunReplay(t *testing.T) {
	file := filepath.Join(t.TempDir(), "irq.mmu")
	os.WriteFile(file, []byte(`table pt
shared flag
cpu 0 "writer" {
  irqoff {
    set_pte(&pt[0], pfn_pte(0x100, PAGE_KERNEL))
  }
  flag = 1
}
irq 0 "timer" {
  r = flag
  assert r == 1 || ptep_get(&pt[0]) == 0, "the flag is set after the pte"
}
`), 0o644)
	input := `:load ` + file + `
:step 0
:irq 0
:lazy
:step 0 2
:irq 0
:step 0
:regs
:reset
:run 0*3,1
:check
:replay 0*3,1*3
:lazy 0
:tlb
`
	out, _ := session(t, input)
	inOrder(t, out,
		"1  CPU 0  4: local_irq_save() = 0",
		"irq 0 cannot fire now: CPU 0 has IRQs off",
		"CPU 0: arch lazy not entered, not in an interrupt, IRQs off",
		"3  CPU 0  6: local_irq_restore(0)",
		"4  irq 0  interrupt: timer",
		"5  irq 0  10: read flag = 0", // :step 0 runs the handler in progress
		"irq 0 \"timer\": ready, next 11",
		"r            0",
		"CPU 0 \"writer\": ready, next 4", // :reset
		"4  irq 0  interrupt: timer",      // :run goes on lowest thread first
		"assert: the flag is set after the pte",
		"Verdict fail assert",
		"schedule 0*3,1*3",
		"6 │ 11: irq│ ptep_get(&pt[0])", // :replay's trace
		"assert: the flag is set after the pte",
		"CPU 0: arch lazy not entered, in an interrupt, IRQs on",
		"CPU 0: empty",
	)
}

// TestHelpAndHTML: --help is a success on stdout; :html writes the last
// :check as a page, and asks for a :check first.
func TestHelpAndHTML(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"--help"}, strings.NewReader(""), &out, &errOut); code != 0 || !strings.Contains(out.String(), "usage: mmurepl") {
		t.Errorf("--help: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if code := run([]string{"--bogus"}, strings.NewReader(""), &out, &errOut); code != 2 {
		t.Errorf("--bogus: exit %d, want 2", code)
	}
	page := filepath.Join(t.TempDir(), "r.html")
	script := "../../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu"
	got, code := session(t, ":load "+script+"\n:html "+page+"\n")
	if code != 1 || !strings.Contains(got, "run :check, then :html") {
		t.Errorf(":html before :check: exit %d\n%s", code, got)
	}
	got, code = session(t, ":load "+script+"\n:check\n:html "+page+"\n")
	if code != 0 || !strings.Contains(got, "wrote "+page) {
		t.Fatalf(":html: exit %d\n%s", code, got)
	}
	html, err := os.ReadFile(page)
	if err != nil || !bytes.Contains(html, []byte(`<svg class="chart"`)) {
		t.Errorf("no chart in the page: %v", err)
	}
}

// TestNoControlCharacters: a script's test name, labels, print text and
// assert messages reach the terminal escaped.
func TestNoControlCharacters(t *testing.T) {
	got, _ := session(t, ":load ../mmuasm/testdata/hostile/inject.mmu\n:step 0 3\n:trace\n:check\n")
	for _, r := range got {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			t.Fatalf("control character %q in\n%q", r, got)
		}
	}
	if strings.Contains(got, "\nVerdict ok") {
		t.Errorf("a forged verdict line:\n%s", got)
	}
}

// TestHelpBuiltin: :help NAME describes a builtin from the one builtin
// table, new ones included.
func TestHelpBuiltin(t *testing.T) {
	for name, want := range map[string]string{
		"ptep_clear_flush": "ptep_clear_flush(mm, x, x)  step, may wait\n  ptep_get_and_clear() then flush_tlb_page()",
		"alloc_page":       "alloc_page([x])  step\n",
		"percpu_down_read": "percpu_down_read(rwsem)  step, may wait, may sleep\n",
	} {
		var out bytes.Buffer
		s := newSession(&out, &out, vm.Style{})
		if err := s.eval(context.Background(), ":help "+name, 1); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf(":help %s printed %q, want %q in it", name, out.String(), want)
		}
		if !strings.Contains(out.String(), "  kernel: ") {
			t.Errorf(":help %s printed %q, without its kernel source", name, out.String())
		}
	}
}

// TestPreemptReplay: :preempt switches a preemptible task by hand (or
// says why not), the switch is replayed when the script is redefined, and
// an irq on the CPU the task moved to sees the task's words.
func TestPreemptReplay(t *testing.T) {
	input := `:load ../../examples/model/preempt-task-words-follow.mmu
:preempt 0 1
:preempt 0 1
shared extra
:step 0
:irq 1
:step 1
:reset
:preempt 0 9
:irq 1
:preempt 0 1
`
	out, _ := session(t, input)
	inOrder(t, out,
		`sched 0 (resume on CPU 1, :preempt 0 1): undecided`,
		"1  sched 0 preempted on CPU 0, resumed on CPU 1",
		"has been decided already in this execution",
		"defined extra",
		"2  CPU 0  20: owner = 7", // the switch was replayed on the new machine
		`CPU 0 "a task that may migrate" (runs on CPU 1): ready`,
		"4  irq 1  28: read owner = 7",
		"cannot resume on CPU 9",
		"sched 0 not migrated to CPU 1: CPU 1 is not idle",
	)
}

// TestStoreBufferSession steps SB under model tso by hand: both stores
// wait in their CPUs' buffers, both loads read 0, and :flush moves the
// stores to memory; a definition replays the flushes on the new machine.
func TestStoreBufferSession(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.mmu")
	src := "shared x, y\nmodel tso\ncpu 0 {\n  x = 1\n  r = y\n}\ncpu 1 {\n  y = 1\n  r = x\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	input := ":load " + path + "\n:step 0 2\n:step 1 2\n:flush 0\n:flush 0\nshared z\n:flush 1\n:trace\n"
	out, _ := session(t, input)
	inOrder(t, out,
		"1  CPU 0  5: x = 1",
		"2  CPU 0  6: read y = 0",
		"4  CPU 1  10: read x = 0; CPU 0's x = 1 is still in its store buffer",
		"5  sb 0   x = 1 reaches memory (store buffer)",
		"CPU 0's store buffer is empty",
		"defined z",
		"6  sb 1   y = 1 reaches memory (store buffer)",
		"y = 1 reaches memory",
	)
}

// TestTraceFolds: :trace folds a loop's run of like steps, :trace all
// prints every one, and :trace takes nothing else.
func TestTraceFolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loop.mmu")
	src := "shared x\ncpu 0 {\n  for i in 0..12 {\n    x = i\n  }\n}\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := session(t, ":load "+path+"\n:step 0 12\n:trace\n:trace all\n:trace some\n")
	inOrder(t, out,
		"4: x = 1", "… 8 more like these, steps 3–10 …", "4: x = 11", // folded
		"4: x = 1", "4: x = 2", "4: x = 10", "4: x = 11", // all
		"usage: :trace [all]")
	if n := strings.Count(out, "│ 4: x = 5"); n != 1 {
		t.Errorf("x = 5 is in %d tables, want one (:trace all):\n%s", n, out)
	}
}
