package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/arch"
	_ "github.com/mmuvm/mmuvm/arch/arm64" // register the arches
	_ "github.com/mmuvm/mmuvm/arch/x86"
	_ "github.com/mmuvm/mmuvm/arch/xenpv"
)

// Config describes the machine a program needs: its CPUs and its declared
// objects. Slices of names are used to print addresses and handles.
type Config struct {
	Arch        arch.Arch
	CPUs        int      // number of CPUs (dense indexes 0..CPUs-1)
	CPUNames    []string // "CPU 0", … by dense index
	ThreadNames []string // names of the explorer's threads, for messages
	Shared      []NamedWord
	Task        []NamedWord // one instance per CPU
	// Preemptible: some task may migrate, so every CPU also has an idle
	// task with task words of its own (context_switch.go).
	Preemptible bool
	// PageReuse: freed pages go on the freeing CPU's free list and are
	// handed out again, LIFO (page_reuse.go).
	PageReuse bool
	Tables    []string
	MMs       []string // user mms; init_mm is added as mm 0
	Locks     []LockDecl
	Keys      []NamedWord
}

// NamedWord is a declared word and its initial value.
type NamedWord struct {
	Name string
	Init uint64
}

// LockDecl is a declared lock.
type LockDecl struct {
	Name string
	RW   bool
}

// Fault is a violation raised by the machine during a step.
type Fault struct {
	Kind string
	Msg  string
}

// Machine is the simulated hardware and kernel state that opcodes act on.
type Machine struct {
	Arch arch.Arch
	enc  *arch.Encoding
	tr   arch.Traits
	S    *Store
	cfg  Config

	mms    []mmState
	tables []uint64 // base addresses of declared tables
	locks  []lockState

	// Set by the VM around each step so that messages can name who did what.
	Thread int
	StepNo int
	CPU    int // the dense CPU the step runs on: whose free list a free feeds

	// RCUByModel: the weak model states RCU's grace periods (the LKMM);
	// otherwise synchronize_rcu() is a synchronisation protocol (SyncGP)
	RCUByModel bool

	// Budget, if set, is asked by builtins that do much work in one call
	// (map() of many pages) every few thousand pages: a non-empty answer
	// names the budget limit that ran out, and the builtin stops with a
	// limit violation saying so.
	Budget func() string

	fault    *Fault
	initMode bool
	observer bool           // the final condition reads: not as any CPU
	freedAt  map[uint64]int // step at which each freed page was last freed
	prints   []string
}

type mmState struct {
	name string
	pgd  uint64 // physical address of the pgd page
	lock int    // id of its mmap_lock
}

type lockState struct {
	name string
	rw   bool
}

// Global allocation counters live in the store so that they roll back.
var (
	nextTableLoc = cpuLoc(0xff, 0)
	nextDataLoc  = cpuLoc(0xff, 1)
)

// New builds a machine in its declared initial state: shared and task words,
// tables, the pgd of every mm, locks and keys. Init code then runs on it.
func New(cfg Config) (*Machine, error) {
	if cfg.CPUs > maxCPUs {
		return nil, fmt.Errorf("at most %d CPUs are supported, the script has %d", maxCPUs, cfg.CPUs)
	}
	m := &Machine{Arch: cfg.Arch, enc: cfg.Arch.Enc(), tr: cfg.Arch.Traits(), S: newStore(), cfg: cfg, freedAt: map[uint64]int{}}
	if m.tr.SplitHalves {
		m.S.halves = func(l Loc) bool { return m.SplitEntry(uint64(l)) }
	}
	for _, l := range cfg.Locks {
		m.locks = append(m.locks, lockState{name: l.Name, rw: l.RW})
	}
	for i, name := range append([]string{"init_mm"}, cfg.MMs...) {
		pgd := m.allocTable(pageKindPGD, i)
		m.locks = append(m.locks, lockState{name: name + ".mmap_lock", rw: true})
		m.mms = append(m.mms, mmState{name: name, pgd: pgd, lock: len(m.locks) - 1})
	}
	for range cfg.Tables {
		m.tables = append(m.tables, m.allocTable(pageKindDeclared, 0))
	}
	for i, w := range cfg.Shared {
		m.S.Set(Loc(m.SharedAddr(i)), w.Init)
	}
	for c := 0; c < m.taskInstances(); c++ {
		for i, w := range cfg.Task {
			m.S.Set(Loc(m.TaskAddr(c, i)), w.Init)
		}
	}
	for i, k := range cfg.Keys {
		m.S.Set(keyLoc(i), k.Init)
	}
	return m, nil
}

// SharedAddr is the physical address of shared word i.
func (m *Machine) SharedAddr(i int) uint64 { return sharedBase<<12 + 8*uint64(i) }

// TaskAddr is the physical address of task word i of CPU cpu.
func (m *Machine) TaskAddr(cpu, i int) uint64 {
	base := sharedBase<<12 + 8*uint64(len(m.cfg.Shared))
	return base + 8*uint64(cpu*len(m.cfg.Task)+i)
}

// taskInstances is how many instances of the task words there are: one per
// CPU, and one per CPU's idle task when tasks may migrate.
func (m *Machine) taskInstances() int {
	if m.cfg.Preemptible {
		return 2 * m.cfg.CPUs
	}
	return m.cfg.CPUs
}

// TableAddr is the base address of declared table i.
func (m *Machine) TableAddr(i int) uint64 { return m.tables[i] }

// Read and Write access a memory word as a step does (recorded).
func (m *Machine) Read(addr uint64) uint64     { return m.S.Get(Loc(addr)) }
func (m *Machine) Write(addr uint64, v uint64) { m.S.Set(Loc(addr), v) }

// Fail raises a violation for the current step; the first one wins.
func (m *Machine) Fail(kind, format string, args ...any) {
	if m.fault == nil {
		m.fault = &Fault{Kind: kind, Msg: fmt.Sprintf(format, args...)}
	}
}

// TakeFault returns and clears the violation raised since the last call.
func (m *Machine) TakeFault() *Fault {
	f := m.fault
	m.fault = nil
	return f
}

// SetObserver switches observer mode: reads made while evaluating a final
// condition are nobody's, so no CPU's read hazard applies to them.
func (m *Machine) SetObserver(on bool) { m.observer = on }

// SetInit switches init mode: builtins that only init may call are allowed,
// and kernel mappings are made without barriers or queues.
func (m *Machine) SetInit(on bool) { m.initMode = on }

// Mark and Rollback bracket an execution: Rollback returns to the state at Mark.
func (m *Machine) Mark() int { return m.S.Mark() }
func (m *Machine) Rollback(mark int) {
	m.S.Rollback(mark)
	m.S.ResetWatches()
	m.fault = nil
	m.prints = m.prints[:0]
}

func (m *Machine) threadName(t int) string {
	if t >= 0 && t < len(m.cfg.ThreadNames) {
		return m.cfg.ThreadNames[t]
	}
	if t == initThread {
		return "init"
	}
	return fmt.Sprintf("thread %d", t)
}

// initThread is the thread number messages use for init.
const initThread = 63

// CPUs returns the number of CPUs.
func (m *Machine) CPUs() int { return m.cfg.CPUs }

// Per-CPU state the scheduler reads (without recording).

// IRQsOn tells whether cpu accepts interrupts now.
func (m *Machine) IRQsOn(cpu int) bool {
	return m.S.Peek(cpuLoc(cpu, cpuIRQOff)) == 0 && m.S.Peek(cpuLoc(cpu, cpuInIRQ)) == 0
}

// InIRQ tells whether an interrupt handler runs on cpu.
func (m *Machine) InIRQ(cpu int) bool { return m.S.Peek(cpuLoc(cpu, cpuInIRQ)) != 0 }

// NoteCPURuns records, as part of a step of cpu's task, that the task runs:
// the step is then ordered against interrupt entry and exit on that CPU.
func (m *Machine) NoteCPURuns(cpu int) { m.S.Get(cpuLoc(cpu, cpuInIRQ)) }

// RunsLoc is the word NoteCPURuns reads. Only interrupt entry and exit on
// cpu write it, and an interrupt ends before the code it interrupted runs
// again, so that code always finds it as it left it: a loop of cpu's
// cannot wait for it to change.
func (m *Machine) RunsLoc(cpu int) Loc { return cpuLoc(cpu, cpuInIRQ) }

// EnterIRQ and ExitIRQ bracket an interrupt handler on cpu (a step each,
// or part of one).
func (m *Machine) EnterIRQ(cpu int) {
	m.S.Get(cpuLoc(cpu, cpuIRQOff))
	m.S.Set(cpuLoc(cpu, cpuInIRQ), 1)
}

func (m *Machine) ExitIRQ(cpu int) {
	m.S.Set(cpuLoc(cpu, cpuInIRQ), 0)
	m.quiescent(cpu)
}

// FinishCPU marks cpu's task as finished: the CPU idles with IRQs on.
func (m *Machine) FinishCPU(cpu int) {
	if m.S.Get(cpuLoc(cpu, cpuIRQOff)) != 0 {
		m.S.Set(cpuLoc(cpu, cpuIRQOff), 0)
	}
	m.S.Set(cpuLoc(cpu, cpuDone), 1)
	m.quiescent(cpu)
}

// quiescent notes that cpu passed an RCU quiescent state, if it is now in
// no kind of read-side critical section (rcuReader). The count moves only
// when a grace period or a callback waits for it (watchEpoch): a waiter
// asks only whether it moved since its snapshot, so a count that moved on
// every spin_unlock() would make every pass of a loop that takes a lock a
// new state, and the loop an endless run instead of a repeat (vm/spin.go).
func (m *Machine) quiescent(cpu int) {
	if m.rcuReader(cpu) {
		return
	}
	w := cpuLoc(cpu, cpuEpochWatch)
	if m.S.Get(w) == 0 {
		return
	}
	l := cpuLoc(cpu, cpuEpoch)
	m.S.Set(l, m.S.Get(l)+1)
	m.S.Set(w, 0)
}

// watchEpoch snapshots cpu's quiescent-state count for a waiter, which
// is released once the count differs from the value returned.
func (m *Machine) watchEpoch(cpu int) uint64 {
	m.S.Set(cpuLoc(cpu, cpuEpochWatch), 1)
	return m.S.Get(cpuLoc(cpu, cpuEpoch))
}

// Prints returns what print() produced in this execution.
func (m *Machine) Prints() []string { return m.prints }

// Print records a print() line.
func (m *Machine) Print(s string) { m.prints = append(m.prints, s) }
