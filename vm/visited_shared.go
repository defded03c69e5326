package vm

import (
	"sync"
	"sync/atomic"
)

// sharedVisited is the visited set of a parallel stateful search, shared by
// its workers: visitedStripes visitedSets, each behind its own lock, a state
// in the stripe its hash's top bits pick. A visit (look up, compare the
// sleep masks, store) is one critical section, so two workers reaching one
// state at once cannot both skip it. With a few workers and 64 stripes the
// locks are almost never contended; unlike one lock-free table, each stripe
// grows on its own, so a small check does not pay for a big table.
type sharedVisited struct {
	stripes [visitedStripes]visitedStripe
	n       atomic.Int64 // states, all stripes
	size    atomic.Int64 // bytes of the stripes' tables
}

type visitedStripe struct {
	mu  sync.Mutex
	set *visitedSet
	_   [48]byte // a stripe to a cache line: no false sharing between locks
}

const visitedStripes = 64

// newSharedVisited makes a set for about hint states.
func newSharedVisited(hint int) *sharedVisited {
	s := &sharedVisited{}
	for i := range s.stripes {
		st := newVisitedSetOf(1<<8, hint/visitedStripes)
		s.stripes[i].set = st
		s.size.Add(st.bytes())
	}
	return s
}

// visit implements stateStore, atomically.
func (s *sharedVisited) visit(h, z uint64) (uint64, bool) {
	st := &s.stripes[h>>58]
	st.mu.Lock()
	n, size := st.set.len(), st.set.bytes()
	z, ok := st.set.visit(h, z)
	if st.set.len() != n {
		s.n.Add(1)
		if grown := st.set.bytes(); grown != size {
			s.size.Add(grown - size)
		}
	}
	st.mu.Unlock()
	return z, ok
}

func (s *sharedVisited) len() int     { return int(s.n.Load()) }
func (s *sharedVisited) bytes() int64 { return s.size.Load() }
