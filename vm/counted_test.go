package vm_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestCountedLoops checks which loops counted.go takes as counted: a
// `for` whose body assigns neither its variable nor its bound, and no
// other loop.
func TestCountedLoops(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       int
	}{
		{"for", "for i in 0..4 { x = i }", 1},
		{"nested", "for i in 0..4 { for j in i..4 { x = j } }", 2},
		{"break and continue", "for i in 0..4 { if x == 1 { continue }\n if x == 2 { break }\n x = i }", 1},
		{"assigns its variable", "for i in 0..4 { x = i\n i = 0 }", 0},
		{"bound from a shared word", "for i in 0..x { x = 0 }", 1},
		{"while", "while x == 0 { r = 1 }", 0},
		{"await", "await x == 1", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := compileBench(t, c.name+".mmu", "shared x\ncpu 0 {\n"+c.body+"\n}\ncpu 1 { x = 1 }\nexpect ok\n")
			if got := vm.CountedLoops(p); got != c.want {
				t.Errorf("%d counted loops, want %d", got, c.want)
			}
		})
	}
}

// TestForLoopThatSpins checks that a `for` loop whose body sets its
// variable back still gets the spin rule: CPU 0 waits for x by resetting
// i, and blocks until CPU 1's write instead of running into the step
// bound, under every search (with the spin rule lost, dfs would run CPU 0
// alone until the bound and report a limit).
func TestForLoopThatSpins(t *testing.T) {
	p := compileBench(t, "spin.mmu", `
shared x
cpu 0 {
  for i in 0..2 {
    if x == 0 { i = 0 }
  }
  assert x == 1
}
cpu 1 { x = 1 }
expect ok
`)
	for _, search := range []string{"dfs", "dpor", "state", "auto"} {
		r, err := vm.Check(context.Background(), p, vm.Config{Search: search})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != "ok" || !r.Complete {
			t.Errorf("%s: verdict %s (complete %v), want ok", search, r.Verdict, r.Complete)
		}
	}
}
