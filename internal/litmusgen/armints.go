package litmusgen

import "fmt"

// AArch64Ints returns the seed-th of a fixed list of AArch64 tests on an
// array of four 32-bit elements, an int one and a uint32_t one, and of
// 8- and 16-bit ones, signed and unsigned, cycling through it. herd lays such elements out 4 bytes apart and mmuvm a word
// apart, so every offset the translation doubles is here: each
// addressing mode (immediate, register shifted or extended, pre- and
// post-indexed), a pointer moved by ADD, SUB and MOV, 32-bit loads,
// LDRSW and stores of a negative value, pairs (LDP, LDPSW, STP), the
// atomics, alone and against another thread's store of -1, and MP whose
// reader indexes the array by the flag it read.
func AArch64Ints(seed int64) (name, text string) {
	return fromList(intsTests, "A-ints-%d", seed)
}

// intsModes are addrModes for elements 4 bytes apart, with the moves of
// the pointer.
var intsModes = elemModes(4, "LDR W9", true)

// intsPairModes are the operands of the pair accesses, which reach the
// element addressed and the next.
var intsPairModes = []addrMode{
	{nil, "[X1]", nil},
	{nil, "[X1,#8]", nil},
	{nil, "[X1,#4]!", []string{"LDR W9,[X1]"}},
	{nil, "[X1],#8", []string{"LDR W9,[X1]"}},
}

// intsAtomics are the atomics on the second element (X10), each with the
// value it writes set up in W3.
var intsAtomics = [][]string{
	{"MOV W3,#-9", "SWP W3,W0,[X10]"},
	{"MOV W3,#-9", "SWPAL W3,W0,[X10]"},
	{"MOV W0,#-2", "MOV W3,#5", "CAS W0,W3,[X10]"},
	{"MOV W0,#2", "MOV W3,#5", "CASAL W0,W3,[X10]"},
	{"MOV W3,#7", "LDEOR W3,W0,[X10]"},
	{"MOV W3,#1", "LDSET W3,W0,[X10]"},
	{"LDXR W0,[X10]", "MOV W3,#-9", "STXR W4,W3,[X10]"},
}

// intsIndexModes address the array by the value X0 read (0 or 1).
var intsIndexModes = [][]string{
	{"LDR W9,[X1,X0,LSL #2]"},
	{"LDR W9,[X1,W0,UXTW #2]"},
	{"LSL X2,X0,#2", "ADD X10,X1,X2", "LDR W9,[X10]"},
}

var intsTests = func() []func(name string) string {
	var ts []func(string) string
	for _, typ := range []string{"int", "uint32_t"} {
		add := func(code []string, exists string, threads ...[]string) {
			all := append([][]string{code}, threads...)
			ts = append(ts, func(name string) string { return intsTest(name, typ, all, exists) })
		}
		for _, m := range intsModes {
			for _, access := range [][]string{{"LDR W0," + m.operand}, {"LDRSW X0," + m.operand}, {"MOV W3,#-9", "STR W3," + m.operand}} {
				add(join(m.setup, access, m.after), "0:X0=1")
			}
		}
		for _, m := range intsPairModes {
			for _, access := range [][]string{{"LDP W0,W8," + m.operand}, {"LDPSW X0,X8," + m.operand}, {"MOV W3,#-9", "MOV W4,#7", "STP W3,W4," + m.operand}} {
				add(join(m.setup, access, m.after), "0:X0=1")
			}
		}
		for _, a := range intsAtomics {
			add(join([]string{"ADD X10,X1,#4"}, a), "0:X0=1")
		}
		if typ == "int" { // a sum into a uint32_t is not translated
			add([]string{"ADD X10,X1,#4", "MOV W3,#-1", "LDADD W3,W0,[X10]"}, "0:X0=1")
			add([]string{"ADD X10,X1,#4", "MOV W3,#3", "STADDL W3,[X10]"}, "0:X0=1")
		}
		// another thread's 32-bit store of -1 (an int's -1, a uint32_t's
		// 4294967295) meets each atomic, whose comparison or result
		// depends on how memory holds it
		for _, a := range intsAtomics {
			add(join([]string{"ADD X10,X1,#4"}, a), "0:X0=-1", []string{"MOV W3,#-1", "STR W3,[X1,#4]"})
		}
		if typ == "int" { // the sum wraps at 32 bits
			add([]string{"ADD X10,X1,#4", "MOV W3,#1", "LDADD W3,W0,[X10]"}, "0:X0=2147483647", []string{"MOV W3,#-1", "LSR W3,W3,#1", "STR W3,[X1,#4]"})
		}
		writers := [][]string{
			{"MOV W3,#-5", "STR W3,[X1,#4]", "MOV W4,#1", "STR W4,[X5]"},
			{"MOV W3,#-5", "STR W3,[X1,#4]", "DMB ISHST", "MOV W4,#1", "STR W4,[X5]"},
			{"MOV W3,#-5", "STR W3,[X1,#4]", "MOV W4,#1", "STLR W4,[X5]"},
		}
		for _, reader := range intsIndexModes {
			for _, w := range writers {
				add(w, "1:X0=1 /\\ 1:X9=2", join([]string{"LDR W0,[X5]"}, reader))
			}
		}
	}
	return append(ts, subwordTests()...)
}()

// subwordTests are the byte and halfword elements' tests: each type's
// loads (zero- and sign-extending, into W and X) and store in each mode,
// and MP whose reader indexes the array by the flag it read.
func subwordTests() []func(string) string {
	var ts []func(string) string
	for _, c := range []struct {
		typ, sfx string
		size     int
	}{{"int8_t", "B", 1}, {"uint8_t", "B", 1}, {"int16_t", "H", 2}, {"uint16_t", "H", 2}} {
		add := func(exists string, threads ...[]string) {
			ts = append(ts, func(name string) string { return intsTest(name, c.typ, threads, exists) })
		}
		ld, lds, st := "LDR"+c.sfx, "LDRS"+c.sfx, "STR"+c.sfx
		for _, m := range elemModes(c.size, ld+" W9", true) {
			for _, access := range [][]string{{ld + " W0," + m.operand}, {lds + " W0," + m.operand}, {lds + " X0," + m.operand}, {"MOV W3,#-9", st + " W3," + m.operand}} {
				add("0:X0=1", join(m.setup, access, m.after))
			}
		}
		shift := map[int]string{1: "", 2: ",LSL #1"}[c.size]
		for _, w := range [][]string{
			{"MOV W3,#-5", st + " W3,[X1,#" + fmt.Sprint(c.size) + "]", "MOV W4,#1", "STR W4,[X5]"},
			{"MOV W3,#-5", st + " W3,[X1,#" + fmt.Sprint(c.size) + "]", "DMB ISHST", "MOV W4,#1", "STR W4,[X5]"},
			{"MOV W3,#300", st + " W3,[X1,#" + fmt.Sprint(c.size) + "]", "MOV W4,#1", "STLR W4,[X5]"},
		} {
			add("1:X0=1 /\\ 1:X9=-2", w, []string{"LDR W0,[X5]", lds + " W9,[X1,X0" + shift + "]"})
		}
	}
	return ts
}

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// intsTest lays out a test on the array a of four elements of type typ
// (1, -2, 3, -4; a uint32_t's -2 is 4294967294) and the flag f: each
// thread has a's address in X1 and f's in X5.
func intsTest(name, typ string, threads [][]string, exists string) string {
	return arrayTest(name, typ+" a[4] = {1,-2,3,-4}; int f;", threads, exists)
}
