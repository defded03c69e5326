package litmus

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

// The C (LKMM) front end.

// Argument kinds of the LKMM macros:
//
//	L an lvalue written `*p` (READ_ONCE(*x)): translated to the pointer p
//	P a pointer (smp_load_acquire(x))
//	K a spinlock pointer
//	V a value
var lkmmMacros = map[string]string{
	"READ_ONCE": "L", "WRITE_ONCE": "LV",
	"smp_store_release": "PV", "smp_load_acquire": "P",
	"rcu_assign_pointer": "LV", "rcu_dereference": "L", "smp_store_mb": "LV",
	"smp_mb": "", "smp_rmb": "", "smp_wmb": "", "smp_mb__before_atomic": "", "smp_mb__after_atomic": "",
	"smp_mb__after_spinlock": "", "smp_mb__after_unlock_lock": "", "smp_mb__after_srcu_read_unlock": "",
	"barrier":   "",
	"spin_lock": "K", "spin_unlock": "K", "spin_trylock": "K", "spin_is_locked": "K",
	"rcu_read_lock": "", "rcu_read_unlock": "", "synchronize_rcu": "", "synchronize_rcu_expedited": "",
	"srcu_read_lock": "P", "srcu_read_unlock": "PV", "srcu_down_read": "P", "srcu_up_read": "PV",
	"synchronize_srcu": "P", "synchronize_srcu_expedited": "P",
	"atomic_read": "P", "atomic_set": "PV", "atomic_read_acquire": "P", "atomic_set_release": "PV",
	"atomic_add": "VP", "atomic_sub": "VP", "atomic_and": "VP", "atomic_or": "VP", "atomic_xor": "VP",
	"atomic_inc": "P", "atomic_dec": "P", "atomic_andnot": "VP",
	"atomic_sub_and_test": "VP", "atomic_dec_and_test": "P", "atomic_inc_and_test": "P",
	"atomic_add_unless": "PVV",
}

func init() {
	for _, order := range []string{"", "_relaxed", "_acquire", "_release"} {
		lkmmMacros["xchg"+order] = "PV"
		lkmmMacros["cmpxchg"+order] = "PVV"
		lkmmMacros["atomic_xchg"+order] = "PV"
		lkmmMacros["atomic_cmpxchg"+order] = "PVV"
		lkmmMacros["atomic_add_negative"+order] = "VP"
		for _, op := range []string{"add", "sub"} {
			lkmmMacros["atomic_"+op+"_return"+order] = "VP"
		}
		for _, op := range []string{"inc", "dec"} {
			lkmmMacros["atomic_"+op+"_return"+order] = "P"
			lkmmMacros["atomic_fetch_"+op+order] = "P"
		}
		for _, op := range []string{"add", "sub", "and", "or", "xor", "andnot"} {
			lkmmMacros["atomic_fetch_"+op+order] = "VP"
		}
	}
}

// Builtins of the asm translations (see TARGET.md), reserved as names too.
var asmBuiltins = []string{
	"ldapr", "ldxr", "ldaxr", "stxr", "stlxr", "swp", "swpa", "swpl", "swpal", "cas", "casa", "casl", "casal",
	"ldadd", "ldclr", "ldeor", "ldset", "stadd", "stclr", "steor", "stset", "staddl", "stclrl", "steorl", "stsetl",
	"dmb_ish", "dmb_ishld", "dmb_ishst", "dsb_ish", "dsb_ishld", "dsb_ishst", "isb", "csel", "mfence",
	"x86_locked_add", "x86_locked_cmpxchg", "plain_read", "plain_write",
}

func init() {
	for _, b := range []string{"ldadd", "ldclr", "ldeor", "ldset"} {
		asmBuiltins = append(asmBuiltins, b+"a", b+"l", b+"al")
	}
}

// reservedGlobal tells whether name may not be used for a global or local.
func reservedGlobal(name string) bool {
	if mmuKeywords[name] {
		return true
	}
	if _, ok := lkmmMacros[name]; ok {
		return true
	}
	for _, b := range asmBuiltins {
		if b == name {
			return true
		}
	}
	return mmu.Builtins().Lookup(name) != nil
}

type cparam struct {
	tok   token
	name  string
	lock  bool
	stars int
}

type cthread struct {
	num     int
	tok     token
	params  []*cparam
	byName  map[string]*cparam
	body    []*cstmt
	locals  []string
	isLocal map[string]bool
	ptrVar  map[string]bool   // locals declared with a pointer type
	names   map[string]string // renamed locals
}

type cstmt struct {
	kind      string // "assign", "expr", "if", "while", "block", "return", "break", "continue", "nop"
	tok       token
	lhs, rhs  *cexpr
	op        string // compound assignment operator ("" for =)
	cond      *cexpr
	then, els []*cstmt
	expr      *cexpr
	hasElse   bool
}

type cexpr struct {
	kind string // "num", "ident", "call", "unary", "binary", "cast", "ternary", "assign", "index", "postfix", "member", "comma"
	op   string
	text string
	tok  token
	args []*cexpr
	cast []string
}

var threadNameRe = regexp.MustCompile(`^P([0-9]+)$`)

// parseCThreads parses the thread functions `Pn(params) { body }`.
func (u *unit) parseCThreads(p *parser) error {
	for p.tok.kind == tIdent && threadNameRe.MatchString(p.tok.text) {
		n, _ := strconv.Atoi(threadNameRe.FindStringSubmatch(p.tok.text)[1])
		if n != len(u.cthreads) {
			return p.errAt(p.tok, "expected thread P%d, found %s", len(u.cthreads), p.tok.text)
		}
		th := &cthread{num: n, tok: p.tok, byName: map[string]*cparam{}, isLocal: map[string]bool{}, ptrVar: map[string]bool{}}
		p.advance()
		if _, err := p.expect("("); err != nil {
			return err
		}
		for !p.is(")") {
			if len(th.params) > 0 {
				if _, err := p.expect(","); err != nil {
					return err
				}
			}
			start := p.tok
			if p.is("void") && p.peek().text == ")" {
				p.advance()
				continue
			}
			types, stars, err := parseTypeWords(p, u.file)
			if err != nil {
				return err
			}
			name, err := p.ident()
			if err != nil {
				return err
			}
			if p.is("[") {
				return p.errAt(p.tok, "arrays are not supported")
			}
			if stars == 0 {
				return p.errAt(start, "parameter %s is not a pointer", name.text)
			}
			if err := checkWidth(p, start, types, stars, 1); err != nil {
				return err
			}
			if _, dup := th.byName[name.text]; dup {
				return p.errAt(name, "duplicate parameter %s", name.text)
			}
			cp := &cparam{tok: name, name: name.text, stars: stars, lock: hasType(types, "spinlock_t")}
			if hasType(types, "spinlock_t") && stars != 1 {
				return p.errAt(start, "unsupported spinlock parameter type")
			}
			th.params = append(th.params, cp)
			th.byName[cp.name] = cp
		}
		p.advance()
		if !p.is("{") {
			return p.errAt(p.tok, "expected \"{\", found %s", describe(p.tok))
		}
		p.lx.herdComments = false
		p.advance()
		body, err := u.parseCBlockRest(p, th)
		if err != nil {
			return err
		}
		th.body = body
		p.lx.herdComments = true
		p.reset()
		u.cthreads = append(u.cthreads, th)
	}
	if len(u.cthreads) == 0 {
		return p.errAt(p.tok, "expected a thread P0(...) { ... }, found %s", describe(p.tok))
	}
	u.nthreads = len(u.cthreads)
	// Parameters used as spinlocks are spinlocks.
	for _, th := range u.cthreads {
		walkStmts(th.body, func(e *cexpr) {
			if e.kind != "call" || e.args[0].kind != "ident" {
				return
			}
			kinds, ok := lkmmMacros[e.args[0].text]
			if !ok {
				return
			}
			for i, k := range kinds {
				if k == 'K' && i+1 < len(e.args) {
					a := stripCasts(e.args[i+1])
					if a.kind == "ident" {
						if pr := th.byName[a.text]; pr != nil {
							pr.lock = true
						}
					}
				}
			}
		})
	}
	return nil
}

func walkStmts(ss []*cstmt, fn func(*cexpr)) {
	for _, s := range ss {
		for _, e := range []*cexpr{s.lhs, s.rhs, s.cond, s.expr} {
			walkExpr(e, fn)
		}
		walkStmts(s.then, fn)
		walkStmts(s.els, fn)
	}
}

func walkExpr(e *cexpr, fn func(*cexpr)) {
	if e == nil {
		return
	}
	fn(e)
	for _, a := range e.args {
		walkExpr(a, fn)
	}
}

// parseCBlockRest parses statements up to and including the closing brace.
func (u *unit) parseCBlockRest(p *parser, th *cthread) ([]*cstmt, error) {
	var out []*cstmt
	for !p.is("}") {
		if p.tok.kind == tEOF {
			return nil, p.errAt(p.tok, "unterminated block")
		}
		ss, err := u.parseCStmt(p, th)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	p.advance()
	return out, nil
}

func (th *cthread) addLocal(name string) {
	if !th.isLocal[name] {
		th.isLocal[name] = true
		th.locals = append(th.locals, name)
	}
}

// isDeclStart tells whether the current token starts a declaration.
func isDeclStart(p *parser) bool {
	if p.tok.kind != tIdent {
		return false
	}
	if narrowTypes[p.tok.text] {
		return true
	}
	if !typeWords[p.tok.text] {
		return false
	}
	nx := p.peek()
	return nx.kind == tIdent || nx.text == "*"
}

func (u *unit) parseCStmt(p *parser, th *cthread) ([]*cstmt, error) {
	t := p.tok
	switch {
	case p.is(";"):
		p.advance()
		return nil, nil
	case p.is("{"):
		p.advance()
		body, err := u.parseCBlockRest(p, th)
		if err != nil {
			return nil, err
		}
		return []*cstmt{{kind: "block", tok: t, then: body}}, nil
	case p.is("if"):
		p.advance()
		s, err := u.parseCondStmt(p, th, "if", t)
		if err != nil {
			return nil, err
		}
		if p.accept("else") {
			s.hasElse = true
			if s.els, err = u.parseCStmt(p, th); err != nil {
				return nil, err
			}
		}
		return []*cstmt{s}, nil
	case p.is("while"):
		p.advance()
		s, err := u.parseCondStmt(p, th, "while", t)
		if err != nil {
			return nil, err
		}
		return []*cstmt{s}, nil
	case p.is("break") || p.is("continue"):
		p.advance()
		if _, err := p.expect(";"); err != nil {
			return nil, err
		}
		return []*cstmt{{kind: t.text, tok: t}}, nil
	case p.is("return"):
		p.advance()
		s := &cstmt{kind: "return", tok: t}
		if !p.is(";") {
			e, err := u.parseCExpr(p, th)
			if err != nil {
				return nil, err
			}
			s.expr = e
		}
		if _, err := p.expect(";"); err != nil {
			return nil, err
		}
		return []*cstmt{s}, nil
	case p.is("for") || p.is("do") || p.is("switch") || p.is("goto") || p.is("case") || p.is("default"):
		return nil, p.errAt(t, "unsupported statement %s", t.text)
	case isDeclStart(p):
		types, stars0, err := parseTypeWords(p, u.file)
		if err != nil {
			return nil, err
		}
		if err := checkWidth(p, t, types, stars0, 0); err != nil {
			return nil, err
		}
		if hasType(types, "spinlock_t") || hasType(types, "atomic_t") || hasType(types, "struct") {
			return nil, p.errAt(t, "local variables of type %s are not supported", strings.Join(types, " "))
		}
		var out []*cstmt
		for first := true; ; first = false {
			stars := 0
			if first {
				stars = stars0
			}
			for p.accept("*") {
				stars++
			}
			name, err := p.ident()
			if err != nil {
				return nil, err
			}
			if p.is("[") {
				return nil, p.errAt(p.tok, "arrays are not supported")
			}
			if th.byName[name.text] != nil {
				return nil, p.errAt(name, "local %s shadows a parameter", name.text)
			}
			th.addLocal(name.text)
			if stars > 0 {
				th.ptrVar[name.text] = true
			}
			if p.accept("=") {
				e, err := u.parseAssignExpr(p, th)
				if err != nil {
					return nil, err
				}
				out = append(out, &cstmt{kind: "assign", tok: name, lhs: &cexpr{kind: "ident", text: name.text, tok: name}, rhs: e})
			}
			if p.accept(",") {
				continue
			}
			if _, err := p.expect(";"); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	e, err := u.parseCExpr(p, th)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(";"); err != nil {
		return nil, err
	}
	switch e.kind {
	case "assign":
		return []*cstmt{{kind: "assign", tok: e.tok, lhs: e.args[0], rhs: e.args[1], op: strings.TrimSuffix(e.op, "=")}}, nil
	case "postfix", "prefix":
		one := &cexpr{kind: "num", text: "1", tok: e.tok}
		return []*cstmt{{kind: "assign", tok: e.tok, lhs: e.args[0], rhs: one, op: e.op[:1]}}, nil
	}
	return []*cstmt{{kind: "expr", tok: t, expr: e}}, nil
}

// parseCondStmt parses "(cond) stmt", the part an if and a while share;
// tok is the keyword, already read.
func (u *unit) parseCondStmt(p *parser, th *cthread, kind string, tok token) (*cstmt, error) {
	c, err := u.parseParenExpr(p, th)
	if err != nil {
		return nil, err
	}
	body, err := u.parseCStmt(p, th)
	if err != nil {
		return nil, err
	}
	return &cstmt{kind: kind, tok: tok, cond: c, then: body}, nil
}

func (u *unit) parseParenExpr(p *parser, th *cthread) (*cexpr, error) {
	if _, err := p.expect("("); err != nil {
		return nil, err
	}
	e, err := u.parseCExpr(p, th)
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(")"); err != nil {
		return nil, err
	}
	return e, nil
}

// parseCExpr parses a full expression (comma expressions are refused).
func (u *unit) parseCExpr(p *parser, th *cthread) (*cexpr, error) {
	e, err := u.parseAssignExpr(p, th)
	if err != nil {
		return nil, err
	}
	if p.is(",") {
		return nil, p.errAt(p.tok, "comma expressions are not supported")
	}
	return e, nil
}

var assignOps = map[string]bool{"=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true,
	"&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true}

func (u *unit) parseAssignExpr(p *parser, th *cthread) (*cexpr, error) {
	l, err := u.parseTernary(p, th)
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tPunct && assignOps[p.tok.text] {
		op := p.tok
		p.advance()
		r, err := u.parseAssignExpr(p, th)
		if err != nil {
			return nil, err
		}
		if l.kind == "ident" && th.byName[l.text] == nil {
			th.addLocal(l.text)
		}
		return &cexpr{kind: "assign", op: op.text, tok: op, args: []*cexpr{l, r}}, nil
	}
	return l, nil
}

func (u *unit) parseTernary(p *parser, th *cthread) (*cexpr, error) {
	c, err := u.parseBinary(p, th, 1)
	if err != nil {
		return nil, err
	}
	if p.is("?") {
		t := p.tok
		p.advance()
		a, err := u.parseAssignExpr(p, th)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(":"); err != nil {
			return nil, err
		}
		b, err := u.parseTernary(p, th)
		if err != nil {
			return nil, err
		}
		return &cexpr{kind: "ternary", tok: t, args: []*cexpr{c, a, b}}, nil
	}
	return c, nil
}

var binPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

func (u *unit) parseBinary(p *parser, th *cthread, min int) (*cexpr, error) {
	l, err := u.parseUnary(p, th)
	if err != nil {
		return nil, err
	}
	for p.tok.kind == tPunct {
		prec, ok := binPrec[p.tok.text]
		if !ok || prec < min {
			break
		}
		op := p.tok
		p.advance()
		r, err := u.parseBinary(p, th, prec+1)
		if err != nil {
			return nil, err
		}
		l = &cexpr{kind: "binary", op: op.text, tok: op, args: []*cexpr{l, r}}
	}
	return l, nil
}

// isCast tells whether the current '(' starts a cast.
func isCast(p *parser) bool {
	if !p.is("(") {
		return false
	}
	nx := p.peek()
	return nx.kind == tIdent && (typeWords[nx.text] || narrowTypes[nx.text])
}

func (u *unit) parseUnary(p *parser, th *cthread) (*cexpr, error) {
	t := p.tok
	if p.tok.kind == tPunct {
		switch p.tok.text {
		case "!", "~", "-", "+", "*", "&":
			p.advance()
			e, err := u.parseUnary(p, th)
			if err != nil {
				return nil, err
			}
			if t.text == "+" {
				return e, nil
			}
			return &cexpr{kind: "unary", op: t.text, tok: t, args: []*cexpr{e}}, nil
		case "++", "--":
			p.advance()
			e, err := u.parseUnary(p, th)
			if err != nil {
				return nil, err
			}
			if e.kind == "ident" && th.byName[e.text] == nil {
				th.addLocal(e.text)
			}
			return &cexpr{kind: "prefix", op: t.text, tok: t, args: []*cexpr{e}}, nil
		case "(":
			if isCast(p) {
				p.advance()
				types, stars, err := parseTypeWords(p, u.file)
				if err != nil {
					return nil, err
				}
				// the last word was left as the "name"
				if p.tok.kind == tIdent {
					types = append(types, p.tok.text)
					p.advance()
				}
				for p.accept("*") {
					stars++
				}
				if err := checkWidth(p, t, types, stars, 0); err != nil {
					return nil, err
				}
				if _, err := p.expect(")"); err != nil {
					return nil, err
				}
				e, err := u.parseUnary(p, th)
				if err != nil {
					return nil, err
				}
				c := &cexpr{kind: "cast", tok: t, args: []*cexpr{e}, cast: types}
				if stars > 0 {
					c.op = "*"
				}
				return c, nil
			}
		}
	}
	return u.parsePostfix(p, th)
}

func (u *unit) parsePostfix(p *parser, th *cthread) (*cexpr, error) {
	e, err := u.parsePrimary(p, th)
	if err != nil {
		return nil, err
	}
	for {
		t := p.tok
		switch {
		case p.is("("):
			p.advance()
			call := &cexpr{kind: "call", tok: e.tok, args: []*cexpr{e}}
			for !p.is(")") {
				if len(call.args) > 1 {
					if _, err := p.expect(","); err != nil {
						return nil, err
					}
				}
				a, err := u.parseAssignExpr(p, th)
				if err != nil {
					return nil, err
				}
				call.args = append(call.args, a)
			}
			p.advance()
			e = call
		case p.is("["):
			return nil, p.errAt(t, "arrays are not supported")
		case p.is(".") || p.is("->"):
			return nil, p.errAt(t, "structure members are not supported")
		case p.is("++") || p.is("--"):
			p.advance()
			if e.kind == "ident" && th.byName[e.text] == nil {
				th.addLocal(e.text)
			}
			e = &cexpr{kind: "postfix", op: t.text, tok: t, args: []*cexpr{e}}
		default:
			return e, nil
		}
	}
}

func (u *unit) parsePrimary(p *parser, th *cthread) (*cexpr, error) {
	t := p.tok
	switch {
	case t.kind == tIdent:
		p.advance()
		return &cexpr{kind: "ident", text: t.text, tok: t}, nil
	case t.kind == tNum:
		p.advance()
		return &cexpr{kind: "num", text: t.text, tok: t}, nil
	case p.is("("):
		p.advance()
		e, err := u.parseCExpr(p, th)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(")"); err != nil {
			return nil, err
		}
		return e, nil
	}
	return nil, p.errAt(t, "unexpected %s in an expression", describe(t))
}

// Names.

// finishNames gives every local its .mmu name: its own unless it clashes with
// a global, a builtin or a keyword.
func (th *cthread) finishNames(u *unit) {
	th.names = map[string]string{}
	used := map[string]bool{}
	for _, l := range th.locals {
		if !th.clashes(u, l) {
			used[l] = true
		}
	}
	for _, l := range th.locals {
		n := l
		if th.clashes(u, l) {
			n = l + "_r"
			for th.clashes(u, n) || used[n] {
				n += "_"
			}
			used[n] = true
		}
		th.names[l] = n
	}
}

func (th *cthread) clashes(u *unit, name string) bool {
	if _, ok := u.sharedPos[name]; ok {
		return true
	}
	return u.locks[name] || reservedGlobal(name)
}

// condReg returns the .mmu name of a register named in the condition.
func (th *cthread) condReg(name string) string {
	if n, ok := th.names[name]; ok {
		return n
	}
	return name
}

// Emission.

type cemitter struct {
	u     *unit
	th    *cthread
	lines []string
	depth int
}

func (th *cthread) emit(u *unit) (string, error) {
	e := &cemitter{u: u, th: th}
	if err := e.stmts(th.body); err != nil {
		return "", err
	}
	return strings.Join(e.lines, "\n"), nil
}

func (e *cemitter) line(format string, args ...any) {
	e.lines = append(e.lines, strings.Repeat("  ", e.depth)+fmt.Sprintf(format, args...))
}

func (e *cemitter) errf(t token, format string, args ...any) error {
	return errAt(e.u.file, t, format, args...)
}

func (e *cemitter) stmts(ss []*cstmt) error {
	for _, s := range ss {
		if err := e.stmt(s); err != nil {
			return err
		}
	}
	return nil
}

func (e *cemitter) block(ss []*cstmt) error {
	e.depth++
	err := e.stmts(ss)
	e.depth--
	return err
}

func (e *cemitter) stmt(s *cstmt) error {
	switch s.kind {
	case "block":
		return e.stmts(s.then)
	case "if":
		c, _, err := e.value(s.cond)
		if err != nil {
			return err
		}
		e.line("if %s {", c)
		if err := e.block(s.then); err != nil {
			return err
		}
		if s.hasElse && len(s.els) > 0 {
			e.line("} else {")
			if err := e.block(s.els); err != nil {
				return err
			}
		}
		e.line("}")
	case "while":
		c, _, err := e.value(s.cond)
		if err != nil {
			return err
		}
		e.line("while %s {", c)
		if err := e.block(s.then); err != nil {
			return err
		}
		e.line("}")
	case "break", "continue":
		e.line("%s", s.kind)
	case "return":
		if s.expr != nil {
			return e.errf(s.tok, "a thread cannot return a value")
		}
		e.line("return")
	case "assign":
		return e.assign(s)
	case "expr":
		x := stripCasts(s.expr)
		if x.kind == "call" {
			v, _, err := e.call(x)
			if err != nil {
				return err
			}
			e.line("%s", v)
			return nil
		}
		if x.kind == "ternary" {
			return e.errf(x.tok, "the conditional operator ?: is not supported")
		}
		// an expression without effects: check it, then drop it
		if _, _, err := e.value(x); err != nil {
			return err
		}
		if hasEffects(x) {
			return e.errf(s.tok, "unsupported expression statement")
		}
	}
	return nil
}

func hasEffects(x *cexpr) bool {
	found := false
	walkExpr(x, func(c *cexpr) {
		if c.kind == "call" || (c.kind == "unary" && c.op == "*") {
			found = true
		}
	})
	return found
}

func (e *cemitter) assign(s *cstmt) error {
	lhs := stripCasts(s.lhs)
	rhs, rprec, err := e.value(s.rhs)
	if err != nil {
		return err
	}
	if s.rhs.kind == "ternary" {
		return e.errf(s.rhs.tok, "the conditional operator ?: is not supported")
	}
	combine := func(old string) (string, error) {
		if s.op == "" {
			return rhs, nil
		}
		switch s.op {
		case "/", "%", ">>":
			return "", e.errf(s.tok, "signed operator %s= is not supported", s.op)
		}
		prec := binPrec[s.op]
		if rprec <= prec {
			rhs = "(" + rhs + ")"
		}
		if int32Ops[s.op] {
			return int32Expr(old + " " + s.op + " " + rhs), nil
		}
		return old + " " + s.op + " " + rhs, nil
	}
	switch {
	case lhs.kind == "ident" && e.th.byName[lhs.text] != nil:
		return e.errf(lhs.tok, "assignment to parameter %s (write *%s to store to the location)", lhs.text, lhs.text)
	case lhs.kind == "ident" && e.th.isLocal[lhs.text]:
		name := e.th.names[lhs.text]
		v, err := combine(name)
		if err != nil {
			return err
		}
		e.line("%s = %s", name, v)
		return nil
	case lhs.kind == "unary" && lhs.op == "*":
		ptr, err := e.pointer(lhs.args[0])
		if err != nil {
			return err
		}
		v, err := combine("plain_read(" + ptr + ")")
		if err != nil {
			return err
		}
		e.line("plain_write(%s, %s)", ptr, v)
		return nil
	}
	return e.errf(lhs.tok, "unsupported assignment target")
}

func stripCasts(x *cexpr) *cexpr {
	for x != nil && x.kind == "cast" {
		x = x.args[0]
	}
	return x
}

const signBit = uint64(1) << 63

// numPrec is the precedence of a constant: a negative one is a unary minus.
func numPrec(v string) int {
	if strings.HasPrefix(v, "-") {
		return 11
	}
	return 12
}

// value renders an expression in value context; it returns the text and its
// precedence (12 for primaries).
func (e *cemitter) value(x *cexpr) (string, int, error) {
	switch x.kind {
	case "num":
		v, err := cInt(x.text, false)
		if err != nil {
			return "", 0, e.errf(x.tok, "%v", err)
		}
		return v, numPrec(v), nil
	case "ident":
		switch {
		case e.th.byName[x.text] != nil:
			if e.th.byName[x.text].lock {
				return "", 0, e.errf(x.tok, "spinlock %s used as a value", x.text)
			}
			return "&" + x.text, 11, nil
		case e.th.isLocal[x.text]:
			return e.th.names[x.text], 12, nil
		case x.text == "NULL" || x.text == "false":
			return "0", 12, nil
		case x.text == "true":
			return "1", 12, nil
		}
		return "", 0, e.errf(x.tok, "unknown name %s", x.text)
	case "cast":
		for _, t := range x.cast {
			if t == "bool" || t == "_Bool" {
				return "", 0, e.errf(x.tok, "cast to bool is not supported")
			}
		}
		return e.value(x.args[0])
	case "call":
		return e.call(x)
	case "unary":
		switch x.op {
		case "*":
			ptr, err := e.pointer(x.args[0])
			if err != nil {
				return "", 0, err
			}
			return "plain_read(" + ptr + ")", 12, nil
		case "&":
			in := stripCasts(x.args[0])
			if in.kind == "unary" && in.op == "*" {
				ptr, err := e.pointer(in.args[0])
				return ptr, 11, err
			}
			return "", 0, e.errf(x.tok, "taking the address of %s is not supported", exprName(in))
		}
		if in := stripCasts(x.args[0]); x.op == "-" && in.kind == "num" {
			v, err := cInt(in.text, true) // -2147483648 is an int
			if err != nil {
				return "", 0, e.errf(in.tok, "%v", err)
			}
			return v, numPrec(v), nil
		}
		v, p, err := e.value(x.args[0])
		if err != nil {
			return "", 0, err
		}
		if p < 11 {
			v = "(" + v + ")"
		}
		if x.op == "-" {
			return int32Expr(x.op + v), binPrec["-"], nil
		}
		return x.op + v, 11, nil
	case "binary":
		return e.binary(x)
	case "ternary":
		return "", 0, e.errf(x.tok, "the conditional operator ?: is not supported")
	case "assign", "postfix", "prefix":
		return "", 0, e.errf(x.tok, "assignments inside expressions are not supported")
	}
	return "", 0, e.errf(x.tok, "unsupported expression")
}

func exprName(x *cexpr) string {
	if x.kind == "ident" {
		return x.text
	}
	return "this expression"
}

func (e *cemitter) binary(x *cexpr) (string, int, error) {
	prec := binPrec[x.op]
	switch x.op {
	case "%", ">>": // herd's C has neither
		return "", 0, e.errf(x.tok, "operator %s on signed values is not supported", x.op)
	case "/":
		return e.divide(x)
	}
	if x.op == "+" || x.op == "-" {
		if v, ok, err := e.offsetPointer(x); ok || err != nil {
			return v, prec, err
		}
	}
	if x.op != "==" && x.op != "!=" && x.op != "&&" && x.op != "||" {
		for _, a := range x.args {
			if e.isPointer(a) {
				return "", 0, e.errf(x.tok, "pointer arithmetic is not supported")
			}
		}
	}
	a, ap, err := e.value(x.args[0])
	if err != nil {
		return "", 0, err
	}
	b, bp, err := e.value(x.args[1])
	if err != nil {
		return "", 0, err
	}
	if prec == 7 {
		// C int comparisons are signed: flip the sign bit to compare unsigned.
		a, ap = flipSign(a, ap, x.args[0])
		b, bp = flipSign(b, bp, x.args[1])
	}
	if ap < prec {
		a = "(" + a + ")"
	}
	if bp <= prec {
		b = "(" + b + ")"
	}
	if int32Ops[x.op] {
		return int32Expr(a + " " + x.op + " " + b), binPrec["-"], nil
	}
	return a + " " + x.op + " " + b, prec, nil
}

// offsetPointer translates p + off and p - off (off + p too), the idiom
// by which LKMM tests make an address depend on a value that is always 0
// ("r9 = r1 & 8; r2 = y + r9"). Locations are separate words, not an
// array, so only a zero offset is modelled: an assert, placed before the
// statement, stops any execution where the offset is not 0, and the
// address keeps the dependency on the offset, as herd's does. The offset
// must be computed from registers and constants only (the assert
// evaluates it again). ok is false when x is not pointer arithmetic.
func (e *cemitter) offsetPointer(x *cexpr) (string, bool, error) {
	p, off := x.args[0], x.args[1]
	if !e.isPointer(p) && x.op == "+" {
		p, off = off, p
	}
	if !e.isPointer(p) || e.isPointer(off) {
		return "", false, nil
	}
	if !pureExpr(off) {
		return "", true, e.errf(off.tok, "pointer arithmetic with an offset read from memory is not supported")
	}
	base, err := e.pointer(p)
	if err != nil {
		return "", true, err
	}
	if q := stripCasts(p); q.kind == "ident" && e.th.byName[q.text] != nil {
		base = "&" + base // a parameter names its location: take its address
	}
	v, _, err := e.value(off)
	if err != nil {
		return "", true, err
	}
	e.line("assert (%s) == 0, %q", v, "pointer arithmetic: only a zero offset is modelled (locations are separate words)")
	return base + " " + x.op + " (" + v + ")", true, nil
}

// pureExpr tells whether x reads no memory and calls nothing.
func pureExpr(x *cexpr) bool {
	switch x.kind {
	case "call", "assign", "postfix", "prefix":
		return false
	case "unary":
		if x.op == "*" {
			return false
		}
	}
	for _, a := range x.args {
		if !pureExpr(a) {
			return false
		}
	}
	return true
}

// isPointer tells whether x is statically a pointer: a parameter, an address
// or a local declared as a pointer (casts do not matter).
func (e *cemitter) isPointer(x *cexpr) bool {
	x = stripCasts(x)
	switch {
	case x.kind == "ident":
		return e.th.byName[x.text] != nil || e.th.ptrVar[x.text]
	case x.kind == "unary" && x.op == "&":
		return true
	}
	return false
}

// flipSign returns v ^ (1<<63), folded when v is a literal.
func flipSign(v string, prec int, x *cexpr) (string, int) {
	x = stripCasts(x)
	neg := false
	if x.kind == "unary" && x.op == "-" && stripCasts(x.args[0]).kind == "num" {
		neg, x = true, stripCasts(x.args[0])
	}
	if x.kind == "num" {
		if s, err := cInt(x.text, neg); err == nil {
			n, _ := strconv.ParseInt(s, 10, 64)
			return fmt.Sprintf("0x%x", uint64(n)^signBit), 12
		}
	}
	if prec <= 4 {
		v = "(" + v + ")"
	}
	return v + " ^ 0x8000000000000000", 4
}

// pointer renders an expression in pointer position: a parameter is its bare
// location name, a local its value.
func (e *cemitter) pointer(x *cexpr) (string, error) {
	x = stripCasts(x)
	switch x.kind {
	case "ident":
		if pr := e.th.byName[x.text]; pr != nil {
			if pr.lock {
				return "", e.errf(x.tok, "spinlock %s used as a memory word", x.text)
			}
			return x.text, nil
		}
		v, _, err := e.value(x)
		return v, err
	case "unary", "call":
		if x.kind == "unary" && x.op == "&" {
			in := stripCasts(x.args[0])
			if in.kind == "unary" && in.op == "*" {
				return e.pointer(in.args[0])
			}
			return "", e.errf(x.tok, "taking the address of %s is not supported", exprName(in))
		}
		if x.kind == "unary" && x.op != "*" {
			break
		}
		v, _, err := e.value(x)
		return v, err
	case "binary":
		if x.op == "+" || x.op == "-" {
			if v, ok, err := e.offsetPointer(x); ok || err != nil {
				return v, err
			}
		}
		return "", e.errf(x.tok, "pointer arithmetic is not supported")
	}
	return "", e.errf(x.tok, "unsupported pointer expression")
}

func (e *cemitter) call(x *cexpr) (string, int, error) {
	fn := x.args[0]
	if fn.kind != "ident" {
		return "", 0, e.errf(x.tok, "unsupported call")
	}
	kinds, ok := lkmmMacros[fn.text]
	if !ok {
		return "", 0, e.errf(fn.tok, "unsupported macro or function %s", fn.text)
	}
	args := x.args[1:]
	if len(args) != len(kinds) {
		return "", 0, e.errf(fn.tok, "%s takes %d arguments, not %d", fn.text, len(kinds), len(args))
	}
	out := make([]string, len(args))
	for i, a := range args {
		var err error
		switch kinds[i] {
		case 'L':
			s := stripCasts(a)
			if s.kind != "unary" || s.op != "*" {
				return "", 0, e.errf(a.tok, "%s expects *pointer as argument %d", fn.text, i+1)
			}
			out[i], err = e.pointer(s.args[0])
		case 'P':
			out[i], err = e.pointer(a)
		case 'K':
			s := stripCasts(a)
			if s.kind != "ident" || e.th.byName[s.text] == nil || !e.th.byName[s.text].lock {
				return "", 0, e.errf(a.tok, "%s expects a spinlock_t parameter", fn.text)
			}
			out[i] = s.text
		case 'V':
			out[i], _, err = e.value(a)
		}
		if err != nil {
			return "", 0, err
		}
	}
	name := fn.text
	if to, ok := lkmmAliases[name]; ok {
		name = to
	}
	return name + "(" + strings.Join(out, ", ") + ")", 12, nil
}

// lkmmAliases are the macros the translation writes as another builtin:
// linux-kernel.def makes both the same event.
var lkmmAliases = map[string]string{
	"synchronize_rcu_expedited": "synchronize_rcu", // both __fence{sync-rcu}
}
