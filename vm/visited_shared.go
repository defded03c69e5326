package vm

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// sharedVisited is the visited set of a parallel stateful search, shared by
// its workers: one open-addressing table like visitedSet's, whose slots the
// workers claim and update with atomic operations, so that a visit takes
// no lock. A lock (striped or not) was a cache line that both cores wrote
// at almost every visit: on ptdump-vmalloc-n512-fixed with two workers the
// visits and the counts beside the locks were more than half of the CPU
// time the second worker added. Here the only lines the workers share at every
// visit are the table's slots, which they rarely touch at once, and the
// flag that says the table is being grown, written only then.
//
// A slot holds a state's hash and the complement of the sleep mask it was
// explored with: the threads explored awake there. A visit ORs the threads
// awake now into it and learns from the old value, in one atomic step,
// whether one of them was asleep every earlier time, and with which mask
// to explore. Masks only shrink, as with one worker. A slot just claimed
// holds zero (no thread explored yet), so a worker that finds the hash
// before its claimer has ORed its threads in explores it too, as it must.
//
// Growing needs the table to itself. A worker says it may be inside a
// visit (busy, in its own cache line) at its first visit, and says it no
// longer is at quiesce, which the search calls every stateLook steps and
// before a worker waits or ends: two atomic writes per stateLook steps,
// not per visit. The grower raises growing, waits until no worker is
// busy, and copies; a worker that finds growing raised quiesces, helps
// copy (help) and waits on the grower's lock. Each worker counts the states it stored and
// publishes the count every loadLook-th of the table (and at quiesce); the
// worker that sees the sum past half the table grows it.
type sharedVisited struct {
	table   *sharedTable // replaced only while growing, with no worker busy
	growing atomic.Bool
	moving  atomic.Pointer[growth] // the copy under way while growing
	grow    sync.Mutex             // held by the grower
	size    atomic.Int64
	workers []visitWorker
}

// visitWorker is a worker's handle on the shared set, a cache line of its
// own: it implements stateStore.
type visitWorker struct {
	s      *sharedVisited
	busy   atomic.Bool  // may be inside a visit
	n      atomic.Int64 // states this worker stored, published
	isBusy bool         // busy, as this worker last set it
	stored int          // states this worker stored
	since  int          // stored since the last look at the load
	_      [24]byte
}

type sharedTable struct {
	slots []visitedSlot // atomic access, but while growing
	shift uint          // 64 - log2(len(slots))
}

// newSharedVisited makes a set for about hint states, for workers workers.
func newSharedVisited(workers, hint int) *sharedVisited {
	s := &sharedVisited{workers: make([]visitWorker, workers)}
	for i := range s.workers {
		s.workers[i].s = s
	}
	size := tableSize(hint)
	s.table = &sharedTable{slots: newSlots(size), shift: tableShift(size)}
	s.size.Store(s.table.bytes())
	return s
}

func newSharedTable(size int) *sharedTable {
	return &sharedTable{slots: newSlots(size), shift: tableShift(size)}
}

// worker is worker w's handle.
func (s *sharedVisited) worker(w int) *visitWorker { return &s.workers[w] }

// visit implements stateStore, atomically.
func (v *visitWorker) visit(h, z uint64) (uint64, bool) {
	s := v.s
	for {
		if !v.isBusy {
			v.busy.Store(true) // an xchg: ordered before the load of growing
			v.isBusy = true
		}
		if !s.growing.Load() {
			break
		}
		v.quiesce()
		s.help()
	}
	t := s.table
	z, explore, added := t.visit(h, z)
	if added {
		v.added(len(t.slots))
	}
	return z, explore
}

// quiesce says this worker is not inside a visit, and publishes its count.
func (v *visitWorker) quiesce() {
	if v.isBusy {
		v.n.Store(int64(v.stored))
		v.busy.Store(false)
		v.isBusy = false
	}
}

// added counts a state stored in a table of size slots. Once this worker
// has stored a loadLook-th of them shared among the workers, it publishes
// its count and grows the table if it is past half full.
func (v *visitWorker) added(size int) {
	v.stored++
	v.since++
	if v.since < max(1, size/(loadLook*len(v.s.workers))) {
		return
	}
	v.since = 0
	v.n.Store(int64(v.stored))
	if 2*v.s.len() > size {
		v.quiesce()
		v.s.double(size)
	}
}

// loadLook: between two looks at the load, the workers store at most
// 1/loadLook of the table's slots, so it stays under 9/16 full.
const loadLook = 16

// double doubles the table if it still has size slots. The workers that
// find growing raised help copy (see help): the copy is mostly the first
// writes to the new table's pages, which cost a fault each and go faster
// on more cores.
func (s *sharedVisited) double(size int) {
	s.grow.Lock()
	defer s.grow.Unlock()
	if len(s.table.slots) != size {
		return // another worker grew it
	}
	s.growing.Store(true)
	for i := range s.workers {
		for s.workers[i].busy.Load() {
			runtime.Gosched() // the worker quiesces within stateLook steps
		}
	}
	g := &growth{old: s.table, new: newSharedTable(2 * size)}
	s.moving.Store(g)
	g.copy()
	for g.done.Load() < g.chunks() {
		runtime.Gosched() // a helper finishes its chunk
	}
	s.moving.Store(nil)
	s.table = g.new
	s.size.Store(g.new.bytes())
	s.growing.Store(false)
}

// help is what a worker that found growing raised does: it copies chunks
// of the table with the grower, once the grower has started, and then
// waits for the grower to finish.
func (s *sharedVisited) help() {
	for s.growing.Load() {
		if g := s.moving.Load(); g != nil {
			g.copy()
			break
		}
		runtime.Gosched() // the grower waits for the other workers to quiesce
	}
	s.grow.Lock()
	s.grow.Unlock()
}

// growth is a doubling under way: its copiers take chunks of the old table
// in turn and insert their states into the new one with compare-and-swap,
// since two chunks' states may probe into the same slots.
type growth struct {
	old, new *sharedTable
	next     atomic.Int64 // the next chunk to take
	done     atomic.Int64 // chunks copied
}

// growChunk is the slots of the old table a copier takes at a time.
const growChunk = 4096

func (g *growth) chunks() int64 { return int64((len(g.old.slots) + growChunk - 1) / growChunk) }

// copy copies chunks until none is left to take.
func (g *growth) copy() {
	for {
		c := g.next.Add(1) - 1
		if c >= g.chunks() {
			return
		}
		lo := int(c) * growChunk
		for _, o := range g.old.slots[lo:min(lo+growChunk, len(g.old.slots))] {
			if o.key != 0 {
				g.new.insert(o)
			}
		}
		g.done.Add(1)
	}
}

// insert stores a state during growth: o's key is in no other chunk, so
// the slot it claims is its own.
func (t *sharedTable) insert(o visitedSlot) {
	i := int(o.key * 0x9e3779b97f4a7c15 >> t.shift)
	for !atomic.CompareAndSwapUint64(&t.slots[i].key, 0, o.key) {
		i = (i + 1) & (len(t.slots) - 1)
	}
	atomic.StoreUint64(&t.slots[i].val, o.val)
}

// visit finds or claims h's slot and ORs the threads awake in z into it
// (val holds the threads explored awake): the state is to be explored
// when one of them was asleep every earlier time, with the threads asleep
// this time and all those times. added says whether this visit claimed h.
func (t *sharedTable) visit(h, z uint64) (mask uint64, explore, added bool) {
	h = max(h, 1) // 0 is the empty slot
	i := int(h * 0x9e3779b97f4a7c15 >> t.shift)
	for {
		sl := &t.slots[i]
		k := atomic.LoadUint64(&sl.key)
		if k == 0 {
			if atomic.CompareAndSwapUint64(&sl.key, 0, h) {
				k, added = h, true
			} else {
				k = atomic.LoadUint64(&sl.key)
			}
		}
		if k == h {
			was := atomic.LoadUint64(&sl.val)
			if ^z&^was != 0 { // a thread awake now is new: no write otherwise
				was = atomic.OrUint64(&sl.val, ^z)
			}
			return z &^ was, was|z != ^uint64(0), added
		}
		i = (i + 1) & (len(t.slots) - 1)
	}
}

// find returns h's slot, or -1 (for tests, with no visit under way).
func (t *sharedTable) find(h uint64) int {
	for i := int(h * 0x9e3779b97f4a7c15 >> t.shift); t.slots[i].key != 0; i = (i + 1) & (len(t.slots) - 1) {
		if t.slots[i].key == h {
			return i
		}
	}
	return -1
}

// bytes is the memory the table holds: two words a slot.
func (t *sharedTable) bytes() int64 { return int64(len(t.slots)) * stateBytes / 2 }

// len and bytes add the workers' published counts up: the parallel search
// calls them only every stateLook steps, and a worker's count is short of
// its stores by at most a loadLook-th of the table until it quiesces.
func (v *visitWorker) len() int     { return v.s.len() }
func (v *visitWorker) bytes() int64 { return v.s.size.Load() }

func (s *sharedVisited) len() int {
	n := int64(0)
	for i := range s.workers {
		n += s.workers[i].n.Load()
	}
	return int(n)
}
