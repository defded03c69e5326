package mmu_test

// Cases of the kernel primitives added for issue 11: TLB flushes by their
// kernel names, the mmu_gather path, IPIs and call_rcu(). Each says what
// the kernel function does, and most come with a mutant that fails.

// user is a user mm with one page mapped at VA.
const user = `
mm user
const VA = 0x40000000
init {
  map(user, VA, 4K, 0x1234, PAGE_SHARED)
}
`

func primitiveCases() []semCase {
	var cs []semCase
	add := func(c ...semCase) { cs = append(cs, c...) }
	// ptep_clear_flush() (mm/pgtable-generic.c): clear, then flush the
	// page; no CPU keeps a translation. The mutant skips the flush.
	for _, c := range []struct{ name, clear, want string }{
		{"ptep_clear_flush", "old = ptep_clear_flush(user, VA, ptep_of(user, VA))", "ok"},
		{"get_and_clear-no-flush", "old = ptep_get_and_clear(user, VA, ptep_of(user, VA))", "fail assert"},
		{"flush_tlb_page", "old = ptep_get_and_clear(user, VA, ptep_of(user, VA))\n  flush_tlb_page(user, VA)", "ok"},
		{"flush_tlb_range", "old = ptep_get_and_clear(user, VA, ptep_of(user, VA))\n  flush_tlb_range(user, VA, VA + 4K)", "ok"},
		{"flush_tlb_mm", "old = ptep_get_and_clear(user, VA, ptep_of(user, VA))\n  flush_tlb_mm(user)", "ok"},
		{"flush_tlb_page-other-page", "old = ptep_get_and_clear(user, VA, ptep_of(user, VA))\n  flush_tlb_page(user, VA + 4K)", "fail assert"},
	} {
		add(semCase{name: "tlb/" + c.name, want: c.want, src: user + `
shared cleared
cpu 0 {
  ` + c.clear + `
  assert pte_present(old), "the old entry"
  cleared = 1
}
cpu 1 {
  a = access(user, VA, 0)
  await cleared == 1
  b = access(user, VA, 0)
  assert b == 0, "no stale translation after the flush"
}
expect ` + c.want + `
`})
	}

	// smp_call_function() and friends: when they return, every other CPU
	// has passed a boundary with IRQs on. The mutant does not wait.
	for _, c := range []struct{ name, sync, want string }{
		{"smp_call_function", "smp_call_function()", "ok"},
		{"on_each_cpu", "on_each_cpu()", "ok"},
		{"kick_all_cpus_sync", "kick_all_cpus_sync()", "ok"},
		{"no-sync", "", "fail assert"},
	} {
		add(semCase{name: "ipi/" + c.name, want: c.want, src: `
shared inside, flag
cpu 0 {
  flag = 1
  ` + c.sync + `
  assert inside == 0, "no CPU that saw the old flag is still in its IRQs-off section"
}
cpu 1 {
  irqoff {
    if flag == 0 {
      inside = 1
      inside = 0
    }
  }
}
expect ` + c.want + `
`})
	}
	add(semCase{name: "ipi/with-irqs-off", want: "fail lock", msg: "smp_call_function() with IRQs disabled", src: `
cpu 0 {
  irqoff {
    smp_call_function()
  }
}
expect fail lock
`})

	// call_rcu(&w, v): the callback runs after a grace period, so a
	// reader that saw the old state is out of its section by then.
	for _, c := range []struct{ name, defer_, want string }{
		{"call_rcu", "call_rcu(&freed, 1)", "ok"},
		{"no-grace-period", "freed = 1", "fail assert"},
	} {
		add(semCase{name: "rcu/" + c.name, want: c.want, src: `
shared ptr = 1, freed
cpu 0 {
  ptr = 0
  ` + c.defer_ + `
}
cpu 1 {
  rcu_read_lock()
  p = ptr
  if p == 1 {
    assert freed == 0, "the object is not freed while a reader holds it"
  }
  rcu_read_unlock()
}
expect ` + c.want + `
`})
	}

	// atomic_inc/dec/add/sub/read/set on shared words (include/linux/
	// atomic/atomic-instrumented.h): no update is lost; the mutant does a
	// plain read and write and loses one.
	for _, c := range []struct{ name, inc, want string }{
		{"atomics", "atomic_inc(n)\n  atomic_add(2, n)\n  atomic_sub(2, n)\n  atomic_dec(n)\n  atomic_inc(n)", "ok"},
		{"plain-increment", "v = atomic_read(n)\n  atomic_set(n, v + 1)", "fail condition"},
	} {
		add(semCase{name: "atomic/" + c.name, want: c.want, src: `
shared n
cpu 0 {
  ` + c.inc + `
}
cpu 1 {
  ` + c.inc + `
}
final forall (n == 2)
expect ` + c.want + `
`})
	}

	// static_branch_disable() synchronises like enable
	// (static_key_disable() -> jump_label_update()): when it returns, no
	// CPU is still in the IRQs-off section that saw the key on. The
	// mutant clears the key by hand (a plain write).
	for _, c := range []struct{ name, off, want string }{
		{"static_branch_disable", "static_branch_disable(k)", "ok"},
		{"static_branch_dec", "static_branch_dec(k)", "ok"},
	} {
		add(semCase{name: "keys/" + c.name + "-syncs", want: c.want, src: `
static_key k = true
shared inside
cpu 0 {
  ` + c.off + `
  assert inside == 0, "no CPU still runs the code the key enabled"
}
cpu 1 {
  irqoff {
    if static_branch_unlikely(k) {
      inside = 1
      inside = 0
    }
  }
}
expect ` + c.want + `
`})
	}

	// The table batch of an mmu_gather: after an IPI flush on x86pae,
	// after a grace period elsewhere. A walker under rcu_read_lock() only
	// (IRQs on) is safe where the free waits for RCU, not where it waits
	// for the flush IPI only.
	add(semCase{name: "gather/rcu-walker",
		per: map[string]string{"arm64": "ok", "x86pae": "fail use-after-free", "x86pae-pv": "ok", "xenpv": "ok"}, src: `
mm user
const VA = 0x40000000
init {
  map(user, VA + 5 * 4K, 4K, 0x1234, PAGE_SHARED)
}
cpu 0 {
  pmdp = pmdp_of(user, VA)
  table = pte_offset_kernel(pmdp, VA)
  tlb = tlb_gather_mmu(user)
  pmd_clear(pmdp)
  tlb_remove_table(tlb, table)
  tlb_finish_mmu(tlb)
}
cpu 1 {
  rcu_read_lock()
  pmdp = pmdp_of(user, VA)
  pmd = pmdp_get(pmdp)
  if pmd_table(pmd) {
    pte = ptep_get(pte_offset_lockless(pmdp, pmd, VA + 5 * 4K))
  }
  rcu_read_unlock()
}
expect arm64: ok
expect x86pae: fail use-after-free
expect x86pae-pv: ok
expect xenpv: ok
`})

	// tlb_remove_table_sync_one() waits for IRQs-off walkers where tables
	// are freed by RCU; without it a walker may still read the cleared
	// pmd's table after the new entry is written (khugepaged's collapse).
	for _, c := range []struct{ name, sync, want string }{
		{"sync_one", "tlb_remove_table_sync_one()", "ok"},
		{"no-sync_one", "", "fail assert"},
	} {
		add(semCase{name: "gather/" + c.name, on: "arm64 x86pae-pv xenpv", want: c.want, src: `
shared collapsed, inside
cpu 0 {
  collapsed = 1
  ` + c.sync + `
  assert inside == 0, "no IRQs-off walker is left"
}
cpu 1 {
  flags = local_irq_save()
  if collapsed == 0 {
    inside = 1
    inside = 0
  }
  local_irq_restore(flags)
}
expect ` + c.want + `
`})
	}

	return cs
}

// entryCases: pte_offset_map*, the PTL, and the entry RMWs.
func entryCases() []semCase {
	var cs []semCase
	add := func(c ...semCase) { cs = append(cs, c...) }
	add(semCase{name: "map/pte_offset_map", want: "ok", src: user + `
cpu 0 {
  pmdp = pmdp_of(user, VA)
  ptep = pte_offset_map(pmdp, VA)
  assert ptep == ptep_of(user, VA), "the entry's address"
  assert pte_pfn(ptep_get(ptep)) == 0x1234, "maps the page"
  pte_unmap(ptep)
  none = pte_offset_map(pmdp_of(user, VA + 2M), VA + 2M)
  assert none == 0, "no table: NULL, and no RCU section left open"
  synchronize_rcu()
}
expect ok
`})
	// the RCU section of pte_offset_map() holds off a table free by RCU;
	// the mutant unmaps before reading
	for _, c := range []struct{ name, body, want string }{
		{"pte_offset_map-holds-table", "pte = ptep_get(ptep)\n    pte_unmap(ptep)", "ok"},
		{"pte_unmap-too-early", "pte_unmap(ptep)\n    pte = ptep_get(ptep)", "fail use-after-free"},
	} {
		add(semCase{name: "map/" + c.name, on: "arm64 x86pae-pv xenpv", want: c.want, src: user + `
cpu 0 {
  pmdp = pmdp_of(user, VA)
  table = pte_offset_kernel(pmdp, VA)
  tlb = tlb_gather_mmu(user)
  pmd_clear(pmdp)
  tlb_remove_table(tlb, table)
  tlb_finish_mmu(tlb)
}
cpu 1 {
  ptep = pte_offset_map(pmdp_of(user, VA), VA)
  if ptep != 0 {
    ` + c.body + `
  }
}
expect ` + c.want + `
`})
	}
	// the PTL excludes; sleeping under it is named; it re-checks the pmd
	add(semCase{name: "map/ptl-excludes", want: "ok", src: user + `
shared n
cpu 0 {
  ptep = pte_offset_map_lock(user, pmdp_of(user, VA), VA)
  v = n
  n = v + 1
  pte_unmap_unlock(ptep)
}
cpu 1 {
  ptep = pte_offset_map_lock(user, pmdp_of(user, VA), VA)
  v = n
  n = v + 1
  pte_unmap_unlock(ptep)
}
final forall (n == 2)
expect ok
`})
	add(semCase{name: "map/ptl-sleep", want: "fail lock", msg: "mmap_read_lock() may sleep but is called while holding spinlock ptl", src: user + `
cpu 0 {
  ptep = pte_offset_map_lock(user, pmdp_of(user, VA), VA)
  mmap_read_lock(user)
}
expect fail lock
`})
	add(semCase{name: "map/ptl-held-at-end", want: "fail lock", msg: "the PTL of table page", src: user + `
cpu 0 {
  ptep = pte_offset_map_lock(user, pmdp_of(user, VA), VA)
  rcu_read_unlock()
}
expect fail lock
`})
	add(semCase{name: "map/ptl-rechecks-pmd", want: "ok", src: user + `
cpu 0 {
  pmdp = pmdp_of(user, VA)
  ptep = pte_offset_map_lock(user, pmdp, VA)   // retract_page_tables(): under the PTL
  pmd_clear(pmdp)
  pte_unmap_unlock(ptep)
}
cpu 1 {
  ptep = pte_offset_map_lock(user, pmdp_of(user, VA), VA)
  if ptep != 0 {
    assert pmd_table(pmdp_get(pmdp_of(user, VA))), "the pmd still points to the locked table"
    pte_unmap_unlock(ptep)
  }
}
expect ok
`})

	// RMWs on entries
	add(semCase{name: "entries/ptep_set_wrprotect", want: "ok", src: user + `
cpu 0 {
  ptep = ptep_of(user, VA)
  hw_set_dirty(ptep)
  ptep_set_wrprotect(user, VA, ptep)
  v = ptep_get(ptep)
  assert !pte_write(v) && pte_dirty(v) && pte_present(v), "read-only, still dirty"
  assert pte_write(pte_mkwrite(v)) && !pte_write(pte_wrprotect(pte_mkwrite(v))), "mkwrite / wrprotect"
  assert pte_val(mk_pte(0x55, PAGE_SHARED)) == pfn_pte(0x55, PAGE_SHARED), "mk_pte is pfn_pte"
}
expect ok
`})
	add(semCase{name: "entries/ptep_test_and_clear_young", want: "ok", src: user + `
cpu 0 {
  ptep = ptep_of(user, VA)
  a = access(user, VA, 0)
  y1 = ptep_test_and_clear_young(user, VA, ptep)
  y2 = ptep_test_and_clear_young(user, VA, ptep)
  assert a == 1 && y1 == 1 && y2 == 0, "young once"
}
expect ok
`})
	add(semCase{name: "entries/pmdp_huge_get_and_clear", want: "ok", src: `
mm user
const VA = 0x40000000
init {
  map_pmd(user, VA, 0x200000, PAGE_SHARED)
}
cpu 0 {
  pmdp = pmdp_of(user, VA)
  old = pmdp_huge_get_and_clear(user, VA, pmdp)
  assert pmd_leaf(old) && pmd_pfn(old) == 0x200000, "the old block"
  assert pmd_none(pmdp_get(pmdp)), "cleared"
}
expect ok
`})
	// pmdp_get_lockless() against x86 PAE's two-step pmd_clear(): a present
	// value it returns is the whole old entry; a one-pass read of the two
	// halves (the mutant) can return a torn present one... which cannot
	// happen here since the low half (with the present bit) goes first, so
	// the mutant writes the halves high first by hand.
	for _, c := range []struct{ name, read, want string }{
		{"pmdp_get_lockless", "v = pmdp_get_lockless(&pmds[0])", "ok"},
		{"one-pass-halves", "lo = pte_read_low(&pmds[0])\n  hi = pte_read_high(&pmds[0])\n  v = make_pte(hi, lo)", "fail condition"},
	} {
		add(semCase{name: "pae/" + c.name, on: "x86pae", want: c.want, src: `
table pmds
init {
  set_pmd(&pmds[0], pfn_pmd(0x123456, PAGE_KERNEL))
}
cpu 0 {
  pte_write_low(&pmds[0], 0)
  pte_write_high(&pmds[0], pte_high(pfn_pmd(0x654321, PAGE_KERNEL)))
  pte_write_low(&pmds[0], pte_low(pfn_pmd(0x654321, PAGE_KERNEL)))
}
cpu 1 {
  ` + c.read + `
}
final ~exists (pmd_present(1:v) && 1:v != pfn_pmd(0x123456, PAGE_KERNEL) && 1:v != pfn_pmd(0x654321, PAGE_KERNEL))
expect ` + c.want + `
`})
	}
	return cs
}

// archOptionCases: arm64+bbml2 lets block sizes change without
// break-before-make; plain arm64 (the mutant) does not.
func archOptionCases() []semCase {
	var cs []semCase
	add := func(c ...semCase) { cs = append(cs, c...) }
	per := map[string]string{"arm64": "fail bbm", "arm64+bbml2": "ok"}
	add(semCase{name: "bbml2/cont-bit", per: per, src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x1000, PAGE_SHARED)   // one entry: not folded
}
cpu 0 {
  p = ptep_of(user, VA)
  set_pte(p, pte_mkcont(ptep_get(p)))     // contpte_convert() without the clear
}
expect arm64: fail bbm
expect arm64+bbml2: ok
`})
	add(semCase{name: "bbml2/split-linear-map", per: per, src: `
const KVA = 0xffff000000200000
shared table
init {
  map_pmd(init_mm, KVA, 0x40000, PAGE_KERNEL)
  t = pte_alloc_one()
  __set_ptes(init_mm, KVA, t, pfn_pte(0x40000, PAGE_KERNEL), 512)
  table = t
}
cpu 0 "split_kernel_leaf_mapping" {
  pmd_populate_kernel(init_mm, pmdp_of(init_mm, KVA), table)
  a = access(init_mm, KVA + 5 * 4K, 0)
}
expect arm64: fail bbm
expect arm64+bbml2: ok
`})
	// the split must map the same range: a table with a wrong entry is
	// still a bbm violation under bbml2
	add(semCase{name: "bbml2/split-other-range", per: map[string]string{"arm64+bbml2": "fail bbm"}, src: `
const KVA = 0xffff000000200000
shared table
init {
  map_pmd(init_mm, KVA, 0x40000, PAGE_KERNEL)
  t = pte_alloc_one()
  __set_ptes(init_mm, KVA, t, pfn_pte(0x40000, PAGE_KERNEL), 512)
  set_pte(t + 7 * 8, pfn_pte(0x99999, PAGE_KERNEL))
  table = t
}
cpu 0 {
  pmd_populate_kernel(init_mm, pmdp_of(init_mm, KVA), table)
}
expect fail bbm
`})
	return cs
}
