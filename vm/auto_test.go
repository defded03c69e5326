package vm_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestAutoFavour: auto's lockstep lets the stateful search go first, and
// win a tie, on a script with an irq handler that may fire between its
// CPU's steps, a preemptible task, a
// spin loop (a retry that only reads), a retry loop or a counted loop
// that takes a lock, and dpor otherwise (an await of one load among
// them: dpor takes its failed passes as waits); the verdict does not
// depend on it. (The body's two CPUs reach 3 × 6 = 18 states, more than
// fewOrders takes for few.)
func TestAutoFavour(t *testing.T) {
	const body = `
shared x, y
spinlock l
cpu 0 %s{
  x = 1
  x = 2
}
%s
cpu 1 {
  r = x
  s = y
  s = y
  s = y
  s = y
}
expect ok
`
	for _, c := range []struct {
		name, cpu0, irq string
		state           bool
	}{
		{"plain", "", "", false},
		{"irq", "", "irq 0 {\n  x = 3\n}", true},
		{"irq on an idle CPU", "", "cpu 3 {\n}\nirq 3 {\n  x = 3\n}", false},
		{"preemptible", "preemptible ", "", true},
		{"lock", "", "cpu 2 {\n  spin_lock(l)\n  x = 4\n  spin_unlock(l)\n}", false},
		{"loop", "", "cpu 2 {\n  for i in 0..2 {\n    x = i\n  }\n}", false},
		{"lock in a loop", "", "cpu 2 {\n  for i in 0..2 {\n    spin_lock(l)\n    x = i\n    spin_unlock(l)\n  }\n}", true},
		{"await", "", "cpu 2 {\n  await x == 2\n}", false},
		{"await of two loads", "", "cpu 2 {\n  await x == 2 && x == 2\n}", true},
		{"retry loop", "", "cpu 2 {\n  while true {\n    a = x\n    if a == x {\n      break\n    }\n  }\n}", true},
		{"poll under a lock", "", "cpu 2 {\n  while true {\n    spin_lock(l)\n    a = x\n    spin_unlock(l)\n    if a == 2 {\n      break\n    }\n  }\n}", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(strings.Replace(body, "%s", c.cpu0, 1), "%s", c.irq, 1)
			checkFavour(t, c.name, src, c.state)
		})
	}
}

// checkFavour compiles src and checks, with one worker and with two, that
// auto keeps the stateful search's result exactly when state is set (and
// that the verdict matches either way). A check the stateful search
// settles in its first slice, where it runs alone, gives the same result
// with two workers as with one: with two, the parallel search's first
// worker runs that slice alone and goes on from there.
func checkFavour(t *testing.T, name, src string, state bool) {
	t.Helper()
	p, err := compiler.Compile(name+".mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var one *vm.Result
	for _, j := range []int{1, 2} {
		r, err := vm.Check(context.Background(), p, vm.Config{Workers: j})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Matched || !r.Complete && len(r.Violations) == 0 { // a violation ends the check
			t.Fatalf("-j %d: verdict %s, complete %v", j, r.Verdict, r.Complete)
		}
		got := strings.Contains(strings.Join(r.Notes, "\n"), "stateful search finished first")
		if got != state {
			t.Errorf("-j %d: the stateful search's result is kept: %v, want %v (notes %q)", j, got, state, r.Notes)
		}
		if one == nil {
			one = r
		} else if state && strings.Contains(strings.Join(one.Notes, "\n"), "within its first slice") {
			if !reflect.DeepEqual(sameCounts(r), sameCounts(one)) || !reflect.DeepEqual(r.Notes, one.Notes) {
				t.Errorf("-j 2 gave %v %q, -j 1 %v %q", sameCounts(r), r.Notes, sameCounts(one), one.Notes)
			}
		}
	}
}

// sameCounts is what a check settled by one worker reports the same for
// every -j.
func sameCounts(r *vm.Result) []any {
	return []any{r.Verdict, r.Executions, r.States, len(r.FinalStates), r.SplitCounts}
}

// TestAutoFavourFewOrders: a script whose CPUs reach at most 16 states
// between them (the product of one more than each CPU's most steps), or
// where only one CPU takes steps, favours the stateful search, and so
// does one of at most 64 states that seeks a violation and declares no
// lock; more states, a loop on one of two CPUs, or store buffers keep
// dpor.
func TestAutoFavourFewOrders(t *testing.T) {
	for _, c := range []struct {
		name, src string
		state     bool
	}{
		{"sb: 3 × 3", "shared x, y\ncpu 0 {\n  x = 1\n  r = y\n}\ncpu 1 {\n  y = 1\n  r = x\n}\nexpect ok\n", true},
		{"sb under tso: the flushes are not counted", "arch x86pae\nmodel tso\nshared x, y\ncpu 0 {\n  x = 1\n  r = y\n}\ncpu 1 {\n  y = 1\n  r = x\n}\nexpect ok\n", false},
		{"one CPU with a loop", "shared x\ncpu 0 {\n  for i in 0..50 {\n    x = i\n  }\n}\ncpu 1 {\n}\nexpect ok\n", true},
		{"3 × 3 × 3", "shared x, y, z\ncpu 0 {\n  x = 1\n  r = y\n}\ncpu 1 {\n  y = 1\n  r = z\n}\ncpu 2 {\n  z = 1\n  r = x\n}\nexpect ok\n", false},
		{"an await: its load once", "shared x, y\ncpu 0 {\n  x = 1\n  y = 1\n}\ncpu 1 {\n  await y == 1\n  r = x\n}\nexpect ok\n", true},
		{"a loop beside another CPU", "shared x, y\ncpu 0 {\n  for i in 0..2 {\n    x = i\n  }\n}\ncpu 1 {\n  r = x\n}\nexpect ok\n", false},
		{"6 × 6, seeking a violation", failing36("", "fail assert"), true},
		{"6 × 6, passing", failing36("", "ok"), false},
		{"6 × 6 and a lock, seeking a violation", failing36("spinlock l\n", "fail assert"), false},
		{"a call on a path", "shared x, y\nproc two() {\n  x = 1\n  x = 2\n}\ncpu 0 {\n  if y == 0 {\n    two()\n  }\n  x = 3\n}\ncpu 1 {\n  y = 1\n  r = x\n  r = x\n}\nexpect ok\n", false},
	} {
		t.Run(c.name, func(t *testing.T) { checkFavour(t, c.name, c.src, c.state) })
	}
}

// failing36 is a script of two CPUs of five steps each (36 states),
// with decl declared and expect as its expect line: its assertion fails
// when CPU 1 reads y = 1 and x = 2, and "fail assert" asks for that
// (with a lock declared, CPU 0 takes it around its stores: 8 × 6 states).
func failing36(decl, expect string) string {
	lock, unlock := "", ""
	if decl != "" {
		lock, unlock = "  spin_lock(l)\n", "  spin_unlock(l)\n"
	}
	bad := "r2 == 2"
	if expect == "ok" {
		bad = "r2 == 0"
	}
	return "shared x, y\n" + decl + "cpu 0 {\n" + lock + "  x = 1\n  x = 2\n  y = 1\n  y = 2\n" + unlock + "  r = x\n}\n" +
		"cpu 1 {\n  r1 = y\n  r2 = x\n  x = 3\n  y = 3\n  assert !(r1 == 1 && " + bad + ")\n  r3 = y\n}\nexpect " + expect + "\n"
}

// lateAssert fails its assertion only after more than one slice of
// either search: dpor and the stateful search both take their second.
const lateAssert = `
test "late"
shared x
cpu 0 {
  for i in 0..40 {
    x = i
  }
}
cpu 1 {
  r1 = x
  r2 = x
  assert !(r1 == 20 && r2 == 20)
}
expect %s
`

// TestAutoFailureSameForEveryJ: on a script that expects a violation or
// a failed condition (the examples', and lateAssert), auto with two or
// three workers reports what one worker does (the same winner,
// counterexample, counts and notes) and gets there through the lockstep
// alone: the race of dpor and the parallel stateful search, which gives
// up on a violation, is not run first. With `expect ok` the same script
// takes the race, and the note of the lockstep run again stays whichever
// side wins it.
func TestAutoFailureSameForEveryJ(t *testing.T) {
	type script struct {
		name string
		p    *vm.Program
	}
	var scripts []script
	filepath.WalkDir("../examples", func(f string, e fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(f, ".mmu") {
			p, err := compiler.CompileFile(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			scripts = append(scripts, script{f, p})
		}
		return nil
	})
	late := func(expect string) *vm.Program {
		p, err := compiler.Compile("late.mmu", []byte(fmt.Sprintf(lateAssert, expect)), nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	scripts = append(scripts, script{"late", late("fail assert")})
	checked := 0
	for _, s := range scripts {
		if s.p.Model != "" && s.p.Model != "sc" {
			continue
		}
		for _, arch := range s.p.Arches {
			if !seeksFailure(s.p.ExpectationFor(arch)) {
				continue
			}
			checked++
			var want *vm.Result
			for _, j := range []int{1, 2, 3} {
				r := checkAuto(t, s.p, arch, j)
				if strings.Contains(strings.Join(r.Notes, "\n"), "ran again") {
					t.Errorf("%s %s -j %d: the lockstep ran again: %q", s.name, arch, j, r.Notes)
				}
				r.Elapsed, r.Memory = 0, 0
				if want == nil {
					want = r
				} else if !reflect.DeepEqual(r, want) {
					t.Errorf("%s %s: -j %d gives\n%+v\n-j 1 gives\n%+v", s.name, arch, j, r, want)
				}
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d checks expect a failure", checked)
	}
	if r := checkAuto(t, late("ok"), "arm64", 2); !strings.Contains(strings.Join(r.Notes, "\n"), "ran again") {
		t.Errorf("expect ok, -j 2: no note of the lockstep run again: %q", r.Notes)
	}
}

func checkAuto(t *testing.T, p *vm.Program, arch string, j int) *vm.Result {
	t.Helper()
	r, err := vm.Check(context.Background(), p, vm.Config{Arch: arch, Workers: j})
	if err != nil {
		t.Fatalf("%s %s -j %d: %v", p.Name, arch, j, err)
	}
	return r
}

func seeksFailure(expects []vm.Expect) bool {
	for _, e := range expects {
		if e.OK {
			return false
		}
	}
	return len(expects) > 0
}

// TestAutoHeadStart: the favoured side's first slice is two slices long
// (autoHead), so a script it settles there is its own even where the
// other side needs fewer units: with the other side's first slice set just
// past its count (dpor's slices are autoDPORShare times shorter where the
// stateful search is favoured), auto keeps the favoured side's result,
// with one worker and with two. With slices of equal length the other
// side finished in the first one and won.
func TestAutoHeadStart(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"dpor favoured", `
shared x, y, a, b
cpu 0 {
  x = 1
  a = 1
  a = 2
  r0 = y
}
cpu 1 {
  y = 1
  b = 1
  b = 2
  r1 = x
}
expect ok
`},
		{"stateful search favoured", `
shared a, b, c, d, e
cpu 0 {
  a = 1
}
cpu 1 {
  c = 1
  c = 2
}
cpu 2 {
  d = 1
  d = 2
}
cpu 3 {
  e = 1
  e = 2
}
irq 0 {
  b = 1
}
expect ok
`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := compiler.Compile("head.mmu", []byte(c.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			units, fav, err := vm.AutoUnits(p, "arm64")
			if err != nil {
				t.Fatal(err)
			}
			// a slice the other side finishes in (it stops at the first
			// look past the slice's end) and the favoured side does not,
			// but within two
			slice := units[1-fav] + 1
			if fav == 1 {
				slice *= vm.AutoDPORShare
			}
			if units[fav] < slice || units[fav] >= 2*slice {
				t.Fatalf("units %v, favoured side %d: no slice between them", units, fav)
			}
			for _, j := range []int{1, 2} {
				r, err := vm.Check(context.Background(), p, vm.Config{Arch: "arm64", Workers: j, DPORBudget: slice})
				if err != nil {
					t.Fatal(err)
				}
				if !r.Matched {
					t.Fatalf("-j %d: verdict %s", j, r.Verdict)
				}
				state := strings.Contains(strings.Join(r.Notes, "\n"), "stateful search finished first")
				if state != (fav == 1) {
					t.Errorf("-j %d, units %v, slice %d: the stateful search's result is kept: %v, want %v (notes %q)", j, units, slice, state, fav == 1, r.Notes)
				}
			}
		})
	}
}
