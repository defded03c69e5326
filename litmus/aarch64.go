package litmus

// The assembly front ends: herd's AArch64 and x86 instruction tables
// translated to .mmu thread bodies (see TARGET.md). This file holds the
// AArch64 translator and the parts the x86 one shares with it: cell parsing,
// labels, and the asmStructurer that turns forward branches into nested ifs.

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// translateAsm translates the instruction columns of an assembly litmus test
// (arch "AArch64", "X86" or "X86_64") into one .mmu cpu body per thread.
// mem says what the test's memory holds (asmMem).
func translateAsm(arch string, threads [][]asmLine, mem asmMem) ([]string, error) {
	var tr func([]asmLine) (string, error)
	switch arch {
	case "AArch64":
		tr = func(cells []asmLine) (string, error) { return translateA64Thread(cells, mem) }
	case "X86":
		tr = translateX86Thread
	case "X86_64":
		sizes := map[string]int{}
		tr = func(cells []asmLine) (string, error) { return translateX86_64Thread(sizes, cells) }
	default:
		return nil, &Error{Msg: fmt.Sprintf("unsupported architecture %s", arch)}
	}
	out := make([]string, len(threads))
	for i, cells := range threads {
		mem.ptrs = nil // the closure above sees this thread's
		if i < len(mem.threadPtrs) {
			mem.ptrs = mem.threadPtrs[i]
		}
		body, err := tr(cells)
		if err != nil {
			return nil, err
		}
		out[i] = declareReadRegs(arch, body)
	}
	return out, nil
}

var asmIdentRE = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
var asmAssignRE = regexp.MustCompile(`(?m)^\s*([A-Za-z_][A-Za-z0-9_]*) = `)

// declareReadRegs makes every register the body reads but never writes a
// local: `X4 = X4` at the top is a no-op that keeps X4's initial value (set
// by an init assignment before the body, or 0), where a bare read would be
// an undefined name.
func declareReadRegs(arch, body string) string {
	assigned := map[string]bool{}
	for _, m := range asmAssignRE.FindAllStringSubmatch(body, -1) {
		assigned[m[1]] = true
	}
	var decl []string
	for _, line := range strings.Split(body, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		for _, id := range asmIdentRE.FindAllString(line, -1) {
			if r, ok := canonAsmReg(arch, id); ok && r == id && !assigned[id] {
				assigned[id] = true
				decl = append(decl, id+" = "+id+"  // read, never written: its initial value")
			}
		}
	}
	if len(decl) == 0 {
		return body
	}
	if body == "" {
		return strings.Join(decl, "\n")
	}
	return strings.Join(decl, "\n") + "\n" + body
}

// canonAsmReg gives the local name a register is known by in the bodies
// translateAsm produces, and false when name is not such a register.
func canonAsmReg(arch, name string) (string, bool) {
	switch arch {
	case "AArch64":
		r, ok := a64Reg(name)
		if !ok {
			return "", false
		}
		if r.zero { // herd shows N:XZR in a final state (always 0)
			return "XZR", true
		}
		return r.name, true
	case "X86":
		r, ok := x86Reg(name, false)
		if !ok {
			return "", false
		}
		return r.name, true
	case "X86_64":
		r, ok := x86Reg(name, true)
		if !ok {
			return "", false
		}
		return r.name, true
	}
	return "", false
}

func asmErr(c asmLine, format string, args ...any) *Error {
	return &Error{Line: c.Line, Col: c.Col, Msg: fmt.Sprintf(format, args...)}
}

// ---- cells, operands, labels ----

var asmLabelRE = regexp.MustCompile(`^([A-Za-z_.][A-Za-z0-9_.]*)\s*:\s*(.*)$`)

// asmInsn is one instruction of a thread, with the labels just before it.
type asmInsn struct {
	cell asmLine
	op   string   // mnemonic, upper case
	args []string // operands, trimmed, split at top-level commas
}

// asmSplitCells turns a thread's cells into instructions and a label map
// (label -> index of the instruction it precedes; len(insns) at the end).
// The x86 prefixes LOCK and REP join the next word to the mnemonic. With
// fixed-size instructions (insnBytes > 0: AArch64's 4), a branch target
// relative to the instruction (".+8", ".-8") is a label too.
func asmSplitCells(cells []asmLine, insnBytes int) ([]asmInsn, map[string]int, error) {
	var insns []asmInsn
	labels := map[string]int{}
	for _, c := range cells {
		text := strings.TrimSpace(c.Text)
		for {
			m := asmLabelRE.FindStringSubmatch(text)
			if m == nil {
				break
			}
			if _, dup := labels[m[1]]; dup {
				return nil, nil, asmErr(c, "label %s defined twice", m[1])
			}
			labels[m[1]] = len(insns)
			text = strings.TrimSpace(m[2])
		}
		if text == "" {
			continue
		}
		op, rest, _ := strings.Cut(text, " ")
		if i := strings.IndexByte(op, '\t'); i >= 0 {
			op, rest = op[:i], op[i+1:]+" "+rest
		}
		op = strings.ToUpper(op)
		rest = strings.TrimSpace(rest)
		if op == "LOCK" || op == "REP" { // x86 prefixes
			op2, rest2, _ := strings.Cut(rest, " ")
			op = op + " " + strings.ToUpper(op2)
			rest = strings.TrimSpace(rest2)
		}
		in := asmInsn{cell: c, op: op}
		if rest != "" {
			args, err := asmSplitOperands(rest)
			if err != nil {
				return nil, nil, asmErr(c, "%v", err)
			}
			in.args = args
		}
		insns = append(insns, in)
	}
	if insnBytes > 0 {
		asmRelativeLabels(insns, labels, insnBytes)
	}
	return insns, labels, nil
}

var asmRelativeRE = regexp.MustCompile(`^\.([+-])([0-9]+)$`)

// asmRelativeLabels gives each relative target ".+N" or ".-N" of an
// instruction a label of its own, N bytes on or back (a target outside
// the thread, or not a whole instruction, stays undefined: a positioned
// error later). A backward one closes a loop, as a labelled one does
// (asmStructure: herd's L047, `CBNZ W0,.-8`).
func asmRelativeLabels(insns []asmInsn, labels map[string]int, insnBytes int) {
	for i, in := range insns {
		for k, a := range in.args {
			m := asmRelativeRE.FindStringSubmatch(a)
			if m == nil {
				continue
			}
			n, _ := strconv.Atoi(m[2])
			if m[1] == "-" {
				n = -n
			}
			to := i + n/insnBytes
			if n%insnBytes != 0 || to < 0 || to > len(insns) {
				continue
			}
			name := fmt.Sprintf("%s@%d", a, i)
			labels[name] = to
			in.args[k] = name
		}
	}
}

func asmSplitOperands(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced %q in operands %q", s[i], s)
			}
		case ',':
			if depth == 0 {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced brackets in operands %q", s)
	}
	out = append(out, strings.TrimSpace(s[start:]))
	for _, a := range out {
		if a == "" {
			return nil, fmt.Errorf("empty operand in %q", s)
		}
	}
	return out, nil
}

// ---- conditions ----

// asmCond is a branch condition: expr when it holds, neg when it does not.
type asmCond struct{ expr, neg string }

var asmNegOp = map[string]string{"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}

func asmCmp(l, op, r string) asmCond {
	l, r = asmParen(l), asmParen(r)
	return asmCond{l + " " + op + " " + r, l + " " + asmNegOp[op] + " " + r}
}

func asmNot(c asmCond) asmCond { return asmCond{c.neg, c.expr} }

// ---- structured control flow ----

type asmStepKind int

const (
	asmPlain  asmStepKind = iota
	asmCondBr             // branch to target when cond holds
	asmJump               // unconditional branch to target
)

// asmStep is one translated instruction.
type asmStep struct {
	cell    asmLine
	kind    asmStepKind
	stmts   []string // straight-line statements (any kind may have some, run first)
	asmCond asmCond
	target  string
	note    string // the instruction, for a comment on the if it becomes
	ends    bool   // the thread ends here (RET)
}

type asmStructurer struct {
	steps  []asmStep
	labels map[string]int
	b      strings.Builder
	exits  []int // the step after each loop being emitted, innermost last
}

// asmStructure emits the steps as nested ifs and loops: every forward
// branch must stay inside the block it is in (if-then, if-else shapes and
// skipping dead code) or leave the innermost loop (a break), and a
// backward branch must close a loop whose head starts a block (herd's
// loops: a counter or an LDXR/STXR retry), otherwise it is an error.
func asmStructure(steps []asmStep, labels map[string]int) (string, error) {
	s := &asmStructurer{steps: steps, labels: labels}
	if err := s.block(0, len(steps), 0); err != nil {
		return "", err
	}
	return strings.TrimRight(s.b.String(), "\n"), nil
}

func asmComment(note string) string {
	if note == "" {
		return ""
	}
	return "  // " + note
}

func (s *asmStructurer) line(indent int, text string) {
	s.b.WriteString(strings.Repeat("  ", indent))
	s.b.WriteString(text)
	s.b.WriteByte('\n')
}

func (s *asmStructurer) target(i, to int) (int, error) {
	st := s.steps[i]
	t, ok := s.labels[st.target]
	if !ok {
		return 0, asmErr(st.cell, "undefined label %s", st.target)
	}
	if t <= i {
		return 0, asmErr(st.cell, "backward branch to %s does not close a loop that starts a block (unstructured control flow is not supported)", st.target)
	}
	if n := len(s.exits); t > to && n > 0 && t == s.exits[n-1] {
		return asmBreak, nil
	}
	if t > to {
		return 0, asmErr(st.cell, "branch to %s leaves the block it is in (unstructured control flow is not supported)", st.target)
	}
	return t, nil
}

// asmBreak is the target of a branch that leaves the innermost loop.
const asmBreak = -1

// backEdge is the last step in [i, to) that branches back to step i, the
// head of a loop, or -1.
func (s *asmStructurer) backEdge(i, to int) int {
	for j := to - 1; j >= i; j-- {
		if st := s.steps[j]; st.kind != asmPlain {
			if t, ok := s.labels[st.target]; ok && t == i {
				return j
			}
		}
	}
	return -1
}

// loop emits steps head to end, end branching back to head, as a while
// loop that the back edge's branch not taken leaves. Another branch back
// to head before end is a loop inside it with the same head, which is the
// same control flow.
func (s *asmStructurer) loop(head, end, indent int) error {
	s.exits = append(s.exits, end+1)
	defer func() { s.exits = s.exits[:len(s.exits)-1] }()
	s.line(indent, "while 1 {")
	if err := s.block(head, end, indent+1); err != nil {
		return err
	}
	back := s.steps[end]
	for _, l := range back.stmts {
		s.line(indent+1, l)
	}
	if back.kind == asmCondBr {
		s.line(indent+1, "if "+back.asmCond.neg+" {"+asmComment(back.note))
		s.line(indent+2, "break")
		s.line(indent+1, "}")
	}
	s.line(indent, "}")
	return nil
}

func (s *asmStructurer) block(from, to, indent int) error {
	for i := from; i < to; {
		if j := s.backEdge(i, to); j >= 0 {
			if err := s.loop(i, j, indent); err != nil {
				return err
			}
			i = j + 1
			continue
		}
		st := s.steps[i]
		for _, l := range st.stmts {
			s.line(indent, l)
		}
		switch st.kind {
		case asmPlain:
			i++
		case asmJump:
			t, err := s.target(i, to)
			if err != nil {
				return err
			}
			if t == asmBreak {
				s.line(indent, "break")
				t = to // the code after it in the block is dead
			}
			i = t // the code in between is dead
		case asmCondBr:
			t, err := s.target(i, to)
			if err != nil {
				return err
			}
			if t == asmBreak {
				s.line(indent, "if "+asmNot(st.asmCond).neg+" {"+asmComment(st.note))
				s.line(indent+1, "break")
				s.line(indent, "}")
				i++
				continue
			}
			// if-else: the skipped code ends with a jump over the code at the label
			if j := t - 1; j > i && s.steps[j].kind == asmJump && len(s.steps[j].stmts) == 0 {
				if t2, ok := s.labels[s.steps[j].target]; ok && t2 > t && t2 <= to {
					s.line(indent, "if "+st.asmCond.neg+" {"+asmComment(st.note))
					if err := s.block(i+1, j, indent+1); err != nil {
						return err
					}
					s.line(indent, "} else {")
					if err := s.block(t, t2, indent+1); err != nil {
						return err
					}
					s.line(indent, "}")
					i = t2
					continue
				}
			}
			s.line(indent, "if "+st.asmCond.neg+" {"+asmComment(st.note))
			if err := s.block(i+1, t, indent+1); err != nil {
				return err
			}
			s.line(indent, "}")
			i = t
		}
	}
	return nil
}

// ---- numbers ----

func asmImm(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, strings.TrimSpace(s[1:])
	} else if strings.HasPrefix(s, "+") {
		s = strings.TrimSpace(s[1:])
	}
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

func asmNum(v uint64) string {
	if v < 1<<16 {
		return strconv.FormatUint(v, 10)
	}
	return fmt.Sprintf("%#x", v)
}

// value widths, as known statically: a value below 2^31 is small, below 2^32
// narrow; anything else wide.
const (
	asmWide   = 0
	asmNarrow = 1
	asmSmall  = 2
)

func asmWidthOf(v uint64) int {
	switch {
	case v < 1<<31:
		return asmSmall
	case v < 1<<32:
		return asmNarrow
	}
	return asmWide
}

func asmParen(e string) string {
	if asmIsAtom(e) {
		return e
	}
	return "(" + e + ")"
}

var asmCallRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\(`)

var asmAtomRE = regexp.MustCompile(`^(-?[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*\(.*\)|\(.*\))$`)

func asmIsAtom(e string) bool {
	if !asmAtomRE.MatchString(e) {
		return false
	}
	if e[0] == '(' || strings.HasSuffix(e, ")") {
		// "(a) + (b)" matches the pattern but is not one atom: check balance
		depth := 0
		for i := 0; i < len(e); i++ {
			switch e[i] {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && i != len(e)-1 {
					return false
				}
			}
		}
	}
	return true
}

// ---- AArch64 ----

type a64R struct {
	name string // canonical X name ("X5"); "" for the zero register
	w    bool   // 32-bit view
	zero bool   // WZR / XZR
}

func a64Reg(s string) (a64R, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch u {
	case "XZR":
		return a64R{zero: true}, true
	case "WZR":
		return a64R{zero: true, w: true}, true
	case "SP", "WSP": // herd's tests use the stack pointer as one more register
		return a64R{name: "SP", w: u == "WSP"}, true
	}
	if len(u) < 2 || (u[0] != 'X' && u[0] != 'W') {
		return a64R{}, false
	}
	n, err := strconv.Atoi(u[1:])
	if err != nil || n < 0 || n > 30 || strconv.Itoa(n) != u[1:] {
		return a64R{}, false
	}
	return a64R{name: "X" + u[1:], w: u[0] == 'W'}, true
}

// a64Flags describes the condition flags: set by kind 's' (a - b), 'a'
// (a + b) or 'l' (a logical result a, C = V = 0) on 32 (w) or 64 bits. a and b
// are expressions over aReg/bReg (copied to hidden locals before those are
// overwritten).
type a64Flags struct {
	kind       byte
	w          bool
	a, b       string
	aReg, bReg string
	conflict   bool // different flags reach this point along different paths
}

type a64State struct {
	dead  bool
	width map[string]int
	flags *a64Flags
	ptr   map[string]string // registers pointing at a narrow location (narrow.go)
}

func newA64State(dead bool) *a64State {
	return &a64State{dead: dead, width: map[string]int{}, ptr: map[string]string{}}
}

func (s *a64State) clone() *a64State {
	c := newA64State(s.dead)
	maps.Copy(c.width, s.width)
	maps.Copy(c.ptr, s.ptr)
	if s.flags != nil {
		f := *s.flags
		c.flags = &f
	}
	return c
}

// merge joins the states of two paths into one point.
func mergeA64(a, b *a64State) *a64State {
	if a == nil || a.dead {
		if b == nil {
			return newA64State(true)
		}
		return b.clone()
	}
	if b == nil || b.dead {
		return a.clone()
	}
	c := newA64State(false)
	for k, v := range a.width {
		if w := b.width[k]; w < v {
			v = w
		}
		c.width[k] = v
	}
	for k, v := range a.ptr {
		if b.ptr[k] == v {
			c.ptr[k] = v
		}
	}
	switch {
	case a.flags == nil && b.flags == nil:
	case a.flags != nil && b.flags != nil && *a.flags == *b.flags:
		f := *a.flags
		c.flags = &f
	default:
		c.flags = &a64Flags{conflict: true}
	}
	return c
}

const (
	asmFlagA = "FLAGS_a"
	asmFlagB = "FLAGS_b"
)

type a64T struct {
	st    *a64State
	cell  asmLine
	stmts []string
	note  string // the instruction, as a trailing comment of its first statement
	mem   asmMem
	elem  string // the narrow location the access's base points at (narrow.go)
	bad   error  // a register used as a value where it may not be (narrow.go)
}

// asmMem is what an assembly test's memory holds. With words the test
// has arrays of words: a memory operand may then add an immediate offset
// that is a multiple of 8 (an element further on; the elements are
// consecutive shared words). Memory holds what herd's cells hold: what a
// store writes, whole (a64T.stored), shown through each location's type
// by its view (sharedViews). narrow holds the narrow locations with their types,
// and threadPtrs, for each thread, the registers its initial state points
// at one, with the location (narrow.go); ptrs is the translated thread's.
type asmMem struct {
	words      bool
	narrow     map[string]elemType
	threadPtrs []map[string]string
	ptrs       map[string]string
}

func (t *a64T) emit(s string) {
	if t.note != "" {
		s += "  // " + t.note
		t.note = ""
	}
	t.stmts = append(t.stmts, s)
}

func (t *a64T) errf(format string, args ...any) error { return asmErr(t.cell, format, args...) }

// write assigns expression e (of width w) to register r (WZR/XZR: dropped,
// but a call is still made).
func (t *a64T) write(r a64R, e string, w int) {
	if r.zero {
		if asmCallRE.MatchString(e) && asmIsAtom(e) { // a call: an access to make
			t.emit(e)
		}
		return
	}
	if f := t.st.flags; f != nil && !f.conflict {
		if f.aReg == r.name {
			t.emit(asmFlagA + " = " + f.a)
			f.a, f.aReg = asmFlagA, ""
		}
		if f.bReg == r.name {
			t.emit(asmFlagB + " = " + f.b)
			f.b, f.bReg = asmFlagB, ""
		}
	}
	if r.w && w == asmWide {
		e, w = asmParen(e)+" & 0xffffffff", asmNarrow
	}
	t.emit(r.name + " = " + e)
	t.st.width[r.name] = w
	delete(t.st.ptr, r.name)
}

func (t *a64T) reg(s string) (a64R, error) {
	r, ok := a64Reg(s)
	if !ok {
		return r, t.errf("%s is not a general-purpose register", s)
	}
	return r, nil
}

// read gives the value of a register operand: a W view is masked to 32 bits
// unless its value is known to fit.
func (t *a64T) read(r a64R) (string, int) {
	if r.zero {
		return "0", asmSmall
	}
	if arr := t.st.ptr[r.name]; arr != "" && t.bad == nil {
		t.bad = t.errf("%s points into %s (%v): it may only be an address, copied by MOV or moved by ADD or SUB", r.name, arr, t.mem.narrow[arr])
	}
	w := t.st.width[r.name]
	if r.w && w == asmWide {
		return r.name + " & 0xffffffff", asmNarrow
	}
	return r.name, w
}

func (t *a64T) readOp(s string) (string, int, a64R, error) {
	r, err := t.reg(s)
	if err != nil {
		return "", 0, r, err
	}
	e, w := t.read(r)
	return e, w, r, nil
}

// operand2 reads the flexible second operand of a data-processing
// instruction: #imm{, LSL #k}, Rm{, LSL|LSR #k} or Wm, SXTW|UXTW{ #k}.
func (t *a64T) operand2(args []string, w32 bool) (string, int, error) {
	e, w, err := t.shiftedOperand(args, w32)
	if err == nil && w32 && w == asmWide {
		// a W instruction shifts its operand in 32 bits: the flags of
		// NEGS W3,W1,LSL #1 see (W1 << 1) mod 2^32
		e, w = asmParen(e)+" & 0xffffffff", asmNarrow
	}
	return e, w, err
}

// shiftedOperand is operand2 before a W form's operand is cut to 32 bits.
func (t *a64T) shiftedOperand(args []string, w32 bool) (string, int, error) {
	if len(args) == 0 {
		return "", 0, t.errf("missing operand")
	}
	// herd takes an immediate without its # too (MOV X10,1 in L098)
	if v, ok := asmImm(strings.TrimPrefix(args[0], "#")); ok || strings.HasPrefix(args[0], "#") {
		if !ok {
			return "", 0, t.errf("bad immediate %s", args[0])
		}
		if len(args) > 1 {
			k, ok := a64ShiftAmount(args[1], "LSL")
			if !ok || len(args) > 2 {
				return "", 0, t.errf("unsupported immediate shift %s", strings.Join(args[1:], ","))
			}
			v <<= k
		}
		v &= a64Mask(w32)
		return asmNum(v), asmWidthOf(v), nil
	}
	e, w, r, err := t.readOp(args[0])
	if err != nil {
		return "", 0, err
	}
	if len(args) == 1 {
		return e, w, nil
	}
	if len(args) > 2 {
		return "", 0, t.errf("unsupported operand %s", strings.Join(args, ","))
	}
	ext := strings.ToUpper(strings.TrimSpace(args[1]))
	kind, amt, _ := strings.Cut(strings.Replace(ext, "#", " #", 1), " ")
	k := uint64(0)
	if amt = strings.TrimSpace(amt); amt != "" {
		v, ok := asmImm(strings.TrimPrefix(amt, "#"))
		if !ok || v > 63 {
			return "", 0, t.errf("bad shift amount %s", args[1])
		}
		k = v
	}
	switch kind {
	case "LSL":
		if k == 0 {
			return e, w, nil
		}
		return asmParen(e) + " << " + strconv.FormatUint(k, 10), asmWide, nil
	case "LSR":
		if k == 0 {
			return e, w, nil
		}
		return asmParen(e) + " >> " + strconv.FormatUint(k, 10), w, nil
	case "UXTW":
		if !r.w {
			return "", 0, t.errf("UXTW needs a W register")
		}
		return a64Shl(e, k, w), a64ShlW(w, k), nil
	case "SXTW":
		if !r.w {
			return "", 0, t.errf("SXTW needs a W register")
		}
		if w != asmSmall && !w32 {
			e, w = a64Sext32(e), asmWide
		}
		return a64Shl(e, k, w), a64ShlW(w, k), nil
	case "ASR", "ROR":
		if k == 0 {
			return e, w, nil
		}
		bits := 64
		if w32 {
			bits = 32
		}
		return a64Shift(kind, e, strconv.FormatUint(k, 10), bits), asmWide, nil
	case "UXTB", "UXTH", "SXTB", "SXTH":
		width := map[byte]int{'B': 8, 'H': 16}[kind[3]]
		bits := 64
		if w32 {
			bits = 32
		}
		return a64Shl(asmParen(a64Bitfield(e, 0, width-1, bits, kind[0] == 'S')), k, asmWide), asmWide, nil
	case "UXTX", "SXTX":
		if r.w {
			return "", 0, t.errf("%s needs an X register", kind)
		}
		return a64Shl(e, k, w), a64ShlW(w, k), nil
	}
	return "", 0, t.errf("unsupported operand shift or extension %s", args[1])
}

func a64Shl(e string, k uint64, w int) string {
	if k == 0 {
		return e
	}
	return asmParen(e) + " << " + strconv.FormatUint(k, 10)
}

func a64ShlW(w int, k uint64) int {
	if k == 0 {
		return w
	}
	return asmWide
}

func a64ShiftAmount(s, kind string) (uint64, bool) {
	u := strings.ToUpper(strings.TrimSpace(s))
	rest, ok := strings.CutPrefix(u, kind)
	if !ok {
		return 0, false
	}
	v, ok := asmImm(strings.TrimPrefix(strings.TrimSpace(rest), "#"))
	return v, ok && v < 64
}

// addr translates a memory operand [Xn], [Xn,#0], [Xn,Xm{,LSL #k}],
// [Xn,Wm,SXTW|UXTW] to a pointer expression.
func (t *a64T) addr(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "!") {
		return "", t.errf("pre-indexed addressing %s (base register writeback) is not supported", s)
	}
	base, rest, err := t.memOperand(s)
	if err != nil {
		return "", err
	}
	if len(rest) == 0 {
		return base.name, nil
	}
	rest = a64IndexW(rest)
	if t.elem != "" {
		off, err := t.elemOffset(t.elem, rest, s)
		if err != nil || off == "0" {
			return base.name, err
		}
		return base.name + " + " + off, nil
	}
	if strings.HasPrefix(rest[0], "#") {
		v, ok := asmImm(rest[0][1:])
		if !ok || len(rest) > 1 {
			return "", t.errf("bad offset in %s", s)
		}
		if err := t.wordOffset(v, s); err != nil {
			return "", err
		}
		if v == 0 {
			return base.name, nil
		}
		return base.name + " + " + asmNum(v), nil
	}
	off, _, err := t.operand2(rest, false)
	if err != nil {
		return "", err
	}
	if off == "0" {
		return base.name, nil
	}
	return base.name + " + " + asmParen(off), nil
}

// a64IndexW reads a memory operand's index register Xm extended by UXTW
// or SXTW as Wm: herd takes the low 32 bits of either (AArch64Sem.ml
// memext_sext), though the architecture writes only Wm.
func a64IndexW(rest []string) []string {
	if len(rest) != 2 {
		return rest
	}
	ext := strings.ToUpper(strings.TrimSpace(rest[1]))
	r, ok := a64Reg(rest[0])
	if !ok || r.w || r.zero || r.name == "SP" || !strings.HasPrefix(ext, "UXTW") && !strings.HasPrefix(ext, "SXTW") {
		return rest
	}
	return []string{"W" + strings.TrimPrefix(r.name, "X"), rest[1]}
}

// memOperand splits a memory operand [Xn, ...] into its base register
// and the operands after it.
func (t *a64T) memOperand(s string) (a64R, []string, error) {
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return a64R{}, nil, t.errf("unsupported memory operand %s", s)
	}
	parts, err := asmSplitOperands(s[1 : len(s)-1])
	if err != nil {
		return a64R{}, nil, t.errf("%v", err)
	}
	base, ok := a64Reg(parts[0])
	if !ok || base.w || base.zero {
		return a64R{}, nil, t.errf("the base of %s must be an X register", s)
	}
	t.elem = t.st.ptr[base.name]
	return base, parts[1:], nil
}

// wordOffset checks an immediate offset v in operand s: locations are
// whole words, so it is 0 or, where the test has arrays of words, a
// multiple of 8 (the next element).
func (t *a64T) wordOffset(v uint64, s string) error {
	if v != 0 && !(t.mem.words && v%8 == 0) {
		return t.errf("non-zero immediate offset in %s: locations are whole words", s)
	}
	return nil
}

// access translates a load or store whose memory operand follows its n
// register operands: [Xn...], pre-indexed [Xn, #imm]! (the base register
// is written back before the access) or post-indexed [Xn], #imm (after
// it). do makes the access at pointer p. The writeback is a register
// update like ADD's, so that a later access through the base depends on
// what the base depended on, as in herd.
func (t *a64T) access(in asmInsn, n int, do func(p string, regs []string) error) error {
	args := in.args
	var post string
	if len(args) == n+2 && strings.HasPrefix(args[n+1], "#") && strings.HasSuffix(args[n], "]") {
		post, args = args[n+1], args[:n+1]
	}
	if len(args) != n+1 {
		return t.errf("%s takes %d operands, got %d", in.op, n+1, len(in.args))
	}
	mem := strings.TrimSpace(args[n])
	if pre, ok := strings.CutSuffix(mem, "!"); ok {
		base, imm, err := t.indexed(pre, "")
		if err == nil && t.elem == "" {
			err = t.wordOffset(imm, mem)
		}
		if err != nil {
			return err
		}
		t.writeBack(base, imm)
		return do(base.name, args[:n])
	}
	if post == "" {
		p, err := t.addr(mem)
		if err != nil {
			return err
		}
		return do(p, args[:n])
	}
	base, imm, err := t.indexed(mem, post)
	if err != nil {
		return err
	}
	if err := do(base.name, args[:n]); err != nil {
		return err
	}
	t.writeBack(base, imm)
	return nil
}

// indexed reads the base register and immediate of a pre-indexed operand
// [Xn, #imm] (post empty) or a post-indexed one [Xn], #imm.
func (t *a64T) indexed(mem, post string) (a64R, uint64, error) {
	base, rest, err := t.memOperand(mem)
	if err != nil {
		return a64R{}, 0, err
	}
	if post != "" {
		rest = append(rest, post)
	}
	if len(rest) != 1 || !strings.HasPrefix(rest[0], "#") {
		return a64R{}, 0, t.errf("bad writeback offset in %s", mem)
	}
	imm, ok := asmImm(rest[0][1:])
	if !ok {
		return a64R{}, 0, t.errf("bad writeback offset in %s", mem)
	}
	if t.elem != "" {
		size, shift := t.elemScale(t.elem)
		if imm%size != 0 {
			return a64R{}, 0, t.errf("writeback offset %s in %s: %s's elements are %d bytes apart", rest[0], mem, t.elem, size)
		}
		imm <<= shift
	}
	return base, imm, nil
}

// writeBack adds imm to the base register of an indexed access; a
// pointer into an array of 32-bit elements stays one.
func (t *a64T) writeBack(base a64R, imm uint64) {
	if imm != 0 {
		arr := t.st.ptr[base.name]
		t.write(base, base.name+" + "+asmNum(imm), asmWide)
		if arr != "" {
			t.st.ptr[base.name] = arr
		}
	}
}

// pair translates LDP and STP: two accesses, to the element at the
// address and the next, in that order. Of X registers the elements are
// words (the test's arrays of words); of W registers, and LDPSW's, they
// are 32-bit elements (narrow.go). Either way the next is a word further
// on. herd makes them two events of one instruction, which aarch64.cat
// orders no more than two accesses in program order to different
// locations. The pairs of other kinds (a64Pairs) are translated the same
// way with their own accesses.
func (t *a64T) pair(in asmInsn) error {
	kind := a64Pairs[in.op]
	if err := t.pairForm(in); err != nil {
		return err
	}
	return t.access(in, 2, func(p string, regs []string) error {
		r1, err := t.reg(regs[0])
		if err != nil {
			return err
		}
		r2, err := t.reg(regs[1])
		if err != nil {
			return err
		}
		if err := t.pairSized(in.op, r1, r2); err != nil {
			return err
		}
		next := asmParen(p) + " + 8"
		if kind.store {
			v1, v2 := t.stored(r1), t.stored(r2)
			first, second := "("+p+", "+v1+")", "("+next+", "+v2+")"
			if in.op == "STILP" && strings.HasSuffix(strings.TrimSpace(in.args[2]), "!") {
				first, second = second, first
			}
			t.emit(kind.fn + first)
			t.emit(kind.fn + second)
			return nil
		}
		if r1.name == r2.name {
			return t.errf("%s with the same register twice is constrained unpredictable", in.op)
		}
		load := func(r a64R, p string) {
			if in.op == "LDPSW" {
				t.write(r, a64Ext(kind.fn+"("+p+")", 32, true), asmWide)
				return
			}
			t.write(r, kind.fn+"("+p+")", asmWide)
		}
		// the address read before either register is written (LDP X0, X1, [X0])
		if asmMentions(p, r1.name) {
			load(r2, next)
			load(r1, p)
			return nil
		}
		load(r1, p)
		load(r2, next)
		return nil
	})
}

// a64Pairs are the pair accesses: whether each is a store, and the
// builtin of each of its two accesses. herd makes LDNP and STNP LDP and
// STP with a non-temporal annotation, which aarch64.cat does not use.
// LDIAPP's reads are acquirePC ones, the first ordered before the second
// (AArch64Sem.ml ldp: seq_mem, an iico_order edge that aarch64.cat's
// `[A | Q]; iico_order; [M]` takes into lob); STILP's writes are
// releases, ordered (`[M]; iico_order; [L]`): the lower address first,
// or with a writeback the higher (AArch64Sem.ml stp_wback). Two
// accesses in program order have exactly those orders.
var a64Pairs = map[string]struct {
	store bool
	fn    string
}{
	"LDP": {false, "READ_ONCE"}, "LDPSW": {false, "READ_ONCE"}, "LDNP": {false, "READ_ONCE"}, "LDIAPP": {false, "ldapr"},
	"STP": {true, "WRITE_ONCE"}, "STNP": {true, "WRITE_ONCE"}, "STILP": {true, "smp_store_release"},
}

// pairForm refuses the addressing forms a pair does not have: LDIAPP
// takes [Xn] or a post-index, STILP [Xn] or a pre-index, as in the
// architecture and herd, and LDNP and STNP no writeback.
func (t *a64T) pairForm(in asmInsn) error {
	if len(in.args) < 3 {
		return nil // access reports the operand count
	}
	post := len(in.args) == 4
	mem := strings.TrimSpace(in.args[2])
	pre := strings.HasSuffix(mem, "!")
	offset := strings.Contains(mem, ",") && !pre
	switch {
	case (in.op == "LDNP" || in.op == "STNP") && (pre || post),
		in.op == "LDIAPP" && (pre || offset), in.op == "STILP" && (post || offset):
		return t.errf("%s has no such addressing form", in.op)
	}
	return nil
}

// pairSized checks the registers of a pair access against what its base
// points into: X registers an array of words, W registers (X for LDPSW)
// an array of 32-bit elements.
func (t *a64T) pairSized(op string, r1, r2 a64R) error {
	bits := accessBits(r1)
	if op == "LDPSW" {
		bits = 32
	}
	if r1.w != r2.w || op == "LDPSW" && r1.w {
		return t.errf("%s takes two registers of the same size (X for LDPSW)", op)
	}
	switch {
	case t.elem != "":
		return t.sized(op, bits)
	case bits == 32:
		return t.errf("%s of 32-bit elements: a pair access needs a base the initial state points into an array of 32-bit elements", op)
	case !t.mem.words:
		return t.errf("%s: a pair access reaches the next word, and the test has no array of words", op)
	}
	return nil
}

// asmMentions tells whether expression e reads register name.
func asmMentions(e, name string) bool {
	return slices.Contains(asmIdentRE.FindAllString(e, -1), name)
}

// condition gives the branch condition for a condition code, from the flags.
func (t *a64T) condition(cc string) (asmCond, error) {
	cc = strings.ToUpper(strings.TrimSpace(cc))
	switch cc {
	case "HS":
		cc = "CS"
	case "LO":
		cc = "CC"
	}
	if cc == "AL" || cc == "NV" {
		return asmCond{"1", "0"}, nil
	}
	f := t.st.flags
	if f == nil {
		return asmCond{}, t.errf("condition %s reads flags no instruction set", cc)
	}
	if f.conflict {
		return asmCond{}, t.errf("condition %s reads flags set differently on the paths reaching it", cc)
	}
	m, sign := "0xffffffffffffffff", "0x8000000000000000"
	if f.w {
		m, sign = "0xffffffff", "0x80000000"
	}
	a, b := asmParen(f.a), asmParen(f.b)
	mask := func(e string) string {
		if f.w {
			return "((" + e + ") & " + m + ")"
		}
		return "(" + e + ")"
	}
	var n, z, c, v string // conditions as 0/1 expressions
	switch f.kind {
	case 's':
		switch cc {
		case "EQ":
			return asmCmp(a, "==", b), nil
		case "NE":
			return asmCmp(a, "!=", b), nil
		case "CS":
			return asmCmp(a, ">=", b), nil
		case "CC":
			return asmCmp(a, "<", b), nil
		case "HI":
			return asmCmp(a, ">", b), nil
		case "LS":
			return asmCmp(a, "<=", b), nil
		case "GE":
			return asmCmp("("+a+" ^ "+sign+")", ">=", "("+b+" ^ "+sign+")"), nil
		case "LT":
			return asmCmp("("+a+" ^ "+sign+")", "<", "("+b+" ^ "+sign+")"), nil
		case "GT":
			return asmCmp("("+a+" ^ "+sign+")", ">", "("+b+" ^ "+sign+")"), nil
		case "LE":
			return asmCmp("("+a+" ^ "+sign+")", "<=", "("+b+" ^ "+sign+")"), nil
		}
		d := mask(a + " - " + b)
		n = "(" + d + " & " + sign + ") != 0"
		v = "((" + a + " ^ " + b + ") & (" + a + " ^ " + d + ") & " + sign + ") != 0"
	case 'a':
		sum := mask(a + " + " + b)
		n = "(" + sum + " & " + sign + ") != 0"
		z = sum + " == 0"
		c = sum + " < " + a
		v = "(~(" + a + " ^ " + b + ") & (" + a + " ^ " + sum + ") & " + sign + ") != 0"
	case 'l': // ANDS and BICS clear C and V
		n = "(" + a + " & " + sign + ") != 0"
		z = a + " == 0"
		c, v = "0 != 0", "0 != 0"
		if cc == "GE" || cc == "LT" || cc == "GT" || cc == "LE" {
			switch cc {
			case "GE":
				return asmCond{"(" + a + " & " + sign + ") == 0", "(" + a + " & " + sign + ") != 0"}, nil
			case "LT":
				return asmCond{"(" + a + " & " + sign + ") != 0", "(" + a + " & " + sign + ") == 0"}, nil
			case "GT":
				return asmCond{a + " != 0 && (" + a + " & " + sign + ") == 0", "!(" + a + " != 0 && (" + a + " & " + sign + ") == 0)"}, nil
			case "LE":
				return asmCond{a + " == 0 || (" + a + " & " + sign + ") != 0", "!(" + a + " == 0 || (" + a + " & " + sign + ") != 0)"}, nil
			}
		}
	}
	pos := func(e string) (asmCond, error) {
		if e == "" || e == "0" {
			return asmCond{}, t.errf("condition %s after this flag-setting instruction is not supported", cc)
		}
		return asmCond{e, "!(" + e + ")"}, nil
	}
	// each negative condition is its positive twin, negated (Arm ARM C1.2.4)
	base, negate := cc, false
	if b, ok := a64Negations[cc]; ok {
		base, negate = b, true
	}
	var cond asmCond
	var err error
	switch base {
	case "EQ":
		cond, err = pos(z)
	case "CS":
		cond, err = pos(c)
	case "MI":
		cond, err = pos(n)
	case "VS":
		cond, err = pos(v)
	case "HI":
		if c == "" || z == "" {
			return pos("")
		}
		cond, err = pos("(" + c + ") && !(" + z + ")")
	case "GE", "GT":
		if n == "" || v == "" || z == "" {
			return pos("")
		}
		nv := "(" + n + ") == (" + v + ")"
		if base == "GT" {
			nv = "!(" + z + ") && " + nv
		}
		cond, err = pos(nv)
	default:
		return asmCond{}, t.errf("unknown condition code %s", cc)
	}
	if negate {
		cond = asmNot(cond)
	}
	return cond, err
}

// a64Negations maps each negative condition code to its positive twin.
var a64Negations = map[string]string{"NE": "EQ", "CC": "CS", "PL": "MI", "VC": "VS", "LS": "HI", "LT": "GE", "LE": "GT"}

// setFlags records the flags of a flag-setting instruction on operands a, b
// (expressions; aReg/bReg the registers they read, if they are plain reads).
func (t *a64T) setFlags(kind byte, w32 bool, a, aReg, b, bReg string) {
	if !asmIsAtom(a) || (aReg != "" && a != aReg) {
		aReg = ""
	}
	if !asmIsAtom(b) || (bReg != "" && b != bReg) {
		bReg = ""
	}
	f := &a64Flags{kind: kind, w: w32, a: a, b: b, aReg: aReg, bReg: bReg}
	// operands that are not a plain register or constant are copied now
	if _, isNum := asmImm(a); aReg == "" && !isNum {
		t.emit(asmFlagA + " = " + a)
		f.a = asmFlagA
	}
	if _, isNum := asmImm(b); bReg == "" && !isNum {
		t.emit(asmFlagB + " = " + b)
		f.b = asmFlagB
	}
	t.st.flags = f
}

var a64Fences = map[string]string{
	"ISH": "ish", "SY": "ish", "OSH": "ish", "NSH": "ish",
	"ISHLD": "ishld", "LD": "ishld", "OSHLD": "ishld", "NSHLD": "ishld",
	"ISHST": "ishst", "ST": "ishst", "OSHST": "ishst", "NSHST": "ishst",
}

// LDUR and STUR are LDR and STR with an unscaled offset: on whole words
// the offset must be a multiple of 8 all the same (addr).
var a64Loads = map[string]string{
	"LDR": "READ_ONCE", "LDUR": "READ_ONCE", "LDAR": "smp_load_acquire", "LDAPR": "ldapr",
	"LDXR": "ldxr", "LDAXR": "ldaxr",
}

var a64Stores = map[string]string{"STR": "WRITE_ONCE", "STUR": "WRITE_ONCE", "STLR": "smp_store_release"}

func a64LSE(op string) (base, suffix string, ok bool) {
	for _, b := range []string{"SWP", "CAS", "LDADD", "LDCLR", "LDEOR", "LDSET", "STADD", "STCLR", "STEOR", "STSET"} {
		if rest, found := strings.CutPrefix(op, b); found {
			switch rest {
			case "", "A", "L", "AL":
				if strings.HasPrefix(b, "ST") && (rest == "A" || rest == "AL") {
					return "", "", false
				}
				return b, rest, true
			}
		}
	}
	return "", "", false
}

func translateA64Thread(cells []asmLine, mem asmMem) (string, error) {
	return asmTranslateThread(cells, 4, mem, (*a64T).insn)
}

// asmTranslateThread runs an instruction translator over a thread in program
// order, keeping the static state (value widths, flags) and joining it at
// labels, then structures the branches.
func asmTranslateThread(cells []asmLine, insnBytes int, mem asmMem, insn func(*a64T, asmInsn) (asmStep, error)) (string, error) {
	insns, labels, err := asmSplitCells(cells, insnBytes)
	if err != nil {
		return "", err
	}
	insns, labels = asmDupTails(insns, labels)
	atPos := map[int][]string{}
	for l, p := range labels {
		atPos[p] = append(atPos[p], l)
	}
	pending := map[string]*a64State{}
	cur := newA64State(false)
	maps.Copy(cur.ptr, mem.ptrs)
	steps := make([]asmStep, len(insns))
	for i, in := range insns {
		for _, l := range atPos[i] {
			if p := pending[l]; p != nil {
				cur = mergeA64(cur, p)
			}
		}
		t := &a64T{st: cur, cell: in.cell, note: strings.TrimSpace(in.cell.Text), mem: mem}
		step, err := insn(t, in)
		if err == nil {
			err = t.bad
		}
		if err != nil {
			return "", err
		}
		step.cell = in.cell
		step.stmts = t.stmts
		if step.kind == asmCondBr {
			step.note = t.note
		}
		steps[i] = step
		if step.kind != asmPlain && !cur.dead {
			if _, ok := labels[step.target]; !ok {
				return "", asmErr(in.cell, "undefined label %s", step.target)
			}
			pending[step.target] = mergeA64(pending[step.target], cur)
		}
		if step.kind == asmJump || step.ends {
			cur = newA64State(true)
		}
	}
	return asmStructure(steps, labels)
}

func (t *a64T) nargs(in asmInsn, n ...int) error {
	if len(in.args) > 0 && strings.HasPrefix(in.args[len(in.args)-1], "#") && len(in.args) > 1 &&
		strings.HasSuffix(in.args[len(in.args)-2], "]") {
		return t.errf("post-indexed addressing (base register writeback) is not supported")
	}
	for _, k := range n {
		if len(in.args) == k {
			return nil
		}
	}
	return t.errf("%s takes %d operands, got %d", in.op, n[0], len(in.args))
}

// insn translates one instruction, emitting into t.
func (t *a64T) insn(in asmInsn) (asmStep, error) {
	op := in.op
	plain := asmStep{kind: asmPlain}
	switch op {
	case "NOP":
		return plain, nil
	case "RET":
		if len(in.args) != 0 {
			return plain, t.errf("RET with an operand is not supported")
		}
		t.emit("return")
		return asmStep{kind: asmPlain, ends: true}, nil
	case "DMB", "DSB":
		if err := t.nargs(in, 1); err != nil {
			return plain, err
		}
		f, ok := a64Fences[strings.ToUpper(in.args[0])]
		if !ok {
			return plain, t.errf("unsupported barrier option %s %s", op, in.args[0])
		}
		t.emit(strings.ToLower(op) + "_" + f + "()")
		return plain, nil
	case "ISB":
		if len(in.args) > 1 || len(in.args) == 1 && strings.ToUpper(in.args[0]) != "SY" {
			return plain, t.errf("unsupported ISB option")
		}
		t.emit("isb()")
		return plain, nil
	case "B":
		if err := t.nargs(in, 1); err != nil {
			return plain, err
		}
		return asmStep{kind: asmJump, target: in.args[0]}, nil
	case "CBZ", "CBNZ":
		if err := t.nargs(in, 2); err != nil {
			return plain, err
		}
		e, _, _, err := t.readOp(in.args[0])
		if err != nil {
			return plain, err
		}
		c := asmCmp(asmParen(e), "==", "0")
		if op == "CBNZ" {
			c = asmNot(c)
		}
		return asmStep{kind: asmCondBr, asmCond: c, target: in.args[1]}, nil
	case "TBZ", "TBNZ":
		if err := t.nargs(in, 3); err != nil {
			return plain, err
		}
		e, _, _, err := t.readOp(in.args[0])
		if err != nil {
			return plain, err
		}
		v, ok := asmImm(strings.TrimPrefix(in.args[1], "#"))
		if !ok || v > 63 {
			return plain, t.errf("bad bit number %s", in.args[1])
		}
		c := asmCmp("("+asmParen(e)+" >> "+strconv.FormatUint(v, 10)+") & 1", "==", "0")
		if op == "TBNZ" {
			c = asmNot(c)
		}
		return asmStep{kind: asmCondBr, asmCond: c, target: in.args[2]}, nil
	}
	if cc, ok := strings.CutPrefix(op, "B."); ok {
		if err := t.nargs(in, 1); err != nil {
			return plain, err
		}
		c, err := t.condition(cc)
		if err != nil {
			return plain, err
		}
		return asmStep{kind: asmCondBr, asmCond: c, target: in.args[0]}, nil
	}
	return plain, t.dataInsn(in)
}

func (t *a64T) dataInsn(in asmInsn) error {
	if in.op == "NEGS" {
		if err := t.nargs(in, 2, 3); err != nil {
			return err
		}
		in = negsAsSubs(in)
	}
	if ok, err := t.pointerInsn(in); ok {
		return err
	}
	if ok, err := t.narrowAccess(in); ok {
		return err
	}
	op, args := in.op, in.args
	if fn, ok := a64Loads[op]; ok {
		return t.access(in, 1, func(p string, regs []string) error {
			rt, err := t.reg(regs[0])
			if err != nil {
				return err
			}
			if err := t.sized(op, accessBits(rt)); err != nil {
				return err
			}
			// a W load reads the low half of the word (A176: a uint64_t read by LDR W)
			t.write(rt, fn+"("+p+")", asmWide)
			return nil
		})
	}
	if fn, ok := a64Stores[op]; ok {
		return t.access(in, 1, func(p string, regs []string) error {
			r, err := t.reg(regs[0])
			if err == nil {
				err = t.sized(op, accessBits(r))
			}
			if err != nil {
				return err
			}
			t.emit(fn + "(" + p + ", " + t.stored(r) + ")")
			return nil
		})
	}
	if _, ok := a64Pairs[op]; ok {
		return t.pair(in)
	}
	switch op {
	case "STXR", "STLXR":
		if err := t.nargs(in, 3); err != nil {
			return err
		}
		rs, err := t.reg(args[0])
		if err != nil {
			return err
		}
		rt, err := t.reg(args[1])
		if err != nil {
			return err
		}
		p, err := t.addr(args[2])
		if err == nil {
			err = t.sized(op, accessBits(rt))
		}
		if err != nil {
			return err
		}
		t.write(rs, strings.ToLower(op)+"("+p+", "+t.stored(rt)+")", asmSmall)
		return nil
	case "LDXP", "LDAXP", "STXP", "STLXP":
		return t.exclPair(in)
	case "MOV", "MOVZ":
		if err := t.nargs(in, 2, 3); err != nil {
			return err
		}
		rd, err := t.reg(args[0])
		if err != nil {
			return err
		}
		if _, imm := asmImm(args[1]); op == "MOV" && len(args) == 2 && !imm && !strings.HasPrefix(args[1], "#") {
			e, w, _, err := t.readOp(args[1])
			if err != nil {
				return err
			}
			t.write(rd, e, w)
			return nil
		}
		e, w, err := t.operand2(args[1:], rd.w)
		if err != nil {
			return err
		}
		t.write(rd, e, w)
		return nil
	case "MOVK":
		if err := t.nargs(in, 2, 3); err != nil {
			return err
		}
		rd, err := t.reg(args[0])
		if err != nil {
			return err
		}
		v, ok := asmImm(strings.TrimPrefix(args[1], "#"))
		if !ok || v > 0xffff {
			return t.errf("bad MOVK immediate %s", args[1])
		}
		k := uint64(0)
		if len(args) == 3 {
			if k, ok = a64ShiftAmount(args[2], "LSL"); !ok || k%16 != 0 || rd.w && k > 16 || k > 48 {
				return t.errf("bad MOVK shift %s", args[2])
			}
		}
		old, _ := t.read(rd)
		e := asmParen(old) + " & " + asmNum(^(uint64(0xffff)<<k)&a64Mask(rd.w)) + " | " + asmNum(v<<k)
		w := asmWide
		if rd.w {
			w = asmNarrow
		}
		t.write(rd, e, w)
		return nil
	case "ADD", "SUB", "AND", "ORR", "EOR", "BIC", "ORN", "EON", "ADDS", "SUBS", "ANDS", "BICS":
		if err := t.nargs(in, 3, 4); err != nil {
			return err
		}
		rd, err := t.reg(args[0])
		if err != nil {
			return err
		}
		a, wa, ra, err := t.readOp(args[1])
		if err != nil {
			return err
		}
		b, wb, err := t.operand2(args[2:], rd.w)
		if err != nil {
			return err
		}
		if rd.w != ra.w && !ra.zero {
			return t.errf("operands of %s must have the same size", op)
		}
		bReg := ""
		if r, ok := a64Reg(args[2]); ok && len(args) == 3 {
			bReg = r.name
		}
		e, w := asmALU(strings.TrimSuffix(op, "S"), a, wa, b, wb, rd.w)
		if op == "EOR" && len(args) == 3 && strings.EqualFold(args[1], args[2]) {
			w = asmSmall // x ^ x is 0 (and still depends on x)
		}
		switch op {
		case "ADDS", "SUBS":
			kind := byte('a')
			if op == "SUBS" {
				kind = 's'
			}
			t.setFlags(kind, rd.w, a, ra.name, b, bReg)
		case "ANDS", "BICS":
			if rd.zero {
				t.setFlags('l', rd.w, e, "", "0", "")
				return nil
			}
			t.write(rd, e, w)
			t.setFlags('l', rd.w, rd.name, rd.name, "0", "")
			return nil
		}
		t.write(rd, e, w)
		return nil
	case "CMP", "CMN", "TST":
		if err := t.nargs(in, 2, 3); err != nil {
			return err
		}
		a, _, ra, err := t.readOp(args[0])
		if err != nil {
			return err
		}
		b, wb, err := t.operand2(args[1:], ra.w)
		if err != nil {
			return err
		}
		bReg := ""
		if r, ok := a64Reg(args[1]); ok && len(args) == 2 {
			bReg = r.name
		}
		switch op {
		case "CMP":
			t.setFlags('s', ra.w, a, ra.name, b, bReg)
		case "CMN":
			t.setFlags('a', ra.w, a, ra.name, b, bReg)
		case "TST":
			e, _ := asmALU("AND", a, asmNarrow, b, wb, ra.w)
			t.setFlags('l', ra.w, e, "", "0", "")
		}
		return nil
	case "CSEL", "CSINC", "CSINV", "CSNEG":
		if err := t.nargs(in, 4); err != nil {
			return err
		}
		rd, err := t.reg(args[0])
		if err != nil {
			return err
		}
		a, wa, _, err := t.readOp(args[1])
		if err != nil {
			return err
		}
		b, wb, _, err := t.readOp(args[2])
		if err != nil {
			return err
		}
		c, err := t.condition(args[3])
		if err != nil {
			return err
		}
		switch op {
		case "CSINC":
			b, wb = asmParen(b)+" + 1", asmWide
		case "CSINV":
			b, wb = "~"+asmParen(b), asmWide
		case "CSNEG":
			b, wb = "-"+asmParen(b), asmWide
		}
		t.write(rd, "csel("+c.expr+", "+a+", "+b+")", min(wa, wb))
		return nil
	case "CSET", "CSETM":
		if err := t.nargs(in, 2); err != nil {
			return err
		}
		rd, err := t.reg(args[0])
		if err != nil {
			return err
		}
		c, err := t.condition(args[1])
		if err != nil {
			return err
		}
		if op == "CSET" {
			t.write(rd, "csel("+c.expr+", 1, 0)", asmSmall)
		} else {
			t.write(rd, "csel("+c.expr+", "+asmNum(a64Mask(rd.w))+", 0)", asmWide)
		}
		return nil
	}
	if base, suffix, ok := a64LSE(op); ok {
		return t.lse(in, base, suffix)
	}
	if suffix, ok := strings.CutPrefix(op, "CASP"); ok && slices.Contains([]string{"", "A", "L", "AL"}, suffix) {
		return t.casp(in, suffix)
	}
	if ok, err := t.bitsInsn(in); ok {
		return err
	}
	switch op {
	case "LDURB", "STURB", "LDURH", "STURH":
		return t.errf("%s: byte, halfword and unscaled accesses are not supported (locations are whole words)", op)
	}
	if strings.HasSuffix(op, "B") && a64LSEOK(op[:len(op)-1]) || strings.HasSuffix(op, "H") && a64LSEOK(op[:len(op)-1]) {
		return t.errf("%s: byte and halfword atomics are not supported (locations are whole words)", op)
	}
	return t.errf("unsupported instruction %s", op)
}

func a64LSEOK(op string) bool { _, _, ok := a64LSE(op); return ok }

func a64Mask(w32 bool) uint64 {
	if w32 {
		return 0xffffffff
	}
	return ^uint64(0)
}

// asmALU builds a data-processing result; on W registers it is masked to 32
// bits unless its value is known to fit.
func asmALU(op, a string, wa int, b string, wb int, w32 bool) (string, int) {
	var e string
	w := asmWide
	switch op {
	case "ADD":
		e = asmParen(a) + " + " + asmParen(b)
		if wa == asmSmall && wb == asmSmall {
			w = asmNarrow
		}
		if b == "0" {
			e, w = a, wa
		}
	case "SUB":
		e = asmParen(a) + " - " + asmParen(b)
		if b == "0" {
			e, w = a, wa
		}
	case "AND":
		e = asmParen(a) + " & " + asmParen(b)
		w = max(wa, wb)
	case "BIC":
		e = asmParen(a) + " & ~" + asmParen(b)
		w = wa
	case "ORR":
		e = asmParen(a) + " | " + asmParen(b)
		w = min(wa, wb)
		if a == "0" {
			e, w = b, wb
		}
	case "ORN":
		e = asmParen(a) + " | ~" + asmParen(b)
	case "EOR":
		e = asmParen(a) + " ^ " + asmParen(b)
		w = min(wa, wb)
	case "EON":
		e = asmParen(a) + " ^ ~" + asmParen(b)
	}
	if w32 && w == asmWide {
		e, w = asmParen(e)+" & 0xffffffff", asmNarrow
	}
	return e, w
}

// lse translates the ARMv8.1 atomics: SWP and CAS, LD<op> and ST<op>.
func (t *a64T) lse(in asmInsn, base, suffix string) error {
	args := in.args
	name := strings.ToLower(base + suffix)
	if strings.HasPrefix(base, "ST") {
		if err := t.nargs(in, 2); err != nil {
			return err
		}
		r, err := t.reg(args[0])
		if err != nil {
			return err
		}
		p, err := t.addr(args[1])
		if err == nil {
			err = t.sized(in.op, accessBits(r))
		}
		if err != nil {
			return err
		}
		t.emit(name + "(" + p + ", " + t.stored(r) + ")")
		return nil
	}
	if err := t.nargs(in, 3); err != nil {
		return err
	}
	rs, err := t.reg(args[0])
	if err != nil {
		return err
	}
	rt, err := t.reg(args[1])
	if err != nil {
		return err
	}
	if rs.w != rt.w {
		return t.errf("operands of %s must have the same size", in.op)
	}
	p, err := t.addr(args[2])
	if err == nil {
		err = t.sized(in.op, accessBits(rs))
	}
	if err != nil {
		return err
	}
	vs := t.stored(rs)
	w := asmWide // masked below for W forms
	// the destination is Rt, or Rs for CAS
	if base == "CAS" && rs.zero || base != "CAS" && rt.zero {
		// no register receives the value read: herd annotates the read
		// NoRet instead of A (AArch64Sem.ml swp, cas, ldop: "if noret"),
		// so the A forms are the plain ones. LD<op> to XZR is ST<op>; a
		// CAS to XZR compares with 0.
		l := ""
		if strings.Contains(suffix, "L") {
			l = "l"
		}
		switch base {
		case "CAS":
			t.emit("cas" + l + "_noret(" + p + ", 0, " + t.stored(rt) + ")")
		case "SWP":
			t.emit("swp" + l + "_noret(" + p + ", " + vs + ")")
		default:
			t.emit("st" + strings.ToLower(strings.TrimPrefix(base, "LD")) + l + "(" + p + ", " + vs + ")")
		}
		return nil
	}
	if base == "CAS" {
		// Rs is compared with memory, then receives the old value
		t.write(rs, name+"("+p+", "+vs+", "+t.stored(rt)+")", w)
		return nil
	}
	t.write(rt, name+"("+p+", "+vs+")", w)
	return nil
}

// casp translates CASP Rs1,Rs2,Rt1,Rt2,[Xn] and its A, L and AL forms:
// the pair of words at the address (two elements of an array, as LDP's)
// is compared with Rs1 and Rs2 and, where both are equal, replaced by Rt1
// and Rt2; Rs1 and Rs2 receive the words read. mmu's casp() makes the
// accesses and returns the first word, pair_hi() the second.
func (t *a64T) casp(in asmInsn, suffix string) error {
	regs, p, err := t.pairOperands(in, 5, 0)
	if err != nil {
		return err
	}
	args := p
	for _, r := range regs {
		if r.w != regs[0].w {
			return t.errf("operands of %s must have the same size", in.op)
		}
		args += ", " + t.stored(r)
	}
	return t.loadPair(in, regs[0], regs[1], "casp"+strings.ToLower(suffix)+"("+args+")")
}

// exclPair translates LDXP Xt1,Xt2,[Xn] (LDAXP) and STXP Ws,Xt1,Xt2,[Xn]
// (STLXP): the exclusive accesses of a pair of words (or of 32-bit
// elements, W registers), as LDP's. mmu's ldxp() returns the first word
// and pair_hi() the second; stxp() writes both, or neither, and returns
// the status.
func (t *a64T) exclPair(in asmInsn) error {
	name := strings.ToLower(in.op)
	if in.op == "LDXP" || in.op == "LDAXP" {
		regs, p, err := t.pairOperands(in, 3, 0)
		if err != nil {
			return err
		}
		return t.loadPair(in, regs[0], regs[1], name+"("+p+")")
	}
	regs, p, err := t.pairOperands(in, 4, 1)
	if err != nil {
		return err
	}
	t.write(regs[0], name+"("+p+", "+t.stored(regs[1])+", "+t.stored(regs[2])+")", asmSmall)
	return nil
}

// pairOperands reads the operands of an instruction of n that accesses a
// pair: its registers, all but the last, and its address, the last,
// which reaches the pair of regs[first] and regs[first+1] as LDP's does
// (pairSized).
func (t *a64T) pairOperands(in asmInsn, n, first int) ([]a64R, string, error) {
	if err := t.nargs(in, n); err != nil {
		return nil, "", err
	}
	regs := make([]a64R, n-1)
	for i := range regs {
		r, err := t.reg(in.args[i])
		if err != nil {
			return nil, "", err
		}
		regs[i] = r
	}
	p, err := t.addr(in.args[n-1])
	if err == nil {
		err = t.pairSized(in.op, regs[first], regs[first+1])
	}
	return regs, p, err
}

// loadPair gives r1 the first word of the pair that call reads, and r2
// the second (pair_hi()).
func (t *a64T) loadPair(in asmInsn, r1, r2 a64R, call string) error {
	if !r1.zero && r1.name == r2.name {
		return t.errf("%s with the same register twice is constrained unpredictable", in.op)
	}
	t.write(r1, call, asmWide)
	t.write(r2, "pair_hi()", asmWide)
	return nil
}

// stored gives the value a store of register r writes: the register as
// it is (a W register holds its 32 bits, zero-extended, which herd's cell
// keeps and the location's view shows through its type), cut to the
// element's bits, sign- or zero-extended, where it is an 8- or 16-bit
// one, which holds its typed value.
func (t *a64T) stored(r a64R) string {
	e, _ := t.read(r)
	if m := t.memType(); r.w && m.bits < 32 {
		return a64Ext(e, m.bits, m.signed)
	}
	return e
}

// a64Sext32 sign-extends a value below 2^32 from its low 32 bits.
func a64Sext32(e string) string { return "(" + asmParen(e) + " ^ 0x80000000) - 0x80000000" }

// ---- herd's typed view of the final state ----

// typedFinalView makes the final state of an AArch64 test show, and its
// condition compare, registers as herd does. herd gives every location a
// type (a register declared without one is an int: TestType.default) and
// takes a register's value through it: a condition compares the low 32
// bits of an int's value with those of the constant (archExtra_herd.ml
// mask_type), and the final state shows an int sign-extended from them
// (cast_for_pp_with_base). So a W register holding 0xffffffff, which is
// what mmuvm's registers hold (herd's too: W writes zero-extend), shows -1
// and equals -1 (A252: CSETM W3 on an undeclared X3), while a uint32_t one
// shows 4294967295 (L003) and an int64_t or uint64_t one all its 64 bits.
//
// For each register of a signed 32-bit type (int, long, int32_t, none)
// that the final state shows, each thread ends, at its end and before
// each return, with its value cut to its low 32 bits and sign-extended
// (so the dependencies of the thread's events are untouched), unless it
// holds the address of a location, which herd shows as a symbol
// (isAddress, pointees). An X86_64 test's registers are shown the same way.
// The condition's constants compared with such a register, or with a
// register of an unsigned 32-bit type (uint32_t, unsigned, u32), are cast
// to the type as herd casts them, so that comparing them with the final
// value is comparing the low 32 bits. Memory locations are shown through
// their declared types by their views (sharedViews), and a constant
// compared with a location is cast to the location's type, so that a
// uint32_t's -1 is 4294967295, as the view shows the location.
func (u *unit) typedFinalView() {
	type regKey struct {
		cpu int
		reg string
	}
	signed := map[regKey]bool{} // signed 32 bits; absent from kinds: an int
	kinds := map[regKey]int{}   // 32: a 32-bit type, 64: anything else
	key := func(l *lloc) (regKey, bool) {
		if l == nil || l.cpu < 0 || l.cpu >= u.nthreads {
			return regKey{}, false
		}
		r, ok := canonAsmReg(u.arch, l.name)
		return regKey{l.cpu, r}, ok
	}
	for _, it := range u.inits {
		r, ok := key(&lloc{cpu: it.cpu, name: it.name})
		if !ok {
			continue
		}
		bits, sgn := a64TypeBits(it.types, it.stars)
		kinds[r], signed[r] = bits, sgn
	}
	kind := func(r regKey) (int, bool) {
		if b, ok := kinds[r]; ok {
			return b, signed[r]
		}
		return 32, true
	}
	shown := map[regKey]elemType{}
	note := func(l *lloc) {
		if r, ok := key(l); ok {
			if b, s := kind(r); b < 32 || b == 32 && s {
				shown[r] = elemType{b, s}
			}
		}
	}
	for _, l := range u.locations {
		note(l)
	}
	elems := u.narrowElements()
	cast := func(c *lcond) {
		note(c.lhs)
		note(c.rhs.reg)
		if c.lhs != nil && c.lhs.cpu < 0 && c.rhs.num != "" {
			// the location's view shows it through its type
			if e, ok := elems[c.lhs.name]; ok {
				c.rhs.num = a64Cast(c.rhs.num, e.bits, e.signed)
			} else if b, s := u.declaredBits(c.lhs.name); b < 64 {
				c.rhs.num = a64Cast(c.rhs.num, b, s)
			}
			return
		}
		r, ok := key(c.lhs)
		if !ok || c.rhs.num == "" {
			return
		}
		if b, s := kind(r); b < 64 {
			c.rhs.num = a64Cast(c.rhs.num, b, s)
		}
	}
	walkCond(u.filter, cast)
	walkCond(u.lcond, cast)
	regs := make([][]string, u.nthreads)
	for r := range shown {
		regs[r.cpu] = append(regs[r.cpu], r.reg)
	}
	pointees := u.pointees()
	for i, rs := range regs {
		if len(rs) == 0 || i >= len(u.bodies) {
			continue
		}
		slices.Sort(rs)
		var fix []string
		for _, r := range rs {
			var s string
			if e := shown[regKey{i, r}]; e.bits < 32 {
				s = r + " = " + a64Ext(r, e.bits, e.signed) + "  // herd shows the register through its type"
			} else {
				s = r + " = csel(" + isAddress(r, pointees) + ", " + r + ", " + a64Sext32(r+" & 0xffffffff") + ")  // herd shows an int: its low 32 bits, sign-extended"
			}
			if !strings.Contains(u.bodies[i], s) { // once
				fix = append(fix, s)
			}
		}
		if len(fix) > 0 {
			u.bodies[i] = a64AtExits(u.bodies[i], fix)
		}
	}
}

// pointees are the locations the initial state points a register or a
// location at (an array's every element), sorted: those whose address a
// register can hold.
func (u *unit) pointees() []string {
	var names []string
	for _, it := range u.inits {
		if it.ptr == "" {
			continue
		}
		if n, ok := u.arrays[it.ptr]; ok {
			for i := 0; i < n; i++ {
				names = append(names, elemName(it.ptr, i))
			}
			continue
		}
		names = append(names, it.ptr)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// isAddress is a condition that register r holds the address of one of
// pointees: herd shows such a register by the location's name, whatever
// the register's type, and the translation must not cut it to 32 bits.
// It is "0" where there is none.
func isAddress(r string, pointees []string) string {
	if len(pointees) == 0 {
		return "0"
	}
	terms := make([]string, len(pointees))
	for k, n := range pointees {
		terms[k] = r + " == &" + n
	}
	return strings.Join(terms, " || ")
}

// a64TypeBits gives the width of a litmus type as herd sizes it
// (TestType.size_of: int and long are 32 bits) and whether it is signed;
// pointers, and types herd would not size, count as 64 bits.
func a64TypeBits(types []string, stars int) (bits int, signed bool) {
	var ws []string
	for _, w := range types {
		if w != "volatile" && w != "const" {
			ws = append(ws, w)
		}
	}
	if stars > 0 {
		return 64, false
	}
	switch strings.Join(ws, " ") {
	case "", "int", "long", "int32_t", "signed", "signed int", "s32":
		return 32, true
	case "uint32_t", "unsigned", "unsigned int", "u32", "atomic_t":
		return 32, false
	case "char", "int8_t":
		return 8, true
	case "uint8_t":
		return 8, false
	case "short", "int16_t":
		return 16, true
	case "uint16_t":
		return 16, false
	}
	return 64, false
}

// a64Cast casts a constant to a type of bits bits (below 64): its low
// bits, sign-extended for a signed type.
func a64Cast(num string, bits int, signed bool) string {
	neg := strings.HasPrefix(num, "-")
	v, err := strconv.ParseUint(strings.TrimPrefix(num, "-"), 0, 64)
	if err != nil {
		return num
	}
	if neg {
		v = -v
	}
	v &= 1<<bits - 1
	if signed && v >= 1<<(bits-1) {
		return "-" + strconv.FormatUint(1<<bits-v, 10)
	}
	return asmNum(v)
}

var a64ReturnRE = regexp.MustCompile(`^(\s*)return\b`)

// a64AtExits adds stmts at the end of a thread body and before each of its
// returns.
func a64AtExits(body string, stmts []string) string {
	var out []string
	for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
		if m := a64ReturnRE.FindStringSubmatch(line); m != nil {
			for _, s := range stmts {
				out = append(out, m[1]+s)
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	out = append(out, stmts...)
	return strings.Join(out, "\n")
}

// negsAsSubs rewrites NEGS Rd, Rm{, shift} as the SUBS Rd, ZR, Rm{, shift}
// it is an alias of (Arm ARM C6.2: NEGS).
func negsAsSubs(in asmInsn) asmInsn {
	zr := "XZR"
	if r, ok := a64Reg(in.args[0]); ok && r.w {
		zr = "WZR"
	}
	in.op = "SUBS"
	in.args = append([]string{in.args[0], zr}, in.args[1:]...)
	return in
}
