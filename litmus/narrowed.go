package litmus

import (
	"fmt"
	"slices"
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
	mixed := u.mixedVariant()
	err := u.pointerInsns(threads, func(ptrs map[string]string, _ map[string]bool, in asmInsn) *Error {
		loc, bits := narrowAccessOf(in, ptrs)
		switch b, seen := sizes[loc]; {
		case loc == "":
		case mixed:
			return asmErr(in.cell, "%s of %s: herd's mixed-size variant keeps its bytes apart, which mmuvm does not model", in.op, loc)
		case seen && b != bits:
			return asmErr(in.cell, "%s: %d-bit and %d-bit accesses of %s (line %d) make a mixed-size test, not supported", in.op, bits, b, loc, first[loc].Line)
		default:
			sizes[loc], first[loc] = bits, in.cell
		}
		return nil
	})
	if err != nil {
		return err
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

// pointerInsns calls f with each instruction of each thread, the
// registers its initial state points at word locations (wordPointers)
// and those of them the thread never writes (stableBases), until f
// returns an error. A thread whose code does not split is left to the
// translation to report.
func (u *unit) pointerInsns(threads [][]asmLine, f func(ptrs map[string]string, stable map[string]bool, in asmInsn) *Error) *Error {
	for p, cells := range threads {
		ptrs := u.wordPointers(p)
		if len(ptrs) == 0 {
			continue
		}
		insns, _, err := asmSplitCells(cells, 4)
		if err != nil {
			continue
		}
		stable := stableBases(insns)
		for _, in := range insns {
			if err := f(ptrs, stable, in); err != nil {
				return err
			}
		}
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
	op, ok := narrowStores[in.op]
	if load, isLoad := narrowLoads[in.op]; isLoad {
		op, ok = load, true
	}
	if _, base := memBase(in); ok && base != "" {
		return ptrs[base], op.bits
	}
	return "", 0
}

// memBase finds the memory operand of in ([Xn], [Xn, ...], pre-indexed
// too): its index among the operands (-1: none) and its base register
// ("" unless an X register).
func memBase(in asmInsn) (int, string) {
	for i, a := range in.args {
		inner, found := strings.CutPrefix(strings.TrimSpace(a), "[")
		if !found {
			continue
		}
		if j := strings.IndexAny(inner, ",]"); j >= 0 {
			inner = inner[:j]
		}
		if r, ok := a64Reg(inner); ok && !r.w && !r.zero {
			return i, r.name
		}
		return i, ""
	}
	return -1, ""
}

// mixedVariant tells whether the test asks for herd's mixed-size
// variant (a `Variant=` line naming `mixed`).
func (u *unit) mixedVariant() bool { return u.variant("mixed") }

// variant tells whether a `Variant=` line of the test (herd reads the
// key in either case: A178's `variant=`) names v.
func (u *unit) variant(v string) bool {
	for _, c := range u.comments {
		c = strings.TrimSpace(c)
		if len(c) < 8 || !strings.EqualFold(c[:8], "Variant=") {
			continue
		}
		for _, w := range strings.Split(c[8:], ",") {
			if strings.EqualFold(strings.TrimSpace(w), v) {
				return true
			}
		}
	}
	return false
}

// declaredBits is the width and signedness of location name's declared
// type (herd's int where the initial state does not declare it).
func (u *unit) declaredBits(name string) (int, bool) {
	if it := u.declaration(name); it != nil {
		return a64TypeBits(it.types, it.stars)
	}
	return 32, true
}

// declaration is the initial state's item that declares location name,
// or nil.
func (u *unit) declaration(name string) *initItem {
	for _, it := range u.inits {
		if it.cpu < 0 && it.name == name {
			return it
		}
	}
	return nil
}

// sharedViews gives each scalar location of an AArch64 test that is
// declared narrower than 64 bits (herd's int where undeclared) the view
// its final states show it through (": s32"). herd keeps all of what a
// 64-bit store writes into such a location, which a 64-bit load reads
// back, and shows the location through its type: STR X of 0x100000001
// into an int is [x]=1 there, and LDR X from it reads 0x100000001.
// mmuvm's memory keeps the whole word too, and the view does the rest.
// Where memory holds the typed value already (8- and 16-bit narrow
// locations), the view changes nothing. A uint64_t
// gets the view u64, which only herd's notation sees: herd prints its
// all ones 18446744073709551615.
func (u *unit) sharedViews() map[string]string {
	if u.arch != "AArch64" && u.arch != "X86_64" {
		return nil
	}
	views := map[string]string{}
	elems := u.narrowElements()
	for _, s := range u.shared {
		bits, signed := u.declaredBits(s)
		if e, ok := elems[s]; ok {
			bits, signed = e.bits, e.signed
		} else if u.isElement(s) {
			continue // an element of an array of 64-bit words
		}
		if bits >= 64 {
			if u.declaredUint64(s) {
				views[s] = ": u64" // herd prints it unsigned
			}
			continue
		}
		kind := "u"
		if signed {
			kind = "s"
		}
		views[s] = fmt.Sprintf(": %s%d", kind, bits)
	}
	return views
}

// declaredUint64 tells whether location name is declared a uint64_t
// (or u64), not a pointer.
func (u *unit) declaredUint64(name string) bool {
	it := u.declaration(name)
	return it != nil && it.stars == 0 && (slices.Contains(it.types, "uint64_t") || slices.Contains(it.types, "u64"))
}
