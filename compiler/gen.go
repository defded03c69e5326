package compiler

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// gen generates the code of one proc or thread body.
type gen struct {
	c        *compiler
	file     int
	proc     int
	locals   map[string]int
	loops    []*loopCtx
	sections []section
	thread   bool // a cpu/irq body: return ends the thread
	final    bool // the final condition: registers allowed
	atomic   int
	temps    int
}

type loopCtx struct {
	breaks, continues []int
	sections          int // depth of sections when the loop started
}

type section struct {
	kind string // lazy, irqoff, atomic
	tmp  int    // irqoff: the local holding the saved flags
	pos  lang.Pos
}

// generate assigns proc indexes, then emits every body.
func (c *compiler) generate() error {
	p := c.prog
	for _, d := range c.order {
		d.index = len(p.Procs)
		p.Procs = append(p.Procs, vm.Proc{Name: d.item.Name, NParams: len(d.item.Params)})
	}
	c.addIdleCPUs()
	sort.SliceStable(c.threads, func(i, j int) bool {
		a, b := c.threads[i], c.threads[j]
		if a.item.Kind != b.item.Kind {
			return a.item.Kind == "cpu"
		}
		return a.cpu < b.cpu
	})
	for _, t := range c.threads {
		t.index = len(p.Procs)
		p.Procs = append(p.Procs, vm.Proc{Name: fmt.Sprintf("%s %d", t.item.Kind, t.cpu)})
		th := vm.Thread{CPU: t.cpu, Label: t.item.Label, Proc: t.index, Preemptible: t.item.Preemptible}
		if t.item.Kind == "cpu" {
			p.CPUs = append(p.CPUs, th)
		} else {
			p.IRQs = append(p.IRQs, th)
		}
	}
	if len(p.CPUs) == 0 {
		return c.errPos(len(c.files)-1, lang.Pos{File: c.files[len(c.files)-1].Name, Line: 1, Col: 1}, "the script has no cpu block")
	}
	for _, d := range c.order {
		if err := c.genBody(d.index, d.file, d.item.Params, d.item.Body, false); err != nil {
			return err
		}
	}
	for _, t := range c.threads {
		if err := c.genBody(t.index, t.file, nil, t.item.Body, true); err != nil {
			return err
		}
	}
	if c.initBody != nil {
		p.Init = len(p.Procs)
		p.Procs = append(p.Procs, vm.Proc{Name: "init"})
		if err := c.genBody(p.Init, c.initBody.file, nil, c.initBody.block, true); err != nil {
			return err
		}
	}
	if err := c.checkAtomicCalls(); err != nil {
		return err
	}
	if c.final != nil {
		return c.genFinal()
	}
	return nil
}

// addIdleCPUs gives an irq on a CPU without a cpu block an empty task.
func (c *compiler) addIdleCPUs() {
	has := map[int]bool{}
	for _, t := range c.threads {
		if t.item.Kind == "cpu" {
			has[t.cpu] = true
		}
	}
	for _, t := range c.threads {
		if t.item.Kind == "irq" && !has[t.cpu] {
			has[t.cpu] = true
			idle := &lang.ThreadItem{Pos: t.item.Pos, Kind: "cpu", CPU: fmt.Sprint(t.cpu), Label: "idle", Body: &lang.Block{}}
			c.threads = append(c.threads, &threadDecl{item: idle, file: t.file, cpu: t.cpu})
		}
	}
}

func (c *compiler) newGen(proc, file int, params []string) *gen {
	g := &gen{c: c, file: file, proc: proc, locals: map[string]int{}}
	for _, p := range params {
		g.local(p)
	}
	return g
}

func (g *gen) local(name string) int {
	if i, ok := g.locals[name]; ok {
		return i
	}
	i := len(g.locals)
	g.locals[name] = i
	return i
}

func (g *gen) temp(kind string) int {
	g.temps++
	return g.local(fmt.Sprintf("$%s%d", kind, g.temps))
}

func (c *compiler) genBody(proc, file int, params []string, body *lang.Block, thread bool) error {
	g := c.newGen(proc, file, params)
	g.thread = thread
	pr := &c.prog.Procs[proc]
	pr.Entry = len(c.prog.Code)
	pr.Pos = c.vmPos(file, lang.PosOf(body.Pos))
	if err := g.declareLocals(body); err != nil {
		return err
	}
	if err := g.block(body); err != nil {
		return err
	}
	end := lang.PosOf(body.EndPos)
	if thread {
		g.emit(vm.OpEnd, 0, 0, end)
	} else {
		g.emit(vm.OpSmall, 0, 0, end)
		g.emit(vm.OpReturn, 0, 0, end)
	}
	pr.Locals = g.localNames()
	return nil
}

func (g *gen) localNames() []string {
	names := make([]string, len(g.locals))
	for n, i := range g.locals {
		names[i] = n
	}
	return names
}

// declareLocals gives every assigned name that is not a global a slot, so
// that registers exist (and read 0) even on paths that never assign them.
func (g *gen) declareLocals(body *lang.Block) error {
	var err error
	lang.WalkBlock(body, func(s lang.Stmt) {
		if err != nil {
			return
		}
		var name string
		var p lang.Pos
		switch s := s.(type) {
		case *lang.AssignStmt:
			name, p = s.Name, lang.PosOf(s.Pos)
		case *lang.ForStmt:
			name, p = s.Var, lang.PosOf(s.Pos)
		default:
			return
		}
		if _, ok := g.locals[name]; ok {
			return
		}
		if sym, ok := g.c.globals[name]; ok {
			if sym.kind != symShared && sym.kind != symTask {
				err = g.errf(p, "cannot assign to %s, which is %s", name, describe(sym))
			}
			return
		}
		if g.c.reg.Lookup(name) != nil {
			err = g.errf(p, "a local may not take a builtin's name: %s", name)
			return
		}
		if _, ok := g.c.procs[name]; ok {
			err = g.errf(p, "a local may not take a proc's name: %s", name)
			return
		}
		g.local(name)
	})
	return err
}

// at fills in the file of a position the parser left without one.
func (g *gen) at(p lang.Pos) lang.Pos {
	if p.File == "" {
		p.File = g.c.files[g.file].Name
	}
	return p
}

func (g *gen) errf(p lang.Pos, format string, args ...any) *lang.Error {
	return g.c.errPos(g.file, g.at(p), format, args...)
}

func (g *gen) emit(op vm.Op, a int, b int, p lang.Pos) int {
	code := &g.c.prog.Code
	*code = append(*code, vm.Instr{Op: op, A: int32(a), B: uint16(b)})
	g.c.prog.Pos = append(g.c.prog.Pos, g.c.vmPos(g.file, p))
	return len(*code) - 1
}

func (g *gen) here() int { return len(g.c.prog.Code) }

func (g *gen) patch(at, target int) { g.c.prog.Code[at].A = int32(target) }

func (g *gen) konst(v uint64, p lang.Pos) {
	if v < 1<<31 {
		g.emit(vm.OpSmall, int(v), 0, p)
		return
	}
	for i, k := range g.c.prog.Consts {
		if k == v {
			g.emit(vm.OpConst, i, 0, p)
			return
		}
	}
	g.c.prog.Consts = append(g.c.prog.Consts, v)
	g.emit(vm.OpConst, len(g.c.prog.Consts)-1, 0, p)
}

func (g *gen) str(s string) int {
	for i, x := range g.c.prog.Strings {
		if x == s {
			return i
		}
	}
	g.c.prog.Strings = append(g.c.prog.Strings, s)
	return len(g.c.prog.Strings) - 1
}

// builtinIndex returns the program's index for builtin name.
func (g *gen) builtinIndex(name string) int {
	for i, n := range g.c.prog.Builtins {
		if n == name {
			return i
		}
	}
	g.c.prog.Builtins = append(g.c.prog.Builtins, name)
	return len(g.c.prog.Builtins) - 1
}

// sourceText returns the source between two positions on one line, for
// default assert messages.
func (g *gen) sourceText(p lang.Pos) string {
	line := lang.SourceLine(g.c.files[g.file].Src, p.Line)
	if p.Col-1 < len(line) && p.Col > 0 {
		line = line[p.Col-1:]
	}
	if i := strings.Index(line, "//"); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSpace(line)
}
