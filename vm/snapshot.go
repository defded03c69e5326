package vm

import "github.com/mmuvm/mmuvm/mmu"

// snapshot is everything a stateful search needs to return to a state: the
// store's undo mark and waits, and every thread's context.
type snapshot struct {
	mark    int
	watches []mmu.Watch
	steps   int
	threads []threadSnap
	size    int64 // bytes counted in the machine's budget for it
}

type threadSnap struct {
	status               threadStatus
	drainWait            bool
	cpu                  int // a preemptible task's moves
	pc, sp, fp           int
	stack                []uint64
	frames               []frame
	phase                int
	inBuiltin            bool
	scratch              []uint64
	atomic               int
	spins                []spinRec
	nreads               int
	writes, stepsRun, np int
	moves                int
}

// save fills s with the machine's state, reusing s's buffers.
func (m *Machine) save(s *snapshot) { m.saveOf(s, ^uint64(0)) }

// saveStep is save after a step of thread id, for a snapshot restored
// with restoreFrom: it copies the stack, frames, scratch and spin records
// of that thread (and of the task a context switch moved) only. The other
// threads' are as the snapshot that last copied them holds them: a step
// changes the context of its own thread only (contextHash relies on it
// too), apart from the small fields (a woken thread's status, a moved
// task's CPU), which every snapshot copies. dpor saves a node after each
// step; copying every thread's context there cost 17 % of
// vmap-2cpu-disjoint's check under tso (six threads). It returns the
// threads whose contexts it copied.
func (m *Machine) saveStep(s *snapshot, id int) (full uint64) {
	full = 1 << uint(id)
	if task := m.threads[id].task; task != nil {
		full |= 1 << uint(task.id)
	}
	m.saveOf(s, full)
	return full
}

// saveOf is save, copying the contexts of the threads in full only.
func (m *Machine) saveOf(s *snapshot, full uint64) {
	s.mark = m.MMU.Mark()
	s.watches = append(s.watches[:0], m.MMU.S.Watches()...)
	s.steps = m.steps
	if len(s.threads) != len(m.threads) {
		s.threads = make([]threadSnap, len(m.threads))
	}
	for i, t := range m.threads {
		ts := &s.threads[i]
		ts.status, ts.pc, ts.sp, ts.fp = t.status, t.pc, t.sp, t.fp
		ts.drainWait = t.drainWait
		ts.cpu = t.cpu
		if full&(1<<uint(i)) != 0 {
			ts.stack = append(ts.stack[:0], t.stack[:t.sp]...)
			ts.frames = append(ts.frames[:0], t.frames...)
			ts.scratch = append(ts.scratch[:0], t.scratch...)
			ts.spins = append(ts.spins[:0], t.spins...)
		}
		ts.phase, ts.inBuiltin, ts.atomic = t.phase, t.inBuiltin, t.atomic
		ts.nreads, ts.writes, ts.stepsRun, ts.np = len(t.reads), t.writes, t.stepsRun, t.passes
		ts.moves = t.moves
	}
	n := s.bytes()
	m.budget.snaps += n - s.size
	s.size = n
	m.charge(int(n / copyBytesPerWork)) // copying a large snapshot is work the clock must see
}

// copyBytesPerWork converts bytes copied or hashed into units of work
// (tickWork of them, 2 MiB, take well under a millisecond).
const copyBytesPerWork = 64

// bytes estimates the memory s holds (its buffers at their capacity: a
// reused snapshot keeps them).
func (s *snapshot) bytes() int64 {
	n := int64(cap(s.watches))*16 + int64(len(s.threads))*threadSnapBytes
	for i := range s.threads {
		ts := &s.threads[i]
		n += int64(cap(ts.stack)+cap(ts.scratch))*8 + int64(cap(ts.frames))*24 + int64(cap(ts.spins))*48
	}
	return n
}

// threadSnapBytes is the fixed part of a threadSnap.
const threadSnapBytes = 200

// restore returns the machine to a saved state.
func (m *Machine) restore(s *snapshot) {
	m.restoreShared(s)
	for i, t := range m.threads {
		t.restore(&s.threads[i])
	}
}

// undoStep returns the machine to the saved state s after one step of
// thread id taken from it: only that thread's context has changed. ctx
// gives the snapshot that holds a thread's context (s itself, unless s
// was taken by saveStep).
func (m *Machine) undoStep(s *snapshot, id int, ctx func(t int) *snapshot) {
	m.restoreShared(s)
	m.threads[id].restoreSplit(&s.threads[id], &ctx(id).threads[id])
	if task := m.threads[id].task; task != nil {
		task.restoreSplit(&s.threads[task.id], &ctx(task.id).threads[task.id]) // a context switch moved it
	}
}

// restoreFrom is restore for a snapshot taken by saveStep: ctx gives the
// snapshot that holds each thread's context.
func (m *Machine) restoreFrom(s *snapshot, ctx func(t int) *snapshot) {
	m.restoreShared(s)
	for i, t := range m.threads {
		t.restoreSplit(&s.threads[i], &ctx(i).threads[i])
	}
}

func (m *Machine) restoreShared(s *snapshot) {
	m.fresh = false
	m.en.ok = false
	m.MMU.Rollback(s.mark)
	m.MMU.S.SetWatches(s.watches)
	m.steps = s.steps
	m.violation = nil
}

// restore sets t to the saved context. The stack holds what was saved: a
// snapshot is restored on the machine that took it (a parallel worker
// replays the steps to a frame), and stacks never shrink (stackgrow.go).
func (t *thread) restore(ts *threadSnap) { t.restoreSplit(ts, ts) }

// restoreSplit is restore with the stack, frames, scratch and spin records
// taken from ctx (see saveStep).
func (t *thread) restoreSplit(ts, ctx *threadSnap) {
	t.status, t.pc, t.sp, t.fp = ts.status, ts.pc, ts.sp, ts.fp
	t.drainWait = ts.drainWait
	t.cpu = ts.cpu
	copy(t.stack, ctx.stack)
	t.frames = append(t.frames[:0], ctx.frames...)
	t.phase, t.inBuiltin, t.atomic = ts.phase, ts.inBuiltin, ts.atomic
	copy(t.scratch, ctx.scratch)
	t.spins = append(t.spins[:0], ctx.spins...)
	t.hot = -1
	t.reads = t.reads[:ts.nreads]
	t.writes, t.stepsRun, t.passes, t.moves = ts.writes, ts.stepsRun, ts.np, ts.moves
	t.hashOK = false
}

// stateHash hashes the machine state that decides the future: the store,
// each thread's context, who waits for what, and the part of each thread's
// spin history that decides whether its next loop pass blocks (the local
// state at the last pass, whether it wrote since, and what it read since).
// Without that, a spin loop's second pass would look like its first and be
// pruned, and the wait it leads to would never be reached.
//
// Within a step (the spin rule hashes the machine at a loop's back-edge),
// a thread the step's writes woke is hashed as it will be when the step
// ends: ready, with no waits. Otherwise a pass that wakes a waiter (the
// unlock of a polling loop) would look different from the same pass after
// it, which finds the waiter awake.
func (m *Machine) stateHash() uint64 {
	h := m.MMU.S.Hash()
	woken := m.MMU.S.PendingWakes()
	for _, t := range m.threads {
		st := t.status
		if st == blocked && woken&(1<<uint(t.id)) != 0 {
			st = ready
		}
		h ^= mixThread(m.contextHash(t)*31+uint64(st), t.id)
	}
	for _, w := range m.MMU.S.Watches() {
		if woken&(1<<uint(w.Thread)) == 0 {
			h ^= mixThread(uint64(w.Loc)*0x9e3779b97f4a7c15, w.Thread+100)
		}
	}
	return h
}

// contextHash hashes what of thread t's state only t's own steps change
// (all but its status, which another thread's write can wake). It is kept
// until t runs again or is restored or restarted: a step changes one
// thread's context, so the others' hashes are reused from state to state.
func (m *Machine) contextHash(t *thread) uint64 {
	if t.hashOK {
		return t.hash
	}
	m.charge(t.sp * 8 / copyBytesPerWork)
	th := t.stateHash()
	th = th*31 + uint64(t.phase)
	if t.inBuiltin {
		for _, v := range t.scratch {
			th = th*1099511628211 ^ v
		}
	}
	th = th*31 + uint64(t.atomic)
	for _, r := range t.spins {
		rh := r.hash*31 + b2u(r.writes != t.writes)
		for _, rd := range t.reads[min(r.readStart, len(t.reads)):] {
			rh = rh*1099511628211 ^ uint64(rd.loc)*0x9e3779b97f4a7c15 ^ rd.val ^ b2u(rd.wrote)<<63
		}
		th ^= mixThread(rh, r.pc)
	}
	t.hash, t.hashOK = th, true
	return th
}

func mixThread(v uint64, id int) uint64 {
	x := v ^ uint64(id+1)*0xd6e8feb86659fd93
	x ^= x >> 32
	x *= 0xd6e8feb86659fd93
	x ^= x >> 32
	return x
}
