package benchscripts

import (
	"fmt"
	"strings"
)

// The scaling families of the exploration benchmarks: each is a script
// generated for a size n, with a known verdict and, where it matters, a
// known number of Mazurkiewicz traces to compare the searches against.

// Family is one scaling family.
type Family struct {
	Name   string
	Script func(n int) string
	Sizes  []int
	// Traces is the number of executions an optimal reduction needs at
	// size n (0: not stated).
	Traces func(n int) uint64
}

// Families are the scaling families of the bench table.
var Families = []Family{
	{Name: "lock", Script: Lock, Sizes: []int{4, 5, 6, 7, 8}, Traces: factorial},
	{Name: "sb-ring", Script: SBRing, Sizes: []int{4, 6, 8, 10, 12}, Traces: func(n int) uint64 { return 1<<uint(n) - 1 }},
	{Name: "lock-sb", Script: LockSB, Sizes: []int{3, 4, 5, 6, 7}},
}

func factorial(n int) uint64 {
	f := uint64(1)
	for i := 2; i <= n; i++ {
		f *= uint64(i)
	}
	return f
}

// Lock is n CPUs each taking one spinlock around an increment of a shared
// counter: the n! orders of the critical sections are the executions that
// differ, and the counter always ends at n.
func Lock(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "test \"lock-%d\"\nspinlock l\nshared x\n", n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\ncpu %d {\n  spin_lock(l)\n  x = x + 1\n  spin_unlock(l)\n}\n", i)
	}
	fmt.Fprintf(&b, "\nfinal forall (x == %d)\nexpect ok\n", n)
	return b.String()
}

// SBRing is store buffering around a ring of n CPUs: CPU i writes xi and
// reads x(i+1). Only the order of each write/read pair on one word
// matters (2^n orders, one of them cyclic): 2^n − 1 executions.
func SBRing(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "test \"sb-ring-%d\"\nshared", n)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, " x%d", i)
		if i < n-1 {
			b.WriteString(",")
		}
	}
	b.WriteString("\n")
	var zero []string
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\ncpu %d {\n  x%d = 1\n  r = x%d\n}\n", i, i, (i+1)%n)
		zero = append(zero, fmt.Sprintf("%d:r == 0", i))
	}
	fmt.Fprintf(&b, "\nfinal ~exists (%s)\nexpect ok\n", strings.Join(zero, " && "))
	return b.String()
}

// LockSB mixes the two: the even CPUs contend for a lock around a counter,
// the odd ones are a store-buffering ring of their own. The executions
// are the product of the lock orders and the ring's orders; a search must
// not multiply them by the interleavings of the two independent groups.
func LockSB(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "test \"lock-sb-%d\"\nspinlock l\nshared x", n)
	var ring []int
	for i := 1; i < n; i += 2 {
		ring = append(ring, i)
		fmt.Fprintf(&b, ", y%d", i)
	}
	b.WriteString("\n")
	locks := 0
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			locks++
			fmt.Fprintf(&b, "\ncpu %d {\n  spin_lock(l)\n  x = x + 1\n  spin_unlock(l)\n}\n", i)
			continue
		}
		k := 0
		for ring[k] != i {
			k++
		}
		fmt.Fprintf(&b, "\ncpu %d {\n  y%d = 1\n  r = y%d\n}\n", i, i, ring[(k+1)%len(ring)])
	}
	fmt.Fprintf(&b, "\nfinal forall (x == %d)\nexpect ok\n", locks)
	return b.String()
}

// PtdumpVmalloc is the seed-003 scaling script of the perf corpus
// (ptdump-vmalloc-nN): vmalloc frees the PTE tables under n consecutive
// PMD entries, one by one, while ptdump walks the same n entries under
// init_mm's mmap_lock. fixed adds the merged static-key sync on the
// vmalloc side (mmap_read_lock/unlock when the key is on); without it the
// walk can read a freed table.
func PtdumpVmalloc(n int, fixed bool) string {
	name, sync, verdict := "buggy", "", "fail use-after-free"
	if fixed {
		name, verdict = "fixed", "ok"
		sync = `    if static_branch_unlikely(ptdump_lock_key) {
      mmap_read_lock(init_mm)
      mmap_read_unlock(init_mm)
    }
`
	}
	return fmt.Sprintf(`// Scaling: %[1]d tables freed while ptdump walks them (%[2]s).
test "ptdump-vmalloc-n%[1]d-%[2]s"
arch arm64

static_key ptdump_lock_key
const VA = 0xffff800080000000
const N = %[1]d

init {
  for j in 0..N {
    map(init_mm, VA + j * 2M, 4K, 0x80000 + j * 512, PAGE_KERNEL)
  }
}

cpu 0 "vmalloc: free N PTE tables" {
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  for j in 0..N {
    table = pte_offset_kernel(pmdp + j * 8, VA + j * 2M)
    pmd_clear(pmdp + j * 8)
%[3]s    pte_free_kernel(table)
  }
}

cpu 1 "ptdump: walk N entries" {
  static_branch_enable(ptdump_lock_key)
  mmap_write_lock(init_mm)
  pmdp = pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA)
  for i in 0..N {
    pmd = pmdp_get(pmdp + i * 8)
    if pmd_table(pmd) {
      pte = ptep_get(pte_offset_lockless(pmdp + i * 8, pmd, VA + i * 2M))
    }
  }
  mmap_write_unlock(init_mm)
  static_branch_disable(ptdump_lock_key)
}

expect %[4]s
`, n, name, sync, verdict)
}
