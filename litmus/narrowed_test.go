package litmus

import (
	"strings"
	"testing"
)

// narrowedTest is a one-thread test on a wider location x, reached
// through X1, with a header line (a Variant) if any.
func narrowedTest(header, decl string, code ...string) string {
	return "AArch64 t\n" + header + "{ " + decl + " 0:X1=x; 0:X3=0x1ff; }\n P0 ;\n " + strings.Join(code, " ;\n ") + " ;\nexists (x=4660)\n"
}

// TestNarrowedWords: a location declared wider than the byte or halfword
// accesses made of it is herd's one cell. Loads cut its value, stores
// replace it with their low bits, and its initial value and the final
// condition keep the declared type.
func TestNarrowedWords(t *testing.T) {
	for _, c := range []struct {
		name, decl string
		code       []string
		want       []string
	}{
		{"uint64_t", "uint64_t x=0x1234;", []string{"LDRB W0,[X1]", "STRB W3,[X1]"},
			[]string{"shared x = 0x1234", "X0 = READ_ONCE(X1) & 0xff", "WRITE_ONCE(X1, (X3 & 0xffffffff) & 0xff)", "final exists (x == 4660)"}},
		{"signed halfword", "int64_t x=0x1234;", []string{"LDRSH X0,[X1]"},
			[]string{"X0 = ((READ_ONCE(X1) & 0xffff) ^ 0x8000) - 0x8000"}},
		{"uint32_t cast", "uint32_t x=-2;", []string{"LDRH W0,[X1]"}, []string{"shared x = 0xfffffffe"}},
		{"undeclared: an int", "x=-2;", []string{"STRH W3,[X1]"}, []string{"shared x = -2", "WRITE_ONCE(X1, (X3 & 0xffffffff) & 0xffff)"}},
		{"register offset", "uint64_t x;", []string{"MOV X2,#0", "LDRB W0,[X1,X2,UXTW]"}, []string{"LDRB W0,[X1,X2,UXTW]"}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			out, err := Translate("t.litmus", []byte(narrowedTest("", c.decl, c.code...)))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("translation lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestNarrowedWordErrors: what herd calls a mixed-size test, and herd's
// mixed-size variant, are refused at the instruction.
func TestNarrowedWordErrors(t *testing.T) {
	for _, c := range []struct {
		name, header string
		code         []string
		err          string
	}{
		{"two sizes", "", []string{"LDRB W0,[X1]", "STRH W3,[X1]"}, "5:2: STRH: 16-bit and 8-bit accesses of x (line 4) make a mixed-size test"},
		{"a word too", "", []string{"LDRB W0,[X1]", "LDR X2,[X1]"}, "5:2: LDR: a 64-bit access of x (8-bit elements) is a mixed-size access"},
		{"mixed variant", "Variant=mixed\n", []string{"STRB W3,[X1]"}, "5:2: STRB of x: herd's mixed-size variant keeps its bytes apart"},
		{"pointer as a value", "", []string{"LDRH W0,[X1]", "ADD X4,X1,X1"}, "5:2: X1 points into x (16-bit elements)"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			_, err := Translate("t.litmus", []byte(narrowedTest(c.header, "uint64_t x;", c.code...)))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}
