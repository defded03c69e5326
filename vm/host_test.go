package vm_test

// Tests of mmuvm as a library: host builtins and the dependency relation,
// concurrent checks of one Program, host panics, typed errors and
// host-provided modules.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm"
)

// pokeScript races a host builtin against the kernel: CPU 0 installs an
// entry and reads it back; CPU 1 is a device (a host builtin) that writes
// the same entry. Only the order set_pte, hw_poke, ptep_get breaks the
// assert; the other two orders pass.
const pokeScript = `test "hw_poke race"
table t

cpu 0 "kernel" {
  set_pte(&t[0], pfn_pte(42, PAGE_KERNEL))
  r = ptep_get(&t[0])
  assert pte_pfn(r) == 42, "the entry changed under us"
}
cpu 1 "device" {
  hw_poke(&t[0], 0)
}
`

// pokeRegistry returns the standard builtins plus hw_poke(ptep, v): one
// visible step that writes v to the table entry at ptep through c.Set, so
// that the write is in the step's footprint (unless untracked).
func pokeRegistry(t testing.TB, untracked bool) *mmu.Registry {
	t.Helper()
	reg := mmu.Builtins().Clone()
	err := reg.Register(&mmu.Builtin{
		Name:      "hw_poke",
		Arity:     2,
		Kind:      mmu.Step,
		Params:    "..",
		Void:      true,
		Untracked: untracked,
		Fn: func(c *mmu.Call) (uint64, mmu.Status) {
			c.Set(c.Args[0], c.Args[1])
			return 0, mmu.Done
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func compileWith(t testing.TB, name, src string, reg *mmu.Registry) *vm.Program {
	t.Helper()
	prog, err := compiler.Compile(name, []byte(src), &compiler.Options{Builtins: reg})
	if err != nil {
		var lerr *lang.Error
		if errors.As(err, &lerr) {
			t.Fatal(lerr.Detail())
		}
		t.Fatal(err)
	}
	return prog
}

func check(t testing.TB, prog *vm.Program, cfg vm.Config) *vm.Result {
	t.Helper()
	res, err := vm.Check(context.Background(), prog, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestHostBuiltinRace: a host builtin that declares what it touches (by
// reading and writing through Call.Get/Call.Set) takes part in the
// explorer's dependency relation, so partial-order reduction explores the
// order in which it lands between CPU 0's write and read, and finds the
// broken assert. Declared Untracked, the same builtin is taken to be
// independent of every other step: the reduction explores one order of it
// against CPU 0 (the first one, where the device runs last) and reports ok.
//
// Untracked is a promise the host makes, not something the checker can
// verify: a host that declares a builtin untracked while it really shares
// state with the script gets a wrong "ok". Only the searches that do not
// rely on the dependency relation (dfs, the stateful search) still see the
// race; they are run here too, to show that the race is real either way.
func TestHostBuiltinRace(t *testing.T) {
	for _, search := range []string{"", "dpor"} {
		name := search
		if name == "" {
			name = "auto"
		}
		t.Run(name, func(t *testing.T) {
			tracked := pokeRegistry(t, false)
			res := check(t, compileWith(t, "poke.mmu", pokeScript, tracked), vm.Config{Arch: "arm64", Search: search, Builtins: tracked})
			if res.Verdict != "fail assert" {
				t.Fatalf("tracked hw_poke: verdict %q, want fail assert (executions %d)", res.Verdict, res.Executions)
			}
			v := res.Violations[0]
			var trace []string
			for _, e := range v.Trace {
				trace = append(trace, res.Threads[e.Thread]+": "+e.Text)
			}
			got := strings.Join(trace, "\n")
			if !strings.Contains(got, "CPU 1: hw_poke(&t[0], 0)") || !strings.Contains(got, "CPU 0: set_pte(&t[0]") {
				t.Errorf("the counterexample does not show the race through hw_poke:\n%s", got)
			}
			if len(v.Schedule) == 0 || vm.EncodeSchedule(v.Schedule) != "0,1,0" {
				t.Errorf("schedule %s, want 0,1,0 (set_pte, hw_poke, ptep_get)", vm.EncodeSchedule(v.Schedule))
			}

			untracked := pokeRegistry(t, true)
			res2 := check(t, compileWith(t, "poke.mmu", pokeScript, untracked), vm.Config{Arch: "arm64", Search: search, Builtins: untracked})
			if res2.Verdict != "ok" {
				t.Fatalf("untracked hw_poke: verdict %q, want ok: the host declared the builtin independent, so the reduction must not explore the failing order", res2.Verdict)
			}
			if res2.Verdict == res.Verdict {
				t.Fatal("declaring the builtin untracked made no difference")
			}
			if res2.Executions >= res.Executions {
				t.Errorf("untracked: %d executions, tracked: %d; want fewer when the builtin is independent", res2.Executions, res.Executions)
			}
		})
	}
	// A plain depth-first search ignores the dependency relation: it finds
	// the race whatever the host declared.
	for _, untracked := range []bool{false, true} {
		reg := pokeRegistry(t, untracked)
		res := check(t, compileWith(t, "poke.mmu", pokeScript, reg), vm.Config{Arch: "arm64", Search: "dfs", Builtins: reg})
		if res.Verdict != "fail assert" {
			t.Errorf("dfs, untracked=%v: verdict %q, want fail assert", untracked, res.Verdict)
		}
	}
}

// TestHostBuiltinTouch: a host builtin whose state is not in machine memory
// declares what it depends on with Call.Touch(key, write): two calls that
// write the same key are dependent (the explorer orders them both ways),
// two that only read it are not.
func TestHostBuiltinTouch(t *testing.T) {
	src := `cpu 0 {
  dev_claim()
}
cpu 1 {
  dev_claim()
}
`
	for _, c := range []struct {
		write bool
		want  int
	}{{true, 2}, {false, 1}} {
		reg := mmu.Builtins().Clone()
		err := reg.Register(&mmu.Builtin{
			Name: "dev_claim", Arity: 0, Kind: mmu.Step, Void: true,
			Fn: func(call *mmu.Call) (uint64, mmu.Status) {
				call.Touch(7, c.write)
				return 0, mmu.Done
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		res := check(t, compileWith(t, "touch.mmu", src, reg), vm.Config{Builtins: reg, Search: "dpor"})
		if res.Verdict != "ok" || res.Executions != c.want {
			t.Errorf("Touch(7, %v): verdict %q, %d executions; want ok, %d", c.write, res.Verdict, res.Executions, c.want)
		}
	}
}

// summary is the part of a Result that must not depend on timing.
type summary struct {
	Verdict, Expected       string
	Matched, Complete       bool
	Executions, States      int
	FinalStates             []vm.FinalState
	Observation             vm.Observation
	Positive, Negative      int
	Kinds, Bounds           []string
	Counts                  map[string]int
	Schedules, Traces, Msgs []string
}

func summarize(r *vm.Result) summary {
	s := summary{Verdict: r.Verdict, Expected: r.Expected, Matched: r.Matched, Complete: r.Complete,
		Executions: r.Executions, States: r.States, FinalStates: r.FinalStates, Observation: r.Observation,
		Positive: r.Positive, Negative: r.Negative, Kinds: r.Kinds(), Bounds: r.Bounds, Counts: r.Counts}
	vs := r.Violations
	if r.Witness != nil {
		vs = append(vs[:len(vs):len(vs)], r.Witness)
	}
	for _, v := range vs {
		s.Schedules = append(s.Schedules, vm.EncodeSchedule(v.Schedule))
		s.Msgs = append(s.Msgs, v.Error())
		var b strings.Builder
		for _, e := range v.Trace {
			fmt.Fprintf(&b, "%d %d %v %s\n", e.Step, e.Thread, e.Pos, e.Text)
		}
		s.Traces = append(s.Traces, b.String())
	}
	return s
}

// keyFirstScript is ptdump-vmalloc-keyfirst from the acceptance corpus: a
// use-after-free with an IPI, a static key and a lock, enough to give the
// explorer real work.
const keyFirstScript = `test "ptdump-vmalloc-keyfirst"
arch arm64
static_key ptdump_lock_key
const VA = 0xffff800080000000
init {
  map(init_mm, VA, 2M, 0x80000, PAGE_KERNEL)
}
proc pmd_free_pte_page(pmdp, addr) {
  table = pte_offset_kernel(pmdp, addr)
  locked = static_branch_unlikely(ptdump_lock_key)
  if locked {
    mmap_read_lock(init_mm)
  }
  pmd_clear(pmdp)
  if locked {
    mmap_read_unlock(init_mm)
  }
  __flush_tlb_kernel_pgtable(addr)
  pte_free_kernel(table)
  return 1
}
cpu 0 "vmalloc" {
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  if pmd_free_pte_page(pmdp, VA) {
    set_pmd(pmdp, pfn_pmd(0x90000, PAGE_KERNEL))
  }
}
cpu 1 "ptdump" {
  static_branch_enable(ptdump_lock_key)
  mmap_write_lock(init_mm)
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  pmd = pmdp_get(pmdp)
  if pmd_table(pmd) {
    pte = ptep_get(pte_offset_lockless(pmdp, pmd, VA))
  }
  mmap_write_unlock(init_mm)
  static_branch_disable(ptdump_lock_key)
}
expect fail use-after-free
`

// TestCheckConcurrent: Check is safe to call from many goroutines on one
// Program (and one Registry), and each call gives the result a lone call
// gives. Run with -race to check the first half of that.
func TestCheckConcurrent(t *testing.T) {
	reg := pokeRegistry(t, false)
	cases := []struct {
		name, src string
		cfg       vm.Config
	}{
		{"sb", sbScript, vm.Config{}},
		{"keyfirst", keyFirstScript, vm.Config{}},
		{"keyfirst-all", keyFirstScript, vm.Config{All: true}},
		{"poke", pokeScript, vm.Config{}},
		{"poke-dfs-all", pokeScript, vm.Config{Search: "dfs", All: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prog := compileWith(t, c.name+".mmu", c.src, reg)
			c.cfg.Builtins = reg
			want := summarize(check(t, prog, c.cfg))
			const n = 8
			got := make([]summary, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := vm.Check(context.Background(), prog, c.cfg)
					if err != nil {
						errs[i] = err
						return
					}
					got[i] = summarize(res)
				}()
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("goroutine %d: %v", i, errs[i])
				}
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("goroutine %d:\n got %+v\nwant %+v", i, got[i], want)
				}
			}
		})
	}
}

// TestHostBuiltinPanic: a host builtin that panics must not crash the
// host: the panic comes back from Check, either as the returned error or
// as a violation of kind "error" that names the panic value.
func TestHostBuiltinPanic(t *testing.T) {
	reg := mmu.Builtins().Clone()
	err := reg.Register(&mmu.Builtin{
		Name: "hw_poke", Arity: 2, Kind: mmu.Step, Params: "..",
		Fn: func(c *mmu.Call) (uint64, mmu.Status) {
			panic("device on fire")
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	prog := compileWith(t, "poke.mmu", pokeScript, reg)
	var res *vm.Result
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("a host builtin's panic crossed the API: %v", p)
			}
		}()
		res, err = vm.Check(context.Background(), prog, vm.Config{Builtins: reg})
	}()
	switch {
	case err != nil:
		if !strings.Contains(err.Error(), "device on fire") {
			t.Errorf("error %q does not name the panic", err)
		}
	case res == nil:
		t.Fatal("Check returned neither a result nor an error")
	default:
		// What Check does today: the interpreter turns the panic into a
		// violation of kind "error" (its Check doc says "returned as an
		// error"; see the report of issue 6).
		var found *vm.Violation
		for _, v := range res.Violations {
			if v.Kind == "error" {
				found = v
			}
		}
		if found == nil || !strings.Contains(found.Msg, "device on fire") {
			t.Fatalf("no error from Check and no violation naming the panic: verdict %q, violations %v", res.Verdict, res.Violations)
		}
		if res.Verdict == "ok" {
			t.Error("a panicking host builtin gave the verdict ok")
		}
	}

	// Stepping by hand does not panic either.
	m, err := vm.NewMachine(prog, "arm64", reg, vm.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("Machine.Step let a host panic through: %v", p)
			}
		}()
		if err := m.Step(1); err != nil {
			t.Fatal(err)
		}
	}()
	if v := m.Violation(); v == nil || !strings.Contains(v.Msg, "device on fire") {
		t.Errorf("after a panicking step: violation %v", v)
	}
}

// TestCompileErrorIsLangError: every compile error is a *lang.Error with
// the file, line and column of the fault, found by errors.As even when the
// host wraps it.
func TestCompileErrorIsLangError(t *testing.T) {
	cases := []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unknown builtin", "shared x\ncpu 0 {\n  r = ptep_gte(&x)\n}\n", 3, 7, "ptep_gte"},
		{"syntax", "shared x\ncpu 0 {\n  x = = 1\n}\n", 3, 7, ""},
		{"arity", "table t\ncpu 0 {\n  set_pte(&t[0])\n}\n", 3, 3, "set_pte"},
		// compiled without the host's registry: hw_poke is unknown
		{"host builtin missing", pokeScript, 10, 3, "hw_poke"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := compiler.Compile("bad.mmu", []byte(c.src), nil)
			if err == nil {
				t.Fatal("compiled")
			}
			wrapped := fmt.Errorf("my tool: %w", err)
			var lerr *lang.Error
			if !errors.As(wrapped, &lerr) {
				t.Fatalf("%T %v is not a *lang.Error", err, err)
			}
			if lerr.Pos.File != "bad.mmu" || lerr.Pos.Line != c.line || lerr.Pos.Col != c.col {
				t.Errorf("position %v, want bad.mmu:%d:%d (%s)", lerr.Pos, c.line, c.col, lerr.Msg)
			}
			if !strings.Contains(lerr.Msg, c.msg) {
				t.Errorf("message %q does not mention %q", lerr.Msg, c.msg)
			}
			if !strings.HasPrefix(lerr.Detail(), err.Error()+"\n") || !strings.HasSuffix(lerr.Detail(), "^") {
				t.Errorf("Detail() should be Error(), the line and a caret:\n%s", lerr.Detail())
			}
		})
	}
}

// TestViolationIsError: a reported violation is an error value too.
func TestViolationIsError(t *testing.T) {
	prog := compileWith(t, "keyfirst.mmu", keyFirstScript, nil)
	res := check(t, prog, vm.Config{})
	if len(res.Violations) == 0 {
		t.Fatalf("verdict %q", res.Verdict)
	}
	var err error = fmt.Errorf("ptdump: %w", res.Violations[0])
	var v *vm.Violation
	if !errors.As(err, &v) || v.Kind != "use-after-free" || len(v.Trace) == 0 {
		t.Fatalf("errors.As: %v", err)
	}
}

// TestModulesFS: Options.Modules replaces the embedded stdlib as the place
// `import "NAME"` reads NAME.mmu from; Options.Files serves "./x.mmu".
func TestModulesFS(t *testing.T) {
	mods := fstest.MapFS{
		"mine.mmu": {Data: []byte(`// a host's own module
shared counter

proc bump() {
  atomic {
    counter = counter + 1
  }
}
`)},
	}
	files := fstest.MapFS{
		"helpers.mmu": {Data: []byte("proc twice() {\n  bump()\n  bump()\n}\n")},
	}
	src := `import "mine"
import "./helpers.mmu"
cpu 0 {
  twice()
}
cpu 1 {
  bump()
}
final forall (counter == 3)
expect ok
`
	prog, err := compiler.Compile("use.mmu", []byte(src), &compiler.Options{Modules: mods, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	res := check(t, prog, vm.Config{})
	if res.Verdict != "ok" || !res.Matched {
		t.Errorf("verdict %q (expected %q)", res.Verdict, res.Expected)
	}
	var names []string
	for _, f := range prog.Files {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "mine.mmu") || !strings.Contains(got, "helpers.mmu") {
		t.Errorf("program sources %q, want mine.mmu and helpers.mmu", got)
	}

	// With Modules set, the embedded stdlib is not consulted: a missing
	// module is a positioned error.
	_, err = compiler.Compile("use.mmu", []byte("import \"lazy\"\ncpu 0 {\n}\n"), &compiler.Options{Modules: mods})
	var lerr *lang.Error
	if !errors.As(err, &lerr) || lerr.Pos.Line != 1 || !strings.Contains(lerr.Msg, "lazy") {
		t.Errorf("import of a module the FS lacks: %v", err)
	}
}

// TestCheckContext: a cancelled context or a timeout ends a check early with
// a result that says it is incomplete, not with a hang or a panic.
func TestCheckContext(t *testing.T) {
	prog := compileWith(t, "keyfirst.mmu", keyFirstScript, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	var res *vm.Result
	var err error
	go func() {
		defer close(done)
		res, err = vm.Check(ctx, prog, vm.Config{All: true})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Check ignored a cancelled context")
	}
	if err != nil {
		t.Logf("cancelled: %v", err)
		return // an error is a fine answer to a cancelled context
	}
	t.Logf("cancelled: verdict %q, %d executions, bounds %v", res.Verdict, res.Executions, res.Bounds)
	if res.Complete {
		t.Errorf("a cancelled check claims to be complete: verdict %q, %d executions", res.Verdict, res.Executions)
	}
}

// TestHostBuiltinFail: a host builtin raises a violation of its own kind
// with Call.M.Fail; it is reported like any other, with its trace.
func TestHostBuiltinFail(t *testing.T) {
	reg := mmu.Builtins().Clone()
	err := reg.Register(&mmu.Builtin{
		Name: "dev_dma", Arity: 1, Kind: mmu.Step, Params: ".", Void: true,
		Fn: func(c *mmu.Call) (uint64, mmu.Status) {
			if pte := c.Get(c.Args[0]); pte == 0 {
				c.M.Fail("device", "DMA through a cleared entry (%s)", c.M.AddrName(c.Args[0]))
			}
			return 0, mmu.Done
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	src := `table t
init {
  set_pte(&t[3], pfn_pte(42, PAGE_KERNEL))
}
cpu 0 "kernel" {
  pte_clear(init_mm, 0, &t[3])
}
cpu 1 "device" {
  dev_dma(&t[3])
}
`
	prog := compileWith(t, "dma.mmu", src, reg)
	res := check(t, prog, vm.Config{Builtins: reg})
	if res.Verdict != "fail device" {
		t.Fatalf("verdict %q, want fail device", res.Verdict)
	}
	v := res.Violations[0]
	if !strings.Contains(v.Msg, "t[3]") || len(v.Trace) != 2 || v.Schedule[len(v.Schedule)-1] != 1 {
		t.Errorf("violation %v, schedule %v, trace %v", v, v.Schedule, v.Trace)
	}
}
