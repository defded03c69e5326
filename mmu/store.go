package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// Store holds every word of shared machine state, physical memory and ghost
// state alike, keyed by Loc. Keeping it all in one place gives the explorer
// three things at one cost: an undo log to return to the initial state, the
// footprint (locations read and written) of each step for partial-order
// reduction, and wake-ups for CPUs blocked until a location changes.
type Store struct {
	words words // zero words are absent (see words.go)
	undo  []undoRec

	recording bool
	footprint []uint64 // loc<<1 | 1 for a write
	// halves tells whether loc is a PTE whose two 32-bit halves footprints
	// name apart (halves.go); nil on arches that do not split entries
	halves func(Loc) bool

	watches []Watch
	woken   uint64 // threads whose watched location changed
	deaf    uint64 // threads no write wakes for now (Deafen)

	hash uint64 // Zobrist hash of every word, kept up to date by Set and Rollback

	// Under a weak memory model the VM runs each CPU alone and mem takes
	// the accesses to shared memory words (the locations shared says are
	// memory): it records them as events and chooses what each read
	// returns. Nil under sc, where the store is memory.
	mem    Memory
	shared func(Loc) bool
	tags   memmodel.Tag // annotations of the accesses in progress
	ghost  int          // >0: reads are a checker's, not the program's

	// Under the operational x86-TSO model each CPU's stores to shared
	// locations wait in its store buffer (storebuf.go). Nil otherwise.
	sb *storeBuffers
}

// Memory receives the memory events of a CPU's run under a weak model.
type Memory interface {
	Load(loc Loc, tags memmodel.Tag) uint64
	Store(loc Loc, v uint64, tags memmodel.Tag)
	Fence(tags memmodel.Tag, loc Loc)
	// Retag changes the annotations of the last n events (a conditional
	// RMW that turned out to be n lone reads: one, or CASP's two), each
	// of whose writes did not happen.
	Retag(tags memmodel.Tag, n int)
	// Choose picks one of n outcomes the model leaves open (a
	// store-exclusive that may fail).
	Choose(n int) int
	// NoWrite says a write the builtin makes on its other outcome did not
	// happen (a store-exclusive that failed).
	NoWrite()
	// Read lists the locations in [lo, hi) that some run reads.
	Read(lo, hi Loc) []Loc
	// Attempt marks the start of an attempt of a builtin that retries
	// (a lockless getter); Retry says the attempt failed: like a failed
	// pass of a spin loop, the run waits on what the attempt read.
	Attempt()
	Retry()
}

type undoRec struct {
	loc Loc
	old uint64
}

// Watch is a thread waiting for a location to change.
type Watch struct {
	Loc    Loc
	Thread int
}

func newStore() *Store {
	return &Store{}
}

// Get reads a word, recording it in the step's footprint.
func (s *Store) Get(loc Loc) uint64 {
	if s.sb != nil {
		if v, ok := s.forward(loc); ok {
			return v
		}
	}
	if s.recording {
		s.note(loc, 0)
	}
	if s.mem != nil && s.ghost == 0 && s.shared(loc) {
		return s.mem.Load(loc, s.tags)
	}
	return s.words.get(loc)
}

// Peek reads a word without recording it: for the scheduler and for
// printing, which are not part of any step.
func (s *Store) Peek(loc Loc) uint64 { return s.words.get(loc) }

// Set writes a word, recording it in the footprint and the undo log, and
// wakes the threads that wait for loc to change.
func (s *Store) Set(loc Loc, v uint64) {
	if s.sb != nil {
		if s.buffers(loc) {
			s.push(loc, v)
			return
		}
		s.noteMemWrite(loc, -1)
	}
	s.setMem(loc, v)
}

// setMem is Set of memory itself.
func (s *Store) setMem(loc Loc, v uint64) {
	if s.recording {
		s.note(loc, 1)
	}
	if s.mem != nil && s.shared(loc) {
		s.mem.Store(loc, v, s.tags)
	}
	if s.write(loc, v) && len(s.watches) > 0 {
		s.wake(loc)
	}
}

// write changes a word, in the undo log and the hash; it tells whether
// the word changed.
func (s *Store) write(loc Loc, v uint64) bool {
	w := s.words.ref(loc)
	old := *w
	if old == v {
		return false
	}
	*w = v
	s.undo = append(s.undo, undoRec{loc, old})
	s.hash ^= zobrist(loc, old) ^ zobrist(loc, v)
	return true
}

// Tally adds d to a counter the scheduler keeps in the store (IPIs
// pending at a CPU): undone and hashed like any word, but outside
// footprints and waits, because no step reads it; it only summarises
// words that steps do read.
func (s *Store) Tally(loc Loc, d int64) { s.write(loc, uint64(int64(s.words.get(loc))+d)) }

// watched tells whether some thread watches loc.
func (s *Store) watched(loc Loc) bool {
	for _, w := range s.watches {
		if w.Loc == loc {
			return true
		}
	}
	return false
}

func (s *Store) wake(loc Loc) {
	for _, w := range s.watches {
		if w.Loc == loc && s.deaf&(1<<uint(w.Thread)) == 0 {
			s.woken |= 1 << uint(w.Thread)
		}
	}
}

// Deafen makes the writes until the next Deafen wake none of threads (a
// mask): a CPU's flush of its own buffered store changes nothing its
// code reads, which takes the newest store either way.
func (s *Store) Deafen(threads uint64) { s.deaf = threads }

// Watch makes a write that changes loc wake thread.
func (s *Store) Watch(thread int, loc Loc) {
	s.watches = append(s.watches, Watch{loc, thread})
}

// Woken returns and clears the set of threads woken since the last call,
// and drops their watches.
func (s *Store) Woken() uint64 {
	w := s.woken
	if w == 0 {
		return 0
	}
	s.woken = 0
	kept := s.watches[:0]
	for _, x := range s.watches {
		if w&(1<<uint(x.Thread)) == 0 {
			kept = append(kept, x)
		}
	}
	s.watches = kept
	return w
}

// PendingWakes is the set of threads woken since the last Woken, which
// still holds their watches.
func (s *Store) PendingWakes() uint64 { return s.woken }

// Mark returns a point in the undo log to roll back to.
func (s *Store) Mark() int { return len(s.undo) }

// Rollback undoes every write since mark.
func (s *Store) Rollback(mark int) {
	sb := s.sb
	for i := len(s.undo) - 1; i >= mark; i-- {
		r := s.undo[i]
		w := s.words.ref(r.loc) // taken by the write being undone
		if sb != nil {
			sb.sbIndexed(r.loc, *w, r.old)
		}
		s.hash ^= zobrist(r.loc, *w) ^ zobrist(r.loc, r.old)
		*w = r.old
	}
	s.undo = s.undo[:mark]
}

// ResetWatches drops every wait (a new execution starts).
func (s *Store) ResetWatches() {
	s.watches = s.watches[:0]
	s.woken = 0
}

// Hash is a hash of every word of the store (zero words excluded).
func (s *Store) Hash() uint64 { return s.hash }

// zobrist hashes one (location, value) pair; a zero value is absent.
func zobrist(loc Loc, v uint64) uint64 {
	if v == 0 {
		return 0
	}
	return mix64(uint64(loc)*0x9e3779b97f4a7c15 ^ mix64(v+0x632be59bd9b4e019))
}

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Watches returns the current waits (for snapshots and state hashing).
func (s *Store) Watches() []Watch { return s.watches }

// SetWatches restores waits saved with Watches.
func (s *Store) SetWatches(w []Watch) {
	s.watches = append(s.watches[:0], w...)
	s.woken = 0
}

// StartStep begins recording a step's footprint.
func (s *Store) StartStep() {
	s.recording = true
	s.footprint = s.footprint[:0]
}

// EndStep stops recording and returns the footprint (valid until the next
// StartStep): entries are loc<<1, with the low bit set for writes.
func (s *Store) EndStep() []uint64 {
	s.recording = false
	return s.footprint
}

// Pause stops recording footprints (for untracked builtins) and returns
// whether recording was on, for Resume.
func (s *Store) Pause() bool {
	was := s.recording
	s.recording = false
	return was
}

// Resume restores recording as Pause found it.
func (s *Store) Resume(was bool) { s.recording = was }

// Current returns the footprint recorded so far in this step.
func (s *Store) Current() []uint64 { return s.footprint }

// Range calls fn for every nonzero word whose loc has the given tag, in
// no particular order (but the same one for the same history of writes).
// fn must not write to the store.
func (s *Store) Range(tag Loc, fn func(loc Loc, v uint64)) { s.words.each(tag, fn) }

// ForgetUndo drops the undo log: no rollback will go back past the state
// the store is in now. The VM calls it after init, whose writes no
// execution undoes, so that a large init (map() of many pages) does not
// hold an undo record per word for the whole check.
func (s *Store) ForgetUndo() { s.undo = nil }

// Bytes estimates the memory the store holds: its word tables (which
// never shrink, so they are at their largest), the undo log and the
// footprint and wait buffers. The VM's memory budget is checked against it.
func (s *Store) Bytes() int64 {
	return s.words.bytes() + int64(cap(s.undo))*16 + int64(cap(s.footprint))*8 + int64(cap(s.watches))*16
}
