package mmu

// Loc names one word of machine state. Physical memory words are their
// physical address; other state lives in tagged spaces above 2^56.
type Loc uint64

const (
	tagShift        = 56
	tagMask     Loc = 0xf << tagShift
	tagMem      Loc = 0 << tagShift
	tagPage     Loc = 1 << tagShift // | pfn: page state (see pages.go)
	tagRef      Loc = 2 << tagShift // | pfn: reference count
	tagTLB      Loc = 3 << tagShift // | cpu<<48 | mm<<40 | level<<36 | vpn
	tagLock     Loc = 4 << tagShift // | lock id
	tagKey      Loc = 5 << tagShift // | key id
	tagCPU      Loc = 6 << tagShift // | cpu<<8 | field
	tagIPI      Loc = 7 << tagShift // | target<<16 | sender<<4 | field
	tagQueue    Loc = 8 << tagShift // | cpu<<32 | index<<1 | 0 addr / 1 value (Xen PV lazy queue)
	tagPend     Loc = 9 << tagShift // | addr: a kernel PTE written and not yet barriered (arm64)
	tagPendList Loc = 10 << tagShift
	tagGather   Loc = 11 << tagShift // | thread<<16 | field: a task's struct mmu_gather
	tagRCUCB    Loc = 12 << tagShift // | cpu<<40 | index<<8 | field: RCU callbacks queued on a CPU
	tagPTL      Loc = 13 << tagShift // | pfn: the split PTE lock of a page-table page (owner thread+1)
	tagSB       Loc = 14 << tagShift // | cpu<<40 | index<<1 | 0 loc / 1 value: x86-TSO store buffers (storebuf.go)
	tagShadow   Loc = 15 << tagShift // | cpu<<52 | tag<<48 | addr: footprint only, a location as seen from a CPU's store buffer (storebuf.go)
)

// Per-CPU fields (tagCPU).
const (
	cpuIRQOff     = iota // 1 while interrupts are disabled
	cpuInIRQ             // 1 while an interrupt (irq block or IPI) runs
	cpuRCU               // rcu_read_lock nesting
	cpuEpoch             // counts quiescent states a waiter asked about (cpuEpochWatch), for synchronize_rcu
	cpuLazy              // arch lazy MMU mode entered (ghost)
	cpuDSB               // dsb instructions issued
	cpuPendLen           // arm64: kernel PTE writes awaiting barriers
	cpuQueueLen          // Xen PV: queued PTE writes
	cpuDone              // 1 once the CPU's task has finished (idle, IRQs on)
	cpuExclAddr          // arm64 exclusive monitor: address+1 of the last LDXR (sc)
	cpuExclVal           // and the value it read
	cpuIPISeq            // weak models: synchronising IPIs this CPU has sent
	cpuGPSeq             // weak models (tso, armv8): RCU grace periods this CPU has started
	cpuLazyNest          // arm64: nested arch_enter_lazy_mmu_mode() calls tolerated (ghost)
	cpuPreempt           // preempt_disable() nesting
	cpuBH                // local_bh_disable() nesting
	cpuSpin              // spinlocks held on this CPU (each disables preemption)
	cpuCBHead            // RCU callbacks of this CPU already run
	cpuCBTail            // RCU callbacks this CPU queued
	cpuIPIs              // IPI requests pending at this CPU (a tally for the scheduler)
	cpuTask              // task-word instance+1 of the task running here; 0: the CPU's own (context_switch.go)
	cpuSwitches          // context switches the task whose home is this CPU has taken
	cpuTaskRan           // read by every step of the preemptible task whose home is this CPU, written (unchanged) by every decision to switch it or not
	cpuLazyPend          // arm64: TIF_LAZY_MMU_PENDING carried by a task that was switched (context_switch.go)
	cpuSBLen             // tso: stores in this CPU's store buffer, not yet in memory (storebuf.go)
	cpuSBPushes          // tso: stores this CPU has put in its buffer in this execution
	cpuEpochWatch        // 1 while a grace period or RCU callback waits for cpuEpoch to move
	cpuPairHi            // arm64: the second word the last CASP or LDXP read (pair_hi)
	cpuExclHi            // and the second word an LDXP read (sc's monitor of a pair)
)

// IPI fields (tagIPI).
const (
	ipiKind = iota // 0 none, else an ipiFlush* kind
	ipiMM
	ipiStart
	ipiEnd
	ipiWeakReq // weak models: the last synchronising IPI the sender sent (its sequence number)
	ipiWeakAck // weak models: the last one the target handled
	ipiGPReq   // weak models: the last grace period the sender started
	ipiGPAck   // weak models: the last one the target reported a quiescent state for
)

// Handles: the values scripts hold for mms, locks and keys.
const (
	handleMask uint64 = 0xffff << 48
	mmHandle   uint64 = 0x4d4d << 48 // "MM"
	lockHandle uint64 = 0x4c4b << 48 // "LK"
	keyHandle  uint64 = 0x4b59 << 48 // "KY"
	tlbHandle  uint64 = 0x4754 << 48 // "GT": a thread's mmu_gather
)

// MMHandle, LockHandle and KeyHandle build the values the compiler emits for
// declared names; the init_mm handle is MMHandle(0).
func MMHandle(i int) uint64   { return mmHandle | uint64(i) }
func LockHandle(i int) uint64 { return lockHandle | uint64(i) }
func KeyHandle(i int) uint64  { return keyHandle | uint64(i) }

// Physical layout. Pfns below poolBase are the script's to name in
// pfn_pte(); the machine's own pages come from pools above it.
const (
	PageSize        = 4096
	EntriesPerTable = 512
	dataPoolBase    = 0x7d000000 // alloc_page()
	sharedBase      = 0x7e000000 // shared words, then task words per CPU
	tablePoolBase   = 0x7f000000 // page-table pages
	kernelVAStart   = 0xffff000000000000
	vaMask          = 1<<48 - 1
	maxCPUs         = 16
)

func cpuLoc(cpu, field int) Loc  { return tagCPU | Loc(cpu)<<8 | Loc(field) }
func lockLoc(id int) Loc         { return tagLock | Loc(id) }
func keyLoc(id int) Loc          { return tagKey | Loc(id) }
func pageLoc(pfn uint64) Loc     { return tagPage | Loc(pfn) }
func refLoc(pfn uint64) Loc      { return tagRef | Loc(pfn) }
func pendLoc(addr uint64) Loc    { return tagPend | Loc(addr) }
func pendListLoc(cpu, i int) Loc { return tagPendList | Loc(cpu)<<32 | Loc(i) }
func ipiLoc(target, sender, field int) Loc {
	return tagIPI | Loc(target)<<16 | Loc(sender)<<4 | Loc(field)
}
func queueLoc(cpu, i, part int) Loc { return tagQueue | Loc(cpu)<<32 | Loc(i)<<1 | Loc(part) }
func tlbLoc(cpu, mm, level int, vpn uint64) Loc {
	return tagTLB | Loc(cpu)<<48 | Loc(mm)<<40 | Loc(level)<<36 | Loc(vpn&(1<<36-1))
}

// tableIndex is the index of va in the table of the given level
// (0 pgd, 1 pud, 2 pmd, 3 pte).
func tableIndex(va uint64, level int) uint64 {
	return (va >> (39 - 9*uint(level))) & 511
}

func isKernelVA(va uint64) bool { return va >= kernelVAStart }

// The checker's own state (page records, reference counts, TLBs, locks,
// keys, per-CPU and IPI state, the lazy queues, host words) lives in the
// tagged spaces from 2^56 up, and every address or pfn a script hands a
// builtin is checked to lie below them before it names a location. A
// script can compute the tagged locations; it cannot reach them, so its
// verdict is not its to write.
const memLimit = 1 << tagShift

// memAddr checks that addr, from a script, is an address of the simulated
// memory, raising an error violation otherwise.
func (m *Machine) memAddr(fn string, addr uint64) bool {
	if addr < memLimit && addr+8 <= memLimit {
		return true
	}
	if fn != "" {
		fn += ": "
	}
	m.Fail("error", "%saddress %#x is outside the simulated memory (addresses from %#x up hold the checker's own state)", fn, addr, uint64(memLimit))
	return false
}

// memPfn checks a pfn from a script as memAddr does an address.
func (m *Machine) memPfn(what func() string, pfn uint64) bool {
	if pfn < memLimit>>12 {
		return true
	}
	m.Fail("error", "%s: pfn %#x is outside the simulated memory (pfns from %#x up would name the checker's own state)", what(), pfn, uint64(memLimit>>12))
	return false
}
