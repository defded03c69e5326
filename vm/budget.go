package vm

import (
	"context"
	"fmt"
	"time"
)

// Limits is the resource budget of one check: every way a script can make
// the checker work or grow is bounded by one of these. A zero field takes
// its default (DefaultLimits); an embedding host lowers what it needs to.
// Hitting a budget limit ends the check with a `limit` violation whose
// message names the limit and its value (see docs/untrusted.md).
type Limits struct {
	Steps         int // visible steps per execution
	LocalInstrs   int // instructions a thread may run between two visible steps
	Executions    int // 0: unbounded (a bound of the search, not a budget: incomplete)
	Graphs        int // graphs a weak model's search checks (enumeration: candidates; incremental: complete graphs, every round's and the prelude's); 0: unbounded (incomplete)
	States        int // states the stateful search may store; 0: unbounded (incomplete)
	StackWords    int // operand and local stack per thread, in words
	CallDepth     int // proc call depth
	MaxPrintLines int // print() lines kept in a trace

	// Time is the wall-time budget of a check (0: none but the context's
	// and Config.Timeout's); the deadline is checked every few
	// milliseconds of work, inside executions, init, shortening and
	// tracing alike.
	Time time.Duration
	// Memory bounds the checker's own estimate of what it holds, in
	// bytes: the machine's store (pages, tables, ghost state and its undo
	// log), the search's snapshots and stored states, the final states'
	// keys and the shortening queue; under a weak model the CPUs' runs and
	// the execution graph being checked, with what the model's check of
	// it allocates.
	Memory int64
	// SourceBytes bounds a script's source, main file and imports
	// together (the parser holds about 175 bytes per source byte).
	SourceBytes int
	CPUs        int // distinct CPUs (cpu and irq blocks)
	Locals      int // local slots of one proc or block
}

// DefaultLimits returns the budget used for every zero field of a Limits.
func DefaultLimits() Limits {
	return Limits{
		Steps:         100000,
		LocalInstrs:   500_000_000,
		StackWords:    8192,
		CallDepth:     256,
		MaxPrintLines: 1000,
		Memory:        1 << 30,
		SourceBytes:   1 << 20,
		CPUs:          16, // the machine's own bound (mmu's maxCPUs)
		Locals:        4096,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	def := func(v *int, dv int) {
		if *v <= 0 {
			*v = dv
		}
	}
	def(&l.Steps, d.Steps)
	def(&l.LocalInstrs, d.LocalInstrs)
	def(&l.StackWords, d.StackWords)
	def(&l.CallDepth, d.CallDepth)
	def(&l.MaxPrintLines, d.MaxPrintLines)
	def(&l.SourceBytes, d.SourceBytes)
	def(&l.CPUs, d.CPUs)
	def(&l.Locals, d.Locals)
	if l.Memory <= 0 {
		l.Memory = d.Memory
	}
	return l
}

// tickWork is how much work (local instructions; a visible step counts
// stepWork) runs between two looks at the clock and the memory estimate:
// well under a millisecond at the interpreter's speed, so the deadline is
// seen within the 10 ms the budget promises.
const (
	tickWork = 1 << 15
	stepWork = 64
)

// budget is a machine's accounting: the context whose end stops the work,
// the work done since the last check, and the memory held outside the
// store (which the store counts itself).
type budget struct {
	done     <-chan struct{} // the check's context, nil: none
	ctx      context.Context
	timeout  time.Duration // as set, for the message
	start    time.Time     // when the check started, for the message
	work     int
	snaps    int64 // bytes of snapshots (DPOR nodes, stateful frames)
	held     int64 // bytes the explorer holds (states, final keys, queues)
	graph    int64 // bytes of the weak engine's execution graph and its check
	run      int64 // bytes of the weak engine's run in progress
	kept     int64 // bytes of the runs the incremental search keeps (replayMemo)
	peak     int64 // the largest estimate seen
	exceeded string
	polledAt int // totalSteps at the searches' last look (searchBudgetOK)
	polls    int // searchBudgetOK calls since then
}

// charge adds work done and, every tickWork, checks the deadline and the
// memory estimate. It returns false once a budget limit is exceeded; the
// message is in m.budget.exceeded.
func (m *Machine) charge(work int) bool {
	b := &m.budget
	if b.work += work; b.work < tickWork && b.exceeded == "" {
		return true // small enough to inline: the interpreter calls it per slow op
	}
	return m.chargeTick()
}

// chargeTick is charge's slow path: a tick's worth of work is done, or a
// limit was exceeded before.
func (m *Machine) chargeTick() bool {
	if m.budget.exceeded != "" {
		return false
	}
	m.budget.work = 0
	return m.withinBudget()
}

// withinBudget checks the deadline and the memory estimate now.
func (m *Machine) withinBudget() bool { return m.timeOK() && m.memOK() }

// searchBudgetOK is withinBudget for a search's loop, which asks between
// steps, once a state in the stateful search. Looking at the context
// there every time (a channel poll) cost that search 15 %; the steps
// themselves look every tick. It looks once pollSteps steps have run
// since its last look, or after pollCalls calls: often enough that a
// cancellation is still seen here, between steps, rather than by a step
// (which would make it a limit violation of that execution) about as often
// as when it looked every time, and seen at all when no step runs.
func (m *Machine) searchBudgetOK() bool {
	b := &m.budget
	if b.exceeded != "" {
		return false
	}
	if b.polls++; m.totalSteps-b.polledAt < pollSteps && b.polls < pollCalls {
		return true
	}
	b.polledAt, b.polls = m.totalSteps, 0
	return m.withinBudget()
}

const (
	pollSteps = 8
	pollCalls = 64
)

// timeOK checks the check's context: its deadline or a cancellation.
func (m *Machine) timeOK() bool {
	b := &m.budget
	if b.exceeded != "" {
		return false
	}
	if b.done == nil {
		return true
	}
	select {
	case <-b.done:
		if b.ctx.Err() == context.DeadlineExceeded {
			b.exceeded = fmt.Sprintf("time: the check ran out of its wall-time budget (%s)", timeBudget(b))
		} else {
			b.exceeded = "cancelled: " + context.Cause(b.ctx).Error() // the cause names a signal
		}
		return false
	default:
		return true
	}
}

// memOK checks the memory estimate (cheap: a few additions).
func (m *Machine) memOK() bool {
	b := &m.budget
	if b.exceeded != "" {
		return false
	}
	used := m.memUsed()
	b.peak = max(b.peak, used)
	if used > m.limits.Memory {
		b.exceeded = m.overMemory("the checker's estimate reached", used)
		return false
	}
	return true
}

// memTake adds bytes the checker is about to allocate (what: for what) to
// the estimate, held in *at until the caller resets it, if the budget has
// room: past it the limit names them, and they are neither allocated nor
// counted.
func (m *Machine) memTake(at *int64, bytes int64, what string) bool {
	if !m.memOK() {
		return false
	}
	if used := m.memUsed() + bytes; used > m.limits.Memory {
		m.budget.exceeded = m.overMemory(what+" would take the checker's estimate to", used)
		return false
	}
	*at += bytes
	return m.memOK()
}

func (m *Machine) overMemory(reached string, used int64) string {
	return fmt.Sprintf("memory: %s %s, over the memory budget of %s (Limits.Memory)", reached, fmtBytes(used), fmtBytes(m.limits.Memory))
}

// budgetMsg is the mmu's view of the budget (mmu.Machine.Budget).
func (m *Machine) budgetMsg() string {
	if m.withinBudget() {
		return ""
	}
	return m.budget.exceeded
}

func timeBudget(b *budget) string {
	if b.timeout > 0 {
		return FormatDuration(b.timeout) + ", --timeout or Limits.Time"
	}
	if d, ok := b.ctx.Deadline(); ok {
		return fmt.Sprintf("the context's deadline, %s after the check started", FormatDuration(d.Sub(b.start)))
	}
	return "the context's deadline"
}

// memUsed is the checker's estimate of the memory it holds for this
// machine: the store, the threads' stacks, snapshots, what the explorer
// holds, and under a weak model the graph being checked.
func (m *Machine) memUsed() int64 {
	n := m.MMU.S.Bytes() + m.budget.snaps + m.budget.held + m.budget.graph + m.budget.run + m.budget.kept
	return n + m.stackBytes
}

// Exceeded returns the budget limit the machine has hit ("" if none):
// "time: …", "memory: …" or "cancelled: …".
func (m *Machine) Exceeded() string { return m.budget.exceeded }

// fmtBytes renders a byte count in binary units.
func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
