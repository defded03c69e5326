package memmodel

// ARMv8 is the Armv8 application-level memory model as herd7 7.58 states
// it in herd/libdir/aarch64.cat and its includes (aarch64hwreqs.cat,
// aarch64deps.cat, aarch64util.cat, aarch64fences.cat, aarch64loc.cat,
// cos.cat, stdlib.cat), restricted to what mmuvm's executions contain:
// explicit accesses only (no "vmsa" translation-table walks, faults or
// hardware updates, no "memtag" tag checks, no "ifetch" instruction
// fetches, no cache maintenance, no exceptions), each access a single-copy
// atomic unit (no mixed-size accesses, so sca-class is the identity). With
// those sets empty (Imp, TTD, Tag, Instr, MMU, FAULT, HU, TLBI, DC, IC,
// EXC-ENTRY/RET all empty and Exp = every event), the model is:
//
//	ca        = fr | co
//	ob        = (lob | pick-lob | haz-ob | obs)+      irreflexive ob (external)
//	pick-lob  = pick-dep; lob; [W]
//	obs       = Exp-obs = rfe | (ca & ext)
//	haz-ob    = Exp-haz-ob = [R]; po-loc; [R]; (ca & ext); [W]
//	lob       = (DSB-ob | IFB-ob | lwfs | dob | pob | aob | bob)+
//	coRW1, coWW, coWR (internal visibility), atomic
//
// each defined below beside the function that computes it.
//
// Dependencies. aarch64deps.cat computes addr, data and ctrl itself from
// register dataflow (catdep), through registers (rf-reg, iico_data) and
// through memory (lrs: a read of the thread's own po-previous write to the
// location). The Graph's Addr, Data and Ctrl are the register part; the
// model closes them through lrs (deps). An LD<op>'s own read-to-write
// dataflow (iico_data inside the instruction) continues a dependency chain
// when the engine records it as a Data edge of the Rmw pair, and is no
// dependency itself (& ~same-instance).
//
// The pick-dependencies (herd's pick-dtrm adds iico_ctrl: the condition of
// a CSEL, the comparison of a CAS) are the Graph's PickAddr, PickData and
// PickCtrl, recorded apart from Addr, Data and Ctrl; pick-addr-dep,
// pick-data-dep and pick-ctrl-dep are the dependencies with them. A pick
// address dependency to a write orders it (pob), one to a read does not.
// A successful CAS is two executions in herd (eventsMonad.ml
// aarch64_cas_ok: altT DataFromRRs DataFromRx): its comparison gates the
// write (a pick from the expected value's sources) in both, and its Rs
// result is written either from the read (a data dependency on it) or
// from the expected value (a data dependency on that, and a pick on the
// read through the comparison): the engine must give a Graph for each (a
// pick alone from both, as one Graph, forbids what herd allows: an Rs
// turned into an address orders the read of Rs's source before a write,
// LB+rel+CAS-ok-RsRs-addr).
//
// Event vocabularies under armv8:
//   - AArch64 instructions as herd's front end gives them: LDAR/LDAXR and
//     the A forms of SWP/CAS/LD<op> read with Acquire (herd's A), LDAPR
//     with AcqPC (Q), STLR/STLXR and the L forms write with Release (L);
//     LDXR/STXR are Excl and (when the store succeeds) an Rmw pair, herd's
//     lxsx; an Rmw pair without Excl is an amo (one instruction). The
//     reads of ST<op> (LD<op> to XZR) and of SWP and CAS to XZR
//     (swp_noret, cas_noret) are Noreturn, herd's NoRet, which herd gives
//     them instead of A: the A forms of these lose their acquire. Fences
//     DMB, DMBLD, DMBST, DSB, DSBLD, DSBST, ISB.
//   - kernel primitives, as arm64 Linux implements them with LSE atomics
//     (CONFIG_ARM64_LSE_ATOMICS, the ll/sc fallbacks being at least as
//     strong for what the model can tell):
//     smp_mb() = dmb ish, smp_rmb() = dmb ishld, smp_wmb() = dmb ishst
//     (arch/arm64/include/asm/barrier.h __smp_mb/__smp_rmb/__smp_wmb).
//     smp_mb__before_atomic()/smp_mb__after_atomic() are the generic
//     __smp_mb() (include/asm-generic/barrier.h; arm64 does not override
//     them): dmb ish. smp_mb__after_spinlock() = smp_mb()
//     (arch/arm64/include/asm/spinlock.h). smp_mb__after_unlock_lock() is a
//     no-op except on CONFIG_ARCH_WEAK_RELEASE_ACQUIRE (powerpc) (see its
//     definition in kernel/rcu/rcu.h). smp_mb__after_srcu_read_unlock() is
//     a no-op (include/linux/srcu.h: srcu_read_unlock has smp_mb() inside).
//     smp_load_acquire() = LDAR (A), smp_store_release() = STLR (L)
//     (barrier.h __smp_load_acquire/__smp_store_release).
//     Fully ordered RMWs (xchg, cmpxchg, atomic_*_return, ...) are the LSE
//     AL forms, SWPAL / CASAL / LDADDAL... (arch/arm64/include/asm/
//     atomic_lse.h, cmpxchg.h __XCHG_CASE(..., al, ...), __CMPXCHG_CASE
//     "al"): an amo whose read is A and write L, which bob's
//     [range([A];amo;[L])];po and [M];po;[L] order like a full barrier.
//     (The ll/sc form is ldxr; stlxr; dmb ish, see atomic_ll_sc.h.) So an
//     access tagged Mb is A if a read and L if a write; a read tagged Mb in
//     no Rmw pair is a failed cmpxchg, a CASAL that wrote nothing, still A.
//     _acquire RMWs are the A forms (read A), _release RMWs the L forms
//     (write L), _relaxed ones plain. Void atomics (atomic_add(), tagged
//     Noreturn) are ST<op> (atomic_lse.h ATOMIC_OP(add, stadd)): NoRet.
//     spin_lock() is queued_spin_lock(): atomic_try_cmpxchg_acquire (CASA),
//     its LKR read is A; spin_unlock() is queued_spin_unlock():
//     smp_store_release (L) (include/asm-generic/qspinlock.h). A failed
//     trylock and spin_is_locked() are plain reads (atomic_read).
//     synchronize_rcu()/synchronize_srcu() are full barriers (dmb ish):
//     they imply smp_mb() on every CPU (Documentation/RCU/Design/
//     Requirements); the RCU grace-period guarantee itself is not part of
//     the hardware model. rcu_read_lock()/rcu_read_unlock() and barrier()
//     are no-ops. srcu_read_lock() is an increment followed by smp_mb(),
//     srcu_read_unlock() smp_mb() followed by an increment
//     (kernel/rcu/srcutree.c __srcu_read_lock/__srcu_read_unlock): a full
//     barrier after the lock's read and before the unlock's write.
type ARMv8 struct{}

func init() { Register(ARMv8{}) }

// Name is "armv8".
func (ARMv8) Name() string { return "armv8" }

// Check tells whether g is allowed by aarch64.cat. It raises no flags: the
// model's flags concern features mmuvm's executions do not have (BBM,
// CMODX, shareability domains, VMSA/ifetch/memtag combinations).
func (ARMv8) Check(g *Graph) (bool, []string) {
	_, ok := judgeArm(g)
	return ok, nil
}

// judgeArm judges g under aarch64.cat; when it is allowed, ob (unclosed)
// comes with the verdict, for CheckOrdered.
func judgeArm(g *Graph) (Rel, bool) {
	a := newArm(g, pickEdges(g))
	if g.stopped() || !a.internal() || !a.atomic() || g.stopped() {
		return Rel{}, false
	}
	ob := whole(a.ob(), a.b.armInst)
	return ob, ob.Acyclic()
}

// arm holds the sets and relations aarch64.cat's definitions share.
type arm struct {
	b *Base
	n int
	// aarch64fences.cat
	A, L, Q, NoRet        Set // A, L, Q and NoRet, restricted to accesses
	dmbFull, dmbLd, dmbSt Set // dmb.full (with dsb.full), dmb.ld, dmb.st
	dsbFull, dsbLd, dsbSt Set
	isb                   Set // IFB = ISB (no exceptions)
	fullAfter, fullBefore Set // accesses with a full barrier after / before
	amo, lxsx             Rel // stdlib.cat: lxsx = rmw \ amo
	po, poLoc, lrs        Rel // po: without the pairs of Graph.Sib
	addr, data, ctrl, ca  Rel
	// pick-addr-dep, pick-data-dep, pick-ctrl-dep, pick-dep
	pAddr, pData, pCtrl, pDep Rel
}

// picks are dependencies through a pick (iico_ctrl) that are not also
// Addr, Data or Ctrl edges, in the Graph's terms: From is a read, To an
// access (Addr: its address, Data: a write's value) or, for Ctrl, every
// event after the branch. A successful CAS's comparison makes a Data pick
// from its read to its write.
type picks struct{ Addr, Data, Ctrl []Dep }

// pickEdges returns g's pick dependencies, as the VM records them (a
// second taint on register values: see vm/weak.go).
func pickEdges(g *Graph) picks {
	return picks{Addr: g.PickAddr, Data: g.PickData, Ctrl: g.PickCtrl}
}

func newArm(g *Graph, pk picks) *arm {
	b := g.Base()
	a := &arm{b: b, n: b.N}
	acc := func(s Set) Set { return s.Inter(b.M) }
	fence := func(t Tag) Set { return b.AnyTag(t).Inter(b.F) }
	// herd's front end annotates the read of an LD<op>/SWP/CAS whose
	// destination is XZR NoRet instead of A (AArch64Sem.ml: swp, cas,
	// ldop, "if noret then do_read_mem_ret sz Annot.NoRet"): A \ NoRet.
	a.NoRet = b.Tagged(Noreturn).Inter(b.R)
	a.A = b.AnyTag(Acquire | Mb | LockR).Inter(b.R).Minus(a.NoRet)
	a.L = b.AnyTag(Release | Mb | Unlock).Inter(b.W)
	a.Q = acc(b.Tagged(AcqPC)).Inter(b.R)
	a.dsbFull = fence(DSB)
	a.dsbLd = fence(DSBLD)
	a.dsbSt = fence(DSBST)
	// dmb.full = DMB.ISH | DMB.OSH | DMB.SY | dsb.full, and the kernel's
	// full barriers; dmb.ld = ... | dsb.ld; dmb.st = ... | dsb.st.
	a.dmbFull = fence(DMB | Mb | BeforeAtomic | AfterAtomic | AfterSpinlock | SyncRcu | SyncSrcu).Union(a.dsbFull)
	a.dmbLd = fence(DMBLD | Rmb).Union(a.dsbLd)
	a.dmbSt = fence(DMBST | Wmb).Union(a.dsbSt)
	a.isb = fence(ISB)
	a.fullAfter = b.Tagged(SrcuLock).Inter(b.R)
	a.fullBefore = b.Tagged(SrcuUnlock).Inter(b.W)
	// amo: an Rmw pair of one instruction (no Excl); lxsx = rmw \ amo.
	a.amo, a.lxsx = b.Po.like(), b.Po.like() // in the candidate's arena, as what is made from them
	ev := b.Events()
	b.Rmw.Each(func(r, w int) {
		if ev[r].Tags&Excl != 0 || ev[w].Tags&Excl != 0 {
			a.lxsx.Add(r, w)
		} else {
			a.amo.Add(r, w)
		}
	})
	a.po, a.poLoc = b.armPo, b.armPoLoc
	a.lrs = a.lrsRel()
	a.ca = b.Fr.Union(b.Co)
	a.deps(pk)
	return a
}

// lrsRel is aarch64deps.cat's local read successor:
//
//	let intervening(S,r) = r; [S]; r
//	let lrs = [W]; ((po & same-loc) & ~(intervening(W,(po & same-loc)))); [R]
func (a *arm) lrsRel() Rel {
	b := a.b
	interv := a.poLoc.Ran(b.W).Seq(a.poLoc)
	return a.poLoc.Minus(interv).Restrict(b.W, b.R)
}

// deps closes the Graph's register dependencies through memory, as
// aarch64deps.cat's dtrm does:
//
//	let rec dtrm = [~range(lxsx)]; rf-reg | lrs | iico_data | dtrm; dtrm
//	let basic-dep = [Exp & R | Rreg]; dtrm?
//	let data = [Exp & R]; (basic-dep; [DATA]; iico_data+; [Exp & W]) & ~same-instance
//	let addr = [Exp & R]; (basic-dep; [ADDR]; iico_data+; [Exp & M | ...]) & ~same-instance
//	let ctrl = [Exp & R]; basic-dep; [BCC]; po
//
// At the level of memory events a dtrm path from a read is a chain of
// register dependencies into a write's address or data, each followed by
// lrs to a read of that write's location: ((Addr | Data); lrs)*. The
// events of one amo instruction are the same instance. The pick versions
// do the same with the pick edges added (pick-dtrm = (dtrm | iico_ctrl)+):
//
//	let pick-basic-dep = [Exp & R | Rreg]; pick-dtrm?
//	let pick-addr-dep = [Exp & R]; (pick-basic-dep; [ADDR]; iico_data+; [...]) & ~same-instance
//	let pick-data-dep = [Exp & R]; (pick-basic-dep; [DATA]; (iico_data|iico_ctrl)+; [Exp & W]) & ~same-instance
//	let pick-ctrl-dep = [Exp & R]; pick-basic-dep; [BCC]; po
//	let pick-dep = (pick-basic-dep | pick-addr-dep | pick-data-dep | pick-ctrl-dep) & ~same-instance
//
// where pick-basic-dep between memory events is the chain to a read (lrs)
// or into an access's address or data. same-instance is reflexive:
// pick-dep has no identity pairs.
func (a *arm) deps(pk picks) {
	b := a.b
	// closeThrough returns the chains from reads through memory, and the
	// addr, data and ctrl dependencies at their ends.
	closeThrough := func(addr, data, ctrl Rel) (pre, ad, da, ct Rel) {
		step := addr.Union(data).Seq(a.lrs) // R -> R
		pre = b.Po.id()
		if !step.Empty() {
			pre = step.Star()
		}
		pre = pre.Dom(b.R)
		ad = pre.Seq(addr)
		da = pre.Seq(data).Ran(b.W)
		ct = pre.Seq(ctrl)
		return
	}
	pre, ad, da, ct := closeThrough(b.Addr, b.Data, b.Ctrl)
	a.addr, a.data, a.ctrl = ad.Minus(a.amo), da.Minus(a.amo), ct
	pa, pd := b.Addr, b.Data
	if len(pk.Addr)+len(pk.Data)+len(pk.Ctrl) > 0 {
		// with no pick edges the pick closure is the one above (most
		// graphs: it was a twelfth of ptdump-walk-2m's check)
		pa = b.Addr.Union(depRel(b.Addr.a, a.n, pk.Addr))
		pd = b.Data.Union(depRel(b.Addr.a, a.n, pk.Data))
		pc := b.Ctrl.Union(depRel(b.Addr.a, a.n, pk.Ctrl))
		pre, ad, da, ct = closeThrough(pa, pd, pc)
	}
	a.pAddr, a.pData, a.pCtrl = ad.Minus(a.amo), da.Minus(a.amo), ct
	basic := pre.Union(pre.Seq(pa.Union(pd)))
	a.pDep = basic.Union(ad, da, ct).Minus(pre.id()).Minus(a.amo)
}

// internal is aarch64.cat's internal visibility requirements (the Exp
// ones; the MTE ones need tags):
//
//	irreflexive [Exp & R]; ((po & same-loc) | rmw); [Exp & W]; rfi; [Exp & R] as coRW1-Exp
//	irreflexive [Exp & W]; (po & same-loc); [Exp & W]; (ca & int); [Exp & W] as coWW-Exp
//	irreflexive [Exp & W]; (po & same-loc); [Exp & R]; (ca & int); [Exp & W] as coWR-Exp
func (a *arm) internal() bool {
	b := a.b
	coRW1 := a.poLoc.Union(b.Rmw).Restrict(b.R, b.W).Seq(b.Rfi.Ran(b.R))
	if !coRW1.Irreflexive() {
		return false
	}
	caInt := a.ca.Inter(b.Int).Ran(b.W)
	coWW := a.poLoc.Restrict(b.W, b.W).Seq(caInt)
	if !coWW.Irreflexive() {
		return false
	}
	coWR := a.poLoc.Restrict(b.W, b.R).Seq(caInt)
	return coWR.Irreflexive()
}

// atomic is aarch64.cat's
//
//	empty (rmw & (fr; co)) \ (([Exp]; rmw; [Exp]) & (fri; [Exp & W]; coi)) as atomic
//
// (a write of the same thread between a load-exclusive and its
// store-exclusive is not a failure of atomicity).
func (a *arm) atomic() bool {
	b := a.b
	bad := b.Rmw.Inter(b.Fr.Seq(b.Co))
	if bad.Empty() {
		return true
	}
	return bad.Minus(b.Rmw.Inter(b.Fri.Ran(b.W).Seq(b.Coi))).Empty()
}

// external is aarch64.cat's
//
//	let rec ob = hw-reqs | obs | ob; ob
//	irreflexive ob as external
//
// with hw-reqs = local-hw-reqs | haz-ob and local-hw-reqs = (lob |
// pick-lob)+: ob is irreflexive exactly when lob | pick-lob | haz-ob | obs
// is acyclic. aarch64hwreqs.cat:
//
//	let pick-lob = pick-dep; lob; [Exp & W]
func (a *arm) external() bool { return whole(a.ob(), a.b.armInst).Acyclic() }

// ob is aarch64.cat's ordered-before, unclosed.
func (a *arm) ob() Rel {
	lob := a.lob()
	return lob.Union(a.pickLob(lob), a.hazOb(), a.obs())
}

// pickLob is pick-lob (taking lob closed, which the closure of ob
// makes the same), empty without pick dependencies: most graphs have
// none, and lob's closure is the costliest relation of the check.
func (a *arm) pickLob(lob Rel) Rel {
	if a.pDep.Empty() {
		return lob.like()
	}
	return a.pDep.Seq(lob.Plus()).Ran(a.b.W)
}

// obs is aarch64.cat's observed-by, its Tag-, TTD- and Instr- parts being
// empty:
//
//	let Exp-obs = [Exp & M]; rf & ext; [Exp & M] | [Exp & M]; ca & ext; [Exp & M]
//	let obs = Exp-obs; sca-class? | ...
func (a *arm) obs() Rel {
	b := a.b
	return b.Rfe.Union(a.ca.Inter(b.Ext)).Restrict(b.M, b.M)
}

// hazOb is aarch64.cat's hazard-ordered-before, TLBI-ob and IC-ob being
// empty:
//
//	let Exp-haz-ob = [Exp & R]; (po & same-loc); [Exp & R]; (ca & ext); [Exp & W]
func (a *arm) hazOb() Rel {
	b := a.b
	return a.poLoc.Restrict(b.R, b.R).Seq(a.ca.Inter(b.Ext).Ran(b.W))
}

// fenced is [s]; po; [f]; po; [t]: an event of s relates to the events
// of t after the first fence of f after it in program order. It is built
// that way, in one backward pass over each thread (a thread's events are
// in program order, Graph.Events), rather than by composing po with
// itself, which made a row union for each event and each fence after it.
func (a *arm) fenced(s, f, t Set) Rel {
	return fencedBy(a.b, s, f, t, a.b.Po.like())
}

func fencedBy(b *Base, s, f, t Set, out Rel) Rel {
	type tail struct{ seen, afterFence Set } // t's events after, and after the next fence
	tails := map[int]*tail{}
	for i := b.N - 1; i >= 0; i-- {
		th := b.events[i].Thread
		if th < 0 {
			continue
		}
		tl := tails[th]
		if tl == nil {
			tl = &tail{NewSet(b.N), NewSet(b.N)}
			tails[th] = tl
		}
		if s.Has(i) {
			copy(out.row(i), tl.afterFence)
		}
		if f.Has(i) {
			copy(tl.afterFence, tl.seen)
		}
		if t.Has(i) {
			tl.seen.Add(i)
		}
	}
	return out
}

// all is the set of every event.
func (a *arm) all() Set { return all(a.n) }

// dsbOb is aarch64hwreqs.cat's DSB-ordered-before, the TTD, Instr and
// ETS parts aside (every event is outside Imp & TTD & M | Imp & Instr & R):
//
//	let DSB-ob =
//	  [M | DC.CVAU | IC]; po; [dsb.full]; po; [~(Imp & TTD & M | Imp & Instr & R)]
//	| [(Exp & R) \ NoRet | Imp & Tag & R]; po; [dsb.ld]; po; [~(...)]
//	| [Exp & W]; po; [dsb.st]; po; [~(...)]
func (a *arm) dsbOb() Rel {
	b, all := a.b, a.all()
	return a.fenced(b.M, a.dsbFull, all).Union(
		a.fenced(b.R.Minus(a.NoRet), a.dsbLd, all),
		a.fenced(b.W, a.dsbSt, all))
}

// ifbOb is aarch64hwreqs.cat's IFB-ordered-before with IFB = ISB (mmuvm
// has no exception entry or return), the Tag and TTD parts aside:
//
//	let IFB-ob =
//	  [Exp & R]; ctrl; [IFB]; po
//	| [Exp & R]; pick-ctrl-dep; [IFB]; po
//	| [Exp & R]; addr; [Exp & M]; po; [IFB]; po
//	| [Exp & R]; pick-addr-dep; [Exp & M]; po; [IFB]; po
//	| DSB-ob; [IFB]; po
//
// The pick versions include the others. (ctrl reaches the ISB itself;
// ctrl;po?;[ISB] also accepts a Ctrl that only covers accesses.)
func (a *arm) ifbOb(dsbOb Rel) Rel {
	b := a.b
	if a.isb.Empty() {
		return b.Po.like()
	}
	isbPo := a.po.Dom(a.isb) // [IFB]; po
	ctrlISB := a.pCtrl.SeqOpt(a.po).Ran(a.isb)
	addrISB := a.pAddr.Ran(b.M).Seq(a.po).Ran(a.isb)
	return ctrlISB.Union(addrISB, dsbOb.Ran(a.isb)).Seq(isbPo)
}

// lwfs is aarch64deps.cat's local write successor (the MMU and TTD parts
// aside); lwfs; sca-class is lwfs:
//
//	let lwfs = [Exp & M | Imp & Tag & R]; (po & same-loc); [Exp & W]
func (a *arm) lwfs() Rel { return a.poLoc.Restrict(a.b.M, a.b.W) }

// dob is aarch64hwreqs.cat's dependency-ordered-before (its TTD and Tag
// parts aside; HU, TLBI, DC.CVAU and IC are empty):
//
//	let dob =
//	  addr | data
//	| ctrl; [Exp & W | HU | TLBI | DC.CVAU | IC]
//	| addr; [Exp & M]; po; [Exp & W | HU]
//	| addr; [Exp & M]; lrs; [Exp & R | Imp & Tag & R]
//	| data; [Exp & M]; lrs; [Exp & R | Imp & Tag & R]
func (a *arm) dob() Rel {
	b := a.b
	addrM := a.addr.Ran(b.M)
	return a.addr.Union(a.data,
		a.ctrl.Ran(b.W),
		addrM.Seq(a.po.Ran(b.W)),
		addrM.Seq(a.lrs),
		a.data.Ran(b.M).Seq(a.lrs))
}

// pob is aarch64hwreqs.cat's pick-ordered-before (HU, TLBI, DC.CVAU and
// IC empty):
//
//	let pob =
//	  pick-addr-dep; [Exp & W | HU | TLBI | DC.CVAU | IC]
//	| pick-data-dep
//	| pick-ctrl-dep; [Exp & W | HU | TLBI | DC.CVAU | IC]
//	| pick-addr-dep; [Exp & M]; po; [Exp & W | HU]
func (a *arm) pob() Rel {
	b := a.b
	return a.pAddr.Ran(b.W).Union(a.pData, a.pCtrl.Ran(b.W),
		a.pAddr.Ran(b.M).Seq(a.po.Ran(b.W)))
}

// aob is aarch64hwreqs.cat's atomic-ordered-before (the HU part aside):
//
//	let aob = [Exp & M]; rmw; [Exp & M] | [Exp & M]; rmw; lrs; [A | Q]
func (a *arm) aob() Rel {
	b := a.b
	return b.Rmw.Union(b.Rmw.Seq(a.lrs.Ran(a.A.Union(a.Q))))
}

// bob is aarch64hwreqs.cat's barrier-ordered-before (the DC.CVAU, Tag and
// MMU & FAULT parts aside; iico_order only relates events of one
// instruction, which rmw and po already order here):
//
//	let bob =
//	  [Exp & M]; po; [dmb.full]; po; [Exp & M]
//	| [Exp & (R \ NoRet)]; po; [dmb.ld]; po; [Exp & M]
//	| [Exp & W]; po; [dmb.st]; po; [Exp & W]
//	| [range([A];amo;[L])]; po; [Exp & M]
//	| [L]; po; [A]
//	| [A | Q]; po; [Exp & M]
//	| [Exp & M]; po; [L]
//
// plus the full barriers srcu_read_lock() has after its read and
// srcu_read_unlock() before its write: [M]; po?; [fullAfter]; po; [M] and
// [M]; po; [fullBefore]; po?; [M].
func (a *arm) bob() Rel {
	b := a.b
	r := a.fenced(b.M, a.dmbFull, b.M).Union(
		a.fenced(b.R.Minus(a.NoRet), a.dmbLd, b.M),
		a.fenced(b.W, a.dmbSt, b.W),
		a.po.Dom(a.amo.Restrict(a.A, a.L).Range()).Ran(b.M),
		a.po.Restrict(a.L, a.A),
		a.po.Restrict(a.A.Union(a.Q), b.M),
		a.po.Restrict(b.M, a.L))
	if !a.fullAfter.Empty() {
		r = r.Union(a.po.Opt().Restrict(b.M, a.fullAfter).Seq(a.po.Ran(b.M)))
	}
	if !a.fullBefore.Empty() {
		r = r.Union(a.po.Restrict(b.M, a.fullBefore).Seq(a.po.Opt().Ran(b.M)))
	}
	return r
}

// lob is aarch64hwreqs.cat's locally-ordered-before, its tc-ib, tr-ib,
// f-ib, ets-ob, f-ob and po-scl-ob parts being empty:
//
//	let rec lob = DSB-ob | IFB-ob | lwfs | lwfs; sca-class | dob | pob | aob | bob | lob; lob
//
// It is returned unclosed.
func (a *arm) lob() Rel {
	dsb := a.dsbOb()
	return dsb.Union(a.ifbOb(dsb), a.lwfs(), a.dob(), a.pob(), a.aob(), a.bob())
}
