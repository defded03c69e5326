package vm_test

import (
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// leaveWaitCases are scripts where a CPU under tso waits for its store
// buffer (drain_wait.go). Each must give dfs's outcomes, and fewer says
// whether leaving out the waits stores fewer states than without it.
var leaveWaitCases = []ruleCase{
	// ptdump-vmalloc-nN-fixed's shape: the freeing CPU's lock waits for
	// its clear while the walker reads
	{"a lock waits for a store while another CPU reads", `
shared x, y
spinlock l
cpu 0 {
  x = 1
  spin_lock(l)
  spin_unlock(l)
  y = 1
}
cpu 1 {
  a = x
  b = y
  c = x
}
final exists (1:a == 1 && 1:b == 0 && 1:c == 1)
`, true},
	// the step that stores x reaches the fence and waits in the same
	// step: that wait is not left out, or the store goes with it
	{"a store and a fence in one step", `
shared x, y
cpu 0 {
  for i in 1..4 {
    x = i
    smp_mb()
  }
  r = y
}
cpu 1 {
  y = 1
  s = x
}
final exists (0:r == 0 && 1:s == 0)
`, false},
	// an irq on the waiting CPU sees its store forwarded, and its own
	// store waits behind it
	{"an irq on the waiting CPU", `
shared x, y
cpu 0 {
  x = 1
  smp_mb()
  r = y
}
irq 0 {
  y = x
}
cpu 1 {
  s = y
  t = x
}
final exists (0:r == 0 && 1:s == 1 && 1:t == 0)
`, false},
	// the switch takes the waiting task to another CPU: the rule stays
	// off on a CPU with a preemptible task
	{"a preemptible task waits at a fence", `
shared x, y
cpu 0 preemptible {
  x = 1
  smp_mb()
  r = y
}
cpu 1 {
  y = 1
  s = x
}
final exists (0:r == 0 && 1:s == 0)
`, false},
}

// TestLeaveWait holds the stateful search that leaves out waits for the
// store buffer to dfs on scripts made for the rule, and checks that it
// stores fewer states where it should.
func TestLeaveWait(t *testing.T) { checkRule(t, leaveWaitCases, vm.SetLeaveWaits) }
