package litmus

import (
	"strconv"
	"strings"
)

// AArch64 data-processing instructions beyond add, logic and compare:
// shifts, bitfield moves, multiplies, negation and byte reversal. Each
// becomes one .mmu expression over its source registers, so the VM's
// dependency tracking sees the register dataflow herd's iico_data gives
// them: a value computed from a read carries that read's dependency
// whatever the arithmetic (x*0 still depends on x). The .mmu language
// has 64-bit unsigned arithmetic with logical shifts only; the signed
// operations below are written with the usual identities:
//
//	sign-extend a b-bit value v:  (v ^ 2^(b-1)) - 2^(b-1)
//	arithmetic shift right by k:  ((v ^ m) >> k) - (m >> k), m the sign bit
//	absolute value:               (v ^ s) - s, s = 0 - (v >> (R-1))
//
// all modulo 2^R for R-bit registers.

// bitsInsn translates the instructions of this file; false if op is none
// of them.
func (t *a64T) bitsInsn(in asmInsn) (bool, error) {
	switch in.op {
	case "ASR", "LSL", "LSR", "ROR", "ASRV", "LSLV", "LSRV", "RORV":
		return true, t.shiftInsn(in)
	case "UBFM", "SBFM", "UBFX", "SBFX", "UBFIZ", "SBFIZ":
		return true, t.bitfieldInsn(in)
	case "UXTB", "UXTH", "SXTB", "SXTH", "SXTW":
		return true, t.extendInsn(in)
	case "MUL", "MNEG", "MADD", "MSUB", "SMULL", "UMULL", "SMADDL", "UMADDL", "SMSUBL", "UMSUBL", "SMNEGL", "UMNEGL":
		return true, t.mulInsn(in)
	case "NEG", "MVN":
		return true, t.negInsn(in)
	case "ABS":
		return true, t.absInsn(in)
	case "REV", "REV16", "REV32", "REV64":
		return true, t.revInsn(in)
	case "RBIT":
		return true, t.rbitInsn(in)
	}
	return false, nil
}

// regBits is the size of register r in bits.
func regBits(r a64R) int {
	if r.w {
		return 32
	}
	return 64
}

// a64Trunc keeps the low bits of e for an R-bit register.
func a64Trunc(e string, bits int) string {
	if bits == 64 {
		return e
	}
	return asmParen(e) + " & " + asmNum(1<<uint(bits)-1)
}

// a64Sext sign-extends the low b bits of e (which holds no higher bits) to
// 64 bits.
func a64Sext(e string, b int) string {
	if b >= 64 {
		return e
	}
	m := asmNum(1 << uint(b-1))
	return "(" + asmParen(e) + " ^ " + m + ") - " + m
}

// a64Asr is e (an R-bit value) shifted right arithmetically by k (a
// constant or an expression below R).
func a64Asr(e, k string, bits int) string {
	m := asmNum(1 << uint(bits-1))
	return a64Trunc("(("+asmParen(e)+" ^ "+m+") >> "+asmParen(k)+") - ("+m+" >> "+asmParen(k)+")", bits)
}

// a64Ror is e (an R-bit value) rotated right by k (as a64Asr).
func a64Ror(e, k string, bits int) string {
	r := strconv.Itoa(bits)
	return a64Trunc("("+asmParen(e)+" >> "+asmParen(k)+") | ("+asmParen(e)+" << (("+r+" - "+asmParen(k)+") & "+strconv.Itoa(bits-1)+"))", bits)
}

// a64Shift applies shift kind (LSL, LSR, ASR, ROR) by k to the R-bit e.
func a64Shift(kind, e, k string, bits int) string {
	switch kind {
	case "LSL":
		return a64Trunc(asmParen(e)+" << "+asmParen(k), bits)
	case "LSR":
		return asmParen(e) + " >> " + asmParen(k)
	case "ASR":
		return a64Asr(e, k, bits)
	}
	return a64Ror(e, k, bits)
}

// shiftInsn: ASR, LSL, LSR, ROR by an immediate or a register (the amount
// modulo the register size, as the V forms define it).
func (t *a64T) shiftInsn(in asmInsn) error {
	rd, e, rn, err := t.unary(in, 3)
	if err != nil {
		return err
	}
	if rn.w != rd.w && !rn.zero {
		return t.errf("operands of %s must have the same size", in.op)
	}
	bits := regBits(rd)
	var k string
	if imm, ok := strings.CutPrefix(in.args[2], "#"); ok {
		v, ok := asmImm(imm)
		if !ok || v >= uint64(bits) {
			return t.errf("bad shift amount %s", in.args[2])
		}
		if v == 0 {
			t.write(rd, e, asmWide)
			return nil
		}
		k = strconv.FormatUint(v, 10)
	} else {
		s, _, _, err := t.readOp(in.args[2])
		if err != nil {
			return err
		}
		k = asmParen(s) + " & " + strconv.Itoa(bits-1)
	}
	t.write(rd, a64Shift(strings.TrimSuffix(in.op, "V"), e, k, bits), asmWide)
	return nil
}

// bitfieldInsn: UBFM and SBFM, and their aliases UBFX, SBFX, UBFIZ, SBFIZ
// (the Arm ARM's pseudocode for the bitfield moves, with wmask and tmask
// worked out for the two cases immr <= imms and immr > imms).
func (t *a64T) bitfieldInsn(in asmInsn) error {
	rd, e, _, err := t.unary(in, 4)
	if err != nil {
		return err
	}
	bits := uint64(regBits(rd))
	var a, b uint64
	for i, p := range []*uint64{&a, &b} {
		v, ok := asmImm(strings.TrimPrefix(in.args[2+i], "#"))
		if !ok || v >= bits && !(i == 1 && strings.HasSuffix(in.op, "X") || strings.HasSuffix(in.op, "IZ")) {
			return t.errf("bad bitfield operand %s", in.args[2+i])
		}
		*p = v
	}
	immr, imms := a, b
	switch in.op {
	case "UBFX", "SBFX": // lsb, width
		if b == 0 || a+b > bits {
			return t.errf("bad bitfield %s, %s", in.args[2], in.args[3])
		}
		immr, imms = a, a+b-1
	case "UBFIZ", "SBFIZ": // lsb, width
		if b == 0 || a >= bits || a+b > bits {
			return t.errf("bad bitfield %s, %s", in.args[2], in.args[3])
		}
		immr, imms = (bits-a)%bits, b-1
	}
	t.write(rd, a64Bitfield(e, int(immr), int(imms), int(bits), strings.HasPrefix(in.op, "S")), asmWide)
	return nil
}

// a64Bitfield is UBFM/SBFM Rd, e, #immr, #imms on R-bit registers: with
// immr <= imms the field imms:immr moves to the bottom, otherwise the
// field imms:0 moves up to R-immr; SBFM sign-extends the field.
func a64Bitfield(e string, immr, imms, bits int, signed bool) string {
	if imms >= immr {
		width := imms - immr + 1
		f := asmParen(e)
		if immr > 0 {
			f = "(" + f + " >> " + strconv.Itoa(immr) + ")"
		}
		if width < 64 {
			f = f + " & " + asmNum(1<<uint(width)-1)
		}
		if signed {
			f = a64Sext(f, width)
		}
		return a64Trunc(f, bits)
	}
	width := imms + 1
	f := asmParen(e) + " & " + asmNum(1<<uint(width)-1)
	if signed {
		f = a64Sext(f, width)
	}
	return a64Trunc("("+f+") << "+strconv.Itoa(bits-immr), bits)
}

// extendInsn: UXTB, UXTH (W registers), SXTB, SXTH, SXTW.
func (t *a64T) extendInsn(in asmInsn) error {
	rd, e, _, err := t.unary(in, 2)
	if err != nil {
		return err
	}
	width := map[byte]int{'B': 8, 'H': 16, 'W': 32}[in.op[3]]
	if width >= regBits(rd) {
		return t.errf("%s needs a wider destination than %s", in.op, in.args[0])
	}
	t.write(rd, a64Bitfield(e, 0, width-1, regBits(rd), in.op[0] == 'S'), asmWide)
	return nil
}

// mulInsn: MUL, MNEG, MADD, MSUB, and the long forms (32 × 32 -> 64,
// signed or unsigned) with their accumulate and negate variants.
func (t *a64T) mulInsn(in asmInsn) error {
	op := in.op
	n := 3
	if strings.Contains(op, "ADD") || strings.Contains(op, "SUB") {
		n = 4 // the accumulator
	}
	if err := t.nargs(in, n); err != nil {
		return err
	}
	rd, err := t.reg(in.args[0])
	if err != nil {
		return err
	}
	var ops [3]string
	for i := 1; i < len(in.args); i++ {
		e, _, r, err := t.readOp(in.args[i])
		if err != nil {
			return err
		}
		if op[0] == 'S' && i < 3 && r.w { // SMULL and friends: signed 32-bit factors
			e = a64Sext(e, 32)
		}
		ops[i-1] = e
	}
	p := asmParen(ops[0]) + " * " + asmParen(ops[1])
	switch {
	case strings.Contains(op, "ADD"):
		p = asmParen(ops[2]) + " + " + p
	case strings.Contains(op, "SUB"):
		p = asmParen(ops[2]) + " - " + p
	case strings.Contains(op, "NEG"):
		p = "0 - " + p
	}
	t.write(rd, a64Trunc(p, regBits(rd)), asmWide)
	return nil
}

// negInsn: NEG and MVN, with a shifted second operand.
func (t *a64T) negInsn(in asmInsn) error {
	if err := t.nargs(in, 2, 3); err != nil {
		return err
	}
	rd, err := t.reg(in.args[0])
	if err != nil {
		return err
	}
	e, _, err := t.operand2(in.args[1:], rd.w)
	if err != nil {
		return err
	}
	v := "0 - " + asmParen(e)
	if in.op == "MVN" {
		v = "~" + asmParen(e)
	}
	t.write(rd, a64Trunc(v, regBits(rd)), asmWide)
	return nil
}

// absInsn: ABS (FEAT_CSSC).
func (t *a64T) absInsn(in asmInsn) error {
	rd, e, _, err := t.unary(in, 2)
	if err != nil {
		return err
	}
	bits := regBits(rd)
	s := "(0 - (" + asmParen(e) + " >> " + strconv.Itoa(bits-1) + "))"
	t.write(rd, a64Trunc("("+asmParen(e)+" ^ "+s+") - "+s, bits), asmWide)
	return nil
}

// revInsn: REV (the whole register), REV16, REV32 and REV64 (the bytes of
// each 16-, 32- or 64-bit container reversed).
func (t *a64T) revInsn(in asmInsn) error {
	rd, e, _, err := t.unary(in, 2)
	if err != nil {
		return err
	}
	bits := regBits(rd)
	chunk := map[string]int{"REV": bits, "REV16": 16, "REV32": 32, "REV64": 64}[in.op]
	if chunk > bits || in.op == "REV64" && rd.w {
		return t.errf("%s of a W register is not an instruction", in.op)
	}
	var terms []string
	for i := 0; i < bits/8; i++ { // byte i moves to its mirror in its container
		base, pos := i/(chunk/8)*(chunk/8), i%(chunk/8)
		to := base + chunk/8 - 1 - pos
		b := "(" + asmParen(e) + " >> " + strconv.Itoa(8*i) + ") & 255"
		if i == 0 {
			b = asmParen(e) + " & 255"
		}
		terms = append(terms, "(("+b+") << "+strconv.Itoa(8*to)+")")
	}
	t.write(rd, strings.Join(terms, " | "), asmWide)
	return nil
}

// rbitInsn: RBIT, as the usual swap network (adjacent bits, pairs,
// nibbles, then bytes), one assignment to the destination per stage so
// that the expression stays linear.
func (t *a64T) rbitInsn(in asmInsn) error {
	rd, e, _, err := t.unary(in, 2)
	if err != nil {
		return err
	}
	if rd.zero {
		return nil
	}
	bits := regBits(rd)
	for _, st := range []struct {
		k    int
		mask uint64
	}{{1, 0x5555555555555555}, {2, 0x3333333333333333}, {4, 0x0f0f0f0f0f0f0f0f}} {
		mask := st.mask
		if bits == 32 {
			mask &= 0xffffffff
		}
		m := asmNum(mask)
		k := strconv.Itoa(st.k)
		t.write(rd, a64Trunc("(("+asmParen(e)+" >> "+k+") & "+m+") | (("+asmParen(e)+" & "+m+") << "+k+")", bits), asmWide)
		e, _ = t.read(rd)
	}
	return t.revInsn(asmInsn{cell: in.cell, op: "REV", args: []string{in.args[0], in.args[0]}})
}

// unary checks an instruction's operand count (one of n) and reads its
// destination register and first source: the start of every instruction
// of this file but the multiplies and NEG/MVN.
func (t *a64T) unary(in asmInsn, n ...int) (rd a64R, e string, rn a64R, err error) {
	if err = t.nargs(in, n...); err != nil {
		return
	}
	if rd, err = t.reg(in.args[0]); err != nil {
		return
	}
	e, _, rn, err = t.readOp(in.args[1])
	return
}
