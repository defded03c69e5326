package compiler

import (
	"fmt"

	"github.com/mmuvm/mmuvm/lang"
)

// Waiting inside atomic { } is a compile error: nothing else runs until
// the block ends, so a wait there would last for ever. A builtin that may
// wait and an `await` are caught where they are written; a proc that
// waits, called inside the block, is caught here once every body is
// generated, through any depth of calls (the VM used to find out only at
// run time, and not always: a contended spin_lock() failed, an await was
// misreported as a loop that reads nothing, and synchronize_rcu() passed).
type waitFacts struct {
	waits   map[int]string // proc index -> its first wait, as "spin_lock at f.mmu:3:3"
	calls   map[int][]int  // proc index -> the procs it calls
	inBlock []atomicCall   // proc calls written inside atomic { }
	memo    map[int]string // waitOf's answers
}

type atomicCall struct {
	callee int
	name   string
	file   int
	pos    lang.Pos
}

// noteWait records that proc waits at pos (a builtin that may wait, or
// await).
func (c *compiler) noteWait(proc int, what string, pos lang.Pos) {
	if c.wf.waits == nil {
		c.wf.waits = map[int]string{}
	}
	if _, ok := c.wf.waits[proc]; !ok {
		c.wf.waits[proc] = fmt.Sprintf("%s at %s", what, pos)
	}
}

// noteCall records a call of proc callee from proc caller, and whether
// it is written inside atomic { }.
func (c *compiler) noteCall(caller, callee int, name string, atomic bool, file int, pos lang.Pos) {
	if c.wf.calls == nil {
		c.wf.calls = map[int][]int{}
	}
	c.wf.calls[caller] = append(c.wf.calls[caller], callee)
	if atomic {
		c.wf.inBlock = append(c.wf.inBlock, atomicCall{callee, name, file, pos})
	}
}

// checkAtomicCalls rejects the first call inside atomic { } of a proc
// that may wait.
func (c *compiler) checkAtomicCalls() error {
	for _, a := range c.wf.inBlock {
		if what := c.waitOf(a.callee); what != "" {
			return c.errPos(a.file, a.pos, "%s may wait (%s), which atomic { } cannot", a.name, what)
		}
	}
	return nil
}

// waitOf returns the first wait that proc may reach, through its calls,
// or "".
func (c *compiler) waitOf(proc int) string {
	if c.wf.memo == nil {
		c.wf.memo = map[int]string{}
	}
	if what, ok := c.wf.memo[proc]; ok {
		return what // known, or a recursive call in progress, which adds nothing
	}
	what := c.wf.waits[proc]
	c.wf.memo[proc] = what
	for _, q := range c.wf.calls[proc] {
		if what != "" {
			break
		}
		what = c.waitOf(q)
	}
	c.wf.memo[proc] = what
	return what
}
