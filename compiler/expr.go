package compiler

import (
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm"
)

var binaryOps = map[string]vm.Op{
	"+": vm.OpAdd, "-": vm.OpSub, "*": vm.OpMul, "/": vm.OpDiv, "%": vm.OpMod,
	"&": vm.OpAnd, "|": vm.OpOr, "^": vm.OpXor, "<<": vm.OpShl, ">>": vm.OpShr,
	"==": vm.OpEq, "!=": vm.OpNe, "<": vm.OpLt, "<=": vm.OpLe, ">": vm.OpGt, ">=": vm.OpGe,
}

// expr emits code that pushes the value of e.
func (g *gen) expr(e lang.Expr) error {
	if v, ok := g.fold(e); ok {
		g.konst(v, e.Position())
		return nil
	}
	switch e := e.(type) {
	case *lang.Name:
		return g.name(e)
	case *lang.Call:
		return g.call(e)
	case *lang.Unary:
		return g.unary(e)
	case *lang.Binary:
		return g.binary(e)
	case *lang.Reg:
		return g.reg(e)
	case *lang.Str:
		return g.errf(e.P, "a string can only be an assert message or a print argument")
	case *lang.Index:
		return g.errf(e.P, "%s[…] is an entry's address only under &: write &%s[…] (and ptep_get(&%s[…]) to read it)", e.Name, e.Name, e.Name)
	case *lang.Num:
		g.konst(e.Val, e.P)
		return nil
	}
	return g.errf(e.Position(), "unsupported expression")
}

func (g *gen) name(e *lang.Name) error {
	if i, ok := g.locals[e.Name]; ok {
		g.emit(vm.OpLoadLocal, i, 0, e.P)
		return nil
	}
	if sym, ok := g.c.globals[e.Name]; ok {
		switch sym.kind {
		case symShared:
			g.emit(vm.OpLoadShared, sym.index, 0, e.P)
			if b := g.c.prog.Shared[sym.index].View.Bits; g.final && b != 0 && b < 64 {
				g.emit(vm.OpView, sym.index, 0, e.P)
			}
		case symTask:
			if g.final {
				return g.errf(e.P, "%s is a task word: each CPU has its own, so a final condition cannot name it", e.Name)
			}
			g.emit(vm.OpLoadTask, sym.index, 0, e.P)
		case symTable:
			g.emit(vm.OpSmall, 0, 0, e.P)
			g.emit(vm.OpAddrTable, sym.index, 0, e.P)
		default:
			g.konst(sym.value, e.P)
		}
		return nil
	}
	if b := g.c.reg.Lookup(e.Name); b != nil {
		if !b.Constant {
			return g.errf(e.P, "%s is a builtin function: call it as %s(…)", e.Name, e.Name)
		}
		g.emit(vm.OpBuiltin, g.builtinIndex(e.Name), 0, e.P)
		return nil
	}
	if _, ok := g.c.procs[e.Name]; ok {
		return g.errf(e.P, "%s is a proc: call it as %s(…)", e.Name, e.Name)
	}
	return g.unknown(e.P, e.Name, "name")
}

func (g *gen) unknown(p lang.Pos, name, what string) error {
	err := g.errf(p, "undefined %s %s", what, name)
	err.Suggest = lang.Closest(name, g.c.names(g.locals))
	return err
}

func (g *gen) unary(e *lang.Unary) error {
	if e.Op == "&" {
		return g.addr(e)
	}
	if err := g.expr(e.X); err != nil {
		return err
	}
	op := map[string]vm.Op{"!": vm.OpNot, "-": vm.OpNeg, "~": vm.OpCompl}[e.Op]
	g.emit(op, 0, 0, e.P)
	return nil
}

// addr compiles &x (a shared or task word) and &t[i] (a table entry).
func (g *gen) addr(e *lang.Unary) error {
	switch x := e.X.(type) {
	case *lang.Name:
		if sym, ok := g.c.globals[x.Name]; ok {
			switch sym.kind {
			case symShared:
				g.emit(vm.OpAddrShared, sym.index, 0, e.P)
				return nil
			case symTask:
				g.emit(vm.OpAddrTask, sym.index, 0, e.P)
				return nil
			}
		}
	case *lang.Index:
		sym, ok := g.c.globals[x.Name]
		if !ok || sym.kind != symTable {
			if !ok {
				return g.unknown(x.P, x.Name, "table")
			}
			return g.errf(x.P, "%s is %s, not a table", x.Name, describe(sym))
		}
		if v, ok := g.fold(x.Index); ok && v >= mmu.EntriesPerTable {
			return g.errf(x.Index.Position(), "index %d is out of range: a table has %d entries", v, mmu.EntriesPerTable)
		}
		if err := g.expr(x.Index); err != nil {
			return err
		}
		g.emit(vm.OpAddrTable, sym.index, 0, e.P)
		return nil
	}
	return g.errf(e.P, "& takes a shared or task word or a table entry (&t[i])")
}

func (g *gen) binary(e *lang.Binary) error {
	if e.Op == "&&" || e.Op == "||" {
		return g.logical(e)
	}
	if err := g.expr(e.X); err != nil {
		return err
	}
	if err := g.expr(e.Y); err != nil {
		return err
	}
	if (e.Op == "/" || e.Op == "%") && isZero(g, e.Y) {
		return g.errf(e.P, "division by zero")
	}
	g.emit(binaryOps[e.Op], 0, 0, e.P)
	return nil
}

func isZero(g *gen, e lang.Expr) bool {
	v, ok := g.fold(e)
	return ok && v == 0
}

// logical compiles && and || with short-circuit; the result is 0 or 1.
func (g *gen) logical(e *lang.Binary) error {
	if err := g.expr(e.X); err != nil {
		return err
	}
	short := vm.OpJumpIfZero
	shortVal := 0
	if e.Op == "||" {
		short, shortVal = vm.OpJumpNonZero, 1
	}
	j := g.emit(short, 0, 0, e.P)
	if err := g.expr(e.Y); err != nil {
		return err
	}
	g.emit(vm.OpNot, 0, 0, e.P)
	g.emit(vm.OpNot, 0, 0, e.P)
	done := g.emit(vm.OpJump, 0, 0, e.P)
	g.patch(j, g.here())
	g.emit(vm.OpSmall, shortVal, 0, e.P)
	g.patch(done, g.here())
	return nil
}

func (g *gen) reg(e *lang.Reg) error {
	if !g.final {
		return g.errf(e.P, "%d:%s names a register of CPU %d: only a final condition can", e.CPU, e.Name, e.CPU)
	}
	ti := g.c.prog.CPUIndex(e.CPU)
	if ti < 0 {
		return g.errf(e.P, "there is no cpu %d", e.CPU)
	}
	proc := g.c.prog.Procs[g.c.prog.CPUs[ti].Proc]
	for slot, n := range proc.Locals {
		if n == e.Name {
			g.emit(vm.OpLoadReg, ti, slot, e.P)
			return nil
		}
	}
	// As in herd, a register the CPU never assigns is 0 (LANGUAGE.md:
	// "N:r is 0 if CPU N never assigns r"). A warning names the closest
	// assigned register, so that a typo is still caught.
	var regs []string
	for _, n := range proc.Locals {
		if n[0] != '$' {
			regs = append(regs, n)
		}
	}
	w := g.errf(e.P, "warning: cpu %d never assigns %s: %d:%s is 0", e.CPU, e.Name, e.CPU, e.Name)
	w.Suggest = lang.Closest(e.Name, regs)
	g.c.prog.Warnings = append(g.c.prog.Warnings, w.Error())
	g.emit(vm.OpSmall, 0, 0, e.P)
	return nil
}

// call compiles a call to a proc (script or module) or a builtin.
func (g *gen) call(e *lang.Call) error {
	if e.Name == "print" {
		return g.print(e)
	}
	if d, ok := g.c.procs[e.Name]; ok {
		if len(e.Args) != len(d.item.Params) {
			return g.errf(e.P, "%s takes %d argument%s, not %d", e.Name, len(d.item.Params), plural(len(d.item.Params)), len(e.Args))
		}
		for _, a := range e.Args {
			if err := g.expr(a); err != nil {
				return err
			}
		}
		g.c.noteCall(g.proc, d.index, e.Name, g.atomic > 0, g.file, e.P)
		g.emit(vm.OpCall, d.index, len(e.Args), e.P)
		return nil
	}
	b := g.c.reg.Lookup(e.Name)
	if b == nil {
		return g.unknown(e.P, e.Name, "function")
	}
	return g.builtinCall(e, b)
}

func (g *gen) builtinCall(e *lang.Call, b *mmu.Builtin) error {
	if b.Constant {
		return g.errf(e.P, "%s is a constant: write it without parentheses", e.Name)
	}
	if b.Arity >= 0 && b.Optional > 0 && (len(e.Args) > b.Arity || len(e.Args) < b.Arity-b.Optional) {
		return g.errf(e.P, "%s takes %d to %d arguments, not %d", e.Name, b.Arity-b.Optional, b.Arity, len(e.Args))
	}
	if b.Arity >= 0 && b.Optional == 0 && len(e.Args) != b.Arity {
		return g.errf(e.P, "%s takes %d argument%s, not %d", e.Name, b.Arity, plural(b.Arity), len(e.Args))
	}
	if len(e.Args) > 255 {
		return g.errf(e.P, "too many arguments")
	}
	if b.Kind == mmu.Init && g.c.prog.Init != g.proc {
		return g.errf(e.P, "%s can only be called in init", e.Name)
	}
	if b.Blocks || b.Sleeps {
		if g.atomic > 0 {
			return g.errf(e.P, "%s may wait, which atomic { } cannot", e.Name)
		}
		g.c.noteWait(g.proc, e.Name, g.at(e.P))
	}
	for i, a := range e.Args {
		if err := g.checkParam(e.Name, b, i, a); err != nil {
			return err
		}
		if g.pointerArg(b, i, a) {
			continue
		}
		if err := g.expr(a); err != nil {
			return err
		}
	}
	g.emit(vm.OpBuiltin, g.builtinIndex(e.Name), len(e.Args), e.P)
	return nil
}

// pointerArg compiles a bare shared word passed where a builtin takes a
// pointer ('p') as the word's address, as the kernel's READ_ONCE(x) and
// WRITE_ONCE(x, v) macros take the lvalue x. It reports whether it did.
func (g *gen) pointerArg(b *mmu.Builtin, i int, a lang.Expr) bool {
	n, ok := a.(*lang.Name)
	if !ok || i >= len(b.Params) || b.Params[i] != 'p' {
		return false
	}
	if _, local := g.locals[n.Name]; local {
		return false
	}
	sym, ok := g.c.globals[n.Name]
	if !ok || sym.kind != symShared {
		return false
	}
	g.emit(vm.OpAddrShared, sym.index, 0, n.P)
	return true
}

var paramKinds = map[byte]symKind{'m': symMM, 'l': symSpinLock, 'r': symRWSem, 'k': symKey}

// checkParam rejects a declared name of the wrong kind where a builtin
// wants an mm, a lock or a key.
func (g *gen) checkParam(fn string, b *mmu.Builtin, i int, a lang.Expr) error {
	if i >= len(b.Params) {
		return nil
	}
	want, ok := paramKinds[b.Params[i]]
	n, isName := a.(*lang.Name)
	if !ok || !isName {
		return nil
	}
	if _, local := g.locals[n.Name]; local {
		return nil
	}
	if sym, ok := g.c.globals[n.Name]; ok && sym.kind != want {
		return g.errf(n.P, "%s expects %s, and %s is %s", fn, symKindNames[want], n.Name, describe(sym))
	}
	return nil
}

func (g *gen) print(e *lang.Call) error {
	var pr vm.Print
	values := 0
	for _, a := range e.Args {
		if s, ok := a.(*lang.Str); ok {
			pr.Parts = append(pr.Parts, vm.PrintPart{Text: s.Val})
			continue
		}
		if err := g.expr(a); err != nil {
			return err
		}
		pr.Parts = append(pr.Parts, vm.PrintPart{IsValue: true})
		values++
	}
	g.c.prog.Prints = append(g.c.prog.Prints, pr)
	g.emit(vm.OpPrint, len(g.c.prog.Prints)-1, values, e.P)
	g.emit(vm.OpSmall, 0, 0, e.P) // print's value
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
