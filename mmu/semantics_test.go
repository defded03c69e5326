package mmu_test

// Table-driven tests of the machine model's semantics, one small .mmu
// script per case, checked end to end (compiler, explorer, MMU, arch) with
// vm.Check on each arch the case names. Every script carries its own
// `expect` lines; the table repeats the verdict so that a changed
// expectation in a script cannot make a case pass silently.

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

var allArches = []string{"arm64", "x86pae", "x86pae-pv", "xenpv"}

type semCase struct {
	name  string
	on    string            // arches, space separated; "" means all four
	want  string            // the verdict on every arch of on
	per   map[string]string // the verdict per arch (instead of on/want)
	steps int               // step bound per execution (0: the default)
	bug   string            // a known model bug: the case is skipped with this reason
	msg   string            // words the first violation's message must contain
	src   string
}

// helperProcs are appended to a script that calls them.
var helperProcs = map[string]string{
	"ptep_of": `
proc ptep_of(mm, va) {
  return pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(mm, va), va), va), va)
}
`,
	"pmdp_of": `
proc pmdp_of(mm, va) {
  return pmd_offset(pud_offset(pgd_offset(mm, va), va), va)
}
`,
}

func (c semCase) runs() map[string]string {
	if c.per != nil {
		return c.per
	}
	arches := allArches
	if c.on != "" {
		arches = strings.Fields(c.on)
	}
	m := map[string]string{}
	for _, a := range arches {
		m[a] = c.want
	}
	return m
}

// arches lists the arches a case runs on, in allArches' order, then arch
// variants with options (arm64+bbml2), which only per names.
func (c semCase) arches() []string {
	var arches []string
	runs := c.runs()
	for _, a := range allArches {
		if _, ok := runs[a]; ok {
			arches = append(arches, a)
		}
	}
	var variants []string
	for a := range runs {
		if strings.Contains(a, "+") {
			variants = append(variants, a)
		}
	}
	sort.Strings(variants)
	return append(arches, variants...)
}

func (c semCase) source() string {
	arches := c.arches()
	src := "arch " + strings.Join(arches, ", ") + "\n" +
		entryWords.ReplaceAllStringFunc(c.src, func(w string) string { return entryOf[w] })
	for _, name := range []string{"ptep_of", "pmdp_of"} {
		if strings.Contains(src, name+"(") {
			src += helperProcs[name]
		}
	}
	return src
}

func TestSemantics(t *testing.T) {
	cases := semanticCases()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.bug != "" {
				t.Skip("BUG: " + c.bug)
			}
			prog, err := compiler.Compile(strings.ReplaceAll(c.name, "/", "_")+".mmu", []byte(c.source()), nil)
			if err != nil {
				t.Fatalf("compile: %v\n%s", err, c.source())
			}
			runs := c.runs()
			for _, a := range c.arches() {
				want := runs[a]
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				cfg := vm.Config{Arch: a, Limits: vm.Limits{Steps: c.steps}}
				r, err := vm.Check(ctx, prog, cfg)
				cancel()
				if err != nil {
					t.Errorf("%s: check: %v", a, err)
					continue
				}
				if r.Expected == "" {
					t.Errorf("%s: the script has no expect line for this arch", a)
				}
				if !r.Matched || r.Verdict != want {
					t.Errorf("%s: verdict %q, want %q (script expects %q, matched %v)\n%s",
						a, r.Verdict, want, r.Expected, r.Matched, describe(r))
				}
				if c.msg != "" && (len(r.Violations) == 0 || !strings.Contains(r.Violations[0].Msg, c.msg)) {
					t.Errorf("%s: the first violation does not say %q\n%s", a, c.msg, describe(r))
				}
			}
		})
	}
}

// describe renders what a failing case needs: counts, final states, the
// first violation's message and trace, or the condition's witness.
func describe(r *vm.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  executions %d, complete %v, counts %v", r.Executions, r.Complete, r.Counts)
	if len(r.Bounds) > 0 {
		fmt.Fprintf(&b, ", bounds %v", r.Bounds)
	}
	b.WriteString("\n")
	if r.Condition != "" {
		fmt.Fprintf(&b, "  final %s: validated %v (positive %d, negative %d)\n", r.Condition, r.Validated, r.Positive, r.Negative)
		for _, s := range r.FinalStates {
			fmt.Fprintf(&b, "    %4d :> %s\n", s.Count, s.Values)
		}
	}
	trace := func(title string, v *vm.Violation) {
		fmt.Fprintf(&b, "  %s: %s: %s\n", title, v.Kind, v.Msg)
		for _, e := range v.Trace {
			name := fmt.Sprint(e.Thread)
			if e.Thread >= 0 && e.Thread < len(r.Threads) {
				name = r.Threads[e.Thread]
			}
			fmt.Fprintf(&b, "    %3d %-10s %s\n", e.Step, name, e.Text)
		}
	}
	if len(r.Violations) > 0 {
		trace("first violation", r.Violations[0])
	} else if r.Witness != nil {
		trace("witness", r.Witness)
	}
	return b.String()
}

// kva is a kernel (vmalloc) address.
const kva = "0xffff800080000000"

// entryWords are the words a script may use for two user entries whose
// 32-bit halves both differ (the pfns reach bit 32 of the physical address);
// source() substitutes them.
var (
	entryWords = regexp.MustCompile(`\b(NEW|OLD)\b`)
	entryOf    = map[string]string{
		"NEW": "pfn_pte(0x100100, PAGE_SHARED)",
		"OLD": "pfn_pte(0x200200, PAGE_SHARED)",
	}
)

func semanticCases() []semCase {
	var cs []semCase
	add := func(c ...semCase) { cs = append(cs, c...) }

	// ---------------------------------------------------------------
	// Entries: the pure builtins, on every arch (predicates, not bits).

	add(semCase{name: "entries/pfn_pte", want: "ok", src: `
cpu 0 {
  k = pfn_pte(0x1234, PAGE_KERNEL)
  assert pte_pfn(k) == 0x1234, "pfn round trip"
  assert pte_present(k) && pte_valid(k) && !pte_none(k), "present"
  assert !pte_young(k) && !pte_dirty(k), "made old and clean"
  assert pte_write(k), "PAGE_KERNEL is writable"
  assert pte_present(pfn_pte(0x1234, PAGE_KERNEL_RO)) && !pte_write(pfn_pte(0x1234, PAGE_KERNEL_RO)), "PAGE_KERNEL_RO"
  assert pte_present(pfn_pte(0x1234, PAGE_SHARED)) && pte_write(pfn_pte(0x1234, PAGE_SHARED)), "PAGE_SHARED"
  assert pte_present(pfn_pte(0x1234, PAGE_READONLY)) && !pte_write(pfn_pte(0x1234, PAGE_READONLY)), "PAGE_READONLY"
  assert !pte_young(pfn_pte(0x1234, PAGE_SHARED)) && !pte_dirty(pfn_pte(0x1234, PAGE_SHARED)), "user entries made old and clean"
  n = pfn_pte(0x1234, 0)
  assert !pte_present(n) && !pte_valid(n) && !pte_none(n) && pte_pfn(n) == 0x1234, "no protection: not present"
  assert pte_none(0) && !pte_present(0), "the empty entry"
  assert pte_pfn(pfn_pte(0x100100, PAGE_SHARED)) == 0x100100, "a pfn above 4G"
  assert PAGE_KERNEL != PAGE_SHARED && PAGE_KERNEL != PAGE_KERNEL_RO && PAGE_SHARED != PAGE_READONLY, "distinct protections"
}
expect ok
`})

	add(semCase{name: "entries/young-dirty", want: "ok", src: `
cpu 0 {
  p = pfn_pte(0x200, PAGE_SHARED)
  y = pte_mkyoung(p)
  assert pte_young(y) && !pte_dirty(y) && pte_pfn(y) == 0x200 && pte_present(y), "mkyoung"
  assert pte_mkold(y) == p && !pte_young(pte_mkold(y)), "mkold undoes mkyoung"
  d = pte_mkdirty(p)
  assert pte_dirty(d) && !pte_young(d) && pte_write(d) && pte_present(d) && pte_pfn(d) == 0x200, "mkdirty"
  assert !pte_dirty(pte_mkclean(d)) && pte_write(pte_mkclean(d)), "mkclean keeps write"
  assert pte_mkclean(d) == p, "mkclean undoes mkdirty"
  ro = pfn_pte(0x200, PAGE_READONLY)
  assert pte_dirty(pte_mkdirty(ro)) && !pte_write(pte_mkdirty(ro)), "a read-only entry can be dirty"
  assert pte_mkclean(pte_mkdirty(ro)) == ro, "and cleaned"
  k = pfn_pte(0x200, PAGE_KERNEL)
  assert pte_dirty(pte_mkdirty(k)) && pte_mkclean(pte_mkdirty(k)) == k, "kernel entries"
  yd = pte_mkyoung(pte_mkdirty(k))
  assert pte_young(yd) && pte_dirty(yd) && pte_mkold(pte_mkclean(yd)) == k, "both"
}
expect ok
`})

	add(semCase{name: "entries/pte_pgprot", want: "ok", src: `
cpu 0 {
  p = pfn_pte(0x300, PAGE_SHARED)
  q = pfn_pte(0x301, PAGE_SHARED)
  assert pte_pgprot(p) == pte_pgprot(q), "the protection does not depend on the pfn"
  assert pte_pgprot(p) != pte_pgprot(pfn_pte(0x300, PAGE_READONLY)), "but on the protection"
  assert pte_pgprot(p) != pte_pgprot(pfn_pte(0x300, PAGE_KERNEL)), "user and kernel differ"
  assert pfn_pte(pte_pfn(p), pte_pgprot(p)) == p, "round trip"
  assert pfn_pte(pte_pfn(p) + 1, pte_pgprot(p)) == q, "pte_advance_pfn"
  k = pfn_pte(0x300, PAGE_KERNEL)
  assert pfn_pte(0x300, pte_pgprot(k)) == k, "kernel round trip"
  yd = pte_mkyoung(pte_mkdirty(p))
  assert pte_pgprot(yd) != pte_pgprot(p), "young and dirty are in the protection"
  assert pte_pgprot(pte_mkold(pte_mkclean(yd))) == pte_pgprot(p), "and can be taken out"
  assert pfn_pte(0x300, pte_pgprot(yd)) == p, "pfn_pte makes entries old and clean"
}
expect ok
`})

	add(semCase{name: "entries/cont-arm64", on: "arm64", want: "ok", src: `
table t
cpu 0 {
  p = pfn_pte(0x400, PAGE_SHARED)
  c = pte_mkcont(p)
  assert !pte_cont(p) && !pte_valid_cont(p), "pfn_pte does not set PTE_CONT"
  assert pte_cont(c) && pte_valid_cont(c), "mkcont"
  assert pte_pfn(c) == 0x400 && pte_present(c) && pte_write(c) && !pte_dirty(c), "mkcont keeps the rest"
  assert pte_pgprot(c) != pte_pgprot(p), "PTE_CONT is a protection bit"
  n = pte_mkcont(pfn_pte(0x400, 0))
  assert pte_cont(n) && !pte_valid_cont(n), "valid_cont needs valid"
  assert CONT_PTES == 16, "16 entries a block"
  assert contpte_align_down(&t[19]) == &t[16] && contpte_align_down(&t[16]) == &t[16], "align down"
  assert contpte_align_down(&t[15]) == &t[0], "align down to the table start"
}
expect ok
`})

	add(semCase{name: "entries/cont-others", on: "x86pae x86pae-pv xenpv", want: "ok", src: `
table t
cpu 0 {
  p = pfn_pte(0x400, PAGE_SHARED)
  assert pte_mkcont(p) == p, "no PTE_CONT bit"
  assert !pte_cont(pte_mkcont(p)) && !pte_valid_cont(pte_mkcont(p)), "never cont"
  assert CONT_PTES == 1, "blocks of one"
  assert contpte_align_down(&t[19]) == &t[19], "align down is the identity"
}
expect ok
`})

	add(semCase{name: "entries/pmd-pud", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  b = pfn_pmd(0x200, PAGE_KERNEL)
  assert pmd_present(b) && pmd_leaf(b) && !pmd_table(b) && !pmd_none(b), "pfn_pmd makes a block"
  assert pmd_pfn(b) == 0x200, "block pfn"
  assert b != pfn_pte(0x200, PAGE_KERNEL), "a block is not encoded as a page"
  n = pfn_pmd(0x200, 0)
  assert !pmd_present(n) && !pmd_leaf(n) && !pmd_table(n), "no protection: nothing"
  assert pmd_none(0) && !pmd_present(0) && !pmd_table(0) && !pmd_leaf(0), "the empty pmd"
  tb = pmdp_get(pmdp_of(user, VA))
  assert pmd_present(tb) && pmd_table(tb) && !pmd_leaf(tb), "a table entry made by map()"
  u = pfn_pud(0x40000, PAGE_KERNEL)
  assert pud_present(u) && pud_leaf(u) && !pud_table(u) && pud_pfn(u) == 0x40000, "pfn_pud makes a block"
  pu = pudp_get(pud_offset(pgd_offset(user, VA), VA))
  assert pud_present(pu) && pud_table(pu) && !pud_leaf(pu) && !pud_none(pu), "a pud table entry"
}
expect ok
`})

	add(semCase{name: "entries/halves", want: "ok", src: `
cpu 0 {
  p = pte_mkdirty(pfn_pte(0x100100, PAGE_SHARED))
  assert make_pte(pte_high(p), pte_low(p)) == p, "halves round trip"
  assert pte_high(p) == p >> 32 && pte_low(p) == (p & 0xffffffff), "halves"
  assert pte_high(p) != 0 && pte_low(p) != 0, "this entry has bits in both halves"
}
expect ok
`})

	// ---------------------------------------------------------------
	// Tables: set/get on every arch.

	add(semCase{name: "tables/set_pte-ptep_get", want: "ok", src: `
table t
cpu 0 {
  p = pfn_pte(0x100100, PAGE_SHARED)
  set_pte(&t[1], p)
  assert ptep_get(&t[1]) == p, "ptep_get"
  assert __ptep_get(&t[1]) == p, "__ptep_get"
  assert ptep_get_lockless(&t[1]) == p, "ptep_get_lockless"
  assert pte_none(ptep_get(&t[0])), "a neighbour is untouched"
  old = ptep_get_and_clear(init_mm, 0, &t[1])
  assert old == p && pte_none(ptep_get(&t[1])), "ptep_get_and_clear"
  set_pte(&t[2], p)
  pte_clear(init_mm, 0, &t[2])
  assert pte_none(ptep_get(&t[2])), "pte_clear"
  k = pfn_pte(0x80000, PAGE_KERNEL)
  set_pte(&t[3], k)
  assert ptep_get(&t[3]) == k, "a kernel entry"
}
final forall (ptep_get(&t[3]) == pfn_pte(0x80000, PAGE_KERNEL) && pte_none(ptep_get(&t[1])))
expect ok
`})

	add(semCase{name: "tables/set_ptes-set_pte_at", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  ptep = ptep_of(user, VA)
  set_ptes(user, VA + 4K, ptep + 8, pfn_pte(0x201, PAGE_SHARED), 3)
  for i in 0..3 {
    e = ptep_get(ptep + 8 + i * 8)
    assert pte_present(e) && pte_pfn(e) == 0x201 + i, "set_ptes advances the pfn"
  }
  assert pte_none(ptep_get(ptep + 32)), "and writes nr entries"
  set_pte_at(user, VA + 8 * 4K, ptep + 64, pfn_pte(0x300, PAGE_READONLY))
  assert ptep_get(ptep + 64) == pfn_pte(0x300, PAGE_READONLY), "set_pte_at"
  a = access(user, VA + 2 * 4K, 0)
  b = access(user, VA + 8 * 4K, 1)
}
final forall (0:a == 1 && 0:b == 0)
expect ok
`})

	add(semCase{name: "tables/ptep_get-sees-old-or-new",
		per: map[string]string{"arm64": "ok", "xenpv": "ok", "x86pae": "fail condition", "x86pae-pv": "fail condition"},
		src: `
// set_pte is one 64-bit store on arm64 and Xen PV; two on x86 PAE, where a
// concurrent ptep_get can read the entry between them.
table t
cpu 0 {
  set_pte(&t[0], NEW)
}
cpu 1 {
  r = ptep_get(&t[0])
}
final forall (1:r == 0 || 1:r == NEW)
expect arm64: ok
expect xenpv: ok
expect x86pae: fail condition
expect x86pae-pv: fail condition
`})

	add(semCase{name: "x86pae/set_pte-high-then-low",
		per: map[string]string{"x86pae": "ok", "x86pae-pv": "ok", "arm64": "fail condition", "xenpv": "fail condition"},
		src: `
// A reader of the halves (high, then low) can see the new high half with the
// old (empty) low half only where set_pte is two steps.
table t
cpu 0 {
  set_pte(&t[0], NEW)
}
cpu 1 {
  hi = pte_read_high(&t[0])
  lo = pte_read_low(&t[0])
}
final exists (1:hi == pte_high(NEW) && 1:lo == 0)
expect x86pae: ok
expect x86pae-pv: ok
expect arm64: fail condition
expect xenpv: fail condition
`})

	add(semCase{name: "x86pae/set_pte-never-low-first", want: "ok", src: `
// set_pte writes the high half first: a reader never sees the new low half
// (which makes the entry present) with the old high half.
table t
cpu 0 {
  set_pte(&t[0], NEW)
}
cpu 1 {
  lo = pte_read_low(&t[0])
  hi = pte_read_high(&t[0])
}
final ~exists (1:lo == pte_low(NEW) && 1:hi == 0)
expect ok
`})

	add(semCase{name: "x86pae/pte_clear-low-then-high",
		per: map[string]string{"x86pae": "ok", "x86pae-pv": "ok", "arm64": "fail condition", "xenpv": "fail condition"},
		src: `
table t
init {
  set_pte(&t[0], NEW)
}
cpu 0 {
  pte_clear(init_mm, 0, &t[0])
}
cpu 1 {
  lo = pte_read_low(&t[0])
  hi = pte_read_high(&t[0])
}
final exists (1:lo == 0 && 1:hi == pte_high(NEW))
expect x86pae: ok
expect x86pae-pv: ok
expect arm64: fail condition
expect xenpv: fail condition
`})

	add(semCase{name: "x86pae/pte_clear-never-high-first", want: "ok", src: `
table t
init {
  set_pte(&t[0], NEW)
}
cpu 0 {
  pte_clear(init_mm, 0, &t[0])
}
cpu 1 {
  hi = pte_read_high(&t[0])
  lo = pte_read_low(&t[0])
}
final ~exists (1:hi == 0 && 1:lo == pte_low(NEW))
expect ok
`})

	add(semCase{name: "x86pae/pte_clear-torn-ptep_get",
		per: map[string]string{"x86pae": "ok", "x86pae-pv": "ok", "arm64": "fail condition", "xenpv": "fail condition"},
		src: `
table t
init {
  set_pte(&t[0], NEW)
}
cpu 0 {
  pte_clear(init_mm, 0, &t[0])
}
cpu 1 {
  r = ptep_get(&t[0])
}
final exists (1:r != 0 && 1:r != NEW)
expect x86pae: ok
expect x86pae-pv: ok
expect arm64: fail condition
expect xenpv: fail condition
`})

	add(semCase{name: "x86pae/ptep_get_and_clear-atomic", want: "ok", src: `
table t
init {
  set_pte(&t[0], NEW)
}
cpu 0 {
  old = ptep_get_and_clear(init_mm, 0, &t[0])
}
cpu 1 {
  r = ptep_get(&t[0])
}
final forall ((1:r == 0 || 1:r == NEW) && 0:old == NEW)
expect ok
`})

	add(semCase{name: "x86pae/ptep_get_lockless-never-torn", want: "ok", src: `
// The writer replaces OLD by NEW (atomic clear, then set_pte: high, low).
// ptep_get_lockless re-reads the low half and retries: it never returns
// halves of two different entries.
table t
init {
  set_pte(&t[0], OLD)
}
cpu 0 {
  old = ptep_get_and_clear(init_mm, 0, &t[0])
  set_pte(&t[0], NEW)
}
cpu 1 {
  r = ptep_get_lockless(&t[0])
}
final ~exists ((pte_high(1:r) == pte_high(NEW) && pte_low(1:r) == pte_low(OLD)) ||
               (pte_high(1:r) == pte_high(OLD) && pte_low(1:r) == pte_low(NEW)))
expect ok
`})

	add(semCase{name: "x86pae/half-reader-torn", on: "x86pae x86pae-pv", want: "ok", src: `
// The same writer against a reader of each half once (no retry).
table t
init {
  set_pte(&t[0], OLD)
}
cpu 0 {
  old = ptep_get_and_clear(init_mm, 0, &t[0])
  set_pte(&t[0], NEW)
}
cpu 1 {
  lo = pte_read_low(&t[0])
  hi = pte_read_high(&t[0])
}
final exists (1:hi == pte_high(NEW) && 1:lo == pte_low(OLD))
expect ok
`})

	// ---------------------------------------------------------------
	// arm64: kernel PTE barriers, lazy batching, dsb_count.

	kernelMap := `
const VA = ` + kva + `
init {
  map(init_mm, VA, 4K, 0x80000, PAGE_KERNEL)
}
`
	add(semCase{name: "arm64/kernel-pte-hidden-in-lazy",
		per: map[string]string{"arm64": "fail fault", "xenpv": "fail fault", "x86pae": "ok", "x86pae-pv": "ok"},
		src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  ok = access(init_mm, VA + 4K, 0)
  arch_leave_lazy_mmu_mode()
}
expect arm64: fail fault
expect xenpv: fail fault
expect x86pae: ok
expect x86pae-pv: ok
`})

	add(semCase{name: "arm64/dsb-makes-visible",
		per: map[string]string{"arm64": "ok", "x86pae": "ok", "x86pae-pv": "ok", "xenpv": "fail fault"},
		src: kernelMap + `
// An explicit dsb(ishst); isb() inside the section publishes the entry to
// the walker on arm64; on Xen PV the write is still queued.
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  dsb_ishst()
  isb()
  ok = access(init_mm, VA + 4K, 0)
  arch_leave_lazy_mmu_mode()
}
final forall (0:ok == 1)
expect arm64: ok
expect x86pae: ok
expect x86pae-pv: ok
expect xenpv: fail fault
`})

	add(semCase{name: "arm64/visible-after-leave", want: "ok", src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  arch_leave_lazy_mmu_mode()
  ok = access(init_mm, VA + 4K, 1)
}
final forall (0:ok == 1)
expect ok
`})

	add(semCase{name: "arm64/visible-at-once-outside-lazy", want: "ok", src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  ok = access(init_mm, VA + 4K, 1)
}
final forall (0:ok == 1)
expect ok
`})

	add(semCase{name: "arm64/other-cpu-faults-before-leave",
		per: map[string]string{"arm64": "fail fault", "xenpv": "fail fault", "x86pae": "ok", "x86pae-pv": "ok"},
		src: kernelMap + `
shared published
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  published = 1
  arch_leave_lazy_mmu_mode()
}
cpu 1 {
  await published == 1
  ok = access(init_mm, VA + 4K, 0)
}
expect arm64: fail fault
expect xenpv: fail fault
expect x86pae: ok
expect x86pae-pv: ok
`})

	add(semCase{name: "arm64/other-cpu-after-leave", want: "ok", src: kernelMap + `
shared published
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  arch_leave_lazy_mmu_mode()
  published = 1
}
cpu 1 {
  await published == 1
  ok = access(init_mm, VA + 4K, 0)
}
final forall (1:ok == 1)
expect ok
`})

	add(semCase{name: "arm64/dsb_count-per-set_pte", on: "arm64", want: "ok", src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  before = dsb_count()
  for i in 1..4 {
    set_pte(ptep + i * 8, pfn_pte(0x80000 + i, PAGE_KERNEL))
  }
  d = dsb_count() - before
}
final forall (0:d == 3)
expect ok
`})

	add(semCase{name: "arm64/dsb_count-per-lazy-section", on: "arm64", want: "ok", src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  c0 = dsb_count()
  arch_enter_lazy_mmu_mode()
  for i in 1..4 {
    set_pte(ptep + i * 8, pfn_pte(0x80000 + i, PAGE_KERNEL))
  }
  arch_leave_lazy_mmu_mode()
  c1 = dsb_count()
  arch_enter_lazy_mmu_mode()
  for i in 4..7 {
    set_pte(ptep + i * 8, pfn_pte(0x80000 + i, PAGE_KERNEL))
  }
  arch_leave_lazy_mmu_mode()
  c2 = dsb_count()
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  c3 = dsb_count()
  d1 = c1 - c0
  d2 = c2 - c1
  d3 = c3 - c2
}
final forall (0:d1 == 1 && 0:d2 == 1 && 0:d3 == 0)
expect ok
`})

	add(semCase{name: "arm64/dsb_count-explicit-only-elsewhere", on: "x86pae x86pae-pv xenpv", want: "ok", src: kernelMap + `
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  c0 = dsb_count()
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  c1 = dsb_count()
  dsb_ishst()
  c2 = dsb_count()
  d = c1 - c0
  e = c2 - c1
}
final forall (0:d == 0 && 0:e == 1)
expect ok
`})

	add(semCase{name: "arm64/user-pte-needs-no-barrier",
		per: map[string]string{"arm64": "ok", "x86pae": "ok", "x86pae-pv": "ok", "xenpv": "fail condition"},
		src: `
// A user PTE written inside lazy mode is visible to the walker at once on
// arm64 (no barrier queued); on Xen PV it is still in the queue.
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  ptep = ptep_of(user, VA)
  before = dsb_count()
  arch_enter_lazy_mmu_mode()
  set_pte(ptep + 8, pfn_pte(0x101, PAGE_SHARED))
  a = access(user, VA + 4K, 0)
  arch_leave_lazy_mmu_mode()
  set_pte(ptep + 16, pfn_pte(0x102, PAGE_SHARED))   // outside lazy: no barrier either
  b = access(user, VA + 8K, 0)
  d = dsb_count() - before
}
final forall (0:a == 1 && 0:b == 1 && 0:d == 0)
expect arm64: ok
expect x86pae: ok
expect x86pae-pv: ok
expect xenpv: fail condition
`})

	// ---------------------------------------------------------------
	// Break-before-make (arm64 only).

	userMap := `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
`
	add(semCase{name: "bbm/repoint-live-user-entry",
		per: map[string]string{"arm64": "fail bbm", "x86pae": "ok", "x86pae-pv": "ok", "xenpv": "ok"},
		src: userMap + `
cpu 0 {
  set_pte(ptep_of(user, VA), pfn_pte(0x200, PAGE_SHARED))
}
expect arm64: fail bbm
expect x86pae: ok
expect x86pae-pv: ok
expect xenpv: ok
`})

	add(semCase{name: "bbm/repoint-live-kernel-entry",
		per: map[string]string{"arm64": "fail bbm", "x86pae": "ok", "x86pae-pv": "ok", "xenpv": "ok"},
		src: kernelMap + `
cpu 0 {
  set_pte(ptep_of(init_mm, VA), pfn_pte(0x90000, PAGE_KERNEL))
}
expect arm64: fail bbm
expect x86pae: ok
expect x86pae-pv: ok
expect xenpv: ok
`})

	add(semCase{name: "bbm/young-dirty-change-is-fine", want: "ok", src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  set_pte(ptep, pte_mkyoung(pte_mkdirty(ptep_get(ptep))))
  set_pte(ptep, pte_mkold(pte_mkclean(ptep_get(ptep))))
}
expect ok
`})

	add(semCase{name: "bbm/clear-flush-then-write", want: "ok", src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  pte_clear(user, VA, ptep)
  flush_tlb_mm_range(user, VA, VA + 4K)
  set_pte(ptep, pfn_pte(0x200, PAGE_SHARED))
  old = ptep_get_and_clear(user, VA, ptep)
  flush_tlb_mm_range(user, VA, VA + 4K)
  set_pte(ptep, pfn_pte(0x300, PAGE_SHARED))
  a = access(user, VA, 0)
}
final forall (0:a == 1 && pte_pfn(0:old) == 0x200)
expect ok
`})

	add(semCase{name: "bbm/none-to-valid-and-back", want: "ok", src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  set_pte(ptep + 8, pfn_pte(0x200, PAGE_SHARED))
  pte_clear(user, VA + 4K, ptep + 8)
  set_pte(ptep + 8, pfn_pte(0x300, PAGE_SHARED))
}
expect ok
`})

	add(semCase{name: "bbm/cont-bit-change",
		per: map[string]string{"arm64": "fail bbm", "x86pae": "ok", "x86pae-pv": "ok", "xenpv": "ok"},
		src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  set_pte(ptep, pte_mkcont(ptep_get(ptep)))
}
expect arm64: fail bbm
expect x86pae: ok
expect x86pae-pv: ok
expect xenpv: ok
`})

	// ---------------------------------------------------------------
	// contpte (arm64; the same scripts show no folding elsewhere).

	add(semCase{name: "contpte/map-aligned-64K-user-folds", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 64K, 0x1000, PAGE_SHARED)
}
cpu 0 {
  cont = CONT_PTES > 1
  base = ptep_of(user, VA)
  for i in 0..16 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && pte_pfn(e) == 0x1000 + i, "mapped"
    assert pte_cont(e) == cont && pte_valid_cont(e) == cont, "PTE_CONT on every entry of the block (arm64 only)"
  }
  assert pte_none(__ptep_get(base + 16 * 8)), "and nothing after"
}
expect ok
`})

	add(semCase{name: "contpte/map-init_mm-not-folded", want: "ok", src: `
const VA = ` + kva + `
init {
  map(init_mm, VA, 64K, 0x80000, PAGE_KERNEL)
}
cpu 0 {
  base = ptep_of(init_mm, VA)
  for i in 0..16 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && !pte_cont(e), "kernel mappings are not folded"
  }
}
expect ok
`})

	add(semCase{name: "contpte/map-unaligned-not-folded", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA + 4K, 64K, 0x1001, PAGE_SHARED)       // VA and pfn misaligned: no block covered whole
  map(user, VA + 128K, 64K, 0x2001, PAGE_SHARED)     // VA aligned, pfn not
  map(user, VA + 256K, 68K, 0x3000, PAGE_SHARED)     // one whole block and one entry more
}
cpu 0 {
  cont = CONT_PTES > 1
  base = ptep_of(user, VA)
  for i in 1..17 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && !pte_cont(e), "unaligned range"
  }
  for i in 32..48 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && !pte_cont(e), "unaligned pfn"
  }
  for i in 64..80 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && pte_cont(e) == cont, "the aligned block folds"
  }
  e = __ptep_get(base + 80 * 8)
  assert pte_present(e) && !pte_cont(e), "the entry after it does not"
}
expect ok
`})

	add(semCase{name: "contpte/set_ptes-folds-at-runtime", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA + 1M, 4K, 0x100, PAGE_SHARED)          // builds the pte table only
}
cpu 0 {
  cont = CONT_PTES > 1
  base = ptep_of(user, VA)
  set_ptes(user, VA, base, pfn_pte(0x2000, PAGE_SHARED), 16)
  for i in 0..16 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && pte_pfn(e) == 0x2000 + i && pte_cont(e) == cont, "folded"
  }
  a = access(user, VA + 7 * 4K, 1)
}
final forall (0:a == 1)
expect ok
`})

	// hardware A/D updates touch only valid descriptors, and dirty only
	// writable ones (Arm ARM hardware AF/DBM management; Intel SDM 4.8)
	add(semCase{name: "hw/ad-only-on-valid-writable", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x1000, PAGE_SHARED)
  map(user, VA + 4K, 4K, 0x1001, PAGE_READONLY)
}
cpu 0 {
  p = ptep_of(user, VA)
  pte_clear(user, VA, p)
  hw_set_dirty(p)
  hw_set_young(p)
  assert ptep_get(p) == 0, "no A/D update on a cleared entry"
  hw_set_dirty(p + 8)
  e = ptep_get(p + 8)
  assert !pte_dirty(e) && !pte_young(e), "no dirty (nor young) from a write to a read-only entry"
  hw_set_young(p + 8)
  assert pte_young(ptep_get(p + 8)), "young on a valid read-only entry"
}
expect ok
`})

	add(semCase{name: "contpte/ptep_get-gathers-young-dirty", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 64K, 0x1000, PAGE_SHARED)
}
cpu 0 {
  cont = CONT_PTES > 1
  base = ptep_of(user, VA)
  hw_set_dirty(base + 5 * 8)
  hw_set_young(base + 9 * 8)
  r = ptep_get(base + 3 * 8)
  raw = __ptep_get(base + 3 * 8)
  assert pte_pfn(r) == 0x1003 && pte_present(r), "ptep_get returns entry 3"
  assert pte_dirty(r) == cont && pte_young(r) == cont, "ptep_get gathers young/dirty over the block (arm64)"
  assert !pte_dirty(raw) && !pte_young(raw), "__ptep_get does not"
  l = ptep_get_lockless(base + 3 * 8)
  assert pte_pfn(l) == 0x1003 && pte_dirty(l) == cont && pte_young(l) == cont, "ptep_get_lockless gathers too"
  assert pte_dirty(ptep_get(base + 5 * 8)), "entry 5 itself is dirty"
}
expect ok
`})

	add(semCase{name: "contpte/ptep_get_and_clear-unfolds", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 64K, 0x1000, PAGE_SHARED)
}
cpu 0 {
  cont = CONT_PTES > 1
  base = ptep_of(user, VA)
  hw_set_dirty(base + 5 * 8)
  old = ptep_get_and_clear(user, VA + 3 * 4K, base + 3 * 8)
  assert pte_pfn(old) == 0x1003, "the old entry"
  assert pte_dirty(old) == cont, "with the block's dirty bit (arm64)"
  assert pte_none(__ptep_get(base + 3 * 8)), "cleared"
  for i in 0..16 {
    if i != 3 {
      e = __ptep_get(base + i * 8)
      assert pte_present(e) && pte_pfn(e) == 0x1000 + i && !pte_cont(e), "the rest of the block is unfolded"
    }
  }
}
expect ok
`})

	add(semCase{name: "contpte/set_pte_at-unfolds-first", on: "arm64", want: "ok",
		src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 64K, 0x1000, PAGE_SHARED)
}
cpu 0 {
  base = ptep_of(user, VA)
  set_pte_at(user, VA + 3 * 4K, base + 3 * 8, pte_mkdirty(pfn_pte(0x1003, PAGE_SHARED)))
  e = __ptep_get(base + 3 * 8)
  f = __ptep_get(base + 4 * 8)
  assert pte_dirty(e) && !pte_cont(e) && !pte_cont(f), "the block was unfolded, then the entry written"
}
expect ok
`})

	add(semCase{name: "contpte/set_pte_at-folds-on-last-entry", on: "arm64", want: "ok",
		src: `
mm user
const VA = 0x400000
init {
  map(user, VA + 1M, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  base = ptep_of(user, VA)
  for i in 0..16 {
    set_pte_at(user, VA + i * 4K, base + i * 8, pfn_pte(0x1000 + i, PAGE_SHARED))
  }
  e = __ptep_get(base + 3 * 8)
  assert pte_valid_cont(e), "folded by contpte_try_fold on the 16th entry"
}
expect ok
`})

	add(semCase{name: "contpte/try_fold-and-unfold", on: "arm64", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA + 1M, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  base = ptep_of(user, VA)
  __set_ptes(user, VA, base, pfn_pte(0x1000, PAGE_SHARED), 16)
  assert !pte_cont(__ptep_get(base)), "__set_ptes never folds"
  hw_set_dirty(base + 2 * 8)
  contpte_try_fold(user, VA + 15 * 4K, base + 15 * 8, ptep_get(base + 15 * 8))
  for i in 0..16 {
    e = __ptep_get(base + i * 8)
    assert pte_valid_cont(e) && pte_dirty(e) && pte_pfn(e) == 0x1000 + i, "folded, dirty gathered"
  }
  contpte_try_unfold(user, VA, base, ptep_get(base))
  for i in 0..16 {
    e = __ptep_get(base + i * 8)
    assert pte_present(e) && !pte_cont(e), "unfolded"
  }
}
expect ok
`})

	// ---------------------------------------------------------------
	// Xen PV: queued writes in lazy mode.

	add(semCase{name: "xenpv/lazy-write-not-in-memory",
		per: map[string]string{"xenpv": "ok", "arm64": "fail condition", "x86pae": "fail condition", "x86pae-pv": "fail condition"},
		src: `
table t
shared written, read
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  written = 1
  await read == 1
  arch_leave_lazy_mmu_mode()
}
cpu 1 {
  await written == 1
  r = ptep_get(&t[0])
  read = 1
}
final forall (1:r == 0 && ptep_get(&t[0]) == NEW)
expect xenpv: ok
expect arm64: fail condition
expect x86pae: fail condition
expect x86pae-pv: fail condition
`})

	add(semCase{name: "xenpv/get-and-clear-of-queued-entry", per: map[string]string{"xenpv": "fail read-hazard", "arm64": "ok"}, src: `
import "lazy"
table t
cpu 0 {
  lazy {
    set_pte(&t[0], pfn_pte(0x100, PAGE_KERNEL))
    old = ptep_get_and_clear(init_mm, 0, &t[0])   // the queued write would undo the clear
  }
}
expect xenpv: fail read-hazard
expect arm64: ok
`})

	add(semCase{name: "xenpv/flush-writes-back", want: "ok", src: `
table t
shared written, read
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  arch_flush_lazy_mmu_mode()
  written = 1
  await read == 1
  arch_leave_lazy_mmu_mode()
}
cpu 1 {
  await written == 1
  r = ptep_get(&t[0])
  read = 1
}
final forall (1:r == NEW)
expect ok
`})

	add(semCase{name: "xenpv/outside-lazy-immediate", want: "ok", src: `
table t
shared written
cpu 0 {
  set_pte(&t[0], NEW)
  written = 1
}
cpu 1 {
  await written == 1
  r = ptep_get(&t[0])
}
final forall (1:r == NEW)
expect ok
`})

	for _, reader := range []string{"ptep_get", "__ptep_get", "ptep_get_lockless"} {
		add(semCase{name: "xenpv/read-hazard-" + reader,
			per: map[string]string{"xenpv": "fail read-hazard", "arm64": "ok", "x86pae": "ok", "x86pae-pv": "ok"},
			src: `
table t
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  r = ` + reader + `(&t[0])
  arch_leave_lazy_mmu_mode()
}
expect xenpv: fail read-hazard
expect arm64: ok
expect x86pae: ok
expect x86pae-pv: ok
`})
	}

	add(semCase{name: "xenpv/no-read-hazard-after-flush", want: "ok", src: `
table t
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  arch_flush_lazy_mmu_mode()
  r = ptep_get(&t[0])
  assert r == NEW, "flushed"
  set_pte(&t[1], NEW)
  s = ptep_get(&t[2])                 // another entry: no hazard
  arch_leave_lazy_mmu_mode()
  assert ptep_get(&t[1]) == NEW, "written at leave"
}
expect ok
`})

	add(semCase{name: "xenpv/irq-is-not-lazy", want: "ok", src: kernelMap + `
table t
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  set_pte(&t[1], NEW)
  arch_leave_lazy_mmu_mode()
}
irq 0 {
  set_pte(&t[2], NEW)
  assert ptep_get(&t[2]) == NEW, "an irq's write is immediate (and no read hazard)"
  ptep = ptep_of(init_mm, VA)
  set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
  ok = access(init_mm, VA + 4K, 1)
}
final forall (ptep_get(&t[0]) == NEW && ptep_get(&t[2]) == NEW)
expect ok
`})

	// ---------------------------------------------------------------
	// Pages and TLB.

	add(semCase{name: "tlb/access-fills-tlb", want: "ok", src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  a = access(user, VA, 0)
  old = ptep_get_and_clear(user, VA, ptep)
  b = access(user, VA, 0)          // the stale TLB entry still translates
  flush_tlb_mm_range(user, VA, VA + 4K)
  c = access(user, VA, 0)
}
final forall (0:a == 1 && 0:b == 1 && 0:c == 0)
expect ok
`})

	add(semCase{name: "tlb/no-fill-no-translation", want: "ok", src: userMap + `
cpu 0 {
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  b = access(user, VA, 0)
}
final forall (0:b == 0 && pte_pfn(0:old) == 0x100)
expect ok
`})

	add(semCase{name: "tlb/stale-tlb-after-free", want: "fail use-after-free", src: userMap + `
cpu 0 {
  a = access(user, VA, 0)
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  free_page(pte_pfn(old))
  b = access(user, VA, 0)
}
expect fail use-after-free
`})

	add(semCase{name: "tlb/flush-before-free", want: "ok", src: userMap + `
cpu 0 {
  a = access(user, VA, 1)
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  flush_tlb_mm_range(user, VA, VA + 4K)
  free_page(pte_pfn(old))
  b = access(user, VA, 0)
  c = access(user, VA, 1)
}
final forall (0:a == 1 && 0:b == 0 && 0:c == 0)
expect ok
`})

	add(semCase{name: "tlb/flush_tlb_all-before-free", want: "ok", src: userMap + `
cpu 0 {
  a = access(user, VA, 0)
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  flush_tlb_all()
  free_page(pte_pfn(old))
  b = access(user, VA, 0)
}
final forall (0:b == 0)
expect ok
`})

	add(semCase{name: "tlb/flush-range-is-a-range", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 8K, 0x100, PAGE_SHARED)
}
cpu 0 {
  ptep = ptep_of(user, VA)
  a0 = access(user, VA, 0)
  a1 = access(user, VA + 4K, 0)
  old0 = ptep_get_and_clear(user, VA, ptep)
  old1 = ptep_get_and_clear(user, VA + 4K, ptep + 8)
  flush_tlb_mm_range(user, VA, VA + 4K)
  b0 = access(user, VA, 0)
  b1 = access(user, VA + 4K, 0)          // outside the range: still cached
  flush_tlb_kernel_range(VA, VA + 8K)    // kernel flushes leave user entries
  c1 = access(user, VA + 4K, 0)
  flush_tlb_mm_range(user, VA, VA + 8K)
  d1 = access(user, VA + 4K, 0)
}
final forall (0:a0 == 1 && 0:a1 == 1 && 0:b0 == 0 && 0:b1 == 1 && 0:c1 == 1 && 0:d1 == 0)
expect ok
`})

	add(semCase{name: "tlb/flush-inside-a-block-drops-it", want: "ok", src: `
mm user
const VA = 0x40000000
init {
  map_pmd(user, VA, 0x800, PAGE_SHARED)
}
cpu 0 {
  pmdp = pmdp_of(user, VA)
  a = access(user, VA, 0)
  pmd_clear(pmdp)
  b = access(user, VA + 9 * 4K, 0)       // the 2M TLB entry still translates
  flush_tlb_mm_range(user, VA + 5 * 4K, VA + 6 * 4K)
  c = access(user, VA + 9 * 4K, 0)
}
final forall (0:a == 1 && 0:b == 1 && 0:c == 0)
expect ok
`})

	add(semCase{name: "tlb/remote-flush", want: "ok", src: `
// A flush reaches the other CPU's TLB on every arch (IPI, hypercall or
// broadcast TLBI).
mm user
const VA = 0x400000
shared filled, flushed
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  await filled == 1
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  flush_tlb_mm_range(user, VA, VA + 4K)
  flushed = 1
}
cpu 1 {
  a = access(user, VA, 0)
  filled = 1
  await flushed == 1
  b = access(user, VA, 0)
}
final forall (1:a == 1 && 1:b == 0)
expect ok
`})

	add(semCase{name: "tlb/remote-stale-without-flush", want: "ok", src: `
mm user
const VA = 0x400000
shared filled, cleared
init {
  map(user, VA, 4K, 0x100, PAGE_SHARED)
}
cpu 0 {
  await filled == 1
  old = ptep_get_and_clear(user, VA, ptep_of(user, VA))
  cleared = 1
}
cpu 1 {
  a = access(user, VA, 0)
  filled = 1
  await cleared == 1
  b = access(user, VA, 0)
}
final forall (1:a == 1 && 1:b == 1)
expect ok
`})

	add(semCase{name: "tlb/kernel-flush-before-free", want: "ok", src: kernelMap + `
cpu 0 {
  a = access(init_mm, VA, 0)
  old = ptep_get_and_clear(init_mm, VA, ptep_of(init_mm, VA))
  flush_tlb_kernel_range(VA, VA + 4K)
  free_page(pte_pfn(old))
}
final forall (0:a == 1)
expect ok
`})

	add(semCase{name: "tlb/kernel-stale-tlb-after-free", want: "fail use-after-free", src: kernelMap + `
cpu 0 {
  a = access(init_mm, VA, 0)
  old = ptep_get_and_clear(init_mm, VA, ptep_of(init_mm, VA))
  free_page(pte_pfn(old))
  b = access(init_mm, VA, 0)
}
expect fail use-after-free
`})

	add(semCase{name: "tlb/kernel-access-unmapped-faults", want: "fail fault", src: `
cpu 0 {
  a = access(init_mm, ` + kva + `, 0)
}
expect fail fault
`})

	add(semCase{name: "tlb/kernel-access-after-clear-faults", want: "fail fault", src: kernelMap + `
cpu 0 {
  old = ptep_get_and_clear(init_mm, VA, ptep_of(init_mm, VA))
  flush_tlb_kernel_range(VA, VA + 4K)
  a = access(init_mm, VA, 0)
}
expect fail fault
`})

	add(semCase{name: "tlb/kernel-write-readonly-faults", want: "fail fault", src: `
const VA = ` + kva + `
init {
  map(init_mm, VA, 4K, 0x80000, PAGE_KERNEL_RO)
}
cpu 0 {
  a = access(init_mm, VA, 0)
  b = access(init_mm, VA, 1)
}
expect fail fault
`})

	add(semCase{name: "tlb/user-faults-return-0", want: "ok", src: `
mm user
const VA = 0x400000
init {
  map(user, VA, 4K, 0x100, PAGE_READONLY)
}
cpu 0 {
  r = access(user, VA, 0)
  w = access(user, VA, 1)
  n = access(user, VA + 4K, 0)
  f = access(user, 0x7f0000000000, 1)
}
final forall (0:r == 1 && 0:w == 0 && 0:n == 0 && 0:f == 0)
expect ok
`})

	add(semCase{name: "tlb/access-sets-young-dirty", want: "ok", src: userMap + `
cpu 0 {
  ptep = ptep_of(user, VA)
  e0 = ptep_get(ptep)
  a = access(user, VA, 0)
  e1 = ptep_get(ptep)
  b = access(user, VA, 1)
  e2 = ptep_get(ptep)
  assert !pte_young(e0) && !pte_dirty(e0), "map() makes old, clean entries"
  assert pte_young(e1) && !pte_dirty(e1), "a read sets young"
  assert pte_young(e2) && pte_dirty(e2) && pte_pfn(e2) == 0x100, "a write sets dirty"
}
expect ok
`})

	add(semCase{name: "tlb/map_pmd-block", want: "ok", src: `
mm user
const VA = 0x40000000
init {
  map_pmd(user, VA, 0x800, PAGE_SHARED)
}
cpu 0 {
  pmd = pmdp_get(pmdp_of(user, VA))
  assert pmd_leaf(pmd) && !pmd_table(pmd) && pmd_pfn(pmd) == 0x800, "a block"
  a = access(user, VA + 5 * 4K, 1)
  b = access(user, VA + 2M, 0)
}
final forall (0:a == 1 && 0:b == 0)
expect ok
`})

	add(semCase{name: "pages/walk-through-freed-table", want: "fail use-after-free", src: userMap + `
cpu 0 {
  table = pte_offset_kernel(pmdp_of(user, VA), VA & ~(2M - 1))
  pte_free_kernel(table)              // the pmd still points to it
  a = access(user, VA, 0)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/ptep_get-of-freed-table", want: "fail use-after-free", src: userMap + `
cpu 0 {
  table = pte_offset_kernel(pmdp_of(user, VA), VA & ~(2M - 1))
  pte_free_kernel(table)
  r = ptep_get(table)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/free-table-after-clear", want: "ok", src: userMap + `
cpu 0 {
  pmdp = pmdp_of(user, VA)
  table = pte_offset_kernel(pmdp, VA & ~(2M - 1))
  a = access(user, VA, 0)
  pmd_clear(pmdp)
  flush_tlb_mm_range(user, VA, VA + 2M)
  pte_free_kernel(table)
  b = access(user, VA, 0)
}
final forall (0:a == 1 && 0:b == 0)
expect ok
`})

	add(semCase{name: "pages/double-free_page", want: "fail use-after-free", src: `
cpu 0 {
  p = alloc_page()
  free_page(p)
  free_page(p)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/double-pte_free_kernel", want: "fail use-after-free", src: `
cpu 0 {
  t = pte_alloc_one()
  pte_free_kernel(t)
  pte_free_kernel(t)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/get_page-of-freed-page", want: "fail use-after-free", src: `
cpu 0 {
  p = alloc_page()
  free_page(p)
  get_page(p)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/put_page-to-zero-frees", want: "fail use-after-free", src: `
cpu 0 {
  p = alloc_page()
  get_page(p)
  put_page(p)
  put_page(p)                         // the last reference: freed
  get_page(p)
}
expect fail use-after-free
`})

	add(semCase{name: "pages/refcount-balanced", want: "ok", src: `
cpu 0 {
  p = alloc_page()
  q = alloc_page()
  assert p != q, "alloc_page gives distinct pages"
  get_page(p)
  put_page(p)
  get_page(p)                         // still one reference left
  put_page(p)
  put_page(p)
  free_page(q)
}
expect ok
`})

	// ---------------------------------------------------------------
	// Synchronisation.

	add(semCase{name: "sync/spin_lock-mutual-exclusion", want: "ok", src: `
spinlock l
shared n
cpu 0 {
  spin_lock(l)
  r = n
  n = r + 1
  spin_unlock(l)
}
cpu 1 {
  spin_lock(l)
  r = n
  n = r + 1
  spin_unlock(l)
}
final forall (n == 2)
expect ok
`})

	add(semCase{name: "sync/no-lock-lost-update", want: "fail condition", src: `
shared n
cpu 0 {
  r = n
  n = r + 1
}
cpu 1 {
  r = n
  n = r + 1
}
final forall (n == 2)
expect fail condition
`})

	add(semCase{name: "sync/spin_unlock-not-held", want: "fail lock", src: `
spinlock l
cpu 0 {
  spin_unlock(l)
}
expect fail lock
`})

	add(semCase{name: "sync/spin_unlock-by-another-cpu", want: "fail lock", src: `
spinlock l
shared locked
cpu 0 {
  spin_lock(l)
  locked = 1
}
cpu 1 {
  await locked == 1
  spin_unlock(l)
}
expect fail lock
`})

	add(semCase{name: "sync/spinlock-held-at-end", want: "fail lock", src: `
spinlock l
cpu 0 {
  spin_lock(l)
}
expect fail lock
`})

	add(semCase{name: "sync/mmap_lock-held-at-end", want: "fail lock", src: `
mm user
cpu 0 {
  mmap_read_lock(user)
}
expect fail lock
`})

	add(semCase{name: "sync/spin_trylock-fails-while-held", want: "ok", src: `
spinlock l
shared locked, tried
cpu 0 {
  spin_lock(l)
  locked = 1
  await tried == 1
  spin_unlock(l)
}
cpu 1 {
  await locked == 1
  r = spin_trylock(l)
  tried = 1
}
final forall (1:r == 0)
expect ok
`})

	add(semCase{name: "sync/spin_trylock-succeeds-when-free", want: "ok", src: `
spinlock l
cpu 0 {
  r = spin_trylock(l)
  assert r == 1, "free lock"
  s = spin_trylock(l)
  assert s == 0, "not recursive"
  spin_unlock(l)
}
expect ok
`})

	add(semCase{name: "sync/rwsem-readers-share", want: "ok", src: `
rwsem s
shared a, b
cpu 0 {
  down_read(s)
  a = 1
  await b == 1
  up_read(s)
}
cpu 1 {
  down_read(s)
  b = 1
  await a == 1
  up_read(s)
}
expect ok
`})

	add(semCase{name: "sync/rwsem-writers-exclude", want: "fail deadlock", src: `
rwsem s
shared a, b
cpu 0 {
  down_write(s)
  a = 1
  await b == 1
  up_write(s)
}
cpu 1 {
  down_write(s)
  b = 1
  await a == 1
  up_write(s)
}
expect fail deadlock
`})

	add(semCase{name: "sync/rwsem-writer-excludes-reader", want: "fail deadlock", src: `
rwsem s
shared a, b
cpu 0 {
  down_write(s)
  a = 1
  await b == 1
  up_write(s)
}
cpu 1 {
  down_read(s)
  b = 1
  await a == 1
  up_read(s)
}
expect fail deadlock
`})

	add(semCase{name: "sync/rwsem-write-mutual-exclusion", want: "ok", src: `
rwsem s
shared n
cpu 0 {
  down_write(s)
  r = n
  n = r + 1
  up_write(s)
}
cpu 1 {
  down_write(s)
  r = n
  n = r + 1
  up_write(s)
}
final forall (n == 2)
expect ok
`})

	add(semCase{name: "sync/up_read-not-held", want: "fail lock", src: `
rwsem s
cpu 0 {
  up_read(s)
}
expect fail lock
`})

	add(semCase{name: "sync/mmap_read_lock-irqs-off", want: "fail lock", src: `
cpu 0 {
  irqoff {
    mmap_read_lock(init_mm)
    mmap_read_unlock(init_mm)
  }
}
expect fail lock
`})

	add(semCase{name: "sync/mmap_read_lock-in-irq", want: "fail lock", src: `
shared x
cpu 0 {
  x = 1
}
irq 0 {
  mmap_read_lock(init_mm)
  mmap_read_unlock(init_mm)
}
expect fail lock
`})

	add(semCase{name: "sync/spin_lock-in-irq-and-irqs-off", want: "ok", src: `
spinlock l
shared x
cpu 0 {
  irqoff {
    spin_lock(l)
    x = 1
    spin_unlock(l)
  }
  mmap_read_lock(init_mm)
  mmap_read_unlock(init_mm)
}
irq 0 {
  spin_lock(l)
  x = 2
  spin_unlock(l)
}
expect ok
`})

	add(semCase{name: "sync/mmap_read_trylock-fails-under-writer", want: "ok", src: `
mm user
shared locked, tried
cpu 0 {
  mmap_write_lock(user)
  locked = 1
  await tried == 1
  mmap_write_unlock(user)
}
cpu 1 {
  await locked == 1
  r = mmap_read_trylock(user)
  if r {
    mmap_read_unlock(user)
  }
  tried = 1
}
final exists (1:r == 0)
expect ok
`})

	add(semCase{name: "sync/mmap_read_trylock-succeeds-with-readers", want: "ok", src: `
mm user
cpu 0 {
  mmap_read_lock(user)
  r = mmap_read_trylock(user)
  if r {
    mmap_read_unlock(user)
  }
  mmap_read_unlock(user)
}
final forall (0:r == 1)
expect ok
`})

	add(semCase{name: "sync/irq_save-restore-nest", want: "ok", src: `
// IRQs are off from the outer save to the outer restore; the inner restore
// puts back "off". The irq records the value of x it saw.
shared x, seen
cpu 0 {
  f1 = local_irq_save()
  x = 1
  f2 = local_irq_save()
  x = 2
  local_irq_restore(f2)
  x = 3
  x = 4
  local_irq_restore(f1)
  x = 5
}
irq 0 {
  seen = x + 10
}
final forall (seen == 0 || seen == 10 || seen == 14 || seen == 15)
expect ok
`})

	add(semCase{name: "sync/irq_restore-turns-irqs-back-on", want: "ok", src: `
shared x, seen
cpu 0 {
  f1 = local_irq_save()
  f2 = local_irq_save()
  x = 1
  local_irq_restore(f2)
  local_irq_restore(f1)
  x = 2
}
irq 0 {
  seen = x + 10
}
final exists (seen == 11)
expect ok
`})

	add(semCase{name: "sync/irqs-off-after-inner-restore", want: "fail lock", src: `
cpu 0 {
  f1 = local_irq_save()
  f2 = local_irq_save()
  local_irq_restore(f2)
  mmap_read_lock(init_mm)             // IRQs are still off
  mmap_read_unlock(init_mm)
  local_irq_restore(f1)
}
expect fail lock
`})

	add(semCase{name: "sync/irq_disable-enable-do-not-nest", want: "ok", src: `
shared x, seen
cpu 0 {
  local_irq_disable()
  local_irq_disable()
  local_irq_enable()
  x = 1                               // IRQs are on again
  local_irq_enable()
}
irq 0 {
  seen = x + 10
}
final exists (seen == 11)
expect ok
`})

	rcuWriter := `
shared ptr = 0x500
cpu 0 "writer" {
  ptr = 0
  synchronize_rcu()
  free_page(0x500)
}
`
	add(semCase{name: "sync/synchronize_rcu-waits-for-rcu_read_lock", want: "ok", src: rcuWriter + `
cpu 1 "reader" {
  rcu_read_lock()
  p = ptr
  if p != 0 {
    get_page(p)
  }
  rcu_read_unlock()
}
expect ok
`})

	add(semCase{name: "sync/synchronize_rcu-waits-for-irqs-off", want: "ok", src: rcuWriter + `
cpu 1 "reader" {
  irqoff {
    p = ptr
    if p != 0 {
      get_page(p)
    }
  }
}
expect ok
`})

	add(semCase{name: "sync/synchronize_rcu-waits-for-irq-handler", want: "ok", src: rcuWriter + `
cpu 1 {
  x = 1
}
irq 1 "reader" {
  p = ptr
  if p != 0 {
    get_page(p)
  }
}
expect ok
`})

	add(semCase{name: "sync/no-grace-period", want: "fail use-after-free", src: `
shared ptr = 0x500
cpu 0 "writer" {
  ptr = 0
  free_page(0x500)
}
cpu 1 "reader" {
  rcu_read_lock()
  p = ptr
  if p != 0 {
    get_page(p)
  }
  rcu_read_unlock()
}
expect fail use-after-free
`})

	add(semCase{name: "sync/rcu-section-survives-an-irq", want: "ok",
		src: rcuWriter + `
cpu 1 "reader" {
  rcu_read_lock()
  p = ptr
  if p != 0 {
    get_page(p)
  }
  rcu_read_unlock()
}
irq 1 {
  y = 1
}
expect ok
`})

	add(semCase{name: "sync/rcu-section-survives-irq-toggle", want: "ok",
		src: rcuWriter + `
cpu 1 "reader" {
  rcu_read_lock()
  p = ptr
  local_irq_disable()
  local_irq_enable()
  if p != 0 {
    get_page(p)
  }
  rcu_read_unlock()
}
expect ok
`})

	add(semCase{name: "sync/irqs-off-survives-rcu_read_unlock", want: "ok",
		src: rcuWriter + `
cpu 1 "reader" {
  irqoff {
    rcu_read_lock()
    p = ptr
    rcu_read_unlock()
    if p != 0 {
      get_page(p)
    }
  }
}
expect ok
`})

	add(semCase{name: "sync/synchronize_rcu-in-reader", want: "fail lock", src: `
cpu 0 {
  rcu_read_lock()
  synchronize_rcu()
  rcu_read_unlock()
}
expect fail lock
`})

	add(semCase{name: "sync/static_branch_enable-waits-for-irqs-off", want: "ok", src: `
// A CPU that read the key as false inside an IRQs-off region is still in
// that region: static_branch_enable() cannot have returned yet.
static_key k
shared enabled
cpu 0 {
  irqoff {
    key = static_branch_unlikely(k)
    r = enabled
  }
}
cpu 1 {
  static_branch_enable(k)
  enabled = 1
}
final ~exists (0:key == 0 && 0:r == 1)
expect ok
`})

	add(semCase{name: "sync/static_branch-without-irqs-off", want: "fail condition", src: `
static_key k
shared enabled
cpu 0 {
  key = static_branch_unlikely(k)
  r = enabled
}
cpu 1 {
  static_branch_enable(k)
  enabled = 1
}
final ~exists (0:key == 0 && 0:r == 1)
expect fail condition
`})

	add(semCase{name: "sync/static_branch_enable-waits-for-every-cpu", want: "ok", src: `
static_key k
shared enabled
cpu 0 {
  irqoff {
    key = static_branch_unlikely(k)
    r = enabled
  }
}
cpu 1 {
  irqoff {
    key = static_branch_unlikely(k)
    r = enabled
  }
}
cpu 2 {
  static_branch_enable(k)
  enabled = 1
}
final ~exists ((0:key == 0 && 0:r == 1) || (1:key == 0 && 1:r == 1))
expect ok
`})

	add(semCase{name: "sync/static_branch_enable-deadlock", want: "fail deadlock", src: `
static_key k
shared enabled
cpu 0 {
  irqoff {
    await enabled == 1
  }
}
cpu 1 {
  static_branch_enable(k)
  enabled = 1
}
expect fail deadlock
`})

	add(semCase{name: "sync/static_branch_enable-finished-cpus", want: "ok", src: `
static_key k = false
shared x
cpu 0 {
  x = 1
}
cpu 1 {
  y = x
}
cpu 2 {
  static_branch_enable(k)
  r = static_branch_unlikely(k)
  static_branch_disable(k)
  s = static_branch_likely(k)
}
final forall (2:r == 1 && 2:s == 0)
expect ok
`})

	add(semCase{name: "sync/flush-waits-for-ipi",
		per: map[string]string{"x86pae": "ok", "x86pae-pv": "fail condition", "xenpv": "fail condition", "arm64": "fail condition"},
		src: `
// x86 PAE's flush sends an IPI and waits: if the target was inside its
// IRQs-off region when the flush started, it has left it when the flush
// returns. A paravirt or broadcast flush does not wait.
mm user
shared inside, left
cpu 0 {
  s = inside
  flush_tlb_mm_range(user, 0x400000, 0x401000)
  t = left
}
cpu 1 {
  irqoff {
    inside = 1
    left = 1
  }
}
final ~exists (0:s == 1 && 0:t == 0)
expect x86pae: ok
expect x86pae-pv: fail condition
expect xenpv: fail condition
expect arm64: fail condition
`})

	add(semCase{name: "sync/flush-ipi-deadlock",
		per: map[string]string{"x86pae": "fail deadlock", "x86pae-pv": "ok", "xenpv": "ok", "arm64": "ok"},
		src: `
mm user
shared flag
cpu 0 {
  flush_tlb_mm_range(user, 0x400000, 0x401000)
  flag = 1
}
cpu 1 {
  irqoff {
    await flag == 1
  }
}
expect x86pae: fail deadlock
expect x86pae-pv: ok
expect xenpv: ok
expect arm64: ok
`})

	add(semCase{name: "sync/concurrent-flushes", want: "ok", src: `
// Two CPUs flush at once: each answers the other's IPI while it waits.
mm user
cpu 0 {
  flush_tlb_mm_range(user, 0x400000, 0x401000)
}
cpu 1 {
  flush_tlb_mm_range(user, 0x400000, 0x401000)
}
expect ok
`})

	add(semCase{name: "sync/flush-target-blocked-irqs-on", want: "ok", src: `
// A target blocked on a spinlock with IRQs on handles the IPI.
mm user
spinlock l
shared locked
cpu 0 {
  spin_lock(l)
  locked = 1
  flush_tlb_mm_range(user, 0x400000, 0x401000)
  spin_unlock(l)
}
cpu 1 {
  await locked == 1
  spin_lock(l)
  spin_unlock(l)
}
expect ok
`})

	add(semCase{name: "sync/flush-target-spins-irqs-off",
		per: map[string]string{"x86pae": "fail deadlock", "x86pae-pv": "ok", "xenpv": "ok", "arm64": "ok"},
		src: `
// csd_lock_wait's classic: the target spins with IRQs off on something
// the sender does after its flush.
mm user
shared flag
cpu 0 {
  flush_tlb_mm_range(user, 0x400000, 0x401000)
  flag = 1
}
cpu 1 {
  irqoff {
    while flag == 0 {
    }
  }
}
expect x86pae: fail deadlock
expect x86pae-pv: ok
expect xenpv: ok
expect arm64: ok
`})

	add(semCase{name: "sync/static_branch_enable-concurrent", want: "ok", src: `
static_key k
static_key k2
cpu 0 {
  static_branch_enable(k)
}
cpu 1 {
  static_branch_enable(k2)
}
final forall (static_branch_unlikely(k) == 1 && static_branch_unlikely(k2) == 1)
expect ok
`})

	// (a sleeping lock: static_branch_enable() itself may sleep, so it
	// cannot be called under a spinlock)
	add(semCase{name: "sync/static_branch_enable-cpu-blocked-irqs-on", want: "ok", src: `
static_key k
rwsem l
shared locked
cpu 0 {
  down_write(l)
  locked = 1
  static_branch_enable(k)
  up_write(l)
}
cpu 1 {
  await locked == 1
  down_read(l)
  up_read(l)
}
expect ok
`})

	// preempt_count: every kind of atomic section makes a sleeping call a
	// `lock` violation naming both (__might_resched(), kernel/sched/core.c)
	for _, sec := range []struct{ name, enter, leave, says string }{
		{"spinlock", "spin_lock(l)", "spin_unlock(l)", "while holding spinlock l"},
		{"irqsave", "f = spin_lock_irqsave(l)", "spin_unlock_irqrestore(l, f)", "with IRQs disabled"},
		{"rcu", "rcu_read_lock()", "rcu_read_unlock()", "inside rcu_read_lock()"},
		{"preempt", "preempt_disable()", "preempt_enable()", "inside preempt_disable()"},
		{"bh", "local_bh_disable()", "local_bh_enable()", "inside local_bh_disable()"},
	} {
		for _, call := range []string{"mmap_read_lock(init_mm)", "down_read(s)", "percpu_down_read(s)",
			"synchronize_rcu()", "static_branch_enable(k)", "static_branch_disable(k)",
			"x = alloc_page(GFP_KERNEL)", "x = pte_alloc_one(init_mm)"} {
			fn := strings.TrimPrefix(strings.SplitN(call, "(", 2)[0], "x = ")
			add(semCase{name: "sleep/" + sec.name + "/" + fn, want: "fail lock",
				msg: fn + "() may sleep but is called " + sec.says, src: `
spinlock l
rwsem s
static_key k
cpu 0 {
  ` + sec.enter + `
  ` + call + `
}
expect fail lock
`})
		}
		add(semCase{name: "sleep/" + sec.name + "/gfp-atomic-ok", want: "ok", src: `
spinlock l
cpu 0 {
  ` + sec.enter + `
  x = alloc_page(GFP_ATOMIC)
  y = alloc_page(GFP_NOWAIT)
  ` + sec.leave + `
  z = alloc_page(GFP_KERNEL)
}
expect ok
`})
	}

	add(semCase{name: "irq/spin_lock-against-own-task-deadlocks", want: "fail deadlock", src: `
// An irq that takes a spinlock its interrupted task holds spins forever:
// the task cannot run while its CPU is in the handler.
spinlock l
shared x
cpu 0 {
  spin_lock(l)
  x = 1
  spin_unlock(l)
}
irq 0 {
  spin_lock(l)
  spin_unlock(l)
}
expect fail deadlock
`})

	add(semCase{name: "irq/spin_lock_irqsave-is-safe", want: "ok", src: `
spinlock l
shared x
cpu 0 {
  irqoff {
    spin_lock(l)
    x = 1
    spin_unlock(l)
  }
}
irq 0 {
  spin_lock(l)
  x = 2
  spin_unlock(l)
}
final forall (x != 0)   // no deadlock; the irq runs before or after the section
expect ok
`})

	add(semCase{name: "irq/task-waits-for-its-handler", want: "ok", src: `
shared x, same
cpu 0 {
  x = 1
  x = 2
}
irq 0 {
  a = x
  b = x
  same = a == b
}
final forall (same == 1)
expect ok
`})

	add(semCase{name: "irq/fires-before-the-first-step", want: "ok", src: `
shared x, seen
cpu 0 {
  x = 1
}
irq 0 {
  seen = x + 10
}
final exists (seen == 10)
expect ok
`})

	add(semCase{name: "irq/fires-after-the-last-step", want: "ok", src: `
shared x, seen
cpu 0 {
  x = 1
}
irq 0 {
  seen = x + 10
}
final exists (seen == 11)
expect ok
`})

	add(semCase{name: "irq/fires-at-most-once", want: "ok", src: `
shared x, n
cpu 0 {
  x = 1
  x = 2
}
irq 0 {
  n = n + 1
  assert in_interrupt(), "in_interrupt() in the handler"
}
final forall (n <= 1)
expect ok
`})

	add(semCase{name: "sync/xchg-cmpxchg", want: "ok", src: `
shared owner, other
cpu 0 {
  a = cmpxchg(&owner, 0, 1)
}
cpu 1 {
  b = cmpxchg(&owner, 0, 2)
}
cpu 2 {
  c = xchg(&other, 7)
  d = xchg(&other, 8)
}
final forall ((0:a == 0) != (1:b == 0) && owner != 0 && 2:c == 0 && 2:d == 7 && other == 8)
expect ok
`})

	// ---------------------------------------------------------------
	// The lazy contract (checked on every arch).

	// arm64 tolerates a nested enter from the task since 1ef3095b1405
	// (the first leave ends lazy mode, the outer leave is harmless); the
	// other arches hold the generic contract (Xen PV's enter_lazy() BUG_ONs).
	add(semCase{name: "lazy/enter-twice", per: map[string]string{
		"arm64": "ok", "x86pae": "fail lazy", "x86pae-pv": "fail lazy", "xenpv": "fail lazy"}, src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
expect arm64: ok
expect x86pae: fail lazy
expect x86pae-pv: fail lazy
expect xenpv: fail lazy
`})

	// a tolerated nest still needs its leaves: a third leave breaks it
	add(semCase{name: "lazy/arm64-nest-extra-leave", on: "arm64", want: "fail lazy", src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
expect fail lazy
`})

	// an interrupt entering over its task's section breaks the contract on
	// every arch, arm64 included
	add(semCase{name: "lazy/irq-enters-over-task", want: "fail lazy", src: `
shared entered
cpu 0 {
  arch_enter_lazy_mmu_mode()
  entered = 1
  arch_leave_lazy_mmu_mode()
}
irq 0 {
  if entered == 1 {
    arch_enter_lazy_mmu_mode()
    arch_leave_lazy_mmu_mode()
  }
}
expect fail lazy
`})

	add(semCase{name: "lazy/leave-without-enter", want: "fail lazy", src: `
cpu 0 {
  arch_leave_lazy_mmu_mode()
}
expect fail lazy
`})

	// flushing outside lazy mode is a no-op on every arch (x86-32's
	// arch_kmap_local_post_map() does it on every kmap)
	add(semCase{name: "lazy/flush-without-enter", want: "ok", src: `
cpu 0 {
  arch_flush_lazy_mmu_mode()
}
expect ok
`})

	add(semCase{name: "lazy/flush-after-leave", want: "ok", src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_flush_lazy_mmu_mode()
}
expect ok
`})

	add(semCase{name: "lazy/per-cpu", want: "fail lazy", src: `
shared entered
cpu 0 {
  arch_enter_lazy_mmu_mode()
  entered = 1
}
cpu 1 {
  await entered == 1
  arch_leave_lazy_mmu_mode()
}
expect fail lazy
`})

	add(semCase{name: "lazy/balanced", want: "ok", src: `
table t
cpu 0 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[0], NEW)
  arch_flush_lazy_mmu_mode()
  set_pte(&t[1], NEW)
  arch_flush_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
cpu 1 {
  arch_enter_lazy_mmu_mode()
  set_pte(&t[2], NEW)
  arch_leave_lazy_mmu_mode()
}
final forall (ptep_get(&t[0]) == NEW && ptep_get(&t[1]) == NEW && ptep_get(&t[2]) == NEW)
expect ok
`})

	add(semCase{name: "lazy/raw-hooks-in-irq", want: "fail lazy", src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
irq 0 {
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
expect fail lazy
`})

	add(semCase{name: "lazy/module-nests", want: "ok", src: `
import "lazy"
cpu 0 {
  z = is_lazy_mmu_mode_active()
  lazy {
    a = is_lazy_mmu_mode_active()
    lazy {
      b = is_lazy_mmu_mode_active()
    }
    c = is_lazy_mmu_mode_active()
  }
  d = is_lazy_mmu_mode_active()
}
final forall (0:z == 0 && 0:a == 1 && 0:b == 1 && 0:c == 1 && 0:d == 0)
expect ok
`})

	add(semCase{name: "lazy/module-nested-disable-flushes", want: "ok", src: kernelMap + `
import "lazy"
table t
shared written, read
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  lazy {
    lazy {
      set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
      set_pte(&t[0], NEW)
    }
    ok = access(init_mm, VA + 4K, 0)   // the inner disable flushed
    r = ptep_get(&t[0])
    written = 1
    await read == 1
  }
}
cpu 1 {
  await written == 1
  s = ptep_get(&t[0])
  read = 1
}
final forall (0:ok == 1 && 0:r == NEW && 1:s == NEW)
expect ok
`})

	add(semCase{name: "lazy/module-inner-section-still-lazy",
		per: map[string]string{"arm64": "fail fault", "xenpv": "fail fault", "x86pae": "ok", "x86pae-pv": "ok"},
		src: kernelMap + `
import "lazy"
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  lazy {
    lazy {
      set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
    }
  }
  lazy {
    set_pte(ptep + 16, pfn_pte(0x80002, PAGE_KERNEL))
    lazy {
      ok = access(init_mm, VA + 8K, 0)
    }
  }
}
expect arm64: fail fault
expect xenpv: fail fault
expect x86pae: ok
expect x86pae-pv: ok
`})

	add(semCase{name: "lazy/module-pause-resume", want: "ok", src: kernelMap + `
import "lazy"
table t
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  lazy {
    set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
    set_pte(&t[0], NEW)
    lazy_mmu_mode_pause()
    a = is_lazy_mmu_mode_active()
    ok1 = access(init_mm, VA + 4K, 0)    // pause left the arch: flushed
    r = ptep_get(&t[0])
    set_pte(ptep + 16, pfn_pte(0x80002, PAGE_KERNEL))
    ok2 = access(init_mm, VA + 8K, 0)    // paused: written at once
    lazy {
      b = is_lazy_mmu_mode_active()      // enable while paused does nothing
    }
    lazy_mmu_mode_pause()
    lazy_mmu_mode_resume()               // pauses nest
    c = is_lazy_mmu_mode_active()
    lazy_mmu_mode_resume()
    d = is_lazy_mmu_mode_active()
  }
  e = is_lazy_mmu_mode_active()
}
final forall (0:a == 0 && 0:ok1 == 1 && 0:r == NEW && 0:ok2 == 1 && 0:b == 0 && 0:c == 0 && 0:d == 1 && 0:e == 0)
expect ok
`})

	add(semCase{name: "lazy/module-resume-reenters",
		per: map[string]string{"arm64": "fail fault", "xenpv": "fail fault", "x86pae": "ok", "x86pae-pv": "ok"},
		src: kernelMap + `
import "lazy"
cpu 0 {
  ptep = ptep_of(init_mm, VA)
  lazy {
    lazy_mmu_mode_pause()
    lazy_mmu_mode_resume()
    set_pte(ptep + 8, pfn_pte(0x80001, PAGE_KERNEL))
    ok = access(init_mm, VA + 4K, 0)     // lazy again: not visible yet
  }
}
expect arm64: fail fault
expect xenpv: fail fault
expect x86pae: ok
expect x86pae-pv: ok
`})

	add(semCase{name: "lazy/module-does-nothing-in-irq", want: "ok", src: `
import "lazy"
table t
cpu 0 {
  lazy {
    set_pte(&t[0], NEW)
    lazy {
      set_pte(&t[1], NEW)
    }
  }
}
irq 0 {
  assert !is_lazy_mmu_mode_active(), "never active in an interrupt"
  lazy {
    assert !is_lazy_mmu_mode_active(), "enable does nothing in an interrupt"
    set_pte(&t[2], NEW)
    assert ptep_get(&t[2]) == NEW, "written at once, no read hazard"
    lazy_mmu_mode_pause()
    lazy_mmu_mode_resume()
  }
}
final forall (ptep_get(&t[0]) == NEW && ptep_get(&t[1]) == NEW && ptep_get(&t[2]) == NEW)
expect ok
`})

	// ---------------------------------------------------------------
	// Each checker kind: one case that fires, one that must not.

	add(semCase{name: "check/assert-fires", want: "fail assert", src: `
shared x
cpu 0 {
  x = 1
}
cpu 1 {
  r = x
  assert r == 0, "CPU 0 has not run yet"
}
expect fail assert
`})

	add(semCase{name: "check/assert-holds", want: "ok", src: `
shared x
cpu 0 {
  x = 1
}
cpu 1 {
  r = x
  assert r == 0 || r == 1
}
expect ok
`})

	add(semCase{name: "check/condition-exists-unreachable", want: "fail condition", src: `
shared x
cpu 0 {
  x = 1
}
cpu 1 {
  x = 2
}
final exists (x == 3)
expect fail condition
`})

	add(semCase{name: "check/condition-exists-reachable", want: "ok", src: `
shared x
cpu 0 {
  x = 1
}
cpu 1 {
  x = 2
}
final exists (x == 1)
expect ok
`})

	add(semCase{name: "check/use-after-free-fires", want: "fail use-after-free", src: `
shared ready
cpu 0 {
  free_page(0x500)
  ready = 1
}
cpu 1 {
  get_page(0x500)
}
expect fail use-after-free
`})

	add(semCase{name: "check/use-after-free-absent", want: "ok", src: `
shared done
cpu 0 {
  await done == 1
  free_page(0x500)
}
cpu 1 {
  get_page(0x500)
  done = 1
}
expect ok
`})

	add(semCase{name: "check/lazy-fires", want: "fail lazy", src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
expect fail lazy
`})

	add(semCase{name: "check/lazy-absent", want: "ok", src: `
cpu 0 {
  arch_enter_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
cpu 1 {
  arch_enter_lazy_mmu_mode()
  arch_flush_lazy_mmu_mode()
  arch_leave_lazy_mmu_mode()
}
expect ok
`})

	add(semCase{name: "check/deadlock-fires", want: "fail deadlock", src: `
spinlock a
spinlock b
cpu 0 {
  spin_lock(a)
  spin_lock(b)
  spin_unlock(b)
  spin_unlock(a)
}
cpu 1 {
  spin_lock(b)
  spin_lock(a)
  spin_unlock(a)
  spin_unlock(b)
}
expect fail deadlock
`})

	add(semCase{name: "check/deadlock-absent", want: "ok", src: `
spinlock a
spinlock b
cpu 0 {
  spin_lock(a)
  spin_lock(b)
  spin_unlock(b)
  spin_unlock(a)
}
cpu 1 {
  spin_lock(a)
  spin_lock(b)
  spin_unlock(b)
  spin_unlock(a)
}
expect ok
`})

	add(semCase{name: "check/await-never-satisfied", want: "fail deadlock", src: `
shared flag
cpu 0 {
  await flag == 1
}
expect fail deadlock
`})

	add(semCase{name: "check/spin-loop-never-satisfied", want: "fail deadlock", steps: 1000, src: `
shared flag
cpu 0 {
  while flag == 0 {
  }
}
expect fail deadlock
`})

	add(semCase{name: "check/limit-fires", want: "fail limit", steps: 1000, src: `
shared x
cpu 0 {
  while 1 {
    x = x + 1
  }
}
expect fail limit
`})

	add(semCase{name: "check/limit-absent-await", want: "ok", steps: 1000, src: `
shared flag
cpu 0 {
  await flag == 1
}
cpu 1 {
  for i in 0..5 {
    y = i
  }
  flag = 1
}
expect ok
`})

	add(semCase{name: "check/limit-absent-spin-loop", want: "ok", steps: 1000, src: `
shared flag
cpu 0 {
  while flag == 0 {
  }
  r = flag
}
cpu 1 {
  flag = 1
}
final forall (0:r == 1)
expect ok
`})

	add(primitiveCases()...)
	add(entryCases()...)
	add(archOptionCases()...)
	return cs
}

// TestSemanticsReplay runs fixed executions of one script with vm.Replay:
// the torn x86 PAE read is one schedule away, and the same schedule does
// not tear on arm64 where set_pte is one step.
func TestSemanticsReplay(t *testing.T) {
	src := `
arch x86pae, arm64
table t
cpu 0 {
  set_pte(&t[0], pfn_pte(0x100100, PAGE_SHARED))
}
cpu 1 {
  hi = pte_read_high(&t[0])
  lo = pte_read_low(&t[0])
}
final exists (1:hi == pte_high(pfn_pte(0x100100, PAGE_SHARED)) && 1:lo == 0)
expect x86pae: ok
expect arm64: fail condition
`
	prog, err := compiler.Compile("replay-torn.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arch     string
		schedule []int // thread 0 is CPU 0, thread 1 is CPU 1
		holds    bool
	}{
		{"x86pae", []int{0, 1, 1, 0}, true}, // high half, both reads, low half
		{"x86pae", []int{0, 0, 1, 1}, false},
		{"x86pae", []int{1, 1, 0, 0}, false},
		{"arm64", []int{0, 1, 1}, false},
		{"arm64", []int{1, 1, 0}, false},
	} {
		res, err := vm.Replay(prog, vm.Config{Arch: tc.arch}, tc.schedule)
		if err != nil {
			t.Errorf("%s %v: %v", tc.arch, tc.schedule, err)
			continue
		}
		if res.Violation != nil {
			t.Errorf("%s %v: violation %s: %s", tc.arch, tc.schedule, res.Violation.Kind, res.Violation.Msg)
		}
		if res.Holds != tc.holds {
			var texts []string
			for _, e := range res.Events {
				texts = append(texts, fmt.Sprintf("%d/%d: %s", e.Step, e.Thread, e.Text))
			}
			t.Errorf("%s %v: final predicate holds = %v, want %v (final %s)\n  %s",
				tc.arch, tc.schedule, res.Holds, tc.holds, res.Final, strings.Join(texts, "\n  "))
		}
	}
	// A schedule that is not possible is refused: on arm64 set_pte is one
	// step, so CPU 0 has finished after its first.
	if _, err := vm.Replay(prog, vm.Config{Arch: "arm64"}, []int{0, 1, 1, 0}); err == nil {
		t.Errorf("arm64: replaying a fourth step of CPU 0 should fail: set_pte is one step there")
	}
}
