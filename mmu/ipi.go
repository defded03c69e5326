package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// IPIs. A sender writes a request into a slot per (target, sending thread)
// and waits until every target has cleared its slot; a target handles its
// requests at a step boundary where it has IRQs on (the explorer schedules
// that as a step of the target's IPI thread).

const (
	ipiNone = iota
	ipiFlushRange
	ipiSync // kick_all_cpus_sync(): nothing to do but answer
)

func (m *Machine) sendIPIs(c *Call, kind int, mm int, start, end uint64) {
	for t := 0; t < m.cfg.CPUs; t++ {
		if t == c.CPU {
			continue
		}
		m.S.Set(ipiLoc(t, c.Thread, ipiMM), uint64(mm+1))
		m.S.Set(ipiLoc(t, c.Thread, ipiStart), start)
		m.S.Set(ipiLoc(t, c.Thread, ipiEnd), end)
		if m.S.Peek(ipiLoc(t, c.Thread, ipiKind)) == ipiNone && kind != ipiNone {
			m.S.Tally(cpuLoc(t, cpuIPIs), 1)
		}
		m.S.Set(ipiLoc(t, c.Thread, ipiKind), uint64(kind))
	}
}

// WakesIPIThread tells whether a write of loc may give cpu's IPI thread work:
// the kind word of one sender's IPI slot (which sendIPIs sets), the tail
// of cpu's RCU callbacks (queueCallback), or any CPU's quiescent-state
// count (which can make a queued callback ready, callbackReady). vm's DPOR
// asks it to tell whether something other than a given send would have
// let the thread run.
func WakesIPIThread(loc Loc, cpu int) bool {
	switch loc & tagMask {
	case tagIPI:
		return loc == ipiLoc(cpu, int(loc>>4&0xfff), ipiKind)
	case tagCPU:
		return loc == cpuLoc(cpu, cpuCBTail) || loc == cpuLoc(int(loc>>8&0xff), cpuEpoch)
	}
	return false
}

// waitIPIs blocks until every target answered this thread's IPIs.
func (m *Machine) waitIPIs(c *Call) Status {
	for t := 0; t < m.cfg.CPUs; t++ {
		if t != c.CPU && m.S.Get(ipiLoc(t, c.Thread, ipiKind)) != 0 {
			return Block
		}
	}
	return Done
}

func (m *Machine) senders() int { return max(len(m.cfg.ThreadNames), 1) }

// IPIPending tells the scheduler whether cpu has an IPI to handle: one
// word, not a look at every sender's slot (the scheduler asks this of
// every CPU at every state). Ready RCU callbacks run on the same thread
// (see rcu_callbacks.go).
func (m *Machine) IPIPending(cpu int) bool {
	return m.S.Peek(cpuLoc(cpu, cpuIPIs)) != 0 || m.CallbackPending(cpu)
}

// HandleIPI is the step in which cpu handles its oldest-numbered pending
// IPI. It returns a description for traces.
func (m *Machine) HandleIPI(cpu int) string {
	m.S.Get(cpuLoc(cpu, cpuIRQOff))
	m.S.Get(cpuLoc(cpu, cpuInIRQ))
	for s := 0; s < m.senders(); s++ {
		kind := m.S.Get(ipiLoc(cpu, s, ipiKind))
		if kind == ipiNone {
			continue
		}
		mm := int(m.S.Get(ipiLoc(cpu, s, ipiMM))) - 1
		start, end := m.S.Get(ipiLoc(cpu, s, ipiStart)), m.S.Get(ipiLoc(cpu, s, ipiEnd))
		// the answer is the kind cleared: under tso it waits in cpu's
		// store buffer, behind the stores cpu made before the interrupt
		// (csd_unlock() is a release store, kernel/smp.c), and the sender
		// sees it only once they are all in memory. The request's other
		// words are the handler's own (the sender reads only the kind, and
		// writes them again only once it is cleared): they go to memory.
		m.Unbuffered(func() {
			for f := ipiMM; f <= ipiEnd; f++ {
				m.S.Set(ipiLoc(cpu, s, f), 0)
			}
		})
		m.S.Set(ipiLoc(cpu, s, ipiKind), 0)
		m.S.Tally(cpuLoc(cpu, cpuIPIs), -1)
		if kind == ipiFlushRange {
			m.tlbFlush(cpu, mm, start, end)
			return "IPI from " + m.threadName(s) + ": flush TLB"
		}
		return "IPI from " + m.threadName(s) + ": sync"
	}
	if desc, ok := m.runCallback(cpu); ok {
		return desc
	}
	return "IPI: nothing pending"
}

// anyMM makes a flush drop the translations of every mm.
const anyMM = -1

// flush is the TLB-flush builtins' common body: local and remote flush of
// mm's [start, end) (all when end <= start), in the arch's style.
func (c *Call) flush(mm int, start, end uint64) (uint64, Status) {
	m := c.M
	if c.Phase == 1 {
		if m.Weak() {
			return 0, m.weakSync(c)
		}
		return 0, m.waitIPIs(c)
	}
	if m.tr.PTEBarriers { // dsb(ishst); tlbi …is; dsb(ish)
		m.emitBarriers(c.CPU, false)
		m.countDSB(c.CPU, 2)
		m.fence(memmodel.DSBST)
		m.fence(memmodel.DSB)
	} else if m.Weak() { // a hypercall (x86 PV): a full barrier
		m.fence(memmodel.Mb)
	}
	if !m.tr.FlushByIPI || m.initMode {
		m.flushAllCPUs(mm, start, end)
		return 0, Done
	}
	m.tlbFlush(c.CPU, mm, start, end)
	if m.Weak() {
		return 0, m.weakSync(c)
	}
	m.sendIPIs(c, ipiFlushRange, mm, start, end)
	c.Phase = 1
	return 0, Again
}

func bFlushMMRange(c *Call) (uint64, Status) {
	mm, ok := c.M.mmArg("flush_tlb_mm_range", c.Args[0])
	if !ok {
		return 0, Done
	}
	return c.flush(mm, c.Args[1], c.Args[2])
}

func bFlushKernelRange(c *Call) (uint64, Status) { return c.flush(0, c.Args[0], c.Args[1]) }

func bFlushKernelPgtable(c *Call) (uint64, Status) {
	return c.flush(0, c.Args[0], c.Args[0]+PageSize)
}

func bFlushAll(c *Call) (uint64, Status) { return c.flush(anyMM, 0, 0) }
