package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// primitiveScripts are kernel primitives that the execution-graph
// models refused before (and ran under sc and tso only): the page-table
// RMWs, pte_offset_map(), pmdp_get_lockless(), ptep_clear_flush() and the
// cross-CPU calls. Each gives the same verdict under every model and
// search: they are atomic RMWs, grace periods and IPIs the sender waits
// for, which no model weakens.
var primitiveScripts = []struct {
	name, arch, src, verdict string
	armVerdict               string // under armv8 and lkmm, where it differs
}{
	{"kick_all_cpus_sync orders SB", "arm64", sbSyncSrc("kick_all_cpus_sync()"), "ok", ""},
	{"on_each_cpu orders SB", "arm64", sbSyncSrc("on_each_cpu()"), "ok", ""},
	{"test_and_clear_young once", "arm64", youngSrc("0xffff800080000000"), "ok", ""},
	{"test_and_clear_young once, PAE halves", "x86pae", youngSrc("0xc0000000"), "ok", ""},
	{"pmdp_huge_get_and_clear once", "arm64", userPage("0x7f0000000000") + `cpu 0 {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  a = pmdp_huge_get_and_clear(user, VA, pmdp)
}
cpu 1 {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  b = pmdp_huge_get_and_clear(user, VA, pmdp)
}
final ~exists (0:a != 0 && 1:b != 0 || 0:a == 0 && 1:b == 0)
`, "ok", ""},
	{"pte_offset_map under RCU", "arm64", pteMapSrc("  synchronize_rcu()\n"), "ok", ""},
	{"pte_offset_map, freed without a grace period", "arm64", pteMapSrc(""), "fail use-after-free", ""},
	{"ptep_clear_flush waits for IRQs-off walkers (x86 IPI)", "x86pae", clearFlushSrc, "ok", ""},
	{"ptep_clear_flush does not (arm64 TLBI)", "arm64", clearFlushSrc, "fail use-after-free", ""},
	{"tlb_remove_table_sync_one waits for IRQs-off walkers", "arm64", syncOneSrc("tlb_remove_table_sync_one()"), "ok", ""},
	{"no walker is waited for without it", "arm64", syncOneSrc(""), "fail assert", ""},
	{"a percpu rwsem orders critical sections", "arm64", `shared x, y
rwsem s
cpu 0 {
  percpu_down_write(s)
  WRITE_ONCE(x, 1)
  WRITE_ONCE(y, 1)
  percpu_up_write(s)
}
cpu 1 {
  percpu_down_read(s)
  r1 = READ_ONCE(y)
  r2 = READ_ONCE(x)
  percpu_up_read(s)
}
final ~exists (1:r1 == 1 && 1:r2 == 0)
`, "ok", ""},
	{"the PTL orders critical sections", "arm64", ptlMPSrc(true), "ok", ""},
	{"MP without the reader's PTL", "arm64", ptlMPSrc(false), "ok", "fail condition"},
	{"pte_offset_map_lock retries a changed pmd", "arm64", ptlRetractSrc, "ok", ""},
	{"tlb_finish_mmu frees after a grace period (arm64)", "arm64", gatherSrc(true), "ok", ""},
	{"tlb_finish_mmu frees after a grace period (x86 PV)", "xenpv", gatherSrc(true), "ok", ""},
	{"tlb_finish_mmu frees after its IPIs (x86)", "x86pae", gatherSrc(true), "ok", ""},
	{"tlb_finish_mmu does not wait for a walker with IRQs on (arm64)", "arm64", gatherSrc(false), "fail use-after-free", ""},
	{"tlb_finish_mmu does not wait for a walker with IRQs on (x86)", "x86pae", gatherSrc(false), "fail use-after-free", ""},
	{"call_rcu waits for readers", "arm64", callRCUSrc(true), "ok", ""},
	{"call_rcu does not wait for a plain read", "arm64", callRCUSrc(false), "fail assert", ""},
}

// callRCUSrc unpublishes an object and "frees" it in an RCU callback
// (call_rcu(&freed, 1)), against a reader inside rcu_read_lock() or not.
func callRCUSrc(reader bool) string {
	lock, unlock := "  rcu_read_lock()\n", "  rcu_read_unlock()\n"
	if !reader {
		lock, unlock = "", ""
	}
	return `shared p = 1, freed
cpu 0 "updater" {
  WRITE_ONCE(p, 0)
  call_rcu(&freed, 1)
}
cpu 1 "reader" {
` + lock + `  r = READ_ONCE(p)
  if r {
    f = READ_ONCE(freed)
    assert f == 0, "the reader saw the object freed"
  }
` + unlock + `}
`
}

// gatherSrc is free_pgtables()'s mmu_gather against a GUP-fast walk
// (examples/model/mmu-gather-table-free.mmu), with IRQs off in the walk
// or not.
func gatherSrc(irqsOff bool) string {
	save, restore := "  flags = local_irq_save()\n", "  local_irq_restore(flags)\n"
	if !irqsOff {
		save, restore = "", ""
	}
	return freeingCPU("0x40000000") + `  tlb = tlb_gather_mmu(user)
  pmd_clear(pmdp)
  tlb_remove_table(tlb, table)
  tlb_finish_mmu(tlb)
}
cpu 1 "GUP-fast" {
` + save + `  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  pmd = pmdp_get(pmdp)
  if pmd_table(pmd) {
    pte = ptep_get_lockless(pte_offset_lockless(pmdp, pmd, VA))
  }
` + restore + `}
`
}

// syncOneSrc is khugepaged's collapse against a GUP-fast walk with IRQs
// off (mm/mmu_gather.c: tlb_remove_table_sync_one()): after sync, no walker
// is left inside.
func syncOneSrc(sync string) string {
	return `shared collapsed, inside
cpu 0 {
  collapsed = 1
  ` + sync + `
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
`
}

// ptlMPSrc is MP with the writer under a table's PTL, and the reader too
// when locked.
func ptlMPSrc(locked bool) string {
	lock, unlock := "  ptep = pte_offset_map_lock(user, pmdp, VA)\n", "  pte_unmap_unlock(ptep)\n"
	rlock, runlock := lock, unlock
	if !locked {
		rlock, runlock = "", ""
	}
	return userPage("0x7f0000000000") + `shared x, y
cpu 0 {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
` + lock + `  WRITE_ONCE(x, 1)
  WRITE_ONCE(y, 1)
` + unlock + `}
cpu 1 {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
` + rlock + `  r1 = READ_ONCE(y)
  r2 = READ_ONCE(x)
` + runlock + `}
final ~exists (1:r1 == 1 && 1:r2 == 0)
`
}

// ptlRetractSrc clears a pmd under its table's PTL and frees the table
// after a grace period, as retract_page_tables() does (mm/khugepaged.c,
// with pte_free_defer()'s RCU-deferred free), while a fault maps it with
// pte_offset_map_lock(), which finds the pmd changed once it holds the
// PTL and retries (mm/pgtable-generic.c: __pte_offset_map_lock()).
var ptlRetractSrc = freeingCPU("0x7f0000000000") + `  ptep = pte_offset_map_lock(user, pmdp, VA)
  pmd_clear(pmdp)
  pte_unmap_unlock(ptep)
  synchronize_rcu()
  pte_free_kernel(table)
}
cpu 1 "fault" {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  ptep = pte_offset_map_lock(user, pmdp, VA)
  if ptep {
    v = ptep_get(ptep)
    pte_unmap_unlock(ptep)
  }
}
`

// userPage maps one user page at VA = va.
func userPage(va string) string {
	return "const VA = " + va + "\nmm user\ninit {\n  map(user, VA, 4K, 0x5000, PAGE_SHARED)\n}\n"
}

// freeingCPU is userPage and the start of CPU 0, which holds the pmd
// (pmdp) and the PTE table (table) of VA.
func freeingCPU(va string) string {
	return userPage(va) + "cpu 0 {\n  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)\n  table = pte_offset_kernel(pmdp, VA)\n"
}

// sbSyncSrc is SB with sync between CPU 0's store and load: a call that
// waits until every other CPU has taken an IPI orders the two like a
// full barrier on both sides (sys_membarrier()'s idea).
func sbSyncSrc(sync string) string {
	return `shared x, y
cpu 0 {
  WRITE_ONCE(x, 1)
  ` + sync + `
  r0 = READ_ONCE(y)
}
cpu 1 {
  WRITE_ONCE(y, 1)
  r1 = READ_ONCE(x)
}
final ~exists (0:r0 == 0 && 1:r1 == 0)
`
}

func youngSrc(va string) string {
	return `const VA = ` + va + `
init {
  map(init_mm, VA, 4K, 0x80000, PAGE_KERNEL)
  ptep = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA), VA)
  set_pte(ptep, pte_mkyoung(ptep_get(ptep)))
}
cpu 0 {
  ptep = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA), VA)
  a = ptep_test_and_clear_young(init_mm, VA, ptep)
}
cpu 1 {
  ptep = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA), VA)
  b = ptep_test_and_clear_young(init_mm, VA, ptep)
}
final ~exists (0:a == 1 && 1:b == 1 || 0:a == 0 && 1:b == 0)
`
}

func pteMapSrc(sync string) string {
	return freeingCPU("0x7f0000000000") + `  pmd_clear(pmdp)
` + sync + `  pte_free_kernel(table)
}
cpu 1 {
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  ptep = pte_offset_map(pmdp, VA)
  if ptep {
    v = ptep_get(ptep)
    pte_unmap(ptep)
  }
}
`
}

var clearFlushSrc = freeingCPU("0x40000000") + `  pmd_clear(pmdp)
  old = ptep_clear_flush(user, VA, table)
  pte_free_kernel(table)
}
cpu 1 {
  flags = local_irq_save()
  pmdp = pmd_offset(pud_offset(pgd_offset(user, VA), VA), VA)
  pmd = pmdp_get_lockless(pmdp)
  if pmd_table(pmd) {
    pte = ptep_get_lockless(pte_offset_lockless(pmdp, pmd, VA))
  }
  local_irq_restore(flags)
}
`

// TestWeakPrimitives checks primitiveScripts under every model and
// search, complete.
func TestWeakPrimitives(t *testing.T) {
	for _, tc := range primitiveScripts {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			p := compileWith(t, "p.mmu", "arch "+tc.arch+"\n"+tc.src, nil)
			for _, cfg := range append(scSearches(), modelSearches()...) {
				cfg.Arch = tc.arch
				want := tc.verdict
				if tc.armVerdict != "" && (cfg.Model == "armv8" || cfg.Model == "lkmm") {
					want = tc.armVerdict
				}
				r := check(t, p, cfg)
				if r.Verdict != want || r.Verdict == "ok" && !r.Complete || len(r.Flags) > 0 {
					t.Errorf("model %q search %q -j %d: %s (complete %v %v, flags %v); want %s",
						cfg.Model, cfg.Search, cfg.Workers, r.Verdict, r.Complete, r.Bounds, r.Flags, want)
				}
			}
		})
	}
}

// TestPTLRetryFinalStates: under sc the execution-graph engines, which
// stop a pte_offset_map_lock() pass that finds the pmd changed (a spin
// loop's failed pass), reach the final states the interleaving search
// does, which runs the retry. The same under tso.
func TestPTLRetryFinalStates(t *testing.T) {
	p := compileWith(t, "ptl.mmu", "arch arm64\n"+ptlRetractSrc+"locations 1:ptep, 1:v\nfinal exists (1:ptep == 0)\n", nil)
	for _, model := range []string{"sc", "tso"} {
		want := check(t, p, vm.Config{Model: model, Search: "dfs", All: true})
		for _, search := range []string{"graph", "incremental"} {
			got := check(t, p, vm.Config{Model: model, Search: search, All: true})
			if finalStates(got) != finalStates(want) || len(want.FinalStates) < 2 {
				t.Errorf("%s, search %s: final states\n%s\nwant (dfs)\n%s", model, search, finalStates(got), finalStates(want))
			}
		}
	}
}

// pollSrc is try_wait_for_completion() polled in a loop
// (examples/litmus/poll-completion.mmu), with the producer's code and an
// extra CPU's.
func pollSrc(producer, extra string) string {
	return `shared done, data
spinlock wait_lock
proc try_wait_for_completion() {
  flags = spin_lock_irqsave(wait_lock)
  ret = 0
  if done != 0 {
    done = done - 1
    ret = 1
  }
  spin_unlock_irqrestore(wait_lock, flags)
  return ret
}
cpu 0 {
  while try_wait_for_completion() == 0 {
  }
  assert data == 42, "the waiter saw the completion before the data"
}
cpu 1 {
` + producer + `}
` + extra
}

// TestLockPassLoops: a retry loop whose failed passes take and release a
// lock (and turn IRQs off and on) is a spin loop under the
// execution-graph models too (lockPassOps): one pass stands for any
// number of failed ones. Before, under armv8 and lkmm such a loop was
// unrolled twice and the check incomplete (or refused, for
// spin_lock_irqsave()). Where some CPU looks at the lock without waiting
// (spin_trylock()), a failed pass is seen, and the loop stays unrolled:
// incomplete under the graph engines, never a verdict of ok.
func TestLockPassLoops(t *testing.T) {
	const complete = "  flags = spin_lock_irqsave(wait_lock)\n  done = done + 1\n  spin_unlock_irqrestore(wait_lock, flags)\n"
	for _, tc := range []struct {
		name, src, verdict string
	}{
		{"poll", pollSrc("  data = 42\n"+complete, ""), "ok"},
		{"data after complete", pollSrc(complete+"  data = 42\n", ""), "fail assert"},
		{"nobody completes", pollSrc("  data = 42\n", ""), "fail deadlock"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			p := compileWith(t, "poll.mmu", tc.src, nil)
			for _, cfg := range append(scSearches(), modelSearches()...) {
				if r := check(t, p, cfg); r.Verdict != tc.verdict || !r.Complete && r.Verdict == "ok" {
					t.Errorf("model %q search %q -j %d: %s (complete %v %v); want %s", cfg.Model, cfg.Search, cfg.Workers, r.Verdict, r.Complete, r.Bounds, tc.verdict)
				}
			}
		})
	}
	p := compileWith(t, "poll.mmu", pollSrc("  data = 42\n"+complete, "cpu 2 {\n  if spin_trylock(wait_lock) {\n    spin_unlock(wait_lock)\n  }\n}\n"), nil)
	for _, model := range []string{"armv8", "lkmm"} {
		if r := check(t, p, vm.Config{Model: model, Search: "graph"}); r.Complete || r.Verdict == "ok" {
			t.Errorf("with a trylock, model %s: %s (complete %v); want the loop unrolled, incomplete", model, r.Verdict, r.Complete)
		}
	}
}

// TestGatherLastUnderWeak: where an RCU callback frees tlb_finish_mmu()'s
// tables, and for call_rcu(), a weak model takes the call only as the
// last thing its cpu block does (the engines wait out the grace period on
// the calling CPU); where the flush is an IPI the tables are freed at
// once, and code may follow.
func TestGatherLastUnderWeak(t *testing.T) {
	after := strings.Replace(gatherSrc(true), "  tlb_finish_mmu(tlb)\n", "  tlb_finish_mmu(tlb)\n  if table {\n    x = 1\n  }\n", 1)
	inProc := strings.Replace(gatherSrc(true), "  tlb_finish_mmu(tlb)\n", "  finish(tlb)\n", 1) + "proc finish(tlb) {\n  tlb_finish_mmu(tlb)\n}\n"
	quiet := strings.Replace(gatherSrc(true), "  tlb_finish_mmu(tlb)\n", "  tlb_finish_mmu(tlb)\n  n = 0\n  while n < 2 {\n    n = n + 1\n  }\n", 1)
	for _, tc := range []struct {
		name, arch, src, err string
	}{
		{"a store after it", "arm64", after, "p.mmu:14:3: tlb_finish_mmu is modelled under model armv8 only as the last thing a cpu block does"},
		{"in a proc", "arm64", inProc, "p.mmu:26:3: tlb_finish_mmu is modelled under model armv8 only as the last thing a cpu block does"},
		{"only locals after it", "arm64", quiet, ""},
		{"freed at once after the IPIs", "x86pae", after, ""},
		{"call_rcu before a store", "x86pae", strings.Replace(callRCUSrc(true), "call_rcu(&freed, 1)\n", "call_rcu(&freed, 1)\n  x = 1\n", 1), "p.mmu:6:3: call_rcu is modelled under model armv8 only as the last thing a cpu block does"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			p := compileWith(t, "p.mmu", "arch "+tc.arch+"\nshared x\n"+tc.src, nil)
			r, err := vm.Check(context.Background(), p, vm.Config{Arch: tc.arch, Model: "armv8"})
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err == "" && (r.Verdict != "ok" || !r.Complete):
				t.Errorf("verdict %s, complete %v; want ok", r.Verdict, r.Complete)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}
