package vm

import (
	"fmt"
	"slices"
)

// backEdge implements the spin rule: a CPU blocks at a loop back-edge when
// its whole local state equals its state at its previous pass there, it
// changed nothing since, and every location it read or wrote since still
// holds the value it read or wrote. Such an iteration would repeat
// forever; only a write by another CPU to one of those locations can
// change that, so the CPU waits for one. A write of the value the word
// already held changes nothing (`while x == 0 { y = 1 }` waits for x once
// y is 1): no CPU can tell it happened, under sc, and under tso it is a
// store-buffer entry, a change. A loop that reads nothing can never end.
// Hashing the state is skipped for iterations that took no visible step,
// except every 1024th pass, which still catches `while 1 {}`.
func (m *Machine) backEdge(t *thread, in Instr) bool {
	if r := m.weakRec; r != nil {
		return r.backEdge(t)
	}
	if m.counted[t.pc] {
		return true
	}
	t.passes++
	rec := t.spinRec(t.pc)
	if rec != nil && rec.stepsRun == t.stepsRun && t.passes%1024 != 0 {
		return true
	}
	h := t.stateHash()
	writes := m.writesNow(t)
	var window []readRec // what the pass read and wrote
	if rec != nil {
		window = t.reads[rec.readStart:]
	}
	if rec != nil && rec.hash == h && m.readsNothing(t, window) {
		// the pass will repeat, whatever it wrote and whatever changed
		m.loopsAlone(t)
		return false
	}
	if rec != nil && rec.hash == h && rec.writes == writes && m.readsHold(window) {
		m.spinWait(t, window)
		rec.readStart = len(t.reads)
		return true
	}
	if rec == nil {
		t.spins = append(t.spins, spinRec{pc: t.pc})
		rec = &t.spins[len(t.spins)-1]
	}
	t.hot = t.indexOf(rec)
	rec.hash, rec.readStart, rec.writes, rec.stepsRun = h, len(t.reads), writes, t.stepsRun
	return !m.repeats(t, rec, window)
}

// spinWait blocks t until another CPU writes a location its loop's last
// pass read or wrote (window).
func (m *Machine) spinWait(t *thread, window []readRec) {
	for _, r := range window {
		m.MMU.S.Watch(t.id, r.loc)
	}
	t.status = blocked
	m.event(t, t.pc, "spins: waits for a change")
}

// readsNothing tells whether a loop pass, whose reads and writes since
// the pass before are window, read nothing whose value could change what
// the next pass does: only its own writes (kept in the window to be
// watched) and the word that says its CPU's code runs (mmu's RunsLoc).
// With the thread's context as the pass before left it, such a pass
// repeats for ever (`while 1 { }`, `while 1 { y = 1 }`: under tso each
// pass buffers a store, a change, but the loop never looks at it).
func (m *Machine) readsNothing(t *thread, window []readRec) bool {
	runs := m.MMU.RunsLoc(t.cpu)
	return !slices.ContainsFunc(window, func(r readRec) bool { return !r.wrote && r.loc != runs })
}

// loopsAlone raises the limit of a loop that reads nothing another CPU
// could change and so repeats for ever, under every model.
func (m *Machine) loopsAlone(t *thread) {
	m.fail(t, "limit", fmt.Sprintf("%s loops forever: the loop reads nothing that another CPU could change", t.name))
}

// writesNow counts thread t's steps that changed the store, the step in
// progress too if it has changed it so far (afterStep counts it only when
// it ends): a pass compared with the previous one must see the write it
// made itself, or a loop would block one pass late, and repeats would
// call a loop that is about to wait an endless one.
func (m *Machine) writesNow(t *thread) int {
	if m.MMU.Mark() != m.stepMark {
		return t.writes + 1
	}
	return t.writes
}

// repeats tells whether this pass over rec's back-edge finds the whole
// machine (the store, every thread, the waits) as an earlier pass left
// it: the execution is in a cycle, which the same steps can go round for
// ever. The spin rule catches a pass that changes nothing; this catches
// passes that change something and undo it, or a round of several CPUs.
//
// When the passes since that earlier one went round alone (no other
// thread did more than wait) and mayWait, the thread waits for a write
// to what they read or wrote, as the spin rule does: the polling loop
// that takes and releases a lock. That loses no behaviour. The next
// passes would be the same passes again; another thread's look at their
// transient states (the lock held) can be made during the passes before,
// since nothing between them and that look changed what the look sees;
// and a pass that another thread interrupted does not wait, so each look
// that needs a pass of its own gets one. Otherwise the cycle is a `limit`
// ("loops forever"), raised here as the step bound would raise it after
// many more steps (`while 1 { y = 1; y = 0 }`, two CPUs handing a flag
// back and forth).
//
// It is Brent's cycle detection over the passes: the hash is kept at
// every power of two of them, so a cycle of any length is found within
// about twice its length plus the passes before it; and the last pass's
// too, so that the commonest cycle, one pass long, is found at once (a
// loop that another CPU's step interrupted would otherwise run up to as
// many passes again, and a search would try every interleaving of them).
// The fields live in the spin record, so snapshots restore them and the
// state hash leaves them out.
func (m *Machine) repeats(t *thread, rec *spinRec, window []readRec) bool {
	t.hashOK = false // its context changed since the last step
	h := m.stateHash() ^ m.MMU.TicketRenaming()
	if t.id < 0 { // init, which the machine's threads do not include
		h ^= mixThread(m.contextHash(t), len(m.threads))
	}
	rec.passes++
	others := m.othersMoves(t)
	last := rec.others
	rec.others = others
	if rec.passes > 1 {
		switch {
		case h == rec.prev && others == last && m.mayWait(t, window):
			m.spinWait(t, window)
			return false
		case h == rec.mhash && others == rec.mothers && m.mayWait(t, t.reads[rec.mreads:]):
			m.spinWait(t, t.reads[rec.mreads:])
			return false
		}
	}
	if rec.passes > 1 && (h == rec.mhash || h == rec.prev) {
		m.fail(t, "limit", fmt.Sprintf("%s loops forever: a pass of its loop finds the whole machine as an earlier pass left it, so the execution can go round again for ever", t.name))
		return true
	}
	if rec.passes&(rec.passes-1) == 0 {
		rec.mhash, rec.mothers, rec.mreads = h, others, len(t.reads)
	}
	rec.prev = h
	return false
}

// mayWait tells whether a cycle of passes of t's loop that went round
// alone, reading and writing window, may wait for another CPU's write
// rather than be endless: the loop has a way out, and the passes read
// something another CPU could change. (init runs alone: it cannot wait.)
func (m *Machine) mayWait(t *thread, window []readRec) bool {
	return t.id >= 0 && !m.endless[t.pc] && !m.readsNothing(t, window)
}

// othersMoves counts the steps of threads other than t that did more than
// wait: a pass alone is one with none since the pass before. The steps of
// t's CPU's flush thread (tso) are t's own: they move t's stores to
// memory, which changes nothing t reads (it reads its newest store either
// way), and a lock that the loop takes drains the buffer in every pass.
func (m *Machine) othersMoves(t *thread) int {
	flush := -1
	if m.storeBuffers && t.id >= 0 {
		flush = m.flushThreadOf(t.cpu)
	}
	n := 0
	for _, o := range m.threads {
		if o != t && o.id != flush {
			n += o.moves
		}
	}
	return n
}

func (t *thread) spinRec(pc int) *spinRec {
	for i := range t.spins {
		if t.spins[i].pc == pc {
			t.hot = i
			return &t.spins[i]
		}
	}
	return nil
}

func (m *Machine) readsHold(reads []readRec) bool {
	for _, r := range reads {
		if m.MMU.S.Peek(r.loc) != r.val {
			return false
		}
	}
	return true
}

// stateHash hashes everything the thread's future depends on locally.
func (t *thread) stateHash() uint64 { return t.stateHashWithout(nil) }

// stateHashWithout is stateHash with the slots skip of the current frame
// taken as 0 (dead locals: deadLocals).
func (t *thread) stateHashWithout(skip []int32) uint64 {
	h := uint64(14695981039346656037)
	mix := func(v uint64) {
		h ^= v
		h *= 1099511628211
		h ^= h >> 29
	}
	mix(uint64(t.pc))
	mix(uint64(t.sp))
	mix(uint64(t.fp))
	for i, v := range t.stack[:t.sp] {
		if len(skip) > 0 && slices.Contains(skip, int32(i-t.fp)) {
			v = 0
		}
		mix(v)
	}
	for _, f := range t.frames {
		mix(uint64(f.retPC))
		mix(uint64(f.fp))
	}
	return h
}

// indexOf returns the index of rec, which points into t.spins.
func (t *thread) indexOf(rec *spinRec) int {
	for i := range t.spins {
		if &t.spins[i] == rec {
			return i
		}
	}
	return -1
}
