package mmu

import "github.com/mmuvm/mmuvm/memmodel"

func bInInterrupt(c *Call) (uint64, Status) { return b2u(c.InIRQ), Done }

// Barriers. dsb makes arm64's pending kernel PTEs visible; the others only
// count (memory is sequentially consistent).
// dsbAs is dsb(ish) or dsb(ishst): a barrier for the memory model, and on
// arm64 the barrier that makes pending kernel PTEs visible to the walker.
func dsbAs(t memmodel.Tag) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		c.M.fence(t)
		return bDSB(c)
	}
}

func bDSB(c *Call) (uint64, Status) {
	m := c.M
	if m.tr.PTEBarriers {
		m.emitBarriers(c.CPU, true)
	} else {
		m.countDSB(c.CPU, 1)
	}
	return 0, Done
}

func bDSBCount(c *Call) (uint64, Status) { return c.M.S.Get(cpuLoc(c.CPU, cpuDSB)), Done }
