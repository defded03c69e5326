package weakdiff_test

import (
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

var weakDiffTablesN = flag.Int("weakdiff.tables", 30, "generated scripts with page-table accesses the weak differential test checks, per arch")

// TestWeakDiffTables is TestWeakDiff on scripts whose CPUs also read and
// write the entries of a page table, which the weak models take as
// memory accesses: on arm64 set_pte(), ptep_get(), ptep_get_and_clear()
// (an exchange) and pte_clear(), with arm64's barriers; on x86 PAE
// set_pte() and pte_clear() by halves, ptep_get_and_clear()'s CMPXCHG8B
// and the halves themselves (pte_read_low(), pte_write_high(), ...,
// ptep_get_lockless()'s low, high, low again, in place of ptep_get():
// tableLine), with smp_rmb(), smp_wmb() and mfence(). A read entry may
// decide a branch (a control dependency).
func TestWeakDiffTables(t *testing.T) {
	t.Parallel()
	n := *weakDiffTablesN
	if testing.Short() {
		n /= 4
	}
	for _, v := range []string{"arm64", "x86pae", "arm64-rmw"} {
		last := n
		if v == "arm64-rmw" {
			last = n / 2 // its scripts take longer: dfs skips more of them
		}
		t.Run(v, func(t *testing.T) {
			for seed := *weakDiffFrom; seed <= int64(last); seed++ {
				src := genWeakTableScript(seed, v)
				weakDiffPairs(t, seed, fmt.Sprintf("weakdiff-tables-%s-%d.mmu", v, seed), src)
			}
		})
	}
}

// genWeakTableScript writes a script of two or three CPUs whose lines are
// weakGen's accesses to shared words and, as often, accesses to the two
// entries of table t (tableLine), on arch; variant arm64-rmw is arm64
// with the entry RMWs and the hardware's flag updates too (rmwLine), and
// some CPUs in lazy MMU mode, where arm64 batches the barriers of its
// entry writes.
func genWeakTableScript(seed int64, variant string) string {
	arch, rmw := variant, variant == "arm64-rmw"
	if rmw {
		arch = "arm64"
	}
	g := &weakGen{r: rand.New(rand.NewSource(seed))}
	g.shared = []string{"x", "y"}[:1+g.r.Intn(2)]
	var b strings.Builder
	fmt.Fprintf(&b, "// weakdiff tables seed %d\narch %s\ntable t\nshared %s\n", seed, arch, strings.Join(g.shared, ", "))
	ncpu := 2 + g.r.Intn(2)
	if arch == "x86pae" {
		ncpu = 2 // its halves make more events: dfs under tso must finish most
	}
	g.writeCPUs(&b, ncpu, func(b *strings.Builder) {
		n := 2 + g.r.Intn(2)
		lazy := rmw && g.r.Intn(3) == 0
		if lazy {
			b.WriteString("  arch_enter_lazy_mmu_mode()\n")
		}
		for i := 0; i < n; i++ {
			switch {
			case rmw && g.r.Intn(3) == 0:
				fmt.Fprintf(b, "  %s\n", g.rmwLine())
			case g.r.Intn(2) == 0:
				fmt.Fprintf(b, "  %s\n", g.tableLine(arch == "x86pae"))
			default:
				fmt.Fprintf(b, "  %s\n", g.line())
			}
		}
		if lazy {
			b.WriteString("  arch_leave_lazy_mmu_mode()\n")
		}
	})
	return b.String()
}

// tableLine is an access to entry t[0] or t[1] (mostly t[0], so that
// accesses race), a barrier of the arch, or a write made only if an
// entry read before is not clear.
func (g *weakGen) tableLine(pae bool) string {
	i := g.r.Intn(4) / 3
	if pae && g.r.Intn(2) == 0 {
		return g.paeHalf(i)
	}
	switch g.r.Intn(8) {
	case 0, 1:
		return fmt.Sprintf("set_pte(&t[%d], pfn_pte(%d, PAGE_KERNEL))", i, 0x10+g.r.Intn(2))
	case 2, 3:
		if pae {
			// not ptep_get(): one atomic read in the interleavings, where
			// the kernel's 64-bit READ_ONCE() on x86-32 is two loads, as
			// the graph engines have it (docs/model.md, memory-models.md)
			return fmt.Sprintf("%s = ptep_get_lockless(&t[%d])", g.reg(), i)
		}
		return fmt.Sprintf("%s = ptep_get(&t[%d])", g.reg(), i)
	case 4:
		// on x86 PAE one CMPXCHG8B of both halves
		return fmt.Sprintf("%s = ptep_get_and_clear(init_mm, 0, &t[%d])", g.reg(), i)
	case 5:
		return fmt.Sprintf("pte_clear(init_mm, 0, &t[%d])", i)
	case 6:
		if len(g.regs) > 0 {
			return fmt.Sprintf("if %s != 0 {\n    WRITE_ONCE(%s, %s)\n  }", g.regs[g.r.Intn(len(g.regs))], g.word(), g.value())
		}
	}
	if pae {
		return []string{"smp_rmb()", "smp_wmb()", "mfence()"}[g.r.Intn(3)]
	}
	return []string{"dsb_ishst()", "dsb_ish()", "dmb_ish()", "dmb_ishld()", "dmb_ishst()", "isb()"}[g.r.Intn(6)]
}

// paeHalf is an access to half of entry t[i] on x86 PAE: a half read or
// write, or the lockless reader (ptep_get_lockless(): low, high, low
// again, with smp_rmb() between).
func (g *weakGen) paeHalf(i int) string {
	switch g.r.Intn(5) {
	case 0:
		return fmt.Sprintf("%s = pte_read_low(&t[%d])", g.reg(), i)
	case 1:
		return fmt.Sprintf("%s = pte_read_high(&t[%d])", g.reg(), i)
	case 2:
		return fmt.Sprintf("pte_write_low(&t[%d], %d)", i, 1+g.r.Intn(2))
	case 3:
		return fmt.Sprintf("pte_write_high(&t[%d], %d)", i, 1+g.r.Intn(2))
	}
	return fmt.Sprintf("%s = ptep_get_lockless(&t[%d])", g.reg(), i)
}

// rmwLine is an RMW of entry t[0] or t[1] (mostly t[0]), set_pte_at(),
// or the hardware setting an entry's access or dirty flag.
func (g *weakGen) rmwLine() string {
	i := g.r.Intn(4) / 3
	switch g.r.Intn(5) {
	case 0:
		return fmt.Sprintf("ptep_set_wrprotect(init_mm, 0, &t[%d])", i)
	case 1:
		return fmt.Sprintf("%s = ptep_test_and_clear_young(init_mm, 0, &t[%d])", g.reg(), i)
	case 2:
		return fmt.Sprintf("hw_set_young(&t[%d])", i)
	case 3:
		return fmt.Sprintf("hw_set_dirty(&t[%d])", i)
	}
	return fmt.Sprintf("set_pte_at(init_mm, 0, &t[%d], pfn_pte(%d, %s))", i, 0x10+g.r.Intn(2), []string{"PAGE_KERNEL", "PAGE_SHARED"}[g.r.Intn(2)])
}
