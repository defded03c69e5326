package vm

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

// The operational x86-TSO engine: under model tso, unless the graph
// search is asked for, a check interleaves the CPUs' steps as under sc,
// with a store buffer per CPU (mmu/storebuf.go). Each CPU gets a flush
// thread whose step moves the oldest store of the CPU's buffer to memory;
// it is enabled while the buffer holds a store, so every search (dfs,
// dpor, the stateful search) explores when each store reaches memory like
// any other interleaving choice. An execution ends with every buffer
// empty.
//
// An IPI handler runs on the interrupted CPU once that CPU's buffer is
// empty, and its stores go to memory. On x86 the handlers mmuvm models
// execute a serialising instruction before they acknowledge: INVLPG or a
// CR3 write in flush_tlb_func() (arch/x86/mm/tlb.c), sync_core() in
// do_sync_core() for text_poke_sync() (arch/x86/kernel/alternative.c);
// and every handler returns with IRET, serialising too (Intel SDM vol. 3,
// "Serializing Instructions"): the CPU's earlier stores reach memory
// before the acknowledgement (csd_unlock(), kernel/smp.c), and the
// acknowledgement before the interrupted code goes on. (The handler's
// reads of the request come after the drain here rather than possibly
// before it; the sender wrote the request before it sent the IPI, so they
// read the same.)

// operationalTSO tells whether a check of prog under model runs on store
// buffers: under tso, unless the graph search is asked for or the script
// uses SRCU, which only the graph engine models (as herd's linux-kernel.def
// events; the interleaving machine has no SRCU of its own).
func operationalTSO(prog *Program, model string, cfg Config) bool {
	return model == "tso" && !graphSearch(cfg.Search) && !usesSRCU(prog)
}

// UsesStoreBuffers tells whether a check of prog with cfg runs on the
// x86-TSO store buffers (its counterexamples are schedules) rather than
// on execution graphs (execution tokens) or under sc.
func UsesStoreBuffers(prog *Program, cfg Config) bool {
	model, err := ModelFor(prog, cfg)
	return err == nil && operationalTSO(prog, model, cfg)
}

// usesSRCU tells whether prog calls an SRCU builtin.
func usesSRCU(prog *Program) bool {
	for _, b := range prog.Builtins {
		if strings.HasPrefix(b, "srcu_") || strings.HasPrefix(b, "synchronize_srcu") {
			return true
		}
	}
	return false
}

// flushThreads counts the flush threads a machine needs.
func (m *Machine) flushThreads(cpus int) int {
	if m.storeBuffers {
		return cpus
	}
	return 0
}

// layoutFlush adds one flush thread per CPU, after every other thread so
// that the others keep their numbers.
func (m *Machine) layoutFlush(add func(kind ThreadKind, cpu int, name, label string, proc int)) {
	for i := 0; i < m.flushThreads(len(m.cpus)); i++ {
		add(FlushThread, i, fmt.Sprintf("sb %d", m.cpus[i]), "", -1)
	}
}

// flushThreadOf returns the flush thread of dense CPU cpu: they come
// last, in CPU order.
func (m *Machine) flushThreadOf(cpu int) int { return len(m.threads) - len(m.cpus) + cpu }

// useStoreBuffers turns the buffers on once init has run (init runs alone
// and in order) and notes which builtins drain them.
func (m *Machine) useStoreBuffers() {
	if !m.storeBuffers {
		return
	}
	m.MMU.UseStoreBuffers()
	m.ordered = make([]bool, len(m.builtins))
	for i, b := range m.builtins {
		m.ordered[i] = b.OrderedUnderTSO()
	}
}

// programCPU names the CPU whose code thread t's step runs (a task, an
// irq or IPI handler), -1 for a thread that is no CPU's code (the
// scheduler, the page-list drain, a flush): only code's stores are
// buffered.
func programCPU(t *thread) int {
	if t.kind == TaskThread || t.kind == IRQThread || t.kind == IPIThread {
		return t.cpu
	}
	return -1
}

// stepFlush runs flush thread f's step: the oldest store of its CPU's
// buffer reaches memory.
//
// The flush wakes none of its CPU's code threads that wait for a write
// (a spin loop, a lock): what they read of the location is the store
// that now reaches memory, before and after. It does wake one that waits
// for the buffer to drain. (A polling loop that takes a lock waits with
// its unlock's store in the buffer; woken by that store's flush, its
// next pass would buffer the same store again, for ever.)
func (m *Machine) stepFlush(f *thread) {
	var deaf uint64
	for _, t := range m.threads {
		if t.cpu == f.cpu && programCPU(t) >= 0 && t.status == blocked && !t.drainWait {
			deaf |= 1 << uint(t.id)
		}
	}
	m.MMU.S.Deafen(deaf)
	defer m.MMU.S.Deafen(0)
	loc, v := m.MMU.FlushOne(f.cpu)
	if m.tracing {
		m.event(f, -1, fmt.Sprintf("%s = %s reaches memory (store buffer)", m.bufferedName(loc), fmtVal(v)))
	}
}

// bufferedName names a buffered location: a shared word, a table entry,
// a lock.
func (m *Machine) bufferedName(loc mmu.Loc) string {
	if n := m.MMU.LocName(loc); n != "" {
		return n
	}
	return fmt.Sprintf("%#x", uint64(loc))
}

// stepIPI runs IPI thread t's step: the handling of its CPU's next IPI,
// which under tso waits, like a locked instruction, until the CPU's store
// buffer is empty (see the top of this file) and then goes to memory.
func (m *Machine) stepIPI(t *thread) {
	if m.storeBuffers {
		if m.MMU.MustDrain(t.cpu) {
			if m.tracing {
				m.event(t, -1, "the IPI waits for the store buffer to drain")
			}
			m.blockForDrain(t)
			return
		}
		m.MMU.BeginOrdered(t.cpu)
		defer m.MMU.EndOrdered()
	}
	m.event(t, -1, m.MMU.HandleIPI(t.cpu))
}

// beginAtomicTSO starts an atomic { } block of thread t under tso as a
// locked instruction: the block waits, like one, until its CPU's store
// buffer is empty, and its stores go to memory, so that no other CPU sees
// memory between its accesses (a block whose stores waited in the buffer
// was one step that other CPUs saw half done: two `atomic { r = x; x = r
// + 1 }` lost an increment). It tells whether the block may start.
func (m *Machine) beginAtomicTSO(t *thread) bool {
	if m.MMU.MustDrain(t.cpu) {
		if m.tracing {
			m.event(t, t.pc, "atomic { waits for the store buffer to drain")
		}
		m.blockForDrain(t)
		return false
	}
	m.MMU.BeginOrdered(t.cpu)
	return true
}

// callOrdered runs a builtin that is fully ordered under tso: its CPU's
// buffer is drained first and its accesses go to memory.
func (m *Machine) callOrdered(b *mmu.Builtin, c *mmu.Call) (uint64, mmu.Status) {
	m.MMU.BeginOrdered(c.CPU)
	defer m.MMU.EndOrdered()
	return b.Fn(c)
}

// noteStaleReads adds to the last event of thread t's step the loads that
// read memory while another CPU's newer store to the location waited in
// that CPU's store buffer: why a weak outcome's read is stale.
func (m *Machine) noteStaleReads(t *thread) {
	stale := m.MMU.TakeStaleReads()
	if len(stale) == 0 || len(m.events) == 0 {
		return
	}
	e := &m.events[len(m.events)-1]
	if e.Thread != t.id || e.Step != m.steps {
		return
	}
	seen := map[mmu.StaleRead]bool{}
	for _, s := range stale {
		if seen[s] {
			continue
		}
		seen[s] = true
		e.Text += fmt.Sprintf("; CPU %d's %s = %s is still in its store buffer", m.cpus[s.CPU], m.bufferedName(s.Loc), fmtVal(s.Value))
	}
}

// waitDrain blocks thread t at a fully ordered builtin until its CPU's
// store buffer is empty (blockForDrain).
func (m *Machine) waitDrain(t *thread, b *mmu.Builtin, c *mmu.Call) bool {
	if m.tracing {
		m.event(t, t.pc, m.describeCall(b, c.Args, 0, "waits")+" for the store buffer to drain")
	}
	m.blockForDrain(t)
	return false
}

// blockForDrain blocks thread t until its CPU's store buffer is empty: it
// watches what mmu.MustDrain read in this step (the newest entry, which
// that entry's flush clears), and dpor schedules the CPU's flush thread
// for it (drainer).
func (m *Machine) blockForDrain(t *thread) {
	t.status = blocked
	t.drainWait = true
	// the step wrote nothing and ran no instruction before it waited
	t.pureWait = m.MMU.Mark() == m.stepMark && t.pc == m.stepPC
	m.watchLastReads(t)
}

// drainBlocked is the mask of the threads blocked until their CPU's
// store buffer drains.
func (m *Machine) drainBlocked() uint64 {
	var mask uint64
	for _, t := range m.threads {
		if t.drainWait && t.status == blocked {
			mask |= 1 << uint(t.id)
		}
	}
	return mask
}

// drainer returns the flush thread (as a mask) that thread t, blocked
// until its CPU's store buffer drains, waits for.
func (m *Machine) drainer(t int) (uint64, bool) {
	th := m.threads[t]
	if !m.storeBuffers || !th.drainWait {
		return 0, false
	}
	return 1 << uint(m.flushThreadOf(th.cpu)), true
}

// races returns the steps of cands that are in a race with thread t's
// step of footprint fp, filtering cands in place: all of them, except
// that a flush is in no race with the store that enabled it (it read the
// ticket that store wrote). Their conflicts order them like program
// order, but the flush cannot run first, so DPOR does not try it; nor
// does that pair cover another race. (A load that forwards from the store
// reads its ticket too, but it could run first and read memory: that is a
// race.)
func (m *Machine) races(cands []int, ev []*dnode, t int, fp []uint64) []int {
	if m.threads[t].kind != FlushThread {
		return cands
	}
	kept := cands[:0]
	for _, i := range cands {
		if !enabledBy(ev[i].fp, fp) {
			kept = append(kept, i)
		}
	}
	return kept
}

// enabledBy tells whether the flush of footprint b reads a ticket that
// the step of footprint a wrote.
func enabledBy(a, b []uint64) bool {
	for _, f := range b {
		if f&1 != 0 || !mmu.IsTicket(mmu.Loc(f>>1)) {
			continue
		}
		for _, g := range a {
			if g == f|1 {
				return true
			}
		}
	}
	return false
}

// flushInfo describes flush thread f: how many stores its CPU's buffer
// holds, and the one its next step moves to memory.
func (m *Machine) flushInfo(f *thread, info ThreadInfo) ThreadInfo {
	n := m.MMU.Buffered(f.cpu)
	if n == 0 {
		info.Status = "empty"
		return info
	}
	info.Status = fmt.Sprintf("%d store(s) buffered", n)
	loc, v := m.MMU.BufferedAt(f.cpu, 0)
	info.Next = fmt.Sprintf("flush %s = %s", m.bufferedName(loc), fmtVal(v))
	return info
}
