package vm_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// firstCPU matches the first cpu block's header of a generated script.
var firstCPU = regexp.MustCompile(`(?m)^cpu (\d+) \{`)

// preemptibleVariant makes the first cpu block of a generated script
// preemptible (it may migrate to a CPU whose task has finished).
func preemptibleVariant(src string) string {
	loc := firstCPU.FindStringIndex(src)
	if loc == nil {
		return ""
	}
	head := src[loc[0]:loc[1]]
	return src[:loc[0]] + head[:len(head)-1] + "preemptible {" + src[loc[1]:]
}

// TestDiffPreemptible compares dpor, state and auto with dfs on generated
// scripts whose first task is preemptible: the context switches are
// threads of one step each, which every search must explore alike.
func TestDiffPreemptible(t *testing.T) {
	n := 60 // dfs's cost grows fast with the scheduler threads: few scripts
	if testing.Short() {
		n = 16
	}
	compared := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		src := preemptibleVariant(genScript(seed))
		if src == "" {
			t.Fatalf("seed %d: no cpu block in\n%s", seed, genScript(seed))
		}
		dc := compareSearches(fmt.Sprintf("preempt%d.mmu", seed), src)
		if dc.mismatch != "" {
			t.Errorf("seed %d: mismatch\n--- script ---\n%s--- results ---\n%s", seed, src, dc.mismatch)
		}
		if !dc.skipped {
			compared++
		}
	}
	if compared*4 < n {
		t.Errorf("only %d of %d scripts compared (dfs hit its execution bound on the others)", compared, n)
	}
	t.Logf("%d of %d preemptible scripts compared", compared, n)
}

// sectionScript wraps two steps of a preemptible task in a section and
// asserts that the task ran both on one CPU.
func sectionScript(open, close string) string {
	return `import "lazy"
spinlock l
shared x
cpu 0 preemptible {
  ` + open + `
  a = smp_processor_id()
  x = 1
  x = 2
  b = smp_processor_id()
  ` + close + `
  assert a == b, "switched inside the section"
}
cpu 1 "idle" {
}
`
}

// TestPreemptionPoints: a task is switched only where preempt_count is
// zero, IRQs are on and it is not inside atomic { } (every search agrees).
func TestPreemptionPoints(t *testing.T) {
	for _, tc := range []struct {
		name, open, close string
		want              string
	}{
		{"no section", "", "", "fail assert"},
		{"lazy MMU mode", "lazy {", "}", "fail assert"},
		{"spinlock", "spin_lock(l)", "spin_unlock(l)", "ok"},
		{"preempt_disable", "preempt_disable()", "preempt_enable()", "ok"},
		{"local_bh_disable", "local_bh_disable()", "local_bh_enable()", "ok"},
		{"rcu_read_lock", "rcu_read_lock()", "rcu_read_unlock()", "ok"},
		{"IRQs off", "local_irq_disable()", "local_irq_enable()", "ok"},
		{"irqoff", "irqoff {", "}", "ok"},
		{"atomic", "atomic {", "}", "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := compileWith(t, "points.mmu", sectionScript(tc.open, tc.close), nil)
			for _, search := range []string{"dfs", "dpor", "state", "auto"} {
				res := check(t, prog, vm.Config{Arch: "arm64", Search: search})
				if res.Verdict != tc.want {
					t.Errorf("%s: verdict %q, want %q", search, res.Verdict, tc.want)
				}
			}
		})
	}
}

// TestMigrationOnlyToIdleCPUs: the task resumes on CPU 1 only once CPU 1's
// own task has finished, and it does resume there in some execution.
func TestMigrationOnlyToIdleCPUs(t *testing.T) {
	src := `shared x, done1
cpu 0 preemptible {
  x = 1
  x = 2
  atomic {
    c = smp_processor_id()
    if c == 1 {
      assert done1 == 1, "ran on CPU 1 beside its task"
    }
  }
}
cpu 1 {
  done1 = 0
  done1 = 1
}
final exists (0:c == 1)
`
	prog := compileWith(t, "idle.mmu", src, nil)
	for _, search := range []string{"dfs", "dpor", "state"} {
		res := check(t, prog, vm.Config{Arch: "x86pae", Search: search})
		if res.Verdict != "ok" {
			t.Errorf("%s: verdict %q, want ok (the task migrates, to an idle CPU only)", search, res.Verdict)
		}
	}
}

// TestPreemptibleRefused: what cannot run with preemptible blocks says so.
func TestPreemptibleRefused(t *testing.T) {
	prog := compileWith(t, "weak.mmu", "shared x\ncpu 0 preemptible {\n  x = 1\n}\n", nil)
	if _, err := vm.Check(context.Background(), prog, vm.Config{Arch: "arm64", Model: "armv8"}); err == nil || !strings.Contains(err.Error(), "preemptible") {
		t.Errorf("armv8: error %v, want one naming preemptible", err)
	}
	// the store buffers keep the interleaving engine's preemption
	if res := check(t, prog, vm.Config{Arch: "arm64", Model: "tso"}); res.Verdict != "ok" {
		t.Errorf("tso: verdict %q, want ok", res.Verdict)
	}
	var b strings.Builder
	for c := 0; c < 16; c++ {
		fmt.Fprintf(&b, "cpu %d preemptible {\n}\n", c)
	}
	prog = compileWith(t, "many.mmu", b.String(), nil)
	if _, err := vm.Check(context.Background(), prog, vm.Config{Arch: "arm64"}); err == nil || !strings.Contains(err.Error(), "threads") {
		t.Errorf("16 preemptible CPUs: error %v, want one about threads", err)
	}
}

// TestSwitchCarriesLazyPending: on arm64 a kernel PTE written in lazy mode
// leaves TIF_LAZY_MMU_PENDING set; __switch_to()'s dsb(ish) does not clear
// it, so the leave on the CPU the task resumed on still emits its pair
// (one more dsb there), as emit_pte_barriers() says.
func TestSwitchCarriesLazyPending(t *testing.T) {
	const body = `import "lazy"
const VA = 0xffff000000200000
init {
  map(init_mm, VA, 4K, 0x4240, PAGE_KERNEL)
}
cpu 0 preemptible {
  ptep = pte_offset_kernel(pmd_offset(pud_offset(pgd_offset(init_mm, VA), VA), VA), VA)
  lazy {
    atomic {
      c0 = smp_processor_id()
      set_pte(ptep + 8, pfn_pte(0x4242, PAGE_KERNEL))
    }
    atomic {
      c1 = smp_processor_id()
      d0 = dsb_count()
    }
  }
  atomic {
    d1 = dsb_count()
  }
}
cpu 1 {
}
`
	for _, tc := range []struct{ final, why string }{
		{"final forall (0:c1 == 0:c0 || 0:d1 == 0:d0 + 1)", "a migrated task's leave emits one barrier pair"},
		{"final exists (0:c1 != 0:c0)", "the task migrates between the two sections"},
	} {
		prog := compileWith(t, "pending.mmu", body+tc.final+"\n", nil)
		for _, search := range []string{"dfs", "dpor"} {
			if res := check(t, prog, vm.Config{Arch: "arm64", Search: search}); res.Verdict != "ok" {
				t.Errorf("%s, %s: verdict %q, want ok (%s)", tc.final, search, res.Verdict, tc.why)
			}
		}
	}
}

// TestDiffPreemptExamples compares the searches on the preemption examples
// (on arm64; those dfs can finish).
func TestDiffPreemptExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/model/preempt-*.mmu")
	if err != nil || len(files) == 0 {
		t.Fatalf("no preemption examples: %v", err)
	}
	compared := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(src), "arm64") {
			continue
		}
		dc := compareSearches(filepath.Base(f), string(src))
		if dc.mismatch != "" {
			t.Errorf("%s: mismatch\n%s", f, dc.mismatch)
		}
		if !dc.skipped {
			compared++
		}
	}
	if compared < 4 {
		t.Errorf("only %d examples compared", compared)
	}
}
