package mmu

// Store holds every word of shared machine state, physical memory and ghost
// state alike, keyed by Loc. Keeping it all in one place gives the explorer
// three things at one cost: an undo log to return to the initial state, the
// footprint (locations read and written) of each step for partial-order
// reduction, and wake-ups for CPUs blocked until a location changes.
type Store struct {
	words map[Loc]uint64
	undo  []undoRec

	recording bool
	footprint []uint64 // loc<<1 | 1 for a write

	watches []watch
	woken   uint64 // threads whose watched location changed
}

type undoRec struct {
	loc Loc
	old uint64
}

type watch struct {
	loc    Loc
	thread int
}

func newStore() *Store {
	return &Store{words: make(map[Loc]uint64)}
}

// Get reads a word, recording it in the step's footprint.
func (s *Store) Get(loc Loc) uint64 {
	if s.recording {
		s.footprint = append(s.footprint, uint64(loc)<<1)
	}
	return s.words[loc]
}

// Peek reads a word without recording it: for the scheduler and for
// printing, which are not part of any step.
func (s *Store) Peek(loc Loc) uint64 { return s.words[loc] }

// Set writes a word, recording it in the footprint and the undo log, and
// wakes the threads that wait for loc to change.
func (s *Store) Set(loc Loc, v uint64) {
	if s.recording {
		s.footprint = append(s.footprint, uint64(loc)<<1|1)
	}
	old := s.words[loc]
	if old == v {
		return
	}
	s.undo = append(s.undo, undoRec{loc, old})
	if v == 0 {
		delete(s.words, loc)
	} else {
		s.words[loc] = v
	}
	if len(s.watches) > 0 {
		s.wake(loc)
	}
}

func (s *Store) wake(loc Loc) {
	for _, w := range s.watches {
		if w.loc == loc {
			s.woken |= 1 << uint(w.thread)
		}
	}
}

// Watch makes a write that changes loc wake thread.
func (s *Store) Watch(thread int, loc Loc) {
	s.watches = append(s.watches, watch{loc, thread})
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
		if w&(1<<uint(x.thread)) == 0 {
			kept = append(kept, x)
		}
	}
	s.watches = kept
	return w
}

// Mark returns a point in the undo log to roll back to.
func (s *Store) Mark() int { return len(s.undo) }

// Rollback undoes every write since mark.
func (s *Store) Rollback(mark int) {
	for i := len(s.undo) - 1; i >= mark; i-- {
		r := s.undo[i]
		if r.old == 0 {
			delete(s.words, r.loc)
		} else {
			s.words[r.loc] = r.old
		}
	}
	s.undo = s.undo[:mark]
	s.watches = s.watches[:0]
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

// Current returns the footprint recorded so far in this step.
func (s *Store) Current() []uint64 { return s.footprint }

// Range calls fn for every word whose loc has the given tag (unordered).
func (s *Store) Range(tag Loc, fn func(loc Loc, v uint64)) {
	for l, v := range s.words {
		if l&tagMask == tag {
			fn(l, v)
		}
	}
}
