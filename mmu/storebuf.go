package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// Store buffers: the operational form of x86-TSO (Owens, Sarkar and
// Sewell, "A better x86 memory model: x86-TSO", 2009), which is
// equivalent to herd's x86tso.cat that memmodel.TSO states axiomatically.
//
// Each CPU has a FIFO of stores it has made and memory has not seen yet.
// A CPU's store to a shared location joins the tail of its buffer; its
// load of a location takes the newest value its own buffer holds for it,
// else memory's. A separate step (the VM's flush thread of the CPU, see
// vm/storebuf.go) moves the oldest store to memory at any time. MFENCE,
// the kernel's full barriers (smp_mb() is a locked add on x86) and every
// LOCK-prefixed instruction wait until the buffer is empty (MustDrain): the
// CPU blocks at them, as at a lock held, until its flush thread has moved
// every store, so that the searches see each flush as the step it is.
// (Only inside atomic { }, where nothing else may run, is a buffer drained
// inline.)
//
// The buffer lives in the store (tagSB words and the CPU's cpuSBLen and
// cpuSBPushes), so that undo, state hashing and snapshots cover it with no
// special case. A store is kept under its ticket, the number of stores
// its CPU buffered before it in the execution: the buffer holds tickets
// pushes-len to pushes-1, and a flush takes the oldest in O(1).
//
// A store joining the buffer touches nothing another thread reads, and it
// commutes with its own CPU's flush of an older store whenever both can
// run (the buffer is then not empty), so its footprint is only the write
// of its ticket, which the flush of this very store reads, and of the
// CPU's count of pushes: the flush depends on the store that enabled it
// and on nothing else its CPU does. (DPOR's happens-before must know who
// enabled a flush, or it would try to run the flush where it cannot.) A
// flush is a write of the location in memory; a load that takes a
// buffered store reads the location as its CPU sees it instead (see
// forward).
type storeBuffers struct {
	cpu    int // the CPU whose program is running, -1 for none (hardware, init)
	direct int // >0 inside a fully ordered builtin: its accesses go to memory
	cpus   int

	// while a trace is made: the loads of this step that read memory while
	// another CPU's buffer held a newer store to the location
	trace bool
	stale []StaleRead

	index []sbIndex // per CPU: which locations its buffer may hold

	// entry is 1 + the level of the entry write the next push is, 0 for
	// none: break-before-make judges it when it reaches memory (FlushOne)
	entry int
	// half says the next push is a store of one half of an x86 PAE entry
	// (halfLow, halfHigh), 0 for a whole word
	half uint64
}

// A buffered store's location word holds, above the physical address
// (whose 48 bits leave them free), what the store is besides a value:
//
//   - for an entry write that break-before-make judges when it reaches
//     memory (arm64's rule under tso), a flag and the entry's level: the
//     write overwrites the entry memory holds then, which another CPU's
//     store may have changed since the CPU issued it, as under the weak
//     models' coherence order (vm/weak_bbm.go);
//   - for a store of one half of an x86 PAE entry (a 32-bit MOV of
//     native_set_pte(), native_pte_clear(), pte_write_low()...), which
//     half: it reaches memory as that half, leaving the other as memory
//     holds it then, and a load of the entry takes from the buffer the
//     halves buffered stores hold and the rest from memory, as x86
//     forwards a store to the bytes it writes.
const (
	sbLevelShift = 48
	sbEntryFlag  = 1 << 52
	halfLow      = 1 << 53
	halfHigh     = 1 << 54
	sbAddrMask   = 1<<sbLevelShift - 1
)

// sbWord is the location word of a store to loc, an entry write at level
// (1 + level in entry; 0: none), of half (0: the whole word).
func sbWord(loc Loc, entry int, half uint64) uint64 {
	if loc&tagMask != tagMem {
		return uint64(loc)
	}
	w := uint64(loc) | half
	if entry > 0 {
		w |= sbEntryFlag | uint64(entry-1)<<sbLevelShift
	}
	return w
}

// sbWordLoc is the location of a buffered store's location word.
func sbWordLoc(w uint64) Loc {
	if Loc(w)&tagMask == tagMem {
		return Loc(w & sbAddrMask)
	}
	return Loc(w)
}

// sbWordHalf is the bits of the entry a buffered store writes: a half's,
// or every bit.
func sbWordHalf(w uint64) uint64 {
	switch {
	case Loc(w)&tagMask != tagMem:
		return ^uint64(0)
	case w&halfLow != 0:
		return 0xffffffff
	case w&halfHigh != 0:
		return 0xffffffff << 32
	}
	return ^uint64(0)
}

// sbWordEntry is the level of the entry write a location word holds, and
// whether it holds one.
func sbWordEntry(w uint64) (int, bool) {
	if w&sbEntryFlag == 0 || Loc(w)&tagMask != tagMem {
		return 0, false
	}
	return int(w >> sbLevelShift & 3), true
}

// sbIndex counts the stores in a CPU's buffer by a hash of their
// location, so that a load (or set_pte()'s read of the entry it replaces)
// of a location the buffer does not hold skips the scan of the buffer:
// vmap's lazy loop of 128 set_pte()s scanned its own growing buffer at
// each of them. push and FlushOne keep it, and so does Rollback, for each
// write of a buffer's entry it undoes (sbIndexed). Location 0 is not
// counted (an entry holding 0 is empty): it may always be there.
type sbIndex [1024]uint16

func sbSlot(loc Loc) int { return int(mix64(uint64(loc)) % uint64(len(sbIndex{}))) }

// mayHold tells whether cpu's buffer may hold a store to loc: false only
// if it holds none.
func (s *Store) mayHold(cpu int, loc Loc) bool {
	return loc == 0 || s.sb.index[cpu][sbSlot(loc)] != 0
}

// indexed adds d to cpu's count of buffered stores to loc.
func (sb *storeBuffers) indexed(cpu int, loc Loc, d int) {
	if loc != 0 {
		sb.index[cpu][sbSlot(loc)] += uint16(d)
	}
}

// sbIndexed keeps the index when Rollback sets the word at l from cur
// back to old: if it is a buffer's entry (its location, not its value),
// the store to cur leaves the buffer and the one to old comes back.
func (sb *storeBuffers) sbIndexed(l Loc, cur, old uint64) {
	if l&tagMask != tagSB || l&(1|1<<39) != 0 {
		return
	}
	cpu := int(l >> 40 & 0xffff)
	sb.indexed(cpu, sbWordLoc(cur), -1)
	sb.indexed(cpu, sbWordLoc(old), 1)
}

// StaleRead is a load that read memory while another CPU's store to the
// same location was still in that CPU's store buffer.
type StaleRead struct {
	Loc   Loc
	CPU   int    // the CPU whose buffer holds the store
	Value uint64 // the newest value it holds
}

// UseStoreBuffers turns the x86-TSO store buffers on (before the first
// execution, after init).
func (m *Machine) UseStoreBuffers() {
	m.S.sb = &storeBuffers{cpu: -1, cpus: m.cfg.CPUs, index: make([]sbIndex, m.cfg.CPUs)}
	m.S.shared = m.isSharedLoc
}

// SetProgramCPU names the CPU whose code runs the next step (a task, an
// irq or IPI handler: its stores are buffered), or -1 when none does (a
// flush, the scheduler, the page-list drain).
func (m *Machine) SetProgramCPU(cpu int) {
	if m.S.sb != nil {
		m.S.sb.cpu = cpu
	}
}

func sbLoc(cpu int, ticket uint64, value bool) Loc {
	l := tagSB | Loc(cpu)<<40 | Loc(ticket&(1<<38-1))<<1
	if value {
		l |= 1
	}
	return l
}

// buffers tells whether a store to loc joins the running CPU's buffer.
func (s *Store) buffers(loc Loc) bool {
	return s.sb.cpu >= 0 && s.sb.direct == 0 && s.sbShared(loc)
}

// sbShared tells whether loc goes through the store buffers: memory. (An
// IPI handler's answer does not: the handler runs with its CPU's buffer
// empty and writes memory, see vm/storebuf.go.)
func (s *Store) sbShared(loc Loc) bool { return s.shared(loc) }

// shadowLoc is the footprint location of loc as cpu's loads from its
// buffer see it (see forward).
func shadowLoc(loc Loc, cpu int) Loc {
	return tagShadow | Loc(cpu)<<52 | (loc&tagMask)>>tagShift<<48 | loc&(1<<48-1)
}

// Unshadow returns the location a footprint entry stands for: loc itself,
// or, for a shadow (a load's view through its CPU's store buffer), the
// location in memory. A CPU that waits for what it read to change waits
// on memory: only a flush (its own, or another CPU's) changes what its
// later loads see, once its buffer holds no store of the location.
func Unshadow(loc Loc) Loc {
	if loc&tagMask != tagShadow {
		return loc
	}
	return (loc>>48&0xf)<<tagShift | loc&(1<<48-1)
}

// noteMemWrite adds to the footprint of a store that reaches memory the
// shadows of loc that it changes: every CPU's but the one whose flush it
// is (except < 0: a store that went to memory directly).
func (s *Store) noteMemWrite(loc Loc, except int) {
	if !s.recording || !s.sbShared(loc) {
		return
	}
	for c := 0; c < s.sb.cpus; c++ {
		if c != except {
			s.footprint = append(s.footprint, uint64(shadowLoc(loc, c))<<1|1)
		}
	}
}

// forward returns the newest value the running CPU's buffer holds for loc.
func (s *Store) forward(loc Loc) (uint64, bool) {
	cpu := s.sb.cpu
	if cpu < 0 || !s.sbShared(loc) {
		return 0, false
	}
	// Every load of loc by a CPU's code reads loc as that CPU sees it: a
	// shadow location that the CPU's own stores of loc into its buffer
	// write (its task's, its irq's, its IPI handler's: which of them comes
	// first decides what the load takes), and every store of loc into
	// memory, except the CPU's own flushes. A load that takes a buffered
	// store reads nothing else: it commutes with the flush of the store
	// it takes (memory then holds the same value). One that reads memory
	// reads loc itself too (Get records it).
	if s.recording {
		s.footprint = append(s.footprint, uint64(shadowLoc(loc, cpu))<<1)
	}
	if v, _, ok := s.newest(cpu, loc); ok {
		return v, true
	}
	if s.sb.trace && s.ghost == 0 && s.shared(loc) {
		s.noteStale(loc)
	}
	return 0, false
}

// newest returns the newest value cpu's buffer holds for loc, and its
// ticket.
func (s *Store) newest(cpu int, loc Loc) (uint64, uint64, bool) {
	if !s.mayHold(cpu, loc) {
		return 0, 0, false
	}
	n := s.words.get(cpuLoc(cpu, cpuSBLen))
	pushes := s.words.get(cpuLoc(cpu, cpuSBPushes))
	// the newest store of each bit, the rest from memory
	var v, known, ticket uint64
	found := false
	for t := pushes; t > pushes-n && known != ^uint64(0); t-- {
		w := s.words.get(sbLoc(cpu, t-1, false))
		if sbWordLoc(w) != loc {
			continue
		}
		if !found {
			found, ticket = true, t-1
		}
		bits := sbWordHalf(w) &^ known
		v |= s.words.get(sbLoc(cpu, t-1, true)) & bits
		known |= bits
	}
	if !found {
		return 0, 0, false
	}
	return v | s.words.get(loc)&^known, ticket, true
}

// noteStale records a load of loc from memory that other CPUs' buffered
// stores to loc have not reached yet.
func (s *Store) noteStale(loc Loc) {
	for c := 0; c < s.sb.cpus; c++ {
		if c == s.sb.cpu {
			continue
		}
		if v, _, ok := s.newest(c, loc); ok {
			s.sb.stale = append(s.sb.stale, StaleRead{Loc: loc, CPU: c, Value: v})
		}
	}
}

// TraceStoreBuffers turns the recording of stale loads on or off.
func (m *Machine) TraceStoreBuffers(on bool) {
	if m.S.sb != nil {
		m.S.sb.trace = on
	}
}

// TakeStaleReads returns and forgets the stale loads recorded since the
// last call.
func (m *Machine) TakeStaleReads() []StaleRead {
	if m.S.sb == nil || len(m.S.sb.stale) == 0 {
		return nil
	}
	st := m.S.sb.stale
	m.S.sb.stale = nil
	return st
}

// push appends a store to the running CPU's buffer.
func (s *Store) push(loc Loc, v uint64) {
	cpu := s.sb.cpu
	n := s.words.get(cpuLoc(cpu, cpuSBLen))
	ticket := s.words.get(cpuLoc(cpu, cpuSBPushes))
	s.write(sbLoc(cpu, ticket, false), sbWord(loc, s.sb.entry, s.sb.half))
	s.sb.entry, s.sb.half = 0, 0
	s.write(sbLoc(cpu, ticket, true), v)
	s.sb.indexed(cpu, loc, 1)
	s.write(cpuLoc(cpu, cpuSBLen), n+1)
	s.write(cpuLoc(cpu, cpuSBPushes), ticket+1)
	if s.recording {
		// the ticket; the count of pushes, because stores of the CPU's
		// task, irq and IPI handler into one FIFO do not commute; and loc
		// as the CPU sees it, which its loads of loc read (see forward)
		s.footprint = append(s.footprint, uint64(ticketLoc(cpu, ticket))<<1|1,
			uint64(cpuLoc(cpu, cpuSBPushes))<<1|1, uint64(shadowLoc(loc, cpu))<<1|1)
	}
}

// TicketRenaming is what turns the store's hash into one that does not
// depend on the tickets of the buffered stores: XORed into Hash, it
// replaces each buffered store's ticket with its place in the buffer and
// drops the count of pushes. Two states whose buffers hold the same
// stores in the same order then hash the same, which the spin rule needs
// (vm/spin.go): a loop's unlock buffers its store under a new ticket in
// every pass. With more than maxRenamed stores buffered it is 0: a loop
// whose passes leave ever more stores in a buffer never finds a state
// again anyway, and renaming its buffers at every pass would cost time
// quadratic in their length.
func (m *Machine) TicketRenaming() uint64 {
	s := m.S
	if s.sb == nil {
		return 0
	}
	total := uint64(0)
	for cpu := 0; cpu < s.sb.cpus; cpu++ {
		total += s.words.get(cpuLoc(cpu, cpuSBLen))
	}
	if total > maxRenamed {
		return 0
	}
	var h uint64
	for cpu := 0; cpu < s.sb.cpus; cpu++ {
		pushes := s.words.get(cpuLoc(cpu, cpuSBPushes))
		n := s.words.get(cpuLoc(cpu, cpuSBLen))
		h ^= zobrist(cpuLoc(cpu, cpuSBPushes), pushes)
		for i := uint64(0); i < n; i++ {
			ticket := pushes - n + i
			for _, value := range []bool{false, true} {
				v := s.words.get(sbLoc(cpu, ticket, value))
				h ^= zobrist(sbLoc(cpu, ticket, value), v) ^ zobrist(sbLoc(cpu, i, value), v)
			}
		}
	}
	return h
}

const maxRenamed = 32

// ticketLoc is the footprint location of the store cpu buffered after
// ticket others: written by the store, read by its flush.
func ticketLoc(cpu int, ticket uint64) Loc {
	return tagSB | 1<<39 | Loc(cpu)<<32 | Loc(ticket&0xffffffff)
}

// Buffered returns how many stores wait in cpu's buffer.
func (m *Machine) Buffered(cpu int) int {
	if m.S.sb == nil {
		return 0
	}
	return int(m.S.words.get(cpuLoc(cpu, cpuSBLen)))
}

// BufferedAt returns the i-th oldest store waiting in cpu's buffer, with
// the value it would leave in memory now (a half's store keeps memory's
// other half).
func (m *Machine) BufferedAt(cpu, i int) (Loc, uint64) {
	t := m.S.words.get(cpuLoc(cpu, cpuSBPushes)) - m.S.words.get(cpuLoc(cpu, cpuSBLen)) + uint64(i)
	w := m.S.words.get(sbLoc(cpu, t, false))
	loc, bits := sbWordLoc(w), sbWordHalf(w)
	return loc, m.S.words.get(sbLoc(cpu, t, true))&bits | m.S.words.get(loc)&^bits
}

// FlushOne moves the oldest store of cpu's buffer to memory: the step of
// cpu's flush thread. It returns the store.
func (m *Machine) FlushOne(cpu int) (Loc, uint64) {
	s := m.S
	n := s.words.get(cpuLoc(cpu, cpuSBLen))
	ticket := s.words.get(cpuLoc(cpu, cpuSBPushes)) - n
	if s.recording {
		s.footprint = append(s.footprint, uint64(ticketLoc(cpu, ticket))<<1)
	}
	w, v := s.words.get(sbLoc(cpu, ticket, false)), s.words.get(sbLoc(cpu, ticket, true))
	loc := sbWordLoc(w)
	if bits := sbWordHalf(w); bits != ^uint64(0) {
		v = v&bits | s.words.get(loc)&^bits // one half: the other stays as memory has it
	}
	if level, ok := sbWordEntry(w); ok {
		m.flushBBM(cpu, loc, v, level)
	}
	s.setMem(sbLoc(cpu, ticket, false), 0) // in the footprint: what waits for this store reads it
	s.write(sbLoc(cpu, ticket, true), 0)
	s.sb.indexed(cpu, loc, -1)
	s.write(cpuLoc(cpu, cpuSBLen), n-1)
	s.setMem(loc, v)
	s.noteMemWrite(loc, cpu)
	return loc, v
}

// flushBBM judges break-before-make for cpu's buffered entry write of v
// at loc as it reaches memory: against the entry memory holds.
func (m *Machine) flushBBM(cpu int, loc Loc, v uint64, level int) {
	if old := m.S.words.get(loc); m.present(old) && m.present(v) && m.needsBBM(old, v, level) {
		m.Fail("bbm", "%s: its store of %#x to the live entry at %#x reaches memory (store buffer) over %#x without break-before-make (clear, flush, then write)",
			m.cpuName(cpu), v, uint64(loc), old)
	}
}

// FlushTouches tells whether flushing the stores in cpu's buffer, one
// after the other, would be dependent on a step of footprint fp: whether
// fp has a location one of those flushes writes in memory (a load that
// reads memory records the location itself, see forward, and so does an
// ordered access) or the buffer's entry (what a wait for the drain
// reads), or another CPU's view of the location (shadowLoc). That view
// is what the other CPU's load read when it took its own buffered store:
// the load commutes with the flush then, but the footprint fp may be a
// sleeper's, recorded before that buffered store reached memory, and the
// same load now reads memory, which the flush writes (an irq handler's
// store in its CPU's buffer, flushed, and the interrupted code's load of
// it, asleep since: TestDeferFlush). Only the ticket stands for no real
// conflict: the push that made it wrote it.
// The stateful search leaves a flush for later with this and FlushQuiet
// (vm/defer_flush.go); it compares each entry of fp with the few stores
// buffered, rather than build and sort the flushes' footprints.
func (m *Machine) FlushTouches(cpu int, fp []uint64) bool {
	s := m.S
	first, end := s.tickets(cpu)
	for t := first; t < end; t++ {
		loc, entry := sbWordLoc(s.words.get(sbLoc(cpu, t, false))), sbLoc(cpu, t, false)
		own := shadowLoc(loc, cpu)
		for _, f := range fp {
			if l := Loc(f >> 1); l == loc || l == entry || l&tagMask == tagShadow && l != own && Unshadow(l) == loc {
				return true
			}
		}
	}
	return false
}

// FlushQuiet tells whether flushing the stores in cpu's buffer would
// write no word a thread watches (a waiter it would wake) and none the
// scheduler's checks read: otherwise the flushes may let a thread step
// that cannot step now.
func (m *Machine) FlushQuiet(cpu int) bool {
	s := m.S
	first, end := s.tickets(cpu)
	for t := first; t < end; t++ {
		loc, entry := sbWordLoc(s.words.get(sbLoc(cpu, t, false))), sbLoc(cpu, t, false)
		if schedulerWord(loc) || s.watched(loc) || s.watched(entry) {
			return false
		}
	}
	return true
}

// tickets returns the tickets of the stores in cpu's buffer, first to
// end (exclusive); none without store buffers.
func (s *Store) tickets(cpu int) (first, end uint64) {
	if s.sb == nil {
		return 0, 0
	}
	end = s.words.get(cpuLoc(cpu, cpuSBPushes))
	return end - s.words.get(cpuLoc(cpu, cpuSBLen)), end
}

// Drain moves every store of cpu's buffer to memory, oldest first.
func (m *Machine) Drain(cpu int) {
	for m.Buffered(cpu) > 0 {
		m.FlushOne(cpu)
	}
}

// MustDrain tells whether a fully ordered operation of cpu must wait for
// its store buffer to drain: under x86-TSO a LOCK-prefixed instruction or
// MFENCE does not complete before the CPU's earlier stores reach memory.
// Its footprint reads the CPU's count of pushes (a store of the CPU's irq
// or IPI handler is ordered against it) and the entry of its newest
// store, which that store's flush clears: so the operation is ordered
// after the flush that let it go on, and against no other flush. (The
// flush threads move the stores: nothing drains a buffer inline, which
// would disable its flush thread behind DPOR's back; and nothing that
// every push or flush writes is read, which would make every push race
// with every flush.)
func (m *Machine) MustDrain(cpu int) bool {
	s := m.S
	if s.sb == nil {
		return false
	}
	pushes := s.Get(cpuLoc(cpu, cpuSBPushes))
	if pushes == 0 {
		return false
	}
	s.Get(sbLoc(cpu, pushes-1, false)) // whether or not that flush has run
	return s.words.get(cpuLoc(cpu, cpuSBLen)) != 0
}

// BuffersEmpty tells whether the buffers of the given CPUs are empty,
// reading what MustDrain reads.
func (m *Machine) BuffersEmpty(cpus ...int) bool {
	empty := true
	for _, c := range cpus {
		if m.MustDrain(c) {
			empty = false
		}
	}
	return empty
}

// BeginOrdered starts a fully ordered builtin on cpu (a locked
// instruction, or a kernel function that contains one), whose CPU's
// buffer is empty (MustDrain): its own accesses go to memory. Inside an
// atomic { } section, where no flush thread can run, the buffer is
// drained here. EndOrdered ends it.
func (m *Machine) BeginOrdered(cpu int) {
	m.Drain(cpu)
	m.S.sb.direct++
}

// Unbuffered runs fn with its stores going to memory: for words only the
// running CPU reads, whose order against its other stores nobody sees.
func (m *Machine) Unbuffered(fn func()) {
	if m.S.sb == nil {
		fn()
		return
	}
	m.S.sb.direct++
	defer func() { m.S.sb.direct-- }()
	fn()
}

// EndOrdered ends what BeginOrdered began.
func (m *Machine) EndOrdered() { m.S.sb.direct-- }

// ResetOrdered leaves the ordered mode at the start of a step: an atomic
// { } block (BeginOrdered to EndOrdered, all in one step) that a
// violation ended half way never reached its end.
func (m *Machine) ResetOrdered() {
	if m.S.sb != nil {
		m.S.sb.direct = 0
	}
}

// fenceSB drains the running CPU's buffer at a barrier that x86-TSO makes
// a full fence (MFENCE, smp_mb(), a grace period). The builtins that issue
// one are fully ordered (OrderedUnderTSO): they waited for the buffer to
// drain before they ran (or, inside atomic { }, BeginOrdered drained it),
// and their own stores go to memory, so this finds it empty. It is a
// safety net for a fence reached another way.
func (m *Machine) fenceSB(t memmodel.Tag) {
	if sb := m.S.sb; sb != nil && sb.cpu >= 0 && memmodel.TSOFullFence(t) {
		m.Drain(sb.cpu)
	}
}

// tsoPlain are the builtins whose accesses are plain MOVs on x86 (or that
// touch only their CPU's own state): their stores wait in the store
// buffer and their loads forward from it. Every other builtin that acts
// on the machine is fully ordered under tso: a LOCK-prefixed instruction
// (xchg, cmpxchg, the atomics, spin_lock, the rwsem and mmap_lock
// operations, ptep_get_and_clear's xchg, ptep_set_wrprotect's clear_bit),
// or a kernel function that contains one or an IPI, a hypercall or a
// grace period (TLB flushes, page allocation and freeing, static-key
// patching, synchronize_rcu()). Reads of a static key are reads of the
// patched code, which only text_poke_sync()'s serialising IPIs change.
var tsoPlain = map[string]bool{
	// READ_ONCE/WRITE_ONCE and the acquire/release forms, which x86
	// implements as plain MOVs (arch/x86/include/asm/barrier.h
	// __smp_load_acquire/__smp_store_release)
	"READ_ONCE": true, "WRITE_ONCE": true, "plain_read": true, "plain_write": true,
	"smp_load_acquire": true, "smp_store_release": true, "rcu_dereference": true, "rcu_assign_pointer": true,
	"atomic_read": true, "atomic_read_acquire": true, "atomic_set": true, "atomic_set_release": true,
	// page-table entries: native_set_pte() and friends are MOVs
	// (arch/x86/include/asm/pgtable-3level.h, pgtable_64.h)
	"ptep_get": true, "__ptep_get": true, "pmdp_get": true, "pudp_get": true, "ptep_get_lockless": true, "pmdp_get_lockless": true,
	"set_pte": true, "set_pte_at": true, "set_ptes": true, "__set_ptes": true, "set_pmd": true, "set_pud": true,
	"pte_clear": true, "pmd_clear": true, "pud_clear": true, "pmd_populate": true, "pmd_populate_kernel": true,
	"pud_offset": true, "pmd_offset": true, "pte_offset_kernel": true, "pte_offset_map": true, "pte_unmap": true,
	"pte_read_low": true, "pte_read_high": true, "pte_write_low": true, "pte_write_high": true,
	// queued_spin_unlock() is a release store (asm-generic/qspinlock.h)
	"spin_unlock": true, "spin_unlock_irqrestore": true, "pte_unmap_unlock": true, "spin_is_locked": true,
	"static_branch_unlikely": true, "static_branch_likely": true,
	// per-CPU state, no barrier: a per-CPU flag on native x86
	// (arch/x86/include/asm/paravirt.h), the preempt and RCU nesting
	// counts, and cli/sti/pushf/popf, which do not serialise
	"arch_enter_lazy_mmu_mode": true, "rcu_read_lock": true, "rcu_read_unlock": true,
	"preempt_disable": true, "preempt_enable": true, "local_bh_disable": true, "local_bh_enable": true,
	"local_irq_disable": true, "local_irq_enable": true, "local_irq_save": true, "local_irq_restore": true,
	// arm64 instructions in a script checked under tso are herd's
	// mapping: loads and stores, with no fence of x86's
	"ldxr": true, "ldaxr": true, "ldapr": true, "dmb_ish": true, "dmb_ishld": true, "dmb_ishst": true,
	"dsb_ish": true, "dsb_ishst": true, "dsb_ishld": true, "isb": true,
}

// OrderedUnderTSO tells whether b is fully ordered under the operational
// x86-TSO model: it waits for its CPU's store buffer to drain and its
// accesses go straight to memory. A host's builtins are, having no kernel
// mapping. Of the CPU-local builtins only the full fences are.
func (b *Builtin) OrderedUnderTSO() bool {
	switch b.Kind {
	case Pure, Init:
		return false
	case Local:
		return b.Name == "smp_mb" || b.Name == "mfence"
	}
	return !tsoPlain[b.Name]
}

// IsTicket tells whether l is a store's ticket (see push).
func IsTicket(l Loc) bool { return l&(tagMask|1<<39) == tagSB|1<<39 }
