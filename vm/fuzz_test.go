package vm_test

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// The robustness rule: whatever script compiles, and whatever schedule runs
// it, the checker answers with a violation, a bound report or an error. It
// never panics (Check turns a panic into an "internal error"), never hangs and
// never runs out of memory. FuzzCheck feeds it script sources
// (go test ./vm -run XXX -fuzz FuzzCheck); TestCheckNoCrash keeps the small
// scripts that broke the rule, and TestFinalRunTimeError a wrong verdict
// found on the way.

var fuzzArches = []string{"arm64", "x86pae", "x86pae-pv", "xenpv"}
var fuzzSearches = []string{"auto", "dpor", "state", "dfs", "random"}

// fuzzLimits are tight bounds: a fuzz case must finish well under a second
// unless the checker misbehaves.
var fuzzLimits = vm.Limits{Steps: 2000, Executions: 200, States: 20000, LocalInstrs: 2_000_000}

const (
	fuzzTimeout  = 2 * time.Second  // Config.Timeout
	fuzzDeadline = 3 * time.Second  // the context's deadline
	fuzzTooSlow  = 5 * time.Second  // a Check slower than this fails
	machineSteps = 40               // steps taken by hand through NewMachine
	fuzzHang     = 20 * time.Second // a check still running then hangs
	fuzzHeap     = 1 << 30          // a heap larger than this is exhausting memory
)

// nastySeeds are scripts written to poke at the corners of the machine:
// unbounded recursion and loops, waits that never end, bad addresses and
// handles, run-time arithmetic errors, odd sizes, sleeping and waiting in
// interrupts, many CPUs and early returns out of sections.
var nastySeeds = []string{
	// typed views of shared words in the final condition and filter
	"shared x: s8 = 0x1ff, y: u16\ncpu 0 {\n  x = 0x1ffffffff\n  y = &x\n}\nlocations x, y\nfilter (x < 0)\nfinal exists (x == -1 && y == &x)\n",
	// deep recursion, with and without steps
	"proc f(n) { return f(n + 1) }\ncpu 0 { r = f(0) }\n",
	"shared x\nproc f(n) { x = n\n return f(n + 1) }\ncpu 0 { r = f(0) }\ncpu 1 { r = x }\n",
	"proc f(n) { if n == 0 { return 0 }\n return g(n - 1) + 1 }\nproc g(n) { return f(n) }\ncpu 0 { r = f(100000) }\n",
	"proc f(n) { return f(n + 1) }\nirq 0 { r = f(0) }\n",
	"proc f(n, a, b, c, d, e) { return f(n + 1, a, b, c, d, e) + f(n, a, b, c, d, e) }\ncpu 0 { r = f(0, 1, 2, 3, 4, 5) }\n",
	// huge loops
	"cpu 0 { for i in 0..0xffffffffffffffff { r = r + i } }\n",
	"shared x\ncpu 0 { for i in 0..1000000000 { x = i } }\ncpu 1 { r = x }\n",
	"shared x\ncpu 0 { for i in 0..100000 { x = x + 1 } }\ncpu 1 { for i in 0..100000 { x = x + 1 } }\n",
	"cpu 0 { while 1 {} }\n",
	"cpu 0 { while 1 { } }\ncpu 1 { while 1 { } }\nirq 0 { while 1 { } }\n",
	"shared x\ncpu 0 { while 1 { r = x } }\ncpu 1 { x = 1 }\n",
	"shared x\ncpu 0 { while 1 { x = x + 1 } }\n",
	"cpu 0 { atomic { while 1 { r = r + 1 } } }\n",
	"shared x\ncpu 0 { atomic { for i in 0..20000 { x = i } } }\ncpu 1 { r = x }\n",
	// awaits that never hold
	"shared x\ncpu 0 { await x == 1 }\n",
	"shared x\ncpu 0 { await x == 1 }\ncpu 1 { for i in 0..100 { x = i + 2 } }\n",
	"shared x\ncpu 0 { irqoff { await x == 1 } }\nirq 0 { x = 1 }\n",
	"shared x\nirq 0 { await x == 1 }\ncpu 1 { x = 2 }\n",
	// atomic around a lock, through a proc: a compile error now
	// (compiler/atomicwait.go), so these seed the compiler's check; the
	// VM's own check, which a .mmub still reaches, is
	// TestAtomicWaitFromBytecode's
	"spinlock l\nproc take() { spin_lock(l) }\ncpu 0 { atomic { take() } }\ncpu 1 { atomic { take() } }\n",
	"spinlock l\nproc take() { spin_lock(l) }\ncpu 0 { spin_lock(l)\n atomic { take() } }\n",
	"shared x\nproc w() { await x == 1 }\ncpu 0 { atomic { w() } }\ncpu 1 { x = 1 }\n",
	"mm user\nproc f() { flush_tlb_mm_range(user, 0, 4K) }\ncpu 0 { atomic { f() } }\ncpu 1 { irqoff { r = 1 } }\n",
	"static_key k\nproc f() { static_branch_enable(k) }\ncpu 0 { atomic { f() } }\ncpu 1 { r = static_branch_likely(k) }\n",
	"proc f() { synchronize_rcu() }\ncpu 0 { atomic { f() } }\ncpu 1 { rcu_read_lock()\n rcu_read_unlock() }\n",
	"rwsem s\nproc f() { down_write(s) }\ncpu 0 { atomic { f() } }\n",
	// arm64's pair atomics at bad addresses, pair_hi() with no pair read,
	// and an IRQ's pair between its CPU's CASP and pair_hi()
	"arch arm64\nshared x\ncpu 0 { r = casp(0xffffffffffffffff, 1, 2, 3, 4)\n s = pair_hi()\n t = ldxp(&x + 8)\n u = stxp(&x + 8, t, s) }\ncpu 1 { r = pair_hi()\n x = 1 }\n",
	"arch arm64\nshared a, b\ncpu 0 { r = caspal(&a, 0, 0, 1, 1)\n s = pair_hi() }\nirq 0 { r = ldaxp(&a)\n s = stlxp(&a, 2, 2) }\n",
	// run-time arithmetic errors
	"shared z\ncpu 0 { r = 1 / z }\n",
	"shared z\ncpu 0 { r = 1 % z }\ncpu 1 { z = 1 }\n",
	"shared z = 1\ncpu 0 { z = 0 }\ncpu 1 { r = 7 / z }\n",
	"shared z\nfinal forall (7 / z == 0)\ncpu 0 { r = z }\n",
	"shared z\nfinal forall (7 % 0:r == 0)\ncpu 0 { r = z }\n",
	"cpu 0 { r = 0 - 1\n r = r * r\n r = r << 99\n r = r >> 200 }\n",
	// table indexes out of range
	"table t\nshared i = 600\ncpu 0 { j = i\n set_pte(&t[j], 1) }\n",
	"table t\nshared i\ncpu 0 { j = i - 1\n r = ptep_get(&t[j]) }\n",
	"table t\nshared i = 512\ncpu 0 { r = ptep_get(&t[i]) }\ncpu 1 { i = 511 }\n",
	"table t\ncpu 0 { set_pte(&t[511] + 8, 1)\n r = ptep_get(t - 8) }\n",
	"cpu 0 { r = ptep_get(0)\n set_pte(0xffffffffffffffff, 1) }\n",
	"cpu 0 { r = pmdp_get(12345)\n set_pmd(7, 1)\n set_pud(0xfff, 3) }\n",
	"cpu 0 { hw_set_young(5)\n hw_set_dirty(0xdead_beef) }\n",
	// page-table pages freed wrongly
	"table t\ncpu 0 { pte_free_kernel(&t[3]) }\n",
	"cpu 0 { pte_free_kernel(0x1000) }\n",
	"cpu 0 { pte_free_kernel(0) }\n",
	"cpu 0 { pte_free_kernel(pgd_offset(init_mm, 0)) }\ncpu 1 { r = access(init_mm, 0xffff800080000000, 0) }\n",
	"mm user\ncpu 0 { pmd_free(pgd_offset(user, 0)) }\ncpu 1 { r = access(user, 0x400000, 1) }\n",
	"table t\ncpu 0 { pte_free_kernel(t)\n pte_free_kernel(t) }\n",
	"table t\ncpu 0 { pte_free_kernel(t) }\ncpu 1 { set_pte(&t[3], pfn_pte(1, PAGE_KERNEL))\n r = ptep_get(&t[4]) }\n",
	"cpu 0 { p = pte_alloc_one()\n pte_free_kernel(p)\n set_pte(p, 1)\n pmd_free(p) }\n",
	"cpu 0 { p = pmd_alloc_one()\n pte_free_kernel(p + 8) }\n",
	"cpu 0 { free_page(0xffffffffffff)\n get_page(7)\n put_page(7)\n put_page(7) }\n",
	"cpu 0 { for i in 0..5000 { p = alloc_page() } }\n",
	"cpu 0 { for i in 0..5000 { p = pte_alloc_one() } }\n",
	"cpu 0 { p = alloc_page()\n put_page(p)\n free_page(p)\n get_page(p) }\n",
	// set_ptes with odd counts
	"table t\ncpu 0 { set_ptes(init_mm, 0xffff800080000000, &t[0], pfn_pte(0x100, PAGE_KERNEL), 0) }\n",
	"table t\ncpu 0 { set_ptes(init_mm, 0xffff800080000000, &t[0], pfn_pte(0x100, PAGE_KERNEL), 600) }\n",
	"table t\ncpu 0 { set_ptes(init_mm, 0xffff800080000000, &t[500], pfn_pte(0x100, PAGE_KERNEL), 16) }\n",
	"mm user\ntable t\ncpu 0 { set_ptes(user, 0x400000, &t[0], pfn_pte(0x100, PAGE_SHARED), 0xffffffffffffffff) }\n",
	"mm user\ntable t\nshared n = 600\ncpu 0 { __set_ptes(user, 0x400000, &t[8], pfn_pte(0x100, PAGE_SHARED), n) }\n",
	"mm user\ntable t\ncpu 0 { set_ptes(user, 0x400000, &t[0], pfn_pte(0x100, PAGE_SHARED), 512) }\ncpu 1 { r = ptep_get_lockless(&t[17]) }\n",
	"mm user\ntable t\ncpu 0 { contpte_try_fold(user, 0x400000, &t[511], pfn_pte(1, PAGE_SHARED))\n contpte_try_unfold(user, 0, 3, 0) }\n",
	// map() with odd sizes
	"mm user\ninit { map(user, 0x400123, 5, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x400123, 1) }\n",
	"mm user\ninit { map(user, 0x400000, 0, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x400000, 0) }\n",
	"mm user\ninit { map(user, 0x400000, 2M + 4K, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x400000 + 2M, 1) }\n",
	"mm user\ninit { map(user, 0 - 4K, 8K, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0, 1) }\n",
	"mm user\ninit { map(user, 0, 0xffffffffffffffff, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0, 1) }\n",
	"mm user\ninit { map(user, 0x400000, 64K, 0xfffffffffffffff0, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x40f000, 1) }\n",
	"init { map(init_mm, 0x400000, 4K, 1, 0xffffffffffffffff) }\ncpu 0 { r = access(init_mm, 0x400000, 1) }\n",
	"mm user\ninit { map_pmd(user, 0x400123, 0x100, PAGE_SHARED)\n map(user, 0x400000, 8K, 0x1, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x400000, 1) }\n",
	"mm user\ninit { map_pmd(user, 0x0000800000000000, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x0000800000000000, 1) }\n",
	// interrupts that flush, enable keys, synchronise or take locks
	"irq 0 { flush_tlb_all() }\ncpu 1 { irqoff { r = 1 } }\n",
	"irq 0 { flush_tlb_all() }\nirq 1 { flush_tlb_all() }\n",
	"mm user\nirq 0 { flush_tlb_mm_range(user, 0, 0xffffffffffffffff) }\ncpu 1 { flush_tlb_kernel_range(0xffffffffffffffff, 0) }\n",
	"static_key k\nirq 0 { static_branch_enable(k) }\ncpu 1 { irqoff { r = static_branch_unlikely(k) } }\n",
	"static_key k\nirq 0 { static_branch_enable(k) }\nirq 1 { static_branch_inc(k)\n static_branch_dec(k)\n static_branch_dec(k) }\n",
	"cpu 0 { synchronize_rcu() }\ncpu 1 { synchronize_rcu() }\n",
	"cpu 0 { rcu_read_lock()\n synchronize_rcu()\n rcu_read_unlock() }\ncpu 1 { rcu_read_lock()\n synchronize_rcu() }\n",
	"irq 0 { synchronize_rcu() }\ncpu 0 { rcu_read_unlock()\n rcu_read_unlock() }\n",
	"spinlock l\ncpu 0 { spin_lock(l)\n spin_unlock(l) }\nirq 0 { spin_lock(l)\n spin_unlock(l) }\n",
	"spinlock l\ncpu 0 { spin_lock(l) }\nirq 0 { spin_unlock(l) }\n",
	"rwsem s\ncpu 0 { down_read(s)\n up_read(s) }\nirq 0 { down_write(s)\n up_write(s) }\ncpu 1 { up_write(s)\n up_read(s) }\n",
	"mm user\ncpu 0 { mmap_write_lock(user)\n mmap_write_lock(user) }\ncpu 1 { r = mmap_read_trylock(user)\n mmap_read_unlock(init_mm) }\n",
	"cpu 0 { local_irq_restore(0xffffffffffffffff)\n local_irq_enable()\n local_irq_enable()\n f = local_irq_save()\n local_irq_restore(7) }\nirq 0 { local_irq_disable() }\n",
	"import \"lazy\"\ntable t\nirq 0 { lazy { set_pte(&t[0], pfn_pte(1, PAGE_KERNEL)) } }\ncpu 0 { arch_leave_lazy_mmu_mode()\n arch_flush_lazy_mmu_mode()\n arch_enter_lazy_mmu_mode()\n arch_enter_lazy_mmu_mode() }\n",
	"import \"lazy\"\ncpu 0 { lazy_mmu_mode_disable()\n lazy_mmu_mode_resume()\n lazy_mmu_mode_pause()\n lazy_mmu_mode_enable() }\n",
	// many CPUs
	"shared x\ncpu 0 { x = x + 1 }\ncpu 1 { x = x + 1 }\ncpu 2 { x = x + 1 }\ncpu 3 { x = x + 1 }\ncpu 4 { x = x + 1 }\ncpu 5 { x = x + 1 }\ncpu 6 { x = x + 1 }\ncpu 7 { x = x + 1 }\ncpu 8 { x = x + 1 }\ncpu 9 { x = x + 1 }\ncpu 10 { x = x + 1 }\ncpu 11 { x = x + 1 }\ncpu 12 { x = x + 1 }\ncpu 13 { x = x + 1 }\ncpu 14 { x = x + 1 }\ncpu 15 { x = x + 1 }\n",
	"mm user\ncpu 0 { flush_tlb_mm_range(user, 0, 4K) }\ncpu 1 { r = 1 }\ncpu 2 { r = 1 }\ncpu 3 { r = 1 }\ncpu 4 { r = 1 }\ncpu 5 { r = 1 }\ncpu 6 { r = 1 }\ncpu 7 { r = 1 }\ncpu 8 { r = 1 }\ncpu 9 { r = 1 }\ncpu 10 { r = 1 }\ncpu 11 { r = 1 }\ncpu 12 { r = 1 }\ncpu 13 { r = 1 }\ncpu 14 { r = 1 }\ncpu 15 { r = 1 }\ncpu 16 { flush_tlb_all() }\n",
	"static_key k\ncpu 0 { static_branch_enable(k) }\nirq 1 { r = 1 }\nirq 2 { r = 1 }\nirq 3 { r = 1 }\nirq 4 { r = 1 }\nirq 5 { r = 1 }\nirq 6 { r = 1 }\nirq 7 { r = 1 }\nirq 8 { r = 1 }\nirq 9 { r = 1 }\nirq 10 { r = 1 }\nirq 11 { r = 1 }\nirq 12 { r = 1 }\nirq 13 { r = 1 }\nirq 14 { r = 1 }\nirq 15 { r = 1 }\nirq 16 { synchronize_rcu() }\n",
	"shared x\ncpu 63 { x = 1 }\ncpu 0x3e { x = 2 }\nirq 61 { x = 3 }\nirq 63 { flush_tlb_all() }\n",
	// return out of sections
	"cpu 0 { irqoff { return } }\nirq 0 { r = 1 }\n",
	"import \"lazy\"\ntable t\ncpu 0 { lazy { set_pte(&t[0], pfn_pte(1, PAGE_KERNEL))\n return } }\n",
	"shared x\ncpu 0 { atomic { x = 1\n return } }\ncpu 1 { r = x }\n",
	"import \"lazy\"\nshared x\ncpu 0 { lazy { irqoff { atomic { x = 1\n return 5 } } } }\nirq 0 { lazy { x = 2 } }\n",
	"shared x\nproc f() { atomic { x = 1\n return 3 } }\ncpu 0 { irqoff { while 1 { r = f()\n break } } }\n",
	"shared x\ncpu 0 { for i in 0..3 { atomic { x = i\n continue } } }\nirq 0 { x = 9 }\n",
	// primitives the weak models took on: PTLs, page-table RMWs on bad
	// addresses, cross-CPU calls in sections, lock passes left held
	"mm user\ncpu 0 { p = pte_offset_map_lock(user, 0, 0)\n pte_unmap_unlock(p)\n pte_unmap_unlock(p) }\ncpu 1 { q = pte_offset_map(8, 0)\n pte_unmap(q) }\n",
	"mm user\ncpu 0 { ptep_set_wrprotect(user, 0, 12)\n r = ptep_test_and_clear_young(user, 0, 4096)\n s = pmdp_huge_get_and_clear(user, 0, 3) }\n",
	"shared x\ncpu 0 { preempt_enable()\n on_each_cpu() }\ncpu 1 { local_bh_disable()\n f = spin_lock_irqsave(0)\n kick_all_cpus_sync() }\n",
	"spinlock l\nshared x\ncpu 0 { while 1 { spin_lock(l)\n r = x\n spin_unlock(l)\n if r { break } } }\ncpu 1 { spin_lock(l)\n x = 1 }\n",
	"spinlock l\nshared x\ncpu 0 { while x == 0 { f = spin_lock_irqsave(l)\n preempt_disable()\n spin_unlock_irqrestore(l, f) } }\ncpu 1 { x = 1\n tlb_remove_table_sync_one() }\n",
	// the mmu_gather, call_rcu() and pmd_populate() on bad handles and
	// tables, in sections, twice, and last in a loop
	"mm user\ntable t\ncpu 0 { g = tlb_gather_mmu(user)\n tlb_remove_table(g, t)\n tlb_remove_table(g, t)\n rcu_read_lock()\n tlb_finish_mmu(g) }\ncpu 1 { pmd_populate(user, 0, t)\n pmd_populate_kernel(user, &t[3], 5) }\n",
	"shared x\ncpu 0 { f = local_irq_save()\n call_rcu(&x, 1) }\ncpu 1 { for i in 0..2 { call_rcu(8, i) } }\ncpu 2 { tlb_finish_mmu(7) }\n",
	// prints and final conditions with reads
	"table t\ncpu 0 { for i in 0..3000 { print(\"i\", i, i, i, i, i) } }\nfinal forall (ptep_get(&t[0]) == 0 && ptep_get(12) == 0)\n",
	"mm user\nfinal exists (ptep_get(pgd_offset(user, 0)) == 0 || pmdp_get(0) == 1)\ncpu 0 { r = 1 }\n",
}

// fuzzing tells whether the test binary runs with -test.fuzz.
func fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// mmuFiles lists the .mmu files below root (none if root is missing).
func mmuFiles(root string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(path, ".mmu") {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// pick chooses the arch from the first byte and the search from the second.
func pick(src []byte) (arch, search string) {
	var b0, b1 byte
	if len(src) > 0 {
		b0 = src[0]
	}
	if len(src) > 1 {
		b1 = src[1]
	}
	return fuzzArches[int(b0)%len(fuzzArches)], fuzzSearches[int(b1)%len(fuzzSearches)]
}

// prefixes put each seed on several arches and searches: pick reads the
// first two bytes, and whitespace is free to add.
var prefixes = []string{"", " \n", "\t\t", "\n\r", " \t", "\t\n"}

func FuzzCheck(f *testing.F) {
	// A plain `go test` runs each seed once and must stay fast; the
	// variants on other arches and searches and the corpus scripts, which
	// take longer, only seed the fuzzer.
	pres := prefixes[:1]
	if fuzzing() {
		pres = prefixes
	}
	for _, s := range nastySeeds {
		for _, p := range pres {
			f.Add([]byte(p + s))
		}
	}
	for _, c := range noCrashCases {
		if c.skip == "" {
			f.Add([]byte(c.src))
		}
	}
	if fuzzing() {
		files := append(mmuFiles(filepath.Join("..", "..", "shared", "scenarios")), mmuFiles(filepath.Join("..", "examples"))...)
		for _, p := range files {
			src, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			f.Add(src)
			for _, pre := range prefixes[1:3] {
				f.Add(append([]byte(pre), src...))
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		prog, err := compiler.Compile("f.mmu", src, nil)
		if err != nil {
			return
		}
		arch, search := pick(src)
		checkNoCrash(t, prog, arch, search, fuzzLimitsFor(src), fuzzHeap)
		// and under a weak model (the third byte picks which)
		checkNoCrash(t, prog, arch, "model:"+fuzzModels[int(byteAt(src, 2))%len(fuzzModels)], fuzzLimits, fuzzHeap)
	})
}

// fuzzLimitsFor picks the bounds of a fuzz case from its fourth byte: the
// tight fuzzLimits, or every third case the real defaults (what an
// embedding host gets: only the time and memory budgets stop a hostile
// script), with the memory budget held under the watchdog's heap bound.
func fuzzLimitsFor(src []byte) vm.Limits {
	if byteAt(src, 3)%3 == 0 {
		return vm.Limits{Memory: fuzzHeap / 2}
	}
	return fuzzLimits
}

// fuzzModels are the weak models FuzzCheck checks each script under too:
// tso on the store buffers and in the graph engine, and the incremental
// search.
var fuzzModels = []string{"tso", "tso:graph", "armv8", "lkmm", "armv8:incremental", "lkmm:incremental"}

func byteAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

// checkNoCrash checks prog on arch with search under the tight bounds, and
// fails on a panic, an internal error, a Check slower than fuzzTooSlow, a
// counterexample that does not replay, or a misstep of the Machine API. The
// work runs on its own goroutine under a watchdog for hangs and runaway
// memory.
func checkNoCrash(t *testing.T, prog *vm.Program, arch, search string, limits vm.Limits, maxHeap uint64) {
	t.Helper()
	what := fmt.Sprintf("%s with %s", arch, search)
	done := make(chan string, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		done <- runChecks(prog, arch, search, limits)
	}()
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	hang := time.NewTimer(fuzzHang)
	defer hang.Stop()
	for {
		select {
		case problem := <-done:
			if problem != "" {
				t.Fatalf("%s: %s", what, problem)
			}
			return
		case <-tick.C:
			if heapAbove(heap, maxHeap) {
				// Nothing can stop the check: end the process before
				// the machine runs out of memory (the fuzzer records
				// the input of a crashed worker).
				panic(fmt.Sprintf("%s exhausts memory: heap %d MB\n%s", what, heap[0].Value.Uint64()>>20, allStacks()))
			}
		case <-hang.C:
			if fuzzing() {
				// The fuzzer records the input of a crashed worker.
				panic(fmt.Sprintf("%s hangs: still running after %v\n%s", what, fuzzHang, allStacks()))
			}
			t.Fatalf("%s hangs: still running after %v (left running)\n%s", what, fuzzHang, allStacks())
		}
	}
}

// heapAbove tells whether the live heap is above max. The heap's objects
// include the dead ones the collector has not swept yet, up to about twice
// the live heap (GOGC=100), so a check that holds near its memory budget
// (half the watchdog's bound) can pass the bound between collections:
// above it, a collection decides.
func heapAbove(heap []metrics.Sample, max uint64) bool {
	above := func() bool {
		metrics.Read(heap)
		return heap[0].Value.Kind() == metrics.KindUint64 && heap[0].Value.Uint64() > max
	}
	if !above() {
		return false
	}
	runtime.GC()
	return above()
}

// runChecks does the work of checkNoCrash and says what went wrong, if
// anything.
func runChecks(prog *vm.Program, arch, search string, limits vm.Limits) string {
	cfg := vm.Config{Arch: arch, Search: search, Limits: limits, Timeout: fuzzTimeout}
	if strings.HasPrefix(search, "model:") {
		cfg.Model, cfg.Search, _ = strings.Cut(strings.TrimPrefix(search, "model:"), ":")
	}
	model, _ := vm.ModelFor(prog, cfg) // a script's model line may choose a weak model
	// the graph engine's counterexamples are execution tokens; the store
	// buffers' (tso) are schedules, like sc's
	weak := vm.RunsOnGraphs(prog, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	start := time.Now()
	res, err := vm.Check(ctx, prog, cfg)
	if d := time.Since(start); d > fuzzTooSlow {
		return fmt.Sprintf("Check took %v (over %v; Timeout %v, deadline %v)", d, fuzzTooSlow, fuzzTimeout, fuzzDeadline)
	}
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			return "Check: " + err.Error()
		}
		return ""
	}
	for _, v := range res.Violations {
		if strings.Contains(v.Msg, "internal error") {
			return fmt.Sprintf("violation %s: %s (schedule %s)", v.Kind, v.Msg, vm.EncodeSchedule(v.Schedule))
		}
	}
	if len(res.Violations) > 0 && weak && res.Violations[0].Execution != "" {
		v := res.Violations[0]
		rr, err := vm.ReplayExecution(prog, cfg, v.Execution)
		switch {
		case err != nil:
			return fmt.Sprintf("replay of the %s execution %s: %v", v.Kind, v.Execution, err)
		case rr.Violation == nil || rr.Violation.Kind != v.Kind:
			return fmt.Sprintf("the %s execution %s (%s) replays as %+v", v.Kind, v.Execution, v.Msg, rr.Violation)
		}
	}
	// a weak counterexample has no schedule to replay, nor has a budget
	// limit (time, memory), which is the check's, not an execution's
	if len(res.Violations) > 0 && !weak && !res.Violations[0].Budget() {
		v := res.Violations[0]
		sched := vm.EncodeSchedule(v.Schedule)
		rr, err := vm.Replay(prog, cfg, v.Schedule)
		switch {
		case err != nil:
			return fmt.Sprintf("replay of the %s counterexample %s: %v", v.Kind, sched, err)
		case rr.Violation == nil:
			return fmt.Sprintf("the %s counterexample %s (%s) replays without a violation", v.Kind, sched, v.Msg)
		case rr.Violation.Kind != v.Kind:
			return fmt.Sprintf("the %s counterexample %s (%s) replays as %s (%s)", v.Kind, sched, v.Msg, rr.Violation.Kind, rr.Violation.Msg)
		}
	}
	if weak {
		if problem := randomExecution(prog, cfg); problem != "" {
			return problem
		}
	}
	return stepByHand(prog, arch, model, limits)
}

func overBudget(v *vm.Violation) bool { return v != nil && v.Budget() }

// randomExecution runs `mmuasm run --seed` under a weak model: a search,
// then the replay of the execution it picked, each within the budget; the
// token it gives must replay to the same end.
func randomExecution(prog *vm.Program, cfg vm.Config) string {
	start := time.Now()
	rr, err := vm.RunRandom(prog, cfg)
	if d := time.Since(start); d > 2*fuzzTooSlow {
		return fmt.Sprintf("RunRandom took %v (over twice %v: a search and a replay)", d, fuzzTooSlow)
	}
	switch {
	case err != nil && strings.Contains(err.Error(), "internal error"):
		return "RunRandom: " + err.Error()
	case err != nil || rr.Execution == "":
		return ""
	}
	again, err := vm.ReplayExecution(prog, cfg, rr.Execution)
	switch {
	case err != nil:
		return fmt.Sprintf("RunRandom's execution %s does not replay: %v", rr.Execution, err)
	case overBudget(rr.Violation) || overBudget(again.Violation):
		return "" // where the time ran out is the clock's
	case again.Final != rr.Final || (again.Violation == nil) != (rr.Violation == nil):
		return fmt.Sprintf("RunRandom's execution %s replays to %q (%v), not %q (%v)", rr.Execution, again.Final, again.Violation, rr.Final, rr.Violation)
	}
	return ""
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// stepByHand drives a Machine through the public API: the first enabled
// thread a few times, the thread descriptions, the end checks and a Reset.
func stepByHand(prog *vm.Program, arch, model string, limits vm.Limits) string {
	if model != "tso" {
		model = "sc"
	}
	// A Machine has no wall-time budget (docs/untrusted.md): one Step runs
	// up to LocalInstrs instructions, seconds at the default, and a host
	// that steps a hostile script by hand lowers it, as this one does.
	if limits.LocalInstrs == 0 || limits.LocalInstrs > fuzzLimits.LocalInstrs {
		limits.LocalInstrs = fuzzLimits.LocalInstrs
	}
	m, err := vm.NewMachineFor(prog, vm.Config{Arch: arch, Model: model, Limits: limits})
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			return "NewMachine: " + err.Error()
		}
		return ""
	}
	var buf []int
	for round := 0; round < 2; round++ {
		for i := 0; i < machineSteps && !m.Done(); i++ {
			buf = m.Enabled(buf[:0])
			if len(buf) == 0 {
				break
			}
			if err := m.Step(buf[0]); err != nil {
				return fmt.Sprintf("Step(%d) of an enabled thread: %v", buf[0], err)
			}
			if m.Violation() != nil {
				break
			}
		}
		for i := 0; i < m.Threads(); i++ {
			_ = m.Info(i)
			_ = m.Registers(i)
			_ = m.ThreadName(i)
		}
		if m.Done() {
			m.Finish()
			if m.Violation() == nil {
				m.Final()
			}
		}
		if v := m.Violation(); v != nil && strings.Contains(v.Msg, "internal error") {
			return fmt.Sprintf("Machine: violation %s: %s", v.Kind, v.Msg)
		}
		m.Reset()
	}
	return ""
}

// noCrashCases are the small scripts that broke the rule, found by FuzzCheck
// or by hand, each checked as FuzzCheck checks an input: on the arch and with
// the search given (or picked from the first bytes), under fuzzLimits or the
// case's own limits, and with the case's own heap bound if it has one. A case
// whose bug is not fixed yet says so in skip; MMUVM_BUGS=1 runs it anyway
// (one at a time with -run: a case that exhausts memory ends the process).
var noCrashCases = []struct {
	name, src    string
	arch, search string
	limits       vm.Limits // zero: fuzzLimits
	heapMB       uint64    // zero: fuzzHeap
	skip         string
}{
	{
		// Check took 5.9 s with a 2 s Timeout while the fuzzer shared the
		// machine (alone, --timeout 300ms ended at 0.45–0.8 s): the
		// enumeration's choice of reads-from for one location went 2,000
		// reads deep, and once told to stop it still tried every write at
		// every level on the way out; and it looked at the clock every
		// 4,096 choices, each checking thousands of accesses.
		name: "enumeration-unwinds-past-deadline",
		src:  "shared x\ncpu 0 { for i in 0..100000 { x = x } }\ncpu 1 { for i in 0..100000 { x = x + 1 } }\n",
		// Fixed: the unwinding stops at once, and the clock is looked at by
		// the work done too (memmodel/enumerate.go, locChoices).
		arch: "x86pae-pv", search: "model:tso:graph",
	},
	{
		// Check ran 15 s past a 2 s Timeout and a 3 s deadline (mmuasm check
		// --timeout 2s: still running after 2 minutes): the breadth-first
		// search for a shorter counterexample replays every prefix of the
		// 1001-step one from the start and fires the irq at each, which runs
		// its 2M local instructions to the limit; nothing bounds its time.
		name: "shortest-ignores-timeout",
		src: "shared x\ncpu 0 {\n  for i in 0..1000 { x = i }\n  assert 0\n}\n" +
			"irq 1 { while 1 { r = r + 1 } }\n",
		// Fixed in a6aff92: Config.Timeout bounds the check, and the
		// shortening stops at the deadline and after 2 s.
		arch: "arm64", search: "dfs",
	},
	{
		// One atomic step allocates a table per pass until the local
		// instruction bound: 7 s with a 2 s Timeout. With the default
		// bounds (500M instructions) mmuasm check --timeout 2s is past
		// 2.9 GB after a minute.
		name: "atomic-alloc-loop",
		src:  "cpu 0 { atomic { while 1 { r = alloc_page(GFP_ATOMIC) } } }\n", // (pmd_alloc_one may sleep: not in atomic { })
		// Fixed in a6aff92: an atomic section is bounded by the step bound.
		arch: "arm64", search: "auto",
	},
	{
		// Every store inside one atomic step appends to mmu.Store's
		// footprint and undo log (mmu/store.go:(*Store).Set): about 70
		// bytes a store, so 100M stores (the default 500M local
		// instructions allow them) need 7 GB; mmuasm check was killed
		// after 4 minutes. Here 50M instructions reach 400 MB.
		name: "atomic-store-loop-memory",
		src:  "shared x\ncpu 0 { atomic { for i in 0..100000000 { x = i } } }\ncpu 1 { r = x }\n",
		arch: "arm64", search: "auto",
		limits: vm.Limits{Steps: 2000, Executions: 200, States: 20000, LocalInstrs: 50_000_000},
		// Fixed in a6aff92 (the step bound holds inside atomic { }).
		heapMB: 128,
	},
	{
		// Since a6aff92 an atomic section may make up to Steps visible
		// steps, but it still counts as one step of the execution, so an
		// execution may make Steps² accesses: 4M here, and Check takes
		// 9.5 s with a 2 s Timeout (Check, then the trace of the
		// counterexample, each run the whole execution; a step cannot be
		// cut). With the default bounds (100000 steps), mmuasm check
		// --timeout 2s of the same loop over 0..99999 is still running
		// after a minute at 6.2 GB.
		name: "atomic-sections-steps-squared",
		src:  "shared x\ncpu 0 { while 1 { atomic { for i in 0..1999 { x = i } } } }\n",
		arch: "arm64", search: "auto",
	},
	{
		// init runs alone and at once, each visible step with a fresh
		// budget of local instructions, and nothing bounds its steps or
		// its time (NewMachine takes no context): Check does not return,
		// and as every store is kept in mmu.Store's undo log the heap
		// passes 1 GB after 7 s (the test binary is ended there).
		name: "init-loop-hang",
		src:  "shared x\ninit { for i in 0..1000000000 { x = i } }\ncpu 0 { }\n",
		arch: "arm64", search: "auto",
	},
	{
		// The same with a page-table page allocated per pass: the heap
		// grows by about 130 MB a second (3.4 GB after 25 s, then the
		// kernel's OOM killer). Unfixed, it crashes the test binary at
		// fuzzHeap, on purpose.
		name: "init-alloc-loop-memory",
		src:  "init { while 1 { r = pte_alloc_one() } }\ncpu 0 { }\n",
		arch: "arm64", search: "auto",
	},
	{
		// print is not a step, so a local loop prints until the local
		// instruction bound, and with tracing on (the counterexample's
		// trace in Check, Replay, mmuasm run) every line is kept: 1M
		// prints take 395 MB and 23 s in mmuasm check; the default bounds
		// allow 100M (mmuasm check: 6.5 GB after 2 minutes, unfinished).
		// Limits.MaxPrintLines exists but nothing reads it.
		name: "print-loop-trace-memory",
		src:  "cpu 0 { for i in 0..100000000 { print(\"p\", i, i, i, i, i, i, i, i) } }\n",
		arch: "arm64", search: "auto",
		limits: vm.Limits{Steps: 2000, Executions: 200, States: 20000, LocalInstrs: 30_000_000},
		heapMB: 128,
	},
	{
		// On arm64 ptep_get_lockless() retries until the contpte block
		// it read is consistent; t[0] has PTE_CONT and its 15 neighbours
		// are empty, so it never is. A retry is another phase of the
		// builtin, and inside atomic { } the phases run in one step with
		// nothing counting them: Check never returns, and the reads fill
		// the step's footprint (mmuasm check --timeout 2s: 3.2 GB after
		// 30 s). Outside atomic each retry is a step, and the same read
		// ends in a steps `limit` (the spin rule does not see a retry
		// inside a builtin). Unfixed, the case ends the test binary.
		name: "atomic-contpte-lockless-retry",
		src:  "table t\ninit { set_pte(&t[0], pte_mkcont(pfn_pte(0x100, PAGE_KERNEL))) }\ncpu 0 { atomic { r = ptep_get_lockless(&t[0]) } }\n",
		arch: "arm64", search: "auto",
	},
	{
		// The same retry in init (t.id < 0): NewMachine never returns.
		name: "init-contpte-lockless-retry",
		src:  "table t\ninit {\n  set_pte(&t[0], pte_mkcont(pfn_pte(0x100, PAGE_KERNEL)))\n  r = ptep_get_lockless(&t[0])\n}\ncpu 0 { }\n",
		arch: "arm64", search: "auto",
	},
	{
		// The same retry in the final condition: the first execution's
		// evaluation of `final` never returns.
		name: "final-contpte-lockless-retry",
		src:  "table t\ninit { set_pte(&t[0], pte_mkcont(pfn_pte(0x100, PAGE_KERNEL))) }\ncpu 0 { }\nfinal exists (ptep_get_lockless(&t[0]) == 0)\n",
		arch: "arm64", search: "auto",
	},
}

func TestCheckNoCrash(t *testing.T) {
	for _, c := range noCrashCases {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != "" && os.Getenv("MMUVM_BUGS") == "" {
				t.Skip("BUG: " + c.skip + " (MMUVM_BUGS=1 runs it)")
			}
			prog, err := compiler.Compile("f.mmu", []byte(c.src), nil)
			if err != nil {
				t.Fatalf("does not compile: %v", err)
			}
			arch, search := pick([]byte(c.src))
			if c.arch != "" {
				arch = c.arch
			}
			if c.search != "" {
				search = c.search
			}
			limits, heap := fuzzLimits, uint64(fuzzHeap)
			if c.limits != (vm.Limits{}) {
				limits = c.limits
			}
			if c.heapMB != 0 {
				heap = c.heapMB << 20
			}
			checkNoCrash(t, prog, arch, search, limits, heap)
		})
	}
}

// TestFinalRunTimeError: an error raised while the `final` condition is
// evaluated (a division by zero, a read of a freed table) is a run-time
// error or a violation like any other. Check must not read it as "the
// predicate is false" and answer ok, while Replay (mmuasm run) of the same
// execution reports the error.
func TestFinalRunTimeError(t *testing.T) {
	cases := []struct{ name, arch, src, want string }{
		{"division-by-zero", "arm64", "shared z\ncpu 0 { r = z }\nfinal ~exists (7 / z == 0)\n", "error"},
		{"read-of-freed-table", "arm64", "table t\ncpu 0 { pte_free_kernel(t) }\nfinal ~exists (ptep_get(&t[1]) == 0)\n", "error"},
		// The final condition reads as an observer, not as the CPU that
		// stepped last: CPU 0's queued write is no read hazard there.
		{"no-read-hazard-for-the-observer", "xenpv", "table t\ncpu 0 {\n  arch_enter_lazy_mmu_mode()\n  set_pte(&t[1], pfn_pte(1, PAGE_KERNEL))\n}\nfinal ~exists (ptep_get(&t[1]) != 0)\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			prog, err := compiler.Compile("f.mmu", []byte(c.src), nil)
			if err != nil {
				t.Fatal(err)
			}
			cfg := vm.Config{Arch: c.arch, Limits: fuzzLimits, Timeout: fuzzTimeout}
			res, err := vm.Check(context.Background(), prog, cfg)
			if err != nil {
				t.Fatal(err)
			}
			rr, err := vm.Replay(prog, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if rr.Violation != nil {
				got = rr.Violation.Kind
			}
			if got != c.want {
				t.Fatalf("Replay: violation %q, want %q", got, c.want)
			}
			if (res.Counts["error"] > 0) != (c.want == "error") {
				t.Errorf("Check: verdict %s, but Replay of the only execution ends with %q", res.Verdict, got)
			}
		})
	}
}
