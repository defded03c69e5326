package compiler

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// genFinal compiles the final condition as a proc returning 0 or 1, and
// lists the terms shown in the final states.
func (c *compiler) genFinal() error {
	f := c.final
	kind := map[string]vm.FinalKind{"exists": vm.Exists, "~exists": vm.NotExists, "forall": vm.Forall}[f.item.Kind]
	idx := len(c.prog.Procs)
	c.prog.Procs = append(c.prog.Procs, vm.Proc{Name: "final"})
	g := c.newGen(idx, f.file, nil)
	g.final = true
	pr := &c.prog.Procs[idx]
	p := lang.PosOf(f.item.Pos)
	pr.Entry = len(c.prog.Code)
	pr.Pos = c.vmPos(f.file, p)
	if err := g.expr(f.item.Cond); err != nil {
		return err
	}
	g.emit(vm.OpReturn, 0, 0, p)
	pr.Locals = g.localNames()
	obs := c.observed(f.item.Cond)
	for _, l := range c.locs {
		for _, t := range l.Terms {
			if err := c.checkObservable(f.file, t); err != nil {
				return err
			}
			obs = mergeObserved(obs, c.observed(t))
		}
	}
	c.prog.Final = &vm.Final{Kind: kind, Proc: idx, Observed: obs, Filter: -1}
	if c.filter != nil {
		fp, err := c.genCondProc("filter", c.filterFi, c.filter.Pos, c.filter.Cond)
		if err != nil {
			return err
		}
		c.prog.Final.Filter = fp
	}
	return nil
}

// genCondProc compiles a condition on the final state (filter) as a proc.
func (c *compiler) genCondProc(name string, file int, pos lexer.Position, cond lang.Expr) (int, error) {
	idx := len(c.prog.Procs)
	c.prog.Procs = append(c.prog.Procs, vm.Proc{Name: name})
	g := c.newGen(idx, file, nil)
	g.final = true
	pr := &c.prog.Procs[idx]
	p := lang.PosOf(pos)
	pr.Entry = len(c.prog.Code)
	pr.Pos = c.vmPos(file, p)
	if err := g.expr(cond); err != nil {
		return 0, err
	}
	g.emit(vm.OpReturn, 0, 0, p)
	pr.Locals = g.localNames()
	return idx, nil
}

// checkObservable accepts the terms a `locations` line may list: a shared
// word or a CPU's register.
func (c *compiler) checkObservable(file int, t lang.Expr) error {
	switch t := t.(type) {
	case *lang.Reg:
		return nil
	case *lang.Name:
		if s, ok := c.globals[t.Name]; ok && s.kind == symShared {
			return nil
		}
		return c.errPos(file, t.P, "locations lists shared words and registers (N:r); %s is neither", t.Name)
	}
	return c.errPos(file, t.Position(), "locations lists shared words and registers (N:r)")
}

func mergeObserved(a, b []vm.Observed) []vm.Observed {
	for _, o := range b {
		dup := false
		for _, x := range a {
			dup = dup || x.Label == o.Label
		}
		if !dup {
			a = append(a, o)
		}
	}
	return a
}

// observed collects the registers and shared words a condition names.
func (c *compiler) observed(e lang.Expr) []vm.Observed {
	var out []vm.Observed
	seen := map[string]bool{}
	var walk func(e lang.Expr)
	walk = func(e lang.Expr) {
		switch e := e.(type) {
		case *lang.Reg:
			label := fmt.Sprintf("%d:%s", e.CPU, e.Name)
			if seen[label] {
				return
			}
			seen[label] = true
			ti := c.prog.CPUIndex(e.CPU)
			o := vm.Observed{Label: label, Thread: ti, Slot: vm.NeverAssigned, Shared: -1}
			for slot, n := range c.prog.Procs[c.prog.CPUs[ti].Proc].Locals {
				if n == e.Name {
					o.Slot = slot
				}
			}
			// a register the CPU never assigns is 0, and shown as herd
			// shows it (1:r=0), not left out
			out = append(out, o)
		case *lang.Name:
			if s, ok := c.globals[e.Name]; ok && s.kind == symShared && !seen[e.Name] {
				seen[e.Name] = true
				out = append(out, vm.Observed{Label: e.Name, Thread: -1, Shared: s.index})
			}
		case *lang.Unary:
			if _, isName := e.X.(*lang.Name); e.Op == "&" && isName {
				return // &y is y's address: y's value is not observed (herd shows 0:r1=y alone)
			}
			walk(e.X)
		case *lang.Binary:
			walk(e.X)
			walk(e.Y)
		case *lang.Call:
			for _, a := range e.Args {
				walk(a)
			}
		}
	}
	walk(e)
	return out
}
