package vm

import "fmt"

// checkShape checks a program against the budget before anything is
// allocated for it: the number of CPUs, each proc's locals, and that each
// thread's frame (locals plus its deepest expression) fits the stack. It
// fills m.need, which the call instruction checks against the room left.
func (m *Machine) checkShape() error {
	p, l := m.prog, m.limits
	if len(p.Arches) == 0 {
		return fmt.Errorf("%s: the program names no arch", p.File)
	}
	cpus := map[int]bool{}
	for _, ts := range [][]Thread{p.CPUs, p.IRQs} {
		for _, t := range ts {
			if cpus[t.CPU] = true; len(cpus) > l.CPUs {
				return fmt.Errorf("%s: the program has more than %d CPUs (the CPU budget, Limits.CPUs)", p.File, l.CPUs)
			}
		}
	}
	if err := m.checkThreads(len(cpus)); err != nil {
		return err
	}
	depths, err := StackDepths(p)
	if err != nil {
		return fmt.Errorf("%s: internal error: %v", p.File, err)
	}
	m.need = make([]int, len(p.Procs))
	for i, pr := range p.Procs {
		if len(pr.Locals) > l.Locals {
			return fmt.Errorf("%s: %s has %d locals, more than the budget of %d (Limits.Locals)", m.posString(pr.Pos), pr.Name, len(pr.Locals), l.Locals)
		}
		m.need[i] = len(pr.Locals) - pr.NParams + depths[i] + 2
	}
	for _, proc := range m.threadProcs() {
		pr := p.Procs[proc]
		if n := len(pr.Locals) + depths[proc] + 2; n > l.StackWords {
			return fmt.Errorf("%s: %s needs %d stack words (%d locals and an expression %d deep), more than the stack budget of %d words (Limits.StackWords)",
				m.posString(pr.Pos), pr.Name, n, len(pr.Locals), depths[proc], l.StackWords)
		}
	}
	return nil
}

// threadProcs lists the procs a thread starts in: cpu and irq blocks,
// init, the final condition and the filter.
func (m *Machine) threadProcs() []int {
	p := m.prog
	var procs []int
	for _, ts := range [][]Thread{p.CPUs, p.IRQs} {
		for _, t := range ts {
			procs = append(procs, t.Proc)
		}
	}
	if p.Init >= 0 {
		procs = append(procs, p.Init)
	}
	if f := p.Final; f != nil {
		procs = append(procs, f.Proc)
		if f.Filter >= 0 {
			procs = append(procs, f.Filter)
		}
	}
	return procs
}
