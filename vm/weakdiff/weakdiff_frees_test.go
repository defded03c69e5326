package weakdiff_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
	"github.com/mmuvm/mmuvm/vm/internal/testhook"
)

var weakDiffFreesN = flag.Int("weakdiff.frees", 10, "generated scripts that free page tables while another CPU walks them the weak differential test checks")

// TestWeakDiffFrees holds the incremental search's handling of freed
// tables to the enumeration under armv8, on generated scripts in the
// shape of ptdump against vmalloc (seed 003): one CPU clears PMD
// entries and frees their PTE tables, another walks them, with or
// without the static key and mmap_lock that order the two, a flag, or
// barriers. A free poisons the entries some CPU reads: the enumeration
// knows them from its value domains, the incremental search from its
// scout's sc runs and its rounds, so both searches' results, with the
// scout and without, must be the same (final states and verdict), with
// no execution built twice, and contain the interleavings'.
func TestWeakDiffFrees(t *testing.T) {
	t.Parallel()
	n := *weakDiffFreesN
	if testing.Short() {
		n /= 4
	}
	for seed := *weakDiffFrom; seed <= int64(n); seed++ {
		src := genFreesScript(seed)
		p, err := compiler.Compile(fmt.Sprintf("weakdiff-frees-%d.mmu", seed), []byte(src), nil)
		if err != nil {
			t.Fatalf("seed %d: %v\n%s", seed, err, src)
		}
		want := enumerated(t, fmt.Sprintf("seed %d", seed), src, p, "armv8", vm.Limits{Graphs: 40_000})
		if want == nil {
			continue
		}
		for _, noScout := range []bool{false, true} {
			counts := &testhook.Counts{NoScout: noScout}
			got, err := vm.Check(testhook.With(context.Background(), counts), p, vm.Config{Model: "armv8", Search: "incremental", All: true})
			if err != nil {
				t.Fatalf("seed %d, no scout %v: %v\n%s", seed, noScout, err, src)
			}
			agrees(t, fmt.Sprintf("seed %d, no scout %v", seed, noScout), src, want, got, counts)
		}
		sc, err := vm.Check(context.Background(), p, vm.Config{All: true})
		if err != nil {
			t.Fatalf("seed %d under sc: %v\n%s", seed, err, src)
		}
		scWithin(t, seed, src, sc, want, "armv8")
	}
}

// genFreesScript writes a ptdump-against-vmalloc script: CPU 0 clears
// and frees one to three tables, CPU 1 walks their entries (in either
// order), each side with or without its part of the static-key and
// mmap_lock handshake (vmalloc's ptdump_lock_key check, ptdump's enable
// and write lock), a flag CPU 0 sets before each clear and CPU 1 tests
// before each walk, and a barrier.
func genFreesScript(seed int64) string {
	r := rand.New(rand.NewSource(seed))
	nt := 1 + r.Intn(3)
	var b strings.Builder
	fmt.Fprintf(&b, "// weakdiff frees seed %d\narch arm64\nstatic_key kk\nshared x\nconst VA = 0xffff800080000000\n\n", seed)
	b.WriteString("init {\n")
	for j := range nt {
		fmt.Fprintf(&b, "  map(init_mm, VA + %d * 2M, 4K, 0x%x, PAGE_KERNEL)\n", j, 0x80000+j*512)
	}
	b.WriteString("}\n\ncpu 0 {\n  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)\n")
	// half the scripts have the whole handshake (ptdump-vmalloc-fixed's
	// shape), the others each part of it or not
	full := r.Intn(2) == 0
	part := func() bool { return full || r.Intn(2) == 0 }
	keyCheck, flag, freerMb := part(), r.Intn(3) == 0, r.Intn(4) == 0
	for j := range nt {
		fmt.Fprintf(&b, "  table = pte_offset_kernel(pmdp + %d * 8, VA + %d * 2M)\n", j, j)
		if flag {
			fmt.Fprintf(&b, "  WRITE_ONCE(x, %d)\n", j+1)
		}
		fmt.Fprintf(&b, "  pmd_clear(pmdp + %d * 8)\n", j)
		if freerMb {
			b.WriteString("  smp_mb()\n")
		}
		if keyCheck {
			b.WriteString("  if static_branch_unlikely(kk) {\n    mmap_read_lock(init_mm)\n    mmap_read_unlock(init_mm)\n  }\n")
		}
		b.WriteString("  pte_free_kernel(table)\n")
	}
	b.WriteString("}\n\ncpu 1 {\n")
	enable, lock := part(), part()
	if enable {
		b.WriteString("  static_branch_enable(kk)\n")
	}
	if lock {
		b.WriteString("  mmap_write_lock(init_mm)\n")
	}
	b.WriteString("  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)\n")
	order := r.Perm(nt)
	if r.Intn(2) == 0 {
		for i := range order {
			order[i] = i
		}
	}
	for _, i := range order {
		walk := fmt.Sprintf("pmd = pmdp_get(pmdp + %[1]d * 8)\nif pmd_table(pmd) {\n  pte = ptep_get(pte_offset_lockless(pmdp + %[1]d * 8, pmd, VA + %[1]d * 2M))\n}", i)
		if flag && r.Intn(2) == 0 { // walk table i only before CPU 0 has begun to free it
			walk = fmt.Sprintf("if READ_ONCE(x) == %d {\n  %s\n}", i, strings.ReplaceAll(walk, "\n", "\n  "))
		}
		fmt.Fprintf(&b, "  %s\n", strings.ReplaceAll(walk, "\n", "\n  "))
	}
	if lock {
		b.WriteString("  mmap_write_unlock(init_mm)\n")
	}
	if enable {
		b.WriteString("  static_branch_disable(kk)\n")
	}
	b.WriteString("}\n\nlocations x, 1:pmd, 1:pte\nfinal exists (x == 0)\n")
	return b.String()
}
