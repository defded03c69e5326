package memmodel

// TSO is x86-TSO as herd7 7.58 states it in herd/libdir/x86tso.cat (with
// x86fences.cat, filters.cat and stdlib.cat):
//
//	let com = rf | fr | co
//	acyclic po-loc | com                      (* uniproc *)
//	empty rmw & (fre;coe)                     (* atomic *)
//	let po_ghb = WW(po) | RM(po)
//	let mfence = fencerel(MFENCE)
//	let implied = MA(WR(po)) | AM(WR(po))     (* A: atomic (locked) events *)
//	let ghb = mfence | implied | po_ghb | rfe | fr | co
//	acyclic ghb as tso
//
// herd's x86tso-mixed.cat (its default model for X86_64) states the same
// model as an ob/lob model (lob = po \ W*R | W;po;MFENCE;po;R | W;po;R&X |
// W&X;po;R; ob = obs;si | lob; internal = acyclic po-loc|ca|rf). The two
// differ only for mixed-size accesses (the `si` same-instance closure of
// obs); mmuvm has no mixed-size accesses, so this file implements
// x86tso.cat only.
//
// Event vocabularies under tso:
//   - x86 instructions: MOV is a plain R or W; MFENCE is F[MFence]; XCHG and
//     LOCK-prefixed instructions are R and W paired in Rmw, tagged Locked
//     (herd's X / A set).
//   - kernel primitives, as arch/x86 implements them:
//     smp_mb() is `lock addl $0,-4(%rsp)` (arch/x86/include/asm/barrier.h
//     __smp_mb), which orders like MFENCE: an F[Mb] is a full fence here.
//     smp_rmb()/smp_wmb() are barrier() on x86 (barrier.h __smp_rmb/__smp_wmb
//     are compiler barriers): no-ops. smp_mb__before_atomic/after_atomic are
//     barrier() (arch/x86/include/asm/barrier.h), smp_mb__after_spinlock is
//     the generic no-op (include/linux/spinlock.h): no-ops, the atomics and
//     the lock being locked instructions already. Every RMW (xchg, cmpxchg,
//     atomic_*, spin_lock's LKR/LKW pair) is a LOCK-prefixed instruction
//     (arch/x86/include/asm/cmpxchg.h, atomic.h, qspinlock via
//     atomic_try_cmpxchg_acquire): both its events are atomic. A read tagged
//     Mb that is in no Rmw pair is a failed fully-ordered cmpxchg, still a
//     `lock cmpxchg`: atomic too. smp_load_acquire/smp_store_release are
//     plain MOVs (barrier.h __smp_load_acquire/__smp_store_release);
//     spin_unlock is a release store (qspinlock.h queued_spin_unlock).
//     synchronize_rcu() and synchronize_srcu() are full fences (they imply
//     smp_mb() on every CPU, see the RCU requirements document); the RCU
//     read-side markers and barrier() are no-ops. srcu_read_lock() is an
//     increment followed by smp_mb() and srcu_read_unlock() smp_mb()
//     followed by an increment (kernel/rcu/srcutree.c __srcu_read_lock /
//     __srcu_read_unlock): a full fence after the lock's read, before the
//     unlock's write.
//
// The RCU grace-period guarantee is not part of a hardware model: under tso
// (as under armv8) synchronize_rcu() is only a full fence.
type TSO struct{}

func init() { Register(TSO{}) }

// Name is "tso".
func (TSO) Name() string { return "tso" }

// Check tells whether g is allowed by x86tso.cat. It raises no flags.
func (TSO) Check(g *Graph) (bool, []string) {
	b := g.Base()
	// uniproc: acyclic po-loc | com
	if !b.PoLoc.Union(b.Rf, b.Fr, b.Co).Acyclic() {
		return false, nil
	}
	// atomic: empty rmw & (fre;coe)
	if !atomicRMW(b) {
		return false, nil
	}
	return b.Whole(tsoGhb(b)).Acyclic(), nil // a CMPXCHG8B one event: instance.go
}

// tsoAtomic is herd's A (filters.cat: A = X | A): the events of locked
// instructions.
func tsoAtomic(b *Base) Set {
	a := b.AnyTag(Locked).Inter(b.M)
	a = a.Union(b.Rmw.Domain()).Union(b.Rmw.Range())
	// a failed fully-ordered cmpxchg is still a lock cmpxchg
	return a.Union(b.Tagged(Mb).Inter(b.R))
}

// tsoFull are the fences that are MFENCE under tso: MFENCE itself and the
// kernel's full barriers (see the top of this file).
const tsoFull = MFence | Mb | SyncRcu | SyncSrcu

// TSOFullFence tells whether a fence tagged t drains the store buffer
// under x86-TSO (the operational form of this model, mmu/storebuf.go).
func TSOFullFence(t Tag) bool { return t&tsoFull != 0 }

// tsoMfence is x86fences.cat's mfence = fencerel(MFENCE) = po;[MFENCE];po,
// with the kernel's full fences, and the full fences srcu_read_lock() and
// srcu_read_unlock() imply after their read and before their write.
func tsoMfence(b *Base) Rel {
	full := b.AnyTag(tsoFull).Inter(b.F)
	r := b.Po.Ran(full).Seq(b.Po)
	after := b.Tagged(SrcuLock).Inter(b.R)    // po?;[after];po
	before := b.Tagged(SrcuUnlock).Inter(b.W) // po;[before];po?
	if !after.Empty() {
		r = r.Union(b.Po.Opt().Ran(after).Seq(b.Po))
	}
	if !before.Empty() {
		r = r.Union(b.Po.Ran(before).SeqOpt(b.Po))
	}
	return r
}

// tsoGhb is x86tso.cat's ghb = mfence | implied | po_ghb | rfe | fr | co.
func tsoGhb(b *Base) Rel {
	a := tsoAtomic(b)
	// po_ghb = WW(po) | RM(po)
	poGhb := b.Po.Restrict(b.W, b.W).Union(b.Po.Restrict(b.R, b.M))
	// implied = MA(WR(po)) | AM(WR(po))
	poWR := b.Po.Restrict(b.W, b.R)
	implied := poWR.Ran(a).Union(poWR.Dom(a))
	return tsoMfence(b).Union(implied, poGhb, b.Rfe, b.Fr, b.Co)
}
