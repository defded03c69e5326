package memmodel

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
)

// gb builds a Graph by hand: initial writes (value 0) for the named
// locations, then threads' events in program order. A read reads from the
// write of its location with its value unless rf says otherwise; each
// location's coherence order is by value unless co says otherwise.
type gb struct {
	g      Graph
	locs   map[string]uint64
	thread int
	rf     map[int]int
	co     map[uint64][]int
	ctrls  []int
}

func newGB(locs ...string) *gb {
	b := &gb{locs: map[string]uint64{}, thread: -1, rf: map[int]int{}, co: map[uint64][]int{}}
	for i, l := range locs {
		b.locs[l] = uint64(i + 1)
		b.g.Events = append(b.g.Events, Event{Thread: -1, Kind: Write, Loc: uint64(i + 1)})
	}
	return b
}

// T starts the next thread.
func (b *gb) T() *gb { b.thread++; return b }

func (b *gb) add(k Kind, loc string, v uint64, t Tag) int {
	if b.thread < 0 {
		panic("no thread")
	}
	l := uint64(0)
	if loc != "" {
		var ok bool
		if l, ok = b.locs[loc]; !ok {
			panic("unknown location " + loc)
		}
	}
	b.g.Events = append(b.g.Events, Event{Thread: b.thread, Kind: k, Tags: t, Loc: l, Val: v})
	return len(b.g.Events) - 1
}

func (b *gb) R(loc string, v uint64, t Tag) int { return b.add(Read, loc, v, t) }
func (b *gb) W(loc string, v uint64, t Tag) int { return b.add(Write, loc, v, t) }
func (b *gb) F(t Tag) int                       { return b.add(Fence, "", 0, t) }

// srcuLock and srcuUnlock are srcu_read_lock(s) and srcu_read_unlock(s,
// idx) matched; syncSrcu is synchronize_srcu(s).
func (b *gb) srcuLock(s string) int {
	r := b.R(s, 0, SrcuLock)
	b.rf[r] = int(b.locs[s]) - 1 // the initial write
	return r
}

func (b *gb) srcuUnlock(s string, lock int) int {
	w := b.W(s, 0, SrcuUnlock)
	b.g.Data = append(b.g.Data, Dep{int32(lock), int32(w)})
	b.g.SrcuMatch = append(b.g.SrcuMatch, Dep{int32(lock), int32(w)})
	return w
}

func (b *gb) syncSrcu(s string) int {
	i := b.add(Fence, "", 0, SyncSrcu)
	b.g.Events[i].Loc = b.locs[s]
	return i
}

// Ro and Wo are READ_ONCE and WRITE_ONCE.
func (b *gb) Ro(loc string, v uint64) int { return b.R(loc, v, Once) }
func (b *gb) Wo(loc string, v uint64) int { return b.W(loc, v, Once) }

func (b *gb) addr(f, t int) { b.g.Addr = append(b.g.Addr, Dep{int32(f), int32(t)}) }
func (b *gb) data(f, t int) { b.g.Data = append(b.g.Data, Dep{int32(f), int32(t)}) }
func (b *gb) rmw(r, w int)  { b.g.Rmw = append(b.g.Rmw, Dep{int32(r), int32(w)}) }

// ctrl makes every event after f in its thread control-dependent on f.
func (b *gb) ctrl(f int) { b.ctrls = append(b.ctrls, f) }

// lock is spin_lock: an LKR reading unlocked (from write from) and an
// LKW, paired.
func (b *gb) lock(l string, from int) (int, int) {
	r := b.R(l, 0, LockR)
	w := b.W(l, 1, LockW)
	b.rmw(r, w)
	b.rf[r] = from
	return r, w
}

func (b *gb) unlock(l string) int { return b.W(l, 0, Unlock) }

func (b *gb) build() *Graph {
	g := &b.g
	n := len(g.Events)
	for _, f := range b.ctrls {
		for j := f + 1; j < n && g.Events[j].Thread == g.Events[f].Thread; j++ {
			g.Ctrl = append(g.Ctrl, Dep{int32(f), int32(j)})
		}
	}
	g.Rf, g.CoRank = make([]int, n), make([]int, n)
	for i, e := range g.Events {
		g.Rf[i], g.CoRank[i] = -1, -1
		if e.Kind != Read {
			continue
		}
		if w, ok := b.rf[i]; ok {
			g.Rf[i] = w
			continue
		}
		for j, f := range g.Events {
			if f.Kind == Write && f.Loc == e.Loc && f.Val == e.Val {
				if g.Rf[i] >= 0 {
					panic(fmt.Sprintf("read %d: ambiguous rf", i))
				}
				g.Rf[i] = j
			}
		}
		if g.Rf[i] < 0 {
			panic(fmt.Sprintf("read %d: no write to read from", i))
		}
	}
	byLoc := map[uint64][]int{}
	for i, e := range g.Events {
		if e.Kind == Write {
			byLoc[e.Loc] = append(byLoc[e.Loc], i)
		}
	}
	for l, ws := range byLoc {
		if order, ok := b.co[l]; ok {
			g.CoRank[ws[0]] = 0 // the initial write
			for k, w := range order {
				g.CoRank[w] = k + 1
			}
			continue
		}
		sort.SliceStable(ws, func(i, j int) bool { return g.Events[ws[i]].Val < g.Events[ws[j]].Val })
		for k, w := range ws {
			g.CoRank[w] = k
		}
	}
	return g
}

func (b *gb) setCo(loc string, ws ...int) { b.co[b.locs[loc]] = ws }

type lkmmCase struct {
	name  string
	want  bool // the execution is consistent (the outcome is allowed)
	race  bool // data-race is flagged
	build func() *Graph
}

// The expected answers are herd7's on the catalogue tests named in the
// comments (tests/lkmm in herd-weak): each graph is the only execution
// giving the test's exists outcome.
var lkmmCases = []lkmmCase{
	// C-SB+o-o+o-o: Sometimes
	{name: "SB", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.Ro("y", 0)
		b.T().Wo("y", 1)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-SB+o-mb-o+o-mb-o: Never
	{name: "SB+mbs", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Mb)
		b.Ro("y", 0)
		b.T().Wo("y", 1)
		b.F(Mb)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-SB+fencembonceonce+poreleaseacquire: Sometimes
	{name: "SB+mb+rel-acq", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Mb)
		b.Ro("y", 0)
		b.T().W("y", 1, Release)
		b.R("x", 0, Acquire)
		return b.build()
	}},
	// SB with xchg (fully ordered RMWs act as smp_mb): forbidden
	{name: "SB+xchgs", want: false, build: func() *Graph {
		b := newGB("x", "y", "a", "c")
		b.T().Wo("x", 1)
		b.rmw(b.R("a", 0, Mb), b.W("a", 1, Mb))
		b.Ro("y", 0)
		b.T().Wo("y", 1)
		b.rmw(b.R("c", 0, Mb), b.W("c", 1, Mb))
		b.Ro("x", 0)
		return b.build()
	}},
	// SB with relaxed xchgs: allowed
	{name: "SB+xchg_relaxeds", want: true, build: func() *Graph {
		b := newGB("x", "y", "a", "c")
		b.T().Wo("x", 1)
		b.rmw(b.R("a", 0, Once), b.W("a", 1, Once))
		b.Ro("y", 0)
		b.T().Wo("y", 1)
		b.rmw(b.R("c", 0, Once), b.W("c", 1, Once))
		b.Ro("x", 0)
		return b.build()
	}},
	// SB with atomic_inc + smp_mb__after_atomic: forbidden
	{name: "SB+inc-after_atomic", want: false, build: func() *Graph {
		b := newGB("x", "y", "a", "c")
		b.T().Wo("x", 1)
		b.rmw(b.R("a", 0, Noreturn), b.W("a", 1, Noreturn))
		b.F(AfterAtomic)
		b.Ro("y", 0)
		b.T().Wo("y", 1)
		b.F(BeforeAtomic)
		b.rmw(b.R("c", 0, Noreturn), b.W("c", 1, Noreturn))
		b.Ro("x", 0)
		return b.build()
	}},
	// C-MP+o-o+o-o: Sometimes
	{name: "MP", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.Wo("y", 1)
		b.T().Ro("y", 1)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-MP+o-wmb-o+o-rmb-o: Never
	{name: "MP+wmb+rmb", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Wmb)
		b.Wo("y", 1)
		b.T().Ro("y", 1)
		b.F(Rmb)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-MP+o-wmb-o+o-o: Sometimes
	{name: "MP+wmb+o", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Wmb)
		b.Wo("y", 1)
		b.T().Ro("y", 1)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-MP+o-rel+acq-o: Never
	{name: "MP+rel+acq", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.W("y", 1, Release)
		b.T().R("y", 1, Acquire)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-MP+o-wmb-o+o-addr-o: Never
	{name: "MP+wmb+addr", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Wmb)
		b.Wo("y", 1)
		r := b.T().Ro("y", 1)
		b.addr(r, b.Ro("x", 0))
		return b.build()
	}},
	// MP+wmb+ctrl: a control dependency does not order reads: allowed
	{name: "MP+wmb+ctrl", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Wmb)
		b.Wo("y", 1)
		b.ctrl(b.T().Ro("y", 1))
		b.Ro("x", 0)
		return b.build()
	}},
	// C-LB+o-o+o-o: Sometimes
	{name: "LB", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Ro("x", 1)
		b.Wo("y", 1)
		b.T().Ro("y", 1)
		b.Wo("x", 1)
		return b.build()
	}},
	// LB+data+data: Never (C-LB+o-data-o+o-data-o+o-data-o)
	{name: "LB+datas", want: false, build: func() *Graph {
		b := newGB("x", "y")
		r := b.T().Ro("x", 1)
		b.data(r, b.Wo("y", 1))
		r = b.T().Ro("y", 1)
		b.data(r, b.Wo("x", 1))
		return b.build()
	}},
	// LB+ctrl+po-release: Never (C-LB+ctrlonceonce+poacquirerelease family)
	{name: "LB+ctrl+rel", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.ctrl(b.T().Ro("x", 1))
		b.Wo("y", 1)
		b.T().Ro("y", 1)
		b.W("x", 1, Release)
		return b.build()
	}},
	// C-WRC+o+o-data-o+o-rmb-o: Sometimes
	{name: "WRC+data+rmb", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		r := b.T().Ro("x", 1)
		b.data(r, b.Wo("y", 1))
		b.T().Ro("y", 1)
		b.F(Rmb)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-WRC+o+o-r+a-o: Never
	{name: "WRC+rel+acq", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.T().Ro("x", 1)
		b.W("y", 1, Release)
		b.T().R("y", 1, Acquire)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-IRIW+o+o+o-mb-o+o-mb-o: Never
	{name: "IRIW+mbs", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.T().Wo("y", 1)
		b.T().Ro("x", 1)
		b.F(Mb)
		b.Ro("y", 0)
		b.T().Ro("y", 1)
		b.F(Mb)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-IRIW+poacquireacquires+OnceOnce: Sometimes
	{name: "IRIW+acqs", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.T().Wo("y", 1)
		b.T().R("x", 1, Acquire)
		b.R("y", 0, Acquire)
		b.T().R("y", 1, Acquire)
		b.R("x", 0, Acquire)
		return b.build()
	}},
	// C-2+2W+o-o+o-o: Sometimes (x=1 /\ y=1 at the end: co x: 2 then 1)
	{name: "2+2W", want: true, build: func() *Graph {
		b := newGB("x", "y")
		x1 := b.T().Wo("x", 1)
		y2 := b.Wo("y", 2)
		y1 := b.T().Wo("y", 1)
		x2 := b.Wo("x", 2)
		b.setCo("x", x2, x1)
		b.setCo("y", y2, y1)
		return b.build()
	}},
	// C-2+2W+o-wmb-o+o-wmb-o: Sometimes
	{name: "2+2W+wmbs", want: true, build: func() *Graph {
		b := newGB("x", "y")
		x1 := b.T().Wo("x", 1)
		b.F(Wmb)
		y2 := b.Wo("y", 2)
		y1 := b.T().Wo("y", 1)
		b.F(Wmb)
		x2 := b.Wo("x", 2)
		b.setCo("x", x2, x1)
		b.setCo("y", y2, y1)
		return b.build()
	}},
	// 2+2W+mbs: Never
	{name: "2+2W+mbs", want: false, build: func() *Graph {
		b := newGB("x", "y")
		x1 := b.T().Wo("x", 1)
		b.F(Mb)
		y2 := b.Wo("y", 2)
		y1 := b.T().Wo("y", 1)
		b.F(Mb)
		x2 := b.Wo("x", 2)
		b.setCo("x", x2, x1)
		b.setCo("y", y2, y1)
		return b.build()
	}},
	// C-ISA2+o-rel+acq-rel+acq-o: Never
	{name: "ISA2+rel-acqs", want: false, build: func() *Graph {
		b := newGB("x", "y", "z")
		b.T().Wo("x", 1)
		b.W("y", 1, Release)
		b.T().R("y", 1, Acquire)
		b.W("z", 1, Release)
		b.T().R("z", 1, Acquire)
		b.Ro("x", 0)
		return b.build()
	}},
	// ISA2 with relaxed middle thread: allowed
	{name: "ISA2+rel+o+acq", want: true, build: func() *Graph {
		b := newGB("x", "y", "z")
		b.T().Wo("x", 1)
		b.W("y", 1, Release)
		b.T().Ro("y", 1)
		b.Wo("z", 1)
		b.T().R("z", 1, Acquire)
		b.Ro("x", 0)
		return b.build()
	}},
	// C-R+o-wmb-o+o-mb-o: Sometimes (y=2 final, r0=0)
	{name: "R+wmb+mb", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Wmb)
		y1 := b.Wo("y", 1)
		y2 := b.T().Wo("y", 2)
		b.F(Mb)
		b.Ro("x", 0)
		b.setCo("y", y1, y2)
		return b.build()
	}},
	// C-R+fencembonceonce+fenceonceonce: Never
	{name: "R+mbs", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Wo("x", 1)
		b.F(Mb)
		y1 := b.Wo("y", 1)
		y2 := b.T().Wo("y", 2)
		b.F(Mb)
		b.Ro("x", 0)
		b.setCo("y", y1, y2)
		return b.build()
	}},
	// C-S+o-wmb-o+o-addr-o: Never (y=1 read, x=2 last... S: W x=2; wmb;
	// W y=1 || r=y(1); addr W x=1; exists x=2 final and r=1)
	{name: "S+wmb+addr", want: false, build: func() *Graph {
		b := newGB("x", "y")
		x2 := b.T().Wo("x", 2)
		b.F(Wmb)
		b.Wo("y", 1)
		r := b.T().Ro("y", 1)
		x1 := b.Wo("x", 1)
		b.addr(r, x1)
		b.setCo("x", x1, x2)
		return b.build()
	}},
	// C-S+poonceonce+poacquireonce: Sometimes
	{name: "S+o+acq", want: true, build: func() *Graph {
		b := newGB("x", "y")
		x2 := b.T().Wo("x", 2)
		b.Wo("y", 1)
		b.T().R("y", 1, Acquire)
		x1 := b.Wo("x", 1)
		b.setCo("x", x1, x2)
		return b.build()
	}},
	// coherence: CoRR
	{name: "CoRR", want: false, build: func() *Graph {
		b := newGB("x")
		b.T().Wo("x", 1)
		b.T().Ro("x", 1)
		b.Ro("x", 0)
		return b.build()
	}},
	// atomicity: two xchg_relaxed on x both reading 0
	{name: "atomic", want: false, build: func() *Graph {
		b := newGB("x")
		b.T().rmw(b.R("x", 0, Once), b.W("x", 1, Once))
		b.T().rmw(b.R("x", 0, Once), b.W("x", 2, Once))
		return b.build()
	}},
	// RCU+sync+read: Never. P0: rcu_read_lock; x=1; y=1; rcu_read_unlock
	// || r0=x (1); synchronize_rcu; r1=y (0)
	{name: "RCU+sync+read", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().F(RcuLock)
		b.Wo("x", 1)
		b.Wo("y", 1)
		b.F(RcuUnlock)
		b.T().Ro("x", 1)
		b.F(SyncRcu)
		b.Ro("y", 0)
		return b.build()
	}},
	// RCU-MP: reader sees the post-gp write and misses the pre-gp one:
	// Never.
	{name: "RCU-MP", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().F(RcuLock)
		b.Ro("y", 1)
		b.Ro("x", 0)
		b.F(RcuUnlock)
		b.T().Wo("x", 1)
		b.F(SyncRcu)
		b.Wo("y", 1)
		return b.build()
	}},
	// The same without a read-side critical section: Sometimes.
	{name: "RCU-MP-noreader", want: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Ro("y", 1)
		b.Ro("x", 0)
		b.T().Wo("x", 1)
		b.F(SyncRcu)
		b.Wo("y", 1)
		return b.build()
	}},
	// C-LB+o-sync-o+rl-o-o-rul: Never
	{name: "RCU-LB", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().Ro("x", 1)
		b.F(SyncRcu)
		b.Wo("y", 1)
		b.T().F(RcuLock)
		b.Ro("y", 1)
		b.Wo("x", 1)
		b.F(RcuUnlock)
		return b.build()
	}},
	// Two critical sections, one grace period (C-LB+rl-deref-o-rul+
	// o-sync-o+rl-o-o-rlu shape): Sometimes.
	{name: "RCU-3LB-1gp", want: true, build: func() *Graph {
		b := newGB("x", "y", "z")
		b.T().Ro("x", 1)
		b.F(SyncRcu)
		b.Wo("y", 1)
		b.T().F(RcuLock)
		b.Ro("y", 1)
		b.Wo("z", 1)
		b.F(RcuUnlock)
		b.T().F(RcuLock)
		b.Ro("z", 1)
		b.Wo("x", 1)
		b.F(RcuUnlock)
		return b.build()
	}},
	// SRCU-MP: the reader's section and the grace period are on the same
	// srcu_struct: Never.
	{name: "SRCU-MP", want: false, build: func() *Graph {
		b := newGB("x", "y", "s")
		l := b.T().srcuLock("s")
		b.Ro("y", 1)
		b.Ro("x", 0)
		b.srcuUnlock("s", l)
		b.T().Wo("x", 1)
		b.syncSrcu("s")
		b.Wo("y", 1)
		return b.build()
	}},
	// ... on different srcu_structs: Sometimes.
	{name: "SRCU-MP-other", want: true, build: func() *Graph {
		b := newGB("x", "y", "s", "s2")
		l := b.T().srcuLock("s")
		b.Ro("y", 1)
		b.Ro("x", 0)
		b.srcuUnlock("s", l)
		b.T().Wo("x", 1)
		b.syncSrcu("s2")
		b.Wo("y", 1)
		return b.build()
	}},
	// SB where one side is a lock handover followed by
	// smp_mb__after_unlock_lock (C-SB+l-o-ul-l-o-ul+o-mb-o shape, simplified):
	// P0: lock; x=1; unlock; lock; after_unlock_lock; r=y (0) || y=1; mb; r=x (0)
	{name: "SB+unlock-lock-mb", want: false, build: func() *Graph {
		b := newGB("l", "x", "y")
		_, w0 := b.T().lock("l", 0)
		b.Wo("x", 1)
		u0 := b.unlock("l")
		_, w1 := b.lock("l", u0)
		b.F(AfterUnlockLock)
		b.Ro("y", 0)
		u1 := b.unlock("l")
		b.T().Wo("y", 1)
		b.F(Mb)
		b.Ro("x", 0)
		b.setCo("l", w0, u0, w1, u1)
		return b.build()
	}},
	// ... and without smp_mb__after_unlock_lock: Sometimes.
	{name: "SB+unlock-lock", want: true, build: func() *Graph {
		b := newGB("l", "x", "y")
		_, w0 := b.T().lock("l", 0)
		b.Wo("x", 1)
		u0 := b.unlock("l")
		_, w1 := b.lock("l", u0)
		b.Ro("y", 0)
		u1 := b.unlock("l")
		b.T().Wo("y", 1)
		b.F(Mb)
		b.Ro("x", 0)
		b.setCo("l", w0, u0, w1, u1)
		return b.build()
	}},
	// A failed spin_trylock inside another CPU's critical section reads
	// its LKW.
	{name: "trylock-fail", want: true, build: func() *Graph {
		b := newGB("l")
		_, w0 := b.T().lock("l", 0)
		u0 := b.unlock("l")
		f := b.T().R("l", 1, LockFail)
		b.rf[f] = w0
		b.setCo("l", w0, u0)
		return b.build()
	}},
	// ... but not the initial write.
	{name: "trylock-fail-init", want: false, build: func() *Graph {
		b := newGB("l")
		_, w0 := b.T().lock("l", 0)
		u0 := b.unlock("l")
		f := b.T().R("l", 0, LockFail)
		b.rf[f] = 0
		b.setCo("l", w0, u0)
		return b.build()
	}},
	// C-SB+l-o-o-u+l-o-o-u: Never (P0's section first, P1 then reads x0=0)
	{name: "SB+locks", want: false, build: func() *Graph {
		b := newGB("l", "x0", "x1")
		_, w0 := b.T().lock("l", 0)
		b.Wo("x0", 1)
		b.Ro("x1", 0)
		u0 := b.unlock("l")
		_, w1 := b.T().lock("l", u0)
		b.Wo("x1", 1)
		b.Ro("x0", 0)
		u1 := b.unlock("l")
		b.setCo("l", w0, u0, w1, u1)
		return b.build()
	}},
	// The same handover with P1 reading x0=1: allowed.
	{name: "SB+locks-ok", want: true, build: func() *Graph {
		b := newGB("l", "x0", "x1")
		_, w0 := b.T().lock("l", 0)
		b.Wo("x0", 1)
		b.Ro("x1", 0)
		u0 := b.unlock("l")
		_, w1 := b.T().lock("l", u0)
		b.Wo("x1", 1)
		b.Ro("x0", 1)
		u1 := b.unlock("l")
		b.setCo("l", w0, u0, w1, u1)
		return b.build()
	}},
	// lock.cat: an LKR reads from the write right before its LKW in co;
	// both locks reading the initial unlocked value is not an execution.
	{name: "locks-both-from-init", want: false, build: func() *Graph {
		b := newGB("l", "x0")
		_, w0 := b.T().lock("l", 0)
		b.Wo("x0", 1)
		u0 := b.unlock("l")
		_, w1 := b.T().lock("l", 0)
		b.Ro("x0", 1)
		u1 := b.unlock("l")
		b.setCo("l", w0, u0, w1, u1)
		return b.build()
	}},
	// lock.cat: an UL comes right after its LKW in co.
	{name: "lock-co-interleaved", want: false, build: func() *Graph {
		b := newGB("l", "x0")
		_, w0 := b.T().lock("l", 0)
		u0 := b.unlock("l")
		_, w1 := b.T().lock("l", u0)
		u1 := b.unlock("l")
		b.setCo("l", w0, w1, u0, u1)
		return b.build()
	}},
	// Plain accesses: a plain write and a plain read unordered race.
	{name: "plain-race", want: true, race: true, build: func() *Graph {
		b := newGB("x")
		b.T().W("x", 1, Plain)
		b.T().R("x", 1, Plain)
		return b.build()
	}},
	// MP with plain x, release/acquire on y, reading y=1: no race.
	{name: "plain-MP-relacq", want: true, race: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().W("x", 1, Plain)
		b.W("y", 1, Release)
		b.T().R("y", 1, Acquire)
		b.R("x", 1, Plain)
		return b.build()
	}},
	// ... and reading y=0 the plain read of x races.
	{name: "plain-MP-relacq-y0", want: true, race: true, build: func() *Graph {
		b := newGB("x", "y")
		b.T().W("x", 1, Plain)
		b.W("y", 1, Release)
		b.T().R("y", 0, Acquire)
		b.R("x", 0, Plain)
		return b.build()
	}},
	// MP with plain x: reading y=1 and then x=0 breaks plain-coherence.
	{name: "plain-MP-incoherent", want: false, build: func() *Graph {
		b := newGB("x", "y")
		b.T().W("x", 1, Plain)
		b.W("y", 1, Release)
		b.T().R("y", 1, Acquire)
		b.R("x", 0, Plain)
		return b.build()
	}},
}

func TestLKMM(t *testing.T) {
	m, ok := Lookup("lkmm")
	if !ok {
		t.Fatal("lkmm not registered")
	}
	for _, c := range lkmmCases {
		t.Run(c.name, func(t *testing.T) {
			ok, flags := m.Check(c.build())
			if ok != c.want {
				t.Errorf("consistent = %v, want %v (flags %v)", ok, c.want, flags)
			}
			race := false
			for _, f := range flags {
				race = race || f == "data-race"
			}
			if ok && race != c.race {
				t.Errorf("data-race = %v, want %v (flags %v)", race, c.race, flags)
			}
		})
	}
}

func TestLKMMLockCoOK(t *testing.T) {
	b := newGB("l")
	_, w0 := b.T().lock("l", 0)
	u0 := b.unlock("l")
	_, w1 := b.T().lock("l", u0)
	u1 := b.unlock("l")
	_, w2 := b.T().lock("l", u1) // never unlocked
	g := b.build()
	for _, c := range []struct {
		co   []int
		want bool
	}{
		{[]int{0, w0, u0, w1, u1, w2}, true},
		{[]int{0, w1, u1, w0, u0, w2}, true},
		{[]int{0, w0, w1, u0, u1, w2}, false}, // UL not right after its LKW
		{[]int{0, w0, u0, w2, w1, u1}, false}, // unmatched LKW not last
	} {
		if got := lkmmLockCoOK(g, c.co); got != c.want {
			t.Errorf("co %v: got %v, want %v", c.co, got, c.want)
		}
	}
}

// TestLKMMLocalOrderMarked: the LKMM's local order is hb's internal part,
// which relates marked accesses only. A plain read before a release is
// not ordered before it (C-LB-Lrw+R-OC: the plain read may read a write
// control-dependent on a read of the release), a READ_ONCE() is.
func TestLKMMLocalOrderMarked(t *testing.T) {
	b := newGB("u", "v", "x")
	b.T()
	plain := b.R("u", 0, Plain)
	once := b.Ro("v", 0)
	rel := b.W("x", 1, Release)
	lo := LocalOrder(lkmm{}, b.build())
	if lo.Has(plain, rel) {
		t.Errorf("the plain read is ordered before the release")
	}
	if !lo.Has(once, rel) {
		t.Errorf("the READ_ONCE() is not ordered before the release")
	}
}

// TestLKMMCheckPrefix: every program-order prefix of an allowed LKMM
// graph (each thread cut somewhere, every kept read's write kept) passes
// CheckPrefix, as the incremental search's pruning needs; on random
// programs.
func TestLKMMCheckPrefix(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	cuts := 0
	randomGraphs(3, 3000, func(g *Graph) {
		if ok, _ := (lkmm{}).Check(g); !ok {
			return
		}
		if !CheckPrefix(lkmm{}, g) {
			t.Fatalf("an allowed graph fails CheckPrefix")
		}
		for range 4 {
			p := cutGraph(g, r)
			if p == nil {
				continue
			}
			cuts++
			if !CheckPrefix(lkmm{}, p) {
				t.Fatalf("a prefix of an allowed graph fails CheckPrefix:\n%v", p.Events)
			}
		}
	})
	if cuts < 1000 {
		t.Fatalf("only %d prefixes", cuts)
	}
}

// cutGraph keeps the initial writes and a random number of each thread's
// first events; nil if a kept read reads a write that goes. (The kept
// writes keep their coherence ranks: only their order counts.)
func cutGraph(g *Graph, r *rand.Rand) *Graph {
	threads := 0
	for _, e := range g.Events {
		threads = max(threads, e.Thread+1)
	}
	keepN := make([]int, threads)
	for t := range keepN {
		keepN[t] = r.Intn(len(g.Events) + 1)
	}
	at := make([]int, len(g.Events)) // new index, -1 if dropped
	seen := make([]int, threads)
	p := &Graph{}
	for i, e := range g.Events {
		at[i] = -1
		if e.Thread >= 0 {
			if seen[e.Thread] >= keepN[e.Thread] {
				continue
			}
			seen[e.Thread]++
		}
		at[i] = len(p.Events)
		p.Events = append(p.Events, e)
	}
	p.Rf, p.CoRank = make([]int, len(p.Events)), make([]int, len(p.Events))
	for i, j := range at {
		if j < 0 {
			continue
		}
		p.Rf[j], p.CoRank[j] = -1, g.CoRank[i]
		if w := g.Rf[i]; w >= 0 {
			if at[w] < 0 {
				return nil
			}
			p.Rf[j] = at[w]
		}
	}
	deps := func(ds []Dep) (out []Dep) {
		for _, d := range ds {
			if at[d.From] >= 0 && at[d.To] >= 0 {
				out = append(out, Dep{int32(at[d.From]), int32(at[d.To])})
			}
		}
		return out
	}
	p.Rmw, p.Addr, p.Data, p.Ctrl, p.SrcuMatch = deps(g.Rmw), deps(g.Addr), deps(g.Data), deps(g.Ctrl), deps(g.SrcuMatch)
	p.PickAddr, p.PickData, p.PickCtrl = deps(g.PickAddr), deps(g.PickData), deps(g.PickCtrl)
	return p
}

// TestLKMMLockRMWs: lockRMWs gives lock.cat's lk-rmw, ([LKR] ; po-loc ;
// [LKW]) \ (po ; po), on threads that mix lock reads with the lock write
// right after them, a lock write of another lock, a failed attempt (a
// lone lock read), and other events between.
func TestLKMMLockRMWs(t *testing.T) {
	b := newGB("l", "m", "x") // their initial writes are events 0, 1, 2
	b.T()
	_, held := b.lock("l", 0)
	b.unlock("l")
	b.rf[b.R("l", 1, LockR)] = held // a failed attempt: no write after it
	b.Wo("x", 1)
	b.rf[b.R("m", 0, LockR)] = 1
	b.W("l", 1, LockW) // right after, but of another lock
	b.T()
	b.rf[b.R("l", 0, LockR)] = 0
	b.rf[b.Ro("x", 0)] = 2
	b.W("l", 1, LockW) // the same lock, an event between
	b.lock("m", 1)
	g := b.build()
	x := newLK(g)
	want := x.poLoc.Restrict(x.LKR, x.LKW).Minus(x.po.Seq(x.po))
	if got := x.lockRMWs(); !relEqual(got, want) {
		t.Errorf("lk-rmw %v, want %v", pairs(got), pairs(want))
	}
	if pairs(want) == "" {
		t.Fatal("no pair: the test builds no lock")
	}
}

// pairs lists a relation's pairs.
func pairs(r Rel) string {
	out := ""
	r.Each(func(i, j int) { out += fmt.Sprintf(" %d-%d", i, j) })
	return out
}
