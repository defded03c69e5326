package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// Execution control: :step, :irq, :run, :replay. Every step taken is
// appended to the log, so a later recompile can replay it.

// cmdStep: `:step [cpu|irq|ipi] [N] [COUNT]`.
func (s *Session) cmdStep(args []string) error {
	kind, explicit := vm.TaskThread, false
	if len(args) > 0 {
		switch args[0] {
		case "cpu", "irq", "ipi":
			kind = map[string]vm.ThreadKind{"cpu": vm.TaskThread, "irq": vm.IRQThread, "ipi": vm.IPIThread}[args[0]]
			explicit = true
			args = args[1:]
		}
	}
	cpu, count := s.cpu, 1
	nums, err := ints(args, 2)
	if err != nil {
		return fmt.Errorf("usage: :step [cpu|irq|ipi] [N] [COUNT]: %w", err)
	}
	if len(nums) > 0 {
		cpu = nums[0]
	}
	if len(nums) > 1 {
		count = nums[1]
	}
	for i := 0; i < count; i++ {
		id, err := s.pick(cpu, kind, explicit)
		if err != nil {
			if i > 0 {
				s.note("stopped after %d step(s)", i)
			}
			return err
		}
		s.stepShow(id)
		if s.cur.m.Violation() != nil {
			return nil
		}
	}
	s.showThread(s.threadOrNone(vm.TaskThread, cpu))
	return nil
}

// pick chooses the thread a step of CPU cpu takes. Given a kind, that
// thread. Otherwise what the CPU itself would do next: an interrupt
// handler in progress, else a pending IPI it can take now (hardware takes
// the interrupt before the next instruction: this is how `:step 0`
// answers the IPI static_branch_enable() on another CPU waits for), else
// its cpu block. Use `:step cpu N` to run the block past a pending IPI.
func (s *Session) pick(cpu int, kind vm.ThreadKind, explicit bool) (int, error) {
	m := s.cur.m
	if m.Violation() != nil {
		return 0, errors.New("the execution has ended with a violation (:trace shows it; :reset starts again)")
	}
	if _, err := m.CPUIndex(cpu); err != nil {
		return 0, err
	}
	enabled := m.Enabled(nil)
	can := func(k vm.ThreadKind) (int, bool) {
		id, err := m.ThreadOf(k, cpu)
		return id, err == nil && contains(enabled, id) && (k != vm.IRQThread || m.Info(id).Status != "not fired")
	}
	if explicit {
		id, err := m.ThreadOf(kind, cpu)
		if err != nil {
			return 0, err
		}
		if !contains(enabled, id) {
			return 0, s.cannot(id, enabled)
		}
		return id, nil
	}
	for _, k := range []vm.ThreadKind{vm.IRQThread, vm.IPIThread, vm.TaskThread} {
		if id, ok := can(k); ok {
			return id, nil
		}
	}
	id, err := m.ThreadOf(vm.TaskThread, cpu)
	if err != nil {
		return 0, err
	}
	return 0, s.cannot(id, enabled)
}

// cannot explains why thread id cannot step, and what can.
func (s *Session) cannot(id int, enabled []int) error {
	m := s.cur.m
	info := m.Info(id)
	why := info.Status
	if info.Next != "" && info.Line > 0 {
		why += fmt.Sprintf(" at line %d in %s", info.Line, info.Next)
	}
	if info.Kind == vm.IRQThread && info.Status == "not fired" {
		why = "not fired (:irq fires it)"
	}
	var names []string
	for _, e := range enabled {
		names = append(names, m.ThreadName(e))
	}
	if len(names) == 0 {
		names = []string{"nothing"}
	}
	return fmt.Errorf("%s cannot step now: %s (can step: %s)", info.Name, why, strings.Join(names, ", "))
}

// stepShow takes one step of thread id on the live machine, logs it and
// prints what it read and wrote.
func (s *Session) stepShow(id int) {
	evs := s.step(id)
	for _, e := range evs {
		s.showEvent(e)
	}
	s.afterSteps()
}

// step takes one step and returns its trace events.
func (s *Session) step(id int) []vm.Event {
	m := s.cur.m
	before := len(m.Events())
	info := m.Info(id)
	if err := m.Step(id); err != nil {
		return nil // pick and the callers only pass enabled threads
	}
	s.record(action{kind: actStep, thread: info.Kind, cpu: info.CPU, to: info.To})
	return append([]vm.Event(nil), m.Events()[before:]...)
}

// afterSteps reports a violation, or runs the end checks once nothing
// can step (they find deadlocks and locks held at the end).
func (s *Session) afterSteps() {
	m := s.cur.m
	if v := m.Violation(); v != nil {
		s.showViolation(v, s.cur.prog)
		return
	}
	if !m.Done() {
		return
	}
	m.Finish()
	s.record(action{kind: actFinish})
	if v := m.Violation(); v != nil {
		s.showViolation(v, s.cur.prog)
		return
	}
	s.note("the execution is over: no violation")
	if holds, final := m.Final(); final != "" {
		s.note("final state: %s (condition predicate %v)", final, holds)
	}
}

// showEvent prints one trace row: step, thread, line, what happened.
func (s *Session) showEvent(e vm.Event) {
	where := vm.EventWhere(s.cur.prog, e.Pos)
	fmt.Fprintf(s.out, "%5d  %-6s %s%s\n", e.Step, s.cur.m.ThreadName(e.Thread), where, vm.Printable(e.Text))
}

// showViolation prints a violation with its position.
func (s *Session) showViolation(v *vm.Violation, prog *vm.Program) {
	fmt.Fprintf(s.out, "%s: %s\n", s.st.Apply(s.st.Bad, v.Kind), vm.Printable(v.Msg))
	if v.Pos.File >= 0 && int(v.Pos.File) < len(prog.Files) {
		fmt.Fprintf(s.out, "  at %s\n", prog.PosString(v.Pos))
	}
}

// cmdIRQ: `:irq N` fires CPU N's interrupt handler now (one step: the
// entry); `:step N` then runs the handler.
func (s *Session) cmdIRQ(args []string) error {
	nums, err := ints(args, 1)
	if err != nil || len(nums) == 0 {
		return errors.New("usage: :irq N")
	}
	m := s.cur.m
	id, err := m.ThreadOf(vm.IRQThread, nums[0])
	if err != nil {
		return err
	}
	if st := m.Info(id).Status; st != "not fired" {
		return fmt.Errorf("irq %d has already fired (%s); an irq fires once an execution", nums[0], st)
	}
	if !contains(m.Enabled(nil), id) {
		return fmt.Errorf("irq %d cannot fire now: CPU %d has IRQs off", nums[0], nums[0])
	}
	s.stepShow(id)
	s.showThread(id)
	return nil
}

// cmdRun: `:run [random [SEED] | SCHEDULE]` runs from the current state
// to the end: by default the lowest-numbered thread that can step each
// time (as `mmuasm run --schedule` finishes a schedule), or at random, or
// following a schedule token first.
func (s *Session) cmdRun(ctx context.Context, args []string) error {
	var choose func(enabled []int, i int) (int, error)
	switch {
	case len(args) == 0:
		choose = func(enabled []int, _ int) (int, error) { return enabled[0], nil }
	case args[0] == "random":
		seed := int64(1)
		if len(args) > 1 {
			n, err := strconv.ParseInt(args[1], 0, 64)
			if err != nil {
				return fmt.Errorf("bad seed %q", args[1])
			}
			seed = n
		}
		rng := rand.New(rand.NewSource(seed))
		choose = func(enabled []int, _ int) (int, error) { return enabled[rng.Intn(len(enabled))], nil }
	default:
		sched, err := s.decodeSchedule(strings.Join(args, ""))
		if err != nil {
			return err
		}
		choose = func(enabled []int, i int) (int, error) {
			if i >= len(sched) {
				return enabled[0], nil
			}
			if !contains(enabled, sched[i]) {
				return 0, fmt.Errorf("schedule step %d: %s cannot step there", i+1, s.cur.m.ThreadName(sched[i]))
			}
			return sched[i], nil
		}
	}
	return s.runWith(ctx, choose)
}

// runWith steps until nothing can, printing each step.
func (s *Session) runWith(ctx context.Context, choose func([]int, int) (int, error)) error {
	m := s.cur.m
	var enabled []int
	for i := 0; m.Violation() == nil; i++ {
		if ctx.Err() != nil {
			s.note("interrupted after %d step(s)", i)
			return nil
		}
		if enabled = m.Enabled(enabled); len(enabled) == 0 {
			break
		}
		id, err := choose(enabled, i)
		if err != nil {
			return err
		}
		for _, e := range s.step(id) {
			s.showEvent(e)
		}
	}
	s.afterSteps()
	return nil
}

// cmdReplay: `:replay SCHEDULE` starts again from the state after init
// and takes the schedule's steps (thread numbers as :check prints them),
// then stops: :run finishes the execution, :trace shows it.
func (s *Session) cmdReplay(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: :replay SCHEDULE (a token such as 0*4,1,2,1*5,0*3,1)")
	}
	sched, err := s.decodeSchedule(strings.Join(args, ""))
	if err != nil {
		return err
	}
	if err := s.reset(); err != nil {
		return err
	}
	m := s.cur.m
	for i, id := range sched {
		if !contains(m.Enabled(nil), id) {
			return fmt.Errorf("schedule step %d: %s cannot step there", i+1, m.ThreadName(id))
		}
		s.step(id)
	}
	s.writeTrace(false)
	s.afterSteps()
	return nil
}

// decodeSchedule parses a schedule token and maps its thread numbers,
// which number the threads of the script as written (as :check and
// mmuasm print them), to the live machine's, which may have extra CPUs
// for statements typed at the prompt.
func (s *Session) decodeSchedule(tok string) ([]int, error) {
	sched, err := vm.DecodeSchedule(tok)
	if err != nil {
		return nil, err
	}
	base, err := s.baseProgram()
	if err != nil {
		return nil, err
	}
	bm, err := newMachine(base, s.cur.archName())
	if err != nil {
		return nil, err
	}
	out := make([]int, len(sched))
	for i, id := range sched {
		if id >= bm.Threads() {
			return nil, fmt.Errorf("schedule step %d: there is no thread %d (the script has %d)", i+1, id, bm.Threads())
		}
		if out[i], err = threadLike(s.cur.m, bm.Info(id)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// threadLike finds on m the thread that info describes (of another
// machine, or of the log): by kind and CPU, and for a scheduler thread by
// the CPU it resumes its task on too.
func threadLike(m *vm.Machine, info vm.ThreadInfo) (int, error) {
	if info.Kind == vm.PreemptThread {
		return m.SchedThreadOf(info.CPU, info.To)
	}
	return m.ThreadOf(info.Kind, info.CPU)
}

// cmdPreempt: `:preempt N [TO]` takes the scheduling decision about CPU
// N's preemptible task now: it is switched out and resumed on CPU TO
// (default N) if the kernel could preempt it here, else nothing happens and
// the row says why. Either way that decision is taken for this execution.
func (s *Session) cmdPreempt(args []string) error {
	nums, err := ints(args, 2)
	if err != nil || len(nums) == 0 {
		return errors.New("usage: :preempt N [TO]")
	}
	to := nums[0]
	if len(nums) > 1 {
		to = nums[1]
	}
	m := s.cur.m
	id, err := m.SchedThreadOf(nums[0], to)
	if err != nil {
		return err
	}
	if !contains(m.Enabled(nil), id) {
		return fmt.Errorf("the switch of CPU %d's task to CPU %d has been decided already in this execution (:reset starts again)", nums[0], to)
	}
	s.stepShow(id) // "preempted on …" or why not
	return nil
}

// cmdDrain: `:drain N` takes the page_reuse choice about CPU N now: its
// free-page list goes to the buddy allocator, never to be reused in this
// execution.
func (s *Session) cmdDrain(args []string) error {
	return s.stepCPUThread(args, vm.DrainThread, "usage: :drain N",
		"CPU %d's free-page list has been drained already in this execution (:reset starts again)")
}

// cmdFlush: `:flush N` (model tso) moves the oldest store of CPU N's
// store buffer to memory now.
func (s *Session) cmdFlush(args []string) error {
	return s.stepCPUThread(args, vm.FlushThread, "usage: :flush N", "CPU %d's store buffer is empty")
}

// stepCPUThread takes the step of the thread of kind that belongs to the
// CPU args names, or says why it cannot (idle: a format for the CPU).
func (s *Session) stepCPUThread(args []string, kind vm.ThreadKind, usage, idle string) error {
	nums, err := ints(args, 1)
	if err != nil || len(nums) != 1 {
		return errors.New(usage)
	}
	m := s.cur.m
	id, err := m.ThreadOf(kind, nums[0])
	if err != nil {
		return err
	}
	if !contains(m.Enabled(nil), id) {
		return fmt.Errorf(idle, nums[0])
	}
	s.stepShow(id)
	return nil
}
