package litmus

import "strings"

// 32-bit and 64-bit accesses of one location. herd, outside its
// mixed-size variant, refuses a test that accesses a location with two
// sizes ("Illegal mixed-size test"), W and X alike. mmuvm's memory holds
// one value per location, so it would answer such a test with what
// neither herd nor the hardware gives: a W store replaces the whole
// word, where the hardware keeps its upper half. So the translation
// refuses it too, with the place of the second size.

// wordSizes refuses a word location that a thread reaches with a 32-bit
// and a 64-bit load, store or atomic, through registers its initial
// state points at it and that the thread never writes (stableBases; a
// register written may point elsewhere by then, which the translation's
// own pointer tracking sees). Byte and halfword accesses are
// narrowedWords'.
func (u *unit) wordSizes(threads [][]asmLine) *Error {
	sizes := map[string]int{}
	first := map[string]asmLine{}
	why := " make a mixed-size test, which herd refuses too"
	switch {
	case u.variant("DontCheckMixed"):
		why = ": herd's DontCheckMixed variant cuts every access of a location to one size, which mmuvm does not model"
	case u.mixedVariant():
		why = ": herd's mixed-size variant keeps its bytes apart, which mmuvm does not model"
	}
	return u.pointerInsns(threads, func(ptrs map[string]string, stable map[string]bool, in asmInsn) *Error {
		base, bits := memAccess(in)
		loc := ptrs[base]
		if loc == "" || !stable[base] {
			return nil
		}
		switch b, seen := sizes[loc]; {
		case !seen:
			sizes[loc], first[loc] = bits, in.cell
		case b != bits:
			return asmErr(in.cell, "%s: %d-bit and %d-bit accesses of %s (line %d)%s", in.op, bits, b, loc, first[loc].Line, why)
		}
		return nil
	})
}

// memAccess is the base register and size of a load, store or atomic of
// 32 or 64 bits whose memory operand is its last: 32 where every
// register it names before that is a W register (LDRSW's X destination
// aside), 64 where every one is an X register (an exclusive store's W
// status aside); "" and 0 for anything else.
func memAccess(in asmInsn) (string, int) {
	_, load := a64Loads[in.op]
	_, store := a64Stores[in.op]
	_, _, lse := a64LSE(in.op)
	excl := in.op == "STXR" || in.op == "STLXR"
	if !load && !store && !lse && !excl && in.op != "LDRSW" {
		return "", 0
	}
	i, base := memBase(in)
	if i != len(in.args)-1 || base == "" {
		return "", 0
	}
	w, x := 0, 0
	for j, a := range in.args[:i] {
		r, ok := a64Reg(a)
		switch {
		case !ok:
			return "", 0
		case j == 0 && excl: // the status register
		case r.w || in.op == "LDRSW" && j == 0:
			w++
		default:
			x++
		}
	}
	switch {
	case w > 0 && x == 0:
		return base, 32
	case x > 0 && w == 0:
		return base, 64
	}
	return "", 0
}

// readOnlyOps name no register they write: a register a thread names
// only in these, and as the base of memory operands without writeback,
// keeps its initial value.
var readOnlyOps = map[string]bool{
	"STR": true, "STUR": true, "STLR": true, "STRB": true, "STRH": true, "STLRB": true, "STLRH": true,
	"CMP": true, "CMN": true, "TST": true, "CBZ": true, "CBNZ": true, "TBZ": true, "TBNZ": true,
	"DMB": true, "DSB": true, "ISB": true, "NOP": true, "B": true, "RET": true,
}

// stableBases gives the X registers (by X name) a thread never writes.
func stableBases(insns []asmInsn) map[string]bool {
	seen, written := map[string]bool{}, map[string]bool{}
	for _, in := range insns {
		mi, base := memBase(in)
		writeback := base != "" && (strings.HasSuffix(in.args[mi], "!") || mi+1 < len(in.args))
		for k, a := range in.args {
			for _, m := range a64RegNumRE.FindAllStringSubmatch(a, -1) {
				r := "X" + m[1]
				seen[r] = true
				if k != mi && !readOnlyOps[in.op] && !strings.HasPrefix(in.op, "B.") || k == mi && writeback && r == base {
					written[r] = true
				}
			}
		}
	}
	stable := map[string]bool{}
	for r := range seen {
		if !written[r] {
			stable[r] = true
		}
	}
	return stable
}
