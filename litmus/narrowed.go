package litmus

import (
	"strings"
)

// Byte and halfword accesses of a wider location. herd, unless a test
// asks for its mixed-size variant, keeps each location one cell: every
// access of it must have one size (two sizes are its "Illegal
// mixed-size test"; the initial value does not count), a load reads the
// cell's value cut to the access's size (LDRB of 0x1234 gives 0x34), and
// a store replaces the cell with the register's low bits, zero-extended
// (STRB of 0x1ff into 0x1234 leaves 0xff, printed 255 even where the
// location is an int32_t). The catalogue's regression tests of the
// addressing modes (A01-A23, A100, A107) are written so.
//
// The translation gives such a location the access's size, as a narrow
// location of an unsigned type (narrow.go), so that its pointers are
// tracked and any access of another size through them is refused as the
// mixed-size access it is; it keeps the declared type for the initial
// value (cast to it, typedScalar) and the final condition, which herd
// reads whole.

// narrowedWords finds the wider locations the threads access by byte or
// halfword through a register the initial state points at them, and
// makes each a narrow location of that size. A location accessed with
// two such sizes is refused, and so is any of this in a test of herd's
// mixed-size variant, whose bytes are separate.
func (u *unit) narrowedWords(threads [][]asmLine) *Error {
	sizes := map[string]int{}
	first := map[string]asmLine{}
	for p, cells := range threads {
		ptrs := u.wordPointers(p)
		if len(ptrs) == 0 {
			continue
		}
		insns, _, err := asmSplitCells(cells, 4)
		if err != nil {
			continue // the translation reports it
		}
		for _, in := range insns {
			loc, bits := narrowAccessOf(in, ptrs)
			if loc == "" {
				continue
			}
			if u.mixedVariant() {
				return asmErr(in.cell, "%s of %s: herd's mixed-size variant keeps its bytes apart, which mmuvm does not model", in.op, loc)
			}
			if b, ok := sizes[loc]; ok && b != bits {
				return asmErr(in.cell, "%s: %d-bit and %d-bit accesses of %s (line %d) make a mixed-size test, not supported", in.op, bits, b, loc, first[loc].Line)
			}
			sizes[loc], first[loc] = bits, in.cell
		}
	}
	for loc, bits := range sizes {
		u.addNarrow(loc, elemType{bits, false})
		if u.narrowed == nil {
			u.narrowed = map[string]bool{}
		}
		u.narrowed[loc] = true
	}
	return nil
}

// wordPointers gives the registers thread p's initial state points at a
// location that is neither narrow nor an array, with that location.
func (u *unit) wordPointers(p int) map[string]string {
	out := map[string]string{}
	for _, it := range u.inits {
		if it.cpu != p || it.ptr == "" || u.arrays[it.ptr] > 0 {
			continue
		}
		if _, narrow := u.narrow[it.ptr]; narrow {
			continue
		}
		if r, ok := canonAsmReg(u.arch, it.name); ok {
			out[r] = it.ptr
		}
	}
	return out
}

// narrowAccessOf gives the location and size of a byte or halfword load
// or store whose base is one of ptrs.
func narrowAccessOf(in asmInsn, ptrs map[string]string) (string, int) {
	bits, ok := narrowStores[in.op]
	if load, isLoad := narrowLoads[in.op]; isLoad {
		bits, ok = load.bits, true
	}
	if !ok || len(in.args) < 2 {
		return "", 0
	}
	base, found := strings.CutPrefix(strings.TrimSpace(in.args[1]), "[")
	if !found {
		return "", 0
	}
	if i := strings.IndexAny(base, ",]"); i >= 0 {
		base = base[:i]
	}
	r, ok := canonAsmReg("AArch64", strings.TrimSpace(base))
	if !ok {
		return "", 0
	}
	return ptrs[r], bits
}

// mixedVariant tells whether the test asks for herd's mixed-size
// variant (a `Variant=` line naming `mixed`).
func (u *unit) mixedVariant() bool {
	for _, c := range u.comments {
		v, ok := strings.CutPrefix(strings.TrimSpace(c), "Variant=")
		if !ok {
			continue
		}
		for _, w := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(w), "mixed") {
				return true
			}
		}
	}
	return false
}
