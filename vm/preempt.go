package vm

import (
	"fmt"

	"github.com/mmuvm/mmuvm/mmu"
)

// Preemption and migration of `preemptible` cpu blocks. Each such task gets
// one scheduler thread per CPU it may resume on (its own, then every other
// CPU of the script). A scheduler thread takes one step per execution: the
// context switch (mmu/context_switch.go), which switches the task out of its
// CPU and resumes it there or on that other CPU, if the kernel could preempt
// the task at that point; otherwise nothing. Being ordinary threads with one
// visible step, the switches are explored like any interleaving choice by
// every search (dfs, dpor, the stateful search) with no special case: the
// decision reads what it depends on and writes a word every step of the task
// reads (mmu.NoteTaskRuns), so it is dependent on each step of its task,
// and a switch writes the CPUs' `current` words, which those steps read too.
//
// A task is switched at most maxPreemptions times an execution, so that
// executions stay finite (a switch in place changes nothing the spin
// detection could see); the irq block's "fires once" is the same kind of
// bound.

// maxPreemptions bounds the context switches of one task in one execution.
const maxPreemptions = 1

// maxThreads is how many threads the searches can tell apart (their sets
// of threads are 64-bit masks).
const maxThreads = 64

// layoutPreempt adds the scheduler threads of the preemptible tasks, after
// every other thread so that the others keep their numbers.
func (m *Machine) layoutPreempt(add func(kind ThreadKind, cpu int, name, label string, proc int)) {
	for i, c := range m.prog.CPUs {
		if !c.Preemptible {
			continue
		}
		task := m.threads[i] // tasks come first, in m.prog.CPUs order
		for _, to := range m.resumeOrder(task.home) {
			add(PreemptThread, to, fmt.Sprintf("sched %d", c.CPU), "", -1)
			s := m.threads[len(m.threads)-1]
			s.task, s.home = task, task.home
		}
	}
}

// resumeOrder lists the CPUs a task of home CPU may resume on: home first.
func (m *Machine) resumeOrder(home int) []int {
	out := []int{home}
	for c := range m.cpus {
		if c != home {
			out = append(out, c)
		}
	}
	return out
}

// preemptThreads counts the scheduler threads a program needs.
func preemptThreads(p *Program, cpus int) int {
	n := 0
	for _, c := range p.CPUs {
		if c.Preemptible {
			n += cpus
		}
	}
	return n
}

// checkThreads refuses a program with more threads than the searches can
// tell apart.
func (m *Machine) checkThreads(cpus int) error {
	n := len(m.prog.CPUs) + len(m.prog.IRQs) + cpus + preemptThreads(m.prog, cpus) + drainThreads(m.prog, cpus) + m.flushThreads(cpus)
	if n <= maxThreads {
		return nil
	}
	where := m.prog.File
	for _, c := range m.prog.CPUs {
		if c.Preemptible {
			where = m.posString(m.prog.Procs[c.Proc].Pos)
			break
		}
	}
	return fmt.Errorf("%s: the program needs %d threads (%d of them schedule preemptible tasks, one per task and CPU), more than the %d the searches handle: make fewer blocks preemptible",
		where, n, preemptThreads(m.prog, cpus), maxThreads)
}

// stepPreempt runs scheduler thread s's one step: the context switch if
// the task can be switched now (the kernel could preempt it here), else
// nothing but the reads and the write that order the decision against the
// task's steps. A scheduler thread is enabled until it has stepped, whatever
// its task does, so that a search that runs it late finds its race with
// each step of the task and tries it earlier (DPOR reverses races between
// steps that ran; it never sees a thread that was never enabled again).
func (m *Machine) stepPreempt(s *thread) {
	t := s.task
	why := m.notHere(t)
	if why == "" && m.storeBuffers && !m.MMU.BuffersEmpty(t.cpu, s.cpu) {
		// __schedule() takes the runqueue locks (locked instructions):
		// under tso it switches only once both CPUs' stores are in memory
		why = "a store buffer is not empty"
	}
	desc, switched := m.MMU.ContextSwitch(t.home, t.cpu, s.cpu, maxPreemptions, why)
	if switched {
		t.cpu = s.cpu
	}
	m.event(s, -1, desc)
	s.status = finished
}

// notHere says why task t is at no point where it could be preempted, or
// "" if it is: the VM's part of the conditions (the machine's are in
// mmu.ContextSwitch).
func (m *Machine) notHere(t *thread) string {
	switch {
	case t.status == finished:
		return "the task has finished"
	case t.atomic != 0:
		return "the task is inside atomic { }"
	case t.inBuiltin:
		if in := m.prog.Code[t.pc]; in.Op == OpBuiltin {
			return "the task is between the steps of " + m.builtins[in.A].Name + "()"
		}
		return "the task is between the steps of a builtin"
	}
	return ""
}

// notePreemptible makes a step of a preemptible task read its CPU's
// `current` word, which a switch writes, and the word every decision about
// the task writes (mmu.NoteTaskRuns): the step and each decision are then
// dependent, whatever else the step touches (which CPU's TLB, lazy state
// and preempt_count it uses depends on where the task runs).
func (m *Machine) notePreemptible(t *thread) {
	if t.kind == TaskThread && t.id >= 0 && t.id < len(m.prog.CPUs) && m.prog.CPUs[t.id].Preemptible {
		m.MMU.NoteTaskRuns(t.home, t.cpu)
	}
}

// taskInstance is the task-word instance thread t uses: a task its own
// (it follows the task), an irq that of the task running on its CPU.
func (m *Machine) taskInstance(t *thread) int {
	if !m.preemptible {
		return t.cpu
	}
	if t.kind == TaskThread {
		if t.id < 0 { // init
			return t.cpu
		}
		return t.home
	}
	return m.MMU.TaskInstance(t.cpu)
}

// preemptibleConfig tells the machine that tasks may migrate.
func (m *Machine) preemptibleConfig(cfg *mmu.Config) {
	m.preemptible = preemptThreads(m.prog, 1) > 0
	cfg.Preemptible = m.preemptible
}
