package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestWeakRunErrorNeedsAnExecution: the enumeration runs each CPU alone
// on every value its reads' domains and guesses hold, values no execution
// may give it. A run-time error in such a run (a division by a guessed 0:
// the constant 0 in `r1 + 0` made 0 a guess) is the script's only where
// an execution has that run; it stopped the whole check as an error
// before, on a script no execution of which divides by zero.
func TestWeakRunErrorNeedsAnExecution(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"guessed-zero", "WRITE_ONCE(y, r0 / (r1 + 0))", "ok"},
		{"real-zero", "WRITE_ONCE(y, r0 / (r1 - 2))", "error"},
	} {
		src := "shared x = 3, v = 2, y\ncpu 0 {\n  r0 = READ_ONCE(x)\n  r1 = READ_ONCE(v)\n  " + c.body + "\n}\nfinal exists (y == 1)\n"
		p, err := compiler.Compile("e.mmu", []byte(src), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, cfg := range []vm.Config{{Model: "lkmm"}, {Model: "armv8"}, {Model: "lkmm", Search: "incremental"}, {Model: "lkmm", Search: "dfs"}} {
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := "ok"
			if r.Counts["error"] > 0 {
				got = "error"
			}
			if got != c.want || c.want == "ok" && !strings.Contains(r.Condition, "exists") {
				t.Errorf("%s under %s/%q: %s, want %s (%v)", c.name, cfg.Model, cfg.Search, got, c.want, r.Counts)
			}
			if c.want == "ok" && (len(r.FinalStates) != 1 || r.FinalStates[0].Values != "y=1") {
				t.Errorf("%s under %s/%q: final states %v, want y=1", c.name, cfg.Model, cfg.Search, r.FinalStates)
			}
		}
	}
}
