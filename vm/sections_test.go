package vm_test

import (
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestSectionsOpenAtEnd: a CPU whose code ends inside rcu_read_lock(),
// preempt_disable() or local_bh_disable() leaks the section, which the
// kernel reports (do_exit()'s "exited with preempt_count", lockdep's
// rcu_lock_map, the LKMM's unmatched-rcu-lock flag): a `lock` violation
// that names the call and the CPU, under every model and search. They
// used to end the execution ok. IRQs off at the end stay ok: the CPU
// then idles with IRQs on.
func TestSectionsOpenAtEnd(t *testing.T) {
	for _, tc := range []struct {
		name, src, verdict, msg string
	}{
		{"rcu", "shared x\ncpu 0 {\n  rcu_read_lock()\n  x = 1\n}\n", "fail lock",
			"lock held at the end: rcu_read_lock() on CPU 0 without rcu_read_unlock()"},
		{"rcu nested", "shared x\ncpu 0 {\n  x = 1\n}\ncpu 1 {\n  rcu_read_lock()\n  rcu_read_lock()\n  rcu_read_unlock()\n  r = x\n}\n", "fail lock",
			"rcu_read_lock() on CPU 1 without rcu_read_unlock()"},
		{"rcu twice deep", "shared x\ncpu 0 {\n  rcu_read_lock()\n  rcu_read_lock()\n  x = 1\n}\n", "fail lock",
			"rcu_read_lock() on CPU 0 without rcu_read_unlock() (2 deep)"},
		{"irq handler", "shared x\ncpu 0 {\n  x = 1\n}\nirq 0 {\n  rcu_read_lock()\n  r = x\n}\n", "fail lock",
			"rcu_read_lock() on CPU 0 without rcu_read_unlock()"},
		{"balanced", "shared x\ncpu 0 {\n  rcu_read_lock()\n  x = 1\n  rcu_read_unlock()\n}\ncpu 1 {\n  rcu_read_lock()\n  r = x\n  rcu_read_unlock()\n}\n", "ok", ""},
		{"irqs off", "shared x\ncpu 0 {\n  local_irq_disable()\n  x = 1\n}\n", "ok", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := compileWith(t, "f.mmu", tc.src, nil)
			for _, cfg := range append(scSearches(), modelSearches()...) {
				if r := check(t, p, cfg); r.Verdict != tc.verdict || !violationSays(r, tc.msg) {
					t.Errorf("model %q search %q -j %d: %s %v; want %s %q", cfg.Model, cfg.Search, cfg.Workers, r.Verdict, r.Violations, tc.verdict, tc.msg)
				}
			}
		})
	}
}

// TestPreemptSectionsOpenAtEnd: the same for preempt_disable() and
// local_bh_disable(), under every model and search (the execution-graph
// models refused them before).
func TestPreemptSectionsOpenAtEnd(t *testing.T) {
	for _, tc := range []struct{ src, msg string }{
		{"cpu 0 {\n  preempt_disable()\n}\n", "preempt_disable() on CPU 0 without preempt_enable()"},
		{"cpu 0 {\n  local_bh_disable()\n  local_bh_disable()\n  local_bh_enable()\n}\n", "local_bh_disable() on CPU 0 without local_bh_enable()"},
	} {
		p := compileWith(t, "f.mmu", tc.src, nil)
		for _, cfg := range append(scSearches(), modelSearches()...) {
			if r := check(t, p, cfg); r.Verdict != "fail lock" || !violationSays(r, tc.msg) {
				t.Errorf("%q, model %q search %q: %s %v; want fail lock %q", tc.src, cfg.Model, cfg.Search, r.Verdict, r.Violations, tc.msg)
			}
		}
	}
}

// violationSays tells whether r's violation message holds msg ("" for
// none expected).
func violationSays(r *vm.Result, msg string) bool {
	if msg == "" {
		return len(r.Violations) == 0
	}
	return len(r.Violations) == 1 && strings.Contains(r.Violations[0].Msg, msg)
}
