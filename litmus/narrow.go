package litmus

import (
	"fmt"
	"strings"
)

// Narrow locations in AArch64 tests: arrays of 8-, 16- and 32-bit
// elements (`int v[2]={1,2}; 0:X2=v;` with `LDR W1,[X2,#4]`), and
// locations of an 8- or 16-bit type (`int8_t x=-1; 0:X1=x;` with
// `LDRSB W0,[X1]`). herd lays the elements out 1, 2 or 4 bytes apart;
// mmuvm's locations are whole words, so each element is a word of its
// own, 8 bytes apart, and the translation scales the offsets added to a
// pointer into such an array (by 8, 4 or 2). It can only do that where it
// knows, as it translates, that a register holds such a pointer:
//
//   - the initial state sets the register to the location (0:X2=v);
//   - a load or store through it ([X2], [X2,#4], [X2,X3,LSL #2],
//     pre- and post-indexed) scales the offset and keeps the pointer;
//   - MOV copies it, and ADD or SUB of an offset moves it;
//   - any other use of the register as a value is refused, and so is a
//     pointer to such a location in memory, so no other register can come
//     to hold one.
//
// Accesses through such a pointer must have the element's size (LDRB,
// LDRSB and STRB for 8 bits, LDRH, LDRSH and STRH for 16, a W register,
// LDRSW or LDPSW for 32): any other would be a mixed-size access. A byte
// or halfword access through any other register is refused too. An
// element holds herd's typed value: a signed one sign-extended from its
// width, an unsigned one zero-extended (a64T.stored). A location of
// 32 bits or more that is not an array needs no pointer: it is a word
// (the other asmMem rules).

// elemType is the type of a narrow location: its width in bits (8, 16 or
// 32) and its signedness.
type elemType struct {
	bits   int
	signed bool
}

// String names the type for messages: "32-bit elements".
func (e elemType) String() string { return fmt.Sprintf("%d-bit elements", e.bits) }

// narrowArray records array it, of 8-, 16- or 32-bit elements, or
// refuses it.
func (u *unit) narrowArray(p *parser, open token, it *initItem) error {
	if u.arch != "AArch64" {
		return p.errAt(open, "arrays of elements narrower than 64 bits are supported in AArch64 tests only (locations are whole words)")
	}
	bits, signed := a64TypeBits(it.types, 0)
	if bits > 32 {
		return p.errAt(open, "arrays of %s elements are not supported", strings.Join(it.types, " "))
	}
	u.addNarrow(it.name, elemType{bits, signed})
	return nil
}

// typedScalar gives location it's initial value as herd's cell holds
// it where its type is narrower than 64 bits: the type's bits (int y=-2
// holds 0xfffffffe, which a 64-bit load reads; uint32_t x=-2 holds
// 4294967294; no type is herd's int), shown through the type by the
// location's view (sharedViews). An 8- or 16-bit location of an AArch64
// test is a narrow one, which holds its typed value (its accesses cut
// and extend it, and no wider access reaches it).
func (u *unit) typedScalar(it *initItem) {
	bits, signed := a64TypeBits(it.types, it.stars)
	if u.arch != "AArch64" && u.arch != "X86_64" || it.cpu >= 0 || it.array > 0 || bits >= 64 {
		return
	}
	narrow := bits < 32 && u.arch == "AArch64"
	if it.num != "" {
		it.num = a64Cast(it.num, bits, signed && narrow)
	}
	if narrow {
		u.addNarrow(it.name, elemType{bits, signed})
	}
}

func (u *unit) addNarrow(name string, e elemType) {
	if u.narrow == nil {
		u.narrow = map[string]elemType{}
	}
	u.narrow[name] = e
}

// hasWordArrays tells whether some array of the test has 64-bit elements.
func (u *unit) hasWordArrays() bool {
	for name := range u.arrays {
		if _, ok := u.narrow[name]; !ok {
			return true
		}
	}
	return false
}

// narrowPointers gives, for each thread, the registers its initial state
// points at a narrow location, with that location. A memory location
// holding such a pointer is refused: a register loading it would hold a
// pointer the translation does not know of.
func (u *unit) narrowPointers() ([]map[string]string, error) {
	if len(u.narrow) == 0 {
		return nil, nil
	}
	regs := make([]map[string]string, u.nthreads)
	for _, it := range u.inits {
		e, ok := u.narrow[it.ptr]
		if !ok {
			continue
		}
		if it.cpu < 0 {
			return nil, u.errf(it.tok, "%s holds a pointer to %s (%v): such pointers are supported in registers only", it.name, it.ptr, e)
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
// where Xn points at a narrow location: Xd then points into it too, the
// offset scaled. It reports false for any other instruction.
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
		return true, t.errf("%s points into %s (%v): only X registers may hold it", rn.name, arr, t.mem.narrow[arr])
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

// elemScale is what an offset into narrow location arr is multiplied by:
// herd's elements are bits/8 bytes apart, mmuvm's 8 (as a shift).
func (t *a64T) elemScale(arr string) (bytes uint64, shift int) {
	switch t.mem.narrow[arr].bits {
	case 8:
		return 1, 3
	case 16:
		return 2, 2
	}
	return 4, 1
}

// elemOffset scales an offset into narrow location arr (#imm, or a
// register operand with its shift or extension) from herd's layout to
// mmuvm's. An immediate must be a whole number of elements; a register
// that is not fails at run time on the unaligned address.
func (t *a64T) elemOffset(arr string, args []string, s string) (string, error) {
	size, shift := t.elemScale(arr)
	if v, ok := asmImm(strings.TrimPrefix(args[0], "#")); ok && len(args) == 1 {
		if v%size != 0 {
			return "", t.errf("offset %s in %s: %s's elements are %d bytes apart", args[0], s, arr, size)
		}
		return asmNum(v << shift), nil
	}
	off, _, err := t.operand2(args, false)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("(%s << %d)", asmParen(off), shift), nil
}

// sized checks that an access of bits bits fits what its base points at:
// the element's size through a pointer at a narrow location, 32 or 64
// bits through any other base (which may reach only words).
func (t *a64T) sized(op string, bits int) error {
	if t.elem == "" {
		if bits < 32 {
			return t.errf("%s: a byte or halfword access reaches only a location of its size, through a register the initial state points at it (mixed-size accesses are not supported)", op)
		}
		return nil
	}
	if e := t.mem.narrow[t.elem]; e.bits != bits {
		return t.errf("%s: a %d-bit access of %s (%v) is a mixed-size access, not supported", op, bits, t.elem, e)
	}
	return nil
}

// accessBits is the size of an access of register r: 32 or 64 bits.
func accessBits(r a64R) int {
	if r.w {
		return 32
	}
	return 64
}

// memType is the type of the location an access reaches, as far as the
// translation knows: the narrow location's; bits 64 otherwise.
func (t *a64T) memType() elemType {
	if t.elem != "" {
		return t.mem.narrow[t.elem]
	}
	return elemType{64, false}
}

// narrowOp is a byte or halfword load or store: the element's size, for
// a load whether it sign-extends, and the builtin that makes the access.
type narrowOp struct {
	elemType
	fn string
}

// narrowLoads are the loads of 8- and 16-bit elements, in each ordering
// (LDAR: acquire, LDAPR: acquirePC) and exclusive.
var narrowLoads = map[string]narrowOp{
	"LDRB": {elemType{8, false}, "READ_ONCE"}, "LDRSB": {elemType{8, true}, "READ_ONCE"},
	"LDRH": {elemType{16, false}, "READ_ONCE"}, "LDRSH": {elemType{16, true}, "READ_ONCE"},
	"LDARB": {elemType{8, false}, "smp_load_acquire"}, "LDARH": {elemType{16, false}, "smp_load_acquire"},
	"LDAPRB": {elemType{8, false}, "ldapr"}, "LDAPRH": {elemType{16, false}, "ldapr"},
	"LDXRB": {elemType{8, false}, "ldxr"}, "LDXRH": {elemType{16, false}, "ldxr"},
	"LDAXRB": {elemType{8, false}, "ldaxr"}, "LDAXRH": {elemType{16, false}, "ldaxr"},
}

// narrowStores are the stores of 8- and 16-bit elements: plain, release,
// and the exclusive ones, which write their status register too.
var narrowStores = map[string]narrowOp{
	"STRB": {elemType{8, false}, "WRITE_ONCE"}, "STRH": {elemType{16, false}, "WRITE_ONCE"},
	"STLRB": {elemType{8, false}, "smp_store_release"}, "STLRH": {elemType{16, false}, "smp_store_release"},
	"STXRB": {elemType{8, false}, "stxr"}, "STXRH": {elemType{16, false}, "stxr"},
	"STLXRB": {elemType{8, false}, "stlxr"}, "STLXRH": {elemType{16, false}, "stlxr"},
}

// narrowAccess translates the byte and halfword loads and stores, and
// LDRSW, through a base pointing at a location of their size (sized):
// a load zero- or sign-extends the element's bits into its register, a
// store writes the register's low bits as the element's type holds them
// (an exclusive one sets its status register as STXR does).
func (t *a64T) narrowAccess(in asmInsn) (bool, error) {
	load, isLoad := narrowLoads[in.op]
	if in.op == "LDRSW" {
		load, isLoad = narrowOp{elemType{32, true}, "READ_ONCE"}, true
	}
	store, isStore := narrowStores[in.op]
	if !isLoad && !isStore {
		return false, nil
	}
	regs := 1
	if store.fn == "stxr" || store.fn == "stlxr" {
		regs = 2
	}
	return true, t.access(in, regs, func(p string, rs []string) error {
		r, err := t.reg(rs[regs-1])
		switch {
		case err != nil:
		case in.op == "LDRSW" && r.w:
			err = t.errf("LDRSW loads into an X register")
		case (isStore || !load.signed) && !r.w:
			err = t.errf("%s takes a W register", in.op)
		}
		if err != nil {
			return err
		}
		if isStore {
			return t.narrowStore(in.op, store, p, rs, r)
		}
		if err := t.sized(in.op, load.bits); err != nil {
			return err
		}
		e, w := a64Ext(load.fn+"("+p+")", load.bits, load.signed), asmSmall
		switch { // a zero-extended element is below 2^31
		case load.signed && r.w:
			e, w = asmParen(e)+" & 0xffffffff", asmNarrow
		case load.signed:
			w = asmWide
		}
		t.write(r, e, w)
		return nil
	})
}

// narrowStore writes the store of register r into p; an exclusive one's
// status goes to its first register.
func (t *a64T) narrowStore(op string, store narrowOp, p string, rs []string, r a64R) error {
	if err := t.sized(op, store.bits); err != nil {
		return err
	}
	call := store.fn + "(" + p + ", " + t.stored(r) + ")"
	if len(rs) == 1 {
		t.emit(call)
		return nil
	}
	status, err := t.reg(rs[0])
	if err != nil {
		return err
	}
	t.write(status, call, asmSmall)
	return nil
}

// a64Ext gives the low bits bits of e, sign-extended if signed.
func a64Ext(e string, bits int, signed bool) string {
	mask := fmt.Sprintf("%#x", 1<<bits-1)
	if !signed {
		return asmParen(e) + " & " + mask
	}
	if bits == 32 {
		return a64Sext32(asmParen(e) + " & " + mask)
	}
	half := fmt.Sprintf("%#x", 1<<(bits-1))
	return "((" + asmParen(e) + " & " + mask + ") ^ " + half + ") - " + half
}

// narrowElements maps each element of the narrow arrays, and each narrow
// location, to its type: the types the final condition reads them by (a
// narrowed word keeps its declared type there, narrowed.go).
func (u *unit) narrowElements() map[string]elemType {
	out := map[string]elemType{}
	for name, e := range u.narrow {
		if u.narrowed[name] {
			continue
		}
		n, ok := u.arrays[name]
		if !ok {
			out[name] = e
		}
		for i := 0; i < n; i++ {
			out[elemName(name, i)] = e
		}
	}
	return out
}
