package lang

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Binary operator precedence, C's: higher binds tighter.
var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6,
	"<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8,
	"+": 9, "-": 9,
	"*": 10, "/": 10, "%": 10,
}

// exprParser is a precedence-climbing parser over participle's token stream.
type exprParser struct {
	lex   *lexer.PeekingLexer
	depth int // prefix operators being parsed: `- - - x` recurses once each
}

// parseExpr is the participle hook for Expr fields. It returns (nil, nil)
// without consuming anything when the next token cannot start an expression,
// so that optional expressions (`return`) work.
func parseExpr(lex *lexer.PeekingLexer) (Expr, error) {
	if !startsExpr(lex.Peek()) {
		return nil, participle.NextMatch
	}
	p := exprParser{lex: lex}
	return p.binary(1)
}

// Parse parses `return [e]` (participle's Parseable). The value must start
// on the line of the `return`: a bare `return` at the end of a line does not
// take the next line's statement (`f(x)`) as its value.
func (r *ReturnStmt) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.Type != tokIdent || t.Value != "return" {
		return participle.NextMatch
	}
	lex.Next()
	r.Pos = t.Pos
	if n := lex.Peek(); !startsExpr(n) || n.Pos.Line != t.Pos.Line {
		return nil
	}
	p := exprParser{lex: lex}
	v, err := p.binary(1)
	if err != nil {
		return err
	}
	r.Value = v
	return nil
}

func startsExpr(t *lexer.Token) bool {
	switch t.Type {
	case tokInt, tokIdent, tokString:
		return true
	case tokOp:
		switch t.Value {
		case "(", "!", "~", "-", "&":
			return true
		}
	}
	return false
}

func (p *exprParser) errorf(t *lexer.Token, format string, args ...any) error {
	return participle.Errorf(t.Pos, format, args...)
}

func (p *exprParser) binary(minPrec int) (Expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.lex.Peek()
		prec, ok := binaryPrec[t.Value]
		if t.Type != tokOp || !ok || prec < minPrec {
			return x, nil
		}
		p.lex.Next()
		y, err := p.binary(prec + 1)
		if err != nil {
			return nil, err
		}
		x = &Binary{P: PosOf(t.Pos), Op: t.Value, X: x, Y: y}
	}
}

func (p *exprParser) unary() (Expr, error) {
	t := p.lex.Peek()
	if t.Type == tokOp {
		switch t.Value {
		case "!", "~", "-", "&":
			p.lex.Next()
			if p.depth++; p.depth > MaxNesting {
				return nil, p.errorf(t, "more than %d prefix operators in a row", MaxNesting)
			}
			x, err := p.unary()
			p.depth--
			if err != nil {
				return nil, err
			}
			return &Unary{P: PosOf(t.Pos), Op: t.Value, X: x}, nil
		}
	}
	return p.primary()
}

func (p *exprParser) primary() (Expr, error) {
	t := p.lex.Next()
	pos := PosOf(t.Pos)
	switch t.Type {
	case tokInt:
		v, err := ParseNumber(t.Value)
		if err != nil {
			return nil, p.errorf(t, "%s", err)
		}
		if n := p.lex.Peek(); n.Type == tokOp && n.Value == ":" {
			return p.register(t, v)
		}
		return &Num{P: pos, Val: v}, nil
	case tokString:
		s, err := Unquote(t.Value)
		if err != nil {
			return nil, p.errorf(t, "%s", err)
		}
		return &Str{P: pos, Val: s}, nil
	case tokIdent:
		return p.named(t)
	case tokOp:
		if t.Value == "(" {
			x, err := p.binary(1)
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return x, nil
		}
	}
	if t.EOF() {
		return nil, p.errorf(t, "expected an expression, found the end of the file")
	}
	return nil, p.errorf(t, "expected an expression, found %q", t.Value)
}

// register parses the `:r` of `N:r`.
func (p *exprParser) register(num *lexer.Token, cpu uint64) (Expr, error) {
	p.lex.Next() // ':'
	name := p.lex.Next()
	if name.Type != tokIdent {
		return nil, p.errorf(name, "expected a register name after %s:", num.Value)
	}
	if cpu > 1<<20 {
		return nil, p.errorf(num, "CPU number %s is too large", num.Value)
	}
	return &Reg{P: PosOf(num.Pos), CPU: int(cpu), Name: name.Value}, nil
}

func (p *exprParser) named(t *lexer.Token) (Expr, error) {
	pos := PosOf(t.Pos)
	switch t.Value {
	case "true":
		return &Num{P: pos, Val: 1}, nil
	case "false":
		return &Num{P: pos, Val: 0}, nil
	}
	n := p.lex.Peek()
	if n.Type == tokOp && n.Value == "(" {
		p.lex.Next()
		args, err := p.args()
		if err != nil {
			return nil, err
		}
		return &Call{P: pos, Name: t.Value, Args: args}, nil
	}
	if n.Type == tokOp && n.Value == "[" {
		p.lex.Next()
		i, err := p.binary(1)
		if err != nil {
			return nil, err
		}
		if err := p.expect("]"); err != nil {
			return nil, err
		}
		return &Index{P: pos, Name: t.Value, Index: i}, nil
	}
	return &Name{P: pos, Name: t.Value}, nil
}

func (p *exprParser) args() ([]Expr, error) {
	var args []Expr
	if n := p.lex.Peek(); n.Type == tokOp && n.Value == ")" {
		p.lex.Next()
		return nil, nil
	}
	for {
		a, err := p.binary(1)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		t := p.lex.Next()
		if t.Type == tokOp && t.Value == ")" {
			return args, nil
		}
		if t.Type != tokOp || t.Value != "," {
			return nil, p.unexpected(t, "`,` or `)`")
		}
	}
}

func (p *exprParser) expect(op string) error {
	t := p.lex.Next()
	if t.Type != tokOp || t.Value != op {
		return p.unexpected(t, "`"+op+"`")
	}
	return nil
}

func (p *exprParser) unexpected(t *lexer.Token, want string) error {
	if t.EOF() {
		return p.errorf(t, "expected %s, found the end of the file", want)
	}
	return p.errorf(t, "expected %s, found %q", want, t.Value)
}
