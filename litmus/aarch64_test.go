package litmus

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
)

// cells makes a thread from instruction texts, one a line from line 10.
func asmCells(texts ...string) []asmLine {
	out := make([]asmLine, len(texts))
	for i, s := range texts {
		out[i] = asmLine{Text: s, Line: 10 + i, Col: 2}
	}
	return out
}

type asmCase struct {
	name string
	in   []string
	want string // the body, or "error: substring" with the error's line
	line int    // the line the error must name (0: any)
}

func runAsmCases(t *testing.T, arch string, cases []asmCase) {
	t.Helper()
	runAsmCasesIn(t, arch, asmMem{}, cases)
}

// runAsmCasesIn is runAsmCases for a test whose memory is mem.
func runAsmCasesIn(t *testing.T, arch string, mem asmMem, cases []asmCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bodies, err := translateAsm(arch, [][]asmLine{asmCells(c.in...)}, mem)
			if want, ok := strings.CutPrefix(c.want, "error: "); ok {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("want an *Error containing %q, got %v (bodies %q)", want, err, bodies)
				}
				if !strings.Contains(e.Msg, want) {
					t.Errorf("error %q does not contain %q", e.Msg, want)
				}
				if c.line != 0 && e.Line != c.line {
					t.Errorf("error at line %d, want %d (%v)", e.Line, c.line, e)
				}
				if e.Col == 0 || e.Line == 0 {
					t.Errorf("error is not positioned: %v", e)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got := asmStripNotes(bodies[0]); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// asmStripNotes drops the trailing `// instruction` comments.
func asmStripNotes(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "  //"); j >= 0 {
			lines[i] = l[:j]
		}
	}
	// the declarations of registers read but never written have their own case
	for len(lines) > 0 && strings.Contains(s, lines[0]+"  // read, never written") {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

// TestAArch64Words: with arrays of words an offset of 8 reaches the next
// element, which pair accesses (LDP, STP) and writebacks use.
func TestAArch64Words(t *testing.T) {
	for _, c := range []struct {
		name, want string
		in         []string
	}{
		{"stp", "WRITE_ONCE(X0, X1)\nWRITE_ONCE(X0 + 8, X2)", []string{"STP X1,X2,[X0]"}},
		{"ldp-offset", "X3 = READ_ONCE(X0 + 16)\nX4 = READ_ONCE((X0 + 16) + 8)", []string{"LDP X3,X4,[X0,#16]"}},
		{"stp-post", "WRITE_ONCE(X3, X1)\nWRITE_ONCE(X3 + 8, X2)\nX3 = X3 + 16", []string{"STP X1,X2,[X3],#16"}},
		{"stp-pre", "X0 = X0 + 0xfffffffffffffff0\nWRITE_ONCE(X0, X4)\nWRITE_ONCE(X0 + 8, X5)", []string{"STP X4,X5,[X0,#-16]!"}},
		// the base is read before the register that overwrites it
		{"ldp-base-first", "X1 = READ_ONCE(X0 + 8)\nX0 = READ_ONCE(X0)", []string{"LDP X0,X1,[X0]"}},
		{"ldr-offset", "X0 = READ_ONCE(X1 + 8)", []string{"LDUR X0,[X1,#8]"}},
		{"pre-index-offset", "X3 = X3 + 8\nX2 = READ_ONCE(X3)", []string{"LDR X2,[X3,#8]!"}},
		// the other pairs: LDNP and STNP are LDP and STP to aarch64.cat,
		// LDIAPP's reads acquirePC ones, STILP's writes releases, the
		// higher address first with a writeback
		{"ldnp-stnp", "X3 = READ_ONCE(X0 + 16)\nX4 = READ_ONCE((X0 + 16) + 8)\nWRITE_ONCE(X0, X1)\nWRITE_ONCE(X0 + 8, X2)", []string{"LDNP X3,X4,[X0,#16]", "STNP X1,X2,[X0]"}},
		{"ldiapp", "X3 = ldapr(X0)\nX4 = ldapr(X0 + 8)\nX0 = X0 + 16", []string{"LDIAPP X3,X4,[X0],#16"}},
		{"stilp", "smp_store_release(X0, X1)\nsmp_store_release(X0 + 8, X2)", []string{"STILP X1,X2,[X0]"}},
		{"stilp-pre", "X0 = X0 + 0xfffffffffffffff0\nsmp_store_release(X0 + 8, X2)\nsmp_store_release(X0, X1)", []string{"STILP X1,X2,[X0,#-16]!"}},
		// CASP: one call compares and swaps the pair, pair_hi() gives
		// the second word it read
		{"casp", "X0 = casp(X4, X0, X1, X2, X3)\nX1 = pair_hi()", []string{"CASP X0,X1,X2,X3,[X4]"}},
		{"caspal", "X6 = caspal(X4, X6, X7, 0, X3)\nX7 = pair_hi()", []string{"CASPAL X6,X7,XZR,X3,[X4]"}},
		// the exclusive pairs: pair_hi() gives LDXP's second word
		{"ldxp-stxp", "X2 = ldaxp(X0)\nX3 = pair_hi()\nX9 = stlxp(X0, X3, X2)", []string{"LDAXP X2,X3,[X0]", "STLXP W9,X3,X2,[X0]"}},
	} {
		bodies, err := translateAsm("AArch64", [][]asmLine{asmCells(c.in...)}, asmMem{words: true})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := asmStripNotes(bodies[0]); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

func TestAArch64(t *testing.T) {
	runAsmCases(t, "AArch64", []asmCase{
		{"mov-str", []string{"MOV W0,#2", "STR W0,[X1]"}, "X0 = 2\nWRITE_ONCE(X1, X0)", 0},
		{"ldr", []string{"LDR W3,[X2]", "LDR X4,[X5,#0]"}, "X3 = READ_ONCE(X2) & 0xffffffff\nX4 = READ_ONCE(X5)", 0},
		{"addr-dep", []string{"LDR W0,[X1]", "EOR W2,W0,W0", "LDR W3,[X4,W2,SXTW]"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nX2 = X0 ^ X0\nX3 = READ_ONCE(X4 + X2) & 0xffffffff", 0},
		{"addr-dep-x", []string{"LDR X0,[X1]", "EOR X2,X0,X0", "LDR X3,[X4,X2]"},
			"X0 = READ_ONCE(X1)\nX2 = X0 ^ X0\nX3 = READ_ONCE(X4 + X2)", 0},
		{"sxtw-unknown", []string{"LDR W3,[X4,W2,SXTW]"},
			"X3 = READ_ONCE(X4 + (((X2 & 0xffffffff) ^ 0x80000000) - 0x80000000)) & 0xffffffff", 0},
		{"data-dep", []string{"LDR W0,[X1]", "EOR W2,W0,W0", "ADD W2,W2,#1", "STR W2,[X3]"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nX2 = X0 ^ X0\nX2 = X2 + 1\nWRITE_ONCE(X3, X2)", 0},
		{"add-wraps", []string{"LDR W0,[X1]", "ADD W2,W0,#1"}, "X0 = READ_ONCE(X1) & 0xffffffff\nX2 = (X0 + 1) & 0xffffffff", 0},
		{"w-of-x", []string{"STR W0,[X1]"}, "WRITE_ONCE(X1, X0 & 0xffffffff)", 0},
		{"zr", []string{"STR WZR,[X1]", "LDR XZR,[X1]", "MOV W0,WZR"}, "WRITE_ONCE(X1, 0)\nREAD_ONCE(X1)\nX0 = 0", 0},
		{"acqrel", []string{"LDAR W0,[X1]", "LDAPR W2,[X3]", "STLR W0,[X4]"},
			"X0 = smp_load_acquire(X1) & 0xffffffff\nX2 = ldapr(X3) & 0xffffffff\nsmp_store_release(X4, X0)", 0},
		{"fences", []string{"DMB ISH", "DMB SY", "DMB ISHLD", "DMB LD", "DMB ST", "DSB SY", "DSB ISHST", "ISB"},
			"dmb_ish()\ndmb_ish()\ndmb_ishld()\ndmb_ishld()\ndmb_ishst()\ndsb_ish()\ndsb_ishst()\nisb()", 0},
		{"excl", []string{"LDXR W0,[X1]", "ADD W0,W0,#1", "STXR W2,W0,[X1]", "LDAXR X3,[X4]", "STLXR W5,X3,[X4]"},
			"X0 = ldxr(X1) & 0xffffffff\nX0 = (X0 + 1) & 0xffffffff\nX2 = stxr(X1, X0)\nX3 = ldaxr(X4)\nX5 = stlxr(X4, X3)", 0},
		{"lse", []string{"MOV W0,#1", "SWPAL W0,W1,[X2]", "CASA W3,W0,[X2]", "LDADDL W0,W4,[X2]", "LDCLR X0,X4,[X2]", "STADD W0,[X2]", "STSETL W0,[X2]", "LDEORA W0,WZR,[X2]"},
			"X0 = 1\nX1 = swpal(X2, X0) & 0xffffffff\nX3 = casa(X2, X3 & 0xffffffff, X0) & 0xffffffff\nX4 = ldaddl(X2, X0) & 0xffffffff\nX4 = ldclr(X2, X0)\nstadd(X2, X0)\nstsetl(X2, X0)\nsteor(X2, X0)", 0},
		// to XZR: herd annotates the read NoRet instead of A
		{"lse-noret", []string{"LDADDAL W0,WZR,[X2]", "LDCLR X0,XZR,[X2]", "SWPA W0,WZR,[X2]", "SWPL X0,XZR,[X2]", "CAS WZR,W0,[X2]", "CASAL XZR,X0,[X2]", "CAS W0,WZR,[X2]"},
			"staddl(X2, X0 & 0xffffffff)\nstclr(X2, X0)\nswp_noret(X2, X0 & 0xffffffff)\nswpl_noret(X2, X0)\ncas_noret(X2, 0, X0 & 0xffffffff)\ncasl_noret(X2, 0, X0)\nX0 = cas(X2, X0 & 0xffffffff, 0) & 0xffffffff", 0},
		{"cbnz-ctrl", []string{"LDR W3,[X2]", "CBNZ W3,LC00", "LC00:", "MOV W4,#1", "STR W4,[X5]"},
			"X3 = READ_ONCE(X2) & 0xffffffff\nif X3 == 0 {\n}\nX4 = 1\nWRITE_ONCE(X5, X4)", 0},
		{"cbz-skip", []string{"LDR X3,[X2]", "CBZ X3,L1", "STR X3,[X5]", "L1:", "DMB ISH"},
			"X3 = READ_ONCE(X2)\nif X3 != 0 {\n  WRITE_ONCE(X5, X3)\n}\ndmb_ish()", 0},
		{"cmp-beq", []string{"LDR W0,[X1]", "CMP W0,#1", "B.EQ L0", "MOV W2,#3", "L0:", "STR W2,[X3]"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nif X0 != 1 {\n  X2 = 3\n}\nWRITE_ONCE(X3, X2 & 0xffffffff)", 0},
		{"cmp-reg-overwritten", []string{"LDR W0,[X1]", "CMP W0,W5", "LDR W0,[X2]", "B.NE L0", "L0:"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nFLAGS_b = X5 & 0xffffffff\nFLAGS_a = X0\nX0 = READ_ONCE(X2) & 0xffffffff\nif FLAGS_a == FLAGS_b {\n}", 0},
		{"if-else", []string{"LDR W0,[X1]", "CBZ W0,Lelse", "MOV W2,#1", "B Lend", "Lelse:", "MOV W2,#2", "Lend:", "STR W2,[X3]"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nif X0 != 0 {\n  X2 = 1\n} else {\n  X2 = 2\n}\nWRITE_ONCE(X3, X2)", 0},
		{"nested", []string{"CBZ X0,L1", "CBZ X1,L1", "MOV X2,#1", "L1:"},
			"if X0 != 0 {\n  if X1 != 0 {\n    X2 = 1\n  }\n}", 0},
		{"labels-in-cell", []string{"L0: MOV W0,#1", "CBNZ W0,L1", "L1: NOP"}, "X0 = 1\nif X0 == 0 {\n}", 0},
		{"csel", []string{"LDR W0,[X1]", "CMP W0,#1", "CSEL W2,W3,W4,EQ", "CSET W5,NE"},
			"X0 = READ_ONCE(X1) & 0xffffffff\nX2 = csel(X0 == 1, X3 & 0xffffffff, X4 & 0xffffffff)\nX5 = csel(X0 != 1, 1, 0)", 0},
		{"signed", []string{"CMP X0,#5", "B.LT L0", "L0:"},
			"if (X0 ^ 0x8000000000000000) >= (5 ^ 0x8000000000000000) {\n}", 0},
		{"subs", []string{"SUBS W0,W0,#1", "B.NE L0", "L0:"},
			"FLAGS_a = X0 & 0xffffffff\nX0 = ((X0 & 0xffffffff) - 1) & 0xffffffff\nif FLAGS_a == 1 {\n}", 0},
		{"ret", []string{"CBZ X0,L0", "RET", "L0:", "MOV X1,#1"}, "if X0 != 0 {\n  return\n}\nX1 = 1", 0},
		{"skip-dead", []string{"B L0", "MOV X1,#2", "L0:", "MOV X1,#1"}, "X1 = 1", 0},
		{"movk", []string{"MOV X0,#1", "MOVK X0,#2,LSL #16"}, "X0 = 1\nX0 = X0 & 0xffffffff0000ffff | 0x20000", 0},
		// herd takes an immediate without its # (L098)
		{"bare-immediate", []string{"MOV X10,1", "ADD W1,W1,2"}, "X10 = 1\nX1 = ((X1 & 0xffffffff) + 2) & 0xffffffff", 0},
		{"tbnz", []string{"TBNZ X0,#3,L0", "MOV X1,#1", "L0:"}, "if ((X0 >> 3) & 1) == 0 {\n  X1 = 1\n}", 0},
		{"adds-vs", []string{"ADDS X0,X1,X2", "CSET W6,VS"},
			"X0 = X1 + X2\nX6 = csel((~(X1 ^ X2) & (X1 ^ (X1 + X2)) & 0x8000000000000000) != 0, 1, 0)", 0},
		{"msl", []string{"ADD X0,X1,X2,MSL #8"}, "error: unsupported operand shift", 10},
		// a label may start with a dot (L061's .text)
		{"dot-label", []string{"B .text", "MOV X1,#1", ".text: MOV X2,#1"}, "X2 = 1", 0},
		{"relative-backward", []string{"NOP", "B .-4"}, "while 1 {\n}", 0},
		{"relative-loop", []string{"ADD W1,W1,#2", "SUBS W0,W0,#1", "CBNZ W0,.-8"},
			"while 1 {\n  X1 = ((X1 & 0xffffffff) + 2) & 0xffffffff\n  FLAGS_a = X0 & 0xffffffff\n  X0 = ((X0 & 0xffffffff) - 1) & 0xffffffff\n  if X0 == 0 {\n    break\n  }\n}", 0},
		{"relative-before-start", []string{"NOP", "B .-8"}, "error: undefined label .-8", 11},
		{"relative-past-the-end", []string{"B .+12", "NOP"}, "error: undefined label .+12", 10},
		{"relative-unaligned", []string{"B .+6", "NOP", "NOP"}, "error: undefined label .+6", 10},
		{"loop", []string{"L0:", "LDXR W0,[X1]", "STXR W2,W0,[X1]", "CBNZ W2,L0"},
			"while 1 {\n  X0 = ldxr(X1) & 0xffffffff\n  X2 = stxr(X1, X0)\n  if X2 == 0 {\n    break\n  }\n}", 0},
		{"loop-break", []string{"MOV W0,#3", "L1:", "SUB W0,W0,#1", "CBZ W0,L0", "B L1", "L0:", "MOV W1,#1"},
			"X0 = 3\nwhile 1 {\n  X0 = (X0 - 1) & 0xffffffff\n  if X0 == 0 {\n    break\n  }\n}\nX1 = 1", 0},
		{"loop-same-head", []string{"L0:", "LDR W0,[X1]", "CBZ W0,L0", "LDR W2,[X3]", "CBZ W2,L0"},
			"while 1 {\n  while 1 {\n    X0 = READ_ONCE(X1) & 0xffffffff\n    if X0 != 0 {\n      break\n    }\n  }\n  X2 = READ_ONCE(X3) & 0xffffffff\n  if X2 != 0 {\n    break\n  }\n}", 0},
		{"crossing", []string{"CBZ X0,L1", "CBZ X1,L2", "L1:", "MOV X2,#1", "L2:"}, "error: leaves the block", 11},
		{"offset", []string{"LDR W0,[X1,#4]"}, "error: non-zero immediate offset", 10},
		{"byte", []string{"MOV W0,#1", "LDRB W0,[X1]"}, "error: byte", 11},
		{"pair", []string{"LDP W0,W1,[X1]"}, "error: pair", 10},
		{"pair-no-array", []string{"LDP X0,X1,[X2]"}, "error: no array of words", 10},
		{"post-index", []string{"MOV X0,#1", "STR X0,[X1],#8", "LDR X2,[X3],#-8"}, "X0 = 1\nWRITE_ONCE(X1, X0)\nX1 = X1 + 8\nX2 = READ_ONCE(X3)\nX3 = X3 + 0xfffffffffffffff8", 0},
		{"pre-index", []string{"LDR X2,[X3,#0]!"}, "X2 = READ_ONCE(X3)", 0},
		{"post-index-register", []string{"LDR X2,[X3],X4"}, "error: LDR takes 2 operands, got 3", 10},
		{"unscaled", []string{"LDUR X0,[X1]", "STUR X0,[X2,#0]"}, "X0 = READ_ONCE(X1)\nWRITE_ONCE(X2, X0)", 0},
		{"unscaled-offset", []string{"LDUR X0,[X1,#3]"}, "error: non-zero immediate offset", 10},
		{"unknown", []string{"FOO W0"}, "error: unsupported instruction FOO", 10},
		{"no-flags", []string{"B.EQ L0", "L0:"}, "error: reads flags", 10},
		{"undefined-label", []string{"CBZ X0,L9"}, "error: undefined label", 10},
		{"dup-label", []string{"L0:", "L0:"}, "error: defined twice", 11},
		{"writeback-offset", []string{"LDR W0,[X1,#4]!"}, "error: non-zero immediate offset", 10},
		{"bad-reg", []string{"MOV W31,#1"}, "error: not a general-purpose register", 10},
	})
}

// TestAArch64Words32: a W register is stored as it is, its 32 bits
// zero-extended, and an LDADD or STADD of one adds to the whole word:
// herd's cell keeps what the access writes, carry included (an LDADD W
// of 1 into a uint64_t holding 0xffffffff leaves 4294967296), and the
// location's view shows it through its type (TestTypedMemory,
// herdweak's TestSigned32Memory); X registers are stored as they are.
func TestAArch64Words32(t *testing.T) {
	runAsmCases(t, "AArch64", []asmCase{
		{"small", []string{"MOV W0,#2", "STR W0,[X1]"}, "X0 = 2\nWRITE_ONCE(X1, X0)", 0},
		{"str-w", []string{"STR W0,[X1]", "STLR W0,[X1]"},
			"WRITE_ONCE(X1, X0 & 0xffffffff)\nsmp_store_release(X1, X0 & 0xffffffff)", 0},
		{"str-x", []string{"STR X0,[X1]"}, "WRITE_ONCE(X1, X0)", 0},
		{"stxr", []string{"STXR W2,W0,[X1]"}, "X2 = stxr(X1, X0 & 0xffffffff)", 0},
		{"cas-swp", []string{"CAS W3,W0,[X2]", "SWPA W0,W4,[X2]"},
			"X3 = cas(X2, X3 & 0xffffffff, X0 & 0xffffffff) & 0xffffffff\nX4 = swpa(X2, X0 & 0xffffffff) & 0xffffffff", 0},
		{"add", []string{"MOV W0,#1", "LDADDAL W0,W4,[X2]", "STADDL W0,[X2]", "LDADD W0,WZR,[X2]", "LDEOR W0,W5,[X2]"},
			"X0 = 1\nX4 = ldaddal(X2, X0) & 0xffffffff\nstaddl(X2, X0)\nstadd(X2, X0)\nX5 = ldeor(X2, X0) & 0xffffffff", 0},
		{"add-x", []string{"LDADD X0,X4,[X2]"}, "X4 = ldadd(X2, X0)", 0},
	})
}

func TestCanonAsmReg(t *testing.T) {
	for _, c := range []struct {
		arch, in, want string
		ok             bool
	}{
		{"AArch64", "W5", "X5", true}, {"AArch64", "x5", "X5", true}, {"AArch64", "X30", "X30", true},
		{"AArch64", "XZR", "XZR", true}, {"AArch64", "WZR", "XZR", true}, {"AArch64", "X31", "", false},
		{"AArch64", "SP", "SP", true}, {"AArch64", "wsp", "SP", true}, {"AArch64", "r0", "", false},
		{"X86", "EAX", "EAX", true}, {"X86", "ebx", "EBX", true}, {"X86", "RAX", "", false},
		{"X86_64", "rax", "RAX", true}, {"X86_64", "%eax", "RAX", true}, {"X86_64", "EAX", "RAX", true},
		{"X86_64", "r9d", "R9", true}, {"X86_64", "R15", "R15", true}, {"X86_64", "rip", "RIP", true},
		{"X86_64", "cs", "CS", true}, {"X86", "rip", "", false},
	} {
		got, ok := canonAsmReg(c.arch, c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("canonAsmReg(%s, %s) = %q, %v; want %q, %v", c.arch, c.in, got, ok, c.want, c.ok)
		}
	}
}

// extractAsmThreads is a small local reader of a .litmus instruction table:
// the lines after the init block's closing brace, from the P0 header to the
// condition. It is enough to feed translateAsm the herd corpus.
func extractAsmThreads(src string) ([][]asmLine, bool) {
	clean := []byte(src)
	// blank (* *) comments, keeping positions
	depth := 0
	for i := 0; i < len(clean); i++ {
		if i+1 < len(clean) && clean[i] == '(' && clean[i+1] == '*' {
			depth++
			clean[i], clean[i+1] = ' ', ' '
			i++
			continue
		}
		if depth > 0 && i+1 < len(clean) && clean[i] == '*' && clean[i+1] == ')' {
			depth--
			clean[i], clean[i+1] = ' ', ' '
			i++
			continue
		}
		if depth > 0 && clean[i] != '\n' {
			clean[i] = ' '
		}
	}
	lines := strings.Split(string(clean), "\n")
	start := -1
	for i, l := range lines {
		if i > 0 && regexp.MustCompile(`^\s*P0\s*[|;]`).MatchString(l) {
			start = i
		}
	}
	if start < 0 {
		return nil, false
	}
	hdr := strings.Split(strings.TrimSuffix(strings.TrimSpace(lines[start]), ";"), "|")
	threads := make([][]asmLine, len(hdr))
	for i := start + 1; i < len(lines); i++ {
		l := lines[i]
		s := strings.TrimSpace(l)
		if s == "" {
			continue
		}
		if !strings.Contains(s, ";") || regexp.MustCompile(`^(exists|~|forall|locations|filter)`).MatchString(s) {
			break
		}
		col := 0
		for j, cell := range strings.Split(l[:strings.LastIndex(l, ";")], "|") {
			if j < len(threads) && strings.TrimSpace(cell) != "" {
				lead := len(cell) - len(strings.TrimLeft(cell, " \t"))
				threads[j] = append(threads[j], asmLine{Text: strings.TrimSpace(cell), Line: i + 1, Col: col + lead + 1})
			}
			col += len(cell) + 1
		}
	}
	return threads, true
}

var asmCorpusArch = map[string]string{"aarch64": "AArch64", "x86tso": "X86", "x86_64-tso": "X86_64"}

// reason turns an error message into a class for the counts.
func asmReason(msg string) string {
	msg = regexp.MustCompile(`\b(unsupported instruction|undefined label) \S+`).ReplaceAllString(msg, "$0")
	for _, p := range []string{"unsupported instruction", "backward branch", "leaves the block", "byte", "non-zero immediate offset",
		"flags", "condition", "mixed-size", "displacement", "writeback", "not a general-purpose register"} {
		if strings.Contains(msg, p) {
			if p == "unsupported instruction" {
				return msg[strings.Index(msg, p):]
			}
			return p
		}
	}
	return msg
}

// TestAsmCorpus feeds every AArch64/x86 test of the herd corpus (when it is
// there) to translateAsm: each must translate or fail with a positioned
// error, never panic.
func TestAsmCorpus(t *testing.T) {
	for dir, arch := range asmCorpusArch {
		files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "herd-weak", "tests", dir, "*.litmus"))
		if len(files) == 0 {
			t.Logf("%s: corpus not found, skipped", dir)
			continue
		}
		ok, refused, noTable := 0, map[string]int{}, 0
		compiled, whole := 0, map[string]int{}
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			threads, found := extractAsmThreads(string(src))
			if !found {
				noTable++
				continue
			}
			bodies, err := translateAsm(arch, threads, asmMem{})
			if err != nil {
				var e *Error
				if !errors.As(err, &e) || e.Line == 0 || e.Col == 0 {
					t.Errorf("%s: unpositioned error %v", f, err)
					continue
				}
				refused[asmReason(e.Msg)]++
				continue
			}
			if len(bodies) != len(threads) {
				t.Errorf("%s: %d bodies for %d threads", f, len(bodies), len(threads))
			}
			ok++
			// the whole translation, when the rest of the package takes it, must compile
			text, err := Translate(f, src)
			if err != nil {
				whole[asmReason(err.(*Error).Msg)]++
				continue
			}
			if _, err := compiler.Compile(f+".mmu", []byte(text), nil); err != nil {
				t.Errorf("%s: the translation does not compile: %v\n%s", f, err, text)
				continue
			}
			compiled++
		}
		var rs []string
		for r, n := range refused {
			rs = append(rs, r+": "+strconv.Itoa(n))
		}
		sort.Strings(rs)
		t.Logf("%s (%s): %d files, %d translated, %d refused, %d without a table\n  %s", dir, arch, len(files), ok, len(files)-ok-noTable, noTable, strings.Join(rs, "\n  "))
		rs = rs[:0]
		for r, n := range whole {
			rs = append(rs, r+": "+strconv.Itoa(n))
		}
		sort.Strings(rs)
		t.Logf("%s: of those, %d compile as whole tests (Translate); Translate refused:\n  %s", dir, compiled, strings.Join(rs, "\n  "))
	}
}

// TestA64FinalView: herd shows a register of type int (the type of an
// undeclared one) sign-extended from its low 32 bits and compares it on
// them (A252: CSETM W3 shows -1), a uint32_t one unsigned on its low 32
// bits (L003), an int64_t one whole; the registers it shows are cast at
// each exit of their thread (X1 too: it holds an address, above 2^32,
// which the cast leaves), and the condition's constants alike.
func TestA64FinalView(t *testing.T) {
	src := `AArch64 view
{
 x=-1;
 0:X1=x;
 uint32_t 0:X5;
 int64_t 0:X6;
}
 P0          | P1          ;
 LDR W3,[X1] | MOV W2,#1   ;
 LDR W5,[X1] |             ;
 LDR W6,[X1] |             ;
 CBZ W3,L0   |             ;
 RET         |             ;
 L0:         |             ;
 MOV W4,#1   |             ;
locations [1:X2;]
exists (0:X3=-1 /\ 0:X4=0xffffffff /\ 0:X5=-1 /\ 0:X6=4294967295 /\ 0:X1=x /\ [x]=4294967295)
`
	u := &unit{file: "view.litmus", src: []byte(src), sharedPos: map[string]token{}, locks: map[string]bool{}}
	if err := u.translate(); err != nil {
		t.Fatal(err)
	}
	u.typedFinalView()
	u.typedFinalView() // once is enough, twice changes nothing
	out, err := u.emit()
	if err != nil {
		t.Fatal(err)
	}
	// x, an int, holds herd's typed value: the constant is cast to an int
	want := "final exists (0:X3 == -1 && 0:X4 == -1 && 0:X5 == 0xffffffff && 0:X6 == 4294967295 && 0:X1 == &x && x == -1)"
	if !strings.Contains(out, want) {
		t.Errorf("the condition is not\n%s\nin\n%s", want, out)
	}
	for r, n := range map[string]int{"X3": 2, "X4": 2, "X5": 0, "X6": 0, "X1": 2, "X2": 1} {
		fix := r + " = csel(" + r + " == &x, " + r + ", ((" + r + " & 0xffffffff) ^ 0x80000000) - 0x80000000)"
		if got := strings.Count(out, fix); got != n {
			t.Errorf("%s is cast %d times, want %d:\n%s", r, got, n, out)
		}
	}
	if i, j := strings.Index(out, "X3 = csel"), strings.Index(out, "return"); i < 0 || j < i {
		t.Errorf("no cast before the return:\n%s", out)
	}
	if _, err := compiler.Compile("view.mmu", []byte(out), nil); err != nil {
		t.Errorf("does not compile: %v\n%s", err, out)
	}
	for _, c := range []struct {
		in     string
		signed bool
		want   string
	}{{"-1", true, "-1"}, {"-1", false, "0xffffffff"}, {"4294967295", true, "-1"}, {"0x80000000", true, "-2147483648"},
		{"0x7fffffff", true, "0x7fffffff"}, {"0x100000002", true, "2"}, {"-2", false, "0xfffffffe"}, {"5", true, "5"}} {
		if got := a64Cast(c.in, 32, c.signed); got != c.want {
			t.Errorf("a64Cast(%s, 32, %v) = %s, want %s", c.in, c.signed, got, c.want)
		}
	}
}
