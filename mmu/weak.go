package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// Memory-model support: the builtins that name an access strength or a
// barrier (READ_ONCE, smp_load_acquire, smp_mb, xchg_relaxed, LDAR,
// DMB ISHLD, ...) and the hooks that let the VM see memory events.
//
// Under sc every access here is an ordinary read or write of the store,
// so these builtins behave exactly as their plain forms. Under a weak
// model the store hands the accesses of shared locations to a Memory
// (the VM's recorder), tagged with what the builtin declared.

// SetMemory installs (or, with nil, removes) the weak-memory recorder.
func (m *Machine) SetMemory(mem Memory) {
	m.S.mem = mem
	m.S.shared = m.isSharedLoc
	m.S.tags = 0
	m.S.ghost = 0
}

// isSharedLoc tells which locations are memory under a weak model: shared
// words, table entries and spinlock words (the PTLs among them). Task words, per-CPU ghost state
// and TLBs belong to one CPU; pages' states are only read during a weak
// run (the builtins that change them are refused there).
func (m *Machine) isSharedLoc(l Loc) bool {
	switch l & tagMask {
	case tagMem:
		base := uint64(sharedBase)<<12 + 8*uint64(len(m.cfg.Shared))
		task := uint64(l) >= base && uint64(l) < base+8*uint64(m.cfg.CPUs*len(m.cfg.Task))
		return !task
	case tagLock, tagKey, tagPTL:
		return true
	case tagIPI:
		f := l & 0xf
		return f >= ipiWeakReq && f <= ipiGPAck
	}
	return false
}

// IsSharedWord tells whether l is one of the script's shared words.
func (m *Machine) IsSharedWord(l Loc) bool {
	base := Loc(sharedBase) << 12
	return l >= base && l < base+8*Loc(len(m.cfg.Shared))
}

// SharedLoc tells whether addr is a memory location under a weak model.
func (m *Machine) SharedLoc(l Loc) bool { return m.isSharedLoc(l) }

// tagged runs fn with the accesses it makes annotated with t.
func (m *Machine) tagged(t memmodel.Tag, fn func()) {
	old := m.S.tags
	m.S.tags = t
	fn()
	m.S.tags = old
}

// Ghost runs fn with its reads taken as a checker's (break-before-make,
// lock ownership): under a weak model they see this CPU's own view and
// are no events.
func (m *Machine) Ghost(fn func()) {
	m.S.ghost++
	fn()
	m.S.ghost--
}

// fence records a barrier under a weak model.
func (m *Machine) fence(t memmodel.Tag) {
	if m.S.mem != nil {
		m.S.mem.Fence(t, 0)
	}
	m.fenceSB(t)
}

// Weak tells whether a weak-model recorder is installed.
func (m *Machine) Weak() bool { return m.S.mem != nil }

func loadAs(t memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		var v uint64
		c.M.tagged(t, func() { v = c.Get(c.Args[0]) })
		return v, Done
	}
}

func storeAs(t memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		c.M.tagged(t, func() { c.Set(c.Args[0], c.Args[1]) })
		return 0, Done
	}
}

// storeMb is smp_store_mb(): WRITE_ONCE, then smp_mb().
func storeMb(c *Call) (uint64, Status) {
	c.M.tagged(memmodel.Once, func() { c.Set(c.Args[0], c.Args[1]) })
	c.M.fence(memmodel.Mb)
	return 0, Done
}

func fenceAs(t memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		c.M.fence(t)
		return 0, Done
	}
}

// rmwOp computes an atomic read-modify-write: from the old value and the
// arguments, the new value, whether to write it, and what to return.
type rmwOp func(old uint64, args []uint64) (nv uint64, write bool, ret uint64)

// rmwAs is an atomic RMW on the word at Args[ptr]; both of its events
// carry t (as herd's __xchg{MB} tags both). A failed conditional RMW is a
// single read tagged failTag and FailedRMW: each model says what ordering
// a failed cmpxchg keeps (none under LKMM; a failed CASAL still acquires
// on arm64).
func rmwAs(t, failTag memmodel.Tag, ptr int, op rmwOp) func(c *Call) (uint64, Status) {
	return rmw2(t, t, failTag, ptr, op)
}

// rmw2 is rmwAs with different annotations on the read and the write
// (arm64's SWPA acquires on the read, SWPL releases on the write).
func rmw2(rt, wt, failTag memmodel.Tag, ptr int, op rmwOp) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		addr := c.Args[ptr]
		var old uint64
		c.M.tagged(rt, func() { old = c.Get(addr) })
		nv, write, ret := op(old, c.Args)
		if write {
			c.M.tagged(wt, func() { c.Set(addr, nv) })
		} else if c.M.S.mem != nil {
			c.M.S.mem.Retag(failTag|memmodel.FailedRMW, 1)
		}
		return ret, Done
	}
}

// casRMW is arm64's CAS Rs, Rt, [Rn] (cas(p, expected, new) returns
// what it read). A CAS whose comparison fails may still write back the
// value it read, an RMW as a successful one is: the architecture allows
// that Explicit Write Effect, and herd 7.58 makes both executions
// (AArch64Sem.ml cas: mop_fail_with_wb, mop_fail_no_wb). A later read of
// its CPU may then read the write-back instead of the write the CAS
// read, which orders less. The choice is the run's, where the memory
// makes it (the enumeration's; the incremental search keeps a failed CAS
// a lone read, docs/memory-models.md).
func casRMW(rt, wt, failTag memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		addr, mem := c.Args[0], c.M.S.mem
		var old uint64
		c.M.tagged(rt, func() { old = c.Get(addr) })
		switch {
		case old == c.Args[1]:
			c.M.tagged(wt, func() { c.Set(addr, c.Args[2]) })
		case mem == nil:
		case writesBack(mem) && mem.Choose(2) == 1:
			c.M.tagged(wt, func() { c.Set(addr, old) })
		default:
			mem.Retag(failTag|memmodel.FailedRMW, 1)
		}
		return old, Done
	}
}

// caspRMW is arm64's CASP (the A, L and AL forms by rt and wt): it reads
// the pair of words at the address, and where both equal the expected
// values (Args[1], Args[2]) writes the new ones (Args[3], Args[4]); a
// failed one writes back what it read, or nothing, as casRMW's (but its
// write-back is no RMW). Its two reads and its two writes are one
// instruction's, which program order does not order among themselves
// (AArch64Sem.ml casp: each pair is made with >>|), and each read pairs
// with the write of its word. It returns the first word, and keeps the
// second for pair_hi(): the two registers CASP writes.
func caspRMW(rt, wt, failTag memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		addr, mem := c.Args[0], c.M.S.mem
		var lo, hi uint64
		c.M.siblings(func() {
			c.M.tagged(rt, func() { lo, hi = c.Get(addr), c.Get(addr+8) })
			set := func(a, b uint64) { c.M.tagged(wt, func() { c.Set(addr, a); c.Set(addr+8, b) }) }
			switch {
			case lo == c.Args[1] && hi == c.Args[2]:
				set(c.Args[3], c.Args[4])
			case mem == nil:
			case writesBack(mem) && mem.Choose(2) == 1:
				// unlike CAS's, these reads are not exclusive ones
				// (casp: mop_fail_with_wb reads with do_read_mem_ret
				// an): the write-back pairs with no read, and is not
				// atomic with them
				mem.Retag(failTag|memmodel.FailedRMW, 2)
				set(lo, hi)
			default:
				mem.Retag(failTag|memmodel.FailedRMW, 2)
			}
		})
		c.M.S.Set(cpuLoc(c.CPU, cpuPairHi), hi)
		return lo, Done
	}
}

// writesBack tells whether mem lets a failed CAS write back
// (CASWriteBack, where a Memory has it).
func writesBack(mem Memory) bool {
	wb, ok := mem.(interface{ CASWriteBack() bool })
	return ok && wb.CASWriteBack()
}

// The LKMM's orderings of an operation, as the suffixes of its name give
// them (linux-kernel.def): fully ordered, _relaxed, _acquire, _release.
var orderings = []struct {
	suffix string
	tag    memmodel.Tag
}{{"", memmodel.Mb}, {"_relaxed", memmodel.Once}, {"_acquire", memmodel.Acquire}, {"_release", memmodel.Release}}

func arith(f func(old, v uint64) uint64) func(old, v uint64) uint64 { return f }

var (
	opAdd    = arith(func(a, b uint64) uint64 { return a + b })
	opSub    = arith(func(a, b uint64) uint64 { return a - b })
	opAnd    = arith(func(a, b uint64) uint64 { return a & b })
	opOr     = arith(func(a, b uint64) uint64 { return a | b })
	opXor    = arith(func(a, b uint64) uint64 { return a ^ b })
	opAndNot = arith(func(a, b uint64) uint64 { return a &^ b })
)

// sext32 is v's low 32 bits read as an int and sign-extended.
func sext32(v uint64) uint64 { return uint64(int64(int32(uint32(v)))) }

// rmwKernel builds the LKMM's atomic operations: (V, X) argument order
// as the kernel's atomic_add(i, v); ret picks what is returned. The new
// value is an int, as atomic_t's counter is (include/linux/types.h: `int
// counter`): the arithmetic wraps at 32 bits, sign-extended, as herd's
// does.
func rmwKernel(name string, arity int, tag memmodel.Tag, op func(old, v uint64) uint64, ret func(old, nv uint64) uint64) *Builtin {
	ptr, val := 1, 0
	params := ".p"
	if arity == 1 { // atomic_inc(X): the operand is 1
		ptr, params = 0, "p"
	}
	return &Builtin{Name: name, Arity: arity, Params: params, computes: true, Fn: rmwAs(tag, tag, ptr, func(old uint64, a []uint64) (uint64, bool, uint64) {
		v := uint64(1)
		if arity == 2 {
			v = a[val]
		}
		nv := sext32(op(old, v))
		return nv, true, ret(old, nv)
	})}
}

// fetching marks an RMW that returns the value it read (retOld).
func fetching(b *Builtin) *Builtin {
	b.returnsRead = true
	return b
}

func retOld(old, _ uint64) uint64     { return old }
func retNew(_, nv uint64) uint64      { return nv }
func retVoid(_, _ uint64) uint64      { return 0 }
func retZero(_, nv uint64) uint64     { return b2u(nv == 0) }
func retNegative(_, nv uint64) uint64 { return b2u(int64(nv) < 0) }

func xchgOp(old uint64, a []uint64) (uint64, bool, uint64) { return a[1], true, old }
func cmpxchgOp(old uint64, a []uint64) (uint64, bool, uint64) {
	return a[2], old == a[1], old
}

// kernelAtomics are the LKMM's accesses, RMWs and fences under their
// kernel names (tools/memory-model/linux-kernel.def).
func kernelAtomics() []*Builtin {
	bs := []*Builtin{
		{Name: "READ_ONCE", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Once)},
		{Name: "WRITE_ONCE", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Once)},
		{Name: "smp_load_acquire", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Acquire)},
		{Name: "smp_store_release", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Release)},
		{Name: "smp_store_mb", Arity: 2, Params: "p.", Fn: storeMb},
		{Name: "rcu_dereference", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Once)},
		{Name: "rcu_assign_pointer", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Release)},
		{Name: "atomic_read", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Once)},
		{Name: "atomic_set", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Once)},
		{Name: "atomic_read_acquire", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Acquire)},
		{Name: "atomic_set_release", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Release)},
		{Name: "plain_read", Arity: 1, Params: "p", returnsRead: true, Fn: loadAs(memmodel.Plain)},
		{Name: "plain_write", Arity: 2, Params: "p.", Fn: storeAs(memmodel.Plain)},
		{Name: "atomic_add_unless", Arity: 3, Params: "p..", computes: true, Fn: rmwAs(memmodel.Mb, memmodel.Mb, 0, func(old uint64, a []uint64) (uint64, bool, uint64) {
			return sext32(old + a[1]), old != a[2], b2u(old != a[2])
		})},
	}
	void := []struct {
		name string
		op   func(a, b uint64) uint64
	}{{"add", opAdd}, {"sub", opSub}, {"and", opAnd}, {"or", opOr}, {"xor", opXor}, {"andnot", opAndNot}}
	for _, v := range void {
		bs = append(bs, rmwKernel("atomic_"+v.name, 2, memmodel.Noreturn, v.op, retVoid))
	}
	bs = append(bs, rmwKernel("atomic_inc", 1, memmodel.Noreturn, opAdd, retVoid),
		rmwKernel("atomic_dec", 1, memmodel.Noreturn, opSub, retVoid))
	for _, o := range orderings {
		for _, f := range []struct {
			name string
			op   func(a, b uint64) uint64
		}{{"add", opAdd}, {"sub", opSub}, {"and", opAnd}, {"or", opOr}, {"xor", opXor}, {"andnot", opAndNot}} {
			bs = append(bs, fetching(rmwKernel("atomic_fetch_"+f.name+o.suffix, 2, o.tag, f.op, retOld)))
		}
		bs = append(bs,
			rmwKernel("atomic_add_return"+o.suffix, 2, o.tag, opAdd, retNew),
			rmwKernel("atomic_sub_return"+o.suffix, 2, o.tag, opSub, retNew),
			rmwKernel("atomic_inc_return"+o.suffix, 1, o.tag, opAdd, retNew),
			rmwKernel("atomic_dec_return"+o.suffix, 1, o.tag, opSub, retNew),
			fetching(rmwKernel("atomic_fetch_inc"+o.suffix, 1, o.tag, opAdd, retOld)),
			fetching(rmwKernel("atomic_fetch_dec"+o.suffix, 1, o.tag, opSub, retOld)),
			rmwKernel("atomic_add_negative"+o.suffix, 2, o.tag, opAdd, retNegative),
			&Builtin{Name: "atomic_xchg" + o.suffix, Arity: 2, Params: "p.", returnsRead: true, Fn: rmwAs(o.tag, o.tag, 0, xchgOp)},
			&Builtin{Name: "atomic_cmpxchg" + o.suffix, Arity: 3, Params: "p..", returnsRead: true, Fn: rmwAs(o.tag, o.tag, 0, cmpxchgOp)},
			&Builtin{Name: "xchg" + o.suffix, Arity: 2, Params: "p.", returnsRead: true, Fn: rmwAs(o.tag, o.tag, 0, xchgOp)},
			&Builtin{Name: "cmpxchg" + o.suffix, Arity: 3, Params: "p..", returnsRead: true, Fn: rmwAs(o.tag, o.tag, 0, cmpxchgOp)},
		)
	}
	bs = append(bs,
		rmwKernel("atomic_sub_and_test", 2, memmodel.Mb, opSub, retZero),
		rmwKernel("atomic_dec_and_test", 1, memmodel.Mb, opSub, retZero),
		rmwKernel("atomic_inc_and_test", 1, memmodel.Mb, opAdd, retZero),
	)
	return bs
}

// kernelFences are the LKMM's barriers; they are CPU-local steps.
func kernelFences() []*Builtin {
	return []*Builtin{
		{Name: "smp_mb", Fn: fenceAs(memmodel.Mb)},
		{Name: "smp_rmb", Fn: fenceAs(memmodel.Rmb)},
		{Name: "smp_wmb", Fn: fenceAs(memmodel.Wmb)},
		{Name: "smp_mb__before_atomic", Fn: fenceAs(memmodel.BeforeAtomic)},
		{Name: "smp_mb__after_atomic", Fn: fenceAs(memmodel.AfterAtomic)},
		{Name: "smp_mb__after_spinlock", Fn: fenceAs(memmodel.AfterSpinlock)},
		{Name: "smp_mb__after_unlock_lock", Fn: fenceAs(memmodel.AfterUnlockLock)},
		{Name: "smp_mb__after_srcu_read_unlock", Fn: fenceAs(memmodel.AfterSrcuReadUnlock)},
		{Name: "barrier", Fn: fenceAs(memmodel.Barrier)},
		{Name: "mfence", Fn: fenceAs(memmodel.MFence)},
		{Name: "dmb_ish", Fn: fenceAs(memmodel.DMB)},
		{Name: "dmb_ishld", Fn: fenceAs(memmodel.DMBLD)},
		{Name: "dmb_ishst", Fn: fenceAs(memmodel.DMBST)},
		{Name: "dsb_ishld", Fn: fenceAs(memmodel.DSBLD)},
		{Name: "isb", Fn: fenceAs(memmodel.ISB)},
	}
}

// arm64 instructions, for AArch64 litmus tests: their names are the
// mnemonics, their arguments (address, operands) in the order the
// instruction takes them.
func armInstructions() []*Builtin {
	bs := []*Builtin{
		{Name: "ldapr", Arity: 1, Params: "p", Fn: loadAs(memmodel.AcqPC)},
		{Name: "ldxr", Arity: 1, Params: "p", Fn: loadExcl(memmodel.Excl, 1)},
		{Name: "ldaxr", Arity: 1, Params: "p", Fn: loadExcl(memmodel.Excl|memmodel.Acquire, 1)},
		{Name: "stxr", Arity: 2, Params: "p.", Fn: storeExcl(memmodel.Excl, 1)},
		{Name: "stlxr", Arity: 2, Params: "p.", Fn: storeExcl(memmodel.Excl|memmodel.Release, 1)},
		{Name: "ldxp", Arity: 1, Params: "p", pair: PairLoadExcl, Fn: loadExcl(memmodel.Excl, 2)},
		{Name: "ldaxp", Arity: 1, Params: "p", pair: PairLoadExcl, Fn: loadExcl(memmodel.Excl|memmodel.Acquire, 2)},
		{Name: "stxp", Arity: 3, Params: "p..", pair: PairStoreExcl, Fn: storeExcl(memmodel.Excl, 2)},
		{Name: "stlxp", Arity: 3, Params: "p..", pair: PairStoreExcl, Fn: storeExcl(memmodel.Excl|memmodel.Release, 2)},
	}
	forms := []struct {
		suffix string
		r, w   memmodel.Tag
	}{{"", 0, 0}, {"a", memmodel.Acquire, 0}, {"l", 0, memmodel.Release}, {"al", memmodel.Acquire, memmodel.Release}}
	ops := []struct {
		name string
		op   func(a, b uint64) uint64
	}{{"add", opAdd}, {"clr", opAndNot}, {"eor", opXor}, {"set", opOr}}
	for _, f := range forms {
		bs = append(bs,
			&Builtin{Name: "swp" + f.suffix, Arity: 2, Params: "p.", Fn: rmw2(f.r, f.w, f.r, 0, xchgOp)},
			&Builtin{Name: "cas" + f.suffix, Arity: 3, Params: "p..", Fn: casRMW(f.r, f.w, f.r)},
			&Builtin{Name: "casp" + f.suffix, Arity: 5, Params: "p....", pair: PairCAS, Fn: caspRMW(f.r, f.w, f.r)})
		for _, o := range ops {
			op := o.op
			fn := func(old uint64, a []uint64) (uint64, bool, uint64) { return op(old, a[1]), true, old }
			ld, st := "ld"+o.name+f.suffix, "st"+o.name+f.suffix
			bs = append(bs, &Builtin{Name: ld, Arity: 2, Params: "p.", computes: true, Fn: rmw2(f.r, f.w, f.r, 0, fn)})
			if f.r == 0 { // ST<op> has no acquire forms; its read returns nothing (herd's NoRet)
				bs = append(bs, &Builtin{Name: st, Arity: 2, Params: "p.", Void: true, computes: true, Fn: rmw2(memmodel.Noreturn, f.w, memmodel.Noreturn, 0, fn)})
			}
		}
	}
	return bs
}

// pairHi is pair_hi(): the second word the CPU's last CASP or LDXP
// read, the second register each writes.
var pairHi = &Builtin{Name: "pair_hi", pair: PairHi, Fn: func(c *Call) (uint64, Status) { return c.M.S.Get(cpuLoc(c.CPU, cpuPairHi)), Done }}

// loadExcl is LDXR (words 1) and LDXP (words 2): under sc it also arms
// this CPU's exclusive monitor, with the words read. LDXP's two reads are
// one single-copy-atomic access, unlike CASP's (AArch64Sem.ml ldxp reads
// them with >>||, para_atomic, which makes them an sca class:
// aarch64.cat's obs; sca-class), so they are one instruction of
// memmodel's Si: never torn. It returns the first word and keeps the
// second for pair_hi().
func loadExcl(t memmodel.Tag, words int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		addr := c.Args[0]
		var lo, hi uint64
		read := func() {
			c.M.tagged(t, func() {
				lo = c.Get(addr)
				if words == 2 {
					hi = c.Get(addr + 8)
				}
			})
		}
		c.M.pairInstance(words, read)
		c.M.S.Set(cpuLoc(c.CPU, cpuExclAddr), addr+1)
		c.M.S.Set(cpuLoc(c.CPU, cpuExclVal), lo)
		if words == 2 {
			c.M.S.Set(cpuLoc(c.CPU, cpuExclHi), hi)
			c.M.S.Set(cpuLoc(c.CPU, cpuPairHi), hi)
		}
		return lo, Done
	}
}

// storeExcl is STXR (words 1) and STXP (words 2, one single-copy-atomic
// access of two writes, as LDXP's reads are): it returns 0 when the
// store happened, 1 when it failed. Under sc it succeeds while the
// monitored words still hold what the load-exclusive read; under a weak
// model the model decides (herd lets any store-exclusive fail), and a
// success pairs with the load-exclusive as one RMW a word.
func storeExcl(t memmodel.Tag, words int) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m, addr := c.M, c.Args[0]
		// the monitor is this CPU's: a store-exclusive without a
		// load-exclusive of the same address since the last one fails
		armed := m.S.Get(cpuLoc(c.CPU, cpuExclAddr)) == addr+1
		m.S.Set(cpuLoc(c.CPU, cpuExclAddr), 0)
		write := func() {
			m.tagged(t, func() {
				for k := range words {
					c.Set(addr+8*uint64(k), c.Args[1+k])
				}
			})
		}
		if m.Weak() {
			if !armed || m.S.mem.Choose(2) == 1 {
				for range words {
					m.S.mem.NoWrite()
				}
				return 1, Done
			}
			m.pairInstance(words, write)
			return 0, Done
		}
		held := m.S.Get(Loc(addr)) == m.S.Get(cpuLoc(c.CPU, cpuExclVal)) &&
			(words == 1 || m.S.Get(Loc(addr+8)) == m.S.Get(cpuLoc(c.CPU, cpuExclHi)))
		if !armed || !held {
			return 1, Done
		}
		write()
		return 0, Done
	}
}

// pairInstance runs fn, the accesses of an exclusive access of words
// words: one point of the model where they are two.
func (m *Machine) pairInstance(words int, fn func()) {
	if words == 2 {
		m.instance(fn)
		return
	}
	fn()
}

// x86Instructions are the LOCK-prefixed RMWs of X86 litmus tests (XCHG is
// the kernel's xchg()).
func x86Instructions() []*Builtin {
	add := func(old uint64, a []uint64) (uint64, bool, uint64) { return old + a[1], true, old }
	return []*Builtin{
		{Name: "x86_locked_add", Arity: 2, Params: "p.", computes: true, Fn: rmwAs(memmodel.Locked, memmodel.Locked, 0, add)},
		{Name: "x86_locked_cmpxchg", Arity: 3, Params: "p..", Fn: rmwAs(memmodel.Locked, memmodel.Locked, 0, cmpxchgOp)},
	}
}

// srcuBuiltins are SRCU's read side and grace period (srcu_struct s is a
// shared word). They are modelled under lkmm only, as the LKMM states
// them: srcu_read_lock() reads s, srcu_read_unlock() writes the index
// back, and synchronize_srcu() is a grace-period event on s.
func srcuBuiltins() []*Builtin {
	lock := func(c *Call) (uint64, Status) {
		if !c.M.srcuWeak("srcu_read_lock") {
			return 0, Done
		}
		return loadAs(memmodel.SrcuLock)(c)
	}
	unlock := func(c *Call) (uint64, Status) {
		if !c.M.srcuWeak("srcu_read_unlock") {
			return 0, Done
		}
		return storeAs(memmodel.SrcuUnlock)(c)
	}
	sync := func(c *Call) (uint64, Status) {
		if c.M.srcuWeak("synchronize_srcu") {
			c.M.S.mem.Fence(memmodel.SyncSrcu, Loc(c.Args[0]))
		}
		return 0, Done
	}
	return []*Builtin{
		{Name: "srcu_read_lock", Arity: 1, Params: "p", Fn: lock},
		{Name: "srcu_down_read", Arity: 1, Params: "p", Fn: lock},
		{Name: "srcu_read_unlock", Arity: 2, Params: "p.", Void: true, Fn: unlock},
		{Name: "srcu_up_read", Arity: 2, Params: "p.", Void: true, Fn: unlock},
		{Name: "synchronize_srcu", Arity: 1, Params: "p", Void: true, Fn: sync},
		{Name: "synchronize_srcu_expedited", Arity: 1, Params: "p", Void: true, Fn: sync},
	}
}

func (m *Machine) srcuWeak(fn string) bool {
	if !m.Weak() {
		m.Fail("error", "%s: SRCU is modelled under the weak models only (model lkmm)", fn)
		return false
	}
	return true
}

// csel is a conditional select that is a data dependency on all three
// operands, as arm64's CSEL is.
func bCsel(c *Call) (uint64, Status) {
	if c.Args[0] != 0 {
		return c.Args[1], Done
	}
	return c.Args[2], Done
}

// x86 PAE under a weak model. The two halves of an entry are separate
// 32-bit locations (the low half at the entry's address, the high half 4
// bytes above), accessed by separate plain accesses and ordered only by
// the smp_wmb()/smp_rmb() the kernel puts between them
// (arch/x86/include/asm/pgtable-3level.h: native_set_pte(), native_pte_clear(),
// and mm/gup.c's ptep_get_lockless() loop of include/linux/pgtable.h).

// splitEntry tells whether addr is a PTE whose halves are separate
// locations: on a split-halves arch under a weak model, in a pte table (or
// a declared table); pmd and pud entries stay 64-bit atomic.
func (m *Machine) splitEntry(addr uint64) bool { return m.Weak() && m.SplitEntry(addr) }

// SplitEntry tells whether a weak model splits the entry at addr into two
// 32-bit halves (see splitEntry).
func (m *Machine) SplitEntry(addr uint64) bool {
	if !m.tr.SplitHalves || Loc(addr)&tagMask != tagMem {
		return false
	}
	kind := int(m.S.Peek(pageLoc(addr>>12))>>2) & 0x3f
	return kind == pageKindPTE || kind == pageKindDeclared
}

func halfLoc(addr uint64, high bool) Loc {
	if high {
		return Loc(addr + 4)
	}
	return Loc(addr)
}

// entryLive is the use-after-free check of an entry access, without a read.
func (m *Machine) entryLive(fn string, addr uint64) bool {
	ok := true
	m.Ghost(func() { _, ok = m.readEntry(fn, addr) })
	return ok
}

func (m *Machine) readHalf(c *Call, fn string, addr uint64, high bool) uint64 {
	if !m.entryLive(fn, addr) {
		return 0
	}
	v := m.S.Get(halfLoc(addr, high))
	if !m.reused(fn, addr, v) {
		return 0
	}
	return v
}

// writeHalves is set_pte() (high, smp_wmb(), low: first true) or
// pte_clear() (low, smp_wmb(), high), one half a step.
func (m *Machine) writeHalves(c *Call, fn string, addr, v uint64, highFirst bool) Status {
	if !m.entryLive(fn, addr) {
		return Done
	}
	first := c.Phase%2 == 0
	high := first == highFirst
	half := v & 0xffffffff
	if high {
		half = v >> 32
	}
	m.S.Set(halfLoc(addr, high), half)
	if first {
		m.fence(memmodel.Wmb)
		return Again
	}
	return Done
}

// locklessHalves is x86 PAE's ptep_get_lockless(): low, smp_rmb(), high,
// smp_rmb(), low again, and retry if the low half changed.
func (m *Machine) locklessHalves(c *Call, addr uint64) (uint64, Status) {
	switch c.Phase {
	case 0:
		m.S.mem.Attempt()
		c.Scratch[0] = m.readHalf(c, "ptep_get_lockless", addr, false)
		m.fence(memmodel.Rmb)
	case 1:
		c.Scratch[1] = m.readHalf(c, "ptep_get_lockless", addr, true)
		m.fence(memmodel.Rmb)
	default:
		if m.readHalf(c, "ptep_get_lockless", addr, false) == c.Scratch[0] {
			return c.Scratch[1]<<32 | c.Scratch[0], Done
		}
		c.Phase = 0
		m.S.mem.Retry() // a retry is a spin loop's failed pass
		return 0, Block
	}
	c.Phase++
	return 0, Again
}

// Reuse after free under a weak model. A freed page table can be handed
// to a new owner at once, who writes it: freeing is modelled as the
// freeing CPU writing a poison value (naming it) to every entry of the
// table that some CPU reads, after the free in its program order. A read
// that returns the poison saw the reused page: use-after-free. A read the
// model lets return the old entry instead read the table before it was
// reused, which is harmless to the reader, as on the hardware.

const (
	poisonBase = 0xdead_0000_0000_0000
	poisonMask = 0xffff_0000_0000_0000
)

func isPoison(v uint64) bool { return v&poisonMask == poisonBase }

// reused raises use-after-free when an entry read under a weak model
// returns the poison of a free; it tells whether the read is good.
func (m *Machine) reused(fn string, addr, v uint64) bool {
	if !m.Weak() || m.observer || !isPoison(v) {
		return true
	}
	m.Fail("use-after-free", "%s read %s and saw what the table's next owner wrote: %s freed it (pte_free_kernel/pmd_free) and nothing orders this read before the free",
		m.threadName(m.Thread), m.entryName(fn, addr&^7), m.threadName(int(v&0xffff)-1))
	return false
}

func (m *Machine) poisonFreed(c *Call, pfn uint64) {
	if !m.Weak() {
		return
	}
	base := Loc(pfn << 12)
	for _, l := range m.S.mem.Read(base, base+PageSize) {
		m.tagged(memmodel.Once, func() { m.S.Set(l, poisonBase|uint64(c.Thread+1)) })
	}
}

// getAndClearHalves is x86 PAE's ptep_get_and_clear(), a LOCK CMPXCHG8B
// of the whole entry (pxx_xchg64()): under a weak model, an exchange of
// each half, fully ordered, the two made one instruction (Instances), so
// that no store of another CPU comes between them.
func (m *Machine) getAndClearHalves(c *Call, fn string, addr uint64) uint64 {
	if !m.entryLive(fn, addr) {
		return 0
	}
	var lo, hi uint64
	m.instance(func() {
		clear := func(uint64) uint64 { return 0 }
		lo = m.rmwHalf(addr, false, memmodel.Mb, clear)
		hi = m.rmwHalf(addr, true, memmodel.Mb, clear)
	})
	return hi<<32 | lo
}

// Instances is a Memory that can make the accesses of one instruction to
// two locations one instruction of the model: one point of it
// (memmodel.Graph.Si: x86 PAE's CMPXCHG8B of both halves of an entry,
// arm64's LDXP and STXP), or events that program order does not order
// among themselves (memmodel.Graph.Sib: arm64's CASP).
type Instances interface {
	// Recorded counts the events the run has recorded.
	Recorded() int
	// Instance makes the events recorded from the first one point.
	Instance(first int)
	// Siblings makes them one instruction's, unordered.
	Siblings(first int)
}

// instance runs fn, whose accesses are one point.
func (m *Machine) instance(fn func()) { m.oneInstruction(fn, Instances.Instance) }

// siblings runs fn, whose accesses are one instruction's, unordered.
func (m *Machine) siblings(fn func()) { m.oneInstruction(fn, Instances.Siblings) }

// oneInstruction runs fn and marks the events it recorded.
func (m *Machine) oneInstruction(fn func(), mark func(Instances, int)) {
	in, ok := m.S.mem.(Instances)
	if !ok {
		fn()
		return
	}
	first := in.Recorded()
	fn()
	mark(in, first)
}

// Synchronising IPIs under a weak model (kick_all_cpus_sync() for static
// keys, an x86 TLB flush): the kernel's smp_call_function_many_cond()
// queues a request with a fully ordered llist_add() and sends the IPI;
// the target's handler takes the queue with llist_del_all() (an xchg,
// fully ordered) and releases the request (csd_unlock(),
// smp_store_release()); the sender waits for that with
// smp_cond_load_acquire(). As memory events: the sender writes a
// sequence number to a request word of each target (release, after a
// full barrier) and reads each target's acknowledgement (acquire); the
// target, at a step boundary where it has IRQs on (its run chooses
// which), reads the request (acquire), orders with a full barrier and
// writes the acknowledgement (release).

// SyncKind is a kind of synchronisation with every other CPU under a weak
// model: an IPI, handled where the target has IRQs on, or an RCU grace
// period, which a CPU acknowledges at a quiescent state (outside every
// kind of read-side section: rcuReader). The LKMM states RCU
// itself; under tso and armv8, which have no grace period, mmuvm makes
// synchronize_rcu() this protocol, which is how the kernel implements it:
// the updater waits for every CPU to report a quiescent state, with full
// barriers on both sides.
type SyncKind int

const (
	SyncIPI SyncKind = iota
	SyncGP
)

var syncFields = [...]struct{ req, ack, seq int }{
	SyncIPI: {ipiWeakReq, ipiWeakAck, cpuIPISeq},
	SyncGP:  {ipiGPReq, ipiGPAck, cpuGPSeq},
}

func weakReq(k SyncKind, sender, target int) Loc { return ipiLoc(target, sender, syncFields[k].req) }
func weakAck(k SyncKind, sender, target int) Loc { return ipiLoc(target, sender, syncFields[k].ack) }

// weakSync is the sender's side: phase 0 sends, phase 1 waits.
func (m *Machine) weakSync(c *Call) Status { return m.weakSyncOf(c, SyncIPI) }

func (m *Machine) weakSyncOf(c *Call, k SyncKind) Status {
	seqLoc := cpuLoc(c.CPU, syncFields[k].seq)
	if c.Phase == 0 {
		seq := m.S.Get(seqLoc) + 1
		m.S.Set(seqLoc, seq)
		m.fence(memmodel.Mb)
		for t := 0; t < m.cfg.CPUs; t++ {
			if t != c.CPU {
				m.tagged(memmodel.Release, func() { m.S.Set(weakReq(k, c.CPU, t), seq) })
			}
		}
		c.Phase = 1
		return Again
	}
	seq := m.S.Get(seqLoc)
	for t := 0; t < m.cfg.CPUs; t++ {
		if t == c.CPU {
			continue
		}
		var ack uint64
		m.tagged(memmodel.Acquire, func() { ack = m.S.Get(weakAck(k, c.CPU, t)) })
		if ack != seq {
			return Block
		}
	}
	m.fence(memmodel.Mb)
	return Done
}

// WeakSyncRequest is the target's read of sender's request word: the
// sequence number of the last synchronisation it sees started.
func (m *Machine) WeakSyncRequest(k SyncKind, sender, target int) uint64 {
	var v uint64
	m.tagged(memmodel.Acquire, func() { v = m.S.Get(weakReq(k, sender, target)) })
	return v
}

// WeakSyncHandle is the rest of the handler: a full barrier and the
// acknowledgement of request seq.
func (m *Machine) WeakSyncHandle(k SyncKind, sender, target int, seq uint64) {
	m.fence(memmodel.Mb)
	m.tagged(memmodel.Release, func() { m.S.Set(weakAck(k, sender, target), seq) })
}

// CanAck tells whether cpu can take a synchronisation of kind k now: an
// IPI where it has IRQs on, a grace period at a quiescent state: outside
// every kind of RCU read-side section, as under sc (rcuReader: a spinlock
// held is one, since the flavours were merged in v4.20).
func (m *Machine) CanAck(k SyncKind, cpu int) bool {
	if k == SyncGP {
		return !m.readerBy(cpu, m.S.Peek)
	}
	return m.IRQsOn(cpu)
}

// RCUDepth is how many RCU read-side critical sections cpu is inside
// under the LKMM: its rcu_read_lock(), preempt_disable() and
// local_bh_disable() nesting, and one for IRQs off.
func (m *Machine) RCUDepth(cpu int) int {
	n := uint64(0)
	for _, f := range []int{cpuRCU, cpuIRQOff, cpuPreempt, cpuBH} {
		n += m.S.Peek(cpuLoc(cpu, f))
	}
	return int(n)
}
