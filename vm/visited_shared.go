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
}

type visitedStripe struct {
	mu   sync.Mutex
	set  *visitedSet
	n    atomic.Int64 // states in set, for len without the lock
	size atomic.Int64 // bytes of set's table
	_    [32]byte     // a stripe to a cache line: no false sharing between locks
}

const visitedStripes = 64

// newSharedVisited makes a set for about hint states.
func newSharedVisited(hint int) *sharedVisited {
	s := &sharedVisited{}
	for i := range s.stripes {
		st := &s.stripes[i]
		st.set = newVisitedSetOf(1<<8, hint/visitedStripes)
		st.size.Store(st.set.bytes())
	}
	return s
}

// visit implements stateStore, atomically. The counts are the stripe's
// own: one count for the whole set would move between the cores at
// every new state.
func (s *sharedVisited) visit(h, z uint64) (uint64, bool) {
	st := &s.stripes[h>>58]
	st.mu.Lock()
	n := st.set.len()
	z, ok := st.set.visit(h, z)
	if st.set.len() != n {
		st.n.Add(1)
		st.size.Store(st.set.bytes())
	}
	st.mu.Unlock()
	return z, ok
}

// len and bytes add the stripes up: the parallel search calls them only
// every stateLook steps.
func (s *sharedVisited) len() int {
	n := int64(0)
	for i := range s.stripes {
		n += s.stripes[i].n.Load()
	}
	return int(n)
}

func (s *sharedVisited) bytes() int64 {
	n := int64(0)
	for i := range s.stripes {
		n += s.stripes[i].size.Load()
	}
	return n
}
