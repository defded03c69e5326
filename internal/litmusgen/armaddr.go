package litmusgen

import (
	"fmt"
	"math/bits"
	"strings"
)

// AArch64Addr returns the seed-th of a fixed list of AArch64 tests on an
// array of words, cycling through it: each addressing mode the front end
// takes (an immediate offset, positive or negative, a register offset,
// shifted or extended from a W register by UXTW or SXTW, SXTX, pre- and
// post-indexed), for a load and a store alone (single and pair, LDNP,
// STNP, LDIAPP and STILP too), MP over a pair's two words, and MP whose
// reader indexes the array by the flag it read (an address
// dependency through the offset). The other lists address whole words by
// [Xn] alone; here the offset arithmetic decides which element an access
// reaches.
func AArch64Addr(seed int64) (name, text string) {
	return fromList(addrTests, "A-addr-%d", seed)
}

// addrMode is a memory operand with the instructions that set its
// registers up (X1 holds the array's address), and for a mode that
// writes its base back, a load through the base that shows where it went.
type addrMode struct {
	setup   []string
	operand string
	after   []string
}

var addrModes = elemModes(8, "LDR X9", false)

// elemModes are the memory operands on an array whose elements are size
// bytes apart (X1 holds its address): an immediate offset, a register
// offset shifted or extended from a W register by UXTW or SXTW, SXTX, a
// base moved by ADD (with moves, also by MOV, ADD and SUB of registers
// and immediates), pre- and post-indexed, each writeback followed by
// load (its instruction and register) through the base.
func elemModes(size int, load string, moves bool) []addrMode {
	o := func(n int) string { return fmt.Sprint(n * size) }
	k := fmt.Sprintf(" #%d", bits.TrailingZeros(uint(size)))
	ms := []addrMode{
		{nil, "[X1]", nil},
		{nil, "[X1,#" + o(1) + "]", nil},
		{nil, "[X1,#" + o(3) + "]", nil},
		{[]string{"MOV X2,#" + o(2)}, "[X1,X2]", nil},
		{[]string{"MOV X2,#3"}, "[X1,X2,LSL" + k + "]", nil},
		{[]string{"MOV W2,#2"}, "[X1,W2,UXTW" + k + "]", nil},
		{[]string{"MOV W2,#1"}, "[X1,W2,SXTW" + k + "]", nil},
		{[]string{"ADD X10,X1,#" + o(3), "MOV W2,#-2"}, "[X10,W2,SXTW" + k + "]", nil},
		{[]string{"ADD X10,X1,#" + o(2), "MOV W2,#-" + o(1)}, "[X10,W2,SXTW]", nil},
		{[]string{"ADD X10,X1,#" + o(2)}, "[X10,#-" + o(1) + "]", nil},
		{[]string{"ADD X10,X1,#" + o(4), "MOV X2,#-1"}, "[X10,X2,LSL" + k + "]", nil},
		{[]string{"MOV X2,#1"}, "[X1,X2,SXTX" + k + "]", nil},
	}
	if moves {
		ms = append(ms,
			addrMode{[]string{"MOV X10,X1", "ADD X10,X10,#" + o(2), "SUB X10,X10,#" + o(1)}, "[X10]", nil},
			addrMode{[]string{"MOV X2,#" + o(3), "ADD X10,X1,X2"}, "[X10,#-" + o(2) + "]", nil})
	}
	return append(ms,
		addrMode{nil, "[X1,#" + o(1) + "]!", []string{load + ",[X1]"}},
		addrMode{nil, "[X1],#" + o(2), []string{load + ",[X1]"}},
		addrMode{[]string{"ADD X10,X1,#" + o(3)}, "[X10,#-" + o(2) + "]!", []string{load + ",[X10,#" + o(1) + "]"}},
		addrMode{[]string{"ADD X10,X1,#" + o(3)}, "[X10],#-" + o(1), []string{load + ",[X10]"}})
}

// pairModes are the operands of LDP and STP, which reach the element
// addressed and the next.
var pairModes = []addrMode{
	{nil, "[X1]", nil},
	{nil, "[X1,#16]", nil},
	{nil, "[X1,#8]!", []string{"LDR X9,[X1]"}},
	{nil, "[X1],#16", []string{"LDR X9,[X1]"}},
}

// pairKindModes are the other pairs, LDNP, STNP, LDIAPP and STILP, in
// each addressing form they have (LDIAPP post-indexed, STILP
// pre-indexed), alone.
var pairKindModes = []struct {
	addrMode
	access []string
}{
	{addrMode{nil, "", nil}, []string{"LDNP X0,X8,[X1,#16]"}},
	{addrMode{nil, "", nil}, []string{"MOV X3,#9", "MOV X4,#7", "STNP X3,X4,[X1,#8]"}},
	{addrMode{nil, "", nil}, []string{"LDIAPP X0,X8,[X1]"}},
	{addrMode{nil, "", []string{"LDR X9,[X1]"}}, []string{"LDIAPP X0,X8,[X1],#16"}},
	{addrMode{nil, "", nil}, []string{"MOV X3,#9", "MOV X4,#7", "STILP X3,X4,[X1]"}},
	{addrMode{[]string{"ADD X10,X1,#32"}, "", []string{"LDR X9,[X10]"}}, []string{"MOV X3,#9", "MOV X4,#7", "STILP X3,X4,[X10,#-16]!"}},
}

// pairKindMP are MP shapes over the two words of a pair: STILP's writes
// are ordered (the higher first with a writeback), LDIAPP's reads too,
// LDNP's and STNP's not.
var pairKindMP = []struct {
	threads [][]string
	exists  string
}{
	{[][]string{{"MOV X3,#5", "MOV X4,#1", "STILP X3,X4,[X1]"}, {"LDR X0,[X1,#8]", "DMB LD", "LDR X9,[X1]"}}, "1:X0=1 /\\ 1:X9=1"},
	{[][]string{{"MOV X3,#5", "MOV X4,#1", "STNP X3,X4,[X1]"}, {"LDR X0,[X1,#8]", "DMB LD", "LDR X9,[X1]"}}, "1:X0=1 /\\ 1:X9=1"},
	{[][]string{{"ADD X10,X1,#16", "MOV X3,#7", "MOV X4,#5", "STILP X3,X4,[X10,#-16]!"}, {"LDR X0,[X1]", "DMB LD", "LDR X9,[X1,#8]"}}, "1:X0=7 /\\ 1:X9=2"},
	{[][]string{{"MOV X3,#5", "STR X3,[X1,#8]", "MOV X4,#7", "STLR X4,[X1]"}, {"LDIAPP X0,X9,[X1]"}}, "1:X0=7 /\\ 1:X9=2"},
	{[][]string{{"MOV X3,#5", "STR X3,[X1,#8]", "MOV X4,#7", "STLR X4,[X1]"}, {"LDNP X0,X9,[X1]"}}, "1:X0=7 /\\ 1:X9=2"},
	{[][]string{{"MOV X3,#5", "STR X3,[X1,#8]", "MOV X4,#7", "STLR X4,[X1]"}, {"LDIAPP X0,X9,[X1],#16", "LDR X8,[X1]"}}, "1:X0=7 /\\ 1:X9=2 /\\ 1:X8=3"},
}

// indexModes address the array by the value X0 read (0 or 1): the
// element's address depends on that read.
var indexModes = [][]string{
	{"LDR X9,[X1,X0,LSL #3]"},
	{"LSL X2,X0,#3", "LDR X9,[X1,X2]"},
	{"LDR X9,[X1,W0,UXTW #3]"},
	{"LDR X9,[X1,W0,SXTW #3]"},
	{"ADD X2,X1,X0,LSL #3", "LDR X9,[X2]"},
}

var addrTests = func() []func(name string) string {
	var ts []func(string) string
	add := func(m addrMode, access ...string) {
		code := append(append(append([]string{}, m.setup...), access...), m.after...)
		ts = append(ts, func(name string) string { return addrTest(name, [][]string{code}, "0:X0=1") })
	}
	for _, m := range addrModes {
		add(m, "LDR X0,"+m.operand)
		add(m, "MOV X3,#9", "STR X3,"+m.operand)
	}
	for _, m := range pairModes {
		add(m, "LDP X0,X8,"+m.operand)
		add(m, "MOV X3,#9", "MOV X4,#7", "STP X3,X4,"+m.operand)
	}
	for _, m := range pairKindModes {
		add(m.addrMode, m.access...)
	}
	for _, mp := range pairKindMP {
		ts = append(ts, func(name string) string { return addrTest(name, mp.threads, mp.exists) })
	}
	writers := [][]string{
		{"MOV X3,#5", "STR X3,[X1,#8]", "MOV X4,#1", "STR X4,[X5]"},
		{"MOV X3,#5", "STR X3,[X1,#8]", "DMB ISHST", "MOV X4,#1", "STR X4,[X5]"},
		{"MOV X3,#5", "STR X3,[X1,#8]", "MOV X4,#1", "STLR X4,[X5]"},
	}
	for _, reader := range indexModes {
		for _, w := range writers {
			r := append([]string{"LDR X0,[X5]"}, reader...)
			ts = append(ts, func(name string) string { return addrTest(name, [][]string{w, r}, "1:X0=1 /\\ 1:X9=2") })
		}
	}
	return ts
}()

// addrTest lays out a test on the array a of four words (1, 2, 3, 4) and
// the flag f: each thread has a's address in X1 and f's in X5.
func addrTest(name string, threads [][]string, exists string) string {
	return arrayTest(name, "uint64_t a[4] = {1,2,3,4}; uint64_t f;", threads, exists)
}

// arrayTest lays out a test on the array a and the flag f that decl
// declares: each thread has a's address in X1 and f's in X5.
func arrayTest(name, decl string, threads [][]string, exists string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "AArch64 %s\n{\n%s\n", name, decl)
	var regs []string
	for t := range threads {
		fmt.Fprintf(&b, "%d:X1=a; %d:X5=f;\n", t, t)
		regs = append(regs, fmt.Sprintf("%d:X0; %d:X8; %d:X9", t, t, t))
	}
	b.WriteString("}\n")
	b.WriteString(columns(threads))
	fmt.Fprintf(&b, "locations [a; f; %s;]\nexists (%s)\n", strings.Join(regs, "; "), exists)
	return b.String()
}
