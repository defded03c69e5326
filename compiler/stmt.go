package compiler

import (
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

func (g *gen) block(b *lang.Block) error {
	if b == nil {
		return nil
	}
	for _, s := range b.Stmts {
		if err := g.stmt(s); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) stmt(s lang.Stmt) error {
	switch s := s.(type) {
	case *lang.AssignStmt:
		return g.assign(s)
	case *lang.ExprStmt:
		return g.exprStmt(s)
	case *lang.IfStmt:
		return g.ifStmt(s)
	case *lang.WhileStmt:
		return g.whileStmt(s)
	case *lang.ForStmt:
		return g.forStmt(s)
	case *lang.JumpStmt:
		return g.jump(s)
	case *lang.ReturnStmt:
		return g.ret(s)
	case *lang.AssertStmt:
		return g.assert(s)
	case *lang.AwaitStmt:
		return g.await(s)
	case *lang.SectionStmt:
		return g.section(s)
	}
	return nil
}

func (g *gen) assign(s *lang.AssignStmt) error {
	p := lang.PosOf(s.Pos)
	if err := g.expr(s.Value); err != nil {
		return err
	}
	if i, ok := g.locals[s.Name]; ok {
		g.emit(vm.OpStoreLocal, i, 0, p)
		return nil
	}
	sym := g.c.globals[s.Name]
	switch {
	case sym != nil && sym.kind == symShared:
		g.emit(vm.OpStoreShared, sym.index, 0, p)
	case sym != nil && sym.kind == symTask:
		g.emit(vm.OpStoreTask, sym.index, 0, p)
	default:
		return g.errf(p, "cannot assign to %s", s.Name)
	}
	return nil
}

func (g *gen) exprStmt(s *lang.ExprStmt) error {
	call, ok := s.Call.(*lang.Call)
	if !ok {
		return g.errf(s.Call.Position(), "this expression does nothing: a statement is an assignment or a call")
	}
	if err := g.call(call); err != nil {
		return err
	}
	g.emit(vm.OpPop, 0, 0, call.P)
	return nil
}

func (g *gen) ifStmt(s *lang.IfStmt) error {
	var ends []int
	for e := s; e != nil; e = e.Elif {
		if err := g.expr(e.Cond); err != nil {
			return err
		}
		skip := g.emit(vm.OpJumpIfZero, 0, 0, e.Cond.Position())
		if err := g.block(e.Then); err != nil {
			return err
		}
		if e.Elif != nil || e.Else != nil {
			ends = append(ends, g.emit(vm.OpJump, 0, 0, lang.PosOf(e.Then.EndPos)))
		}
		g.patch(skip, g.here())
		if e.Else != nil {
			if err := g.block(e.Else); err != nil {
				return err
			}
		}
	}
	for _, at := range ends {
		g.patch(at, g.here())
	}
	return nil
}

// loop emits the common shape: cond at top, body, continue point, back-edge.
// step (for `for`) runs at the continue point before the back-edge. With
// rotate, the test is emitted again at the continue point and the back-edge
// goes to the body (see whileStmt).
func (g *gen) loop(p lang.Pos, cond func() (bool, error), body *lang.Block, step func() error, rotate bool) error {
	top := g.here()
	var exits []int
	has, err := cond()
	if err != nil {
		return err
	}
	if has {
		exits = append(exits, g.emit(vm.OpJumpIfZero, 0, 0, p))
	}
	rotate = rotate && has
	if rotate {
		top = g.here()
	}
	l := &loopCtx{sections: len(g.sections)}
	g.loops = append(g.loops, l)
	if err := g.block(body); err != nil {
		return err
	}
	g.loops = g.loops[:len(g.loops)-1]
	cont := g.here()
	if step != nil {
		if err := step(); err != nil {
			return err
		}
	}
	if rotate {
		if _, err := cond(); err != nil {
			return err
		}
		exits = append(exits, g.emit(vm.OpJumpIfZero, 0, 0, p))
	}
	g.emit(vm.OpBackEdge, top, 0, lang.PosOf(body.EndPos))
	end := g.here()
	for _, at := range append(exits, l.breaks...) {
		g.patch(at, end)
	}
	for _, at := range l.continues {
		g.patch(at, cont)
	}
	return nil
}

// whileStmt emits a while loop rotated: the test once before the body and
// again after it, with the back-edge to the body. A pass over the loop is
// then the body and the test that decides whether it goes round again, so
// a loop whose test reads a local the body assigns (`while s != 2 { s =
// smp_load_acquire(seq) }`, a seqcount reader's retry) is a spin loop
// (vm's spinLoops): a pass that fails changes nothing the next one keeps.
func (g *gen) whileStmt(s *lang.WhileStmt) error {
	return g.loop(lang.PosOf(s.Pos), func() (bool, error) {
		if v, ok := g.fold(s.Cond); ok && v != 0 {
			return false, nil // while true: no test
		}
		return true, g.expr(s.Cond)
	}, s.Body, nil, true)
}

func (g *gen) forStmt(s *lang.ForStmt) error {
	p := lang.PosOf(s.Pos)
	i := g.locals[s.Var]
	if err := g.expr(s.From); err != nil {
		return err
	}
	g.emit(vm.OpStoreLocal, i, 0, p)
	end := g.temp("end")
	if err := g.expr(s.To); err != nil {
		return err
	}
	g.emit(vm.OpStoreLocal, end, 0, p)
	return g.loop(p, func() (bool, error) {
		g.emit(vm.OpLoadLocal, i, 0, p)
		g.emit(vm.OpLoadLocal, end, 0, p)
		g.emit(vm.OpLt, 0, 0, p)
		return true, nil
	}, s.Body, func() error {
		g.emit(vm.OpLoadLocal, i, 0, p)
		g.emit(vm.OpSmall, 1, 0, p)
		g.emit(vm.OpAdd, 0, 0, p)
		g.emit(vm.OpStoreLocal, i, 0, p)
		return nil
	}, false)
}

func (g *gen) jump(s *lang.JumpStmt) error {
	p := lang.PosOf(s.Pos)
	if len(g.loops) == 0 {
		return g.errf(p, "%s outside a loop", s.Kind)
	}
	l := g.loops[len(g.loops)-1]
	if err := g.cleanup(l.sections, p); err != nil {
		return err
	}
	at := g.emit(vm.OpJump, 0, 0, p)
	if s.Kind == "break" {
		l.breaks = append(l.breaks, at)
	} else {
		l.continues = append(l.continues, at)
	}
	return nil
}

func (g *gen) ret(s *lang.ReturnStmt) error {
	p := lang.PosOf(s.Pos)
	if g.thread {
		if s.Value != nil {
			// A thread's return value goes nowhere, but the expression is
			// still checked and run (its calls may be steps).
			if err := g.expr(s.Value); err != nil {
				return err
			}
			g.emit(vm.OpPop, 0, 0, p)
		}
		if err := g.cleanup(0, p); err != nil {
			return err
		}
		g.emit(vm.OpEnd, 0, 0, p)
		return nil
	}
	if s.Value != nil {
		if err := g.expr(s.Value); err != nil {
			return err
		}
	} else {
		g.emit(vm.OpSmall, 0, 0, p)
	}
	if err := g.cleanup(0, p); err != nil {
		return err
	}
	g.emit(vm.OpReturn, 0, 0, p)
	return nil
}

// cleanup emits the exits of the sections entered since depth, innermost
// first, for a jump out of them. It is stack-neutral.
func (g *gen) cleanup(depth int, p lang.Pos) error {
	for i := len(g.sections) - 1; i >= depth; i-- {
		if err := g.leave(g.sections[i], p); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) assert(s *lang.AssertStmt) error {
	p := lang.PosOf(s.Pos)
	if err := g.expr(s.Cond); err != nil {
		return err
	}
	msg := s.Msg
	if msg == "" {
		// The statement's own text: a binary condition's position is its
		// operator's, which would cut off the left operand.
		msg = g.sourceText(p)
	}
	g.emit(vm.OpAssert, g.str(msg), 0, p)
	return nil
}

// await c is a spin loop: the back-edge blocks the CPU until a location the
// test read changes.
func (g *gen) await(s *lang.AwaitStmt) error {
	p := lang.PosOf(s.Pos)
	if g.atomic > 0 {
		return g.errf(p, "await inside atomic { } would wait forever")
	}
	g.c.noteWait(g.proc, "await", g.at(p))
	top := g.here()
	if err := g.expr(s.Cond); err != nil {
		return err
	}
	exit := g.emit(vm.OpJumpNonZero, 0, 0, p)
	g.emit(vm.OpBackEdge, top, 0, p)
	g.patch(exit, g.here())
	return nil
}

func (g *gen) section(s *lang.SectionStmt) error {
	p := lang.PosOf(s.Pos)
	sec := section{kind: s.Kind, pos: p}
	switch s.Kind {
	case "lazy":
		if err := g.callHook("lazy_mmu_mode_enable", p); err != nil {
			return err
		}
	case "irqoff":
		sec.tmp = g.temp("irqflags")
		g.emit(vm.OpBuiltin, g.builtinIndex("local_irq_save"), 0, p)
		g.emit(vm.OpStoreLocal, sec.tmp, 0, p)
	case "atomic":
		g.emit(vm.OpAtomicBegin, 0, 0, p)
		g.atomic++
	}
	g.sections = append(g.sections, sec)
	if err := g.block(s.Body); err != nil {
		return err
	}
	g.sections = g.sections[:len(g.sections)-1]
	if s.Kind == "atomic" {
		g.atomic--
	}
	return g.leave(sec, lang.PosOf(s.Body.EndPos))
}

func (g *gen) leave(sec section, p lang.Pos) error {
	switch sec.kind {
	case "lazy":
		return g.callHook("lazy_mmu_mode_disable", p)
	case "irqoff":
		g.emit(vm.OpLoadLocal, sec.tmp, 0, p)
		g.emit(vm.OpBuiltin, g.builtinIndex("local_irq_restore"), 1, p)
		g.emit(vm.OpPop, 0, 0, p)
	case "atomic":
		g.emit(vm.OpAtomicEnd, 0, 0, p)
	}
	return nil
}

// callHook calls a zero-argument proc or builtin for lazy { }.
func (g *gen) callHook(name string, p lang.Pos) error {
	if _, ok := g.c.procs[name]; !ok && g.c.reg.Lookup(name) == nil {
		return g.errf(p, "lazy { } calls %s(), which is not defined: add `import \"lazy\"` or define it", name)
	}
	if err := g.call(&lang.Call{P: p, Name: name}); err != nil {
		return err
	}
	g.emit(vm.OpPop, 0, 0, p)
	return nil
}
