package mmu

// The scheduler's checks (IRQsOn, InIRQ, IPIPending and CallbackPending
// under it) read a few per-CPU words and the RCU callback queues. The VM
// keeps the set of threads that can step from state to state and looks at
// every thread again only when a step changed one of these words, so this
// list must hold every word those checks read.

// SchedulerWordsChanged tells whether a write since mark (a Mark taken in
// the same step) changed a word the scheduler's checks read.
func (m *Machine) SchedulerWordsChanged(mark int) bool {
	undo := m.S.undo
	if mark > len(undo) {
		return true // rolled back past mark: anything may have changed
	}
	for _, r := range undo[mark:] {
		if schedulerWord(r.loc) {
			return true
		}
	}
	return false
}

func schedulerWord(l Loc) bool {
	switch l & tagMask {
	case tagRCUCB: // CallbackPending: the queued callbacks' grace periods
		return true
	case tagCPU:
		switch int(l & 0xff) {
		case cpuIRQOff, cpuInIRQ, // IRQsOn, InIRQ
			cpuIPIs,                        // IPIPending
			cpuCBHead, cpuCBTail, cpuEpoch: // CallbackPending
			return true
		}
	}
	return false
}
