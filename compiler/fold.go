package compiler

import "github.com/mmuvm/mmuvm/lang"

// fold evaluates e at compile time when it is made of literals, consts and
// operators only. Division by zero is left to the code generator to report.
func (g *gen) fold(e lang.Expr) (uint64, bool) { return g.c.fold(e, g.locals) }

// fold is gen.fold with the body's locals given. Results are cached per
// node: the code generator folds every node it visits, which without the
// cache is quadratic in the depth of a long `a + 1 + 1 + …` chain. A node
// belongs to one body, whose locals are declared before its code is
// generated, so its result does not change.
func (c *compiler) fold(e lang.Expr, locals map[string]int) (uint64, bool) {
	if r, ok := c.folded[e]; ok {
		return r.v, r.ok
	}
	v, ok := c.fold1(e, locals)
	if c.folded == nil {
		c.folded = map[lang.Expr]foldResult{}
	}
	c.folded[e] = foldResult{v, ok}
	return v, ok
}

type foldResult struct {
	v  uint64
	ok bool
}

func (c *compiler) fold1(e lang.Expr, locals map[string]int) (uint64, bool) {
	switch e := e.(type) {
	case *lang.Num:
		return e.Val, true
	case *lang.Name:
		if _, local := locals[e.Name]; local {
			return 0, false
		}
		if s, ok := c.globals[e.Name]; ok && s.kind == symConst {
			return s.value, true
		}
	case *lang.Unary:
		x, ok := c.fold(e.X, locals)
		if !ok {
			return 0, false
		}
		switch e.Op {
		case "!":
			return b2u(x == 0), true
		case "-":
			return -x, true
		case "~":
			return ^x, true
		}
	case *lang.Binary:
		x, okx := c.fold(e.X, locals)
		y, oky := c.fold(e.Y, locals)
		if !okx || !oky {
			return 0, false
		}
		return evalBinary(e.Op, x, y)
	}
	return 0, false
}

// evalBinary applies a binary operator with C semantics on uint64.
func evalBinary(op string, x, y uint64) (uint64, bool) {
	switch op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/":
		if y == 0 {
			return 0, false
		}
		return x / y, true
	case "%":
		if y == 0 {
			return 0, false
		}
		return x % y, true
	case "&":
		return x & y, true
	case "|":
		return x | y, true
	case "^":
		return x ^ y, true
	case "<<":
		return x << (y & 63), true
	case ">>":
		return x >> (y & 63), true
	case "==":
		return b2u(x == y), true
	case "!=":
		return b2u(x != y), true
	case "<":
		return b2u(x < y), true
	case "<=":
		return b2u(x <= y), true
	case ">":
		return b2u(x > y), true
	case ">=":
		return b2u(x >= y), true
	case "&&":
		return b2u(x != 0 && y != 0), true
	case "||":
		return b2u(x != 0 || y != 0), true
	}
	return 0, false
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// foldConst evaluates a const or initial value, which must be constant.
func (c *compiler) foldConst(file int, e lang.Expr) (uint64, error) {
	if v, ok := c.fold(e, nil); ok {
		return v, nil
	}
	if b, ok := e.(*lang.Binary); ok && (b.Op == "/" || b.Op == "%") {
		if y, ok := c.fold(b.Y, nil); ok && y == 0 {
			return 0, c.errPos(file, b.P, "division by zero")
		}
	}
	return 0, c.errPos(file, e.Position(), "not a constant: only numbers, consts and operators can be used here")
}
