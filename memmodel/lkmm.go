package memmodel

// The Linux-kernel memory model (LKMM) as herd7 runs it with the kernel's
// tools/memory-model files (herdtools7 catalogue/linux/cats: linux-kernel.cfg
// = linux-kernel.def + linux-kernel.bell + linux-kernel.cat, which includes
// lock.cat, herd's stdlib.cat, cos-opt.cat and cross.cat; `variant lkmmv2`).
//
// The cat files generate parts of the execution (lock.cat's rf for lock
// events, cos-opt.cat's co); mmuvm's enumerator instead proposes rf and co
// for every read and write, lock events included, so those generators are
// stated here as checks that the proposed rf/co is one herd would generate
// (lkmmLockOK).
//
// Where herd's events differ from mmuvm's:
//   - herd's srcu_read_lock/srcu_read_unlock/synchronize_srcu are SRCU
//     actions, not memory accesses: they are in no R, W, M, rf or co. mmuvm
//     makes them a Read and a Write of the srcu_struct's location; they are
//     taken out of R, W, M (and so of rf, co, fr) here.
//   - herd's spin_lock/unlock/trylock/is_locked are lock actions, not
//     atomic accesses: they are not in herd's RMW set even though spin_lock's
//     two events are an rmw pair (lock.cat's lk-rmw).
//   - herd's RMW set (is_rmw_or_atomic: the accesses of an atomic
//     instruction) also holds the lone read of a failed cmpxchg. mmuvm's
//     failed cmpxchg is a plain R[Once] read in no Rmw pair, so only a read
//     tagged Mb that is in no pair (a failed fully-ordered cmpxchg, should
//     the VM tag it so) is recognised as herd's FailedRMW.

import "math/bits"

type lkmm struct{}

func init() { Register(lkmm{}) }

// Name is "lkmm".
func (lkmm) Name() string { return "lkmm" }

// lk holds the sets and relations of one graph as the LKMM files name
// them, after the bell's and lock.cat's redefinitions.
type lk struct {
	n  int
	g  *Graph
	b  *Base
	id Rel

	// sets
	R, W, M, IW, notM      Set
	Marked, Plain          Set
	Acquire, Release, Mb   Set
	Noreturn, R4rmb, RMW   Set
	LKR, LKW, UL, LF, RL   Set
	RU                     Set
	RcuLock, RcuUnlock     Set
	SyncRcu, SyncSrcu      Set
	SrcuLock, SrcuUnlock   Set
	Rmb, Wmb, BeforeAtomic Set
	AfterAtomic, AfterSpin Set
	AfterUnlockLock        Set
	AfterSrcuReadUnlock    Set
	BarrierSet             Set

	// relations
	po, poOpt, loc, int_, ext, poLoc Rel
	rf, co, fr, rfe, rfi, coe, fre   Rel
	rmw, lkRmw                       Rel
	addr, data, ctrl                 Rel
	srcu                             *Rel // srcu-rscs, once computed
}

// Check tells whether g is an execution LKMM allows, and the flags herd
// would raise on it (data-race, mixed-accesses, and the bell's and
// lock.cat's validity flags).
func (lkmm) Check(g *Graph) (bool, []string) {
	x := newLK(g)
	var flags []string

	// lock.cat's checks and generators.
	if g.stopped() || !x.lockOK() || g.stopped() {
		return false, nil
	}
	if !x.valuesSolvable() {
		return false, nil
	}
	c, ok := x.ordered()
	if !ok {
		return false, nil
	}
	x.rcu(c)
	if g.stopped() || !c.rb.Irreflexive() { // irreflexive rb as rcu
		return false, nil
	}
	if !x.Plain.Empty() {
		ok, race, mixed := x.plain(c)
		if !ok { // empty (wr-incoh | rw-incoh | ww-incoh) as plain-coherence
			return false, nil
		}
		if mixed {
			flags = append(flags, "mixed-accesses")
		}
		if race {
			flags = append(flags, "data-race")
		}
	}
	flags = append(flags, x.bellFlags()...)
	return true, flags
}

// valuesSolvable tells whether herd7 could give g's events their values.
// herd solves an execution's equations (a write's value is an expression
// of the reads it depends on by data, a read's is its write's): where
// data dependencies and reads-from close a cycle, it solves the cycle
// only when each write on it copies what it read (C-AS-OOTA-1's `*a = *b`
// against `*b = *a`: a symbol it leaves free), and builds no execution
// where one computes another value ("r1 + 1", and even "r0 - r0 + 3").
// linux-kernel.cat orders neither plain reads nor plain writes by their
// dependencies, so it allows such a cycle through a plain access, which
// the enumeration's guessed values build: `r0 = *x; *z = r0 - r0 + 3`
// against `r1 = READ_ONCE(*z); WRITE_ONCE(*x, r1 + 1)` with r0 = 4 and
// r1 = 3, which herd does not give (random herd test C-wide-1086). A
// write is a copy when the program moved the value its read returned to
// it through locals alone (Copied): a write of an equal value computed
// otherwise is none (`r1 - r1 + 1` with r1 = 1, random herd test
// C-wide-12379, whose cycle passes through atomic_sub_and_test()'s
// result).
func (x *lk) valuesSolvable() bool {
	flow := x.rf.Union(x.b.Data)
	if flow.Acyclic() {
		return true
	}
	back := flow.Plus()
	ok := true
	x.b.Data.Each(func(r, w int) {
		ok = ok && (x.g.Events[w].Tags&Copied != 0 || !back.Has(w, r))
	})
	return ok
}

// ordered checks linux-kernel.cat's coherence, atomic, happens-before and
// propagation axioms, and returns the relations they were computed with.
func (x *lk) ordered() (*lkCat, bool) {
	g := x.g
	com := x.rf.Union(x.co, x.fr)
	if !x.poLoc.Union(com).Acyclic() { // acyclic po-loc | com as coherence
		return nil, false
	}
	if !x.rmw.Inter(x.fre.Seq(x.coe)).Empty() { // empty rmw & (fre; coe) as atomic
		return nil, false
	}
	if g.stopped() {
		return nil, false
	}
	c := x.cat()
	if x.b.HasInstances() && x.b.Splits(x.tears(c)) {
		return nil, false
	}
	// each instruction of two locations one event (instance.go)
	if g.stopped() || !x.b.Whole(c.hb).Acyclic() { // acyclic hb as happens-before
		return nil, false
	}
	x.propagation(c)
	if !x.b.Whole(c.pb).Acyclic() || g.stopped() { // acyclic pb as propagation
		return nil, false
	}
	return c, true
}

// CheckPrefix judges a graph that may still grow: false only if no graph
// it is part of is allowed. Under lkmm it checks the axioms that hold of
// every part of an allowed graph (coherence, atomic, happens-before,
// propagation: their relations only gain edges as events are added, and
// a fully ordered or acquire RMW whose write is missing counts as a failed
// one, which orders less), not lock.cat's (a lock is unmatched until its
// unlock comes), the RCU axiom (a critical section is matched likewise)
// or plain-coherence; under the other models it is Check.
func CheckPrefix(m Model, g *Graph) bool {
	if _, ok := m.(lkmm); !ok {
		ok, _ := m.Check(g)
		return ok
	}
	_, ok := newLK(g).ordered()
	return ok
}

// newLK computes the sets and relations the cat file starts from: herd's
// primitive sets as the bell (linux-kernel.bell) filters them, and
// lock.cat's additions to R, W, rmw, Acquire and Release.
func newLK(g *Graph) *lk {
	b := g.Base()
	n := b.N
	// the identity and what is made from it in the candidate's arena, as
	// the base relations (on the heap, what the LKMM made from them was
	// most of the garbage of the enumeration on large graphs)
	x := &lk{n: n, g: g, b: b, id: b.Po.id()}
	tag := func(t Tag) Set { return b.AnyTag(t) }

	srcu := tag(SrcuLock | SrcuUnlock | SyncSrcu)
	x.SrcuLock, x.SrcuUnlock, x.SyncSrcu = tag(SrcuLock), tag(SrcuUnlock), tag(SyncSrcu)
	// herd's R, W and M after lock.cat: memory accesses (lock events
	// included, SRCU actions not).
	x.R, x.W = b.R.Minus(srcu), b.W.Minus(srcu)
	x.M = x.R.Union(x.W)
	x.notM = all(n).Minus(x.M)
	x.IW = b.IW

	x.po, x.loc, x.int_, x.ext = b.Po, b.Loc, b.Int, b.Ext
	x.poOpt = x.po.Union(x.id)
	x.poLoc = b.PoLoc // stdlib: po-loc = po & loc
	x.rf = b.Rf.Restrict(x.W, x.R)
	x.co = b.Co.Restrict(x.W, x.W)
	// lock.cat: fr = rf^-1 ; co
	x.fr = x.rf.Inv().Seq(x.co)
	x.rfe, x.rfi = x.rf.Inter(x.ext), x.rf.Inter(x.int_)
	x.coe = x.co.Inter(x.ext)
	x.fre = x.fr.Inter(x.ext)

	// lock.cat's lock classes. RL/RU are the spin_is_locked reads that
	// read a locked/unlocked value: herd chooses between them, mmuvm's
	// read tells by the write it reads from.
	x.LKR = tag(LockR).Inter(x.R)
	x.LKW = tag(LockW).Inter(x.W)
	x.UL = tag(Unlock).Inter(x.W)
	isl := tag(IsLocked).Inter(x.R)
	x.RL = isl.Inter(x.rf.Dom(x.LKW).Range())
	x.RU = isl.Minus(x.RL)
	// let LF = LF | RL
	x.LF = tag(LockFail).Inter(x.R).Union(x.RL)

	// lock.cat: let lk-rmw = ([LKR] ; po-loc ; [LKW]) \ (po ; po)
	x.lkRmw = x.lockRMWs()
	// let rmw = rmw | lk-rmw
	x.rmw = b.Rmw.Restrict(x.M, x.M).Union(x.lkRmw)

	// herd's RMW (CAction is_rmw_or_atomic): the accesses of atomic
	// instructions. Lock events are lock actions, not atomic accesses.
	inRmw := b.Rmw.Domain().Union(b.Rmw.Range())
	failed := tag(Mb).Inter(x.R).Minus(inRmw).Union(tag(FailedRMW).Inter(x.R)) // a failed cmpxchg
	x.RMW = inRmw.Union(tag(Noreturn)).Union(failed).Inter(x.M).
		Minus(x.LKR).Minus(x.LKW)

	// linux-kernel.bell:
	//   let FailedRMW = RMW \ (domain(rmw) | range(rmw))
	//   let Acquire = ACQUIRE \ W \ FailedRMW
	//   let Release = RELEASE \ R \ FailedRMW
	//   let Mb = MB \ FailedRMW
	//   let Noreturn = NORETURN \ W
	// lock.cat: let Release = Release | UL; let Acquire = Acquire | LKR
	x.Acquire = tag(Acquire).Minus(x.W).Minus(failed).Union(x.LKR)
	x.Release = tag(Release).Minus(x.R).Minus(failed).Union(x.UL)
	x.Mb = tag(Mb).Minus(failed)
	x.Noreturn = tag(Noreturn).Minus(x.W)
	// linux-kernel.cat: let R4rmb = R \ Noreturn
	x.R4rmb = x.R.Minus(x.Noreturn)

	x.Rmb, x.Wmb = tag(Rmb), tag(Wmb)
	x.BeforeAtomic, x.AfterAtomic = tag(BeforeAtomic), tag(AfterAtomic)
	x.AfterSpin, x.AfterUnlockLock = tag(AfterSpinlock), tag(AfterUnlockLock)
	x.AfterSrcuReadUnlock = tag(AfterSrcuReadUnlock)
	x.BarrierSet = tag(Barrier)
	x.RcuLock, x.RcuUnlock, x.SyncRcu = tag(RcuLock), tag(RcuUnlock), tag(SyncRcu)

	// linux-kernel.bell:
	//   let Marked = (~M) | IW | ONCE | RELEASE | ACQUIRE | MB | RMW |
	//     LKR | LKW | UL | LF | RL | RU | Srcu-lock | Srcu-unlock
	//   let Plain = M \ Marked
	x.Marked = x.notM.Union(x.IW).Union(tag(Once | Acquire | Release | Mb)).
		Union(x.RMW).Union(x.LKR).Union(x.LKW).Union(x.UL).Union(x.LF).
		Union(x.RU).Union(x.SrcuLock).Union(x.SrcuUnlock)
	x.Plain = x.M.Minus(x.Marked)

	// linux-kernel.bell: dependencies carried through plain accesses
	//   let carry-dep = (data ; [~ Srcu-unlock] ; rfi)*
	//   let addr = carry-dep ; addr
	//   let ctrl = carry-dep ; ctrl
	//   let data = carry-dep ; data
	x.addr, x.ctrl, x.data = b.Addr, b.Ctrl, b.Data
	if step := b.Data.Ran(all(n).Minus(x.SrcuUnlock)).Seq(x.rfi); !step.Empty() {
		// carry-dep is the identity without a data dependency into a
		// read of the CPU's own write, as in most graphs: its closure
		// is 3 % of a page-table graph's check
		carry := step.Star()
		x.addr, x.ctrl, x.data = carry.Seq(b.Addr), carry.Seq(b.Ctrl), carry.Seq(b.Data)
	}
	return x
}

// lockRMWs is lock.cat's lk-rmw, ([LKR] ; po-loc ; [LKW]) \ (po ; po):
// each lock read and the lock write right after it in program order, of
// its location. A CPU's events are numbered in program order, so the
// event right after r is the first of its po row. (Computing po ; po
// whole took 18 % of the LKMM's checks of page-table graphs.)
func (x *lk) lockRMWs() Rel {
	out := x.po.like()
	x.LKR.Each(func(r int) {
		for wi, w := range x.po.row(r) {
			if w != 0 {
				if next := wi<<6 | bits.TrailingZeros64(w); x.LKW.Has(next) && x.loc.Has(r, next) {
					out.Add(r, next)
				}
				return
			}
		}
	})
	return out
}

// idOn is [s].
func (x *lk) idOn(s Set) Rel { return x.b.Po.idOn(s) }

// fencerel is stdlib's fencerel(B) = (po & (_ * B)) ; po.
func (x *lk) fencerel(s Set) Rel { return x.fenced(all(x.n), s, all(x.n)) }

// fenced is [s] ; fencerel(f) ; [t], in one backward pass over each
// thread (fencedBy): composing po with itself made a row union for each
// event and each fence after it, a tenth of the LKMM's check on the
// page-table scripts' graphs.
func (x *lk) fenced(s, f, t Set) Rel { return fencedBy(x.b, s, f, t, x.po.like()) }

// lockOK states lock.cat's checks and its rf/co generators as conditions
// on the proposed rf and co:
//
//	empty ([LKW] ; po-loc ; [LKR]) \ (po-loc ; [UL] ; po-loc) as lock-nest
//	empty ([LKW] ; po-loc ; [RU]) \ (po-loc ; [UL] ; po-loc) as nested-is-locked
//	let critical = ([LKW] ; po-loc ; [UL]) \ (po-loc ; [LKW | UL] ; po-loc)
//	let UNMATCHED-LKW = LKW \ domain(critical)
//	empty ([UNMATCHED-LKW] ; loc ; [UNMATCHED-LKW]) \ id as unmatched-locks
//	rf-lf: an LF in a critical section reads from its LKW (rfi-lf), any
//	  other LF reads from an LKW of another thread (possible-rfe-noncrit-lf)
//	rf-ru: an RU reads from the last po-previous UL, or from an UL of
//	  another thread or the initial write (possible-rf-ru)
//	co0 = co0 | ([IW] ; loc ; [LKW]) |
//	  (([LKW] ; loc ; [UNMATCHED-LKW]) \ [UNMATCHED-LKW])
//	co = (co | critical | (critical^-1 ; co))+: an UL comes right after its
//	  LKW in co
//	rf = rf | ([IW | UL] ; singlestep(co) ; lk-rmw^-1): an LKR reads from
//	  the write right before its LKW in co, which is IW or an UL
func (x *lk) lockOK() bool {
	if x.LKR.Empty() && x.LKW.Empty() && x.UL.Empty() && x.LF.Empty() && x.RU.Empty() {
		return true
	}
	ulBetween := x.poLoc.Ran(x.UL).Seq(x.poLoc)
	if !x.poLoc.Restrict(x.LKW, x.LKR).Minus(ulBetween).Empty() {
		return false // lock-nest
	}
	if !x.poLoc.Restrict(x.LKW, x.RU).Minus(ulBetween).Empty() {
		return false // nested-is-locked
	}
	critical := x.poLoc.Restrict(x.LKW, x.UL).
		Minus(x.poLoc.Ran(x.LKW.Union(x.UL)).Seq(x.poLoc))
	unmatched := x.LKW.Minus(critical.Domain())
	if !x.loc.Restrict(unmatched, unmatched).Minus(x.id).Empty() {
		return false // unmatched-locks
	}
	rfOf := func(r int) int {
		if w := x.g.Rf[r]; w >= 0 && x.W.Has(w) {
			return w
		}
		return -1
	}
	// rf of LF events
	rfiLF := x.poLoc.Restrict(x.LKW, x.LF).Minus(x.poLoc.Dom(x.LKW).Ran(x.UL).Seq(x.poLoc))
	inCrit := rfiLF.Range()
	ok := true
	x.LF.Each(func(e int) {
		w := rfOf(e)
		if w < 0 {
			ok = false
			return
		}
		if inCrit.Has(e) {
			if !rfiLF.Has(w, e) {
				ok = false
			}
		} else if !x.LKW.Has(w) || !x.loc.Has(w, e) || !x.ext.Has(w, e) {
			ok = false
		}
	})
	if !ok {
		return false
	}
	// rf of RU events
	lastUL := x.poLoc.Restrict(x.UL, x.RU).Minus(x.poLoc.Restrict(x.UL, x.UL).Seq(x.poLoc))
	ulIW := x.UL.Union(x.IW)
	x.RU.Each(func(e int) {
		w := rfOf(e)
		if w < 0 || !(lastUL.Has(w, e) || ulIW.Has(w) && x.loc.Has(w, e) && x.ext.Has(w, e)) {
			ok = false
		}
	})
	if !ok {
		return false
	}
	// co: an unmatched LKW comes after every other LKW of its location
	if !x.loc.Restrict(x.LKW, unmatched).Minus(x.id).Minus(x.co).Empty() {
		return false
	}
	// co: an UL right after its LKW
	step := x.co.Minus(x.co.Seq(x.co)) // singlestep(co)
	if !critical.Minus(step).Empty() {
		return false
	}
	// rf of LKR events
	x.lkRmw.Each(func(r, w int) {
		src := rfOf(r)
		if src < 0 || !ulIW.Has(src) || !step.Has(src, w) {
			ok = false
		}
	})
	return ok
}

// lkCat holds linux-kernel.cat's derived relations.
type lkCat struct {
	ppo, hb, pb, prop, rb      Rel
	strongFence, fence         Rel // before the rcu redefinitions
	nonrwFence, poRel, acqPo   Rel
	wmb, rmb, mb, gp           Rel
	poUnlockLockPo, cumulFence Rel
	rmwSeqPlus                 Rel // (rf ; rmw)+: rmw-sequence without its identity, for SeqOpt
	overwriteExt               Rel // overwrite & ext (of each CMPXCHG8B's writes whole)
	rcuFence                   Rel
	strongFence2, fence2       Rel // after `let fence = fence | rcu-fence`
}

// tears relates two reads or writes when a write the first does not see
// (overwrite & ext) propagates, by cumul-fence, before a write the second
// reads from another CPU: prop's edges that go through another CPU. Two
// events of one instruction of two locations so related would not be at
// one point: the CMPXCHG8B read a torn entry. (prop's edges between them
// that stay on this CPU come of the fences its own events imply among
// themselves, which one instruction does not have: Whole drops those.)
func (x *lk) tears(c *lkCat) Rel {
	return c.overwriteExt.SeqOpt(c.cumulFence.Plus()).Seq(x.rfe)
}

// cat computes linux-kernel.cat's relations up to hb.
func (x *lk) cat() *lkCat {
	c := &lkCat{}
	po, M := x.po, x.M
	idM := x.idOn(M)
	mk := x.idOn(x.Marked)

	// Release Acquire
	//   let acq-po = [Acquire] ; po ; [M]
	//   let po-rel = [M] ; po ; [Release]
	//   let po-unlock-lock-po = po ; [UL] ; (po|rf) ; [LKR] ; po
	c.acqPo = po.Restrict(x.Acquire, M)
	c.poRel = po.Restrict(M, x.Release)
	c.poUnlockLockPo = po.Ran(x.UL).Seq(po.Union(x.rf).Ran(x.LKR)).Seq(po)

	// Fences
	//   let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]
	//   let wmb = [W] ; fencerel(Wmb) ; [W]
	c.rmb = x.fenced(x.R4rmb, x.Rmb, x.R4rmb)
	c.wmb = x.fenced(x.W, x.Wmb, x.W)
	//   let mb = ([M] ; fencerel(Mb) ; [M]) |
	//     ([M] ; po ; [Mb & R]) | ([Mb & W] ; po ; [M]) |
	//     ([M] ; fencerel(Before-atomic) ; [RMW] ; po? ; [M]) |
	//     ([M] ; po? ; [RMW] ; fencerel(After-atomic) ; [M]) |
	//     ([M] ; po? ; [LKW] ; fencerel(After-spinlock) ; [M]) |
	//     ([M] ; po-unlock-lock-po ; [After-unlock-lock] ; po ; [M]) |
	//     ([M] ; po? ; [Srcu-unlock] ; fencerel(After-srcu-read-unlock) ; [M])
	mb := x.fenced(M, x.Mb, M)
	mb = mb.Union(po.Restrict(M, x.Mb.Inter(x.R)), po.Restrict(x.Mb.Inter(x.W), M))
	if !x.BeforeAtomic.Empty() {
		mb = mb.Union(x.fenced(M, x.BeforeAtomic, x.RMW).Seq(x.poOpt).Ran(M))
	}
	if !x.AfterAtomic.Empty() {
		mb = mb.Union(x.poOpt.Restrict(M, x.RMW).Seq(x.fencerel(x.AfterAtomic)).Ran(M))
	}
	if !x.AfterSpin.Empty() {
		mb = mb.Union(x.poOpt.Restrict(M, x.LKW).Seq(x.fencerel(x.AfterSpin)).Ran(M))
	}
	if !x.AfterUnlockLock.Empty() {
		mb = mb.Union(idM.Seq(c.poUnlockLockPo).Ran(x.AfterUnlockLock).Seq(po).Ran(M))
	}
	if !x.AfterSrcuReadUnlock.Empty() {
		mb = mb.Union(x.poOpt.Restrict(M, x.SrcuUnlock).Seq(x.fencerel(x.AfterSrcuReadUnlock)).Ran(M))
	}
	c.mb = mb
	//   let gp = po ; [Sync-rcu | Sync-srcu] ; po?
	c.gp = po.Ran(x.SyncRcu.Union(x.SyncSrcu)).Seq(x.poOpt)
	//   let strong-fence = mb | gp
	c.strongFence = c.mb.Union(c.gp)
	//   let nonrw-fence = strong-fence | po-rel | acq-po
	//   let fence = nonrw-fence | wmb | rmb
	c.nonrwFence = c.strongFence.Union(c.poRel, c.acqPo)
	c.fence = c.nonrwFence.Union(c.wmb, c.rmb)

	// Preserved Program Order
	//   let dep = addr | data
	//   let rwdep = (dep | ctrl) ; [W]
	//   let overwrite = co | fr
	//   let to-w = rwdep | (overwrite & int) | (addr ; [Plain] ; wmb)
	//   let to-r = (addr ; [R]) | (dep ; [Marked] ; rfi)
	//   let ppo = to-r | to-w | (fence & int) | (po-unlock-lock-po & int)
	dep := x.addr.Union(x.data)
	rwdep := dep.Union(x.ctrl).Ran(x.W)
	overwrite := x.co.Union(x.fr)
	toW := rwdep.Union(overwrite.Inter(x.int_), x.addr.Ran(x.Plain).Seq(c.wmb))
	toR := x.addr.Ran(x.R).Union(dep.Ran(x.Marked).Seq(x.rfi))
	c.ppo = toR.Union(toW, c.fence.Inter(x.int_), c.poUnlockLockPo.Inter(x.int_))

	// Propagation
	//   let A-cumul(r) = (rfe ; [Marked])? ; r
	//   let rmw-sequence = (rf ; rmw)*
	//   let cumul-fence = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb |
	//     po-unlock-lock-po) ; [Marked] ; rmw-sequence
	//   let prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ;
	//     [Marked] ; rfe? ; [Marked]
	aCumul := func(r Rel) Rel { return x.rfe.Ran(x.Marked).Opt().Seq(r) }
	c.rmwSeqPlus = x.rf.Seq(x.rmw).Plus()
	c.cumulFence = mk.Seq(aCumul(c.strongFence.Union(c.poRel)).Union(c.wmb, c.poUnlockLockPo)).
		Ran(x.Marked).SeqOpt(c.rmwSeqPlus)
	c.overwriteExt = x.b.ToWholeWrites(overwrite.Inter(x.ext))
	c.prop = mk.SeqOpt(c.overwriteExt).SeqOpt(c.cumulFence.Plus()).
		Ran(x.Marked).SeqOpt(x.rfe).Ran(x.Marked)

	//   let hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
	c.hb = c.ppo.Union(x.rfe, c.prop.Minus(x.id).Inter(x.int_)).Restrict(x.Marked, x.Marked)
	return c
}

// propagation computes pb, which the local order (localOrder) does not
// need, once happens-before holds:
//
//	let pb = prop ; strong-fence ; hb* ; [Marked]
func (x *lk) propagation(c *lkCat) {
	c.pb = c.prop.Seq(c.strongFence).SeqOpt(c.hb.Plus()).Ran(x.Marked)
}

// rcu computes the cat file's RCU section:
//
//	let rcu-link = po? ; hb* ; pb* ; prop ; po
//	let rec rcu-order = rcu-gp | srcu-gp |
//	  (rcu-gp ; rcu-link ; rcu-rscsi) |
//	  ((srcu-gp ; rcu-link ; srcu-rscsi) & loc) |
//	  (rcu-rscsi ; rcu-link ; rcu-gp) |
//	  ((srcu-rscsi ; rcu-link ; srcu-gp) & loc) |
//	  (rcu-gp ; rcu-link ; rcu-order ; rcu-link ; rcu-rscsi) |
//	  ((srcu-gp ; rcu-link ; rcu-order ; rcu-link ; srcu-rscsi) & loc) |
//	  (rcu-rscsi ; rcu-link ; rcu-order ; rcu-link ; rcu-gp) |
//	  ((srcu-rscsi ; rcu-link ; rcu-order ; rcu-link ; srcu-gp) & loc) |
//	  (rcu-order ; rcu-link ; rcu-order)
//	let rcu-fence = po ; rcu-order ; po?
//	let fence = fence | rcu-fence
//	let strong-fence = strong-fence | rcu-fence
//	let rb = prop ; rcu-fence ; hb* ; pb* ; [Marked]
//
// rcu-order is empty without a grace period, and then so are rcu-fence and
// rb.
func (x *lk) rcu(c *lkCat) {
	if x.SyncRcu.Empty() && x.SyncSrcu.Empty() {
		c.rcuFence, c.rb = x.b.Po.like(), x.b.Po.like()
		c.fence2, c.strongFence2 = c.fence, c.strongFence
		return
	}
	link := x.poOpt.SeqOpt(c.hb.Plus()).SeqOpt(c.pb.Plus()).Seq(c.prop).Seq(x.po)
	rg, sg := x.idOn(x.SyncRcu), x.idOn(x.SyncSrcu)
	rscsi := x.rcuRscs().Inv()
	srscsi := x.srcuRscs().Inv()
	rgL, sgL := rg.Seq(link), sg.Seq(link)
	rsL, srsL := rscsi.Seq(link), srscsi.Seq(link)
	base := rg.Union(sg,
		rgL.Seq(rscsi),
		sgL.Seq(srscsi).Inter(x.loc),
		rsL.Seq(rg),
		srsL.Seq(sg).Inter(x.loc))
	order := base
	for {
		oL := order.Seq(link)
		next := base.Union(
			rgL.Seq(oL).Seq(rscsi),
			sgL.Seq(oL).Seq(srscsi).Inter(x.loc),
			rsL.Seq(oL).Seq(rg),
			srsL.Seq(oL).Seq(sg).Inter(x.loc),
			oL.Seq(order))
		if relEqual(next, order) {
			break
		}
		order = next
	}
	c.rcuFence = x.po.Seq(order).Seq(x.poOpt)
	c.fence2 = c.fence.Union(c.rcuFence)
	c.strongFence2 = c.strongFence.Union(c.rcuFence)
	c.rb = c.prop.Seq(c.rcuFence).SeqOpt(c.hb.Plus()).SeqOpt(c.pb.Plus()).Ran(x.Marked)
}

func relEqual(a, b Rel) bool {
	for i := range a.bits {
		if a.bits[i] != b.bits[i] {
			return false
		}
	}
	return true
}

// rcuRscs is the bell's matching of nested rcu_read_lock/unlock pairs:
//
//	let rcu-rscs = let rec
//	    unmatched-locks = Rcu-lock \ domain(matched)
//	and unmatched-unlocks = Rcu-unlock \ range(matched)
//	and unmatched = unmatched-locks | unmatched-unlocks
//	and unmatched-po = [unmatched] ; po ; [unmatched]
//	and unmatched-locks-to-unlocks = [unmatched-locks] ; po ; [unmatched-unlocks]
//	and matched = matched | (unmatched-locks-to-unlocks \
//	    (unmatched-po ; unmatched-po))
//	in matched
func (x *lk) rcuRscs() Rel {
	matched := x.b.Po.like()
	if x.RcuLock.Empty() || x.RcuUnlock.Empty() {
		return matched
	}
	for {
		ul := x.RcuLock.Minus(matched.Domain())
		uu := x.RcuUnlock.Minus(matched.Range())
		u := ul.Union(uu)
		upo := x.po.Restrict(u, u)
		next := matched.Union(x.po.Restrict(ul, uu).Minus(upo.Seq(upo)))
		if relEqual(next, matched) {
			return matched
		}
		matched = next
	}
}

// srcuRscs is the bell's srcu-rscs:
//
//	let carry-srcu-data = (data ; [~ Srcu-unlock] ; rf)*
//	let srcu-rscs = ([Srcu-lock] ; carry-srcu-data ; data ; [Srcu-unlock]) & loc
//
// with the bell's (original) data and rf: an index may be passed through
// memory, even to another thread (srcu_down_read/srcu_up_read). The VM's
// own matching (Graph.SrcuMatch) is added in case its Data lacks an edge.
func (x *lk) srcuRscs() Rel {
	if x.srcu != nil {
		return *x.srcu
	}
	d := x.b.Data
	carry := d.Ran(all(x.n).Minus(x.SrcuUnlock)).Seq(x.rf).Star()
	r := x.idOn(x.SrcuLock).Seq(carry).Seq(d).Ran(x.SrcuUnlock).
		Union(x.b.SrcuMatch.Restrict(x.SrcuLock, x.SrcuUnlock)).Inter(x.loc)
	x.srcu = &r
	return r
}

// plain states the cat file's plain-access section. It returns whether
// plain-coherence holds, and whether the data-race and mixed-accesses
// flags fire.
func (x *lk) plain(c *lkCat) (ok, race, mixed bool) {
	n := x.n
	mk := x.idOn(x.Marked)
	fence, strong := c.fence2, c.strongFence2

	// let mixed-accesses = ([Plain & W] ; (po-loc \ barrier) ; [Marked]) |
	//   ([Marked] ; (po-loc \ barrier) ; [Plain & W])
	// let barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu |
	//   Before-atomic | After-atomic | Acquire | Release |
	//   Rcu-lock | Rcu-unlock | Srcu-lock | Srcu-unlock) |
	//   (po ; [Release]) | ([Acquire] ; po)
	bs := x.BarrierSet.Union(x.Rmb).Union(x.Wmb).Union(x.Mb).Union(x.SyncRcu).
		Union(x.SyncSrcu).Union(x.BeforeAtomic).Union(x.AfterAtomic).
		Union(x.Acquire).Union(x.Release).Union(x.RcuLock).Union(x.RcuUnlock).
		Union(x.SrcuLock).Union(x.SrcuUnlock)
	barrier := x.fencerel(bs).Union(x.po.Ran(x.Release), x.po.Dom(x.Acquire))
	plW := x.Plain.Inter(x.W)
	pl := x.poLoc.Minus(barrier)
	mixed = !pl.Restrict(plW, x.Marked).Union(pl.Restrict(x.Marked, plW)).Empty()

	// let xbstar = (hb | pb | rb)*
	// let vis = cumul-fence* ; rfe? ; [Marked] ;
	//   ((strong-fence ; [Marked] ; xbstar) | (xbstar & int))
	xbstar := c.hb.Union(c.pb, c.rb).Star()
	vis := c.cumulFence.Star().SeqOpt(x.rfe).Ran(x.Marked).
		Seq(strong.Ran(x.Marked).Seq(xbstar).Union(xbstar.Inter(x.int_)))

	// let w-pre-bounded = [Marked] ; (addr | fence)?
	// let r-pre-bounded = [Marked] ; (addr | nonrw-fence |
	//   ([R4rmb] ; fencerel(Rmb) ; [~Noreturn]))?
	// let w-post-bounded = fence? ; [Marked] ; rmw-sequence
	// let r-post-bounded = (nonrw-fence | ([~Noreturn] ; fencerel(Rmb) ;
	//   [R4rmb]))? ; [Marked]
	notNoret := all(n).Minus(x.Noreturn)
	rmbRel := x.fencerel(x.Rmb)
	wPre := mk.SeqOpt(x.addr.Union(fence))
	rPre := mk.SeqOpt(x.addr.Union(c.nonrwFence, rmbRel.Restrict(x.R4rmb, notNoret)))
	wPost := fence.Opt().Ran(x.Marked).SeqOpt(c.rmwSeqPlus)
	rPost := c.nonrwFence.Union(rmbRel.Restrict(notNoret, x.R4rmb)).Opt().Ran(x.Marked)

	// let ww-vis = fence | (strong-fence ; xbstar ; w-pre-bounded) |
	//   (w-post-bounded ; vis ; w-pre-bounded)
	// let wr-vis = fence | (strong-fence ; xbstar ; r-pre-bounded) |
	//   (w-post-bounded ; vis ; r-pre-bounded)
	// let rw-xbstar = fence | (r-post-bounded ; xbstar ; w-pre-bounded)
	sx := strong.Seq(xbstar)
	wpv := wPost.Seq(vis)
	wwVis := fence.Union(sx.Seq(wPre), wpv.Seq(wPre))
	wrVis := fence.Union(sx.Seq(rPre), wpv.Seq(rPre))
	rwX := fence.Union(rPost.Seq(xbstar).Seq(wPre))

	// let pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
	preRace := x.ext.Inter(Cross(n, x.Plain, x.M).Union(Cross(n, x.M.Minus(x.IW), x.Plain)))

	// let wr-incoh = pre-race & rf & rw-xbstar^-1
	// let rw-incoh = pre-race & fr & wr-vis^-1
	// let ww-incoh = pre-race & co & ww-vis^-1
	// empty (wr-incoh | rw-incoh | ww-incoh) as plain-coherence
	rwXi := rwX.Inv()
	prRf, prFr, prCo := preRace.Inter(x.rf), preRace.Inter(x.fr), preRace.Inter(x.co)
	if !prRf.Inter(rwXi).Empty() || !prFr.Inter(wrVis.Inv()).Empty() || !prCo.Inter(wwVis.Inv()).Empty() {
		return false, false, mixed
	}

	// let ww-nonrace = ww-vis & ((Marked * W) | rw-xbstar) & ((W * Marked) | wr-vis)
	// let ww-race = (pre-race & co) \ ww-nonrace
	// let wr-race = (pre-race & (co? ; rf)) \ wr-vis \ rw-xbstar^-1
	// let rw-race = (pre-race & fr) \ rw-xbstar
	wwNon := wwVis.Inter(Cross(n, x.Marked, x.W).Union(rwX)).Inter(Cross(n, x.W, x.Marked).Union(wrVis))
	wwRace := prCo.Minus(wwNon)
	wrRace := preRace.Inter(x.co.Opt().Seq(x.rf)).Minus(wrVis).Minus(rwXi)
	rwRace := prFr.Minus(rwX)
	race = !wwRace.Empty() || !wrRace.Empty() || !rwRace.Empty()
	return true, race, mixed
}

// unmatched adds the bell's unmatched-KIND-lock and -unlock flags: a lock
// no critical section (rscs) starts at, an unlock none ends at.
func unmatched(f []string, kind string, lock, unlock Set, rscs func() Rel) []string {
	if lock.Empty() && unlock.Empty() {
		return f
	}
	m := rscs()
	if !lock.Minus(m.Domain()).Empty() {
		f = append(f, "unmatched-"+kind+"-lock")
	}
	if !unlock.Minus(m.Range()).Empty() {
		f = append(f, "unmatched-"+kind+"-unlock")
	}
	return f
}

// bellFlags are the bell's and lock.cat's validity flags that are cheap
// to state (herd prints them as "Flag NAME"; they do not make an
// execution inconsistent).
func (x *lk) bellFlags() []string {
	f := unmatched(nil, "rcu", x.RcuLock, x.RcuUnlock, x.rcuRscs)
	f = unmatched(f, "srcu", x.SrcuLock, x.SrcuUnlock, x.srcuRscs)
	f = append(f, x.srcuMisuse()...)
	if !x.UL.Empty() {
		critical := x.poLoc.Restrict(x.LKW, x.UL).
			Minus(x.poLoc.Ran(x.LKW.Union(x.UL)).Seq(x.poLoc))
		if !x.UL.Minus(critical.Range()).Empty() {
			f = append(f, "unmatched-unlock")
		}
	}
	return f
}

// srcuMisuse are the bell's other SRCU flags:
//
//	flag ~empty (srcu-rscs^-1 ; srcu-rscs) \ id as multiple-srcu-matches
//	flag ~empty rcu-rscs & (po ; [Sync-srcu] ; po) as invalid-sleep
//	flag ~empty different-values(srcu-rscs) as srcu-bad-value-match
//
// one srcu_read_lock() whose index reaches two srcu_read_unlock()s, a
// synchronize_srcu() inside an RCU read-side section (it sleeps), and a
// pair whose unlock passes another value than its lock returned.
func (x *lk) srcuMisuse() []string {
	if x.SrcuLock.Empty() && x.SyncSrcu.Empty() {
		return nil
	}
	var f []string
	m := x.srcuRscs()
	if !m.Inv().Seq(m).Minus(x.id).Empty() {
		f = append(f, "multiple-srcu-matches")
	}
	if !x.SyncSrcu.Empty() && !x.RcuLock.Empty() {
		inside := x.po.Ran(x.SyncSrcu).Seq(x.po)
		if !x.rcuRscs().Inter(inside).Empty() {
			f = append(f, "invalid-sleep")
		}
	}
	bad := false
	m.Each(func(l, u int) { bad = bad || x.g.Events[l].Val != x.g.Events[u].Val })
	if bad {
		f = append(f, "srcu-bad-value-match")
	}
	return f
}

// lkmmLockCoOK tells whether co, the coherence order of one location's
// writes (the initial write first), is one lock.cat generates for the lock
// events among them: each spin_unlock (UL) right after the LKW of its
// critical section, and an unmatched LKW after every other LKW. It needs
// no rf, so an enumerator can prune a location's coherence orders with it
// before choosing reads-from (lkmm.Check states the same constraints on
// the whole graph; this is only a shortcut).
func lkmmLockCoOK(g *Graph, co []int) bool {
	pos := make(map[int]int, len(co))
	for i, w := range co {
		pos[w] = i
	}
	lastLKW, unmatched := -1, -1
	for _, w := range co {
		e := g.Events[w]
		if e.Tags&LockW == 0 || e.Kind != Write {
			continue
		}
		lastLKW = max(lastLKW, pos[w])
		// the next LKW or UL of the location in program order
		next := -1
		for j := w + 1; j < len(g.Events) && g.Events[j].Thread == e.Thread; j++ {
			f := g.Events[j]
			if f.Kind == Write && f.Loc == e.Loc && f.Tags&(LockW|Unlock) != 0 {
				next = j
				break
			}
		}
		if next >= 0 && g.Events[next].Tags&Unlock != 0 {
			if pos[next] != pos[w]+1 {
				return false
			}
		} else if unmatched >= 0 {
			return false // unmatched-locks
		} else {
			unmatched = pos[w]
		}
	}
	return unmatched < 0 || unmatched == lastLKW
}
