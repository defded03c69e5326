package litmus

import (
	"strings"
	"testing"
)

// TestSymbolicRegisters: herd's %name registers get, per thread and in
// the names' order, the lowest registers the thread does not otherwise
// name (its code, the initial state, the condition), and their initial
// values go with them.
func TestSymbolicRegisters(t *testing.T) {
	src := `AArch64 sym
{ [x]=0; [y]=0; uint64_t %b=y; uint64_t %a=x; 0:X1=1; }
 P0                 | P1               ;
 LDR W0,[X%a]       | MOV X0,%c        ;
 STR W1,[X%b]       | STR W0,[%c]      ;
 ADD W%d,W0,#1      |                  ;
exists (0:X2=0 /\ 1:X0=0)
`
	out, err := Translate("sym.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// P0 names X0, X1 (code, initial state) and X2 (condition): %a, %b
	// and %d take X3, X4 and X5; P1 names X0: %c takes X1
	for _, want := range []string{"X3 = &x", "X4 = &y", "READ_ONCE(X3)", "WRITE_ONCE(X4, X1 & 0xffffffff)", "X5 = (X0 + 1) & 0xffffffff", "X0 = X1  // MOV X0,X1", "WRITE_ONCE(X1, X0 & 0xffffffff)"} {
		if !strings.Contains(out, want) {
			t.Errorf("translation lacks %q:\n%s", want, out)
		}
	}
}

func TestSymbolicRegisterErrors(t *testing.T) {
	for _, c := range []struct{ name, src, err string }{
		{"ambiguous", "AArch64 t\n{ uint64_t %a=x; }\n P0 | P1 ;\n LDR X0,[%a] | LDR X0,[%a] ;\nexists (0:X0=0)\n",
			"t.litmus:2:3: ambiguous symbolic register %a: threads 0 and 1 use it"},
		{"a location named as a register", "AArch64 t\n{ uint64_t X0; }\n P0 ;\n MOV X0,#1 ;\nexists (0:X0=1)\n",
			"t.litmus:2:3: location name X0 clashes with the register of that name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Translate("t.litmus", []byte(c.src))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}
