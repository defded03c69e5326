package vm_test

import (
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mmuvm/compiler"
	"mmuvm/vm"
)

// The robustness rule: whatever script compiles, and whatever schedule runs
// it, the checker answers with a violation, a bound report or an error. It
// never panics (Check turns a panic into an "internal error"), never hangs and
// never runs out of memory. FuzzCheck feeds it script sources; TestCheckNoCrash
// keeps the small scripts that once broke the rule.

var fuzzArches = []string{"arm64", "x86pae", "x86pae-pv", "xenpv"}
var fuzzSearches = []string{"auto", "dpor", "state", "dfs", "random"}

// fuzzLimits are tight bounds: a fuzz case must finish well under a second
// unless the checker misbehaves.
var fuzzLimits = vm.Limits{Steps: 2000, Executions: 200, States: 20000, LocalInstrs: 2_000_000}

const (
	fuzzTimeout  = 2 * time.Second // Config.Timeout
	fuzzDeadline = 3 * time.Second // the context's deadline
	fuzzTooSlow  = 5 * time.Second // a Check slower than this is a hang
	machineSteps = 40              // steps taken by hand through NewMachine
)

// nastySeeds are scripts written to poke at the corners of the machine:
// unbounded recursion and loops, waits that never end, bad addresses and
// handles, run-time arithmetic errors, odd sizes, sleeping and waiting in
// interrupts, many CPUs and early returns out of sections.
var nastySeeds = []string{
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
	"shared x\ncpu 0 { atomic { for i in 0..100000000 { x = i } } }\ncpu 1 { r = x }\n",
	// awaits that never hold
	"shared x\ncpu 0 { await x == 1 }\n",
	"shared x\ncpu 0 { await x == 1 }\ncpu 1 { for i in 0..100 { x = i + 2 } }\n",
	"shared x\ncpu 0 { irqoff { await x == 1 } }\nirq 0 { x = 1 }\n",
	"shared x\nirq 0 { await x == 1 }\ncpu 1 { x = 2 }\n",
	// atomic around a lock, through a proc
	"spinlock l\nproc take() { spin_lock(l) }\ncpu 0 { atomic { take() } }\ncpu 1 { atomic { take() } }\n",
	"spinlock l\nproc take() { spin_lock(l) }\ncpu 0 { spin_lock(l)\n atomic { take() } }\n",
	"shared x\nproc w() { await x == 1 }\ncpu 0 { atomic { w() } }\ncpu 1 { x = 1 }\n",
	"mm user\nproc f() { flush_tlb_mm_range(user, 0, 4K) }\ncpu 0 { atomic { f() } }\ncpu 1 { irqoff { r = 1 } }\n",
	"static_key k\nproc f() { static_branch_enable(k) }\ncpu 0 { atomic { f() } }\ncpu 1 { r = static_branch_likely(k) }\n",
	"proc f() { synchronize_rcu() }\ncpu 0 { atomic { f() } }\ncpu 1 { rcu_read_lock()\n rcu_read_unlock() }\n",
	"rwsem s\nproc f() { down_write(s) }\ncpu 0 { atomic { f() } }\n",
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
	"mm user\ninit { map(user, 0x400000, 1G + 4K, 0x100, PAGE_SHARED) }\ncpu 0 { r = access(user, 0x400000 + 1G, 1) }\n",
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
	for _, s := range nastySeeds {
		for _, p := range prefixes {
			f.Add([]byte(p + s))
		}
	}
	for _, c := range noCrashCases {
		f.Add([]byte(c.src))
	}
	// The corpus scripts take longer; they seed the fuzzer but stay out of
	// the plain `go test` run, which must stay fast.
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
		checkNoCrash(t, prog, arch, search)
	})
}

// checkNoCrash checks prog on arch with search under the tight bounds, and
// fails on an internal error, a hang, a counterexample that does not replay,
// or a panic (which the test binary reports by itself).
func checkNoCrash(t *testing.T, prog *vm.Program, arch, search string) {
	t.Helper()
	cfg := vm.Config{Arch: arch, Search: search, Limits: fuzzLimits, Timeout: fuzzTimeout}
	ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
	defer cancel()
	start := time.Now()
	res, err := vm.Check(ctx, prog, cfg)
	if d := time.Since(start); d > fuzzTooSlow {
		t.Fatalf("Check on %s with %s took %v (over %v)", arch, search, d, fuzzTooSlow)
	}
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Check on %s with %s: %v", arch, search, err)
		}
		return
	}
	for _, v := range res.Violations {
		if strings.Contains(v.Msg, "internal error") {
			t.Fatalf("Check on %s with %s: violation %s: %s (schedule %s)", arch, search, v.Kind, v.Msg, vm.EncodeSchedule(v.Schedule))
		}
	}
	if len(res.Violations) > 0 {
		v := res.Violations[0]
		rr, err := vm.Replay(prog, cfg, v.Schedule)
		switch {
		case err != nil:
			t.Fatalf("Check on %s with %s: replay of the %s counterexample %s: %v", arch, search, v.Kind, vm.EncodeSchedule(v.Schedule), err)
		case rr.Violation == nil:
			t.Fatalf("Check on %s with %s: the %s counterexample %s (%s) replays without a violation", arch, search, v.Kind, vm.EncodeSchedule(v.Schedule), v.Msg)
		case rr.Violation.Kind != v.Kind:
			t.Fatalf("Check on %s with %s: the %s counterexample %s (%s) replays as %s (%s)", arch, search, v.Kind, vm.EncodeSchedule(v.Schedule), v.Msg, rr.Violation.Kind, rr.Violation.Msg)
		}
	}
	stepByHand(t, prog, arch)
}

// stepByHand drives a Machine through the public API: the first enabled
// thread a few times, the thread descriptions, the end checks and a Reset.
func stepByHand(t *testing.T, prog *vm.Program, arch string) {
	t.Helper()
	m, err := vm.NewMachine(prog, arch, nil, fuzzLimits)
	if err != nil {
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("NewMachine on %s: %v", arch, err)
		}
		return
	}
	for round := 0; round < 2; round++ {
		var buf []int
		for i := 0; i < machineSteps && !m.Done(); i++ {
			buf = m.Enabled(buf[:0])
			if len(buf) == 0 {
				break
			}
			if err := m.Step(buf[0]); err != nil {
				t.Fatalf("Step(%d) of an enabled thread on %s: %v", buf[0], arch, err)
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
			t.Fatalf("NewMachine on %s: violation %s: %s", arch, v.Kind, v.Msg)
		}
		m.Reset()
	}
}

// noCrashCases are the small scripts the fuzzer found breaking the rule. A
// case whose bug is not fixed yet says so in skip.
var noCrashCases = []struct {
	name, src string
	skip      string
}{}

func TestCheckNoCrash(t *testing.T) {
	for _, c := range noCrashCases {
		t.Run(c.name, func(t *testing.T) {
			if c.skip != "" {
				t.Skip("BUG: " + c.skip)
			}
			prog, err := compiler.Compile("f.mmu", []byte(c.src), nil)
			if err != nil {
				t.Fatalf("does not compile: %v", err)
			}
			arch, search := pick([]byte(c.src))
			checkNoCrash(t, prog, arch, search)
		})
	}
}
