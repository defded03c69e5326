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
	for _, c := range []struct{ name, test, herd string }{
		{"neg", "{\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=-1;\nOk\nObservation neg Always 1 0\n"},
		{"negu", "{\nuint32_t x;\n0:X10=x;\n}\n P0 ;\n MOV W0,#1 ;\n SUB W22,WZR,W0 ;\n STR W22,[X10] ;\n LDR W1,[X10] ;\nlocations [x; 0:X1;]\nexists ([x]=4294967295)\n",
			"States 1\n0:X1=-1; [x]=4294967295;\nOk\nObservation negu Always 1 0\n"},
		{"casneg", "{\nint x=-1;\n0:X10=x;\n}\n P0 ;\n MOV W9,#-1 ;\n MOV W1,#5 ;\n CAS W9,W1,[X10] ;\n MOV W2,#-2 ;\n SWP W2,W3,[X10] ;\nlocations [x; 0:X9; 0:X3;]\nexists ([x]=-2)\n",
			"States 1\n0:X3=5; 0:X9=-1; [x]=-2;\nOk\nObservation casneg Always 2 0\n"},
		{"addwrap", "{\nint x=-2;\n0:X10=x;\n}\n P0 ;\n MOV W1,#1 ;\n LDADD W1,W2,[X10] ;\n STADD W1,[X10] ;\n LDR W3,[X10] ;\n STADD W1,[X10] ;\nlocations [x; 0:X2; 0:X3;]\nexists ([x]=1)\n",
			"States 1\n0:X2=-2; 0:X3=0; [x]=1;\nOk\nObservation addwrap Always 1 0\n"},
	} {
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
