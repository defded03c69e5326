package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/memmodel"
)

// RCU callbacks: call_rcu() (kernel/rcu/tree.c) queues a callback on the
// calling CPU; it runs after a grace period, from RCU_SOFTIRQ on that CPU
// (rcu_do_batch()). The model notes, when the callback is queued, which
// CPUs are in a read-side section (the caller included: call_rcu() may be
// called inside one) and their quiescent-state counts, as
// synchronize_rcu() does; the callback is ready once each has passed a
// quiescent state. Ready callbacks run in queue order, one per step, on the
// queuing CPU's IPI thread, at a boundary where that CPU has IRQs on (as a
// softirq runs at interrupt exit).
//
// A callback is one of two built-in actions: free a page-table page (the
// tlb_remove_table() path, tlb_remove_table_rcu()), or write a value to a
// shared word (call_rcu(&w, v)), which a cpu block can await to run code
// "in" the callback. Script procs are not run as callbacks.

const (
	cbKind  = iota // cbFreeTable or cbWrite
	cbAddr         // the table's address, or the word's
	cbValue        // the value cbWrite writes
	cbSnap         // + cpu: that CPU's quiescent count + 1 if it was a reader, else 0
)

const (
	cbFreeTable  = 1
	cbWrite      = 2
	maxCallbacks = 64
)

func cbLoc(cpu, i, field int) Loc { return tagRCUCB | Loc(cpu)<<40 | Loc(i)<<8 | Loc(field) }

// queueCallback queues a callback on cpu after a grace period from now.
func (m *Machine) queueCallback(cpu, kind int, addr, value uint64) {
	i := int(m.S.Get(cpuLoc(cpu, cpuCBTail)))
	if i-int(m.S.Get(cpuLoc(cpu, cpuCBHead))) >= maxCallbacks {
		m.Fail("limit", "more than %d RCU callbacks pending on CPU %s", maxCallbacks, m.cfg.CPUNames[cpu])
		return
	}
	m.S.Set(cbLoc(cpu, i, cbKind), uint64(kind))
	m.S.Set(cbLoc(cpu, i, cbAddr), addr)
	m.S.Set(cbLoc(cpu, i, cbValue), value)
	for t := 0; t < m.cfg.CPUs; t++ {
		if m.rcuReader(t) {
			m.S.Set(cbLoc(cpu, i, cbSnap+t), m.watchEpoch(t)+1)
		}
	}
	m.S.Set(cpuLoc(cpu, cpuCBTail), uint64(i+1))
}

// callbackReady tells whether cpu's oldest callback may run; get is
// S.Get in a step and S.Peek for the scheduler.
func (m *Machine) callbackReady(cpu int, get func(Loc) uint64) (int, bool) {
	i := int(get(cpuLoc(cpu, cpuCBHead)))
	if i == int(get(cpuLoc(cpu, cpuCBTail))) {
		return i, false
	}
	for t := 0; t < m.cfg.CPUs; t++ {
		if s := get(cbLoc(cpu, i, cbSnap+t)); s != 0 && get(cpuLoc(t, cpuEpoch)) == s-1 {
			return i, false
		}
	}
	return i, true
}

// runCallback runs cpu's oldest callback if it is ready, and describes it.
func (m *Machine) runCallback(cpu int) (string, bool) {
	i, ok := m.callbackReady(cpu, m.S.Get)
	if !ok {
		return "", false
	}
	kind := m.S.Get(cbLoc(cpu, i, cbKind))
	addr, value := m.S.Get(cbLoc(cpu, i, cbAddr)), m.S.Get(cbLoc(cpu, i, cbValue))
	for f := cbKind; f < cbSnap+m.cfg.CPUs; f++ {
		m.S.Set(cbLoc(cpu, i, f), 0)
	}
	m.S.Set(cpuLoc(cpu, cpuCBHead), uint64(i+1))
	if kind == cbFreeTable {
		m.free(addr>>12, func() string { return fmt.Sprintf("tlb_remove_table(%#x) after a grace period", addr) })
		return fmt.Sprintf("RCU callback: free table %#x", addr), true
	}
	m.S.Set(Loc(addr), value)
	return fmt.Sprintf("RCU callback: write %#x to %s", value, m.AddrName(addr)), true
}

// CallbackPending tells the scheduler whether cpu has a ready RCU callback.
func (m *Machine) CallbackPending(cpu int) bool {
	_, ok := m.callbackReady(cpu, m.S.Peek)
	return ok
}

// bCallRCU is call_rcu(&w, v): after a grace period, w = v.
func bCallRCU(c *Call) (uint64, Status) {
	m := c.M
	a, base := c.Args[0], uint64(sharedBase)<<12
	if a%8 != 0 || a < base || a >= base+8*uint64(len(m.cfg.Shared)) {
		m.Fail("error", "call_rcu: %#x is not the address of a shared word (write call_rcu(&w, v))", c.Args[0])
		return 0, Done
	}
	if m.Weak() {
		// the callback on the calling CPU at the end of the grace period
		// (see finishWeak: vm takes it only as its cpu block's last call)
		if st := c.graceWeak(); st != Done {
			return 0, st
		}
		m.tagged(memmodel.Once, func() { m.S.Set(Loc(c.Args[0]), c.Args[1]) })
		return 0, Done
	}
	m.queueCallback(c.CPU, cbWrite, c.Args[0], c.Args[1])
	return 0, Done
}
