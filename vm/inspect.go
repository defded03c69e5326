package vm

import "fmt"

// Thread status as the REPL and embedders see it.
type ThreadInfo struct {
	Name   string // "CPU 0", "irq 0", "IPI 0", "sched 0", "drain 0"
	Label  string
	Kind   ThreadKind
	CPU    int    // the script's CPU number of its block (a scheduler thread's: its task's)
	RunsOn int    // the script's CPU number it runs on now (a preemptible task may have moved)
	To     int    // a scheduler thread's: the CPU it resumes the task on; else -1
	Status string // ready, blocked, finished, not fired, idle; a scheduler thread's: undecided, decided
	Line   int    // source line of the next step (0 if none)
	Next   string // what the next step is
}

// Info describes thread i.
func (m *Machine) Info(i int) ThreadInfo {
	t := m.threads[i]
	info := ThreadInfo{Name: t.name, Label: t.label, Kind: t.kind, CPU: m.cpus[t.home], RunsOn: m.cpus[t.cpu], To: -1}
	if t.kind == PreemptThread {
		info.To, info.Status = m.cpus[t.cpu], "undecided"
		if t.status == finished {
			info.Status = "decided"
		}
		return info
	}
	if t.kind == DrainThread {
		info.Status = "undrained"
		if t.status == finished {
			info.Status = "drained"
		}
		return info
	}
	if t.kind == FlushThread {
		return m.flushInfo(t, info)
	}
	switch t.status {
	case ready:
		info.Status = "ready"
	case blocked:
		info.Status = "blocked"
	case finished:
		info.Status = "finished"
	case notStarted:
		info.Status = "not fired"
	}
	if t.kind == IPIThread {
		info.Status = "idle"
		switch {
		case m.MMU.IPIPending(t.cpu) && t.status == blocked:
			info.Status = "IPI pending, waits for the store buffer to drain"
		case m.MMU.IPIPending(t.cpu):
			info.Status = "IPI pending"
		}
		return info
	}
	if (t.status == ready || t.status == blocked) && t.pc < len(m.prog.Code) {
		info.Line = int(m.prog.Pos[t.pc].Line)
		in := m.prog.Code[t.pc]
		switch in.Op {
		case OpBuiltin:
			info.Next = m.builtins[in.A].Name + "()"
		case OpLoadShared, OpStoreShared:
			info.Next = in.Op.String() + " " + m.prog.Shared[in.A].Name
		case OpLoadTask, OpStoreTask:
			info.Next = in.Op.String() + " " + m.prog.Task[in.A].Name
		default:
			info.Next = in.Op.String()
		}
	}
	return info
}

// Register is a named local of a thread's outermost frame.
type Register struct {
	Name  string
	Value uint64
}

// Registers returns the locals of thread i's body (the registers a final
// condition names as N:r), hidden temporaries left out.
func (m *Machine) Registers(i int) []Register {
	t := m.threads[i]
	if t.proc < 0 || t.status == notStarted {
		return nil
	}
	var out []Register
	for slot, name := range m.prog.Procs[t.proc].Locals {
		if name != "" && name[0] != '$' {
			out = append(out, Register{name, t.stack[slot]})
		}
	}
	return out
}

// SetTracing turns recording of trace events on or off.
func (m *Machine) SetTracing(on bool) { m.tracing = on }

// Restart is Reset even when the machine has not moved since the last one,
// so that a trace switched on since shows what runs before the first steps.
func (m *Machine) Restart() {
	m.fresh = false
	m.Reset()
}

// Events returns the trace recorded since the last Reset (with tracing on).
func (m *Machine) Events() []Event { return m.events }

// Steps returns the number of steps taken since the last Reset.
func (m *Machine) Steps() int { return m.steps }

// Final evaluates the final condition on the current state: whether its
// predicate holds and the observed values ("" without a final condition).
func (m *Machine) Final() (bool, string) {
	if m.prog.Final == nil {
		return false, ""
	}
	return m.evalFinal()
}

// Program returns the program the machine runs.
func (m *Machine) Program() *Program { return m.prog }

// CPUIndex maps a script CPU number to the machine's dense CPU index.
func (m *Machine) CPUIndex(cpu int) (int, error) {
	for i, c := range m.cpus {
		if c == cpu {
			return i, nil
		}
	}
	return 0, fmt.Errorf("there is no CPU %d", cpu)
}

// ThreadOf returns the thread number of the task, irq or IPI thread of
// script CPU cpu.
// A task is found by its block's CPU, wherever it runs now; a scheduler
// thread by its task's CPU (the one that resumes it there: see SchedThreadOf).
func (m *Machine) ThreadOf(kind ThreadKind, cpu int) (int, error) {
	for _, t := range m.threads {
		if t.kind == kind && m.cpus[t.home] == cpu {
			return t.id, nil
		}
	}
	if kind > FlushThread {
		return 0, fmt.Errorf("no thread kind %d", kind)
	}
	return 0, fmt.Errorf("there is no %s on CPU %d", [...]string{"cpu block", "irq", "IPI thread", "preemptible cpu block", "page-list drain thread (page_reuse)", "store buffer (model tso)"}[kind], cpu)
}

// SchedThreadOf returns the scheduler thread that switches the task of
// script CPU cpu's preemptible block and resumes it on script CPU to.
func (m *Machine) SchedThreadOf(cpu, to int) (int, error) {
	for _, t := range m.threads {
		if t.kind == PreemptThread && m.cpus[t.home] == cpu && m.cpus[t.cpu] == to {
			return t.id, nil
		}
	}
	if _, err := m.ThreadOf(PreemptThread, cpu); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("the task of CPU %d cannot resume on CPU %d: the script has no such CPU", cpu, to)
}

// RunOn runs proc (a proc of the program with no parameters) to completion
// on script CPU cpu at once, every step in a row, outside any schedule: the
// REPL's way of running a statement typed at the prompt. It returns the
// proc's value and the violation it raised, if any.
func (m *Machine) RunOn(cpu int, proc int) (uint64, *Violation) {
	dense, err := m.CPUIndex(cpu)
	if err != nil {
		return 0, &Violation{Kind: "error", Msg: err.Error(), Thread: -1, Pos: Pos{File: -1}}
	}
	if proc < 0 || proc >= len(m.prog.Procs) || m.prog.Procs[proc].NParams != 0 {
		return 0, &Violation{Kind: "error", Msg: "RunOn needs a proc without parameters", Thread: -1, Pos: Pos{File: -1}}
	}
	m.fresh = false
	id := -3 // no trace rows unless the CPU has a task thread to show them under
	if tid, err := m.ThreadOf(TaskThread, cpu); err == nil {
		id = tid
	}
	t := &thread{id: id, kind: TaskThread, cpu: dense, name: fmt.Sprintf("CPU %d", cpu), proc: proc,
		stack: m.newStack(proc), scratch: make([]uint64, 8+len(m.cpus))}
	m.start(t)
	t.atomic = 1
	saved := m.violation
	m.violation = nil
	m.MMU.Thread, m.MMU.StepNo, m.MMU.CPU = max(id, 0), m.steps, dense
	for t.status == ready && m.violation == nil {
		m.run(t, true)
	}
	v := m.violation
	m.violation = saved
	if t.sp > 0 {
		return t.stack[t.sp-1], v
	}
	return 0, v
}
