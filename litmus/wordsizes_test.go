package litmus

import (
	"strings"
	"testing"
)

// TestWordSizes: a location a thread reaches with a 32-bit and a 64-bit
// access, through a register it never writes, is refused at the second
// access, as herd refuses the test; through a register written first,
// the accesses are left to the translation's own pointer tracking.
func TestWordSizes(t *testing.T) {
	for _, c := range []struct {
		name, header, decl string
		code               []string
		err                string // "": translates
	}{
		{"W then X", "", "int x;", []string{"STR W3,[X1]", "LDR X0,[X1]"}, "5:2: LDR: 64-bit and 32-bit accesses of x (line 4) make a mixed-size test"},
		{"X then LDRSW", "", "uint64_t x;", []string{"STR X3,[X1]", "LDRSW X0,[X1]"}, "5:2: LDRSW: 32-bit and 64-bit accesses of x (line 4)"},
		{"exclusive store of X", "", "int x;", []string{"LDXR W0,[X1]", "STXR W4,X3,[X1]"}, "5:2: STXR: 64-bit and 32-bit accesses of x (line 4)"},
		{"atomic", "", "uint64_t x;", []string{"LDR X0,[X1]", "LDADD W3,W4,[X1]"}, "5:2: LDADD: 32-bit and 64-bit accesses of x (line 4)"},
		{"one size", "", "uint64_t x;", []string{"LDR W0,[X1]", "STR W3,[X1]", "LDXR W5,[X1]"}, ""},
		{"base written first", "", "uint64_t x; uint64_t y=x;", []string{"LDR W0,[X1]", "LDR X1,[X2]", "LDR X5,[X1]"}, ""},
		{"base written back", "", "uint64_t x;", []string{"LDR W0,[X1],#8", "LDR X5,[X1]"}, ""},
		{"mixed variant", "Variant=mixed\n", "uint64_t x;", []string{"STR W3,[X1]", "LDR X0,[X1]"}, "6:2: LDR: 64-bit and 32-bit accesses of x (line 5): herd's mixed-size variant"},
		{"unchecked variant", "variant=DontCheckMixed\n", "uint64_t x;", []string{"STR W3,[X1]", "LDR X0,[X1]"}, "6:2: LDR: 64-bit and 32-bit accesses of x (line 5): herd's DontCheckMixed variant"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			src := "AArch64 t\n" + c.header + "{ " + c.decl + " 0:X1=x; 0:X2=y; 0:X3=1; }\n P0 ;\n " + strings.Join(c.code, " ;\n ") + " ;\nexists (x=1)\n"
			_, err := Translate("t.litmus", []byte(src))
			switch {
			case c.err == "" && err != nil && strings.Contains(err.Error(), "accesses of"):
				t.Errorf("refused: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}
