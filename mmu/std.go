package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// standard is the builtin table: every name a script can call, with its
// arity and kind. Names and argument orders are the kernel's.
var standard = func() []*Builtin {
	var all []*Builtin
	add := func(kind Kind, list ...*Builtin) {
		for _, b := range list {
			b.Kind = kind
			if b.Constant {
				b.Arity = 0
			}
			all = append(all, b)
		}
	}
	add(Pure, entryBuiltins...)
	add(Pure,
		&Builtin{Name: "pgd_offset", Arity: 2, Params: "m.", Fn: bPgdOffset},
		&Builtin{Name: "pmd_offset_lockless", Arity: 3, Fn: offsetLockless(2)},
		&Builtin{Name: "pte_offset_lockless", Arity: 3, Fn: offsetLockless(3)},
	)
	add(Step,
		&Builtin{Name: "pud_offset", Arity: 2, Fn: offsetStep("pud_offset", 1)},
		&Builtin{Name: "pmd_offset", Arity: 2, Fn: offsetStep("pmd_offset", 2)},
		&Builtin{Name: "pte_offset_kernel", Arity: 2, Fn: offsetStep("pte_offset_kernel", 3)},
		&Builtin{Name: "set_pte", Arity: 2, Fn: bSetPTE},
		&Builtin{Name: "set_pte_at", Arity: 4, Params: "m...", Fn: bSetPTEAt},
		&Builtin{Name: "set_ptes", Arity: 5, Params: "m....", Fn: setPTEs("set_ptes", true)},
		&Builtin{Name: "__set_ptes", Arity: 5, Params: "m....", Fn: setPTEs("__set_ptes", false)},
		&Builtin{Name: "ptep_get", Arity: 1, Fn: bPtepGet},
		&Builtin{Name: "__ptep_get", Arity: 1, Fn: softGet("__ptep_get")},
		&Builtin{Name: "ptep_get_lockless", Arity: 1, Fn: bPtepGetLockless},
		&Builtin{Name: "ptep_get_and_clear", Arity: 3, Params: "m..", Fn: getAndClear("ptep_get_and_clear", true)},
		&Builtin{Name: "__ptep_get_and_clear", Arity: 3, Params: "m..", Fn: getAndClear("__ptep_get_and_clear", false)},
		&Builtin{Name: "pte_clear", Arity: 3, Params: "m..", Fn: bPTEClear},
		&Builtin{Name: "set_pmd", Arity: 2, Fn: setUpper("set_pmd", 2)},
		&Builtin{Name: "pmd_clear", Arity: 1, Fn: clearUpper("pmd_clear", 2)},
		&Builtin{Name: "pmdp_get", Arity: 1, Fn: getUpper("pmdp_get")},
		&Builtin{Name: "set_pud", Arity: 2, Fn: setUpper("set_pud", 1)},
		&Builtin{Name: "pud_clear", Arity: 1, Fn: clearUpper("pud_clear", 1)},
		&Builtin{Name: "pudp_get", Arity: 1, Fn: getUpper("pudp_get")},
		&Builtin{Name: "pte_read_low", Arity: 1, Fn: bReadHalf(false)},
		&Builtin{Name: "pte_read_high", Arity: 1, Fn: bReadHalf(true)},
		&Builtin{Name: "pte_write_low", Arity: 2, Fn: bWriteHalf(false)},
		&Builtin{Name: "pte_write_high", Arity: 2, Fn: bWriteHalf(true)},
		&Builtin{Name: "contpte_try_fold", Arity: 4, Params: "m...", Fn: bContFold},
		&Builtin{Name: "contpte_try_unfold", Arity: 4, Params: "m...", Fn: bContUnfold},

		&Builtin{Name: "pte_alloc_one", Arity: 1, Optional: 1, Params: "m", Sleeps: true, Fn: bTableAlloc("pte_alloc_one", pageKindPTE)},
		&Builtin{Name: "pmd_alloc_one", Arity: 2, Optional: 2, Params: "m.", Sleeps: true, Fn: bTableAlloc("pmd_alloc_one", pageKindPMD)},
		&Builtin{Name: "pte_free_kernel", Arity: 1, Fn: bTableFree("pte_free_kernel")},
		&Builtin{Name: "pmd_free", Arity: 1, Fn: bTableFree("pmd_free")},
		&Builtin{Name: "alloc_page", Arity: 1, Optional: 1, Fn: bAllocPage},
		&Builtin{Name: "free_page", Arity: 1, Fn: bFreePage},
		&Builtin{Name: "get_page", Arity: 1, Fn: bGetPage},
		&Builtin{Name: "put_page", Arity: 1, Fn: bPutPage},

		&Builtin{Name: "access", Arity: 3, Params: "m..", Fn: bAccess},
		&Builtin{Name: "hw_set_young", Arity: 1, Fn: bHWSet(false)},
		&Builtin{Name: "hw_set_dirty", Arity: 1, Fn: bHWSet(true)},

		&Builtin{Name: "flush_tlb_mm_range", Arity: 3, Params: "m..", Blocks: true, Fn: bFlushMMRange},
		&Builtin{Name: "flush_tlb_kernel_range", Arity: 2, Blocks: true, Fn: bFlushKernelRange},
		&Builtin{Name: "__flush_tlb_kernel_pgtable", Arity: 1, Blocks: true, Fn: bFlushKernelPgtable},
		&Builtin{Name: "flush_tlb_all", Arity: 0, Blocks: true, Fn: bFlushAll},
		&Builtin{Name: "dsb_ishst", Arity: 0, Fn: dsbAs(memmodel.DSBST)},
		&Builtin{Name: "dsb_ish", Arity: 0, Fn: dsbAs(memmodel.DSB)},

		&Builtin{Name: "arch_enter_lazy_mmu_mode", Arity: 0, Fn: bArchEnter},
		&Builtin{Name: "arch_leave_lazy_mmu_mode", Arity: 0, Fn: bArchLeave},
		&Builtin{Name: "arch_flush_lazy_mmu_mode", Arity: 0, Fn: bArchFlush},

		&Builtin{Name: "spin_lock", Arity: 1, Params: "l", Blocks: true, Fn: bSpinLock},
		&Builtin{Name: "spin_trylock", Arity: 1, Params: "l", Fn: bSpinTrylock},
		&Builtin{Name: "spin_unlock", Arity: 1, Params: "l", Fn: bSpinUnlock},
		&Builtin{Name: "down_read", Arity: 1, Params: "r", Sleeps: true, Blocks: true, Fn: rwOp{name: "down_read"}.fn},
		&Builtin{Name: "down_write", Arity: 1, Params: "r", Sleeps: true, Blocks: true, Fn: rwOp{name: "down_write", write: true}.fn},
		&Builtin{Name: "down_read_trylock", Arity: 1, Params: "r", Fn: rwOp{name: "down_read_trylock", try: true}.fn},
		&Builtin{Name: "up_read", Arity: 1, Params: "r", Fn: rwOp{name: "up_read", up: true}.fn},
		&Builtin{Name: "up_write", Arity: 1, Params: "r", Fn: rwOp{name: "up_write", write: true, up: true}.fn},
		&Builtin{Name: "mmap_read_lock", Arity: 1, Params: "m", Sleeps: true, Blocks: true, Fn: rwOp{name: "mmap_read_lock", mm: true}.fn},
		&Builtin{Name: "mmap_write_lock", Arity: 1, Params: "m", Sleeps: true, Blocks: true, Fn: rwOp{name: "mmap_write_lock", mm: true, write: true}.fn},
		&Builtin{Name: "mmap_read_trylock", Arity: 1, Params: "m", Fn: rwOp{name: "mmap_read_trylock", mm: true, try: true}.fn},
		&Builtin{Name: "mmap_read_unlock", Arity: 1, Params: "m", Fn: rwOp{name: "mmap_read_unlock", mm: true, up: true}.fn},
		&Builtin{Name: "mmap_write_unlock", Arity: 1, Params: "m", Fn: rwOp{name: "mmap_write_unlock", mm: true, write: true, up: true}.fn},
		&Builtin{Name: "local_irq_disable", Arity: 0, Fn: bIRQDisable},
		&Builtin{Name: "local_irq_enable", Arity: 0, Fn: bIRQEnable},
		&Builtin{Name: "local_irq_save", Arity: 0, Fn: bIRQSave},
		&Builtin{Name: "local_irq_restore", Arity: 1, Fn: bIRQRestore},
		&Builtin{Name: "rcu_read_lock", Arity: 0, Fn: bRCULock},
		&Builtin{Name: "rcu_read_unlock", Arity: 0, Fn: bRCUUnlock},
		&Builtin{Name: "synchronize_rcu", Arity: 0, Sleeps: true, Blocks: true, Fn: bSyncRCU},
		&Builtin{Name: "static_branch_enable", Arity: 1, Params: "k", Sleeps: true, Blocks: true, Fn: keyUpdate("static_branch_enable", func(uint64) uint64 { return 1 }, true)},
		&Builtin{Name: "static_branch_disable", Arity: 1, Params: "k", Sleeps: true, Blocks: true, Fn: keyUpdate("static_branch_disable", func(uint64) uint64 { return 0 }, true)},
		&Builtin{Name: "static_branch_inc", Arity: 1, Params: "k", Sleeps: true, Blocks: true, Fn: keyUpdate("static_branch_inc", func(v uint64) uint64 { return v + 1 }, true)},
		&Builtin{Name: "static_branch_dec", Arity: 1, Params: "k", Sleeps: true, Blocks: true, Fn: keyUpdate("static_branch_dec", func(v uint64) uint64 { return v - min(v, 1) }, true)},
		&Builtin{Name: "static_branch_unlikely", Arity: 1, Params: "k", Fn: bKeyRead},
		&Builtin{Name: "static_branch_likely", Arity: 1, Params: "k", Fn: bKeyRead},
		&Builtin{Name: "spin_is_locked", Arity: 1, Params: "l", Fn: bSpinIsLocked},
	)
	add(Step, preemptBuiltins...)
	add(Step, tlbBuiltins...)
	add(Step, gatherBuiltins...)
	add(Step, pteMapBuiltins...)
	add(Step, entryOpBuiltins...)
	add(Step, populateBuiltins...)
	add(Pure, entryPureBuiltins...)
	add(Pure, gfpBuiltins...)
	add(Step, kernelAtomics()...)
	add(Step, armInstructions()...)
	add(Step, armNoret()...)
	add(Step, x86Instructions()...)
	add(Step, srcuBuiltins()...)
	add(Local, kernelFences()...)
	add(Local, pairHi)
	add(Pure, &Builtin{Name: "csel", Arity: 3, Fn: bCsel})
	add(Local,
		&Builtin{Name: "dsb_count", Arity: 0, Fn: bDSBCount},
		&Builtin{Name: "in_interrupt", Arity: 0, Fn: bInInterrupt},
		&Builtin{Name: "smp_processor_id", Arity: 0, Fn: bSmpProcessorID},
	)
	add(Init,
		&Builtin{Name: "map", Arity: 5, Params: "m....", Fn: bMap},
		&Builtin{Name: "map_pmd", Arity: 4, Params: "m...", Fn: bMapPMD},
	)
	for _, b := range all {
		b.Void = b.Void || voidNames[b.Name]
	}
	return document(all)
}()

var voidNames = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		"set_pte", "set_pte_at", "set_ptes", "__set_ptes", "pte_clear", "set_pmd", "pmd_clear",
		"set_pud", "pud_clear", "pte_write_low", "pte_write_high", "contpte_try_fold", "contpte_try_unfold",
		"pte_free_kernel", "pmd_free", "free_page", "get_page", "put_page", "hw_set_young", "hw_set_dirty",
		"flush_tlb_mm_range", "flush_tlb_kernel_range", "__flush_tlb_kernel_pgtable", "flush_tlb_all",
		"dsb_ishst", "dsb_ish", "isb", "smp_wmb", "smp_rmb", "smp_mb",
		"WRITE_ONCE", "smp_store_release", "smp_store_mb", "rcu_assign_pointer", "atomic_set",
		"atomic_set_release", "plain_write", "smp_mb__before_atomic", "smp_mb__after_atomic",
		"smp_mb__after_spinlock", "smp_mb__after_unlock_lock", "smp_mb__after_srcu_read_unlock",
		"barrier", "mfence", "dmb_ish", "dmb_ishld", "dmb_ishst", "dsb_ishld",
		"atomic_add", "atomic_sub", "atomic_and", "atomic_or", "atomic_xor", "atomic_andnot",
		"atomic_inc", "atomic_dec",
		"arch_enter_lazy_mmu_mode", "arch_leave_lazy_mmu_mode", "arch_flush_lazy_mmu_mode",
		"spin_lock", "spin_unlock", "down_read", "down_write", "up_read", "up_write",
		"mmap_read_lock", "mmap_write_lock", "mmap_read_unlock", "mmap_write_unlock",
		"local_irq_disable", "local_irq_enable", "local_irq_restore", "rcu_read_lock", "rcu_read_unlock",
		"synchronize_rcu", "static_branch_enable", "static_branch_disable", "static_branch_inc",
		"static_branch_dec", "map", "map_pmd",
	} {
		m[n] = true
	}
	return m
}()
