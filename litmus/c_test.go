package litmus

import (
	"errors"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
)

// cTest builds a C litmus test from an init block, thread bodies and a
// trailer.
func cTest(init string, trailer string, threads ...string) string {
	var b strings.Builder
	b.WriteString("C t\n{\n" + init + "\n}\n\n")
	for _, th := range threads {
		b.WriteString(th + "\n\n")
	}
	b.WriteString(trailer + "\n")
	return b.String()
}

func TestTranslateC(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings of the output, in order
	}{
		{"once", cTest("", "exists (0:r0=1)", "P0(int *x) { int r0 = READ_ONCE(*x); WRITE_ONCE(*x, r0 + 1); }"),
			[]string{"model lkmm\n", "shared x\n", "cpu 0 {\n  r0 = READ_ONCE(x)\n  WRITE_ONCE(x, ((r0 + 1) & 0xffffffff ^ 0x80000000) - 0x80000000)\n}", "final exists (0:r0 == 1)\n"}},
		{"division", cTest("", "exists (0:r1=1)", "P0(int *x) { int r0 = READ_ONCE(*x); int r1 = r0 / -2; }"),
			[]string{"r1 = (((((((r0) ^ (0 - ((r0) >> 63))) + ((r0) >> 63)) / (((-2) ^ (0 - ((-2) >> 63))) + ((-2) >> 63))) ^ (0 - (((r0) ^ (-2)) >> 63))) + (((r0) ^ (-2)) >> 63)) & 0xffffffff ^ 0x80000000) - 0x80000000"}},
		{"acquire-release", cTest("", "exists (0:r0=1)", "P0(int *x, int *y) { int r0; r0 = smp_load_acquire(x); smp_store_release(y, 2); }"),
			[]string{"r0 = smp_load_acquire(x)", "smp_store_release(y, 2)"}},
		{"plain", cTest("", "exists (0:r0=1)", "P0(int *x, int *y) { int r0; *x = 1; r0 = *y; *y += 2; }"),
			[]string{"plain_write(x, 1)", "r0 = plain_read(y)", "plain_write(y, ((plain_read(y) + 2) & 0xffffffff ^ 0x80000000) - 0x80000000)"}},
		{"pointer-register", cTest("x = y;", "exists (0:r1=y /\\ 0:r2=0)",
			"P0(int **x) { int *r1; int r2; r1 = READ_ONCE(*x); r2 = READ_ONCE(*r1); }"),
			[]string{"shared x, y\n", "init {\n  x = &y\n}", "r2 = READ_ONCE(r1)", "(0:r1 == &y && 0:r2 == 0)"}},
		{"casts", cTest("", "exists (0:r1=0)",
			"P0(intptr_t *x1) { intptr_t r1 = (intptr_t)rcu_dereference(*(intptr_t **)x1); WRITE_ONCE(*(intptr_t *)r1, (int)1); }"),
			[]string{"r1 = rcu_dereference(x1)", "WRITE_ONCE(r1, 1)"}},
		{"address-of-parameter", cTest("", "exists (0:r3=x)", "P0(int *x, int *p) { int r3 = x; WRITE_ONCE(*p, x); }"),
			[]string{"r3 = &x", "WRITE_ONCE(p, &x)", "0:r3 == &x"}},
		{"register-init", cTest("0:r1=x; 1:r1=2;", "exists (0:r1=x /\\ 1:r1=2)", "P0(int *x) { }", "P1(int *y) { WRITE_ONCE(*y, r1); }"),
			[]string{"cpu 0 {\n  r1 = &x\n}", "cpu 1 {\n  r1 = 2\n  WRITE_ONCE(y, r1)\n}"}},
		{"unassigned-register", cTest("", "exists (0:r5=0)", "P0(int *x) { int r5; WRITE_ONCE(*x, 1); }"),
			[]string{"cpu 0 {\n  r5 = 0\n  WRITE_ONCE(x, 1)"}},
		{"rename", cTest("", "exists (0:barrier=1 /\\ 0:map=2)", "P0(int *y) { int barrier; int map; barrier = READ_ONCE(*y); map = 2; }"),
			[]string{"barrier_r = READ_ONCE(y)", "map_r = 2", "(0:barrier_r == 1", ""}},
		{"register-clashes-with-location", cTest("", "exists (0:y=1 /\\ y=2)", "P0(int *x) { int y = READ_ONCE(*x); }", "P1(int *y) { WRITE_ONCE(*y, 2); }"),
			[]string{"shared x, y\n", "y_r = READ_ONCE(x)", "final exists (0:y_r == 1 && y == 2)"}},
		{"if-else-while", cTest("", "exists (0:r0=1)",
			"P0(int *x) { int r0; while (!r0) { r0 = READ_ONCE(*x); if (r0 == 2) break; else continue; } }"),
			[]string{"while !r0 {\n    r0 = READ_ONCE(x)\n    if r0 == 2 {\n      break\n    } else {\n      continue\n    }\n  }"}},
		{"signed", cTest("", "exists (0:r0=1)", "P0(int *x) { int r0 = READ_ONCE(*x); if (r0 < -1) r0 = 1; }"),
			[]string{"if (r0 ^ 0x8000000000000000) < 0x7fffffffffffffff {"}},
		{"locks-atomics", cTest("", "exists (v=1)",
			"P0(spinlock_t *l, atomic_t *v) { int r0; spin_lock(l); atomic_add(1, v); r0 = atomic_fetch_andnot_release(3, v); spin_unlock(l); }"),
			[]string{"shared v\nspinlock l\n", "spin_lock(l)", "atomic_add(1, v)", "r0 = atomic_fetch_andnot_release(3, v)"}},
		{"zero-offset", cTest("", "exists (0:r1=1)", "P0(int *x, int *y) { int r1; int r9; int *r2; r1 = READ_ONCE(*x); r9 = r1 & 8; r2 = y + r9; WRITE_ONCE(*r2, 1); WRITE_ONCE(*(r9 + x), 2); }"),
			[]string{"r9 = r1 & 8\n", "  assert (r9) == 0, \"pointer arithmetic: only a zero offset is modelled", "r2 = &y + (r9)\n", "WRITE_ONCE(&x + (r9), 2)"}},
		{"atomic-init", cTest("atomic_t v = ATOMIC_INIT(-2); int y;", "exists (v=1)", "P0(atomic_t *v) { atomic_inc(v); }"),
			[]string{"shared v = -2, y\n"}},
		{"conditions", cTest("", "locations [x; 0:r0;]\nfilter (~(0:r0=1))\n~exists (x=1 \\/ (0:r0!=2 /\\ true) \\/ false)",
			"P0(int *x) { int r0; }"),
			[]string{"locations x, 0:r0\n", "filter (!(0:r0 == 1))\n", "final ~exists (x == 1 || 0:r0 != 2 && true || false)\n"}},
		{"not-equal-herd", cTest("", "exists (0:r0<>2)", "P0(int *x) { int r0 = READ_ONCE(*x); }"),
			[]string{"final exists (0:r0 != 2)\n"}},
		{"forall-default", cTest("", "", "P0(int *x) { WRITE_ONCE(*x, 1); }"),
			[]string{"final forall (true)\n"}},
		{"result-always", "C t\n(* Result: Always *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nforall (x=1)\n",
			[]string{"final forall (x == 1)\nexpect ok\n"}},
		{"result-exists-never", "C t\n(* Result: Never *)\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=2)\n",
			[]string{"expect fail condition\n"}},
		{"result-datarace", "C t\n(* Result: Sometimes DATARACE *)\n{}\nP0(int *x) { *x = 1; }\nexists (x=1)\n",
			[]string{"final exists (x == 1)\n// herd Result: Sometimes DATARACE\n"}},
		{"result-maybe", "C t\n(*\n * Result: Maybe\n *)\n{}\nP0(int *x) { *x = 1; }\n~exists (x=1)\n",
			[]string{"// herd Result: Maybe\n"}},
		{"comments", "C t\n\"doc string\"\nCycle=Rfe PodRW\n{}\n// a C comment\nP0(int *x) /* here */ { WRITE_ONCE(*x, (*x)); }\nexists (x=1) (* trailing *)\n",
			[]string{"// Translated from herd litmus test t (C)\n// \"doc string\"\n// Cycle=Rfe PodRW\ntest \"t\"\n", "WRITE_ONCE(x, plain_read(x))"}},
		{"srcu-rcu", cTest("", "exists (0:r1=0)",
			"P0(int *x, struct srcu_struct *s) { int r1 = srcu_read_lock(s); synchronize_rcu(); srcu_read_unlock(s, r1); synchronize_srcu(s); }"),
			[]string{"r1 = srcu_read_lock(s)", "synchronize_rcu()", "srcu_read_unlock(s, r1)", "synchronize_srcu(s)"}},
		// linux-kernel.def: both are __fence{sync-rcu}
		{"expedited", cTest("", "exists (x=1)",
			"P0(int *x, struct srcu_struct *s) { synchronize_rcu_expedited(); WRITE_ONCE(*x, 1); synchronize_srcu_expedited(s); }"),
			[]string{"synchronize_rcu()", "WRITE_ONCE(x, 1)", "synchronize_srcu_expedited(s)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Translate("t.litmus", []byte(tc.src))
			if err != nil {
				t.Fatalf("Translate: %v\n%s", err, tc.src)
			}
			rest := out
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
			if _, err := compiler.Compile("t.mmu", []byte(out), nil); err != nil {
				t.Errorf("does not compile: %v\n%s", err, out)
			}
		})
	}
}

func TestTranslateCErrors(t *testing.T) {
	tests := []struct {
		name, src, want string // want: "line:col: message prefix"
	}{
		{"array-init", "C t\n{ int x[2]; }\nP0(int *x) { }\nexists (x=1)\n", "2:8: arrays are not supported"},
		{"array-access", "C t\n{}\nP0(int *x) {\n  WRITE_ONCE(x[1], 1);\n}\nexists (x=1)\n", "4:15: arrays are not supported"},
		{"array-condition", "C t\n{}\nP0(int *x) { }\nexists (x[1]=1)\n", "4:10: arrays are not supported"},
		{"ternary", "C t\n{}\nP0(int *x) {\n  int r0 = READ_ONCE(*x) ? 1 : 2;\n}\nexists (x=1)\n", "4:26: the conditional operator ?: is not supported"},
		{"unknown-macro", "C t\n{}\nP0(spinlock_t *l) {\n  spin_lock_irqsave(l, f);\n}\nexists (0:r0=1)\n", "4:3: unsupported macro or function spin_lock_irqsave"},
		{"narrow", "C t\n{}\nP0(char *x) { }\nexists (x=1)\n", "3:4: type char: mixed-size"},
		{"pointer-difference", "C t\n{}\nP0(int *x, int *y) {\n  int r1 = x - y;\n}\nexists (x=1)\n", "4:14: pointer arithmetic is not supported"},
		{"pointer-offset-from-memory", "C t\n{}\nP0(int *x, int *y) {\n  int *r1 = x + READ_ONCE(*y);\n}\nexists (x=1)\n", "4:17: pointer arithmetic with an offset read from memory"},
		{"lock-as-memory", "C t\n{}\nP0(spinlock_t *l) {\n  WRITE_ONCE(*l, 1);\n}\nexists (0:r0=1)\n", "4:15: spinlock l used as a memory word"},
		{"lock-in-condition", "C t\n{}\nP0(spinlock_t *l) { spin_lock(l); }\nexists (l=1)\n", "4:9: l is a spinlock"},
		{"assign-param", "C t\n{}\nP0(int *x) {\n  x = 1;\n}\nexists (x=1)\n", "4:3: assignment to parameter x"},
		{"missing-star", "C t\n{}\nP0(int *x) {\n  WRITE_ONCE(x, 1);\n}\nexists (x=1)\n", "4:14: WRITE_ONCE expects *pointer"},
		{"arg-count", "C t\n{}\nP0(int *x) {\n  smp_mb(x);\n}\nexists (x=1)\n", "4:3: smp_mb takes 0 arguments"},
		{"unknown-name", "C t\n{}\nP0(int *x) {\n  WRITE_ONCE(*x, q);\n}\nexists (x=1)\n", "4:18: unknown name q"},
		{"for", "C t\n{}\nP0(int *x) {\n  for (;;) {}\n}\nexists (x=1)\n", "4:3: unsupported statement for"},
		{"division-of-a-read", "C t\n{}\nP0(int *x) {\n  int r0 = READ_ONCE(*x) / 2;\n}\nexists (x=1)\n", "4:12: an operand of / that reads memory"},
		{"remainder", "C t\n{}\nP0(int *x) {\n  int r0 = 7 % 2;\n}\nexists (x=1)\n", "4:14: operator % on signed values"},
		{"bad-thread", "C t\n{}\nP1(int *x) { }\nexists (x=1)\n", "3:1: expected thread P0"},
		{"no-thread", "C t\n{}\nexists (x=1)\n", "3:1: expected a thread"},
		{"no-init", "C t\nP0(int *x) ;\n", "1:1: no initial state"},
		{"not-litmus", "PPC t\n{}\n", "1:1: not a C"},
		{"no-name", "C\n{}\n", "1:1: litmus test has no name"},
		{"thread-range", "C t\n{ 3:r0=1; }\nP0(int *x) { }\nexists (x=1)\n", "2:3: thread 3 does not exist"},
		{"cond-thread-range", "C t\n{}\nP0(int *x) { }\nexists (1:r0=1)\n", "4:9: thread 1 does not exist"},
		{"builtin-location", "C t\n{}\nP0(int *map) { }\nexists (map=1)\n", "3:9: location name map clashes"},
		{"trailing-junk", "C t\n{}\nP0(int *x) { }\nexists (x=1) x\n", "4:14: unexpected \"x\" after the final condition"},
		{"unterminated-comment", "C t\n(* never closed\n{}\n", "1:1: no initial state"},
		{"unterminated-body", "C t\n{}\nP0(int *x) {\n  WRITE_ONCE(*x, 1);\n", "5:1: unterminated block"},
		{"return-value", "C t\n{}\nP0(int *x) {\n  return 1;\n}\nexists (x=1)\n", "4:3: a thread cannot return a value"},
		{"int-in-code", "C t\n{}\nP0(int *x) {\n  WRITE_ONCE(*x, 2147483648);\n}\nexists (x=1)\n", "4:18: 2147483648 does not fit in an int"},
		{"int-in-init", "C t\n{ x=-2147483649; }\nP0(int *x) { }\nexists (x=1)\n", "2:5: -2147483649 does not fit in an int"},
		{"hex-in-condition", "C t\n{}\nP0(int *x) { }\nexists (x=0x100000000)\n", "4:11: 0x100000000 does not fit in an int"},
		{"address-of-local", "C t\n{}\nP0(int *x) {\n  int r0;\n  WRITE_ONCE(*x, &r0);\n}\nexists (x=1)\n", "5:18: taking the address of r0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Translate("t.litmus", []byte(tc.src))
			if err == nil {
				t.Fatalf("translated, want error %q:\n%s", tc.want, out)
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if le.File != "t.litmus" {
				t.Errorf("file %q", le.File)
			}
			got := strings.TrimPrefix(err.Error(), "t.litmus:")
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want prefix %q", got, tc.want)
			}
		})
	}
}

// TestTranslateAsmWrapper checks the parts of an asm translation this file
// owns: the table, register initialisation, locations and the condition.
func TestTranslateAsmWrapper(t *testing.T) {
	src := "X86 SB\n\"Fre PodWR Fre PodWR\"\n{ x=0; [y]=2; 1:EAX=x; }\n P0          | P1          ;\n MOV [x],$1  | MOV [y],$1  ;\n MOV EAX,[y] | MOV EBX,[x] ;\nlocations [z;]\nexists (0:EAX=0 /\\ 1:EBX=0 /\\ 1:EAX=x)\n"
	out, err := Translate("sb.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"model tso\narch x86pae\n", "shared x, y = 2, z\n", "cpu 1 {\n  EAX = &x\n", "locations z\n",
		"final exists (0:EAX == 0 && 1:EBX == 0 && 1:EAX == &x)\n"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if _, err := compiler.Compile("sb.mmu", []byte(out), nil); err != nil {
		t.Errorf("does not compile: %v\n%s", err, out)
	}
	for _, tc := range []struct{ src, want string }{
		{"X86 t\n{}\n P0 | P2 ;\n MOV [x],$1 | MOV [y],$1 ;\nexists (x=1)\n", "3:7: expected thread header P1"},
		{"X86 t\n{}\n P0 ;\n MOV [x],$1 | MOV [y],$1 ;\nexists (x=1)\n", "4:15: row has 2 cells for 1 threads"},
		{"X86 t\n{}\n P0 ;\n MOV [x],$1\nexists (x=1)\n", "4:2: instruction row without"},
		{"AArch64 t\n{ 0:Q9=x; }\n P0 ;\n NOP ;\nexists (x=1)\n", "2:3: Q9 is not a register"},
	} {
		_, err := Translate("t.litmus", []byte(tc.src))
		if err == nil || !strings.HasPrefix(strings.TrimPrefix(err.Error(), "t.litmus:"), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
}

// TestCInt reads C literals as herd does: 32-bit ints, a hex one up to
// 0xffffffff standing for its bits.
func TestCInt(t *testing.T) {
	for _, tc := range []struct {
		text string
		neg  bool
		want string // "" for an error
	}{
		{"0", false, "0"}, {"0", true, "0"}, {"2147483647", false, "2147483647"}, {"2147483648", false, ""},
		{"2147483648", true, "-2147483648"}, {"2147483649", true, ""}, {"0xffffffff", false, "-1"},
		{"0x80000000", false, "-2147483648"}, {"0x80000000", true, "-2147483648"}, {"0x100000000", false, ""},
		{"0xffffffff", true, "1"}, {"017", false, "15"}, {"5UL", false, "5"}, {"0x", false, ""},
	} {
		got, err := cInt(tc.text, tc.neg)
		if tc.want == "" {
			if err == nil {
				t.Errorf("cInt(%q, %v) = %s, want an error", tc.text, tc.neg, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("cInt(%q, %v) = %s, %v; want %s", tc.text, tc.neg, got, err, tc.want)
		}
	}
}
