package compiler

import (
	"fmt"

	"mmuvm/lang"
	"mmuvm/vm"
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
	c.prog.Final = &vm.Final{Kind: kind, Proc: idx, Observed: c.observed(f.item.Cond)}
	return nil
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
			for slot, n := range c.prog.Procs[c.prog.CPUs[ti].Proc].Locals {
				if n == e.Name {
					out = append(out, vm.Observed{Label: label, Thread: ti, Slot: slot, Shared: -1})
				}
			}
		case *lang.Name:
			if s, ok := c.globals[e.Name]; ok && s.kind == symShared && !seen[e.Name] {
				seen[e.Name] = true
				out = append(out, vm.Observed{Label: e.Name, Thread: -1, Shared: s.index})
			}
		case *lang.Unary:
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
