package litmus

import "strings"

// Arrays of 32-bit elements in AArch64 tests (`int v[2]={1,2}; 0:X2=v;`
// with `LDR W1,[X2,#4]`). herd lays the elements out 4 bytes apart;
// mmuvm's locations are whole words, so each element is a word of its
// own, 8 bytes apart, and the translation doubles the offsets added to a
// pointer into such an array. It can only do that where it knows, as it
// translates, that a register holds such a pointer:
//
//   - the initial state sets the register to the array (0:X2=v);
//   - a load or store through it ([X2], [X2,#4], [X2,X3,LSL #2],
//     pre- and post-indexed) doubles the offset and keeps the pointer;
//   - MOV copies it, and ADD or SUB of an offset moves it;
//   - any other use of the register as a value is refused, and so is a
//     pointer to such an array in memory, so no other register can come
//     to hold one.
//
// Accesses through such a pointer must be 32-bit (a W register, LDRSW,
// LDPSW): a 64-bit one would read two elements at once, a mixed-size
// access. An element holds herd's typed value: an int sign-extended from
// its low 32 bits, a uint32_t zero-extended (a64T.signedMem).

// narrowArray records array it, of 32-bit elements, or refuses it.
func (u *unit) narrowArray(p *parser, open token, it *initItem) error {
	if u.arch != "AArch64" {
		return p.errAt(open, "arrays of elements narrower than 64 bits are supported in AArch64 tests only (locations are whole words)")
	}
	bits, signed := a64TypeBits(it.types, 0)
	if bits != 32 {
		return p.errAt(open, "arrays of %s elements are not supported", strings.Join(it.types, " "))
	}
	if u.narrow == nil {
		u.narrow = map[string]bool{}
	}
	u.narrow[it.name] = signed
	return nil
}

// narrowPointers gives, for each thread, the registers its initial state
// points into an array of 32-bit elements, with that array. A memory
// location holding such a pointer is refused: a register loading it would
// hold a pointer the translation does not know of.
func (u *unit) narrowPointers() ([]map[string]string, error) {
	if len(u.narrow) == 0 {
		return nil, nil
	}
	regs := make([]map[string]string, u.nthreads)
	for _, it := range u.inits {
		if _, ok := u.narrow[it.ptr]; !ok {
			continue
		}
		if it.cpu < 0 {
			return nil, u.errf(it.tok, "%s holds a pointer to %s, an array of 32-bit elements: such pointers are supported in registers only", it.name, it.ptr)
		}
		r, ok := canonAsmReg(u.arch, it.name)
		if !ok || it.cpu >= u.nthreads {
			continue // resolve reports it
		}
		if regs[it.cpu] == nil {
			regs[it.cpu] = map[string]string{}
		}
		regs[it.cpu][r] = it.ptr
	}
	return regs, nil
}

// pointerInsn translates MOV Xd, Xn and ADD or SUB Xd, Xn, <offset>
// where Xn points into an array of 32-bit elements: Xd then points into
// it too, the offset doubled. It reports false for any other instruction.
func (t *a64T) pointerInsn(in asmInsn) (bool, error) {
	args := in.args
	var arr string
	if len(args) >= 2 {
		if r, ok := a64Reg(args[1]); ok && !r.zero {
			arr = t.st.ptr[r.name]
		}
	}
	if arr == "" {
		return false, nil
	}
	switch {
	case in.op == "MOV" && len(args) == 2, in.op == "ADD" && len(args) >= 3, in.op == "SUB" && len(args) >= 3:
	default:
		return false, nil
	}
	rd, err := t.reg(args[0])
	if err != nil {
		return true, err
	}
	rn, _ := a64Reg(args[1])
	if rd.w || rn.w || rd.zero {
		return true, t.errf("%s points into %s, an array of 32-bit elements: only X registers may hold it", rn.name, arr)
	}
	e := rn.name
	if in.op != "MOV" {
		off, err := t.elemOffset(arr, args[2:], strings.Join(args, ","))
		if err != nil {
			return true, err
		}
		sign := map[string]string{"ADD": " + ", "SUB": " - "}[in.op]
		e += sign + off
	}
	t.write(rd, e, asmWide)
	t.st.ptr[rd.name] = arr
	return true, nil
}

// elemOffset doubles an offset into array arr (#imm, or a register
// operand with its shift or extension) from herd's 4 bytes an element to
// mmuvm's 8. An immediate must be a whole number of elements; a register
// that is not fails at run time on the unaligned address.
func (t *a64T) elemOffset(arr string, args []string, s string) (string, error) {
	if v, ok := asmImm(strings.TrimPrefix(args[0], "#")); ok && len(args) == 1 {
		if v%4 != 0 {
			return "", t.errf("offset %s in %s: %s's elements are 4 bytes apart", args[0], s, arr)
		}
		return asmNum(2 * v), nil
	}
	off, _, err := t.operand2(args, false)
	if err != nil {
		return "", err
	}
	return "(" + asmParen(off) + " << 1)", nil
}

// sized checks that an access of register r through a pointer into an
// array of 32-bit elements is a 32-bit one.
func (t *a64T) sized(op string, rs ...a64R) error {
	for _, r := range rs {
		if t.elem != "" && !r.w {
			return t.errf("%s of an X register from %s, an array of 32-bit elements: mixed-size accesses are not supported", op, t.elem)
		}
	}
	return nil
}

// signedMem tells whether a 32-bit store writes its value sign-extended:
// into an array of ints, or anywhere in a test whose memory is all ints
// (asmMem.signed32).
func (t *a64T) signedMem() bool {
	if t.elem != "" {
		return t.mem.narrow[t.elem]
	}
	return t.mem.signed32
}

// lseSized checks an atomic of register r through a pointer into an array
// of 32-bit elements: 32-bit, and no sum into unsigned elements (it would
// not wrap at 32 bits as the element does; only the ints' _w forms do).
func (t *a64T) lseSized(op, name string, r a64R) error {
	if err := t.sized(op, r); err != nil {
		return err
	}
	if t.elem != "" && !t.signedMem() && strings.Contains(name, "add") {
		return t.errf("%s into %s, an array of unsigned 32-bit elements, is not supported", op, t.elem)
	}
	return nil
}

// narrowElements maps each element of the arrays of 32-bit elements to
// whether it is signed.
func (u *unit) narrowElements() map[string]bool {
	out := map[string]bool{}
	for name, signed := range u.narrow {
		for i := 0; i < u.arrays[name]; i++ {
			out[elemName(name, i)] = signed
		}
	}
	return out
}
