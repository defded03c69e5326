package vm

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Weak memory. Under a weak model the VM does not interleave the CPUs.
// It runs each CPU alone, as herd does, with every read of a shared
// location answered from the values that location may hold; it records
// the memory events of each run with the dependencies through registers
// (a trace), and memmodel.Enumerate combines one trace per CPU with every
// reads-from and coherence choice and keeps the executions the model
// allows. The values a location may hold are found by iterating to a
// fixpoint: start from the initial values, run every CPU, add what they
// write, and run again until nothing new is written.

// weakLimits bound a weak check.
const (
	weakMaxRounds = 16  // fixpoint rounds over the value domains
	weakMaxValues = 64  // values a location may take
	weakMaxTraces = 1e5 // runs of one CPU
	weakMaxEvents = 2e6 // events of all the runs kept at once (their memory)
	// weakEventBytes is what an event or dependency of a run costs in the
	// memory estimate (the event, its share of the trace's slices)
	weakEventBytes = 64
	// events of the combinations of runs tried after a bound, looking
	// for violations, and the most combinations whatever their size
	weakPartialBudget = 300000
	weakPartialCombos = 20000
	weakPartialSteps  = 2e6 // coherence orders tried and graphs checked
	weakLoopBound     = 2   // passes over one loop back-edge in a run (herd's -unroll default)
)

// weakState is a machine's weak-model state during a check.
type weakState struct {
	model   memmodel.Model
	init    map[uint64]uint64 // initial values of the shared locations (absent: 0)
	spins   map[int]bool      // heads of spin loops
	spinEnd map[int]int       // their back-edges
	// spinChecked are the spin loops with a cmpxchg(): a pass is a failed
	// spin pass only if it wrote nothing (spinLoops)
	spinChecked map[int]bool
	exits       map[int]bool // branches that can leave a loop
	senders     [][]int      // per CPU, who may send it synchronising IPIs
	gpSenders   [][]int      // per CPU, who may start grace periods it must acknowledge
	joins       map[int]int  // branch joins, under lkmm (C's control dependencies)
	guesses     []uint64     // values every read may return, under lkmm (see constants)
	// atomicLocs are the locations some RMW or lock accesses: no guesses
	// there (a guessed count would make an atomic counter's values grow)
	atomicLocs map[mmu.Loc]bool
	// dead holds, per back-edge, the locals of its frame that no path
	// from the loop's head reads before assigning them (deadLocals)
	dead map[int][]int32
	// locksTested: some code looks at a lock without waiting, so a
	// failed pass that takes and releases one is seen (lockPassOps)
	locksTested bool
	m           *Machine
	// all is --search dfs: every run and every candidate execution, none
	// of the reductions (the reference of the differential tests)
	all     bool
	domains map[mmu.Loc][]uint64          // values each shared location may hold
	chains  map[mmu.Loc]*chainDepth       // their depths, bounding them (weak_depth.go)
	by      map[mmu.Loc]map[uint64]uint64 // which CPUs (bits) write each value (initBit: the initial value)
	bounds  []string
	events  int // events of the runs of the current round
	kept    int // events of the runs of the rounds before, still held (the memory estimate)
}

// recorder is the mmu.Memory of one CPU's run: it answers reads from the
// domains following a choice vector and records the events.
type recorder struct {
	w       *weakState
	choices []int // the choice made at each decision of this run
	widths  []int // how many options each decision had
	next    int   // decisions made so far in this run

	// entry is the entry write the next store is (mmu.EntryWriter), and
	// entries the run's entry writes, judged for break-before-make
	// against their coherence predecessors (bbmOf)
	entry   *mmu.EntryWrite
	entries []entryAt

	trace     *memmodel.Trace
	pcs       []int           // the pc of each event
	at        []evAt          // where each event was made, for passStart
	callLd    []int           // loads of the builtin call in progress (for RMW pairing)
	exclLd    int             // the last exclusive load, -1 if none
	exclHi    int             // LDXP's second exclusive load, +1 (0: none)
	reads     []int           // event index of the thread's i-th read (for taint bits)
	pruned    bool            // the run cannot happen (a lock read held, a loop past its bound)
	loops     map[int]int     // passes over each back-edge in this run
	passes    map[passAt]pass // the last pass over each back-edge that left each context (repeats)
	unrolled  bool            // some run was cut at the loop bound
	spins     map[int]bool    // the heads of spin loops (spinLoops)
	spinEnd   map[int]int     // and their back-edges
	blocked   bool            // the run stopped waiting (see weakRun)
	waitFrom  int
	lastPass  int                // reads made at the last loop back-edge
	lastReads []int              // reads that must read the last write of their location (drainIPIs)
	answers   []uint64           // what each read returned and each choice chose, in this run
	replay    []uint64           // when replaying: the answers to give
	pos       int                // the next answer to give
	bad       string             // why a replay went wrong
	loading   bool               // choose is choosing a read's value
	attemptAt int                // where the attempt of a retrying builtin began
	cpu       int                // the CPU running (its index)
	own       map[mmu.Loc]uint64 // the last value this run wrote to each location
	valBuf    []uint64
	exits     map[int]bool // the branches that can leave a loop (loopExits)
	joins     map[int]int  // C's control scopes (lkmm), else nil

	// dependencies of the access in progress, set by the interpreter
	addrT, dataT, ctrlT    uint64
	pAddrT, pDataT, pCtrlT uint64 // the same through picks
	pickRead               bool   // the call's write depends on its read through a pick (CAS)
	// a call that writes a pair (CASP, STXP): the data taints of each
	// write (pair[k]: the k-th), as addr and data are, and its writes so
	// far; and the taints of the second register a CASP or an LDXP
	// writes, which pair_hi() returns
	pair, sPair [2]argsDeps
	pairCall    bool
	pairN       int
	hiT, hiP    uint64
	// the same as what the access needs to exist (incremental search
	// only): addr and data, each with its picks, without the values no
	// read changes (valueid.go), and sctrl
	sAddrT, sDataT, sPDataT, sCtrlT uint64
	sArgs                           []uint64 // scratch: the call's argument taints, fixed ones cleared
	ldop                            bool     // the call's write is computed from its read (mmu.Builtin.WriteFromRead)
	callReads                       uint64   // reads made by the builtin call in progress
	// copyOf maps a value identity (valueid.go) to the read whose value
	// it is, unchanged: what a load returned, moved through locals only;
	// dataVid is the identity of the value the access in progress writes
	// (vid 0: none). A write of such a value is Copied.
	copyOf      map[valueKey]int
	dataVid     valueKey
	callChoices int    // choices made inside builtin calls in this run (repeats)
	ta          *arena // the run's arena of spilled taints (taint.go)
	pc          int

	// for the incremental search (incremental.go): the replay cursor (nil
	// otherwise), the thread stepping, every read its next event's
	// existence depends on, and what the accesses of an IPI handler the
	// run takes depend on (the request word read that let it run)
	inc         *incCursor
	memos       [2]replayMemo // the CPU's last replays, its IPIs placed and floating (incr.replay)
	occ         siteCounts    // the replay's starts per site (incCursor.occ), kept for the next
	localChoice bool          // the choice being made belongs to a builtin call's result
	th          *thread
	fullT       uint64
	outsideDep  uint64
	// floatIPI: the run takes no synchronising IPI itself but notes where
	// it could (ipiAt, ipiEnd), for the incremental search to place them
	floatIPI bool
	ipiAt    []ipiSlot
	ipiEnd   [2]bool
}

func (r *recorder) choose(n int) int {
	if n <= 0 {
		r.pruned = true
		return 0
	}
	if !r.loading && r.th != nil && r.th.inBuiltin {
		r.callChoices++
	}
	if r.inc != nil {
		return r.inc.choose(r, n)
	}
	if r.replay != nil {
		return int(r.answer(uint64(n)))
	}
	defer func(loading bool) {
		if !loading { // a read records its value instead (Load)
			r.answers = append(r.answers, uint64(r.choices[r.next-1]))
		}
	}(r.loading)
	if r.next < len(r.choices) {
		c := r.choices[r.next]
		r.next++
		return c
	}
	r.choices = append(r.choices, 0)
	r.widths = append(r.widths, n)
	r.next++
	return 0
}

// advance moves the choice vector to the next run; false when every run
// has been made.
func (r *recorder) advance() bool {
	for len(r.choices) > 0 {
		i := len(r.choices) - 1
		if r.choices[i]+1 < r.widths[i] {
			r.choices[i]++
			return true
		}
		r.choices, r.widths = r.choices[:i], r.widths[:i]
	}
	return false
}

func (r *recorder) Choose(n int) int { return r.choose(n) }

// answer is the next recorded answer of a replayed run; below is an
// exclusive bound on it (0: none).
func (r *recorder) answer(below uint64) uint64 {
	if r.pos >= len(r.replay) {
		r.bad = "the execution token has fewer answers than the run asks for"
		r.pruned = true
		return 0
	}
	v := r.replay[r.pos]
	r.pos++
	if below > 0 && v >= below {
		r.bad = fmt.Sprintf("answer %d is out of range (%d choices)", v, below)
		r.pruned = true
		return 0
	}
	return v
}

func (r *recorder) add(ev memmodel.Event) int {
	i := len(r.trace.Events)
	if r.inc != nil {
		r.inc.event(r, i, ev.Kind)
	}
	r.trace.Events = append(r.trace.Events, ev)
	r.pcs = append(r.pcs, r.pc)
	r.at = append(r.at, r.where())
	r.depsTo(i, r.addrT, &r.trace.Addr)
	r.depsTo(i, r.pAddrT, &r.trace.PickAddr)
	if ev.Kind != memmodel.Read {
		// no model orders anything by a control dependency into a read
		// (aarch64's dob and pob take ctrl into writes and ISBs, the
		// LKMM's rwdep into writes; a read's own edges would only
		// repeat those of the writes after it): a run whose reads all
		// feed branches (a page-table walk) keeps its lists linear
		r.depsTo(i, r.ctrlT, &r.trace.Ctrl)
		r.depsTo(i, r.pCtrlT, &r.trace.PickCtrl)
	}
	r.noteRun()
	return i
}

// noteRun counts the run in progress in the memory estimate as it grows:
// its events and dependencies, and its taint arena (taint.go).
func (r *recorder) noteRun() {
	if r.w != nil {
		r.w.m.budget.run = int64(traceSize(r.trace))*weakEventBytes + r.ta.bytes()
	}
}

// depsTo adds an edge to event to from every read in taint.
func (r *recorder) depsTo(to int, taint uint64, out *[]memmodel.Dep) {
	if taint == 0 {
		return
	}
	eachRead(r.ta, taint, func(k int) {
		if ev := r.reads[k]; ev != to {
			*out = append(*out, memmodel.Dep{From: int32(ev), To: int32(to)})
		}
	})
}

func (r *recorder) Load(loc mmu.Loc, tags memmodel.Tag) uint64 {
	var v uint64
	if r.inc != nil {
		if r.inc.stopped {
			return 0
		}
		v = r.inc.load(r, loc)
	} else if r.replay != nil {
		v = r.answer(0)
	} else {
		dom := r.readable(loc)
		r.loading = true
		v = dom[r.choose(len(dom))]
		r.loading = false
	}
	r.answers = append(r.answers, v)
	if tags == 0 { // a plain access of a script is a marked one
		tags = memmodel.Once
	}
	i := r.add(memmodel.Event{Kind: memmodel.Read, Tags: tags, Loc: uint64(loc), Val: v})
	r.callLd = append(r.callLd, i)
	if tags&memmodel.Excl != 0 {
		if r.exclLd >= 0 && slices.Contains(r.callLd[:len(r.callLd)-1], r.exclLd) {
			r.exclHi = i + 1 // LDXP's second word
		} else {
			r.exclLd, r.exclHi = i, 0
		}
	}
	r.callReads = r.or(r.callReads, r.readBit(len(r.reads)))
	r.reads = append(r.reads, i)
	if r.inc != nil && r.inc.stopAfter {
		r.inc.stop(r)
	}
	return v
}

func (r *recorder) Store(loc mmu.Loc, v uint64, tags memmodel.Tag) {
	entry := r.entry
	r.entry = nil
	if r.inc != nil && r.inc.stopped {
		return
	}
	if tags == 0 {
		tags = memmodel.Once
	}
	r.own[loc] = v
	if r.pairCall && r.pairN < 2 { // a pair's k-th write
		k := r.pairN
		r.pairN++
		r.dataT, r.pDataT = r.pair[k].data, r.pair[k].pData
		r.sDataT, r.sPDataT = r.sPair[k].data, r.sPair[k].pData
	}
	if r.pickRead && r.casWriteBack() { // it writes what it read, not its new value
		r.dataT, r.sDataT = 0, 0
	}
	if r.copied(v) {
		tags |= memmodel.Copied
	}
	i := r.add(memmodel.Event{Kind: memmodel.Write, Tags: tags, Loc: uint64(loc), Val: v})
	if entry != nil {
		r.entries = append(r.entries, entryAt{ev: i, w: *entry})
	}
	r.depsTo(i, r.dataT, &r.trace.Data)
	r.depsTo(i, r.pDataT, &r.trace.PickData)
	for _, ld := range r.callLd {
		if r.pickRead { // every read of a CASP feeds its one comparison
			r.trace.PickData = append(r.trace.PickData, memmodel.Dep{From: int32(ld), To: int32(i)})
		}
		if r.ldop && r.trace.Events[ld].Loc == uint64(loc) {
			r.trace.Data = append(r.trace.Data, memmodel.Dep{From: int32(ld), To: int32(i)})
		}
	}
	if tags&memmodel.SrcuUnlock != 0 {
		eachRead(r.ta, r.dataT, func(k int) {
			if ev := r.reads[k]; r.trace.Events[ev].Tags&memmodel.SrcuLock != 0 {
				r.trace.SrcuMatch = append(r.trace.SrcuMatch, memmodel.Dep{From: int32(ev), To: int32(i)})
			}
		})
	}
	if tags&memmodel.Excl != 0 {
		r.pairExcl(loc, i)
		return
	}
	if r.pairCall && r.casWriteBack() {
		return // a failed CASP's write-back is no RMW (mmu's caspRMW)
	}
	for _, ld := range r.callLd {
		if r.trace.Events[ld].Loc == uint64(loc) {
			r.trace.Rmw = append(r.trace.Rmw, memmodel.Dep{From: int32(ld), To: int32(i)})
			break
		}
	}
}

// pairExcl pairs store-exclusive write i of loc with the exclusive load
// of loc, LDXR's or either of LDXP's: each word's read with its write. A
// store-exclusive ends the reservation once its writes are made (STXP's
// two).
func (r *recorder) pairExcl(loc mmu.Loc, i int) {
	switch {
	case r.exclLd >= 0 && r.trace.Events[r.exclLd].Loc == uint64(loc):
		r.trace.Rmw = append(r.trace.Rmw, memmodel.Dep{From: int32(r.exclLd), To: int32(i)})
		r.exclLd = -1
	case r.exclHi > 0 && r.trace.Events[r.exclHi-1].Loc == uint64(loc):
		r.trace.Rmw = append(r.trace.Rmw, memmodel.Dep{From: int32(r.exclHi - 1), To: int32(i)})
		r.exclHi = 0
	}
	if !r.pairCall || r.pairN == 2 {
		r.exclLd, r.exclHi = -1, 0
	}
}

// Recorded counts the run's events (mmu.Instances).
func (r *recorder) Recorded() int { return len(r.trace.Events) }

// Instance makes the run's events from first one point (mmu.Instances):
// each is joined to the first.
func (r *recorder) Instance(first int) { r.trace.Si = r.joinFrom(first, r.trace.Si) }

// Siblings makes the run's events from first one instruction's, which
// program order does not order among themselves (mmu.Instances).
func (r *recorder) Siblings(first int) { r.trace.Sib = r.joinFrom(first, r.trace.Sib) }

// joinFrom adds to deps an edge from event first to each later one.
func (r *recorder) joinFrom(first int, deps []memmodel.Dep) []memmodel.Dep {
	for i := first + 1; i < len(r.trace.Events); i++ {
		deps = append(deps, memmodel.Dep{From: int32(first), To: int32(i)})
	}
	return deps
}

func (r *recorder) Fence(tags memmodel.Tag, loc mmu.Loc) {
	if r.inc != nil && r.inc.stopped {
		return
	}
	r.add(memmodel.Event{Kind: memmodel.Fence, Tags: tags, Loc: uint64(loc)})
}

// readable lists the values a read of loc may return in this run, by
// coherence with the run's own writes: after the CPU wrote loc, its own
// last value or a value another CPU writes; before, the initial value or
// a value another CPU writes (never a value only its own later writes
// give).
func (r *recorder) readable(loc mmu.Loc) []uint64 {
	dom, by := r.w.domains[loc], r.w.by[loc]
	if len(dom) == 0 { // a location no run has touched yet
		v := r.w.init[uint64(loc)]
		dom, by = []uint64{v}, map[uint64]uint64{v: initBit}
	}
	last, wrote := r.own[loc]
	out := r.valBuf[:0]
	for _, v := range dom {
		others := by[v] &^ (1 << uint(r.cpu)) &^ initBit
		switch {
		case r.w.all, others != 0, wrote && v == last, !wrote && by[v]&initBit != 0:
			out = append(out, v)
		}
	}
	if wrote && !slices.Contains(out, last) { // not yet in the domains (the first round)
		out = append(out, last)
	}
	if !r.w.atomicLocs[loc] && r.w.m.MMU.IsSharedWord(loc) {
		for _, g := range r.w.guesses {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, r.w.init[uint64(loc)])
	}
	r.valBuf = out
	return out
}

// initBit marks a location's initial value among the writers of a value.
const initBit = 1 << 63

func (r *recorder) Read(lo, hi mmu.Loc) []mmu.Loc {
	var out []mmu.Loc
	if r.inc != nil {
		return r.inc.locations(r, lo, hi)
	}
	if r.replay != nil { // the locations are among the run's answers
		n := r.answer(0)
		for i := uint64(0); i < n && !r.pruned; i++ {
			out = append(out, mmu.Loc(r.answer(0)))
		}
		return out
	}
	defer func() {
		r.answers = append(r.answers, uint64(len(out)))
		for _, l := range out {
			r.answers = append(r.answers, uint64(l))
		}
	}()
	for l := range r.w.domains {
		if l >= lo && l < hi {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (r *recorder) Attempt() { r.attemptAt = len(r.trace.Events) }

func (r *recorder) Retry() {
	if !r.blocked {
		r.blocked, r.waitFrom = true, r.attemptAt
	}
}

func (r *recorder) NoWrite() {
	if r.inc != nil {
		r.inc.noWrite(r)
	}
}

func (r *recorder) Retag(tags memmodel.Tag, n int) {
	if r.inc != nil {
		if r.inc.stopped {
			return
		}
		for range n {
			r.inc.noWrite(r)
		}
	}
	for i := max(len(r.trace.Events)-n, 0); i < len(r.trace.Events); i++ {
		r.trace.Events[i].Tags = tags
	}
}

// weakRun is one finished run of one CPU.
type weakRun struct {
	trace     *memmodel.Trace
	pcs       []int
	regs      []uint64 // the thread's locals at the end
	violation *Violation
	// A blocked run stops waiting: at a lock it read held, or in a spin
	// loop whose exit condition its reads failed. It is a deadlock in an
	// execution where every read it waits on (events from waitFrom on)
	// reads the last write of its location: nothing would wake it. In
	// any other execution the CPU goes on, as another run says.
	blocked  bool
	waitFrom int
	waitWhat string
	// held names the locks the CPU still holds at its end: a `lock`
	// violation, which leaves the final state meaningful (herd, which
	// has no such check, lists it)
	held string
	// answers replay the run (see recorder)
	answers []uint64
	// lastReads must read the last write of their location for the run
	// to be part of an execution: the final look at the IPI requests of
	// a CPU that stops (nothing is left pending).
	lastReads []int
	// ipiAt and ipiEnd say where the run could have taken synchronising
	// IPIs, when the incremental search places them itself (incipi.go)
	ipiAt  []ipiSlot
	ipiEnd [2]bool
	// entries are its entry writes, for break-before-make (bbmOf)
	entries []entryAt
}

// weakBuiltins are the builtins with a meaning under a weak model:
// accesses and barriers, and builtins that touch only the calling CPU's
// state. The rest act on global MMU state (TLBs, IPIs, page frees, the
// walker) whose interplay with weak memory is not modelled yet.
var weakBuiltins = map[string]bool{
	"spin_lock": true, "spin_trylock": true, "spin_lock_irqsave": true, "spin_unlock_irqrestore": true, "spin_unlock": true, "spin_is_locked": true,
	"rcu_read_lock": true, "rcu_read_unlock": true, "synchronize_rcu": true,
	"local_irq_disable": true, "local_irq_enable": true, "local_irq_save": true, "local_irq_restore": true,
	"preempt_disable": true, "preempt_enable": true, "local_bh_disable": true, "local_bh_enable": true,
	"set_pte": true, "set_pte_at": true, "ptep_get": true, "__ptep_get": true,
	"ptep_get_and_clear": true, "__ptep_get_and_clear": true, "pte_clear": true,
	"set_pmd": true, "pmd_clear": true, "pmdp_get": true, "set_pud": true, "pud_clear": true, "pudp_get": true,
	"pud_offset": true, "pmd_offset": true, "pte_offset_kernel": true,
	"pte_read_low": true, "pte_read_high": true, "pte_write_low": true, "pte_write_high": true,
	"dsb_ish": true, "dsb_ishst": true, "static_branch_unlikely": true, "static_branch_likely": true,
	"arch_enter_lazy_mmu_mode": true, "arch_leave_lazy_mmu_mode": true, "arch_flush_lazy_mmu_mode": true,
	"pte_free_kernel": true, "pmd_free": true, "in_interrupt": true,
	"down_read": true, "down_write": true, "down_read_trylock": true, "up_read": true, "up_write": true,
	"mmap_read_lock": true, "mmap_write_lock": true, "mmap_read_trylock": true, "mmap_read_unlock": true, "mmap_write_unlock": true,
	"contpte_try_fold": true, "contpte_try_unfold": true, "set_ptes": true, "__set_ptes": true,
	"static_branch_enable": true, "static_branch_disable": true, "static_branch_inc": true, "static_branch_dec": true,
	"hw_set_young": true, "hw_set_dirty": true, "ptep_get_lockless": true,
	"ptep_set_wrprotect": true, "ptep_test_and_clear_young": true, "pmdp_huge_get_and_clear": true,
	"pmdp_get_lockless": true, "pte_offset_map": true, "pte_unmap": true,
	"pte_offset_map_lock": true, "pte_unmap_unlock": true, "tlb_remove_table_sync_one": true,
	"percpu_down_read": true, "percpu_up_read": true, "percpu_down_write": true, "percpu_up_write": true,
	"kick_all_cpus_sync": true, "smp_call_function": true, "on_each_cpu": true,
	"tlb_gather_mmu": true, "tlb_remove_table": true, "call_rcu": true, "pmd_populate": true, "pmd_populate_kernel": true,
}

// syncBuiltins send synchronising IPIs (see mmu's weakSync).
var syncBuiltins = map[string]bool{"static_branch_enable": true, "static_branch_inc": true, "static_branch_disable": true, "static_branch_dec": true,
	"kick_all_cpus_sync": true, "smp_call_function": true, "on_each_cpu": true}

// flushBuiltins are TLB flushes: under a weak model they are their
// barriers where they are broadcast (arm64 TLBI, a PV hypercall), and a
// synchronising IPI where the arch flushes by IPI (x86). The walker and
// the TLBs themselves are not modelled under weak models.
var flushBuiltins = map[string]bool{
	"flush_tlb_mm_range": true, "flush_tlb_kernel_range": true, "__flush_tlb_kernel_pgtable": true, "flush_tlb_all": true,
	"flush_tlb_page": true, "flush_tlb_range": true, "flush_tlb_mm": true, "ptep_clear_flush": true,
	"tlb_finish_mmu": true,
}

// weakAllowed tells whether b may run under a weak model.
func (m *Machine) weakAllowed(b *mmu.Builtin) bool {
	if b.Host() {
		return false
	}
	if flushBuiltins[b.Name] {
		return true
	}
	if b.Kind == mmu.Pure || b.Kind == mmu.Local || weakBuiltins[b.Name] {
		return true
	}
	for _, p := range b.Params {
		if p == 'p' {
			return true
		}
	}
	return false
}

// checkWeakProgram refuses what a weak check cannot run.
func (m *Machine) checkWeakProgram(model string) error {
	if err := m.pageReuseWeak(model); err != nil {
		return err
	}
	for i, c := range m.prog.CPUs {
		if c.Preemptible {
			return &Unsupported{Msg: fmt.Sprintf("%s: cpu %d is preemptible, which is not modelled under model %s yet: a context switch moves a task's per-CPU state, which the weak engine keeps per CPU (use model sc)",
				m.posString(m.prog.Procs[m.prog.CPUs[i].Proc].Pos), c.CPU, model)}
		}
	}
	for _, pc := range m.cpuCode() {
		if m.prog.Code[pc].Op == OpAtomicBegin {
			return &Unsupported{Msg: fmt.Sprintf("%s: atomic { } is not modelled by the execution-graph engines yet (model %s): its accesses would be events like any other, which other CPUs could see half done (use an interleaving search: model sc or tso, with --search dpor, dfs, state or auto)",
				m.posString(m.prog.Pos[pc]), model)}
		}
		if err := m.deferredLast(pc, model); err != nil {
			return err
		}
		if in := m.prog.Code[pc]; in.Op == OpBuiltin && !m.weakAllowed(m.builtins[in.A]) {
			return &Unsupported{Msg: fmt.Sprintf("%s: %s is not modelled under model %s yet: it acts on state whose interplay with weak memory mmuvm does not model (page allocation, the walker and TLBs, preemption and softirq counts, cross-CPU calls) (use model sc)",
				m.posString(m.prog.Pos[pc]), m.builtins[in.A].Name, model)}
		}
	}
	return nil
}

// ipiSenders lists, for each CPU, the other CPUs whose code may send it a
// synchronising IPI: the choices of its runs at each boundary.
func (m *Machine) ipiSenders() [][]int {
	flushIPI := m.Arch.Traits().FlushByIPI
	return m.syncSenders(func(n string) bool {
		// tlb_remove_table_sync_one() is an empty stub where flushes are IPIs
		return syncBuiltins[n] || (flushIPI && flushBuiltins[n]) || (!flushIPI && n == "tlb_remove_table_sync_one")
	})
}

// gpSenders lists, for each CPU, the other CPUs whose code may start an
// RCU grace period (none when the model states RCU itself).
func (m *Machine) gpSenders() [][]int {
	if m.MMU.RCUByModel {
		return make([][]int, len(m.cpus))
	}
	return m.syncSenders(func(n string) bool { return n == "synchronize_rcu" || m.rcuCallback(n) })
}

// syncSenders lists, for each CPU, the other CPUs whose code calls a
// builtin that sends.
func (m *Machine) syncSenders(sends func(name string) bool) [][]int {
	byCPU := map[int]bool{}
	for i, t := range m.prog.CPUs {
		for _, pc := range m.codeOf(t.Proc) {
			if in := m.prog.Code[pc]; in.Op == OpBuiltin && sends(m.builtins[in.A].Name) {
				byCPU[m.threads[i].cpu] = true
			}
		}
	}
	out := make([][]int, len(m.cpus))
	for c := range out {
		for s := range m.cpus {
			if s != c && byCPU[s] {
				out[c] = append(out[c], s)
			}
		}
	}
	return out
}

// cpuCode lists the instructions the CPUs may run: their bodies and the
// procs they call (init and the final condition run under sc).
func (m *Machine) cpuCode() []int {
	var procs []int
	for _, t := range m.prog.CPUs {
		procs = append(procs, t.Proc)
	}
	for _, t := range m.prog.IRQs {
		procs = append(procs, t.Proc)
	}
	return m.codeOf(procs...)
}

// codeOf lists the instructions of procs and of the procs they call.
func (m *Machine) codeOf(procs ...int) []int {
	p := m.prog
	ends := m.procEnds()
	seen := map[int]bool{}
	var pcs []int
	var visit func(proc int)
	visit = func(proc int) {
		if seen[proc] {
			return
		}
		seen[proc] = true
		for pc := p.Procs[proc].Entry; pc < ends[proc]; pc++ {
			pcs = append(pcs, pc)
			if p.Code[pc].Op == OpCall {
				visit(int(p.Code[pc].A))
			}
		}
	}
	for _, proc := range procs {
		visit(proc)
	}
	return pcs
}

// procEnds is where each proc's code ends: at the next proc's entry.
func (m *Machine) procEnds() []int {
	p := m.prog
	ends := make([]int, len(p.Procs))
	for i, pr := range p.Procs {
		ends[i] = len(p.Code)
		for _, q := range p.Procs {
			if q.Entry > pr.Entry && q.Entry < ends[i] {
				ends[i] = q.Entry
			}
		}
	}
	return ends
}

// Unsupported is the error of a script that uses what its memory model
// does not model yet: `mmuasm test` counts it as skipped, not failed.
type Unsupported struct{ Msg string }

func (u *Unsupported) Error() string { return u.Msg }

// resetRun puts the machine back to the post-init state and the
// recorder at the start of a run.
func (m *Machine) resetRun(rec *recorder) {
	m.MMU.Rollback(m.mark)
	m.MMU.SetMemory(nil)
	m.fresh = false
	m.steps, m.violation = 0, nil
	rec.next, rec.pruned, rec.exclLd, rec.exclHi, rec.callChoices = 0, false, -1, 0, 0
	rec.blocked, rec.waitFrom, rec.lastPass = false, 0, 0
	rec.lastReads = rec.lastReads[:0]
	rec.answers, rec.pos = nil, 0
	rec.ipiAt, rec.ipiEnd = nil, [2]bool{}
	rec.entry, rec.entries = nil, nil
	rec.hiT, rec.hiP = 0, 0 // taints of the arena about to go
	rec.outside()
	if rec.own == nil {
		rec.own, rec.copyOf = map[mmu.Loc]uint64{}, map[valueKey]int{}
	}
	clear(rec.own)
	clear(rec.copyOf)
	clear(rec.loops)
	clear(rec.passes)
	rec.trace = traceLike(rec.trace)
	rec.pcs, rec.reads, rec.at = rec.pcs[:0], rec.reads[:0], rec.at[:0]
	rec.ta = nil // a kept run's records name the last arena (replayMemo.ta)
}

// traceLike is an empty trace with room for as much as prev holds: a
// CPU's runs are replayed again and again with mostly the same events,
// and growing the dependency lists (control dependencies make them
// quadratic in the reads) was most of the replays' copying.
func traceLike(prev *memmodel.Trace) *memmodel.Trace {
	if prev == nil {
		return &memmodel.Trace{}
	}
	// the room of prev, not its length: a run stopped early (a replay
	// ends at the first read its graph does not answer) would otherwise
	// leave the next, longer one to grow its lists again
	room := func(d []memmodel.Dep) []memmodel.Dep {
		if cap(d) == 0 {
			return nil
		}
		return make([]memmodel.Dep, 0, cap(d))
	}
	return &memmodel.Trace{Events: make([]memmodel.Event, 0, cap(prev.Events)),
		Rmw: room(prev.Rmw), Addr: room(prev.Addr), Data: room(prev.Data), Ctrl: room(prev.Ctrl),
		SrcuMatch: room(prev.SrcuMatch), PickAddr: room(prev.PickAddr), PickData: room(prev.PickData),
		PickCtrl: room(prev.PickCtrl), Si: room(prev.Si), Sib: room(prev.Sib)}
}

// runAlone runs CPU thread id from the post-init state to its end under
// the recorder's choices. The CPU's irq handler, if it has one, may fire
// once at any step boundary where the CPU has IRQs on (a choice of the
// run); its events are the CPU's, in program order where it fired.
func (m *Machine) runAlone(id int, rec *recorder) weakRun {
	t := m.threads[id]
	m.resetRun(rec)
	m.start(t)
	irq := m.irqOf(t.cpu)
	for _, th := range []*thread{t, irq} {
		if th == nil {
			continue
		}
		if len(th.taint) < len(th.stack) {
			th.taint, th.ptaint = make([]uint64, len(th.stack)), make([]uint64, len(th.stack))
			th.vid = make([]uint64, len(th.stack))
			m.noteStacks()
		}
		clear(th.taint)
		clear(th.ptaint)
		clear(th.vid)
		th.ctrl, th.pctrl, th.branchT, th.waitT, th.allCtrl = 0, 0, 0, 0, 0
		th.vids, th.sctrl = 0, 0
		th.scopes = th.scopes[:0]
	}
	if irq != nil {
		irq.status = notStarted
	}
	m.MMU.SetMemory(rec)
	m.weakRec = rec
	defer func() { m.MMU.SetMemory(nil); m.weakRec = nil }()
	live := func() bool { return m.violation == nil && !rec.pruned && !rec.blocked }
	syncs := []*ipiState{
		{kind: mmu.SyncIPI, senders: rec.w.senders[t.cpu], handled: map[int]uint64{}},
		{kind: mmu.SyncGP, senders: rec.w.gpSenders[t.cpu], handled: map[int]uint64{}},
	}
	rec.outsideDep = 0
	for t.status == ready && live() {
		rec.th = t    // the choices below are the CPU's, at a boundary of its steps
		rec.pc = t.pc // a handler taken here runs before the next statement
		rec.boundary()
		m.maybeFireIRQ(irq, rec, false)
		for m.maybeHandleIPI(t.cpu, rec, syncs) { // several may come in one gap between two steps
		}
		if !live() {
			break
		}
		before := len(rec.trace.Events)
		m.step(id)
		if t.status == blocked && !rec.blocked { // a lock read as held
			rec.blocked, rec.waitFrom = true, before
			rec.failedLock(before)
		}
	}
	if t.status == finished && live() {
		rec.pc = t.pc
		rec.boundary()
		m.maybeFireIRQ(irq, rec, true) // an irq that has not fired fires at the end
	}
	if m.violation != nil && m.MMU.RCUByModel {
		// a run that stops at a violation inside RCU read-side critical
		// sections ends them there, so that the LKMM's grace-period rule
		// judges the sections it has (an unended one is unconstrained)
		for n := m.MMU.RCUDepth(t.cpu); n > 0; n-- {
			rec.outside()
			rec.Fence(memmodel.RcuUnlock, 0)
		}
	}
	if t.status == finished && live() || rec.blocked {
		// an idle or waiting CPU with IRQs on takes every request still
		// to come: its end is a boundary like the others (requests of any
		// kinds and senders, in any order), then a last look at each
		// request word must show nothing new
		rec.th, rec.pc = t, t.pc
		rec.boundary()
		for m.maybeHandleIPI(t.cpu, rec, syncs) {
		}
		for _, s := range syncs {
			if rec.floatIPI {
				rec.ipiEnd[s.kind] = len(s.senders) > 0 && m.MMU.CanAck(s.kind, t.cpu)
				continue
			}
			m.lastLooks(t.cpu, rec, s)
		}
	}
	m.MMU.SetMemory(nil)
	run := weakRun{trace: rec.trace, pcs: append([]int(nil), rec.pcs...), violation: m.violation,
		blocked: rec.blocked, waitFrom: rec.waitFrom, lastReads: append([]int(nil), rec.lastReads...),
		answers: rec.answers, ipiAt: rec.ipiAt, ipiEnd: rec.ipiEnd, entries: rec.entries}
	if t.status == finished && live() {
		if held := m.MMU.LocksHeld(); len(held) > 0 {
			run.held = "lock held at the end: " + joinSemi(held)
		}
	}
	if rec.blocked {
		run.waitWhat = m.waitingFor(t)
		if irq != nil && irq.status == ready {
			run.waitWhat = m.waitingFor(irq)
		}
	}
	p := &m.prog.Procs[t.proc]
	run.regs = append([]uint64(nil), t.stack[:len(p.Locals)]...)
	return run
}

// ipiState is what a CPU's run has handled of synchronising IPIs.
type ipiState struct {
	kind    mmu.SyncKind
	senders []int
	handled map[int]uint64 // per sender, the sequence number handled last
}

// maybeHandleIPI lets the run choose to handle the next synchronising
// request (an IPI, or a grace period's) of one of the CPUs that may send
// one, of a kind the CPU can acknowledge here (IRQs on; outside RCU
// read-side sections), and tells whether it did: the run then chooses
// again, since a CPU can take several between two of its steps (a
// static_branch_enable() and the static_branch_disable() after it, or a
// grace period and then an IPI, all sent while it runs nothing). The
// options are each such kind's senders in turn, in syncs' order, which
// placement.option and choiceAt follow, so that the incremental search
// lays its placed handlers out as the same choices.
func (m *Machine) maybeHandleIPI(cpu int, rec *recorder, syncs []*ipiState) bool {
	if rec.pruned {
		return false
	}
	acks := func(ipis *ipiState) bool { return len(ipis.senders) > 0 && m.MMU.CanAck(ipis.kind, cpu) }
	n, bnd := 0, len(rec.ipiAt)
	for _, ipis := range syncs {
		if acks(ipis) {
			n += len(ipis.senders)
			if rec.floatIPI && !rec.inc.stopped {
				rec.ipiAt = append(rec.ipiAt, ipiSlot{kind: ipis.kind, pos: len(rec.inc.recs), bnd: bnd})
			}
		}
	}
	if n == 0 || rec.floatIPI {
		return false
	}
	c := rec.choose(n+1) - 1
	if c < 0 {
		return false
	}
	var ipis *ipiState
	for _, ipis = range syncs {
		if acks(ipis) {
			if c < len(ipis.senders) {
				break
			}
			c -= len(ipis.senders)
		}
	}
	s := ipis.senders[c]
	next := ipis.handled[s] + 1
	rec.outsideDep = 0
	rec.outside()
	if m.MMU.WeakSyncRequest(ipis.kind, s, cpu) != next { // not sent: the handler does not run here
		rec.pruned = true
		return false
	}
	rec.outsideDep = rec.readBit(len(rec.reads) - 1) // the handler runs because of what it read
	rec.outside()
	m.MMU.WeakSyncHandle(ipis.kind, s, cpu, next)
	ipis.handled[s] = next
	return true
}

// lastLooks reads each sender's request word once more at the end of an
// idle CPU (or one that waits with IRQs on), which has taken its
// requests at its last boundary: the look must show nothing new (a run
// that left a request there is not this one) and see the last request.
func (m *Machine) lastLooks(cpu int, rec *recorder, ipis *ipiState) {
	if !m.MMU.CanAck(ipis.kind, cpu) {
		return
	}
	rec.outsideDep = 0
	for _, s := range ipis.senders {
		if rec.pruned {
			return
		}
		rec.outside()
		at := len(rec.trace.Events)
		if m.MMU.WeakSyncRequest(ipis.kind, s, cpu) != ipis.handled[s] {
			rec.pruned = true
			return
		}
		rec.lastReads = append(rec.lastReads, at)
	}
}

// drainFrom handles sender's IPIs until a look at its request word shows
// nothing new.
func (m *Machine) drainFrom(cpu int, rec *recorder, ipis *ipiState, s int) {
	rec.outsideDep = 0
	for !rec.pruned {
		rec.outside()
		k := ipis.handled[s]
		at := len(rec.trace.Events)
		switch v := m.MMU.WeakSyncRequest(ipis.kind, s, cpu); v {
		case k + 1:
			// the rest of the drain happens because of this read
			rec.outsideDep = rec.or(rec.outsideDep, rec.readBit(len(rec.reads)-1))
			rec.outside()
			m.MMU.WeakSyncHandle(ipis.kind, s, cpu, v)
			ipis.handled[s] = v
			continue
		case k:
			rec.lastReads = append(rec.lastReads, at)
		default:
			rec.pruned = true
		}
		break
	}
}

// irqOf is the irq thread of a CPU, or nil.
func (m *Machine) irqOf(cpu int) *thread {
	for _, t := range m.threads {
		if t.kind == IRQThread && t.cpu == cpu {
			return t
		}
	}
	return nil
}

// maybeFireIRQ lets the run choose to take the irq now, if it has not
// fired and the CPU has IRQs on; the handler runs to its end.
func (m *Machine) maybeFireIRQ(irq *thread, rec *recorder, must bool) {
	if irq == nil || irq.status != notStarted || !m.MMU.IRQsOn(irq.cpu) || (!must && rec.choose(2) == 0) {
		return
	}
	m.step(irq.id)
	for irq.status == ready && m.violation == nil && !rec.pruned && !rec.blocked {
		before := len(rec.trace.Events)
		m.step(irq.id)
		if irq.status == blocked && !rec.blocked {
			rec.blocked, rec.waitFrom = true, before
		}
	}
}

// weakTraces makes every run of CPU thread id under the current domains.
func (x *explorer) weakTraces(id int, w *weakState) ([]weakRun, bool) {
	rec := &recorder{w: w, exclLd: -1, spins: w.spins, spinEnd: w.spinEnd, exits: w.exits, joins: w.joins,
		cpu: x.m.threads[id].cpu}
	var runs []weakRun
	for {
		if x.interrupted() {
			return nil, false
		}
		run := x.m.runAlone(id, rec)
		x.m.budget.run = 0 // a run kept is counted in held below
		// blocked runs are kept: they may be deadlocks. So are runs that
		// stop at a run-time error: a run takes every value its reads'
		// domains and guesses hold, which no execution may give it (a
		// division by a guessed 0), so the error is the script's only
		// where an execution has the run (weakRecord)
		if !rec.pruned {
			runs = append(runs, run)
			w.events += traceSize(run.trace)
			x.m.budget.held = int64(w.events+w.kept) * weakEventBytes // nothing else is held yet
			if !x.m.memOK() {
				x.overBudgetStop()
				return nil, false
			}
			if w.events > weakMaxEvents {
				w.bounds = append(w.bounds, fmt.Sprintf("runs: the CPUs' runs hold more than %d events and dependencies (a memory bound)", int(weakMaxEvents)))
				return runs, false
			}
			if len(runs) > weakMaxTraces {
				w.bounds = append(w.bounds, fmt.Sprintf("runs: %s has more than %d runs under the value domains", x.m.threads[id].name, int(weakMaxTraces)))
				return runs, false
			}
		}
		if !rec.advance() {
			if rec.unrolled && !strings.Contains(strings.Join(w.bounds, "\n"), "loops:") {
				w.bounds = append(w.bounds, fmt.Sprintf("loops: a loop whose exit depends on what it reads was unrolled %d times, as herd does; runs that need more passes are not explored", weakLoopBound))
			}
			return runs, true
		}
	}
}

// partialRuns is what a bound leaves to enumerate: this round's runs of
// the CPUs before i, the runs of CPU i made so far, and the last round's
// runs of the others (nil if some CPU has none). Every run is a real run,
// so the executions found among them are real; the result says it is
// incomplete.
func partialRuns(all [][]weakRun, runs []weakRun, i int, prev [][]weakRun) [][]weakRun {
	out := make([][]weakRun, len(all))
	for j := range out {
		switch {
		case j < i:
			out[j] = all[j]
		case j == i && len(runs) > 0:
			out[j] = runs
		case prev != nil:
			out[j] = prev[j]
		}
		if len(out[j]) == 0 {
			return nil
		}
	}
	return out
}

// longestRuns adds up the events of each CPU's longest run: the size of
// the largest execution the runs make.
func longestRuns(all [][]weakRun) int {
	n := 0
	for _, runs := range all {
		most := 0
		for _, r := range runs {
			most = max(most, len(r.trace.Events))
		}
		n += most
	}
	return n
}

// traceSize counts a trace's events and dependency edges: what it holds.
func traceSize(t *memmodel.Trace) int {
	return len(t.Events) + len(t.Rmw) + len(t.Addr) + len(t.Data) + len(t.Ctrl) + len(t.SrcuMatch) +
		len(t.PickAddr) + len(t.PickData) + len(t.PickCtrl) + len(t.Si) + len(t.Sib)
}

// weakDomains iterates the value domains to a fixpoint and returns every
// CPU's runs under the final domains. Round r finds the values written by
// chains of r writes, each computed from a value the previous one wrote.
// In an execution every such chain uses distinct writes (the models forbid
// values out of thin air), so once r reaches the most writes an execution
// can make, the domains hold every value an execution can produce (an RMW
// adding to a counter would otherwise grow them forever): one more round
// with the domains frozen gives the runs.
func (x *explorer) weakDomains(w *weakState, cpus []int) ([][]weakRun, bool) {
	w.domains, w.by = map[mmu.Loc][]uint64{}, map[mmu.Loc]map[uint64]uint64{}
	w.chains = map[mmu.Loc]*chainDepth{}
	w.atomicLocs = map[mmu.Loc]bool{}
	if len(w.guesses) > 0 {
		x.learnAtomics(w, cpus)
	}
	frozen, prevWrites := false, -1
	var prev [][]weakRun // the runs of the last round
	for round := 0; ; round++ {
		all := make([][]weakRun, len(cpus))
		w.kept, w.events = w.events, 0 // the last round's runs stay while this one's are made
		grew, writes := false, 0
		for i, id := range cpus {
			runs, ok := x.weakTraces(id, w)
			if !ok {
				return partialRuns(all, runs, i, prev), false
			}

			all[i] = runs
			cpu := x.m.threads[id].cpu
			if !w.all { // --search dfs, the differential tests' reference, takes every value
				for _, run := range runs {
					grew = w.countWrites(run.trace, cpu) || grew
				}
			}
			most := 0
			for _, run := range runs {
				w.noteAtomic(run.trace)
				n := 0
				var depths []int
				if !w.all && !frozen {
					depths = w.writeDepths(run.trace)
				}
				for j, ev := range run.trace.Events {
					if ev.Kind == memmodel.Write || ev.Kind == memmodel.Read {
						n += int(b2u(ev.Kind == memmodel.Write))
						if frozen {
							continue
						}
						if depths != nil && ev.Kind == memmodel.Write {
							ok, fell := w.admit(mmu.Loc(ev.Loc), ev.Val, depths[j])
							if !ok {
								continue // deeper than any execution's writes (weak_depth.go)
							}
							grew = fell || grew
						}
						grew = w.addValue(mmu.Loc(ev.Loc), ev.Val, ev.Kind == memmodel.Write, cpu) || grew
					}
				}
				most = max(most, n)
			}
			writes += most
		}
		if !grew || frozen {
			return all, true
		}
		// the bound holds once the writes an execution can make stop
		// growing (more values can open paths with more writes)
		if round+1 >= writes && writes == prevWrites {
			frozen = true
		}
		prevWrites = writes
		if round == weakMaxRounds {
			w.bounds = append(w.bounds, fmt.Sprintf("values: the value domains did not settle in %d rounds", weakMaxRounds))
			return all, false
		}
		for l, d := range w.domains {
			if len(d) > weakMaxValues {
				w.bounds = append(w.bounds, fmt.Sprintf("values: %s may hold more than %d values", x.m.MMU.AddrName(uint64(l)), weakMaxValues))
				return all, false
			}
		}
		prev = all
	}
}

// noteAtomic adds to atomicLocs the locations a run's RMWs and locks
// access.
func (w *weakState) noteAtomic(t *memmodel.Trace) {
	for _, d := range t.Rmw {
		w.atomicLocs[mmu.Loc(t.Events[d.From].Loc)] = true
	}
	for _, ev := range t.Events {
		if ev.Tags&(memmodel.LockR|memmodel.LockW|memmodel.Unlock|memmodel.LockFail|memmodel.IsLocked) != 0 {
			w.atomicLocs[mmu.Loc(ev.Loc)] = true
		}
	}
}

// learnAtomics runs each CPU once under the initial values, without
// guesses, to find the locations its RMWs and locks access before the
// first round guesses values there: every run of that round read a
// guess at every atomic location, each of whose values an RMW's run
// then wrote, so that a counter's domain held sums of guesses no
// execution makes (42 values of a counter that two CPUs add 1, 10, 100
// and 1000 to, where 11 are under armv8, which guesses nothing). The
// pre-pass's runs are dropped, and the bounds they hit with them.
func (x *explorer) learnAtomics(w *weakState, cpus []int) {
	guesses, bounds := w.guesses, len(w.bounds)
	w.guesses = nil
	for _, id := range cpus {
		runs, ok := x.weakTraces(id, w)
		for _, run := range runs {
			w.noteAtomic(run.trace)
		}
		if !ok {
			break
		}
	}
	w.guesses, w.bounds, w.events = guesses, w.bounds[:bounds], 0
}

// readsLast tells whether the reads at indexes es of a run (whose first
// event is first in g) read the last write of their location.
func readsLast(g *memmodel.Graph, first int, es []int) bool {
	if len(es) == 0 {
		return true
	}
	for _, i := range es {
		e := first + i
		w := g.Rf[e]
		for o, ev := range g.Events {
			if ev.Kind == memmodel.Write && ev.Loc == g.Events[e].Loc && g.CoRank[o] > g.CoRank[w] {
				return false
			}
		}
	}
	return true
}

// waitsForever tells whether a blocked run's waiting reads all read the
// last write of their location in g: then nothing wakes the CPU.
func waitsForever(g *memmodel.Graph, first int, run weakRun) bool {
	last := map[uint64]int{}
	for e, ev := range g.Events {
		if ev.Kind == memmodel.Write {
			if k, ok := last[ev.Loc]; !ok || g.CoRank[e] > g.CoRank[k] {
				last[ev.Loc] = e
			}
		}
	}
	waited := run.trace.Events[run.waitFrom:]
	for i, ev := range waited {
		e := first + run.waitFrom + i
		if ev.Kind == memmodel.Read && g.Rf[e] != last[ev.Loc] && !releasedIn(waited, ev) {
			return false
		}
	}
	return true
}

// releasedIn tells whether ev is the lock read of a lock that the waited
// events, a failed pass that took it, release: the pass waits on what it
// read under the lock, not on the lock (its next pass takes it again).
func releasedIn(waited []memmodel.Event, ev memmodel.Event) bool {
	return ev.Tags&memmodel.LockR != 0 && slices.ContainsFunc(waited, func(w memmodel.Event) bool {
		return w.Kind == memmodel.Write && w.Loc == ev.Loc && w.Tags&memmodel.Unlock != 0
	})
}

// addValue adds v, written by cpu, to loc's domain (which starts with the
// initial value); it reports whether the domain grew.
func (w *weakState) addValue(loc mmu.Loc, v uint64, written bool, cpu int) bool {
	d, ok := w.domains[loc]
	if !ok {
		d = []uint64{w.init[uint64(loc)]}
		w.by[loc] = map[uint64]uint64{d[0]: initBit}
		w.domains[loc] = d
	}
	if !written {
		return false
	}
	grew := w.by[loc][v]&(1<<uint(cpu)) == 0
	w.by[loc][v] |= 1 << uint(cpu)
	if !slices.Contains(d, v) {
		w.domains[loc] = append(d, v)
	}
	return grew
}

// weak checks the program under a weak model (see the top of this file).
func (x *explorer) weak(model memmodel.Model) {
	m := x.m
	w := x.weakSetup(model)
	var cpus []int
	for _, t := range m.threads {
		if t.kind == TaskThread {
			cpus = append(cpus, t.id)
		}
	}
	cas := usesCAS(m.prog)
	if x.cfg.Search == "incremental" {
		x.incremental(w, cpus)
		if model.Name() == "lkmm" {
			x.r.Notes = append(x.r.Notes, "search: incremental under lkmm misses out-of-thin-air values (and reads of writes that exist only because of what they lead to) and some lock handovers past a joined if (docs/architecture.md); --search graph finds them")
		}
		if cas && model.Name() != "lkmm" {
			x.r.Notes = append(x.r.Notes, "search: incremental keeps a failed CAS a lone read, and so misses the executions where it writes back what it read, as the architecture allows (docs/memory-models.md); --search graph has them")
		}
		return
	}
	if (x.cfg.Search == "" || x.cfg.Search == "auto") && model.Name() == "armv8" && w.synchronises() && !cas {
		// the enumeration makes where each CPU takes an IPI a choice of
		// its run and multiplies the executions by those places; the
		// incremental search places the handlers itself (incremental_ipi.go)
		x.incremental(w, cpus)
		x.r.Notes = append(x.r.Notes, "search: incremental, the default under armv8 where CPUs synchronise by IPIs or grace periods")
		return
	}
	x.weakCheck(w, cpus)
	if !x.enumerationGaveUp(w) || x.cfg.Search != "" && x.cfg.Search != "auto" {
		return
	}
	if model.Name() == "lkmm" {
		x.lookFurther(model, cpus, w.bounds)
		return
	}
	if model.Name() == "armv8" && !cas {
		// the incremental search reads only what some write gives, where
		// the enumeration's runs guess every value a read may return, and
		// under armv8 it is exact: it answers instead (contpte-lockless-
		// noretry: the enumeration stops at its bound on the reader's runs
		// in 0.9 s, the incremental search's prelude finds the torn read
		// in 20 ms)
		gaveUp, notes := w.bounds, x.notesBut(incrementalHint(model.Name()))
		x.reset()
		x.r.Notes = notes
		x.incremental(x.weakSetup(model), cpus)
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("search: incremental, as the enumeration stopped at a bound (%s)", strings.Join(gaveUp, "; ")))
	}
}

// lookFurther runs, after an enumeration under lkmm that stopped at a
// bound of its own, the incremental search within a budget of work
// (lkmmLookBudget), and takes its result if that settles the check: under
// lkmm it can miss executions, so an ok from it would be no proof, but
// what it finds is real (ptdump-vmalloc-n64-buggy: the enumeration stops
// at its bound on the freeing CPU's runs in 4.5 s, the incremental search
// finds the use-after-free in 13 graphs). Otherwise the enumeration's
// result stands, with a note.
func (x *explorer) lookFurther(model memmodel.Model, cpus []int, gaveUp []string) {
	if x.g.all || len(x.g.expects) == 0 {
		return // nothing it finds would end the check
	}
	y := x.sibling(x.ctx, x.m)
	y.incBudget = lkmmLookBudget
	y.incremental(y.weakSetup(model), cpus)
	if !y.g.settled(y.r, y.condFalsified) {
		x.r.Notes = append(x.r.Notes, fmt.Sprintf("search: the incremental search, run after the enumeration within %d items visited, settled nothing", lkmmLookBudget))
		return
	}
	x.take(y, incrementalHint(model.Name()))
	x.stop = true
	x.r.Notes = append(x.r.Notes, fmt.Sprintf("search: incremental, run within %d items visited as the enumeration stopped at a bound (%s); what it finds is real (under lkmm it can miss executions, so it could not have proved an ok)", lkmmLookBudget, strings.Join(gaveUp, "; ")))
}

// lkmmLookBudget is the work lookFurther gives the incremental search, in
// items visited (ptdump-vmalloc-n64-buggy settles well within it).
const lkmmLookBudget = 1_000_000

// enumerationGaveUp tells whether the enumeration stopped at a bound of
// its own (on the CPUs' runs or on the values a read may return), not at
// one every search has, with nothing else ending the check.
func (x *explorer) enumerationGaveUp(w *weakState) bool {
	if len(w.bounds) == 0 || x.g.settled(x.r, x.condFalsified) || x.m.budget.exceeded != "" || x.ctx.Err() != nil {
		return false
	}
	return !slices.ContainsFunc(w.bounds, func(b string) bool { return !enumerationBound(b) })
}

// enumerationBound tells whether bound b is one only the enumeration has:
// on its runs, or on the values its runs guess.
func enumerationBound(b string) bool {
	return strings.HasPrefix(b, "runs: ") || strings.HasPrefix(b, "values: ")
}

// synchronises tells whether some CPU may send another synchronising IPIs
// or wait for its grace periods.
func (w *weakState) synchronises() bool {
	for cpu := range w.senders {
		if len(w.senders[cpu])+len(w.gpSenders[cpu]) > 0 {
			return true
		}
	}
	return false
}

// weakSetup prepares the state of a weak check: the loops, branches and
// IPI senders of the code, and the initial values of the shared locations.
func (x *explorer) weakSetup(model memmodel.Model) *weakState {
	m := x.m
	w := &weakState{model: model, init: map[uint64]uint64{}, m: m}
	w.spinEnd, w.spinChecked = m.spinLoops()
	w.locksTested = m.locksTested()
	m.MMU.RCUByModel = model.Name() == "lkmm"
	w.spins, w.exits, w.senders, w.gpSenders = map[int]bool{}, m.loopExits(), m.ipiSenders(), m.gpSenders()
	w.all = x.cfg.Search == "dfs"
	if model.Name() == "lkmm" {
		w.joins, w.guesses = m.branchJoins(), m.constants()
	}
	for head := range w.spinEnd {
		w.spins[head] = true
	}
	m.MMU.Rollback(m.mark)
	m.MMU.S.Range(0, func(l mmu.Loc, v uint64) {
		switch {
		case m.MMU.SplitEntry(uint64(l)): // a PAE entry: two 32-bit halves
			w.init[uint64(l)], w.init[uint64(l)+4] = v&0xffffffff, v>>32
		case m.MMU.SharedLoc(l):
			w.init[uint64(l)] = v
		}
	})
	return w
}

// incrementalHint is the note of an enumeration stopped at a bound on
// the CPUs' runs: the runs guess every value a read may return, where the
// incremental search reads only what some write gives (under lkmm it may
// miss executions, so only what it finds is sure).
func incrementalHint(model string) string {
	h := "search: the enumeration stopped at a bound on the CPUs' runs; --search incremental builds the execution graphs one event at a time and may get further"
	if model == "lkmm" {
		h += " (under lkmm it can miss executions: a violation it finds is real, an ok is no proof)"
	}
	return h
}

// weakCheck finds the runs, enumerates the executions and records them.
func (x *explorer) weakCheck(w *weakState, cpus []int) {
	m, model := x.m, w.model
	all, ok := x.weakDomains(w, cpus)
	x.r.Bounds = append(x.r.Bounds, w.bounds...)
	if slices.ContainsFunc(w.bounds, enumerationBound) {
		x.r.Notes = append(x.r.Notes, incrementalHint(model.Name()))
	}
	if !ok && (all == nil || x.stop || x.ctx.Err() != nil) {
		m.fresh = false
		return
	}
	// past a bound, the runs made so far still give real executions:
	// their violations are found, the result stays incomplete
	prog := &memmodel.Program{Init: w.init, Interrupted: x.interruptedNow, Memory: x.weakGraphMemory}
	defer func() { m.budget.graph = 0 }()
	if !ok { // a budget of work: fewer combinations of longer runs
		prog.Budget = min(weakPartialCombos, max(1, weakPartialBudget/max(1, longestRuns(all))))
		prog.Steps = weakPartialSteps
	}
	for _, runs := range all {
		var ts []*memmodel.Trace
		for _, r := range runs {
			ts = append(ts, r.trace)
		}
		prog.Threads = append(prog.Threads, ts)
	}
	enumerate := memmodel.Enumerate
	if w.all {
		enumerate = memmodel.EnumerateAll
	}
	prog.Graphs = x.cfg.Limits.Graphs
	x.r.Graphs = enumerate(prog, model, func(g *memmodel.Graph, pick []int, flags []string) bool {
		x.weakRecord(g, pick, all, cpus, flags)
		return x.stop || x.interruptedNow()
	})
	if n := prog.Graphs; n > 0 && x.r.Graphs > n {
		x.r.Graphs = n
		x.graphsBound()
	}
	m.fresh = false
	x.r.Complete = !x.stop && len(w.bounds) == 0
}

// weakGraphMemory counts the graph the enumeration is about to check
// (with what the model's checks of it allocate) in the memory estimate,
// before its relations are made: past the budget the check stops there
// with the memory limit.
func (x *explorer) weakGraphMemory(bytes int64) bool {
	x.m.budget.graph = 0
	if !x.m.memTake(&x.m.budget.graph, bytes, fmt.Sprintf("the model's check of the next execution graph (%s)", fmtBytes(bytes))) {
		x.overBudgetStop()
		return false
	}
	return true
}

// weakRecord files one execution the model allows.
func (x *explorer) weakRecord(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int, flags []string) {
	m, r := x.m, x.r
	r.Executions++
	if x.sample != nil {
		counted := r.Executions
		defer func() { // once the graph is known to be an execution
			if r.Executions == counted {
				x.sample.offer(g, pick, all)
			}
		}()
	}
	var stuck []string
	for i, id := range cpus {
		run := all[i][pick[i]]
		if !readsLast(g, x.firstEvent(g, i), run.lastReads) {
			r.Executions-- // an IPI it would have handled is left pending
			return
		}
		if run.blocked {
			if !waitsForever(g, x.firstEvent(g, i), run) {
				r.Executions-- // not an execution: the CPU is woken and goes on
				return
			}
			stuck = append(stuck, run.waitWhat)
		}
		_ = id
	}
	if len(stuck) > 0 {
		x.weakViolation(g, pick, all, cpus, &Violation{Kind: "deadlock", Thread: -1, Pos: Pos{File: -1},
			Msg: "no CPU can make progress: " + joinSemi(stuck) + " (each waits on the last write of what it reads)"})
		return
	}
	for i, id := range cpus {
		if v := all[i][pick[i]].violation; v != nil {
			c := *v
			c.Thread = id
			x.weakFlags(flags)
			x.weakViolation(g, pick, all, cpus, &c)
			if c.Kind == "error" {
				x.stop = true // the script is wrong (scriptError)
			}
			return
		}
	}
	if v := x.bbmOf(g, pick, all, cpus); v != nil {
		x.weakFlags(flags)
		x.weakViolation(g, pick, all, cpus, v)
		return
	}
	if m.prog.Final != nil {
		x.weakFinalState(g, pick, all, cpus)
		if !x.recordFinal(nil) {
			return // herd's filter drops it, and its flags with it
		}
		if w := r.Witness; w != nil && w.Trace == nil {
			w.Trace = x.weakTrace(g, pick, all, cpus)
			w.Execution = executionToken(g, pick, all)
		}
	}
	x.weakFlags(flags)
	// a lock held at the end, with or without a final condition (sc's
	// Finish checks it in every execution)
	for i := range cpus {
		if held := all[i][pick[i]].held; held != "" {
			x.weakLockHeld(g, pick, all, cpus, &Violation{Kind: "lock", Thread: cpus[i], Pos: Pos{File: -1}, Msg: held})
		}
	}
	// the whole set of final states is the answer herd gives: go on past
	// a decided condition and a lock held at the end; stop early only
	// for violations that end an execution (weakViolation)
}

// weakFlags files the flags an execution raises. A flag is an
// execution's: a graph with a run cut short (a CPU that waits and is
// woken, an IPI left pending) is none, a deadlock's runs stop inside what
// they opened (spin_lock_irqsave() waiting with IRQs off, which under the
// LKMM is an RCU read-side section, would raise unmatched-rcu-lock), and
// one that herd's filter drops raises nothing (herd7 checks the filter
// first: tools/memory-model's AlanStern.2018.01.11a races only where its
// filter fails, and herd flags no data-race there).
func (x *explorer) weakFlags(flags []string) {
	r := x.r
	for _, f := range flags {
		if !slices.Contains(r.Flags, f) {
			r.Flags = append(r.Flags, f)
			r.Notes = append(r.Notes, "flag "+f+": some execution the model allows raises it")
		}
	}
}

// firstEvent is the index in g of CPU i's first event.
func (x *explorer) firstEvent(g *memmodel.Graph, i int) int {
	for e, ev := range g.Events {
		if ev.Thread == i {
			return e
		}
	}
	return len(g.Events)
}

// weakViolation files a violation found in an execution, and stops the
// search once the expectations are settled.
func (x *explorer) weakViolation(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int, v *Violation) {
	x.weakLockHeld(g, pick, all, cpus, v)
	if x.g.settled(x.r, false) {
		x.stop = true
	}
}

// weakLockHeld files a violation without stopping: a lock held at the
// end leaves the execution's final state meaningful, and the set of final
// states is herd's answer.
func (x *explorer) weakLockHeld(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int, v *Violation) {
	r := x.r
	if r.Counts[v.Kind] == 0 {
		v.Trace = x.weakTrace(g, pick, all, cpus)
		v.Execution = executionToken(g, pick, all)
		r.Violations = append(r.Violations, v)
	}
	r.Counts[v.Kind]++
}

// weakFinalState puts the machine in the execution's final state: each
// CPU's registers as its run left them, and each location holding the
// last write in coherence order.
func (x *explorer) weakFinalState(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int) {
	m := x.m
	m.MMU.Rollback(m.mark)
	m.violation = nil // the last run's, not this execution's
	for i, id := range cpus {
		copy(m.threads[id].stack, all[i][pick[i]].regs)
	}
	last := map[uint64]int{}
	for e, ev := range g.Events {
		if ev.Kind == memmodel.Write {
			if k, ok := last[ev.Loc]; !ok || g.CoRank[e] > g.CoRank[k] {
				last[ev.Loc] = e
			}
		}
	}
	for l, e := range last {
		v := g.Events[e].Val
		switch {
		case l%8 == 4: // the high half of a PAE entry
			lo := mmu.Loc(l - 4)
			m.MMU.S.Set(lo, m.MMU.S.Peek(lo)&0xffffffff|v<<32)
		case m.MMU.SplitEntry(l):
			m.MMU.S.Set(mmu.Loc(l), m.MMU.S.Peek(mmu.Loc(l))&^0xffffffff|v)
		default:
			m.MMU.S.Set(mmu.Loc(l), v)
		}
	}
}

// Dependency tracking. Each stack slot of a CPU run alone carries the set
// of its reads the value was computed from (a bit per read); a branch on
// such a value adds them to the thread's control set, which every later
// event depends on, as herd's ctrl relation says.

// setPushed gives the value a step just pushed (a read's, a builtin's
// result) its taints and a new identity: the slot's were a popped
// value's.
func (t *thread) setPushed(taint, ptaint uint64) {
	t.taint[t.sp-1], t.ptaint[t.sp-1] = taint, ptaint
	t.vid[t.sp-1] = t.newVid(false)
}

// taintOp mirrors a local op's data flow on the taint stack, before the
// op runs.
func (m *Machine) taintOp(t *thread, in Instr) {
	ids := m.weakRec.inc != nil            // only the incremental search asks what an event needs
	if ids || len(t.vid) == len(t.taint) { // the identities also find copies (noteCopy)
		t.vidOp(in)
	}
	m.weakRec.taintFlow(t.taint, t.sp, t.fp, in)
	m.weakRec.taintFlow(t.ptaint, t.sp, t.fp, in)
	tt, sp, fp := t.taint, t.sp, t.fp
	switch in.Op {
	case OpCall:
		p := &m.prog.Procs[in.A]
		if extra := len(p.Locals) - p.NParams; extra > 0 && sp+extra <= len(tt) {
			clear(tt[sp : sp+extra])
			clear(t.ptaint[sp : sp+extra])
			for i := sp; i < sp+extra; i++ {
				t.vid[i] = t.newVid(true) // a local starts at zero
			}
		}
	case OpReturn:
		if len(t.frames) > 0 {
			tt[fp] = tt[sp-1]
			t.ptaint[fp] = t.ptaint[sp-1]
		}
	case OpJumpIfZero, OpJumpNonZero:
		r := m.weakRec
		if r.joins != nil {
			r.openScope(t)
		}
		t.pctrl = r.or(t.pctrl, t.ptaint[sp-1])
		t.ctrl = r.or(t.ctrl, tt[sp-1])
		if !ids || !t.fixed(sp-1) { // a branch that goes one way whatever is read decides nothing
			both := r.or(tt[sp-1], t.ptaint[sp-1])
			t.allCtrl = r.or(t.allCtrl, both)
			if ids { // sctrl is the incremental search's only
				t.sctrl = r.or(t.sctrl, both)
			}
		}
		if r.exits[t.pc] {
			// whether the run leaves the loop (or spins, blocked, or
			// passes the unrolling bound) depends on these reads: what
			// follows the loop exists only on their values
			t.waitT = r.or(t.waitT, r.or(tt[sp-1], t.ptaint[sp-1]))
			t.branchT = r.or(t.branchT, tt[sp-1])
		}
	}
}

// taintFlow moves one taint stack as a local op moves values.
func (r *recorder) taintFlow(tt []uint64, sp, fp int, in Instr) {
	switch in.Op {
	case OpConst, OpSmall, OpAddrShared, OpAddrTask:
		tt[sp] = 0
	case OpLoadLocal:
		tt[sp] = tt[fp+int(in.A)]
	case OpStoreLocal:
		tt[fp+int(in.A)] = tt[sp-1]
	case OpAdd, OpSub, OpMul, OpDiv, OpMod, OpAnd, OpOr, OpXor, OpShl, OpShr, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		tt[sp-2] = r.or(tt[sp-2], tt[sp-1])
	}
}

// begin starts an access or builtin call of t: no dependencies yet but
// its control ones, no reads of the call.
func (r *recorder) begin(t *thread) {
	r.pc, r.addrT, r.dataT, r.ctrlT = t.pc, 0, 0, t.ctrl
	r.pAddrT, r.pDataT, r.pCtrlT, r.pickRead = 0, 0, t.pctrl, false
	r.th, r.fullT = t, t.waitT
	r.callLd, r.callReads, r.dataVid = r.callLd[:0], 0, valueKey{}
	r.sAddrT, r.sDataT, r.sPDataT, r.sCtrlT = 0, 0, 0, t.sctrl
	r.pairCall, r.pairN = false, 0
	if r.inc != nil {
		r.inc.call(t.pc)
	}
}

// access prepares the recorder for a shared load or store op.
func (r *recorder) access(t *thread, in Instr) {
	r.begin(t)
	if in.Op == OpStoreShared || in.Op == OpStoreTask {
		r.dataT, r.pDataT = t.taint[t.sp-1], t.ptaint[t.sp-1]
		r.dataVid = valueKey{t.id, t.vid[t.sp-1]}
		if r.inc != nil && !t.fixed(t.sp-1) {
			r.sDataT, r.sPDataT = r.dataT, r.pDataT
		}
	}
}

// call prepares the recorder for a builtin call with n arguments on t's
// stack and returns the union of their taints. A builtin's pointer
// arguments ('p') give the address dependencies of its accesses and the
// others the data; one without pointer parameters takes its last argument
// as the data written (set_pte(ptep, pte)) and the rest as the address.
func (r *recorder) call(t *thread, b *mmu.Builtin, n int) uint64 {
	r.begin(t)
	args, pargs := t.taint[t.sp-n:t.sp], t.ptaint[t.sp-n:t.sp]
	var all uint64
	for _, a := range args {
		all = r.or(all, a)
	}
	d := r.argDeps(b, args, pargs)
	r.addrT, r.pAddrT, r.dataT, r.pDataT = d.addr, d.pAddr, d.data, d.pData
	r.dataVid = valueKey{t.id, dataArgVid(b, t.vid[t.sp-n:t.sp])}
	r.pickRead = casBuiltins[b.Name]
	r.pairCall = b.Pair() == mmu.PairCAS || b.Pair() == mmu.PairStoreExcl
	if r.pairCall {
		r.pair = r.pairDeps(b, args, pargs)
	}
	if r.inc != nil {
		sa, sp, ok := r.unfixedArgs(t, n)
		if ok {
			d = r.argDeps(b, sa, sp)
		}
		r.sAddrT, r.sDataT, r.sPDataT = r.or(d.addr, d.pAddr), d.data, d.pData
		if r.pairCall {
			r.sPair = r.pair
			if ok {
				r.sPair = r.pairDeps(b, sa, sp)
			}
		}
	}
	return all
}

// valueKey names a value identity: identities are numbered per thread,
// and a CPU's run also runs its IRQ handler's thread.
type valueKey struct {
	thread int
	vid    uint64
}

// dataArgVid is the identity of the one value a call writes as it was
// given (WRITE_ONCE(x, v), xchg(x, v): its one non-pointer argument), 0
// when it has more than one (cmpxchg()'s expected and new values) or
// none.
func dataArgVid(b *mmu.Builtin, vids []uint64) uint64 {
	var vid uint64
	n := 0
	for i, v := range vids {
		if i < len(b.Params) && b.Params[i] == '.' {
			vid, n = v, n+1
		}
	}
	if n != 1 {
		return 0
	}
	return vid
}

// copied tells whether a write of v by the access in progress copies a
// read: the value it writes is one a load returned, unchanged, and the
// access computes nothing from its own read (an atomic_add() does).
func (r *recorder) copied(v uint64) bool {
	if r.dataVid.vid == 0 || r.ldop || r.copyOf == nil {
		return false
	}
	src, ok := r.copyOf[r.dataVid]
	return ok && r.trace.Events[src].Val == v
}

// noteCopy records that the value v on top of t's stack is what the
// access in progress read, where it made one read and returned its value.
func (r *recorder) noteCopy(t *thread, v uint64) {
	if len(r.callLd) == 1 && r.copyOf != nil && r.trace.Events[r.callLd[0]].Val == v {
		r.copyOf[valueKey{t.id, t.vid[t.sp-1]}] = r.callLd[0]
	}
}

// argsDeps is how a call's arguments reach its accesses: as their
// address and as the data written, each directly and through picks.
type argsDeps struct{ addr, pAddr, data, pData uint64 }

// argDeps classifies a call's argument taints (args, and pargs through
// picks).
func (r *recorder) argDeps(b *mmu.Builtin, args, pargs []uint64) (d argsDeps) {
	n := len(args)
	hasPtr := strings.IndexByte(b.Params, 'p') >= 0
	for i, a := range args {
		switch {
		case hasPtr && i < len(b.Params) && b.Params[i] == 'p':
			d.addr, d.pAddr = r.or(d.addr, a), r.or(d.pAddr, pargs[i])
		case hasPtr || i == n-1:
			d.data, d.pData = r.or(d.data, a), r.or(d.pData, pargs[i])
		default:
			d.addr, d.pAddr = r.or(d.addr, a), r.or(d.pAddr, pargs[i])
		}
	}
	if !hasPtr && n == 1 { // a one-argument read: its argument is the address
		d.addr, d.data = r.or(d.addr, d.data), 0
		d.pAddr, d.pData = r.or(d.pAddr, d.pData), 0
	}
	if casBuiltins[b.Name] && b.Pair() != mmu.PairCAS {
		// a CAS writes its new value: the expected value and the read
		// it is compared with reach the write through the comparison,
		// a pick (herd's AArch64 CAS semantics)
		d.data, d.pData = args[2], r.or(pargs[2], r.or(args[1], pargs[1]))
	}
	return d
}

// pairDeps is how the arguments of a call that writes a pair reach its
// two writes: each writes its own word. A CASP's (address, two expected
// words, two new ones) also reach both through the comparison, a pick
// (herd's casp: one branch on the two pairs' equality, AArch64Sem.ml);
// an STXP's (address, two words) reach only their own.
func (r *recorder) pairDeps(b *mmu.Builtin, args, pargs []uint64) (d [2]argsDeps) {
	first, pick := 1, uint64(0)
	if b.Pair() == mmu.PairCAS {
		first, pick = 3, r.or(r.or(args[1], pargs[1]), r.or(args[2], pargs[2]))
	}
	for k := range d {
		d[k].data, d[k].pData = args[first+k], r.or(pargs[first+k], pick)
	}
	return d
}

// unfixedArgs is the taints of t's top n slots with those of the values
// no read changes cleared, in the recorder's scratch; false if none is
// such a value with a taint (the taints as they are).
func (r *recorder) unfixedArgs(t *thread, n int) (args, pargs []uint64, ok bool) {
	base := t.sp - n
	for i := base; i < t.sp; i++ {
		if t.taint[i]|t.ptaint[i] != 0 && t.fixed(i) {
			ok = true
		}
	}
	if !ok {
		return nil, nil, false
	}
	r.sArgs = append(r.sArgs[:0], t.taint[base:t.sp]...)
	r.sArgs = append(r.sArgs, t.ptaint[base:t.sp]...)
	for i := range n {
		if t.fixed(base + i) {
			r.sArgs[i], r.sArgs[n+i] = 0, 0
		}
	}
	return r.sArgs[:n:n], r.sArgs[n:], true
}

// outside prepares the recorder for accesses that no instruction of the
// run makes (an IPI handler's): no dependencies, no RMW pairing.
func (r *recorder) outside() {
	r.addrT, r.dataT, r.ctrlT = 0, 0, 0
	r.sAddrT, r.sDataT, r.sPDataT, r.sCtrlT = 0, 0, 0, 0
	r.fullT = r.outsideDep
	r.pAddrT, r.pDataT, r.pCtrlT, r.pickRead, r.ldop = 0, 0, 0, false, false
	r.callLd, r.callReads = r.callLd[:0], 0
}

// wroteSince tells whether a write event was recorded after event k.
func (r *recorder) wroteSince(k int) bool {
	for _, ev := range r.trace.Events[min(k, len(r.trace.Events)):] {
		if ev.Kind == memmodel.Write {
			return true
		}
	}
	return false
}

// CASWriteBack tells mmu's casRMW whether a failed CAS may write back
// what it read: in the enumeration's runs, not the incremental search's
// (where its choice would take the place of a success's write, which a
// revisit that turns the comparison must find).
func (r *recorder) CASWriteBack() bool { return r.inc == nil }

// casWriteBack tells whether the CAS call in progress failed its
// comparison, so that a write it makes writes back what it read
// (mmu's casRMW): its read against the expected value, which is still
// on the stack below the new one.
func (r *recorder) casWriteBack() bool {
	t, n := r.th, 3
	if r.pickRead && r.pairCall {
		n = caspArity // CASP: its expected words are the second and third of five
	}
	for k, ld := range r.callLd {
		if r.trace.Events[ld].Val != t.stack[t.sp-n+1+k] {
			return true
		}
	}
	return false
}

// usesCAS tells whether prog calls arm64's CAS, whose failure may write
// back under the enumeration only (mmu's casRMW).
func usesCAS(prog *Program) bool {
	for _, b := range prog.Builtins {
		if casBuiltins[b] {
			return true
		}
	}
	return false
}

// casBuiltins are the compare-and-swaps whose comparison is a pick: CAS's
// (address, expected and new value) and CASP's (mmu.PairCAS: address and
// two of each, caspArity arguments).
var casBuiltins = map[string]bool{"cas": true, "casa": true, "casl": true, "casal": true, "cas_noret": true, "casl_noret": true,
	"casp": true, "caspa": true, "caspl": true, "caspal": true}

const caspArity = 5

// result gives the taints of a builtin's result: a value read from memory
// depends on the reads of the call; a csel's on the operand it selects,
// and through a pick on its condition; a successful CAS's, through a pick,
// on its read and the expected value it compared; anything else on its
// arguments.
func (r *recorder) result(t *thread, b *mmu.Builtin, n int, argT uint64, v uint64, wrote bool) (uint64, uint64) {
	switch b.Pair() {
	case mmu.PairHi:
		return r.hiT, r.hiP
	case mmu.PairLoadExcl:
		if len(r.callLd) != 2 || len(r.reads) < 2 {
			break // the incremental search stopped at its first read
		}
		// LDXP writes each register from its own read
		k := len(r.reads) - 2
		r.hiT, r.hiP = r.readBit(k+1), 0
		return r.readBit(k), 0
	}
	rt, rp := r.callResult(t, b, n, argT, wrote)
	if b.Pair() == mmu.PairCAS {
		// CASP writes both registers from both reads, or from both
		// expected words (herd's casp: write_rs of the pair), so the
		// second, pair_hi()'s, has the taints of the first
		r.hiT, r.hiP = rt, rp
	}
	return rt, rp
}

func (r *recorder) callResult(t *thread, b *mmu.Builtin, n int, argT uint64, wrote bool) (uint64, uint64) {
	args, pargs := t.taint[t.sp-n:t.sp], t.ptaint[t.sp-n:t.sp]
	switch {
	case b.Name == "csel" && n == 3:
		sel := 2
		if t.stack[t.sp-n] != 0 {
			sel = 1
		}
		return args[sel], r.or(args[0], r.or(pargs[0], pargs[sel]))
	case casBuiltins[b.Name] && wrote:
		// herd makes two executions of a successful CAS (eventsMonad.ml
		// aarch64_cas_ok: altT DataFromRRs DataFromRx): Rs is written
		// from the read, or from the expected value and, through the
		// comparison (a pick), the read (LB+rel+CAS-ok-RsRs-addr). A
		// failed one that wrote back (mmu's casRMW) has the second only.
		if b.Void { // cas_noret: no Rs
			return 0, 0
		}
		if r.casWriteBack() {
			return r.callReads, 0
		}
		r.localChoice = true
		fromRead := r.choose(2) == 0
		r.localChoice = false
		if fromRead {
			return r.callReads, 0
		}
		exp, pexp := args[1], pargs[1]
		if r.pairCall {
			exp, pexp = r.or(exp, args[2]), r.or(pexp, pargs[2])
		}
		return exp, r.or(r.callReads, pexp)
	case casBuiltins[b.Name] && !b.Void && r.inc != nil:
		// a failed CAS has no such choice: its place stays empty, so
		// that what comes after keeps its place in an incremental replay
		r.inc.noWrite(r)
		return r.callReads, 0
	case r.callReads != 0:
		return r.callReads, 0
	}
	var p uint64
	for _, x := range pargs {
		p = r.or(p, x)
	}
	return argT, p
}

// Control dependencies in C (the LKMM's herd front end) reach only the
// events inside the branches of an if or a loop body, not the statements
// after them: herd's ctrl is the condition's events times the branch's.
// Under lkmm a conditional branch opens a scope that closes, restoring
// the control set, where its two paths join. The hardware models keep
// the control dependency on everything after the branch in program order,
// as a branch instruction gives.

// ctrlScope is a conditional branch whose paths have not joined yet.
type ctrlScope struct {
	join, depth        int // where the paths join, in the frame at depth
	ctrl, pctrl, sctrl uint64
}

// constants lists the small constants of the CPUs' code. Under the LKMM
// a write's value can depend on a read through control flow after a branch
// has joined, with no dependency ordering them; a cycle of such writes
// and reads can then justify values no run writes first (herd's
// crypto-control-data, the OOTA tests). herd solves for them; mmuvm lets
// every read of a shared word no RMW or lock touches also return the
// program's constants, so the cycle's runs exist, and the enumeration
// keeps only those whose values some write really gives.
func (m *Machine) constants() []uint64 {
	var out []uint64
	for _, pc := range m.cpuCode() {
		in := m.prog.Code[pc]
		var v uint64
		switch in.Op {
		case OpSmall:
			v = uint64(in.A)
		case OpConst:
			v = m.prog.Consts[in.A]
		default:
			continue
		}
		if v < 1024 && !slices.Contains(out, v) && len(out) < 16 {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// branchJoins maps each forward conditional branch to where its paths
// join, for the code the compiler makes of if/else and loops: the target,
// or the end of the else branch when the code before the target jumps
// over it.
func (m *Machine) branchJoins() map[int]int {
	code := m.prog.Code
	out := map[int]int{}
	for pc, in := range code {
		if in.Op != OpJumpIfZero && in.Op != OpJumpNonZero {
			continue
		}
		to := int(in.A)
		if to <= pc {
			continue
		}
		join := to
		if to > 0 && code[to-1].Op == OpJump && int(code[to-1].A) > to {
			join = int(code[to-1].A)
		}
		out[pc] = join
	}
	return out
}

func (r *recorder) openScope(t *thread) {
	join, ok := r.joins[t.pc]
	if !ok {
		return
	}
	depth := len(t.frames)
	if n := len(t.scopes); n > 0 && t.scopes[n-1].join == join && t.scopes[n-1].depth == depth {
		return // a loop's condition again: the scope is open
	}
	t.scopes = append(t.scopes, ctrlScope{join: join, depth: depth, ctrl: t.ctrl, pctrl: t.pctrl, sctrl: t.sctrl})
}

// joinScopes closes the scopes whose paths join here, or whose proc has
// returned.
func (r *recorder) joinScopes(t *thread) {
	for n := len(t.scopes); n > 0; n-- {
		s := t.scopes[n-1]
		if s.depth < len(t.frames) || (s.depth == len(t.frames) && s.join != t.pc) {
			return
		}
		t.ctrl, t.pctrl, t.sctrl = s.ctrl, s.pctrl, s.sctrl
		t.scopes = t.scopes[:n-1]
	}
}

// backEdge bounds loops in a run: herd unrolls them, and so does mmuvm,
// weakLoopBound passes over each back-edge; a run that needs more is not
// explored, and the result says so.
func (r *recorder) backEdge(t *thread) bool {
	if r.spins[t.pc] {
		// a failed pass of a spin loop (see spinLoops): the run waits on
		// the reads of this pass; one that read nothing loops forever, as
		// the spin rule says under sc (spin.go). A pass whose cmpxchg()
		// succeeded and that goes round again is an ordinary loop's.
		from := r.passStart(t.pc, len(t.frames))
		pass := r.trace.Events[from:]
		if !r.w.spinChecked[t.pc] || passBalanced(pass) {
			if !slices.ContainsFunc(pass, isRead) {
				r.w.m.loopsAlone(t)
				return false
			}
			r.blocked, r.waitFrom = true, from
			return false
		}
	}
	if r.w.m.counted[t.pc] {
		// a counted loop ends by itself, whatever its breaks read
		// (contpte_ptep_get_lockless()'s `for i in 0..CONT_PTES`)
		return true
	}
	if r.loops == nil {
		r.loops = map[int]int{}
	}
	// only loops whose exit depends on what they read need a bound: a
	// loop on local values ends by itself (or hits the instruction
	// budget), whatever branches on reads it takes inside
	fresh := r.readsSince(r.lastPass)
	r.lastPass = len(r.reads)
	exitT := t.branchT
	t.branchT = 0
	if r.repeats(t) {
		return false
	}
	if !r.meets(exitT, fresh) {
		return true
	}
	r.loops[t.pc]++
	if r.loops[t.pc] > weakLoopBound {
		r.pruned, r.unrolled = true, true
		return false
	}
	return true
}

// pass is what a loop's back-edge saw at a pass: the reads the run had
// made and its events.
type pass struct{ reads, events, choices int }

// passAt names a back-edge of a thread with the thread's context there: a
// CPU's run holds its irq handler's events too, and both may run one
// proc's loop.
type passAt struct {
	thread, pc int
	context    uint64
}

// repeats stops a run at a pass of a loop that left the thread's context
// as an earlier pass did:
//   - If the pass read nothing, the run goes on alone from what it read,
//     so the loop repeats for ever, whatever it writes and whatever other
//     CPUs do (`while 1 { y = 1 }`): the limit an endless execution hits.
//     Under sc the spin rule says so (spin.go); without this the run went
//     on to the step bound, and the check stopped at the memory bound of
//     a graph that size.
//   - If the passes since read but wrote nothing, they are failed passes
//     of a spin loop found at run time: whatever the run does after them,
//     it could do after the earlier pass, with the same context and their
//     reads left out (removing reads keeps an execution consistent), so
//     the run waits on their reads, with the deadlock rule (a loop that
//     spinLoops cannot take as one, such as a local assigned on one path
//     only, which went on without a bound while its reads repeated, or
//     was cut at herd's unrolling bound).
func (r *recorder) repeats(t *thread) bool {
	if r.passes == nil {
		r.passes = map[passAt]pass{}
	}
	if r.w.dead == nil {
		r.w.dead = map[int][]int32{}
	}
	dead, ok := r.w.dead[t.pc]
	if !ok {
		dead = r.w.m.deadLocals(t.pc)
		r.w.dead[t.pc] = dead
	}
	at := passAt{t.id, t.pc, t.stateHashWithout(dead)}
	now := pass{reads: len(r.reads), events: len(r.trace.Events), choices: r.callChoices}
	before, ok := r.passes[at]
	r.passes[at] = now
	switch {
	case !ok:
		return false
	case before.reads == now.reads:
		r.w.m.loopsAlone(t)
	case now.choices > before.choices && !slices.ContainsFunc(r.trace.Events[before.events:], isWrite):
		// a pass that wrote nothing because a builtin chose to fail (a
		// store-exclusive's spurious failure: an LDXR/STXR retry loop)
		// is not a wait: the run that does not fail there covers this
		// one, and no run stays on it
		r.pruned = true
	case !slices.ContainsFunc(r.trace.Events[before.events:], isWrite),
		passBalanced(r.trace.Events[before.events:]) && !r.w.locksTested:
		r.blocked, r.waitFrom = true, before.events
	default:
		return false
	}
	return true
}

// deadLocals lists the locals (frame slots) that are dead at pc, a loop's
// head: every path from it assigns them before it reads them, or leaves
// its proc first (a return), and none reaches its CPU's end first (where
// the final condition reads them). Two passes that differ only there
// leave the same run to come (repeats). Under lkmm, where a read may
// guess a program's constant, a loop's passes otherwise differed in the
// value a local kept of a read that the next pass makes again, and the
// loop was unrolled to its bound.
func (m *Machine) deadLocals(pc int) []int32 {
	var dead []int32
	for _, l := range m.storedFrom(pc) {
		if !m.liveAt(pc, l) {
			dead = append(dead, l)
		}
	}
	return dead
}

// storedFrom lists the locals assigned on some path from pc.
func (m *Machine) storedFrom(pc int) []int32 {
	stored := map[int32]bool{}
	m.walkFrom(pc, func(in Instr) (bool, bool) {
		if in.Op == OpStoreLocal {
			stored[in.A] = true
		}
		return false, false
	})
	return slices.Sorted(maps.Keys(stored))
}

// liveAt tells whether some path from pc reads local l, or reaches the
// end of its CPU's code, before it assigns l.
func (m *Machine) liveAt(pc int, l int32) bool {
	return m.walkFrom(pc, func(in Instr) (bool, bool) {
		return in.Op == OpLoadLocal && in.A == l || in.Op == OpEnd, in.Op == OpStoreLocal && in.A == l
	})
}

// walkFrom visits the instructions reachable from pc in its proc (a call
// is one instruction), each once, until visit finds what it looks for;
// visit may also end the path through an instruction.
func (m *Machine) walkFrom(pc int, visit func(Instr) (found, stop bool)) bool {
	code := m.prog.Code
	seen := map[int]bool{}
	for work := []int{pc}; len(work) > 0; {
		at := work[len(work)-1]
		work = work[:len(work)-1]
		if at < 0 || at >= len(code) || seen[at] {
			continue
		}
		seen[at] = true
		found, stop := visit(code[at])
		if found {
			return true
		}
		if !stop {
			work = append(work, successors(at, code[at])...)
		}
	}
	return false
}

// failedLock retags the lock reads from event from on, made by a
// spin_lock() that found the lock held and waits, as the plain reads the
// kernel's waiting loop makes (atomic_cond_read_acquire() in
// queued_spin_lock_slowpath()): LKMM's lock.cat knows a lock read (LKR)
// only as the read of an acquisition, paired with its write, and would
// find the waiting CPU's execution inconsistent, so a CPU taking a lock
// it holds was no execution at all instead of a deadlock.
func (r *recorder) failedLock(from int) {
	for i := from; i < len(r.trace.Events); i++ {
		if e := &r.trace.Events[i]; e.Kind == memmodel.Read && e.Tags&memmodel.LockR != 0 {
			e.Tags = e.Tags&^memmodel.LockR | memmodel.Once
		}
	}
}

// passStart finds where the failed pass of a spin loop began: the events
// at the end of the trace made by the loop's own code, at the depth of
// calls its thread is at now (depth), or by a proc it calls (spinLoops:
// read-only procs that call none).
func (r *recorder) passStart(head, depth int) int {
	end := r.spinEnd[head]
	in := func(pc int32) bool { return int(pc) >= head && int(pc) <= end }
	i := len(r.at)
	for ; i > 0; i-- {
		a := r.at[i-1]
		own := (a.depth < 0 || int(a.depth) == depth) && in(a.pc)
		called := int(a.depth) == depth+1 && in(a.call)
		if !own && !called {
			break
		}
	}
	return i
}

// evAt is where an event was made: the thread's depth of calls (-1 when
// no thread ran it: the pc is the step's), its pc, and the call that
// entered the proc it runs (-1 at depth 0).
type evAt struct{ depth, pc, call int32 }

func (r *recorder) where() evAt {
	t := r.th
	if t == nil {
		return evAt{-1, int32(r.pc), -1}
	}
	a := evAt{int32(len(t.frames)), int32(t.pc), -1}
	if n := len(t.frames); n > 0 {
		a.call = int32(t.frames[n-1].retPC - 1)
	}
	return a
}

// weakTrace renders an execution as trace rows, CPU by CPU in program
// order: each read says which write it read from and, when a write it
// does not see came earlier in the rows, that the read is stale.
func (x *explorer) weakTrace(g *memmodel.Graph, pick []int, all [][]weakRun, cpus []int) []Event {
	m := x.m
	row := map[int]int{} // event -> step number of its row
	var out []Event
	k := len(g.Events)
	for i := len(cpus) - 1; i >= 0; i-- { // where each CPU's events start
		k -= len(all[i][pick[i]].trace.Events)
		for j := range all[i][pick[i]].trace.Events {
			row[k+j] = 0
		}
	}
	e := k
	for i, id := range cpus {
		run := all[i][pick[i]]
		for j := range run.trace.Events {
			out = append(out, Event{Step: len(out) + 1, Thread: id, Pos: m.prog.Pos[run.pcs[j]]})
			row[e+j] = len(out)
		}
		e += len(run.trace.Events)
	}
	for ev := k; ev < len(g.Events); ev++ {
		out[row[ev]-1].Text = x.describeEvent(g, ev, row, cpus)
	}
	return out
}

func (x *explorer) describeEvent(g *memmodel.Graph, e int, row map[int]int, cpus []int) string {
	m := x.m
	ev := g.Events[e]
	name := x.locName(ev.Loc)
	switch ev.Kind {
	case memmodel.Fence:
		return "barrier " + strings.Trim(ev.Tags.String(), "[]")
	case memmodel.Write:
		return fmt.Sprintf("%s = %s%s", name, m.MMU.ValueName(ev.Val), tagNote(ev.Tags))
	}
	w := g.Rf[e]
	from := "init"
	if w >= 0 && g.Events[w].Thread >= 0 {
		from = fmt.Sprintf("row %d", row[w])
	}
	text := fmt.Sprintf("read %s = %s%s (%s", name, m.MMU.ValueName(ev.Val), tagNote(ev.Tags), from)
	for o, oe := range g.Events { // a co-later write shown in an earlier row is not yet visible
		if oe.Kind == memmodel.Write && oe.Loc == ev.Loc && o != w && oe.Thread >= 0 && w >= 0 &&
			g.CoRank[o] > g.CoRank[w] && row[o] < row[e] {
			text += fmt.Sprintf(", misses row %d", row[o])
			break
		}
	}
	return text + ")"
}

// locName names a location: a shared word, a table entry, or one half of
// a PAE entry.
func (x *explorer) locName(l uint64) string {
	switch {
	case l >= 1<<56: // the machine's own state (locks, keys, IPI words): no PAE halves
	case l%8 == 4:
		return x.m.MMU.AddrName(l-4) + ".hi"
	case x.m.MMU.SplitEntry(l):
		return x.m.MMU.AddrName(l) + ".lo"
	}
	if n := x.m.MMU.LocName(mmu.Loc(l)); n != "" {
		return n
	}
	return fmt.Sprintf("%#x", l)
}

func tagNote(t memmodel.Tag) string {
	if t == 0 || t == memmodel.Once {
		return ""
	}
	return " " + t.String()
}

// spinLoops finds the loops whose failed passes change nothing: no store,
// no builtin but pure ones, reads and barriers, no call but to procs that
// only read and call none, and every local the pass assigns is assigned
// before it is used. A pass that goes round such a loop again only adds
// reads (and barriers), so an execution with it allows no final state that
// the same execution without it does not, and a run that takes it need not
// be explored: a spin loop is an assume of its exit condition (GenMC's
// spin-assume). Waiting and retry loops (await, the lockless getters'
// retries) are spin loops. So is a loop whose only writes are a
// cmpxchg()'s, which writes nothing when it fails (the kernel's
// `do { old = READ_ONCE(*p); } while (cmpxchg(p, old, new) != old)`):
// checked, keyed by head, are those, whose passes are spin passes only
// where they wrote nothing (backEdge).
func (m *Machine) spinLoops() (edges map[int]int, checked map[int]bool) {
	edges, checked = map[int]int{}, map[int]bool{} // keyed by the loop head: a back-edge has set the pc there
	for pc, in := range m.prog.Code {
		if in.Op != OpBackEdge {
			continue
		}
		if kind := m.spinKind(int(in.A), pc, true); kind != passWrites {
			edges[int(in.A)], checked[int(in.A)] = pc, kind >= passMayWrite
		}
	}
	return edges, checked
}

// hasSpinLoop tells whether the program has a spin loop whose passes only
// read, other than an await (isAwait), without building spinLoops' maps
// (auto's look at a script).
func (m *Machine) hasSpinLoop() bool {
	for pc, in := range m.prog.Code {
		if in.Op == OpBackEdge && m.spinKind(int(in.A), pc, false) != passWrites && !m.isAwait(int(in.A), pc) {
			return true
		}
	}
	return false
}

// What a pass of a loop may do to memory, from what its code may do.
const (
	passReads    = iota // reads and orders reads only
	passMayWrite        // writes only by a cmpxchg() that succeeds
	passLocks           // or takes and releases spinlocks (lockPassOps)
	passWrites          // anything else: not a spin loop
)

// spinKind tells whether the loop from the head from to the back-edge to
// is a spin loop, and of which kind (passWrites if not); without writers,
// a loop with cmpxchg() is none.
func (m *Machine) spinKind(from, to int, writers bool) int {
	if from > to {
		return passWrites
	}
	kind := passReads
	for pc := from; pc <= to; pc++ {
		kind = max(kind, m.passOp(m.prog.Code[pc], true))
	}
	if kind == passWrites || kind >= passMayWrite && !writers || kind == passLocks && m.locksTested() ||
		!m.assignsBeforeUse(from, to) {
		return passWrites
	}
	return kind
}

// locksTested tells whether the program looks at a spinlock without
// waiting for it (spin_trylock(), spin_is_locked()): a failed pass that
// takes and releases a lock is then seen by other CPUs, and is no spin
// pass (see lockPassOps).
func (m *Machine) locksTested() bool {
	return slices.Contains(m.prog.Builtins, "spin_trylock") || slices.Contains(m.prog.Builtins, "spin_is_locked")
}

// passOp is what an instruction of a spin loop's pass may do: no store,
// no atomic block, no builtin but pure, read-only and failing-cmpxchg
// ones, and, with calls, no call but to a proc that does no more and
// calls none (read_seqcount_begin() written as a proc).
func (m *Machine) passOp(in Instr, calls bool) int {
	switch in.Op {
	case OpStoreShared, OpStoreTask, OpAtomicBegin:
		return passWrites
	case OpCall:
		if !calls {
			return passWrites
		}
		return m.procOps(int(in.A))
	case OpBuiltin:
		switch b := m.builtins[in.A]; {
		case b.Kind == mmu.Pure || readOnly[b.Name]:
		case writesOnSuccess[b.Name]:
			return passMayWrite
		case lockPassOps[b.Name]:
			return passLocks
		default:
			return passWrites
		}
	}
	return passReads
}

// procOps is passOp over the code reachable from proc i's entry (its
// locals are its own, zeroed at each call, so a pass that calls it keeps
// nothing of an earlier call).
func (m *Machine) procOps(i int) int {
	code := m.prog.Code
	kind := passReads
	seen := map[int]bool{}
	for work := []int{m.prog.Procs[i].Entry}; len(work) > 0 && kind != passWrites; {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		if pc < 0 || pc >= len(code) || seen[pc] {
			continue
		}
		seen[pc] = true
		in := code[pc]
		kind = max(kind, m.passOp(in, false))
		work = append(work, successors(pc, in)...)
	}
	return kind
}

// assignsBeforeUse tells whether every local that the loop from the head
// from to the back-edge to assigns is assigned, on every path through a
// pass, before the pass reads it: a pass then starts from nothing an
// earlier pass left. (Taking the first access in code order instead let
// `if rx == 1 { t = READ_ONCE(y) }` pass, where a pass that skips the
// branch keeps the t an earlier pass read, and the weak engines missed
// the executions that need it.) A forward data-flow over the pass's code:
// the locals assigned on every path into each instruction.
func (m *Machine) assignsBeforeUse(from, to int) bool {
	code := m.prog.Code
	stored := map[int32]bool{}
	for pc := from; pc <= to; pc++ {
		if code[pc].Op == OpStoreLocal {
			stored[code[pc].A] = true
		}
	}
	in := make([]map[int32]bool, to-from+1) // nil: not reached yet
	in[0] = map[int32]bool{}
	for changed := true; changed; {
		changed = false
		for pc := from; pc <= to; pc++ {
			have := in[pc-from]
			if have == nil {
				continue
			}
			ins := code[pc]
			if ins.Op == OpLoadLocal && stored[ins.A] && !have[ins.A] {
				return false
			}
			out := have
			if ins.Op == OpStoreLocal && !have[ins.A] {
				out = maps.Clone(have)
				out[ins.A] = true
			}
			if pc == to {
				continue // the loop's own back-edge ends the pass
			}
			for _, next := range successors(pc, ins) {
				if next >= from && next <= to && meet(&in[next-from], out) {
					changed = true
				}
			}
		}
	}
	return true
}

// meet narrows *dst to the locals also in set (set itself if *dst is
// unset) and tells whether *dst changed.
func meet(dst *map[int32]bool, set map[int32]bool) bool {
	if *dst == nil {
		*dst = set
		return true
	}
	changed := false
	for k := range *dst {
		if !set[k] {
			if !changed {
				*dst = maps.Clone(*dst)
				changed = true
			}
			delete(*dst, k)
		}
	}
	return changed
}

// loopExits finds the conditional branches that can leave a loop: one
// side jumps out of the loop's code, or runs into a return or the end.
func (m *Machine) loopExits() map[int]bool {
	code := m.prog.Code
	out := map[int]bool{}
	for e, in := range code {
		if in.Op != OpBackEdge || int(in.A) > e {
			continue
		}
		h := int(in.A)
		for pc := h; pc < e; pc++ {
			op := code[pc].Op
			if op != OpJumpIfZero && op != OpJumpNonZero {
				continue
			}
			if to := int(code[pc].A); to < h || to > e || m.fallsOut(pc+1, h, e) {
				out[pc] = true
			}
		}
	}
	return out
}

// fallsOut tells whether straight-line code from pc leaves the loop from
// h to e before any branch or the back-edge: it reaches a return, the end,
// or a jump out of the loop (the `break` of `if c { break }`).
func (m *Machine) fallsOut(pc, h, e int) bool {
	for ; pc < e; pc++ {
		switch in := m.prog.Code[pc]; in.Op {
		case OpReturn, OpEnd:
			return true
		case OpJump:
			return int(in.A) < h || int(in.A) > e
		case OpJumpIfZero, OpJumpNonZero, OpBackEdge:
			return false
		}
	}
	return false
}

func isWrite(e memmodel.Event) bool { return e.Kind == memmodel.Write }
func isRead(e memmodel.Event) bool  { return e.Kind == memmodel.Read }

// lockPassOps are the builtins a spin loop's pass may call when it
// leaves what they change as it found it: a spinlock taken and released
// (the try of try_wait_for_completion(), kernel/sched/completion.c), IRQs,
// preemption and bottom halves turned off and on, an RCU read-side
// section. Such a pass that fails changes no memory but the lock word,
// which it leaves free (passBalanced checks it at each pass). Removing it
// from an execution keeps the execution consistent: another CPU's lock
// acquisition that read its release reads the release before it (also
// free), and only orderings go; and the final state stays, unless some
// CPU looks at the lock without waiting (spin_trylock(),
// spin_is_locked()): then the program has no such spin loops
// (locksTested).
var lockPassOps = map[string]bool{
	"spin_lock": true, "spin_unlock": true, "spin_lock_irqsave": true, "spin_unlock_irqrestore": true,
	"local_irq_save": true, "local_irq_restore": true, "local_irq_disable": true, "local_irq_enable": true,
	"preempt_disable": true, "preempt_enable": true, "local_bh_disable": true, "local_bh_enable": true,
	"rcu_read_lock": true, "rcu_read_unlock": true,
}

// passBalanced tells whether a pass's events write nothing but lock words
// that each end the pass released (its last write of each is an unlock).
func passBalanced(pass []memmodel.Event) bool {
	released := map[uint64]bool{}
	for _, e := range pass {
		if e.Kind != memmodel.Write {
			continue
		}
		if e.Tags&(memmodel.LockW|memmodel.Unlock) == 0 {
			return false
		}
		released[e.Loc] = e.Tags&memmodel.Unlock != 0
	}
	for _, free := range released {
		if !free {
			return false
		}
	}
	return true
}

// writesOnSuccess are the builtins that write only when they succeed: a
// cmpxchg() whose comparison fails is a read (rmw2 in mmu).
var writesOnSuccess = map[string]bool{
	"cmpxchg": true, "cmpxchg_relaxed": true, "cmpxchg_acquire": true, "cmpxchg_release": true,
	"atomic_cmpxchg": true, "atomic_cmpxchg_relaxed": true, "atomic_cmpxchg_acquire": true, "atomic_cmpxchg_release": true,
}

// readOnly are the builtins that only read memory or order it.
var readOnly = map[string]bool{
	"READ_ONCE": true, "smp_load_acquire": true, "rcu_dereference": true, "atomic_read": true,
	"atomic_read_acquire": true, "plain_read": true, "ldapr": true, "ptep_get": true, "__ptep_get": true,
	"ptep_get_lockless": true, "pte_read_low": true, "pte_read_high": true, "pmdp_get": true, "pudp_get": true,
	"pud_offset": true, "pmd_offset": true, "pte_offset_kernel": true, "spin_is_locked": true,
	"static_branch_unlikely": true, "static_branch_likely": true,
	"smp_mb": true, "smp_rmb": true, "smp_wmb": true, "barrier": true, "mfence": true, "isb": true,
	"dmb_ish": true, "dmb_ishld": true, "dmb_ishst": true, "dsb_ishld": true,
	"smp_mb__before_atomic": true, "smp_mb__after_atomic": true,
}
