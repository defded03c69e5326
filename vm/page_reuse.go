package vm

import "fmt"

// Page reuse (`page_reuse`): a freed page goes on its CPU's free list and
// the CPU's next allocation hands it out again (mmu/page_reuse.go), unless
// the list was drained first. The drain is the explored choice, made the
// way preempt.go makes a context switch one: each CPU gets a drain thread
// with one visible step that empties the CPU's list into the buddy
// allocator. The step reads and writes the list's length, which every free
// and allocation on that CPU also touches, so every search (dfs, dpor, the
// stateful search) orders it against them like any other race, with no
// special case: drained before an allocation, the allocation gets a fresh
// page; after, the page freed last.

// drainThreads counts the drain threads a program needs.
func drainThreads(p *Program, cpus int) int {
	if p.PageReuse {
		return cpus
	}
	return 0
}

// layoutDrain adds one drain thread per CPU, after every other thread so
// that the others keep their numbers.
func (m *Machine) layoutDrain(add func(kind ThreadKind, cpu int, name, label string, proc int)) {
	for i := 0; i < drainThreads(m.prog, len(m.cpus)); i++ {
		add(DrainThread, i, fmt.Sprintf("drain %d", m.cpus[i]), "", -1)
	}
}

// stepDrain runs drain thread d's one step. Like a scheduler thread it is
// enabled until it has stepped, so that a search that runs it late finds
// its race with each allocation and free and tries it earlier.
func (m *Machine) stepDrain(d *thread) {
	m.event(d, -1, m.MMU.DrainPCP(d.cpu))
	d.status = finished
}

// pageReuseWeak refuses page_reuse under a weak model: the weak engine
// explores reads-from choices per CPU and has no drain threads.
func (m *Machine) pageReuseWeak(model string) error {
	if !m.prog.PageReuse {
		return nil
	}
	return &Unsupported{Msg: fmt.Sprintf("%s: page_reuse is not modelled under model %s yet: the reuse choice is a drain thread's step, which the weak engine does not schedule (use model sc)",
		m.posString(m.prog.PageReuseAt), model)}
}
