package vm

import "fmt"

// deferredLast refuses, under a weak model, an RCU callback's call that
// is not the last thing its CPU does: call_rcu(), and a tlb_finish_mmu()
// whose tables the callback frees (the arches without FlushByIPI, which
// select MMU_GATHER_RCU_TABLE_FREE). The weak engines have no thread for
// the callback: the CPU waits out the grace period in the call and runs
// the callback itself (mmu's graceWeak), so code after it would be
// ordered after the callback, where the kernel's CPU runs it at once.
func (m *Machine) deferredLast(pc int, model string) error {
	in := m.prog.Code[pc]
	if in.Op != OpBuiltin {
		return nil
	}
	name := m.builtins[in.A].Name
	if !m.rcuCallback(name) {
		return nil
	}
	if !m.lastInThread(pc) {
		return &Unsupported{Msg: fmt.Sprintf("%s: %s is modelled under model %s only as the last thing a cpu block does: its RCU callback runs, under the weak engines, on the calling CPU at the end of the grace period, and the code after it would wait for that (use model sc)",
			m.posString(m.prog.Pos[pc]), name, model)}
	}
	return nil
}

// rcuCallback tells whether builtin name hands work to an RCU callback:
// call_rcu(), and tlb_finish_mmu() where the arch does not flush by IPI.
// Under armv8 and tso the callback's grace period is a synchronisation
// its CPU sends (gpSenders).
func (m *Machine) rcuCallback(name string) bool {
	return name == "call_rcu" || name == "tlb_finish_mmu" && !m.Arch.Traits().FlushByIPI
}

// lastInThread tells whether the instruction at pc is in a cpu block's
// own code (not a proc it calls, not an irq handler) and every path after
// it reaches the block's end without a step, a builtin or a call.
func (m *Machine) lastInThread(pc int) bool {
	ends := m.procEnds()
	for _, t := range m.prog.CPUs {
		entry, end := m.prog.Procs[t.Proc].Entry, ends[t.Proc]
		if pc < entry || pc >= end {
			continue
		}
		seen := map[int]bool{}
		work := []int{pc + 1}
		for len(work) > 0 {
			at := work[len(work)-1]
			work = work[:len(work)-1]
			if at < entry || at >= end || seen[at] {
				continue
			}
			seen[at] = true
			in := m.prog.Code[at]
			switch {
			case in.Op == OpEnd || in.Op == OpReturn:
				continue
			case in.Op == OpBuiltin || in.Op == OpCall || in.Op == OpAtomicBegin || opTable[in.Op].Step:
				return false
			case in.Op == OpJump || in.Op == OpBackEdge:
				work = append(work, int(in.A))
				continue
			case in.Op == OpJumpIfZero || in.Op == OpJumpNonZero:
				work = append(work, int(in.A))
			}
			work = append(work, at+1)
		}
		return true
	}
	return false
}
