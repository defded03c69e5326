// Package memmodel states the weak memory models mmuvm checks scripts
// under (sc, tso, armv8, lkmm) as consistency predicates over execution
// graphs, the way herd7's .cat files state them: events, the program order,
// reads-from and coherence, dependencies, and relations built from them.
//
// The package knows nothing of scripts or of the VM. The VM runs each CPU's
// code on its own, records the memory events it performs (with the values
// its reads were given and the dependencies through its registers), and
// hands sets of such per-thread traces to Enumerate, which builds every
// candidate execution graph (a choice of reads-from and coherence) and keeps
// those the model allows.
package memmodel

import (
	"fmt"
	"slices"
)

// Kind is what an event does.
type Kind uint8

const (
	Read  Kind = iota + 1
	Write      // also the initial writes
	Fence      // barriers, and RCU/SRCU markers that are not accesses
)

// Tag is a set of annotations on an event, the union of the vocabularies
// of herd's LKMM (linux-kernel.def/.bell), AArch64 and X86 models. Each
// builtin that performs memory events says which tags they carry.
type Tag uint64

const (
	// LKMM access strengths and fences (linux-kernel.def).
	Once                Tag = 1 << iota // READ_ONCE/WRITE_ONCE, relaxed RMWs ("ONCE")
	Acquire                             // smp_load_acquire, _acquire RMWs; arm64 LDAR ("A")
	Release                             // smp_store_release, _release RMWs; arm64 STLR ("L")
	Mb                                  // smp_mb(); on RMW events: fully ordered RMW ("MB")
	Rmb                                 // smp_rmb()
	Wmb                                 // smp_wmb()
	BeforeAtomic                        // smp_mb__before_atomic()
	AfterAtomic                         // smp_mb__after_atomic()
	AfterSpinlock                       // smp_mb__after_spinlock()
	AfterUnlockLock                     // smp_mb__after_unlock_lock()
	AfterSrcuReadUnlock                 // smp_mb__after_srcu_read_unlock()
	Barrier                             // barrier(): compiler barrier only
	RcuLock                             // rcu_read_lock() (a fence event)
	RcuUnlock                           // rcu_read_unlock() (a fence event)
	SyncRcu                             // synchronize_rcu() (a fence event)
	SrcuLock                            // srcu_read_lock(s): a read of s's location
	SrcuUnlock                          // srcu_read_unlock(s, idx): a write of s's location
	SyncSrcu                            // synchronize_srcu(s): an event on s's location (Kind Fence, Loc set)
	Noreturn                            // atomic_add() and friends: RMW that returns nothing
	LockR                               // spin_lock's read (LKR); with LockW an rmw pair
	LockW                               // spin_lock's write (LKW)
	Unlock                              // spin_unlock's write (UL)
	LockFail                            // spin_trylock that failed: a read (LF)
	IsLocked                            // spin_is_locked: a read (RL if it read locked, RU if not)
	Plain                               // an unmarked C access (LKMM data-race territory)
	FailedRMW                           // the lone read of a conditional RMW that failed (cmpxchg, atomic_add_unless)

	// AArch64.
	AcqPC // LDAPR ("Q")
	Excl  // LDXR/STXR and their acquire/release forms ("X")
	DMB   // DMB ISH / DMB SY (full)
	DMBLD // DMB ISHLD
	DMBST // DMB ISHST
	DSB   // DSB ISH / SY (full)
	DSBLD // DSB ISHLD
	DSBST // DSB ISHST
	ISB

	// X86.
	MFence
	Locked // a LOCK-prefixed instruction or XCHG (an atomic RMW)

	// Copied marks a write whose value is the value of the one read it
	// depends on by data, moved through locals only (`*y = r0` after
	// `r0 = *x`): herd solves a cycle of data and reads-from only where
	// every write on it is such a copy (lk.valuesSolvable).
	Copied
)

// Event is one memory event of an execution.
type Event struct {
	Thread int // -1 for an initial write
	Kind   Kind
	Tags   Tag
	Loc    uint64 // the location of an access, or of an SRCU struct
	Val    uint64 // the value read or written
}

func (e Event) String() string {
	k := map[Kind]string{Read: "R", Write: "W", Fence: "F"}[e.Kind]
	if e.Kind == Fence {
		return fmt.Sprintf("%s%s", k, e.Tags)
	}
	return fmt.Sprintf("%s%s %#x=%d", k, e.Tags, e.Loc, e.Val)
}

func (t Tag) String() string {
	if t == 0 {
		return ""
	}
	s := "["
	for i, n := range tagNames {
		if t&(1<<uint(i)) != 0 {
			if len(s) > 1 {
				s += ","
			}
			s += n
		}
	}
	return s + "]"
}

var tagNames = [...]string{"once", "acquire", "release", "mb", "rmb", "wmb",
	"before-atomic", "after-atomic", "after-spinlock", "after-unlock-lock",
	"after-srcu-read-unlock", "barrier", "rcu-lock", "rcu-unlock", "sync-rcu",
	"srcu-lock", "srcu-unlock", "sync-srcu", "noreturn", "LKR", "LKW", "UL",
	"LF", "RL", "plain", "failed", "Q", "X", "DMB", "DMB.LD", "DMB.ST", "DSB", "DSB.LD",
	"DSB.ST", "ISB", "MFENCE", "LOCKED", "copied"}

// Dep is a dependency edge between two events of one thread, by index in
// Graph.Events. The indices are 32 bits: a control dependency runs to
// every event after its branch, so the lists are long (a quarter of what
// the incremental search allocated, with 64-bit indices).
type Dep struct{ From, To int32 }

// Graph is one candidate execution. Events holds the initial writes first
// (Thread -1, one per location), then each thread's events in program
// order, threads in order. Rf and Co are the choices that make it an
// execution; the rest comes from the threads' traces.
type Graph struct {
	// Stop, if set, is asked between the stages of a model's check of a
	// large graph: when it says yes the check gives up, answering that the
	// graph is not allowed (the enumeration then stops, incomplete), so
	// that a deadline is kept within one stage rather than one check.
	Stop func() bool

	Events []Event
	// Rf[e] is the write that read e reads from (-1 for non-reads).
	Rf []int
	// CoRank[e] is the position of write e in its location's coherence
	// order (initial writes are 0); -1 for non-writes.
	CoRank []int
	// Rmw pairs the read and the write of each successful atomic
	// read-modify-write (xchg, cmpxchg, atomic_*, spin_lock, LDXR/STXR).
	Rmw []Dep
	// Addr, Data and Ctrl are the dependencies, as herd defines them:
	// Ctrl runs from a read that fed a branch to every event after the
	// branch in program order.
	Addr, Data, Ctrl []Dep
	// SrcuMatch pairs each srcu_read_lock() read with the srcu_read_unlock()
	// write its index was passed to (LKMM matches them by data dependency).
	SrcuMatch []Dep
	// PickAddr, PickData and PickCtrl are the dependencies that go
	// through a pick (herd's iico_ctrl): the condition of a CSEL, the
	// comparison of a successful CAS.
	PickAddr, PickData, PickCtrl []Dep
	// Si ("same instance", herd's si of mixed-size accesses) joins the
	// events of one instruction that accesses two locations at once: x86
	// PAE's LOCK CMPXCHG8B of an entry's two halves (pxx_xchg64() in
	// arch/x86/include/asm/pgtable-3level.h), whose reads and writes of
	// both halves happen at one point. Each edge runs from the
	// instruction's first event to another of its events.
	Si []Dep
	// Sib joins the events of one instruction that armv8's program
	// order leaves unordered among themselves: herd's po runs between
	// instructions, and the events of one are ordered by its iico alone.
	// arm64's CASP reads both words of its pair, and writes both, with no
	// order between the two (AArch64Sem.ml casp: read_mem a >>| read_mem
	// (a+sz)), so that its acquire reads and release writes order
	// nothing among themselves. The other models make such an
	// instruction one point, as Si's (the interleavings run it as one
	// step). Each edge runs from the instruction's first event to
	// another of its events.
	Sib []Dep

	base   *Base
	static *Base  // the relations that do not depend on rf and co
	arena  *arena // the relations of the candidate being checked (arena.go)
	// staticIn is where the static relations are carved: an arena that
	// outlives the graph's candidates, or nil (the heap)
	staticIn *arena
	once     bool // checked once (Scratch.Use): static relations in its arena
}

// Base holds the relations and sets every model starts from. Graph.Base
// computes it once per graph.
type Base struct {
	N                  int
	R, W, F, M, IW     Set // reads, writes, fences, accesses, initial writes
	Po, Loc, Int, Ext  Rel
	Rf, Co, Fr, Rmw    Rel
	Addr, Data, Ctrl   Rel
	Rfe, Rfi, Coe, Coi Rel
	Fre, Fri, PoLoc    Rel
	SrcuMatch          Rel
	inst               []instance // Graph.Si's and Graph.Sib's instructions
	armInst            []instance // Graph.Si's: armv8's points (armv8.go)
	// armv8's po, without the pairs of Graph.Sib, and po-loc (Po and
	// PoLoc themselves where it has none)
	armPo, armPoLoc Rel
	tagged          map[Tag]Set
	events          []Event
}

// Tagged is the set of events that carry every tag of t.
func (b *Base) Tagged(t Tag) Set {
	if s, ok := b.tagged[t]; ok {
		return s
	}
	s := NewSet(b.N)
	for i, e := range b.events {
		if e.Tags&t == t {
			s.Add(i)
		}
	}
	b.tagged[t] = s
	return s
}

// AnyTag is the set of events that carry at least one tag of t.
func (b *Base) AnyTag(t Tag) Set {
	s := NewSet(b.N)
	for i, e := range b.events {
		if e.Tags&t != 0 {
			s.Add(i)
		}
	}
	return s
}

// Events returns the graph's events (read only).
func (b *Base) Events() []Event { return b.events }

// Base computes (once) the base relations of g. The part that does not
// depend on reads-from and coherence (sets, po, loc, int, ext and the
// dependencies) is computed once for all the candidates of a graph
// (static); each candidate adds rf, co and what comes from them.
func (g *Graph) Base() *Base {
	if g.base != nil {
		return g.base
	}
	if g.static == nil {
		g.static = g.staticBase(g.staticIn)
	}
	b := new(Base)
	*b = *g.static
	b.inArena(g.arena)
	n, a := len(g.Events), g.arena
	b.Rf, b.Co = newRelIn(a, n), newRelIn(a, n)
	for r, w := range g.Rf {
		if w >= 0 {
			b.Rf.Add(w, r)
		}
	}
	coOrder(g, b.Co)
	b.Fr = b.Rf.Inv().Seq(b.Co)
	b.Rfe, b.Rfi = b.Rf.Inter(b.Ext), b.Rf.Inter(b.Int)
	b.Coe, b.Coi = b.Co.Inter(b.Ext), b.Co.Inter(b.Int)
	b.Fre, b.Fri = b.Fr.Inter(b.Ext), b.Fr.Inter(b.Int)
	g.base = b
	return b
}

// coOrder fills co: each write before the writes of its location of a
// higher rank. A location's writes sorted by rank, each row is the set
// of those after it, built backwards a word at a time.
func coOrder(g *Graph, co Rel) {
	byLoc := map[uint64][]int{}
	for i, e := range g.Events {
		if g.CoRank[i] >= 0 {
			byLoc[e.Loc] = append(byLoc[e.Loc], i)
		}
	}
	after := NewSet(co.n)
	for _, ws := range byLoc {
		slices.SortFunc(ws, func(a, b int) int { return g.CoRank[a] - g.CoRank[b] })
		clear(after)
		for k := len(ws) - 1; k >= 0; k-- {
			copy(co.row(ws[k]), after)
			// a rank shared by two writes (never made, but allowed by
			// the pairwise rule this replaces) relates neither way
			if k == 0 || g.CoRank[ws[k-1]] != g.CoRank[ws[k]] {
				for j := k; j < len(ws) && g.CoRank[ws[j]] == g.CoRank[ws[k]]; j++ {
					after.Add(ws[j])
				}
			}
		}
	}
}

// staticBase computes the part of Base that depends on the events alone,
// carving its relations from a: the enumeration's arena for the graphs of
// one combination of traces, which their candidates' arena resets do not
// touch; the arena of a graph checked once (Scratch.Use). These
// relations, a dozen n×n ones, were most of the garbage of the
// incremental search, and on the heap they were a fifth of the
// enumeration's time on graphs of a thousand events, most of whose
// combinations have one candidate.
func (g *Graph) staticBase(a *arena) *Base {
	n := len(g.Events)
	b := &Base{N: n, events: g.Events, tagged: map[Tag]Set{}}
	b.R, b.W, b.F, b.M, b.IW = NewSet(n), NewSet(n), NewSet(n), NewSet(n), NewSet(n)
	for i, e := range g.Events {
		switch e.Kind {
		case Read:
			b.R.Add(i)
			b.M.Add(i)
		case Write:
			b.W.Add(i)
			b.M.Add(i)
			if e.Thread < 0 {
				b.IW.Add(i)
			}
		case Fence:
			b.F.Add(i)
		}
	}
	b.Po, b.Loc, b.Int = newRelIn(a, n), newRelIn(a, n), newRelIn(a, n)
	// a row is its thread's (or location's) events as a set, copied a
	// word at a time: pair by pair this was the incremental search's
	// largest cost after the model's own relations
	threads, locs := map[int]Set{}, map[uint64]Set{}
	for i, e := range g.Events {
		if e.Thread >= 0 {
			setOf(threads, e.Thread, n).Add(i)
		}
		if hasLoc(e) {
			setOf(locs, e.Loc, n).Add(i)
		}
	}
	for i, e := range g.Events {
		if e.Thread >= 0 {
			copy(b.Int.row(i), threads[e.Thread])
			po := b.Po.row(i)
			copy(po, threads[e.Thread])
			clearUpTo(po, i) // po: the thread's events after i
		}
		if hasLoc(e) {
			copy(b.Loc.row(i), locs[e.Loc])
		}
	}
	// herd puts initial writes on no thread: they are external to all
	b.Ext = b.Int.complement()
	b.Rmw = depRel(a, n, g.Rmw)
	b.Addr, b.Data, b.Ctrl = depRel(a, n, g.Addr), depRel(a, n, g.Data), depRel(a, n, g.Ctrl)
	b.SrcuMatch = depRel(a, n, g.SrcuMatch)
	b.PoLoc = b.Po.Inter(b.Loc)
	b.inst = instances(append(g.Si[:len(g.Si):len(g.Si)], g.Sib...), g.Events)
	b.armInst, b.armPo, b.armPoLoc = instances(g.Si, g.Events), b.Po, b.PoLoc
	if len(g.Sib) > 0 {
		b.armPo = b.Po.clone()
		unorder(b.armPo, g.Sib)
		b.armPoLoc = b.armPo.Inter(b.Loc)
	}
	return b
}

// unorder takes out of po the pairs of events of each instruction of
// sib (Graph.Sib), whose edges run from its first event: armv8's po.
func unorder(po Rel, sib []Dep) {
	for _, d := range sib {
		first, e := int(d.From), int(d.To)
		clear := func(i, j int) { po.row(i)[j>>6] &^= 1 << uint(j&63) }
		clear(first, e)
		for _, o := range sib { // and between its other events
			if int(o.From) == first && int(o.To) < e {
				clear(int(o.To), e)
			}
		}
	}
}

// inArena makes the relations derived from b's static ones carve their
// bits from a (theirs stay on the heap).
func (b *Base) inArena(a *arena) {
	for _, r := range []*Rel{&b.Po, &b.Loc, &b.Int, &b.Ext, &b.Rmw, &b.Addr, &b.Data, &b.Ctrl, &b.SrcuMatch, &b.PoLoc, &b.armPo, &b.armPoLoc} {
		r.a = a
	}
}

// setOf is m's set for key k, made empty over n events if new.
func setOf[K comparable](m map[K]Set, k K, n int) Set {
	s, ok := m[k]
	if !ok {
		s = NewSet(n)
		m[k] = s
	}
	return s
}

// clearUpTo clears bits 0..i of the words w.
func clearUpTo(w []uint64, i int) {
	clear(w[:i>>6])
	w[i>>6] &^= 1<<uint(i&63+1) - 1
}

func all(n int) Set {
	s := NewSet(n)
	for i := 0; i < n; i++ {
		s.Add(i)
	}
	return s
}

func depRel(a *arena, n int, ds []Dep) Rel {
	r := newRelIn(a, n)
	for _, d := range ds {
		r.Add(int(d.From), int(d.To))
	}
	return r
}

// Model is a memory model: a predicate on execution graphs.
type Model interface {
	// Name is the model's name as scripts and --model spell it.
	Name() string
	// Check tells whether g is consistent under the model, and which of
	// the model's flags (herd's `flag` statements, such as LKMM's
	// "data-race") the execution raises.
	Check(g *Graph) (ok bool, flags []string)
}

var models = map[string]Model{}

// Register adds a model under its name (from the model files' init).
func Register(m Model) { models[m.Name()] = m }

// Lookup returns the model of that name.
func Lookup(name string) (Model, bool) {
	m, ok := models[name]
	return m, ok
}

// Names lists the models in the order documentation gives them.
func Names() []string { return []string{"sc", "tso", "armv8", "lkmm"} }

// hasLoc tells whether an event has a location: accesses, and the
// synchronize_srcu() events on their SRCU struct.
func hasLoc(e Event) bool { return e.Kind != Fence || e.Tags&SyncSrcu != 0 }

// stopped tells whether the check of g is to give up (see Graph.Stop).
func (g *Graph) stopped() bool { return g.Stop != nil && g.Stop() }
