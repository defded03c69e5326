package litmus

import (
	"strings"
	"testing"
)

// wantTranslation translates src and checks that the translation holds
// each of want.
func wantTranslation(t *testing.T, src string, want []string) {
	t.Helper()
	out, err := Translate("t.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("translation lacks %q:\n%s", w, out)
		}
	}
}

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
			[]string{"shared x: u64 = 0x1234", "X0 = READ_ONCE(X1) & 0xff", "WRITE_ONCE(X1, (X3 & 0xffffffff) & 0xff)", "final exists (x == 4660)"}},
		{"signed halfword", "int64_t x=0x1234;", []string{"LDRSH X0,[X1]"},
			[]string{"X0 = ((READ_ONCE(X1) & 0xffff) ^ 0x8000) - 0x8000"}},
		{"uint32_t cast", "uint32_t x=-2;", []string{"LDRH W0,[X1]"}, []string{"shared x: u32 = 0xfffffffe"}},
		{"undeclared: an int", "x=-2;", []string{"STRH W3,[X1]"}, []string{"shared x: s32 = 0xfffffffe", "WRITE_ONCE(X1, (X3 & 0xffffffff) & 0xffff)"}},
		{"register offset", "uint64_t x;", []string{"MOV X2,#0", "LDRB W0,[X1,X2,UXTW]"}, []string{"LDRB W0,[X1,X2,UXTW]"}},
		{"ordered", "uint64_t x;", []string{"LDARH W0,[X1]", "LDAPRH W2,[X1]", "STLRH W3,[X1]"},
			[]string{"X0 = smp_load_acquire(X1) & 0xffff", "X2 = ldapr(X1) & 0xffff", "smp_store_release(X1, (X3 & 0xffffffff) & 0xffff)"}},
		{"exclusive", "int8_t x;", []string{"LDAXRB W0,[X1]", "STLXRB W4,W3,[X1]", "LDXRB W5,[X1]", "STXRB W6,W3,[X1]"},
			[]string{"X0 = ldaxr(X1) & 0xff", "X4 = stlxr(X1, (((X3 & 0xffffffff) & 0xff) ^ 0x80) - 0x80)", "X6 = stxr(X1, "}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			wantTranslation(t, narrowedTest("", c.decl, c.code...), c.want)
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
		{"exclusive of two sizes", "", []string{"LDXRB W0,[X1]", "STXRH W4,W3,[X1]"}, "5:2: STXRH: 16-bit and 8-bit accesses of x (line 4)"},
		{"exclusive from X", "", []string{"STXRB W4,X3,[X1]"}, "4:2: STXRB takes a W register"},
		{"exclusive elsewhere", "", []string{"STLXRB W4,W3,[X5]"}, "4:2: STLXRB: a byte or halfword access reaches only a location of its size"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			_, err := Translate("t.litmus", []byte(narrowedTest(c.header, "uint64_t x;", c.code...)))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}

// TestIntWords: a W store into an int location writes the register's
// 32 bits, as herd's cell keeps them, and the location's view (s32) shows
// them sign-extended; a uint32_t's view shows them as they are.
func TestIntWords(t *testing.T) {
	for _, c := range []struct {
		name, decl string
		code       []string
		want       []string
	}{
		{"int and uint32_t", "int x; uint32_t y;", []string{"STR W3,[X1]", "STR W3,[X2]"},
			[]string{"shared x: s32, y: u32", "WRITE_ONCE(X1, X3 & 0xffffffff)", "WRITE_ONCE(X2, X3 & 0xffffffff)"}},
		{"undeclared is an int", "uint64_t y;", []string{"LDAR W0,[X1]", "STLR W3,[X1]", "STR W3,[X2]"},
			[]string{"shared y: u64, x: s32", "smp_store_release(X1, X3 & 0xffffffff)"}},
		{"all ints", "int x; int y;", []string{"STR W3,[X1]", "LDR W0,[X1]"}, []string{"shared x: s32, y: s32", "WRITE_ONCE(X1, X3 & 0xffffffff)"}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			wantTranslation(t, "AArch64 t\n{ "+c.decl+" 0:X1=x; 0:X2=y; 0:X3=0x80000001; }\n P0 ;\n "+strings.Join(c.code, " ;\n ")+" ;\nexists (x=1)\n", c.want)
		})
	}
}
