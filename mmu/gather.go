package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/memmodel"
)

// The mmu_gather path (mm/mmu_gather.c, include/asm-generic/tlb.h) by which
// unmap and free_pgtables() free page tables:
//
//	tlb = tlb_gather_mmu(mm)         // tlb_gather_mmu(&tlb, mm)
//	tlb_remove_table(tlb, table)     // batched, not freed yet
//	tlb_finish_mmu(tlb)              // flush the TLBs, then free the batch
//
// How the batch is freed is the arch's (arch.Traits.FlushByIPI):
//
//   - where the remote TLB flush is an IPI the sender waits for (x86pae,
//     without CONFIG_MMU_GATHER_RCU_TABLE_FREE), the tables are freed as soon
//     as the flush has returned: every CPU has answered the IPI, so none is
//     still inside a walk with IRQs off (GUP-fast's local_irq_save());
//   - elsewhere (arm64, and the paravirt flushes of x86pae-pv and xenpv,
//     which select MMU_GATHER_RCU_TABLE_FREE) tlb_table_flush() hands the
//     batch to call_rcu() (tlb_remove_table_free() -> tlb_remove_table_rcu()):
//     the tables are freed after a grace period, which waits for IRQs-off
//     regions and rcu_read_lock() sections alike.
//
// tlb_finish_mmu() flushes every translation of the mm, as a full-mm
// gather does; the per-range bookkeeping of tlb_flush_mmu_tlbonly() is not
// modelled, nor is the batch allocation failure that makes
// tlb_remove_table() fall back to tlb_remove_table_one().

const (
	gatherMM     = iota // mm + 1 while the gather is active
	gatherN             // tables batched
	gatherTables        // + i: the table addresses
)

const maxGatherTables = 64

func gatherLoc(thread, field int) Loc { return tagGather | Loc(thread)<<16 | Loc(field) }

func bTLBGatherMMU(c *Call) (uint64, Status) {
	m := c.M
	mm, ok := m.mmArg("tlb_gather_mmu", c.Args[0])
	if !ok {
		return 0, Done
	}
	if m.S.Get(gatherLoc(c.Thread, gatherMM)) != 0 {
		m.Fail("error", "tlb_gather_mmu: %s already has a gather in progress (finish it with tlb_finish_mmu)", m.threadName(m.Thread))
		return 0, Done
	}
	m.S.Set(gatherLoc(c.Thread, gatherMM), uint64(mm+1))
	return tlbHandle | uint64(c.Thread), Done
}

// gatherArg checks a gather handle: the calling thread's own, active.
func (c *Call) gatherArg(fn string, h uint64) (int, bool) {
	m := c.M
	if h != tlbHandle|uint64(c.Thread) || m.S.Get(gatherLoc(c.Thread, gatherMM)) == 0 {
		m.Fail("error", "%s: %#x is not this thread's gather (from tlb_gather_mmu())", fn, h)
		return 0, false
	}
	return int(m.S.Get(gatherLoc(c.Thread, gatherMM))) - 1, true
}

func bTLBRemoveTable(c *Call) (uint64, Status) {
	m := c.M
	if _, ok := c.gatherArg("tlb_remove_table", c.Args[0]); !ok {
		return 0, Done
	}
	if _, ok := m.tableAddrArg("tlb_remove_table", c.Args[1]); !ok || !m.entryLive("tlb_remove_table", c.Args[1]) {
		return 0, Done
	}
	n := int(m.S.Get(gatherLoc(c.Thread, gatherN)))
	if n == maxGatherTables {
		m.Fail("limit", "tlb_remove_table: more than %d tables in one gather", maxGatherTables)
		return 0, Done
	}
	m.S.Set(gatherLoc(c.Thread, gatherTables+n), c.Args[1])
	m.S.Set(gatherLoc(c.Thread, gatherN), uint64(n+1))
	return 0, Done
}

// bTLBFinishMMU flushes the mm (in the arch's steps), then, in the step the
// flush completes, frees the batch or queues it behind a grace period.
func bTLBFinishMMU(c *Call) (uint64, Status) {
	m := c.M
	mm, ok := c.gatherArg("tlb_finish_mmu", c.Args[0])
	if !ok {
		return 0, Done
	}
	if m.Weak() {
		if st := c.finishWeak(mm); st != Done || m.fault != nil {
			return 0, st
		}
	} else if _, st := c.flush(mm, 0, 0); st != Done || m.fault != nil {
		return 0, st
	}
	n := int(m.S.Get(gatherLoc(c.Thread, gatherN)))
	for i := 0; i < n; i++ {
		addr := m.S.Get(gatherLoc(c.Thread, gatherTables+i))
		m.S.Set(gatherLoc(c.Thread, gatherTables+i), 0)
		if m.tr.FlushByIPI || m.Weak() {
			m.free(addr>>12, func() string { return fmt.Sprintf("tlb_finish_mmu(): table %#x", addr) })
			m.poisonFreed(c, addr>>12)
		} else {
			m.queueCallback(c.CPU, cbFreeTable, addr, 0)
		}
	}
	m.S.Set(gatherLoc(c.Thread, gatherN), 0)
	m.S.Set(gatherLoc(c.Thread, gatherMM), 0)
	return 0, Done
}

// finishWeak is tlb_finish_mmu()'s wait under a weak model: the flush
// (its barriers, or its IPIs where the arch flushes by IPI) and, where the
// tables go through call_rcu(), a grace period, as synchronize_rcu() has
// it under the model. The RCU callback (tlb_remove_table_rcu()) then runs
// on the calling CPU, which has waited for the grace period: the kernel's
// CPU goes on at once, so mmuvm allows this only where tlb_finish_mmu()
// is the last thing its CPU does (vm's checkWeakProgram), and nothing of
// the CPU comes after the free that the wait would order.
func (c *Call) finishWeak(mm int) Status {
	m := c.M
	if m.tr.FlushByIPI {
		_, st := c.flush(mm, 0, 0)
		return st
	}
	if c.Phase == 0 {
		c.flush(mm, 0, 0) // broadcast or a hypercall: never waits
	}
	return c.graceWeak()
}

// graceWeak is synchronize_rcu()'s grace period under a weak model: the
// LKMM's own under lkmm, the protocol of SyncGP under the others. It
// starts in phase 0.
func (c *Call) graceWeak() Status {
	m := c.M
	m.fence(memmodel.SyncRcu)
	if m.RCUByModel { // the LKMM states the grace period
		return Done
	}
	return m.weakSyncOf(c, SyncGP)
}

// tlb_remove_table_sync_one() (mm/mmu_gather.c): with
// MMU_GATHER_RCU_TABLE_FREE, an IPI to every other CPU and a wait
// (smp_call_function(tlb_remove_table_smp_sync, NULL, 1)), so that no
// GUP-fast walk with IRQs off still holds a pointer into a table about to
// be changed; without it (x86pae here) an empty stub.
func bTLBRemoveTableSyncOne(c *Call) (uint64, Status) {
	if c.M.tr.FlushByIPI {
		return 0, Done
	}
	return callFunction("tlb_remove_table_sync_one")(c)
}

var gatherBuiltins = []*Builtin{
	{Name: "tlb_gather_mmu", Arity: 1, Params: "m", Fn: bTLBGatherMMU},
	{Name: "tlb_remove_table", Arity: 2, Void: true, Fn: bTLBRemoveTable},
	{Name: "tlb_finish_mmu", Arity: 1, Blocks: true, Void: true, Fn: bTLBFinishMMU},
	{Name: "tlb_remove_table_sync_one", Arity: 0, Blocks: true, Void: true, Fn: bTLBRemoveTableSyncOne},
	{Name: "call_rcu", Arity: 2, Void: true, Fn: bCallRCU},
}
