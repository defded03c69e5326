package mmu

import "strings"

// doc is what the builtin table says about a builtin for people: its call
// with argument names, what it models, and the kernel function (and file)
// it comes from. Editors (mmuasm lsp's hover) and help read it from the
// Builtin's Sig, Doc and Kernel fields.
type doc struct{ sig, what, kernel string }

// docs documents the standard builtins one by one; families (atomics,
// arm64 instructions, entry tests) are filled in by familyDoc.
var docs = map[string]doc{
	"pfn_pte":            {"pfn_pte(pfn, prot)", "a PTE mapping pfn with protections prot (clean and old)", "pfn_pte() in arch/*/include/asm/pgtable.h"},
	"pfn_pmd":            {"pfn_pmd(pfn, prot)", "a 2M block entry", "pfn_pmd() in arch/*/include/asm/pgtable.h"},
	"pfn_pud":            {"pfn_pud(pfn, prot)", "a 1G block entry", "pfn_pud() in arch/*/include/asm/pgtable.h"},
	"pte_pfn":            {"pte_pfn(pte)", "the pfn field of a PTE", "pte_pfn() in arch/*/include/asm/pgtable.h"},
	"pmd_pfn":            {"pmd_pfn(pmd)", "the pfn field of a pmd entry", "pmd_pfn() in arch/*/include/asm/pgtable.h"},
	"pud_pfn":            {"pud_pfn(pud)", "the pfn field of a pud entry", "pud_pfn() in arch/*/include/asm/pgtable.h"},
	"pte_present":        {"pte_present(pte)", "the present (valid) bit", "pte_present() in arch/*/include/asm/pgtable.h"},
	"pte_valid":          {"pte_valid(pte)", "the valid bit (the same test as pte_present here)", "pte_valid() in arch/arm64/include/asm/pgtable.h"},
	"pte_none":           {"pte_none(pte)", "the entry is 0", "pte_none() in arch/*/include/asm/pgtable.h"},
	"pte_young":          {"pte_young(pte)", "the access flag", "pte_young() in arch/*/include/asm/pgtable.h"},
	"pte_dirty":          {"pte_dirty(pte)", "dirty: on arm64 hardware (DBM) dirtiness or the software bit", "pte_dirty() in arch/*/include/asm/pgtable.h"},
	"pte_write":          {"pte_write(pte)", "writable", "pte_write() in arch/*/include/asm/pgtable.h"},
	"pte_cont":           {"pte_cont(pte)", "arm64 PTE_CONT is set", "pte_cont() in arch/arm64/include/asm/pgtable.h"},
	"pte_valid_cont":     {"pte_valid_cont(pte)", "valid with PTE_CONT set", "pte_valid_cont() in arch/arm64/include/asm/pgtable.h"},
	"pmd_present":        {"pmd_present(pmd)", "the pmd entry is present", "pmd_present() in arch/*/include/asm/pgtable.h"},
	"pmd_none":           {"pmd_none(pmd)", "the pmd entry is 0", "pmd_none() in arch/*/include/asm/pgtable.h"},
	"pmd_table":          {"pmd_table(pmd)", "the pmd entry points to a pte table", "pmd_table() in arch/arm64/include/asm/pgtable.h"},
	"pmd_leaf":           {"pmd_leaf(pmd)", "the pmd entry is a 2M block", "pmd_leaf() in include/linux/pgtable.h, arch/*/include/asm/pgtable.h"},
	"pud_present":        {"pud_present(pud)", "the pud entry is present", "pud_present() in arch/*/include/asm/pgtable.h"},
	"pud_none":           {"pud_none(pud)", "the pud entry is 0", "pud_none() in arch/*/include/asm/pgtable.h"},
	"pud_table":          {"pud_table(pud)", "the pud entry points to a pmd table", "pud_table() in arch/arm64/include/asm/pgtable.h"},
	"pud_leaf":           {"pud_leaf(pud)", "the pud entry is a 1G block", "pud_leaf() in include/linux/pgtable.h, arch/*/include/asm/pgtable.h"},
	"pte_pgprot":         {"pte_pgprot(pte)", "the entry without its pfn field", "pte_pgprot() in arch/*/include/asm/pgtable.h"},
	"pte_low":            {"pte_low(pte)", "the low 32-bit half of a PAE entry", "pte_t.pte_low in arch/x86/include/asm/pgtable-3level_types.h"},
	"pte_high":           {"pte_high(pte)", "the high 32-bit half of a PAE entry", "pte_t.pte_high in arch/x86/include/asm/pgtable-3level_types.h"},
	"make_pte":           {"make_pte(high, low)", "a PAE entry from its two halves", "native_make_pte() in arch/x86/include/asm/pgtable_types.h"},
	"contpte_align_down": {"contpte_align_down(ptep)", "the first entry of ptep's contpte block (16 entries on arm64, 1 elsewhere)", "contpte_align_down() in arch/arm64/include/asm/pgtable.h"},
	"PAGE_KERNEL":        {"PAGE_KERNEL", "kernel read-write protections in the arch's encoding", "PAGE_KERNEL in arch/*/include/asm/pgtable-prot.h, pgtable_types.h"},
	"PAGE_KERNEL_RO":     {"PAGE_KERNEL_RO", "kernel read-only protections", "PAGE_KERNEL_RO in arch/*/include/asm/pgtable-prot.h, pgtable_types.h"},
	"PAGE_SHARED":        {"PAGE_SHARED", "user read-write protections", "PAGE_SHARED in arch/*/include/asm/pgtable-prot.h, pgtable_types.h"},
	"PAGE_READONLY":      {"PAGE_READONLY", "user read-only protections", "PAGE_READONLY in arch/*/include/asm/pgtable-prot.h, pgtable_types.h"},
	"CONT_PTES":          {"CONT_PTES", "entries in a contpte block: 16 on arm64 (4K pages), 1 elsewhere", "CONT_PTES in arch/arm64/include/asm/pgtable-hwdef.h"},

	"pgd_offset":          {"pgd_offset(mm, va)", "address of va's entry in mm's pgd (no read)", "pgd_offset() in include/linux/pgtable.h"},
	"pud_offset":          {"pud_offset(pgdp, va)", "reads the pgd entry and returns the address of va's pud entry; use-after-free if the table was freed, fault if the entry is not a table", "pud_offset() in include/linux/pgtable.h (p4d folded)"},
	"pmd_offset":          {"pmd_offset(pudp, va)", "reads the pud entry and returns the address of va's pmd entry", "pmd_offset() in include/linux/pgtable.h"},
	"pte_offset_kernel":   {"pte_offset_kernel(pmdp, va)", "reads the pmd entry and returns the address of va's pte entry", "pte_offset_kernel() in include/linux/pgtable.h"},
	"pmd_offset_lockless": {"pmd_offset_lockless(pudp, pud, va)", "the pmd entry's address from a pud value read earlier: no read, no liveness check", "pmd_offset_lockless() in include/linux/pgtable.h (GUP-fast, mm/gup.c)"},
	"pte_offset_lockless": {"pte_offset_lockless(pmdp, pmd, va)", "the pte entry's address from a pmd value read earlier, as GUP-fast's pte_offset_map(&pmd, addr)", "pte_offset_map() in include/linux/pgtable.h, gup_fast_pte_range() in mm/gup.c"},

	"set_pte":              {"set_pte(ptep, pte)", "write a PTE (x86 PAE: high half, smp_wmb, low half: 2 steps; Xen PV in lazy mode: queued; arm64 kernel entries: barriers queued)", "set_pte() in arch/arm64/include/asm/pgtable.h, native_set_pte() in arch/x86/include/asm/pgtable-3level.h, xen_set_pte() in arch/x86/xen/mmu_pv.c"},
	"set_pte_at":           {"set_pte_at(mm, addr, ptep, pte)", "set_ptes(mm, addr, ptep, pte, 1)", "set_pte_at() in include/linux/pgtable.h"},
	"set_ptes":             {"set_ptes(mm, addr, ptep, pte, nr)", "write nr consecutive PTEs, the pfn advancing; arm64 user mms fold aligned 16-entry runs into contpte blocks", "set_ptes() in include/linux/pgtable.h, contpte_set_ptes() in arch/arm64/mm/contpte.c"},
	"__set_ptes":           {"__set_ptes(mm, addr, ptep, pte, nr)", "arm64's raw form of set_ptes: one entry a step, never folds", "__set_ptes() in arch/arm64/include/asm/pgtable.h"},
	"ptep_get":             {"ptep_get(ptep)", "read a PTE; arm64 contpte entries gather young/dirty from the block; Xen PV: read-hazard on a queued write of this CPU", "ptep_get() in include/linux/pgtable.h, contpte_ptep_get() in arch/arm64/mm/contpte.c"},
	"__ptep_get":           {"__ptep_get(ptep)", "the raw read of one entry", "__ptep_get() in arch/arm64/include/asm/pgtable.h"},
	"ptep_get_lockless":    {"ptep_get_lockless(ptep)", "x86 PAE: low, high, low again, retry if it changed; arm64: retry until the contpte block read is consistent; elsewhere one read", "ptep_get_lockless() in include/linux/pgtable.h, contpte_ptep_get_lockless() in arch/arm64/mm/contpte.c"},
	"ptep_get_and_clear":   {"ptep_get_and_clear(mm, addr, ptep)", "atomic exchange with 0; arm64 first unfolds the contpte block", "ptep_get_and_clear() in arch/*/include/asm/pgtable.h"},
	"__ptep_get_and_clear": {"__ptep_get_and_clear(mm, addr, ptep)", "arm64's raw form: never unfolds", "__ptep_get_and_clear() in arch/arm64/include/asm/pgtable.h"},
	"pte_clear":            {"pte_clear(mm, addr, ptep)", "write 0 (x86 PAE: low half, smp_wmb, high half: 2 steps)", "pte_clear() in arch/*/include/asm/pgtable.h, native_pte_clear() in arch/x86/include/asm/pgtable-3level.h"},
	"set_pmd":              {"set_pmd(pmdp, pmd)", "write a pmd entry (64-bit, atomic on every arch)", "set_pmd() in arch/*/include/asm/pgtable.h"},
	"pmd_clear":            {"pmd_clear(pmdp)", "clear a pmd entry", "pmd_clear() in arch/*/include/asm/pgtable.h"},
	"pmdp_get":             {"pmdp_get(pmdp)", "read a pmd entry", "pmdp_get() in include/linux/pgtable.h"},
	"set_pud":              {"set_pud(pudp, pud)", "write a pud entry", "set_pud() in arch/*/include/asm/pgtable.h"},
	"pud_clear":            {"pud_clear(pudp)", "clear a pud entry", "pud_clear() in arch/*/include/asm/pgtable.h"},
	"pudp_get":             {"pudp_get(pudp)", "read a pud entry", "pudp_get() in include/linux/pgtable.h"},
	"pte_read_low":         {"pte_read_low(ptep)", "read the low 32-bit half (one step), for PAE readers by hand", "ptep->pte_low in arch/x86/include/asm/pgtable-3level.h"},
	"pte_read_high":        {"pte_read_high(ptep)", "read the high 32-bit half (one step)", "ptep->pte_high in arch/x86/include/asm/pgtable-3level.h"},
	"pte_write_low":        {"pte_write_low(ptep, v)", "write the low half (one step)", "WRITE_ONCE(ptep->pte_low, …) in arch/x86/include/asm/pgtable-3level.h"},
	"pte_write_high":       {"pte_write_high(ptep, v)", "write the high half (one step)", "WRITE_ONCE(ptep->pte_high, …) in arch/x86/include/asm/pgtable-3level.h"},
	"contpte_try_fold":     {"contpte_try_fold(mm, addr, ptep, pte)", "arm64: repaint the block around ptep with PTE_CONT set, if it can be folded, as one block operation", "contpte_try_fold() in arch/arm64/include/asm/pgtable.h, arch/arm64/mm/contpte.c"},
	"contpte_try_unfold":   {"contpte_try_unfold(mm, addr, ptep, pte)", "arm64: repaint the block around ptep with PTE_CONT cleared", "contpte_try_unfold() in arch/arm64/include/asm/pgtable.h, arch/arm64/mm/contpte.c"},

	"pte_free_kernel": {"pte_free_kernel(table)", "free a pte table page (table is its first entry's address)", "pte_free_kernel() in include/asm-generic/pgalloc.h"},
	"pmd_free":        {"pmd_free(table)", "free a pmd table page", "pmd_free() in include/asm-generic/pgalloc.h"},
	"free_page":       {"free_page(pfn)", "free a page; freeing it again is a use-after-free", "__free_page() in mm/page_alloc.c"},
	"get_page":        {"get_page(pfn)", "take a reference; of a freed page, a use-after-free", "get_page() in include/linux/mm.h"},
	"put_page":        {"put_page(pfn)", "drop a reference; the last one frees the page", "put_page() in include/linux/mm.h"},
	"map":             {"map(mm, va, size, pfn, prot)", "init only: map size bytes at va with 4K entries, allocating tables (arm64 user mms: aligned 64K runs become contpte blocks)", "the mapping a test starts from; no one kernel function"},
	"map_pmd":         {"map_pmd(mm, va, pfn, prot)", "init only: a 2M block mapping at a 2M-aligned va", "the mapping a test starts from; no one kernel function"},

	"access":       {"access(mm, va, write)", "one memory access by this CPU: TLB lookup or a walk that fills the TLB and sets young (dirty for a write); 1, or 0 on a user fault", "the MMU's table walk (arm64 ARM ARM D8, x86 SDM 4.4)"},
	"hw_set_young": {"hw_set_young(ptep)", "the hardware setting the access flag of a valid entry (a non-present one is left alone)", "hardware AF update (arm64 FEAT_HAFDBS), x86 accessed bit"},
	"hw_set_dirty": {"hw_set_dirty(ptep)", "the hardware setting the dirty state of a valid, writable entry", "hardware DBM update (arm64 FEAT_HAFDBS), x86 dirty bit"},

	"flush_tlb_mm_range":         {"flush_tlb_mm_range(mm, start, end)", "drop mm's translations in [start, end) on every CPU (x86 PAE: IPIs, then wait for them)", "flush_tlb_mm_range() in arch/x86/mm/tlb.c, __flush_tlb_range() in arch/arm64/include/asm/tlbflush.h"},
	"flush_tlb_kernel_range":     {"flush_tlb_kernel_range(start, end)", "drop kernel translations in [start, end) on every CPU", "flush_tlb_kernel_range() in arch/*/include/asm/tlbflush.h, arch/x86/mm/tlb.c"},
	"__flush_tlb_kernel_pgtable": {"__flush_tlb_kernel_pgtable(addr)", "arm64's flush after freeing a kernel page-table page", "__flush_tlb_kernel_pgtable() in arch/arm64/include/asm/tlbflush.h"},
	"flush_tlb_all":              {"flush_tlb_all()", "every translation of every mm on every CPU", "flush_tlb_all() in arch/*/include/asm/tlbflush.h"},
	"dsb_ishst":                  {"dsb_ishst()", "arm64: makes this CPU's pending kernel PTE writes visible to the walker; a store barrier under the weak models", "dsb(ishst) in arch/arm64/include/asm/barrier.h, emitted by queue_pte_barriers()"},
	"dsb_ish":                    {"dsb_ish()", "arm64: as dsb_ishst, and a full barrier under the weak models", "dsb(ish) in arch/arm64/include/asm/barrier.h"},
	"dsb_count":                  {"dsb_count()", "how many dsbs this CPU has issued (including those implied by PTE writes and flushes on arm64)", "a counter of the model, for asserts about barrier batching"},

	"arch_enter_lazy_mmu_mode": {"arch_enter_lazy_mmu_mode()", "the arch hook; entering again while in lazy mode is a lazy violation, except a nested enter from the task on arm64 (1ef3095b1405)", "arch_enter_lazy_mmu_mode() in arch/arm64/include/asm/pgtable.h, arch/x86/include/asm/paravirt.h"},
	"arch_leave_lazy_mmu_mode": {"arch_leave_lazy_mmu_mode()", "emit what is batched (arm64: one barrier pair; Xen PV: the queued writes) and leave", "arch_leave_lazy_mmu_mode() in arch/arm64/include/asm/pgtable.h, xen_leave_lazy_mmu() in arch/x86/xen/mmu_pv.c"},
	"arch_flush_lazy_mmu_mode": {"arch_flush_lazy_mmu_mode()", "emit what is batched and stay in lazy mode; a no-op outside lazy mode (arch_kmap_local_post_map() calls it on every kmap)", "arch_flush_lazy_mmu_mode() in arch/arm64/include/asm/pgtable.h, xen_flush_lazy_mmu() in arch/x86/xen/mmu_pv.c"},
	"in_interrupt":             {"in_interrupt()", "1 inside an irq block", "in_interrupt() in include/linux/preempt.h"},
	"smp_processor_id":         {"smp_processor_id()", "the script's number of the CPU the caller runs on; in a preemptible task it may be stale by the next step, as raw_smp_processor_id() is", "smp_processor_id() in include/linux/smp.h"},

	"spin_lock":         {"spin_lock(l)", "take a spinlock (does not disable interrupts)", "spin_lock() in include/linux/spinlock.h"},
	"spin_trylock":      {"spin_trylock(l)", "take the spinlock if free: 1, else 0", "spin_trylock() in include/linux/spinlock.h"},
	"spin_unlock":       {"spin_unlock(l)", "release a spinlock this thread holds", "spin_unlock() in include/linux/spinlock.h"},
	"spin_is_locked":    {"spin_is_locked(l)", "1 if the spinlock is held", "spin_is_locked() in include/linux/spinlock.h"},
	"down_read":         {"down_read(s)", "take an rwsem for reading; may sleep", "down_read() in kernel/locking/rwsem.c"},
	"down_write":        {"down_write(s)", "take an rwsem for writing; may sleep", "down_write() in kernel/locking/rwsem.c"},
	"down_read_trylock": {"down_read_trylock(s)", "take it for reading if possible: 1, else 0", "down_read_trylock() in kernel/locking/rwsem.c"},
	"up_read":           {"up_read(s)", "release a read hold", "up_read() in kernel/locking/rwsem.c"},
	"up_write":          {"up_write(s)", "release a write hold", "up_write() in kernel/locking/rwsem.c"},
	"mmap_read_lock":    {"mmap_read_lock(mm)", "mm's mmap_lock for reading; may sleep", "mmap_read_lock() in include/linux/mmap_lock.h"},
	"mmap_write_lock":   {"mmap_write_lock(mm)", "mm's mmap_lock for writing; may sleep", "mmap_write_lock() in include/linux/mmap_lock.h"},
	"mmap_read_trylock": {"mmap_read_trylock(mm)", "mmap_lock for reading if possible: 1, else 0", "mmap_read_trylock() in include/linux/mmap_lock.h"},
	"mmap_read_unlock":  {"mmap_read_unlock(mm)", "release mmap_lock's read hold", "mmap_read_unlock() in include/linux/mmap_lock.h"},
	"mmap_write_unlock": {"mmap_write_unlock(mm)", "release mmap_lock's write hold", "mmap_write_unlock() in include/linux/mmap_lock.h"},
	"local_irq_disable": {"local_irq_disable()", "interrupts off for this CPU", "local_irq_disable() in include/linux/irqflags.h"},
	"local_irq_enable":  {"local_irq_enable()", "interrupts on for this CPU", "local_irq_enable() in include/linux/irqflags.h"},
	"local_irq_save":    {"local_irq_save()", "interrupts off; returns the old state (1 if they were off)", "local_irq_save() in include/linux/irqflags.h"},
	"local_irq_restore": {"local_irq_restore(flags)", "restores the state local_irq_save returned", "local_irq_restore() in include/linux/irqflags.h"},
	"rcu_read_lock":     {"rcu_read_lock()", "enter an RCU read-side critical section (nests)", "rcu_read_lock() in include/linux/rcupdate.h"},
	"rcu_read_unlock":   {"rcu_read_unlock()", "leave it", "rcu_read_unlock() in include/linux/rcupdate.h"},
	"synchronize_rcu":   {"synchronize_rcu()", "wait until every CPU in a read-side section (rcu_read_lock, IRQs off, an interrupt) when called has left it; may sleep", "synchronize_rcu() in kernel/rcu/tree.c"},

	"static_branch_enable":   {"static_branch_enable(k)", "set the key and synchronise every other CPU with an IPI (may sleep)", "static_key_enable() in kernel/jump_label.c, kick_all_cpus_sync() via text_poke on arm64"},
	"static_branch_disable":  {"static_branch_disable(k)", "clear the key and synchronise every other CPU like enable (may sleep)", "static_key_disable() in kernel/jump_label.c"},
	"static_branch_inc":      {"static_branch_inc(k)", "increment the key; from 0 to 1 waits as static_branch_enable", "static_key_slow_inc() in kernel/jump_label.c"},
	"static_branch_dec":      {"static_branch_dec(k)", "decrement the key; no wait", "static_key_slow_dec() in kernel/jump_label.c"},
	"static_branch_unlikely": {"static_branch_unlikely(k)", "read the key: 1 or 0", "static_branch_unlikely() in include/linux/jump_label.h"},
	"static_branch_likely":   {"static_branch_likely(k)", "read the key: 1 or 0", "static_branch_likely() in include/linux/jump_label.h"},

	"READ_ONCE":                  {"READ_ONCE(p)", "a marked load", "READ_ONCE() in include/asm-generic/rwonce.h"},
	"WRITE_ONCE":                 {"WRITE_ONCE(p, v)", "a marked store", "WRITE_ONCE() in include/asm-generic/rwonce.h"},
	"smp_load_acquire":           {"smp_load_acquire(p)", "a load-acquire", "smp_load_acquire() in include/asm-generic/barrier.h"},
	"smp_store_release":          {"smp_store_release(p, v)", "a store-release", "smp_store_release() in include/asm-generic/barrier.h"},
	"smp_store_mb":               {"smp_store_mb(p, v)", "a store followed by a full barrier", "smp_store_mb() in include/asm-generic/barrier.h"},
	"rcu_dereference":            {"rcu_dereference(p)", "an RCU-protected load (marked, with address dependency)", "rcu_dereference() in include/linux/rcupdate.h"},
	"rcu_assign_pointer":         {"rcu_assign_pointer(p, v)", "an RCU publish (store-release)", "rcu_assign_pointer() in include/linux/rcupdate.h"},
	"plain_read":                 {"plain_read(p)", "an unmarked C load (the LKMM's data races)", "a plain C access; tools/memory-model/Documentation/access-marking.txt"},
	"plain_write":                {"plain_write(p, v)", "an unmarked C store", "a plain C access; tools/memory-model/Documentation/access-marking.txt"},
	"csel":                       {"csel(c, a, b)", "c != 0 ? a : b, with a data dependency on the operand selected", "arm64's CSEL instruction"},
	"x86_locked_add":             {"x86_locked_add(p, v)", "a LOCK ADD", "x86's LOCK prefix (SDM vol. 2, LOCK)"},
	"x86_locked_cmpxchg":         {"x86_locked_cmpxchg(p, old, new)", "a LOCK CMPXCHG", "x86's LOCK CMPXCHG (SDM vol. 2)"},
	"mfence":                     {"mfence()", "x86's full fence", "mfence in arch/x86/include/asm/barrier.h"},
	"isb":                        {"isb()", "arm64's instruction barrier", "isb() in arch/arm64/include/asm/barrier.h"},
	"dmb_ish":                    {"dmb_ish()", "arm64's full data memory barrier", "dmb(ish) in arch/arm64/include/asm/barrier.h"},
	"dmb_ishld":                  {"dmb_ishld()", "arm64's load barrier", "dmb(ishld) in arch/arm64/include/asm/barrier.h"},
	"dmb_ishst":                  {"dmb_ishst()", "arm64's store barrier", "dmb(ishst) in arch/arm64/include/asm/barrier.h"},
	"dsb_ishld":                  {"dsb_ishld()", "arm64's dsb for loads", "dsb(ishld) in arch/arm64/include/asm/barrier.h"},
	"barrier":                    {"barrier()", "a compiler barrier", "barrier() in include/linux/compiler.h"},
	"ldapr":                      {"ldapr(p)", "arm64 LDAPR: load-acquire (RCpc)", "arm64 LDAPR (ARM ARM C6)"},
	"ldxr":                       {"ldxr(p)", "arm64 load-exclusive", "arm64 LDXR (ARM ARM C6)"},
	"ldaxr":                      {"ldaxr(p)", "arm64 load-acquire exclusive", "arm64 LDAXR (ARM ARM C6)"},
	"stxr":                       {"stxr(p, v)", "arm64 store-exclusive: 0 stored, 1 failed", "arm64 STXR (ARM ARM C6)"},
	"stlxr":                      {"stlxr(p, v)", "arm64 store-release exclusive: 0 stored, 1 failed", "arm64 STLXR (ARM ARM C6)"},
	"ldxp":                       {"ldxp(p)", "arm64 load-exclusive of the pair of words at p: returns the first, pair_hi() the second", "arm64 LDXP (ARM ARM C6)"},
	"ldaxp":                      {"ldaxp(p)", "arm64 load-acquire exclusive of a pair", "arm64 LDAXP (ARM ARM C6)"},
	"stxp":                       {"stxp(p, v1, v2)", "arm64 store-exclusive of the pair of words at p: 0 stored, 1 failed", "arm64 STXP (ARM ARM C6)"},
	"stlxp":                      {"stlxp(p, v1, v2)", "arm64 store-release exclusive of a pair", "arm64 STLXP (ARM ARM C6)"},
	"srcu_read_lock":             {"srcu_read_lock(s)", "enter an SRCU read-side section on s; returns the index (weak models only)", "srcu_read_lock() in include/linux/srcu.h"},
	"srcu_read_unlock":           {"srcu_read_unlock(s, idx)", "leave it", "srcu_read_unlock() in include/linux/srcu.h"},
	"srcu_down_read":             {"srcu_down_read(s)", "SRCU read-side entry that another task may end", "srcu_down_read() in include/linux/srcu.h"},
	"srcu_up_read":               {"srcu_up_read(s, idx)", "end it", "srcu_up_read() in include/linux/srcu.h"},
	"synchronize_srcu":           {"synchronize_srcu(s)", "wait for s's read-side sections", "synchronize_srcu() in kernel/rcu/srcutree.c"},
	"synchronize_srcu_expedited": {"synchronize_srcu_expedited(s)", "the same, expedited", "synchronize_srcu_expedited() in kernel/rcu/srcutree.c"},
	// issue 11's primitives
	"alloc_page":                {"alloc_page([gfp])", "a new data page; returns its pfn (reference count 1). Without GFP_ATOMIC or GFP_NOWAIT it may sleep", "alloc_page() in include/linux/gfp.h"},
	"pte_alloc_one":             {"pte_alloc_one([mm])", "a new, empty pte table page (GFP_PGTABLE_USER: may sleep); returns its first entry's address", "pte_alloc_one() in include/asm-generic/pgalloc.h"},
	"pmd_alloc_one":             {"pmd_alloc_one([mm, addr])", "a new, empty pmd table page (may sleep)", "pmd_alloc_one() in include/asm-generic/pgalloc.h"},
	"GFP_ATOMIC":                {"GFP_ATOMIC", "allocation flags that never sleep", "GFP_ATOMIC in include/linux/gfp_types.h"},
	"GFP_NOWAIT":                {"GFP_NOWAIT", "allocation flags that never sleep", "GFP_NOWAIT in include/linux/gfp_types.h"},
	"GFP_KERNEL":                {"GFP_KERNEL", "allocation flags that may enter direct reclaim (sleep)", "GFP_KERNEL in include/linux/gfp_types.h"},
	"call_rcu":                  {"call_rcu(&w, v)", "after a grace period, a callback on the calling CPU writes v to w", "call_rcu() in kernel/rcu/tree.c"},
	"flush_tlb_mm":              {"flush_tlb_mm(mm)", "drop every translation of mm on every CPU", "flush_tlb_mm() in arch/*/include/asm/tlbflush.h"},
	"flush_tlb_page":            {"flush_tlb_page(mm, addr)", "drop addr's translation of mm on every CPU (the model takes the vma's mm)", "flush_tlb_page() in arch/*/include/asm/tlbflush.h"},
	"flush_tlb_range":           {"flush_tlb_range(mm, start, end)", "drop mm's translations of [start, end) on every CPU (the vma's mm)", "flush_tlb_range() in arch/*/include/asm/tlbflush.h"},
	"kick_all_cpus_sync":        {"kick_all_cpus_sync()", "an empty IPI to every other CPU, and a wait until each has taken it", "kick_all_cpus_sync() in kernel/smp.c"},
	"smp_call_function":         {"smp_call_function()", "an IPI to every other CPU and a wait (wait=1); the function itself is not modelled", "smp_call_function() in kernel/smp.c"},
	"on_each_cpu":               {"on_each_cpu()", "an IPI to every other CPU and a wait (wait=1); the function itself is not modelled", "on_each_cpu() in include/linux/smp.h, kernel/smp.c"},
	"local_bh_disable":          {"local_bh_disable()", "disable softirqs: atomic context, and an RCU reader", "local_bh_disable() in include/linux/bottom_half.h"},
	"local_bh_enable":           {"local_bh_enable()", "enable softirqs again", "local_bh_enable() in include/linux/bottom_half.h"},
	"preempt_disable":           {"preempt_disable()", "raise preempt_count: atomic context, and an RCU reader", "preempt_disable() in include/linux/preempt.h"},
	"preempt_enable":            {"preempt_enable()", "lower preempt_count", "preempt_enable() in include/linux/preempt.h"},
	"mk_pte":                    {"mk_pte(pfn, prot)", "a PTE mapping the page (the model's pages are pfns): pfn_pte()", "mk_pte() in include/linux/mm.h"},
	"pte_val":                   {"pte_val(pte)", "the entry's value", "pte_val() in arch/*/include/asm/pgtable_types.h"},
	"pmd_val":                   {"pmd_val(pmd)", "the entry's value", "pmd_val() in arch/*/include/asm/pgtable_types.h"},
	"pte_wrprotect":             {"pte_wrprotect(pte)", "the entry made read-only (arm64 keeps hardware dirtiness in PTE_DIRTY)", "pte_wrprotect() in arch/*/include/asm/pgtable.h"},
	"percpu_down_read":          {"percpu_down_read(sem)", "take a percpu rwsem for read (may sleep); a plain rwsem here", "percpu_down_read() in include/linux/percpu-rwsem.h"},
	"percpu_up_read":            {"percpu_up_read(sem)", "release a percpu rwsem taken for read", "percpu_up_read() in include/linux/percpu-rwsem.h"},
	"percpu_down_write":         {"percpu_down_write(sem)", "take a percpu rwsem for write (may sleep); a plain rwsem here", "percpu_down_write() in kernel/locking/percpu-rwsem.c"},
	"percpu_up_write":           {"percpu_up_write(sem)", "release a percpu rwsem taken for write", "percpu_up_write() in kernel/locking/percpu-rwsem.c"},
	"pmd_populate":              {"pmd_populate(mm, pmdp, table)", "point a user pmd at a page-table page", "pmd_populate() in arch/*/include/asm/pgalloc.h"},
	"pmd_populate_kernel":       {"pmd_populate_kernel(mm, pmdp, table)", "point a kernel pmd at a page-table page", "pmd_populate_kernel() in arch/*/include/asm/pgalloc.h"},
	"pmdp_get_lockless":         {"pmdp_get_lockless(pmdp)", "x86 PAE: low half, high half, low again, retry if it changed; elsewhere one read", "pmdp_get_lockless() in include/linux/pgtable.h"},
	"pmdp_huge_get_and_clear":   {"pmdp_huge_get_and_clear(mm, addr, pmdp)", "an atomic exchange of a pmd with 0", "pmdp_huge_get_and_clear() in arch/*/include/asm/pgtable.h"},
	"ptep_set_wrprotect":        {"ptep_set_wrprotect(mm, addr, ptep)", "pte_wrprotect() of the entry as one atomic step", "ptep_set_wrprotect() in arch/*/include/asm/pgtable.h"},
	"ptep_test_and_clear_young": {"ptep_test_and_clear_young(mm, addr, ptep)", "clear the access flag and return whether it was set (over the whole block on arm64 contpte)", "ptep_test_and_clear_young() in arch/*/include/asm/pgtable.h"},
	"ptep_clear_flush":          {"ptep_clear_flush(mm, addr, ptep)", "ptep_get_and_clear() then flush_tlb_page(); returns the old pte (the vma's mm)", "ptep_clear_flush() in mm/pgtable-generic.c"},
	"pte_offset_map":            {"pte_offset_map(pmdp, addr)", "rcu_read_lock(), pmdp_get_lockless(), then addr's entry of the table, or 0 (and no RCU) if the pmd is not a table", "__pte_offset_map() in mm/pgtable-generic.c"},
	"pte_unmap":                 {"pte_unmap(ptep)", "end what pte_offset_map() began: rcu_read_unlock()", "pte_unmap() in include/linux/pgtable.h"},
	"pte_offset_map_lock":       {"pte_offset_map_lock(mm, pmdp, addr)", "pte_offset_map(), take the table's page-table lock, re-check the pmd and retry if it changed", "__pte_offset_map_lock() in mm/pgtable-generic.c"},
	"pte_unmap_unlock":          {"pte_unmap_unlock(ptep)", "release the page-table lock of ptep's table, then pte_unmap()", "pte_unmap_unlock() in include/linux/mm.h"},
	"spin_lock_irqsave":         {"spin_lock_irqsave(lock)", "local_irq_save(), then spin_lock(); returns the flags", "spin_lock_irqsave() in include/linux/spinlock.h"},
	"spin_unlock_irqrestore":    {"spin_unlock_irqrestore(lock, flags)", "spin_unlock(), then local_irq_restore(flags)", "spin_unlock_irqrestore() in include/linux/spinlock.h"},
	"tlb_gather_mmu":            {"tlb_gather_mmu(mm)", "start this thread's gather of mm; returns its handle", "tlb_gather_mmu() in mm/mmu_gather.c"},
	"tlb_remove_table":          {"tlb_remove_table(tlb, table)", "batch a page-table page for freeing", "tlb_remove_table() in mm/mmu_gather.c"},
	"tlb_finish_mmu":            {"tlb_finish_mmu(tlb)", "flush the mm, then free the batch: after the flush IPIs on x86pae, after an RCU grace period elsewhere", "tlb_finish_mmu() in mm/mmu_gather.c"},
	"tlb_remove_table_sync_one": {"tlb_remove_table_sync_one()", "with MMU_GATHER_RCU_TABLE_FREE: an IPI to every other CPU and a wait", "tlb_remove_table_sync_one() in mm/mmu_gather.c"},
}

// familyDoc documents the builtins that come in families by the shape of
// their name.
func familyDoc(b *Builtin) (doc, bool) {
	n := b.Name
	order := ""
	for _, o := range []string{"_relaxed", "_acquire", "_release"} {
		if strings.HasSuffix(n, o) {
			order = " (" + o[1:] + ")"
		}
	}
	switch {
	case strings.HasPrefix(n, "smp_mb__"):
		return doc{n + "()", "the kernel barrier " + n + ": no effect under sc, ordering as the weak model says", n + "() in include/asm-generic/barrier.h"}, true
	case n == "smp_mb" || n == "smp_rmb" || n == "smp_wmb":
		return doc{n + "()", "the kernel's " + n + ": no effect under sc, ordering as the weak model says", n + "() in include/asm-generic/barrier.h"}, true
	case strings.HasPrefix(n, "atomic_"):
		return doc{sigOf(b), "an atomic_t operation" + order + " on a word", n + "() in include/linux/atomic/atomic-instrumented.h"}, true
	case strings.HasPrefix(n, "xchg") || strings.HasPrefix(n, "cmpxchg"):
		return doc{sigOf(b), "exchange / compare-and-exchange on a word" + order + "; returns the old value; no page-table checks", n + "() in include/linux/atomic/atomic-instrumented.h"}, true
	case strings.HasPrefix(n, "pte_mk"):
		return doc{n + "(pte)", "the entry with the " + strings.TrimPrefix(n, "pte_mk") + " state set", n + "() in arch/*/include/asm/pgtable.h"}, true
	case n == "pair_hi":
		return doc{"pair_hi()", "the second word the CPU's last CASP or LDXP read (casp() and ldxp() return the first): the second register each writes; for AArch64 litmus tests", "CASP (ARM ARM C6), arch/arm64/include/asm/atomic_lse.h __lse__cmpxchg128()"}, true
	case strings.HasPrefix(n, "casp"):
		return doc{sigOf(b), "the arm64 atomic instruction " + strings.ToUpper(n) + " on the pair of words at p: where they equal v1 and v2, writes v3 and v4; returns the first word read (pair_hi() the second); for AArch64 litmus tests", "arm64 LSE atomics (ARM ARM C6), arch/arm64/include/asm/atomic_lse.h __lse__cmpxchg128()"}, true
	case armLSE(n):
		return doc{sigOf(b), "the arm64 atomic instruction " + strings.ToUpper(n) + ", for AArch64 litmus tests", "arm64 LSE atomics (ARM ARM C6), arch/arm64/include/asm/atomic_lse.h"}, true
	}
	return doc{}, false
}

func armLSE(n string) bool {
	for _, p := range []string{"swp", "cas", "ldadd", "ldclr", "ldeor", "ldset", "stadd", "stclr", "steor", "stset"} {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// sigOf writes a call from the parameter letters: p a pointer, m an mm,
// l a lock, r an rwsem, k a static key, v anything.
func sigOf(b *Builtin) string {
	names := map[byte]string{'p': "p", 'm': "mm", 'l': "l", 'r': "s", 'k': "k"}
	var args []string
	for i := 0; i < b.Arity; i++ {
		a := "v"
		if i < len(b.Params) {
			if s, ok := names[b.Params[i]]; ok {
				a = s
			}
		}
		if a == "v" && i > 0 {
			a = "v" + string(rune('0'+i))
		}
		args = append(args, a)
	}
	return b.Name + "(" + strings.Join(args, ", ") + ")"
}

// document fills the table's Sig, Doc and Kernel fields.
func document(all []*Builtin) []*Builtin {
	for _, b := range all {
		d, ok := docs[b.Name]
		if !ok {
			d, ok = familyDoc(b)
		}
		if ok {
			b.Sig, b.Doc, b.Kernel = d.sig, d.what, d.kernel
		}
	}
	return all
}
