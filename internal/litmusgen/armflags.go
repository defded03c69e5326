package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64Flags returns the seed-th of a fixed list of one-CPU AArch64
// tests, cycling through it: a flag-setting instruction (CMP, ADDS,
// SUBS, TST, NEGS, and on W registers the same with the second operand
// shifted) on W or X registers holding a pair of edge values (0, 1, the
// largest and smallest signed values, all ones), then a branch on every
// condition code, each setting its register where it is not taken, so
// that the final state shows how each condition reads the flags. herd
// computes NZCV exactly; the front end's flags are expressions of the
// operands, where carry and overflow are easy to get wrong at the edges.
func AArch64Flags(seed int64) (name, text string) {
	return fromList(flagTests, "A-flags-%d", seed)
}

// armConds are the condition codes the tests branch on, each with its
// register.
var armConds = []string{"EQ", "NE", "CS", "CC", "MI", "PL", "VS", "VC", "HI", "LS", "GE", "LT", "GT", "LE"}

var flagTests = func() []func(name string) string {
	w32 := []uint64{0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff}
	w64 := []uint64{0, 1, 2, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0xffffffff}
	var ts []func(string) string
	for _, op := range []string{"CMP", "ADDS", "SUBS", "TST"} { // herd 7.58 parses no CMN
		for _, wide := range []bool{false, true} {
			vals, r := w32, "W"
			if wide {
				vals, r = w64, "X"
			}
			for _, a := range vals {
				for _, b := range vals {
					ts = append(ts, func(name string) string { return flagTest(name, op, r, a, b) })
				}
			}
		}
	}
	for _, wide := range []bool{false, true} { // NEGS, an alias of SUBS from the zero register, has one operand
		vals, r := w32, "W"
		if wide {
			vals, r = w64, "X"
		}
		for _, b := range vals {
			ts = append(ts, func(name string) string { return flagTest(name, "NEGS", r, 0, b) })
		}
	}
	// a W form's shifted operand is shifted in 32 bits: CMP W1,W2,LSL #1
	// of 0 and 0x80000000 is equal
	for _, op := range []string{"CMP", "ADDS", "SUBS", "TST", "NEGS"} {
		for _, a := range w32 {
			for _, b := range w32 {
				if op == "NEGS" && a != 0 {
					continue
				}
				ts = append(ts, func(name string) string { return flagTest(name, op+",LSL #1", "W", a, b) })
			}
		}
	}
	return ts
}()

// flagTest writes one test: op of registers r1 and r2 (W or X, per r)
// holding a and b, then a branch on each condition, W3 on set to 1 where
// it is not taken.
func flagTest(name, op, r string, a, b uint64) string {
	var code []string
	op, shift, _ := strings.Cut(op, ",") // "CMP,LSL #1": the second operand shifted
	if shift != "" {
		shift = "," + shift
	}
	switch op {
	case "CMP", "TST":
		code = append(code, fmt.Sprintf("%s %s1,%s2%s", op, r, r, shift))
	case "NEGS":
		code = append(code, fmt.Sprintf("NEGS %s0,%s2%s", r, r, shift))
	default:
		code = append(code, fmt.Sprintf("%s %s0,%s1,%s2%s", op, r, r, r, shift))
	}
	var regs []string
	for i, cc := range armConds {
		// a branch, not CSET: herd 7.58's CSET W,GE is 1 after CMP of 0
		// with 1, where its B.GE is not taken
		code = append(code, fmt.Sprintf("MOV W%d,#0", i+3), fmt.Sprintf("B.%s LF%d", cc, i), fmt.Sprintf("MOV W%d,#1", i+3), fmt.Sprintf("LF%d:", i))
		regs = append(regs, fmt.Sprintf("0:X%d", i+3))
	}
	var b2 strings.Builder
	fmt.Fprintf(&b2, "AArch64 %s\n{\nuint64_t 0:X0; uint64_t 0:X1=0x%x; uint64_t 0:X2=0x%x;\n", name, a, b)
	for _, reg := range regs {
		fmt.Fprintf(&b2, "uint64_t %s;\n", reg)
	}
	b2.WriteString("}\n")
	b2.WriteString(columns([][]string{code}))
	fmt.Fprintf(&b2, "locations [0:X0; %s;]\nexists (0:X3=1)\n", strings.Join(regs, "; "))
	return b2.String()
}
