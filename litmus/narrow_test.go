package litmus

import (
	"strings"
	"testing"
)

// narrowTest is a one-thread AArch64 test whose X2 points into v, an
// array of 32-bit elements of the given type.
func narrowTest(typ string, code ...string) string {
	return "AArch64 t\n{ " + typ + " v[4] = {1,-1}; 0:X2=v; }\n P0 ;\n " + strings.Join(code, " ;\n ") + " ;\nexists (v[1]=-1)\n"
}

// TestNarrowArrays: offsets added to a pointer into an array of 32-bit
// elements are doubled (herd's elements are 4 bytes apart, mmuvm's 8),
// wherever the pointer is used, and the values are herd's typed ones.
func TestNarrowArrays(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		code      []string
		want      []string
	}{
		{"offset", "int", []string{"LDR W0,[X2,#4]"}, []string{"X0 = READ_ONCE(X2 + 8) & 0xffffffff"}},
		{"register offset", "int", []string{"MOV X3,#1", "STR W0,[X2,X3,LSL #2]"}, []string{"WRITE_ONCE(X2 + ((X3 << 2) << 1), "}},
		{"post-indexed", "int", []string{"LDR W0,[X2],#4", "LDR W1,[X2,#-4]"},
			[]string{"X0 = READ_ONCE(X2) & 0xffffffff", "X2 = X2 + 8", "READ_ONCE(X2 + 0xfffffffffffffff8)"}},
		{"pre-indexed", "int", []string{"LDR W0,[X2,#8]!"}, []string{"X2 = X2 + 16  // LDR W0,[X2,#8]!\n  X0 = READ_ONCE(X2)"}},
		{"add and mov", "int", []string{"ADD X4,X2,#8", "MOV X5,X4", "SUB X5,X5,#4", "LDR W0,[X5,#4]"},
			[]string{"X4 = X2 + 16", "X5 = X4", "X5 = X5 - 8", "READ_ONCE(X5 + 8)"}},
		{"pair", "int", []string{"LDP W0,W1,[X2,#4]", "STP W1,W0,[X2]"},
			[]string{"X0 = READ_ONCE(X2 + 8) & 0xffffffff", "X1 = READ_ONCE((X2 + 8) + 8) & 0xffffffff", "WRITE_ONCE(X2 + 8, X0)"}},
		{"casp", "int", []string{"CASPA W0,W1,W3,W4,[X2]"},
			[]string{"X0 = caspa(X2, X0 & 0xffffffff, X1 & 0xffffffff, X3 & 0xffffffff, X4 & 0xffffffff)", "X1 = pair_hi() & 0xffffffff"}},
		{"sign-extending loads", "int", []string{"LDRSW X0,[X2,#4]", "LDPSW X3,X4,[X2]"},
			[]string{"X0 = ((READ_ONCE(X2 + 8) & 0xffffffff) ^ 0x80000000) - 0x80000000", "X4 = ((READ_ONCE(X2 + 8) & 0xffffffff) ^ 0x80000000) - 0x80000000"}},
		// an element holds its 32 bits, which its view shows through its
		// type: an int's sign-extended, a uint32_t's as they are
		{"int values", "int", []string{"MOV W0,#-1", "STR W0,[X2]"}, []string{"shared v__0: s32 = 1, v__1: s32 = 0xffffffff, v__2: s32, v__3: s32", "WRITE_ONCE(X2, X0)", "v__1 == -1"}},
		{"uint32_t values", "uint32_t", []string{"MOV W0,#-1", "STR W0,[X2]"}, []string{"v__1: u32 = 0xffffffff", "WRITE_ONCE(X2, X0)", "v__1 == 0xffffffff"}},
		{"long is 32 bits", "long", []string{"LDR W0,[X2,#4]"}, []string{"READ_ONCE(X2 + 8)"}},
		// a sum into an element keeps its carry, as herd's cell does; the
		// element's view shows its 32 bits
		{"unsigned sum", "uint32_t", []string{"MOV W0,#1", "LDADD W0,W1,[X2]"}, []string{"X1 = ldadd(X2, X0) & 0xffffffff"}},
		// bytes and halfwords: offsets scaled by 8 and 4, loads zero- or
		// sign-extended, stores cut to the element's bits
		{"bytes", "int8_t", []string{"LDRB W0,[X2,#3]", "LDRSB W1,[X2],#1", "LDRSB X3,[X2]", "MOV W4,#300", "STRB W4,[X2,#-1]"},
			[]string{"shared v__0: s8 = 1, v__1: s8 = -1", "X0 = READ_ONCE(X2 + 24) & 0xff", "X1 = (((READ_ONCE(X2) & 0xff) ^ 0x80) - 0x80) & 0xffffffff",
				"X2 = X2 + 8", "X3 = ((READ_ONCE(X2) & 0xff) ^ 0x80) - 0x80", "WRITE_ONCE(X2 + 0xfffffffffffffff8, ((X4 & 0xff) ^ 0x80) - 0x80)"}},
		{"unsigned halfwords", "uint16_t", []string{"MOV X3,#3", "LDRH W0,[X2,X3,LSL #1]", "STRH W0,[X2,#2]"},
			[]string{"shared v__0: u16 = 1, v__1: u16 = 65535", "X0 = READ_ONCE(X2 + ((X3 << 1) << 2)) & 0xffff", "WRITE_ONCE(X2 + 8, X0 & 0xffff)", "v__1 == 65535"}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			wantTranslation(t, narrowTest(c.typ, c.code...), c.want)
		})
	}
}

// TestNarrowArrayErrors: what the translation refuses of a pointer into
// an array of 32-bit elements, at the instruction that does it.
func TestNarrowArrayErrors(t *testing.T) {
	for _, c := range []struct {
		name, typ string
		code      []string
		err       string
	}{
		{"pointer as a value", "int", []string{"CMP X2,#0"}, "4:2: X2 points into v (32-bit elements): it may only be an address"},
		{"pointer stored", "int", []string{"STR X2,[X3]"}, "X2 points into v"},
		{"W view", "int", []string{"MOV W3,W2"}, "4:2: X2 points into v (32-bit elements): only X registers may hold it"},
		{"part of an element", "int", []string{"LDR W0,[X2,#2]"}, "4:2: offset #2 in [X2,#2]: v's elements are 4 bytes apart"},
		{"part of an element, writeback", "int", []string{"LDR W0,[X2],#6"}, "writeback offset #6 in [X2]: v's elements are 4 bytes apart"},
		{"part of an element, add", "int", []string{"ADD X3,X2,#1"}, "offset #1 in X3,X2,#1"},
		{"64-bit access", "int", []string{"STR X0,[X2,#4]"}, "4:2: STR: a 64-bit access of v (32-bit elements) is a mixed-size access"},
		{"64-bit pair", "int", []string{"LDP X0,X1,[X2]"}, "LDP: a 64-bit access of v"},
		{"64-bit casp", "int", []string{"CASP X0,X1,X3,X4,[X2]"}, "4:2: CASP: a 64-bit access of v"},
		{"casp of mixed sizes", "int", []string{"CASP W0,W1,X3,X4,[X2]"}, "4:2: operands of CASP must have the same size"},
		{"casp into one register", "int", []string{"CASPL W0,W0,W3,W4,[X2]"}, "4:2: CASPL with the same register twice"},
		{"casp of words", "int", []string{"CASP X0,X1,X3,X4,[X3]"}, "4:2: CASP: a pair access reaches the next word, and the test has no array of words"},
		{"casp operands", "int", []string{"CASP W0,W1,W3,[X2]"}, "4:2: CASP"},
		{"ldiapp with an offset", "int", []string{"LDIAPP W0,W1,[X2,#8]"}, "4:2: LDIAPP has no such addressing form"},
		{"stilp post-indexed", "int", []string{"STILP W0,W1,[X2],#8"}, "4:2: STILP has no such addressing form"},
		{"ldnp writeback", "int", []string{"LDNP W0,W1,[X2,#8]!"}, "4:2: LDNP has no such addressing form"},
		{"byte of a word", "int", []string{"LDRB W0,[X3]"}, "4:2: LDRB: a byte or halfword access reaches only a location of its size"},
		{"byte of an int", "int", []string{"STRB W0,[X2]"}, "4:2: STRB: a 8-bit access of v (32-bit elements) is a mixed-size access"},
		{"word of a byte", "uint8_t", []string{"LDR W0,[X2]"}, "4:2: LDR: a 32-bit access of v (8-bit elements) is a mixed-size access"},
		{"byte into X", "int8_t", []string{"LDRB X0,[X2]"}, "4:2: LDRB takes a W register"},
		{"LDRSW into W", "int", []string{"LDRSW W0,[X2]"}, "4:2: LDRSW loads into an X register"},
		// a pointer only one path keeps is none after the join
		{"lost at a join", "int", []string{"CBZ X0,L0", "LDR X2,[X3]", "L0:", "LDR W1,[X2,#4]"}, "7:2: non-zero immediate offset in [X2,#4]"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			_, err := Translate("t.litmus", []byte(narrowTest(c.typ, c.code...)))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}

// TestNarrowScalars: a location of an 8- or 16-bit type holds herd's
// typed value (its initial value cast), is reached through a register the
// initial state points at it, and a register of such a type shows as herd
// shows it.
func TestNarrowScalars(t *testing.T) {
	src := "AArch64 t\n{ int8_t x = 257; uint16_t y = -1; 0:X1=x; 0:X2=y; int8_t 0:X0; }\n P0 ;\n LDRSB W0,[X1] ;\n LDRH W3,[X2] ;\n STRH W0,[X2] ;\nlocations [0:X0; 0:X3;]\nexists (x=257 /\\ 0:X0=-255)\n"
	out, err := Translate("t.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"shared x: s8 = 1, y: u16 = 65535", "X3 = READ_ONCE(X2) & 0xffff", "WRITE_ONCE(X2, X0 & 0xffff)",
		"X0 = ((X0 & 0xff) ^ 0x80) - 0x80  // herd shows the register through its type", "x == 1 && 0:X0 == 1"} {
		if !strings.Contains(out, w) {
			t.Errorf("translation lacks %q:\n%s", w, out)
		}
	}
}

// TestTypedInitialValues: a location of a 32-bit type starts at its
// initial value cast to that type, as herd holds it; a 64-bit one as
// written.
func TestTypedInitialValues(t *testing.T) {
	for _, c := range []struct{ decl, want string }{
		{"uint32_t x=-2;", "shared x: u32 = 0xfffffffe"},
		{"int x=0xffffffff;", "shared x: s32 = 0xffffffff"},
		{"x=0x1ffffffff;", "shared x: s32 = 0xffffffff"},
		{"int64_t x=-2;", "shared x = -2"},
		{"uint64_t x=0x1ffffffff;", "shared x: u64 = 0x1ffffffff"},
	} {
		out, err := Translate("t.litmus", []byte("AArch64 t\n{ "+c.decl+" 0:X1=x; }\n P0 ;\n LDR W0,[X1] ;\nexists (0:X0=0)\n"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, c.want) {
			t.Errorf("%s: translation lacks %q:\n%s", c.decl, c.want, out)
		}
	}
}

// TestConditionCastByType: in a test whose memory is not all ints, a
// condition's constant compared with a location is cast to the
// location's declared type, as herd casts it (y=-1 on a uint32_t is
// y=4294967295); a 64-bit location's constant stays as written.
func TestConditionCastByType(t *testing.T) {
	wantTranslation(t, "AArch64 t\n{ uint32_t y; uint64_t z; 0:X1=y; }\n P0 ;\n MOV W0,#-1 ;\n STR W0,[X1] ;\nexists (y=-1 /\\ z=-1)\n",
		[]string{"final exists (y == 0xffffffff && z == -1)"})
}
