package herdweak

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSigned32Memory holds AArch64 tests whose memory is herd's default
// int to herd7 7.58's answers (written below): a W store of a value of 2^31
// and above, a W CAS that compares a negative int, SWP, LDADD and STADD
// whose sums cross 0 and 2^32 (the cell keeps the carry, which its type
// hides), and an X load of ints. herd's cell keeps
// the 32 bits a W store writes (an X load reads 4294967295 from an int
// holding -1) and shows the location as a signed 32-bit value, so
// mmuvm's memory holds the bits and the location's view (s32) shows them
// signed (litmus sharedViews). The random test A-dep-102 (aarch64-deps)
// found that a negative int written by STR W showed as 4294967295, and a
// condition [x]=-1 on it never held. A uint32_t location is shown as its
// 32 bits are.
func TestSigned32Memory(t *testing.T) {
	checkAgainst(t, "AArch64", "armv8", []struct{ name, test, herd string }{
		{"neg", "{\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=-1;\nOk\nObservation neg Always 1 0\n"},
		{"negu", "{\nuint32_t x;\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=4294967295;\nOk\nObservation negu Always 1 0\n"},
		{"casneg", "{\nint x=-1;\n0:X10=x;\n}\n P0 ;\n MOV W9,#-1 ;\n MOV W1,#5 ;\n CAS W9,W1,[X10] ;\n MOV W2,#-2 ;\n SWP W2,W3,[X10] ;\nlocations [x; 0:X9; 0:X3;]\nexists ([x]=-2)\n",
			"States 1\n0:X3=5; 0:X9=-1; [x]=-2;\nOk\nObservation casneg Always 2 0\n"},
		{"addwrap", "{\nint x=-2;\n0:X10=x;\n}\n P0 ;\n MOV W1,#1 ;\n LDADD W1,W2,[X10] ;\n STADD W1,[X10] ;\n LDR W3,[X10] ;\n STADD W1,[X10] ;\nlocations [x; 0:X2; 0:X3;]\nexists ([x]=1)\n",
			"States 1\n0:X2=-2; 0:X3=0; [x]=1;\nOk\nObservation addwrap Always 1 0\n"},
		{"carry", "{ uint64_t x=0xffffffff; uint32_t y=0xffffffff; 0:X1=x; 0:X4=y; }\n P0 ;\n MOV W0,#1 ;\n LDADD W0,W2,[X1] ;\n LDADD W0,W3,[X4] ;\nlocations [x;y;0:X2;0:X3;]\nexists (0:X2=0)\n",
			"States 1\n0:X2=-1; 0:X3=-1; [x]=4294967296; [y]=0;\nNo\nObservation carry Never 0 1\n"},
		{"xload", "{ int x=-1; int y=0; 0:X1=x; 0:X4=y; uint64_t 0:X0; uint64_t 0:X3; uint64_t 0:X6; }\n P0 ;\n LDR X0,[X1] ;\n MOV W2,#-2 ;\n STR W2,[X4] ;\n LDR W3,[X4] ;\n ADD X6,X3,#0 ;\nlocations [x;y;0:X0;0:X3;0:X6;]\nexists (0:X0=0)\n",
			"States 1\n0:X0=4294967295; 0:X3=4294967294; 0:X6=4294967294; [x]=-1; [y]=-2;\nNo\nObservation xload Never 0 1\n"},
	})
}

// TestALUWhereHerdErrs holds the AArch64 instructions herd 7.58 computes
// wrongly (the aarch64-alu list leaves them out) to the architecture's
// answer, written below as herd would print it: ASR of a W register is
// arithmetic in 32 bits, shifts by a register take the amount modulo 32
// (0x21 is 1), MUL and MADD of W registers are cut to 32 bits, and EON
// is EOR with the second operand inverted.
func TestALUWhereHerdErrs(t *testing.T) {
	checkAgainst(t, "AArch64", "armv8", []struct{ name, test, herd string }{
		{"alu", "{\nuint64_t 0:X1=0x80000001; uint64_t 0:X2=0x21;\nuint64_t 0:X3; uint64_t 0:X4; uint64_t 0:X5; uint64_t 0:X6; uint64_t 0:X7; uint64_t 0:X8; uint64_t 0:X9; uint64_t 0:X10;\n}\n" +
			" P0 ;\n ASR W3,W1,#1 ;\n ASR W4,W1,#31 ;\n LSL W5,W1,W2 ;\n LSR W6,W1,W2 ;\n ASR W7,W1,W2 ;\n MUL W8,W1,W1 ;\n MADD W9,W1,W1,W1 ;\n EON X10,X1,X2 ;\n" +
			"locations [0:X3; 0:X4; 0:X5; 0:X6; 0:X7; 0:X8; 0:X9; 0:X10;]\nexists (0:X3=0xc0000000)\n",
			"States 1\n0:X3=3221225472; 0:X4=4294967295; 0:X5=2; 0:X6=1073741824; 0:X7=3221225472; 0:X8=1; 0:X9=2147483650; 0:X10=18446744071562067935;\nOk\nObservation alu Always 1 0\n"},
	})
}

// checkAgainst writes each test, of arch, with the answer given for it,
// and holds every search of model to that answer.
func checkAgainst(t *testing.T, arch, model string, cases []struct{ name, test, herd string }) {
	t.Helper()
	for _, c := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, c.name+".litmus")
		if err := os.WriteFile(path, []byte(arch+" "+c.name+"\n"+c.test), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".herd.txt"), []byte(c.herd), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, search := range Engines(model) {
			if o := RunTest(path, model, search, 10*time.Second); o.Status != "match" {
				t.Errorf("%s, search %q: %s %s", c.name, search, o.Status, o.Reason)
			}
		}
	}
}

// TestCInt32 holds C tests whose values leave the int range to herd7
// 7.58's answers (written below). herd's C values are 32-bit ints, and
// its arithmetic wraps; mmuvm's words are 64 bits, so the translation
// cuts each result back (litmus/cint.go), and atomic_t's operations wrap
// (mmu/weak.go). Before that, y = 1 + 2147483647 was 2147483648 where
// herd has -2147483648, 0xffffffff in the initial state was not -1, and
// two atomic_inc() of 2147483647 did not make -2147483647. Division is
// the int quotient, truncated toward zero (INT_MIN / -1 wraps).
func TestCInt32(t *testing.T) {
	checkAgainst(t, "C", "lkmm", []struct{ name, test, herd string }{
		{"arith",
			`{ x=1; }
P0(int *x, int *y, int *z)
{
	int r0; int r1; int r2; int r3; int r4;
	r0 = READ_ONCE(*x);
	WRITE_ONCE(*y, r0 + 2147483647);
	r1 = r0 * 2147483647 * 3;
	r2 = (r0 + 2147483647) < 0;
	r3 = 0 - r0 - 2147483647 - 3;
	r4 = r0;
	r4 = r4 + 2147483647;
	WRITE_ONCE(*z, r3);
}
locations [0:r1;0:r2;0:r3;0:r4;y;z]
exists (y=-2147483648 /\ 0:r2=1)
`,
			"States 1\n0:r1=2147483645; 0:r2=1; 0:r3=2147483645; 0:r4=-2147483648; [y]=-2147483648; [z]=2147483645;\nOk\nObservation arith Always 1 0\n"},
		{"atomics",
			`{ a=-1; b=2147483647; c=0; d=2147483647; }
P0(atomic_t *a, atomic_t *b, atomic_t *c, atomic_t *d)
{
	int r1; int r2; int r3; int r4; int r5; int r6;
	r1 = atomic_add_return(2147483647, a);
	r2 = atomic_fetch_add(2147483647, a);
	r3 = atomic_add_negative(1, b);
	atomic_sub(2, c);
	r4 = atomic_dec_return(c);
	r5 = atomic_add_unless(d, 1, 0);
	r6 = atomic_read(d);
}
locations [0:r1;0:r2;0:r3;0:r4;0:r5;0:r6;a;b;c;d]
exists (a=0xfffffffd)
`,
			"States 1\n0:r1=2147483646; 0:r2=2147483646; 0:r3=1; 0:r4=-3; 0:r5=1; 0:r6=-2147483648; [a]=-3; [b]=-2147483648; [c]=-3; [d]=-2147483648;\nOk\nObservation atomics Always 1 0\n"},
		{"incs",
			`{ a=2147483647; }
P0(atomic_t *a)
{
	int r0;
	r0 = atomic_inc_return_relaxed(a);
}
P1(atomic_t *a)
{
	int r0;
	r0 = atomic_fetch_inc(a);
}
exists (a=-2147483647 /\ 0:r0=-2147483648)
`,
			"States 2\n0:r0=-2147483648; [a]=-2147483647;\n0:r0=-2147483647; [a]=-2147483647;\nOk\nObservation incs Sometimes 1 1\n"},
		{"div",
			`{ x=-7; v=2; m=-2147483648; w=-1; }
P0(int *x, int *v, int *m, int *w)
{
	int r0; int r1; int r2; int r3; int r4; int r5; int r6;
	r0 = READ_ONCE(*x);
	r1 = READ_ONCE(*v);
	r2 = r0 / r1;
	r3 = r1 / r0;
	r5 = READ_ONCE(*m);
	r6 = READ_ONCE(*w);
	r4 = r5 / r6;
}
locations [0:r2;0:r3;0:r4]
exists (0:r2=-3)
`,
			"States 1\n0:r2=-3; 0:r3=0; 0:r4=-2147483648;\nOk\nObservation div Always 1 0\n"},
	})
}
