// Package litmus translates herd7 litmus tests (`.litmus` files: C for the
// Linux-kernel memory model, AArch64 and X86 assembly) into mmuvm's `.mmu`
// language. The target is described in TARGET.md. Anything the translation
// cannot express exactly is an *Error positioned in the .litmus file.
package litmus

import (
	"fmt"
	"maps"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Error is a translation failure at a position of the .litmus file.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

func errAt(file string, t token, format string, args ...any) *Error {
	return &Error{File: file, Line: t.line, Col: t.col, Msg: fmt.Sprintf(format, args...)}
}

// asmLine is one cell of an assembly test's instruction table.
type asmLine struct {
	Text      string
	Line, Col int
}

// ArchOf returns the arch word a .litmus file starts with: "C", "AArch64",
// "X86", "X86_64", or "" for anything else.
func ArchOf(src []byte) string {
	s := strings.TrimLeft(string(src), " \t\r\n\ufeff")
	end := strings.IndexAny(s, " \t\r\n")
	if end < 0 {
		end = len(s)
	}
	switch w := s[:end]; w {
	case "C", "AArch64", "X86", "X86_64":
		return w
	}
	return ""
}

// unit is a litmus test being translated.
type unit struct {
	file, arch, name string
	src              []byte
	comments         []string

	inits     []*initItem
	shared    []string         // locations in order of appearance
	sharedPos map[string]token // where each was first seen
	locks     map[string]bool
	lockOrder []string

	nthreads int
	bodies   []string   // asm: translated bodies
	cthreads []*cthread // C

	locations []*lloc
	filter    *lcond
	quant     string
	lcond     *lcond
	condTok   token

	arrays map[string]int      // arrays of words: their lengths (arrays.go)
	narrow map[string]elemType // narrow locations and arrays, with their types (narrow.go)
	// the wider locations among them, accessed by byte or halfword (narrowed.go)
	narrowed map[string]bool
}

func (u *unit) errf(t token, format string, args ...any) *Error {
	return errAt(u.file, t, format, args...)
}

// addShared records a memory location.
func (u *unit) addShared(name string, t token) error {
	if u.locks[name] {
		return u.errf(t, "%s is a spinlock and cannot be used as a memory word", name)
	}
	if _, ok := u.sharedPos[name]; ok {
		return nil
	}
	if reservedGlobal(name) {
		return u.errf(t, "location name %s clashes with a builtin or keyword of the .mmu language", name)
	}
	if u.registerName(name) {
		// herd keeps a location X0 apart from the register 0:X0; the
		// translation's registers are variables of the same names
		return u.errf(t, "location name %s clashes with the register of that name (not supported)", name)
	}
	u.sharedPos[name] = t
	u.shared = append(u.shared, name)
	return nil
}

// registerName tells whether name is a register of the test's arch,
// which the translation names as the test does.
func (u *unit) registerName(name string) bool {
	switch u.arch {
	case "AArch64":
		r, ok := a64Reg(name)
		return ok && !r.zero
	case "X86", "X86_64":
		_, ok := x86Reg(name, u.arch == "X86_64")
		return ok
	}
	return false
}

func (u *unit) addLock(name string, t token) error {
	if _, ok := u.sharedPos[name]; ok {
		return u.errf(t, "%s is used both as a spinlock and as a memory word", name)
	}
	if reservedGlobal(name) {
		return u.errf(t, "lock name %s clashes with a builtin or keyword of the .mmu language", name)
	}
	if !u.locks[name] {
		u.locks[name] = true
		u.lockOrder = append(u.lockOrder, name)
	}
	return nil
}

// Translate returns the .mmu source for the litmus test src, read from file.
func Translate(file string, src []byte) (out string, err error) {
	defer func() {
		// a bug of the translator must not take an embedding host down
		if p := recover(); p != nil {
			out, err = "", fmt.Errorf("litmus.Translate: internal error: %v", p)
		}
	}()
	if err := needsVMSA(file, src); err != nil {
		return "", err
	}
	u := &unit{file: file, src: src, sharedPos: map[string]token{}, locks: map[string]bool{}}
	if err := u.translate(); err != nil {
		if e, ok := err.(*Error); ok {
			return "", e
		}
		return "", &Error{File: file, Line: 1, Col: 1, Msg: err.Error()}
	}
	return u.emit()
}

// vmsaMarks are what only herd's virtual-memory (VMSA) AArch64 tests use:
// page-table entries and physical addresses as litmus locations, TLB
// maintenance, translation faults, and handler threads.
var vmsaMarks = []string{"Variant=vmsa", "PTE(", "PA(", "TLBI", "fault(", "TTD", "P0.F", "P1.F", "P2.F",
	"TTHM=", "(oa:", "pte_", "phy_"}

// needsVMSA refuses a VMSA test with the position of its first VMSA form:
// they need the arm64 hardware walker under the Armv8 model, which mmuvm
// does not have yet.
func needsVMSA(file string, src []byte) *Error {
	if ArchOf(src) != "AArch64" {
		return nil
	}
	first, mark := -1, ""
	for _, m := range vmsaMarks {
		if i := strings.Index(string(src), m); i >= 0 && (first < 0 || i < first) {
			first, mark = i, m
		}
	}
	if first < 0 {
		return nil
	}
	line, col := posAt(src, first)
	return &Error{File: file, Line: line, Col: col, Msg: fmt.Sprintf("%s: a VMSA test needs the VMSA model (page tables under Armv8), which mmuvm does not have yet", strings.TrimSuffix(mark, "("))}
}

func (u *unit) translate() error {
	// Header line.
	s := string(u.src)
	lead := len(s) - len(strings.TrimLeft(s, " \t\r\n\ufeff"))
	u.arch = ArchOf(u.src)
	headTok := token{line: 1, col: 1}
	headTok.line, headTok.col = posAt(u.src, lead)
	if u.arch == "" {
		return u.errf(headTok, "not a C, AArch64, X86 or X86_64 litmus test")
	}
	eol := strings.IndexByte(s[lead:], '\n')
	if eol < 0 {
		return u.errf(headTok, "litmus test has no body")
	}
	eol += lead
	u.name = strings.TrimSpace(s[lead+len(u.arch) : eol])
	if u.name == "" {
		return u.errf(headTok, "litmus test has no name")
	}

	// Prelude: doc strings, comments and diy metadata up to the init block.
	lbrace := findInit(u.src, eol+1)
	if lbrace < 0 {
		return u.errf(headTok, "no initial state block { ... }")
	}
	for _, line := range strings.Split(s[eol+1:lbrace], "\n") {
		line = strings.TrimRight(line, " \t\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		u.comments = append(u.comments, line)
	}

	lx := newLexer(u.file, u.src)
	lx.seek(lbrace)
	p := newParser(lx)
	if err := u.parseInit(p); err != nil {
		return err
	}
	if u.arch == "C" {
		if err := u.parseCThreads(p); err != nil {
			return err
		}
	} else {
		end, threads, err := u.scanAsmTable(p.tok.off)
		if err != nil {
			return err
		}
		u.nthreads = len(threads)
		if u.arch == "AArch64" {
			if err := u.allocSymbolic(threads, string(u.src[end:])); err != nil {
				return err
			}
		}
		if u.arch == "AArch64" {
			if err := u.narrowedWords(threads); err != nil {
				err.File = u.file
				return err
			}
			if err := u.wordSizes(threads); err != nil {
				err.File = u.file
				return err
			}
		}
		ptrs, err := u.narrowPointers()
		if err != nil {
			return err
		}
		mem := asmMem{words: u.hasWordArrays(), narrow: u.narrow, threadPtrs: ptrs}
		bodies, err := translateAsm(u.arch, threads, mem)
		if err != nil {
			if e, ok := err.(*Error); ok && e.File == "" {
				e.File = u.file // the asm translator leaves the file to us
			} else if !ok {
				t := token{}
				t.line, t.col = posAt(u.src, p.tok.off)
				err = u.errf(t, "%v", err)
			}
			return err
		}
		if len(bodies) != len(threads) {
			return u.errf(p.tok, "internal error: %d bodies for %d threads", len(bodies), len(threads))
		}
		u.bodies = bodies
		lx.seek(end)
		p.advance()
	}
	if err := u.parseTrailer(p); err != nil {
		return err
	}
	if u.arch == "AArch64" || u.arch == "X86_64" {
		u.typedFinalView()
	}
	return u.resolve()
}

// findInit returns the offset of the `{` that opens the initial state,
// skipping (* *) comments and "..." strings, or -1.
func findInit(src []byte, from int) int {
	depth := 0
	for i := from; i < len(src); i++ {
		switch {
		case i+1 < len(src) && src[i] == '(' && src[i+1] == '*':
			depth++
			i++
		case depth > 0 && i+1 < len(src) && src[i] == '*' && src[i+1] == ')':
			depth--
			i++
		case depth > 0:
		case src[i] == '"':
			for i++; i < len(src) && src[i] != '"' && src[i] != '\n'; i++ {
			}
		case src[i] == '{':
			return i
		}
	}
	return -1
}

// initItem is one entry of the initial state.
type initItem struct {
	tok   token
	cpu   int    // -1: a memory location
	name  string // location or register (raw)
	types []string
	stars int
	// value: num (may start with '-') or ptr (a location's address)
	num string
	ptr string
	// an array of words: its length, and its elements' values (arrays.go)
	array int
	nums  []string
}

var typeWords = map[string]bool{
	"int": true, "long": true, "unsigned": true, "signed": true, "intptr_t": true, "uintptr_t": true,
	"uint64_t": true, "int64_t": true, "uint32_t": true, "int32_t": true, "u64": true, "u32": true,
	"s64": true, "s32": true, "volatile": true, "const": true, "atomic_t": true, "atomic_long_t": true,
	"spinlock_t": true, "struct": true, "srcu_struct": true, "bool": true, "_Bool": true, "void": true,
	"size_t": true,
}

// narrow types whose accesses would be mixed-size.
var narrowTypes = map[string]bool{
	"char": true, "short": true, "int8_t": true, "uint8_t": true, "int16_t": true, "uint16_t": true,
	"u8": true, "u16": true, "s8": true, "s16": true, "__int128": true, "int128_t": true, "uint128_t": true,
}

// parseTypeWords reads a possibly empty sequence of type words and stars.
// It stops at the last identifier before something that is not an
// identifier or '*' (the declared name).
func parseTypeWords(p *parser, file string) (types []string, stars int, err error) {
	for {
		if p.tok.kind == tIdent {
			nx := p.peek()
			known := typeWords[p.tok.text] || narrowTypes[p.tok.text]
			if nx.kind == tIdent || nx.kind == tNum || (nx.kind == tPunct && (nx.text == "*" || nx.text == "%" || (nx.text == "[" && known))) {
				if !typeWords[p.tok.text] && !narrowTypes[p.tok.text] && !(len(types) > 0 && types[len(types)-1] == "struct") {
					return nil, 0, p.errAt(p.tok, "unsupported type %s", p.tok.text)
				}
				types = append(types, p.tok.text)
				p.advance()
				continue
			}
			return types, stars, nil
		}
		if p.is("*") && (len(types) > 0 || stars > 0) {
			stars++
			p.advance()
			continue
		}
		return types, stars, nil
	}
}

// checkWidth refuses an object of a type narrower than a word: with deref
// levels of indirection (0: the object itself, 1: what a pointer to it
// points to).
func checkWidth(p *parser, t token, types []string, stars, deref int) error {
	if stars > deref {
		return nil
	}
	for _, w := range types {
		if narrowTypes[w] {
			return p.errAt(t, "type %s: mixed-size accesses are not supported", w)
		}
	}
	return nil
}

func hasType(types []string, w string) bool {
	for _, t := range types {
		if t == w {
			return true
		}
	}
	return false
}

// parseInit parses `{ ... }`.
func (u *unit) parseInit(p *parser) error {
	if _, err := p.expect("{"); err != nil {
		return err
	}
	for !p.is("}") {
		if p.tok.kind == tEOF {
			return p.errAt(p.tok, "unterminated initial state")
		}
		if p.accept(";") {
			continue
		}
		it := &initItem{tok: p.tok, cpu: -1}
		types, stars, err := parseTypeWords(p, u.file)
		if err != nil {
			return err
		}
		it.types, it.stars = types, stars
		if u.arch != "AArch64" { // whose narrow types are narrow.go's
			if err := checkWidth(p, it.tok, types, stars, 0); err != nil {
				return err
			}
		}
		// the location: N:reg, Pn:reg, x, [x]
		switch {
		case p.tok.kind == tNum:
			n, err := strconv.Atoi(p.tok.text)
			if err != nil {
				return p.errAt(p.tok, "bad thread number %s", p.tok.text)
			}
			p.advance()
			if _, err := p.expect(":"); err != nil {
				return err
			}
			r, err := p.ident()
			if err != nil {
				return err
			}
			it.cpu, it.name = n, r.text
		case p.is("%") && u.arch == "AArch64": // a symbolic register (symbolic.go)
			p.advance()
			t, err := p.ident()
			if err != nil {
				return err
			}
			it.name = "%" + t.text
		case p.is("["):
			p.advance()
			t, err := p.ident()
			if err != nil {
				return err
			}
			if _, err := p.expect("]"); err != nil {
				return err
			}
			it.name = t.text
		case p.tok.kind == tIdent:
			t := p.tok
			p.advance()
			if p.is("(") {
				return p.errAt(t, "unsupported initial state entry %s(...)", t.text)
			}
			it.name = t.text
		default:
			return p.errAt(p.tok, "unexpected %s in the initial state", describe(p.tok))
		}
		if p.is("[") {
			if it.cpu >= 0 {
				return p.errAt(p.tok, "arrays are not supported")
			}
			if err := u.parseArray(p, it); err != nil {
				return err
			}
		}
		if p.accept("=") {
			if err := u.parseInitValue(p, it); err != nil {
				return err
			}
		}
		u.typedScalar(it)
		if !p.is(";") && !p.is("}") {
			return p.errAt(p.tok, "expected \";\" in the initial state, found %s", describe(p.tok))
		}
		u.inits = append(u.inits, it)
	}
	p.advance()
	return nil
}

func (u *unit) parseInitValue(p *parser, it *initItem) error {
	start := p.tok
	neg := ""
	if p.accept("-") {
		neg = "-"
	}
	switch {
	case p.tok.kind == tNum:
		v, err := u.literal(p.tok.text, neg != "")
		if err != nil {
			return p.errAt(start, "%v", err)
		}
		it.num = v
		p.advance()
		return nil
	case neg != "":
		return p.errAt(p.tok, "expected a number after -")
	case p.is("&"):
		p.advance()
		t, err := p.ident()
		if err != nil {
			return err
		}
		it.ptr = t.text
		return nil
	case p.tok.kind == tIdent && (p.tok.text == "ATOMIC_INIT"):
		p.advance()
		if _, err := p.expect("("); err != nil {
			return err
		}
		if err := u.parseInitValue(p, it); err != nil {
			return err
		}
		_, err := p.expect(")")
		return err
	case p.tok.kind == tIdent && p.tok.text == "NULL":
		it.num = "0"
		p.advance()
		return nil
	case p.tok.kind == tIdent:
		t := p.tok
		p.advance()
		if p.is("(") || p.is("[") || p.is(":") {
			return p.errAt(t, "unsupported initial value %s", t.text)
		}
		it.ptr = t.text
		return nil
	case p.is("{") && it.array > 0:
		return u.parseArrayValues(p, it)
	case p.is("{"):
		return p.errAt(p.tok, "arrays are not supported")
	}
	return p.errAt(p.tok, "unsupported initial value %s", describe(p.tok))
}

// cNumber converts a C integer literal to a .mmu one.
func cNumber(s string) (string, error) {
	s = strings.TrimRight(s, "uUlL")
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return "0x" + strconv.FormatUint(v, 16), nil
	}
	return strconv.FormatUint(v, 10), nil
}

// scanAsmTable reads the instruction table of an asm test from offset off:
// the `P0 | P1 ;` header and the rows up to the final condition. It returns
// the offset after the table.
func (u *unit) scanAsmTable(off int) (int, [][]asmLine, error) {
	src := u.src
	var rows [][]asmLine
	for {
		// skip white space and (* *) comments
		for off < len(src) {
			if src[off] == ' ' || src[off] == '\t' || src[off] == '\n' || src[off] == '\r' {
				off++
				continue
			}
			if off+1 < len(src) && src[off] == '(' && src[off+1] == '*' {
				end := strings.Index(string(src[off:]), "*)")
				if end < 0 {
					break
				}
				off += end + 2
				continue
			}
			break
		}
		rest := string(src[off:])
		if off >= len(src) || trailerStart(rest) {
			break
		}
		semi := strings.IndexByte(rest, ';')
		if semi < 0 {
			t := token{}
			t.line, t.col = posAt(src, off)
			return 0, nil, u.errf(t, "instruction row without a terminating \";\"")
		}
		var row []asmLine
		cellStart := off
		for i := off; i <= off+semi; i++ {
			if i == off+semi || src[i] == '|' {
				text := string(src[cellStart:i])
				trim := strings.TrimSpace(text)
				lead := strings.Index(text, trim)
				if trim == "" {
					lead = 0
				}
				line, col := posAt(src, cellStart+lead)
				row = append(row, asmLine{Text: trim, Line: line, Col: col})
				cellStart = i + 1
			}
		}
		rows = append(rows, row)
		off += semi + 1
	}
	if len(rows) == 0 {
		t := token{}
		t.line, t.col = posAt(src, off)
		return 0, nil, u.errf(t, "no instruction table")
	}
	head := rows[0]
	for i, c := range head {
		if c.Text != "P"+strconv.Itoa(i) {
			return 0, nil, &Error{File: u.file, Line: c.Line, Col: c.Col, Msg: fmt.Sprintf("expected thread header P%d, found %q", i, c.Text)}
		}
	}
	threads := make([][]asmLine, len(head))
	for _, row := range rows[1:] {
		if len(row) > len(head) {
			c := row[len(head)]
			return 0, nil, &Error{File: u.file, Line: c.Line, Col: c.Col, Msg: fmt.Sprintf("row has %d cells for %d threads", len(row), len(head))}
		}
		for i, c := range row {
			if c.Text != "" {
				threads[i] = append(threads[i], c)
			}
		}
	}
	return off, threads, nil
}

var trailerRe = regexp.MustCompile(`^(~\s*exists|exists|forall|locations|filter)\b`)

func trailerStart(s string) bool { return trailerRe.MatchString(s) }

// Conditions.

// lloc is a location of a condition: a register N:r (cpu >= 0) or a memory
// location.
type lloc struct {
	tok  token
	cpu  int
	name string
}

// lval is the right-hand side of a comparison.
type lval struct {
	tok  token
	num  string
	addr string // a location's address
	reg  *lloc  // another location (register or memory)
}

type lcond struct {
	op   string // "or", "and", "not", "true", "false", "cmp"
	kids []*lcond
	lhs  *lloc
	rel  string
	rhs  lval
}

func (u *unit) parseTrailer(p *parser) error {
	for {
		switch {
		case p.is("locations"):
			p.advance()
			if _, err := p.expect("["); err != nil {
				return err
			}
			for !p.is("]") {
				if p.accept(";") {
					continue
				}
				l, err := u.parseLoc(p)
				if err != nil {
					return err
				}
				u.locations = append(u.locations, l)
			}
			p.advance()
		case p.is("filter"):
			p.advance()
			c, err := u.parseCond(p)
			if err != nil {
				return err
			}
			u.filter = c
		case p.is("exists") || p.is("forall") || p.is("~"):
			u.condTok = p.tok
			q := p.tok.text
			p.advance()
			if q == "~" {
				if _, err := p.expect("exists"); err != nil {
					return err
				}
				q = "~exists"
			}
			c, err := u.parseCond(p)
			if err != nil {
				return err
			}
			u.quant, u.lcond = q, c
			p.accept(";") // herd takes a condition ended by a semicolon
			if p.tok.kind != tEOF {
				return p.errAt(p.tok, "unexpected %s after the final condition", describe(p.tok))
			}
			return nil
		case p.tok.kind == tEOF:
			// herd's default
			u.quant, u.lcond = "forall", &lcond{op: "true"}
			return nil
		default:
			return p.errAt(p.tok, "unexpected %s (expected a final condition)", describe(p.tok))
		}
	}
}

func (u *unit) parseLoc(p *parser) (*lloc, error) {
	t := p.tok
	switch {
	case t.kind == tNum:
		n, err := strconv.Atoi(t.text)
		if err != nil {
			return nil, p.errAt(t, "bad thread number %s", t.text)
		}
		p.advance()
		if _, err := p.expect(":"); err != nil {
			return nil, err
		}
		r, err := p.ident()
		if err != nil {
			return nil, err
		}
		return &lloc{tok: t, cpu: n, name: r.text}, nil
	case p.is("["):
		p.advance()
		id, err := p.ident()
		if err != nil {
			return nil, err
		}
		if _, err := p.expect("]"); err != nil {
			return nil, err
		}
		return &lloc{tok: t, cpu: -1, name: id.text}, nil
	case t.kind == tIdent:
		p.advance()
		if p.is("[") {
			return u.parseElement(p, t)
		}
		if p.is("(") || p.is(".") || p.is("->") {
			return nil, p.errAt(t, "unsupported location %s", t.text)
		}
		return &lloc{tok: t, cpu: -1, name: t.text}, nil
	}
	return nil, p.errAt(t, "expected a location, found %s", describe(t))
}

// parseCond parses a condition: herd's `=>` binds loosest, and to the
// right (stateParser.mly: %right IMPLIES), and p => q is ~p \/ q.
func (u *unit) parseCond(p *parser) (*lcond, error) {
	l, err := u.parseCondLevel(p, "\\/", "or", u.parseConj)
	if err != nil || !p.is("=>") {
		return l, err
	}
	p.advance()
	r, err := u.parseCond(p)
	if err != nil {
		return nil, err
	}
	return &lcond{op: "or", kids: []*lcond{{op: "not", kids: []*lcond{l}}, r}}, nil
}

func (u *unit) parseConj(p *parser) (*lcond, error) {
	return u.parseCondLevel(p, "/\\", "and", u.parseUnaryCond)
}

// parseCondLevel parses operands of the next level joined by the
// left-associative operator tok, which builds an op node.
func (u *unit) parseCondLevel(p *parser, tok, op string, next func(*parser) (*lcond, error)) (*lcond, error) {
	l, err := next(p)
	if err != nil {
		return nil, err
	}
	for p.is(tok) {
		p.advance()
		r, err := next(p)
		if err != nil {
			return nil, err
		}
		l = &lcond{op: op, kids: []*lcond{l, r}}
	}
	return l, nil
}

func (u *unit) parseUnaryCond(p *parser) (*lcond, error) {
	switch {
	case p.is("~") || p.is("not"):
		p.advance()
		c, err := u.parseUnaryCond(p)
		if err != nil {
			return nil, err
		}
		return &lcond{op: "not", kids: []*lcond{c}}, nil
	case p.is("("):
		p.advance()
		c, err := u.parseCond(p)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return c, nil
	case p.is("true"):
		p.advance()
		return &lcond{op: "true"}, nil
	case p.is("false"):
		p.advance()
		return &lcond{op: "false"}, nil
	}
	l, err := u.parseLoc(p)
	if err != nil {
		return nil, err
	}
	rel := p.tok.text
	switch {
	case p.is("=") || p.is("=="):
		rel = "=="
	case p.is("!="):
	case p.is("<") && p.peek().text == ">":
		p.advance() // herd's <> is != (L019's exists 0:X4<>0)
		rel = "!="
	default:
		return nil, p.errAt(p.tok, "expected =, != or <> after a location, found %s", describe(p.tok))
	}
	p.advance()
	if p.is("{") {
		return u.arrayCond(p, l, rel)
	}
	v := lval{tok: p.tok}
	neg := ""
	if p.accept("-") {
		neg = "-"
	}
	switch {
	case p.tok.kind == tNum && p.peek().text != ":":
		n, err := u.literal(p.tok.text, neg != "")
		if err != nil {
			return nil, p.errAt(v.tok, "%v", err)
		}
		v.num = n
		p.advance()
	case neg != "":
		return nil, p.errAt(p.tok, "expected a number after -")
	case p.tok.kind == tNum:
		r, err := u.parseLoc(p)
		if err != nil {
			return nil, err
		}
		v.reg = r
	case p.is("&"):
		p.advance()
		id, err := p.ident()
		if err != nil {
			return nil, err
		}
		v.addr = id.text
	case p.is("["):
		r, err := u.parseLoc(p)
		if err != nil {
			return nil, err
		}
		v.reg = r
	case p.tok.kind == tIdent:
		t := p.tok
		p.advance()
		if p.is("[") || p.is("(") {
			return nil, p.errAt(t, "unsupported value %s", t.text)
		}
		v.addr = t.text
	default:
		return nil, p.errAt(p.tok, "expected a value, found %s", describe(p.tok))
	}
	return &lcond{op: "cmp", lhs: l, rel: rel, rhs: v}, nil
}

// walkCond calls fn on every comparison of c.
func walkCond(c *lcond, fn func(*lcond)) {
	if c == nil {
		return
	}
	if c.op == "cmp" {
		fn(c)
	}
	for _, k := range c.kids {
		walkCond(k, fn)
	}
}

// resolve checks names and collects every location.
func (u *unit) resolve() error {
	// Locks first (C parameters), so that the init can be checked.
	for _, th := range u.cthreads {
		for _, pr := range th.params {
			if pr.lock {
				if err := u.addLock(pr.name, pr.tok); err != nil {
					return err
				}
			}
		}
	}
	if err := u.declareArrays(); err != nil {
		return err
	}
	for _, it := range u.inits {
		if it.array > 0 {
			continue
		}
		it.ptr = u.addrOf(it.ptr)
		if hasType(it.types, "spinlock_t") {
			if it.cpu >= 0 || it.ptr != "" || (it.num != "" && it.num != "0") {
				return u.errf(it.tok, "unsupported initial value for a spinlock")
			}
			if err := u.addLock(it.name, it.tok); err != nil {
				return err
			}
			continue
		}
		if it.cpu >= 0 {
			if it.cpu >= u.nthreads {
				return u.errf(it.tok, "thread %d does not exist", it.cpu)
			}
		} else if err := u.addShared(it.name, it.tok); err != nil {
			return err
		}
		if it.ptr != "" {
			if err := u.addShared(it.ptr, it.tok); err != nil {
				return err
			}
		}
	}
	for _, th := range u.cthreads {
		for _, pr := range th.params {
			if !pr.lock {
				if err := u.addShared(pr.name, pr.tok); err != nil {
					return err
				}
			}
		}
	}
	var err error
	checkLoc := func(l *lloc) {
		if err != nil || l == nil {
			return
		}
		if l.cpu >= 0 {
			if l.cpu >= u.nthreads {
				err = u.errf(l.tok, "thread %d does not exist", l.cpu)
			}
			return
		}
		if _, ok := u.arrays[l.name]; ok {
			err = u.errf(l.tok, "%s is an array: name an element, %s[i], or compare it with {…}", l.name, l.name) // in a condition
			return
		}
		if e := u.addShared(l.name, l.tok); e != nil {
			err = e
		}
	}
	visit := func(c *lcond) {
		checkLoc(c.lhs)
		checkLoc(c.rhs.reg)
		if c.rhs.addr != "" && err == nil {
			c.rhs.addr = u.addrOf(c.rhs.addr)
			if e := u.addShared(c.rhs.addr, c.rhs.tok); e != nil {
				err = e
			}
		}
	}
	u.locations = u.arrayElements(u.locations)
	for _, l := range u.locations {
		checkLoc(l)
	}
	walkCond(u.filter, visit)
	walkCond(u.lcond, visit)
	if err != nil {
		return err
	}
	if u.arch == "C" {
		addReg := func(l *lloc) {
			if l != nil && l.cpu >= 0 {
				u.cthreads[l.cpu].addLocal(l.name)
			}
		}
		for _, it := range u.inits {
			if it.cpu >= 0 {
				u.cthreads[it.cpu].addLocal(it.name)
			}
		}
		for _, l := range u.locations {
			addReg(l)
		}
		regs := func(c *lcond) { addReg(c.lhs); addReg(c.rhs.reg) }
		walkCond(u.filter, regs)
		walkCond(u.lcond, regs)
		for _, th := range u.cthreads {
			th.finishNames(u)
		}
	} else {
		for i, b := range u.bodies {
			for _, name := range asmBodyLocations(u.arch, b) {
				if err := u.addShared(name, token{line: 1, col: 1}); err != nil {
					e := err.(*Error)
					e.Msg = fmt.Sprintf("thread %d: %s", i, e.Msg)
					return e
				}
			}
		}
	}
	return nil
}

var identRe = regexp.MustCompile(`&?[A-Za-z_][A-Za-z0-9_]*(\s*\()?`)
var assignRe = regexp.MustCompile(`(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=[^=]`)

// asmBodyLocations lists the memory locations a translated asm body names:
// identifiers that are not calls, registers, locals, numbers or keywords.
func asmBodyLocations(arch, body string) []string {
	locals := map[string]bool{}
	for _, m := range assignRe.FindAllStringSubmatch(body, -1) {
		locals[m[1]] = true
	}
	var out []string
	seen := map[string]bool{}
	clean := stripMMUComments(body)
	for _, idx := range identRe.FindAllStringIndex(clean, -1) {
		m := clean[idx[0]:idx[1]]
		if idx[0] > 0 {
			prev := clean[idx[0]-1]
			if isIdentChar(prev) || prev == '"' || prev == ':' {
				continue
			}
		}
		if strings.HasSuffix(m, "(") {
			continue
		}
		name := strings.TrimPrefix(m, "&")
		if locals[name] || mmuKeywords[name] || seen[name] {
			continue
		}
		if _, ok := canonAsmReg(arch, name); ok {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

func stripMMUComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		// drop string literals
		for {
			i := strings.IndexByte(line, '"')
			if i < 0 {
				break
			}
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				line = line[:i]
				break
			}
			line = line[:i] + line[i+j+2:]
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

var mmuKeywords = map[string]bool{
	"if": true, "else": true, "while": true, "for": true, "in": true, "break": true, "continue": true,
	"return": true, "assert": true, "await": true, "lazy": true, "irqoff": true, "atomic": true,
	"true": true, "false": true,
	// item words: harmless as locals but confusing as globals
	"test": true, "arch": true, "import": true, "const": true, "shared": true, "task": true,
	"static_key": true, "table": true, "mm": true, "spinlock": true, "rwsem": true, "init": true,
	"proc": true, "cpu": true, "irq": true, "final": true, "expect": true, "model": true,
	"locations": true, "filter": true, "init_mm": true,
}

// Results.

var resultRe = regexp.MustCompile(`Result:[ \t]*([^\n]*)`)

// result returns herd's Result: comment, cleaned, or "".
func (u *unit) result() string {
	m := resultRe.FindSubmatch(u.src)
	if m == nil {
		return ""
	}
	r := string(m[1])
	r = strings.TrimSuffix(strings.TrimSpace(r), "*)")
	r = strings.TrimSuffix(strings.TrimSpace(r), "*/")
	return strings.TrimSpace(r)
}

func (u *unit) expectLine(res string) string {
	f := strings.Fields(res)
	if len(f) != 1 {
		return ""
	}
	switch f[0] {
	case "DEADLOCK":
		return "expect fail deadlock"
	case "Never", "Sometimes", "Always":
	default:
		return ""
	}
	ok := false
	switch u.quant {
	case "exists":
		ok = f[0] != "Never"
	case "~exists":
		ok = f[0] == "Never"
	case "forall":
		ok = f[0] == "Always"
	}
	if ok {
		return "expect ok"
	}
	return "expect fail condition"
}

// Emission.

// regRef returns the .mmu name of register name of thread cpu, noting that
// the condition needs it.
func (u *unit) regRef(cpu int, name string, t token) (string, error) {
	if u.arch == "C" {
		th := u.cthreads[cpu]
		return th.condReg(name), nil
	}
	r, ok := canonAsmReg(u.arch, name)
	if !ok {
		return "", u.errf(t, "%s is not a register of %s", name, u.arch)
	}
	return r, nil
}

func (u *unit) locText(l *lloc) (string, error) {
	if l.cpu >= 0 {
		r, err := u.regRef(l.cpu, l.name, l.tok)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d:%s", l.cpu, r), nil
	}
	return l.name, nil
}

// condText renders a condition; prec is the binding strength of the
// context (0: top, 1: inside ||, 2: inside &&, 3: operand of !).
func (u *unit) condText(c *lcond, prec int) (string, error) {
	switch c.op {
	case "true", "false":
		return c.op, nil
	case "not":
		s, err := u.condText(c.kids[0], 3)
		if err != nil {
			return "", err
		}
		return "!" + s, nil
	case "or", "and":
		op, my := " || ", 1
		if c.op == "and" {
			op, my = " && ", 2
		}
		a, err := u.condText(c.kids[0], my)
		if err != nil {
			return "", err
		}
		b, err := u.condText(c.kids[1], my)
		if err != nil {
			return "", err
		}
		s := a + op + b
		if prec > my {
			s = "(" + s + ")"
		}
		return s, nil
	}
	l, err := u.locText(c.lhs)
	if err != nil {
		return "", err
	}
	var r string
	switch {
	case c.rhs.num != "":
		r = c.rhs.num
	case c.rhs.addr != "":
		r = "&" + c.rhs.addr
	default:
		if r, err = u.locText(c.rhs.reg); err != nil {
			return "", err
		}
	}
	s := l + " " + c.rel + " " + r
	if prec >= 3 {
		s = "(" + s + ")"
	}
	return s, nil
}

func (u *unit) modelLine() string {
	switch u.arch {
	case "C":
		return "model lkmm"
	case "AArch64":
		return "model armv8"
	}
	return "model tso"
}

func (u *unit) emit() (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "// Translated from herd litmus test %s (%s)\n", u.name, u.arch)
	for _, c := range u.comments {
		fmt.Fprintf(&b, "// %s\n", c)
	}
	fmt.Fprintf(&b, "test %s\n", strconv.Quote(u.name))
	fmt.Fprintf(&b, "%s\n", u.modelLine())
	if u.arch == "X86" || u.arch == "X86_64" {
		b.WriteString("arch x86pae\n")
	}
	// initial values
	vals := map[string]string{}
	ptrs := map[string]string{}
	var ptrOrder []string
	regInits := make([][]string, u.nthreads)
	for _, it := range u.inits {
		if u.locks[it.name] && it.cpu < 0 {
			continue
		}
		if it.cpu >= 0 {
			r, err := u.regRef(it.cpu, it.name, it.tok)
			if err != nil {
				return "", err
			}
			v := it.num
			if it.ptr != "" {
				v = "&" + it.ptr
			}
			if v == "" {
				continue // a declaration: registers start at 0
			}
			regInits[it.cpu] = append(regInits[it.cpu], fmt.Sprintf("%s = %s", r, v))
			continue
		}
		if it.array > 0 {
			for i, v := range it.nums {
				vals[elemName(it.name, i)] = v
			}
			continue
		}
		if it.ptr != "" {
			if _, ok := ptrs[it.name]; !ok {
				ptrOrder = append(ptrOrder, it.name)
			}
			ptrs[it.name] = it.ptr
			delete(vals, it.name)
		} else if it.num != "" {
			vals[it.name] = it.num
			delete(ptrs, it.name)
		}
	}
	if len(u.shared) > 0 {
		parts := make([]string, len(u.shared))
		views := u.sharedViews()
		for i, s := range u.shared {
			parts[i] = s + views[s]
			if v, ok := vals[s]; ok && v != "0" {
				parts[i] += " = " + v
			}
		}
		fmt.Fprintf(&b, "shared %s\n", strings.Join(parts, ", "))
	}
	if len(u.lockOrder) > 0 {
		fmt.Fprintf(&b, "spinlock %s\n", strings.Join(u.lockOrder, ", "))
	}
	var initStmts []string
	for _, n := range ptrOrder {
		if t, ok := ptrs[n]; ok {
			initStmts = append(initStmts, fmt.Sprintf("%s = &%s", n, t))
		}
	}
	if len(initStmts) > 0 {
		fmt.Fprintf(&b, "init {\n  %s\n}\n", strings.Join(initStmts, "\n  "))
	}
	// registers the condition names, for zero-initialisation
	condRegs := make([]map[string]bool, u.nthreads)
	var cerr error
	noteLoc := func(l *lloc) {
		if l == nil || l.cpu < 0 || cerr != nil {
			return
		}
		r, err := u.regRef(l.cpu, l.name, l.tok)
		if err != nil {
			cerr = err
			return
		}
		if condRegs[l.cpu] == nil {
			condRegs[l.cpu] = map[string]bool{}
		}
		condRegs[l.cpu][r] = true
	}
	for _, l := range u.locations {
		noteLoc(l)
	}
	walkCond(u.filter, func(c *lcond) { noteLoc(c.lhs); noteLoc(c.rhs.reg) })
	walkCond(u.lcond, func(c *lcond) { noteLoc(c.lhs); noteLoc(c.rhs.reg) })
	if cerr != nil {
		return "", cerr
	}
	for i := 0; i < u.nthreads; i++ {
		var body string
		if u.arch == "C" {
			var err error
			if body, err = u.cthreads[i].emit(u); err != nil {
				return "", err
			}
		} else {
			body = u.bodies[i]
		}
		var pre []string
		assigned := map[string]bool{}
		for _, m := range assignRe.FindAllStringSubmatch(body, -1) {
			assigned[m[1]] = true
		}
		for _, s := range regInits[i] {
			pre = append(pre, s)
			assigned[strings.Fields(s)[0]] = true
		}
		// registers start at 0, as in herd: those the condition names and,
		// in C, the locals the thread declares, if nothing assigns them
		// (.mmu knows a name only once something assigns it)
		regs := condRegs[i]
		if u.arch == "C" {
			regs = maps.Clone(regs)
			if regs == nil {
				regs = map[string]bool{}
			}
			for _, l := range u.cthreads[i].locals {
				regs[u.cthreads[i].names[l]] = true
			}
		}
		var zero []string
		for r := range regs {
			if !assigned[r] {
				zero = append(zero, r+" = 0")
			}
		}
		sort.Strings(zero)
		pre = append(pre, zero...)
		fmt.Fprintf(&b, "\ncpu %d {\n", i)
		for _, s := range pre {
			fmt.Fprintf(&b, "  %s\n", s)
		}
		for _, line := range strings.Split(strings.TrimRight(body, "\n"), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			fmt.Fprintf(&b, "  %s\n", line)
		}
		b.WriteString("}\n")
	}
	b.WriteString("\n")
	if len(u.locations) > 0 {
		parts := make([]string, len(u.locations))
		for i, l := range u.locations {
			s, err := u.locText(l)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		fmt.Fprintf(&b, "locations %s\n", strings.Join(parts, ", "))
	}
	if u.filter != nil {
		s, err := u.condText(u.filter, 0)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "filter (%s)\n", s)
	}
	s, err := u.condText(u.lcond, 0)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(&b, "final %s (%s)\n", u.quant, s)
	res := u.result()
	if e := u.expectLine(res); e != "" {
		fmt.Fprintf(&b, "%s\n", e)
	} else if res != "" {
		fmt.Fprintf(&b, "// herd Result: %s\n", res)
	}
	return u.noteInt32(b.String()), nil
}

// noteInt32 explains, above the test line of a C translation that cuts a
// result back to an int (int32Expr), what the cut is.
func (u *unit) noteInt32(out string) string {
	if u.arch != "C" || !strings.Contains(out, int32Cut) {
		return out
	}
	test := "test " + strconv.Quote(u.name) + "\n"
	note := "// C values are 32-bit ints, as herd's: (v & 0xffffffff ^ 0x80000000) - 0x80000000\n// cuts a result v back to one\n"
	return strings.Replace(out, test, note+test, 1)
}
