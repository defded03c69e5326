package vm

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
	"time"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/mmu"
)

// ThreadKind says what a schedulable thread is.
type ThreadKind uint8

const (
	TaskThread    ThreadKind = iota // a cpu block
	IRQThread                       // an irq block: fires once when its CPU has IRQs on
	IPIThread                       // a CPU answering IPIs (TLB flush, sync)
	PreemptThread                   // switches a preemptible task out, to resume it on a CPU (preempt.go)
	DrainThread                     // drains a CPU's free-page list, under page_reuse (page_reuse.go)
	FlushThread                     // moves a CPU's oldest buffered store to memory, under tso (storebuf.go)
)

type threadStatus uint8

const (
	ready threadStatus = iota
	blocked
	finished
	notStarted // an irq that has not fired
)

// Machine runs executions of a Program on one arch, one visible step at a
// time. Reset returns it to the state right after init.
type Machine struct {
	prog       *Program
	Arch       arch.Arch
	MMU        *mmu.Machine
	builtins   []*mmu.Builtin
	stepAt     []bool       // instruction i is a visible step
	counted    map[int]bool // the heads of counted loops, which cannot spin (counted.go)
	endless    map[int]bool // the heads of loops with no way out (endless.go)
	code       []Instr      // the program's code with superinstructions (fuse.go)
	fx         []fused      // operands of the superinstructions
	threads    []*thread
	cpus       []int // script CPU number by dense index
	limits     Limits
	mark       int   // store mark after init
	need       []int // stack words a call of each proc needs above its arguments (shape.go)
	budget     budget
	condStack  []uint64 // the final condition's and the filter's stack
	stackBytes int64    // what the threads' stacks hold (noteStacks)

	fresh      bool // in the state Reset gives: a Reset can be skipped
	steps      int
	totalSteps int // every step ever run, replays included: the searches' work
	violation  *Violation
	hostPanic  *HostPanic
	callBuf    mmu.Call // the arguments of the builtin being called
	printed    int      // print() calls traced in this execution
	tracing    bool
	events     []Event
	lastFP     []uint64  // footprint of the last step
	stepMark   int       // the store's undo mark when the step in progress began
	stepPC     int       // the pc of the thread whose step is in progress, when it began
	weakRec    *recorder // the weak-model recorder of a CPU run alone, or nil

	en    enabledSet // the threads that can step (enabled.go)
	woken uint64     // the threads the last step woke

	preemptible bool // some cpu block is preemptible (preempt.go)

	storeBuffers bool   // operational x86-TSO: a store buffer per CPU (storebuf.go)
	ordered      []bool // under store buffers: builtin i drains its CPU's buffer
}

type thread struct {
	id     int
	kind   ThreadKind
	cpu    int     // dense CPU index: where it runs now
	home   int     // dense CPU index of its block (a task's never changes)
	task   *thread // a scheduler thread's task (PreemptThread)
	name   string
	label  string
	proc   int
	status threadStatus

	pc     int
	sp     int
	fp     int
	stack  []uint64
	frames []frame

	phase     int // of a multi-step builtin in progress
	inBuiltin bool
	drainWait bool // blocked until its CPU's store buffer drains (storebuf.go)
	pureWait  bool // and the step that blocked it did nothing else (drain_wait.go)
	scratch   []uint64
	atomic    int

	// dependency tracking under a weak model: the reads each stack slot's
	// value depends on (see recorder), and those that fed a branch taken
	taint   []uint64
	ctrl    uint64
	ptaint  []uint64 // the reads each value depends on through a pick (csel, cas)
	pctrl   uint64
	scopes  []ctrlScope // C's control dependencies: the branches not yet joined (lkmm)
	branchT uint64      // reads that fed branches since the last loop back-edge
	// waitT is every read a builtin that may wait, or a step of one that
	// did not finish it, made so far, and every read that fed a branch
	// that can leave a loop: the thread's later events exist only on
	// their values, with the branches not yet joined (ctrl, pctrl;
	// incremental.go)
	waitT uint64
	// allCtrl is every read that fed a branch so far, joined or not: the
	// larger prefix a revisit under the LKMM also tries (incr.revisits)
	allCtrl uint64
	// vid is each stack slot's value identity (valueid.go), vids the
	// last one given; sctrl is ctrl and pctrl without the branches on
	// values no read changes
	vid   []uint64
	vids  uint64
	sctrl uint64

	// spin detection
	hot      int // index in spins of the loop passed last, -1 if none
	spins    []spinRec
	reads    []readRec
	writes   int
	stepsRun int
	passes   int
	moves    int // steps that did more than wait (block, writing nothing): repeats

	hash   uint64 // contextHash, while hashOK: until the thread runs again
	hashOK bool
}

type frame struct {
	retPC, fp, proc int
}

type spinRec struct {
	pc        int
	hash      uint64
	readStart int
	writes    int
	stepsRun  int
	// the machine at the passes with visible steps (repeats): how many,
	// and the whole machine's hash at the last power of two of them and
	// at the last one
	passes      int
	mhash, prev uint64
	// othersMoves at the last pass and at the power of two, and where in
	// reads the passes after that one start: a cycle of passes that finds
	// othersMoves the same went round alone (repeats)
	others, mothers int
	mreads          int
}

// readRec is a location a thread's step read, or wrote, and the value
// it held after the step.
type readRec struct {
	loc   mmu.Loc
	val   uint64
	wrote bool
}

// NewMachine builds a machine for prog on the named arch, runs init, and
// leaves it ready for its first execution. It checks the program against
// the budget first (CPUs, locals, stack), so that nothing is allocated for
// a program the limits refuse.
func NewMachine(prog *Program, archName string, reg *mmu.Registry, limits Limits) (m *Machine, err error) {
	defer recoverAs("vm.NewMachine", &err)
	return newMachine(prog, archName, reg, limits, nil, 0, false)
}

// NewMachineFor builds a machine as Check would for cfg: its arch (the
// script's first when cfg.Arch is empty), builtins and limits, and under
// model tso (unless cfg.Search is "graph") the store buffers and their
// flush threads. The weak models the graph engine checks have no machine
// of their own: for them it is an error.
func NewMachineFor(prog *Program, cfg Config) (m *Machine, err error) {
	defer recoverAs("vm.NewMachineFor", &err)
	if err := defaultArch(prog, &cfg); err != nil {
		return nil, err
	}
	model, err := ModelFor(prog, cfg)
	if err != nil {
		return nil, err
	}
	if model != "sc" && !operationalTSO(prog, model, cfg) {
		return nil, fmt.Errorf("model %s has no interleaving machine: it is checked on execution graphs", model)
	}
	return newMachine(prog, cfg.Arch, cfg.Builtins, cfg.Limits, nil, 0, operationalTSO(prog, model, cfg))
}

// newMachine is NewMachine under a context: its end stops init, and every
// execution run later, with a limit violation.
// With storeBuffers, it runs under operational x86-TSO (storebuf.go).
func newMachine(prog *Program, archName string, reg *mmu.Registry, limits Limits, ctx context.Context, timeout time.Duration, storeBuffers bool) (*Machine, error) {
	if prog == nil {
		return nil, fmt.Errorf("no program")
	}
	a, err := arch.Lookup(archName)
	if err != nil {
		return nil, err
	}
	if reg == nil {
		reg = mmu.Builtins()
	}
	m := &Machine{prog: prog, Arch: a, limits: limits.withDefaults(), storeBuffers: storeBuffers}
	if ctx != nil {
		m.budget.ctx, m.budget.done, m.budget.timeout, m.budget.start = ctx, ctx.Done(), timeout, time.Now()
	}
	if err := m.checkShape(); err != nil {
		return nil, err
	}
	for _, name := range prog.Builtins {
		b := reg.Lookup(name)
		if b == nil {
			return nil, fmt.Errorf("the program calls builtin %s, which this registry does not have", name)
		}
		m.builtins = append(m.builtins, b)
	}
	m.stepAt = make([]bool, len(prog.Code))
	for i, in := range prog.Code {
		m.stepAt[i] = m.isStep(in)
	}
	m.fuse()
	m.layoutThreads()
	m.noteStacks()
	if m.MMU, err = mmu.New(m.mmuConfig()); err != nil {
		return nil, err
	}
	m.MMU.Budget = m.budgetMsg
	if err := m.runInit(); err != nil {
		return nil, err
	}
	m.MMU.S.ForgetUndo() // nothing rolls back into init
	m.useStoreBuffers()
	m.mark = m.MMU.Mark()
	m.Reset()
	return m, nil
}

// layoutThreads numbers CPUs densely and creates the task, irq and IPI
// threads: tasks first (in CPU order), then irqs, then IPI handlers.
func (m *Machine) layoutThreads() {
	seen := map[int]bool{}
	for _, t := range m.prog.CPUs {
		if !seen[t.CPU] {
			seen[t.CPU] = true
			m.cpus = append(m.cpus, t.CPU)
		}
	}
	sort.Ints(m.cpus)
	dense := map[int]int{}
	for i, c := range m.cpus {
		dense[c] = i
	}
	add := func(kind ThreadKind, cpu int, name, label string, proc int) {
		m.threads = append(m.threads, &thread{
			id: len(m.threads), kind: kind, cpu: cpu, home: cpu, name: name, label: label, proc: proc,
			stack: m.newStack(proc), scratch: make([]uint64, 8+len(m.cpus)),
		})
	}
	for _, t := range m.prog.CPUs {
		add(TaskThread, dense[t.CPU], fmt.Sprintf("CPU %d", t.CPU), t.Label, t.Proc)
	}
	for _, t := range m.prog.IRQs {
		add(IRQThread, dense[t.CPU], fmt.Sprintf("irq %d", t.CPU), t.Label, t.Proc)
	}
	for i, c := range m.cpus {
		add(IPIThread, i, fmt.Sprintf("IPI %d", c), "", -1)
	}
	m.layoutPreempt(add)
	m.layoutDrain(add)
	m.layoutFlush(add)
}

func (m *Machine) mmuConfig() mmu.Config {
	cfg := mmu.Config{Arch: m.Arch, CPUs: len(m.cpus), Tables: m.prog.Tables, MMs: m.prog.MMs}
	for _, c := range m.cpus {
		cfg.CPUNames = append(cfg.CPUNames, fmt.Sprint(c))
	}
	for _, t := range m.threads {
		cfg.ThreadNames = append(cfg.ThreadNames, t.name)
	}
	for _, v := range m.prog.Shared {
		cfg.Shared = append(cfg.Shared, mmu.NamedWord{Name: v.Name, Init: v.Init})
	}
	for _, v := range m.prog.Task {
		cfg.Task = append(cfg.Task, mmu.NamedWord{Name: v.Name, Init: v.Init})
	}
	m.preemptibleConfig(&cfg)
	cfg.PageReuse = m.prog.PageReuse
	for _, v := range m.prog.Keys {
		cfg.Keys = append(cfg.Keys, mmu.NamedWord{Name: v.Name, Init: v.Init})
	}
	for _, l := range m.prog.Locks {
		cfg.Locks = append(cfg.Locks, mmu.LockDecl{Name: l.Name, RW: l.Kind == RWSem})
	}
	return cfg
}

// runInit runs the init block alone, every step at once.
func (m *Machine) runInit() error {
	if m.prog.Init < 0 {
		return nil
	}
	t := &thread{id: -1, kind: TaskThread, name: "init", proc: m.prog.Init,
		stack: m.newStack(m.prog.Init), scratch: make([]uint64, 8+len(m.cpus))}
	m.start(t)
	m.MMU.SetInit(true)
	defer m.MMU.SetInit(false)
	for steps := 0; t.status == ready; steps++ {
		if steps >= m.limits.Steps {
			return fmt.Errorf("%s: init ran %d visible steps (the step bound, --max-steps)", m.posString(m.prog.Pos[t.pc]), m.limits.Steps)
		}
		m.run(t, true)
		if m.violation != nil {
			return fmt.Errorf("%s: init: %s", m.posString(m.violation.Pos), m.violation.Msg)
		}
		if t.status == blocked {
			return fmt.Errorf("%s: init: blocks, but init runs alone", m.posString(Pos{File: -1}))
		}
	}
	return nil
}

// start puts t at the entry of its proc with zeroed locals.
func (m *Machine) start(t *thread) {
	p := &m.prog.Procs[t.proc]
	t.pc, t.fp, t.sp = p.Entry, 0, len(p.Locals)
	clear(t.stack[:t.sp])
	t.frames = t.frames[:0]
	t.status = ready
	m.en.ok = false
	t.phase, t.inBuiltin, t.atomic = 0, false, 0
	t.spins, t.reads, t.hot = t.spins[:0], t.reads[:0], -1
	t.writes, t.stepsRun, t.passes = 0, 0, 0
	t.hashOK = false
}

// Reset returns the machine to its state after init, every task at its
// first visible step and every irq not yet fired.
func (m *Machine) Reset() {
	if m.fresh {
		return
	}
	m.fresh = true
	m.en.ok = false
	m.MMU.Rollback(m.mark)
	m.steps = 0
	m.violation = nil
	m.events = m.events[:0]
	m.printed = 0
	for _, t := range m.threads {
		t.moves = 0
		switch t.kind {
		case TaskThread:
			t.cpu = t.home
			m.start(t)
			m.run(t, false)
		case IRQThread:
			t.status = notStarted
		case IPIThread, PreemptThread, DrainThread, FlushThread:
			t.status = ready
		}
	}
}

// Threads returns the number of schedulable threads.
func (m *Machine) Threads() int { return len(m.threads) }

// ThreadName names thread i ("CPU 0", "irq 0", "IPI 1").
func (m *Machine) ThreadName(i int) string { return m.threads[i].name }

// Enabled appends to buf the threads that can take a step now.
func (m *Machine) Enabled(buf []int) []int {
	buf = buf[:0]
	if m.violation != nil {
		return buf
	}
	for mask := m.enabledMask(); mask != 0; mask &= mask - 1 {
		buf = append(buf, bits.TrailingZeros64(mask))
	}
	return buf
}

func (m *Machine) enabled(t *thread) bool {
	switch t.kind {
	case TaskThread:
		return t.status == ready && !m.MMU.InIRQ(t.cpu)
	case IRQThread:
		if t.status == notStarted {
			return m.MMU.IRQsOn(t.cpu)
		}
		return t.status == ready
	case PreemptThread, DrainThread:
		return t.status == ready
	case FlushThread:
		return m.MMU.Buffered(t.cpu) > 0
	default: // an IPI thread: blocked while it waits for its CPU's store buffer (storebuf.go)
		return t.status != blocked && m.MMU.IRQsOn(t.cpu) && m.MMU.IPIPending(t.cpu)
	}
}

// Violation returns the violation of the current execution, if any.
func (m *Machine) Violation() *Violation { return m.violation }

// Footprint returns the locations the last step touched (loc<<1 | write).
func (m *Machine) Footprint() []uint64 { return m.lastFP }

// Step runs one visible step of thread id, which must be enabled now.
func (m *Machine) Step(id int) (err error) {
	defer recoverAs("vm.Machine.Step", &err)
	if id < 0 || id >= len(m.threads) || !m.enabled(m.threads[id]) {
		return fmt.Errorf("thread %d cannot take a step now (enabled: %v)", id, m.Enabled(nil))
	}
	m.step(id)
	return nil
}

// step runs one visible step of thread id (enabled).
func (m *Machine) step(id int) {
	t := m.threads[id]
	m.fresh = false
	m.steps++
	m.totalSteps++
	m.MMU.Thread, m.MMU.StepNo, m.MMU.CPU = id, m.steps, t.cpu
	t.drainWait = false
	if m.storeBuffers {
		m.MMU.SetProgramCPU(programCPU(t))
		m.MMU.ResetOrdered()
		m.MMU.TraceStoreBuffers(m.tracing)
	}
	mark, enOK := m.MMU.Mark(), m.en.ok
	m.stepMark, m.stepPC = mark, t.pc
	m.MMU.S.StartStep()
	switch {
	case t.kind == IPIThread:
		m.stepIPI(t)
	case t.kind == PreemptThread:
		m.stepPreempt(t)
	case t.kind == DrainThread:
		m.stepDrain(t)
	case t.kind == FlushThread:
		m.stepFlush(t)
	case t.status == notStarted:
		m.MMU.EnterIRQ(t.cpu)
		m.event(t, -1, "interrupt: "+orDefault(t.label, t.name))
		m.start(t)
		m.run(t, false)
	default:
		if t.kind == TaskThread {
			m.MMU.NoteCPURuns(t.cpu)
			m.notePreemptible(t)
		}
		m.run(t, true)
	}
	m.lastFP = m.MMU.S.EndStep()
	if m.storeBuffers && m.tracing {
		m.noteStaleReads(t)
	}
	m.afterStep(t)
	m.updateEnabled(t, mark, m.woken, enOK)
}

func orDefault(s, d string) string {
	if s != "" {
		return s
	}
	return d
}

// afterStep records what the step read and wrote (for spin detection),
// wakes threads whose watched locations changed, and checks the step
// bound.
func (m *Machine) afterStep(t *thread) {
	t.hashOK = false // its context, or only its reads and writes, changed
	if m.MMU.Mark() != m.stepMark {
		// the step changed the store (a write of the value a word already
		// held leaves no undo record): the spin rule's "wrote nothing"
		t.writes++
	}
	if t.status != blocked || m.MMU.Mark() != m.stepMark {
		t.moves++
	}
	if len(t.spins) > 0 { // only a spin record's window looks at them
		for _, f := range m.lastFP {
			loc := m.MMU.S.Origin(mmu.Loc(f >> 1))
			t.reads = append(t.reads, readRec{loc, m.MMU.S.Peek(loc), f&1 != 0})
		}
	}
	t.stepsRun++
	m.woken = m.MMU.S.Woken()
	if w := m.woken; w != 0 {
		for _, o := range m.threads {
			if w&(1<<uint(o.id)) != 0 && o.status == blocked {
				o.status = ready
			}
		}
	}
	if f := m.MMU.TakeFault(); f != nil && m.violation == nil {
		m.fail(t, f.Kind, f.Msg)
	}
	if m.violation == nil && !(m.charge(stepWork) && m.memOK()) {
		m.fail(t, "limit", m.budget.exceeded)
	}
	if m.violation == nil && m.steps >= m.limits.Steps {
		m.fail(t, "limit", fmt.Sprintf("the execution reached %d visible steps (the step bound)", m.limits.Steps))
	}
}

// Done tells whether the execution is over (no thread can step).
func (m *Machine) Done() bool { return m.enabledMask() == 0 }

// Finish checks the end of an execution: deadlock (threads left that
// cannot step) and locks still held.
func (m *Machine) Finish() {
	if m.violation != nil {
		return
	}
	var stuck []string
	for _, t := range m.threads {
		if (t.kind != IPIThread && t.kind != PreemptThread && t.kind != DrainThread && t.kind != FlushThread && t.status != finished && t.status != notStarted) || (t.kind == IRQThread && t.status == notStarted) {
			stuck = append(stuck, m.waitingFor(t))
		}
	}
	if len(stuck) > 0 {
		m.fail(nil, "deadlock", "no CPU can make progress: "+joinSemi(stuck))
		return
	}
	if held := m.MMU.LocksHeld(); len(held) > 0 {
		m.fail(nil, "lock", "lock held at the end: "+joinSemi(held))
	}
}
