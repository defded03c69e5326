package litmus

// The x86 front ends: herd's X86 tests (Intel syntax, 32-bit registers,
// `MOV [x],$1`) and X86_64 tests (AT&T syntax, `movl $1,(x)`), translated on
// the machinery of aarch64.go.

import (
	"regexp"
	"strconv"
	"strings"
)

type x86R struct {
	name string // canonical: EAX… on X86, RAX… on X86_64
	w    bool   // a 32-bit view of a 64-bit register (X86_64 only)
}

var x86Regs32 = []string{"EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP"}

// x86Reg recognises a general-purpose register name, with or without the
// AT&T '%', in any case.
func x86Reg(s string, amd64 bool) (x86R, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	u = strings.TrimPrefix(u, "%")
	if !amd64 {
		for _, r := range x86Regs32 {
			if u == r {
				return x86R{name: r}, true
			}
		}
		return x86R{}, false
	}
	for _, r := range x86Regs32 {
		r64 := "R" + r[1:]
		switch u {
		case r:
			return x86R{name: r64, w: true}, true
		case r64:
			return x86R{name: r64}, true
		}
	}
	if u == "RIP" || u == "CS" {
		// herd's program counter and code segment: registers no
		// instruction of its X86_64 model changes (A001, A002)
		return x86R{name: u}, true
	}
	if strings.HasPrefix(u, "R") {
		num, w := u[1:], false
		if d, ok := strings.CutSuffix(num, "D"); ok {
			num, w = d, true
		}
		if n, err := strconv.Atoi(num); err == nil && n >= 8 && n <= 15 && strconv.Itoa(n) == num {
			return x86R{name: "R" + num, w: w}, true
		}
	}
	return x86R{}, false
}

func (r x86R) reg() a64R { return a64R{name: r.name, w: r.w} }

// x86Conds maps the x86 conditional jumps after CMP a,b (or TEST) onto the
// condition codes of the shared flag logic (by meaning: JB is a < b unsigned).
var x86Conds = map[string]string{
	"JE": "EQ", "JZ": "EQ", "JNE": "NE", "JNZ": "NE",
	"JB": "CC", "JC": "CC", "JNAE": "CC", "JAE": "CS", "JNB": "CS", "JNC": "CS",
	"JA": "HI", "JNBE": "HI", "JBE": "LS", "JNA": "LS",
	"JL": "LT", "JNGE": "LT", "JGE": "GE", "JNL": "GE",
	"JG": "GT", "JNLE": "GT", "JLE": "LE", "JNG": "LE",
	"JS": "MI", "JNS": "PL", "JO": "VS", "JNO": "VC",
}

// x86Opnd is a parsed operand: an immediate, a register or a memory address.
type x86Opnd struct {
	kind byte   // 'i' immediate, 'r' register, 'm' memory
	val  string // immediate or pointer expression
	reg  x86R
	sym  string // the symbol of a (sym) / [sym] operand
}

type x86T struct {
	*a64T
	amd64 bool
	sizes map[string]int // X86_64: access size of each symbol, over all threads
}

func translateX86Thread(cells []asmLine) (string, error) {
	return asmTranslateThread(cells, 0, asmMem{}, func(t *a64T, in asmInsn) (asmStep, error) {
		return (&x86T{a64T: t}).insn(in)
	})
}

func translateX86_64Thread(sizes map[string]int, cells []asmLine) (string, error) {
	return asmTranslateThread(cells, 0, asmMem{}, func(t *a64T, in asmInsn) (asmStep, error) {
		return (&x86T{a64T: t, amd64: true, sizes: sizes}).insn(in)
	})
}

// operand parses an Intel ([x], [EAX], $1, EAX) or AT&T ((x), (%rax),
// $1, %eax) operand.
func (t *x86T) operand(s string) (x86Opnd, error) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutPrefix(s, "$"); ok {
		n, ok := asmImm(v)
		if !ok {
			return x86Opnd{}, t.errf("bad immediate %s", s)
		}
		return x86Opnd{kind: 'i', val: x86Signed(n)}, nil
	}
	if n, ok := asmImm(s); ok {
		return x86Opnd{kind: 'i', val: x86Signed(n)}, nil
	}
	if r, ok := x86Reg(s, t.amd64); ok && (t.amd64 == strings.HasPrefix(s, "%") || !t.amd64) {
		return x86Opnd{kind: 'r', reg: r}, nil
	}
	var inner string
	switch {
	case !t.amd64 && strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
		inner = s[1 : len(s)-1]
	case t.amd64 && strings.HasSuffix(s, ")"):
		open := strings.IndexByte(s, '(')
		if open < 0 {
			return x86Opnd{}, t.errf("bad memory operand %s", s)
		}
		if disp := strings.TrimSpace(s[:open]); disp != "" {
			if v, ok := asmImm(disp); !ok || v != 0 {
				return x86Opnd{}, t.errf("displacement %s in %s is not supported: locations are whole words", disp, s)
			}
		}
		inner = s[open+1 : len(s)-1]
	default:
		return x86Opnd{}, t.errf("unsupported operand %s", s)
	}
	return t.address(s, inner)
}

// address translates the inside of a memory operand: a symbol, a register,
// or base+index (Intel x+EAX; AT&T %rax,%rbx[,scale]).
func (t *x86T) address(s, inner string) (x86Opnd, error) {
	var parts []string
	if t.amd64 {
		parts = strings.Split(inner, ",")
	} else {
		parts = strings.Split(inner, "+")
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	if len(parts) == 1 {
		if r, ok := x86Reg(parts[0], t.amd64); ok {
			e, _ := t.read(r.reg())
			return x86Opnd{kind: 'm', val: e}, nil
		}
		if x86SymRE.MatchString(parts[0]) {
			return x86Opnd{kind: 'm', val: parts[0], sym: parts[0]}, nil
		}
		return x86Opnd{}, t.errf("unsupported memory operand %s", s)
	}
	if len(parts) > 3 {
		return x86Opnd{}, t.errf("unsupported memory operand %s", s)
	}
	var terms []string
	for i, p := range parts[:min(len(parts), 2)] {
		if r, ok := x86Reg(p, t.amd64); ok {
			e, _ := t.read(r.reg())
			terms = append(terms, e)
		} else if i == 0 && !t.amd64 && x86SymRE.MatchString(p) {
			terms = append(terms, p)
		} else {
			return x86Opnd{}, t.errf("unsupported memory operand %s", s)
		}
	}
	if len(parts) == 3 {
		k, ok := asmImm(parts[2])
		if !ok || k != 1 && k != 2 && k != 4 && k != 8 {
			return x86Opnd{}, t.errf("bad scale in %s", s)
		}
		if k != 1 {
			terms[1] = asmParen(terms[1]) + " * " + asmNum(k)
		}
	}
	return x86Opnd{kind: 'm', val: asmParen(terms[0]) + " + " + asmParen(terms[1])}, nil
}

var x86SymRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func x86Signed(v uint64) string {
	if int64(v) < 0 && int64(v) > -1<<31 {
		return strconv.FormatInt(int64(v), 10)
	}
	return asmNum(v)
}

// size returns the access size in bits of an AT&T mnemonic with a size
// suffix, after checking every memory operand of the symbol keeps one size.
func (t *x86T) size(base, op string, ops []x86Opnd) (string, error) {
	bits := 0
	suffix := strings.TrimPrefix(op, base)
	switch suffix {
	case "L":
		bits = 32
	case "Q":
		bits = 64
	case "B", "W":
		return "", t.errf("%s: byte and word accesses are not supported (locations are whole words)", op)
	case "":
		for _, o := range ops {
			if o.kind == 'r' {
				bits = 64
				if o.reg.w {
					bits = 32
				}
			}
		}
		if bits == 0 && t.amd64 {
			return "", t.errf("%s: the operand size is ambiguous (use a size suffix)", op)
		}
	default:
		return "", t.errf("unsupported instruction %s", op)
	}
	if !t.amd64 {
		return base, nil
	}
	for _, o := range ops {
		if o.kind == 'r' && (o.reg.w != (bits == 32)) {
			return "", t.errf("%s: operand %s does not have the instruction's size", op, o.reg.name)
		}
		if o.kind == 'm' && o.sym != "" {
			if old, ok := t.sizes[o.sym]; ok && old != bits {
				return "", t.errf("mixed-size accesses to %s (%d and %d bits) are not supported", o.sym, old, bits)
			}
			t.sizes[o.sym] = bits
		}
	}
	return base, nil
}

// rv reads an immediate or register operand as a value.
func (t *x86T) rv(o x86Opnd) (string, int) {
	switch o.kind {
	case 'i':
		v, _ := asmImm(o.val)
		return o.val, asmWidthOf(v)
	case 'r':
		return t.read(o.reg.reg())
	}
	return "", asmWide
}

func (t *x86T) insn(in asmInsn) (asmStep, error) {
	plain := asmStep{kind: asmPlain}
	op := in.op
	switch op {
	case "NOP", "NOPL", "NOPW", "ENDBR64", "ENDBR32":
		return plain, nil
	case "MFENCE":
		if len(in.args) != 0 {
			return plain, t.errf("MFENCE takes no operands")
		}
		t.emit("mfence()")
		return plain, nil
	case "RET", "RETQ":
		if len(in.args) != 0 {
			return plain, t.errf("RET with an operand is not supported")
		}
		t.emit("return")
		return asmStep{kind: asmPlain, ends: true}, nil
	case "JMP":
		if len(in.args) != 1 {
			return plain, t.errf("JMP takes one label")
		}
		return asmStep{kind: asmJump, target: in.args[0]}, nil
	}
	if cc, ok := x86Conds[op]; ok {
		if len(in.args) != 1 {
			return plain, t.errf("%s takes one label", op)
		}
		c, err := t.condition(cc)
		if err != nil {
			return plain, err
		}
		return asmStep{kind: asmCondBr, asmCond: c, target: in.args[0]}, nil
	}
	ops := make([]x86Opnd, len(in.args))
	for i, a := range in.args {
		o, err := t.operand(a)
		if err != nil {
			return plain, err
		}
		ops[i] = o
	}
	// Intel syntax is dst, src; AT&T is src, dst: name them once
	var dst, src x86Opnd
	two := len(ops) == 2
	if two {
		dst, src = ops[0], ops[1]
		if t.amd64 {
			dst, src = ops[1], ops[0]
		}
	}
	locked := strings.HasPrefix(op, "LOCK ")
	op = strings.TrimPrefix(op, "LOCK ")
	base := ""
	if !t.amd64 {
		base = op
	} else {
		for _, b := range []string{"MOV", "XCHG", "XADD", "CMPXCHG", "ADD", "SUB", "AND", "OR", "XOR", "INC", "DEC", "CMP", "TEST", "SHL", "SHR"} {
			if strings.HasPrefix(op, b) && len(op)-len(b) <= 1 {
				base = b
			}
		}
		var err error
		if base, err = t.size(base, op, ops); err != nil {
			return plain, err
		}
	}
	switch base {
	case "MOV":
		if !two || locked {
			return plain, t.errf("bad MOV")
		}
		switch {
		case dst.kind == 'm' && src.kind != 'm':
			// herd's cell keeps what the store writes whole (an
			// immediate as written, a 32-bit register's low bits), and a
			// movq reads it back whole: the location's type is only how
			// the final state shows it (sharedViews)
			v, _ := t.rv(src)
			t.emit("WRITE_ONCE(" + dst.val + ", " + v + ")")
		case dst.kind == 'r' && src.kind == 'm':
			t.write(dst.reg.reg(), "READ_ONCE("+src.val+")", asmWide)
		case dst.kind == 'r':
			v, w := t.rv(src)
			t.write(dst.reg.reg(), v, w)
		default:
			return plain, t.errf("unsupported MOV operands")
		}
		return plain, nil
	case "XCHG":
		if !two {
			return plain, t.errf("XCHG takes two operands")
		}
		m, r := dst, src
		if m.kind != 'm' {
			m, r = r, m
		}
		if m.kind != 'm' || r.kind != 'r' {
			return plain, t.errf("XCHG: only memory with register is supported")
		}
		v, _ := t.rv(r)
		t.write(r.reg.reg(), "xchg("+m.val+", "+v+")", asmWide)
		return plain, nil
	case "XADD", "CMPXCHG", "ADD", "SUB", "INC", "DEC":
		if dst.kind == 'm' || len(ops) == 1 && ops[0].kind == 'm' {
			if !locked {
				return plain, t.errf("%s on memory without LOCK (a non-atomic read-modify-write) is not supported", op)
			}
			return plain, t.lockedRMW(base, ops, dst, src)
		}
	}
	if locked {
		return plain, t.errf("unsupported locked instruction %s", in.op)
	}
	switch base {
	case "ADD", "SUB", "AND", "OR", "XOR", "SHL", "SHR":
		if !two || dst.kind != 'r' || src.kind == 'm' {
			return plain, t.errf("%s: only register operands are supported", op)
		}
		a, wa := t.read(dst.reg.reg())
		b, wb := t.rv(src)
		var e string
		w := asmWide
		switch base {
		case "SHL", "SHR":
			if src.kind != 'i' {
				return plain, t.errf("%s by a register is not supported", op)
			}
			k, _ := asmImm(b)
			if base == "SHL" {
				e = asmParen(a) + " << " + strconv.FormatUint(k%64, 10)
			} else {
				e, w = asmParen(a)+" >> "+strconv.FormatUint(k%64, 10), wa
			}
		default:
			alu := map[string]string{"ADD": "ADD", "SUB": "SUB", "AND": "AND", "OR": "ORR", "XOR": "EOR"}[base]
			e, w = asmALU(alu, a, wa, b, wb, false)
			if base == "XOR" && src.kind == 'r' && src.reg == dst.reg {
				w = asmSmall
			}
		}
		t.write(dst.reg.reg(), e, w)
		return plain, nil
	case "INC", "DEC":
		if len(ops) != 1 || ops[0].kind != 'r' {
			return plain, t.errf("bad %s", op)
		}
		a, _ := t.read(ops[0].reg.reg())
		sign := " + 1"
		if base == "DEC" {
			sign = " - 1"
		}
		t.write(ops[0].reg.reg(), asmParen(a)+sign, asmWide)
		return plain, nil
	case "CMP", "TEST":
		if !two || dst.kind == 'm' || src.kind == 'm' {
			return plain, t.errf("%s: only register and immediate operands are supported", op)
		}
		// Intel CMP a,b / AT&T cmp b,a both compare a with b
		a, _ := t.rv(dst)
		b, _ := t.rv(src)
		w32 := dst.kind == 'r' && (dst.reg.w || !t.amd64)
		aReg, bReg := "", ""
		if dst.kind == 'r' {
			aReg = dst.reg.name
		}
		if src.kind == 'r' {
			bReg = src.reg.name
		}
		if base == "CMP" {
			t.setFlags('s', w32, a, aReg, b, bReg)
		} else {
			e, _ := asmALU("AND", a, asmNarrow, b, asmNarrow, false)
			t.setFlags('l', w32, e, "", "0", "")
		}
		return plain, nil
	}
	return plain, t.errf("unsupported instruction %s", in.op)
}

// lockedRMW translates LOCK XADD/ADD/SUB/INC/DEC/CMPXCHG on memory.
func (t *x86T) lockedRMW(base string, ops []x86Opnd, dst, src x86Opnd) error {
	switch base {
	case "INC", "DEC":
		if len(ops) != 1 {
			return t.errf("%s takes one operand", base)
		}
		v := "1"
		if base == "DEC" {
			v = "-1"
		}
		t.emit("x86_locked_add(" + ops[0].val + ", " + v + ")")
		return nil
	case "ADD", "SUB":
		if len(ops) != 2 || src.kind == 'm' {
			return t.errf("bad LOCK %s", base)
		}
		v, _ := t.rv(src)
		if base == "SUB" {
			v = "-" + asmParen(v)
		}
		t.emit("x86_locked_add(" + dst.val + ", " + v + ")")
		return nil
	case "XADD":
		if len(ops) != 2 || src.kind != 'r' {
			return t.errf("LOCK XADD needs a register source")
		}
		v, _ := t.rv(src)
		t.write(src.reg.reg(), "x86_locked_add("+dst.val+", "+v+")", asmWide)
		return nil
	case "CMPXCHG":
		if len(ops) != 2 || src.kind != 'r' {
			return t.errf("LOCK CMPXCHG needs a register source")
		}
		acc := x86R{name: "EAX"}
		if t.amd64 {
			acc = x86R{name: "RAX", w: src.reg.w}
		}
		old, _ := t.read(acc.reg())
		v, _ := t.rv(src)
		t.write(acc.reg(), "x86_locked_cmpxchg("+dst.val+", "+old+", "+v+")", asmWide)
		return nil
	}
	return t.errf("unsupported locked instruction %s", base)
}
