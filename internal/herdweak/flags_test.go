package herdweak

import (
	"context"
	"slices"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// TestLKMMFlags holds the flags of linux-kernel.bell and .cat to herd7
// 7.58's Flag lines on the same tests (herd's answers written down here,
// so the test runs without herd or the catalogue), under both of lkmm's
// engines. A flag is raised by an execution the model allows and the
// filter keeps.
func TestLKMMFlags(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		flags      []string
	}{
		{"race", "P0(int *x)\n{\n\t*x = 1;\n}\n\nP1(int *x)\n{\n\tint r1;\n\n\tr1 = READ_ONCE(*x);\n}\n\nexists (1:r1=1)\n",
			[]string{"data-race"}},
		// tools/memory-model's AlanStern.2018.01.11a: the plain write
		// races with P0's only where P1 read x=0, which the filter drops
		{"race filtered", "P0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\n\nP1(int *x, int *y)\n{\n\tint r1;\n\n\tr1 = READ_ONCE(*x);\n\tWRITE_ONCE(*x, 2);\n\tsmp_store_release(y, 1);\n}\n\nP2(int *x, int *y)\n{\n\tint r1;\n\n\tr1 = smp_load_acquire(y);\n\tif (r1)\n\t\t*x = 3;\n}\n\nfilter (1:r1=1)\nexists (2:r1=1 /\\ ~x=3)\n",
			nil},
		{"invalid sleep", "P0(int *x, struct srcu_struct *s)\n{\n\trcu_read_lock();\n\tsynchronize_srcu(s);\n\tWRITE_ONCE(*x, 1);\n\trcu_read_unlock();\n}\n\nexists (x=1)\n",
			[]string{"invalid-sleep"}},
		{"bad value", "P0(int *x, struct srcu_struct *s)\n{\n\tint r1;\n\n\tr1 = srcu_read_lock(s);\n\tWRITE_ONCE(*x, 1);\n\tsrcu_read_unlock(s, r1 + 1);\n}\n\nexists (x=1)\n",
			[]string{"srcu-bad-value-match"}},
		// C-srcu-nest-4's misuse: one lock, two unlocks
		{"multiple matches", "P0(int *x, struct srcu_struct *s)\n{\n\tint r1;\n\n\tr1 = srcu_read_lock(s);\n\tsrcu_read_unlock(s, r1);\n\tsrcu_read_unlock(s, r1);\n\tWRITE_ONCE(*x, 1);\n}\n\nexists (x=1)\n",
			[]string{"multiple-srcu-matches"}},
		{"matched", "P0(int *x, struct srcu_struct *s)\n{\n\tint r1;\n\n\tr1 = srcu_read_lock(s);\n\tWRITE_ONCE(*x, 1);\n\tsrcu_read_unlock(s, r1);\n}\n\nP1(int *x, struct srcu_struct *s)\n{\n\tint r1;\n\n\tr1 = srcu_read_lock(s);\n\tsrcu_read_unlock(s, r1);\n\tsynchronize_srcu(s);\n}\n\nexists (x=1)\n",
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "C flags\n\n{}\n\n" + tc.body
			text, err := litmus.Translate("flags.litmus", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			prog, err := compiler.Compile("flags.litmus", []byte(text), nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, search := range Engines("lkmm") {
				res, err := vm.Check(context.Background(), prog, vm.Config{Model: "lkmm", Search: search, All: true})
				if err != nil {
					t.Fatal(err)
				}
				got := slices.Sorted(slices.Values(res.Flags))
				if !slices.Equal(got, tc.flags) {
					t.Errorf("search %q: flags %v, herd %v", search, got, tc.flags)
				}
			}
		})
	}
}
