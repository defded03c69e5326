package herdweak

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSigned32Memory holds AArch64 tests whose memory is herd's default
// int to herd7 7.58's answers (written below): a W store of a value of 2^31
// and above, a W CAS that compares a negative int, SWP, and LDADD and
// STADD whose sums cross 0 and 2^32. herd shows such a location as a
// signed 32-bit value and compares its low 32 bits, so mmuvm's memory
// holds it sign-extended (litmus asmMem.signed32). The random test
// A-dep-102 (aarch64-deps) found that a negative int written by STR W
// showed as 4294967295, and a condition [x]=-1 on it never held. A
// uint32_t location keeps its 32 bits as they are.
func TestSigned32Memory(t *testing.T) {
	checkAArch64(t, []struct{ name, test, herd string }{
		{"neg", "{\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=-1;\nOk\nObservation neg Always 1 0\n"},
		{"negu", "{\nuint32_t x;\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=4294967295;\nOk\nObservation negu Always 1 0\n"},
		{"casneg", "{\nint x=-1;\n0:X10=x;\n}\n P0 ;\n MOV W9,#-1 ;\n MOV W1,#5 ;\n CAS W9,W1,[X10] ;\n MOV W2,#-2 ;\n SWP W2,W3,[X10] ;\nlocations [x; 0:X9; 0:X3;]\nexists ([x]=-2)\n",
			"States 1\n0:X3=5; 0:X9=-1; [x]=-2;\nOk\nObservation casneg Always 2 0\n"},
		{"addwrap", "{\nint x=-2;\n0:X10=x;\n}\n P0 ;\n MOV W1,#1 ;\n LDADD W1,W2,[X10] ;\n STADD W1,[X10] ;\n LDR W3,[X10] ;\n STADD W1,[X10] ;\nlocations [x; 0:X2; 0:X3;]\nexists ([x]=1)\n",
			"States 1\n0:X2=-2; 0:X3=0; [x]=1;\nOk\nObservation addwrap Always 1 0\n"},
	})
}

// TestALUWhereHerdErrs holds the AArch64 instructions herd 7.58 computes
// wrongly (the aarch64-alu list leaves them out) to the architecture's
// answer, written below as herd would print it: ASR of a W register is
// arithmetic in 32 bits, shifts by a register take the amount modulo 32
// (0x21 is 1), MUL and MADD of W registers are cut to 32 bits, and EON
// is EOR with the second operand inverted.
func TestALUWhereHerdErrs(t *testing.T) {
	checkAArch64(t, []struct{ name, test, herd string }{
		{"alu", "{\nuint64_t 0:X1=0x80000001; uint64_t 0:X2=0x21;\nuint64_t 0:X3; uint64_t 0:X4; uint64_t 0:X5; uint64_t 0:X6; uint64_t 0:X7; uint64_t 0:X8; uint64_t 0:X9; uint64_t 0:X10;\n}\n" +
			" P0 ;\n ASR W3,W1,#1 ;\n ASR W4,W1,#31 ;\n LSL W5,W1,W2 ;\n LSR W6,W1,W2 ;\n ASR W7,W1,W2 ;\n MUL W8,W1,W1 ;\n MADD W9,W1,W1,W1 ;\n EON X10,X1,X2 ;\n" +
			"locations [0:X3; 0:X4; 0:X5; 0:X6; 0:X7; 0:X8; 0:X9; 0:X10;]\nexists (0:X3=0xc0000000)\n",
			"States 1\n0:X3=3221225472; 0:X4=4294967295; 0:X5=2; 0:X6=1073741824; 0:X7=3221225472; 0:X8=1; 0:X9=2147483650; 0:X10=18446744071562067935;\nOk\nObservation alu Always 1 0\n"},
	})
}

// checkAArch64 writes each test, with the answer given for it, and holds
// every armv8 search to that answer.
func checkAArch64(t *testing.T, cases []struct{ name, test, herd string }) {
	t.Helper()
	for _, c := range cases {
		dir := t.TempDir()
		path := filepath.Join(dir, c.name+".litmus")
		if err := os.WriteFile(path, []byte("AArch64 "+c.name+"\n"+c.test), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, c.name+".herd.txt"), []byte(c.herd), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, search := range Engines("armv8") {
			if o := RunTest(path, "armv8", search, 10*time.Second); o.Status != "match" {
				t.Errorf("%s, search %q: %s %s", c.name, search, o.Status, o.Reason)
			}
		}
	}
}
