package memmodel

// LocalOrder is the order a model keeps between two events of one thread
// in g, whatever else the execution holds: what an event after another in
// program order cannot be seen before. Under sc and tso it is the program
// order (neither lets a read see a write that depends on a later event of
// its thread); under armv8 the closure of aarch64hwreqs.cat's lob with
// pick-lob; under lkmm the internal part of linux-kernel.cat's hb (ppo,
// and prop within a thread).
//
// An incremental search needs it to know what a write needs before it:
// a read ordered before the write cannot read from it, nor from anything
// that depends on it (HMC's revisits, Kokologiannakis and Vafeiadis,
// ASPLOS 2020, keep the events after a read that are not ordered after
// it).
func LocalOrder(m Model, g *Graph) Rel {
	if lo, ok := m.(localOrderer); ok {
		return lo.localOrder(g)
	}
	return g.Base().Po
}

type localOrderer interface{ localOrder(g *Graph) Rel }

func (ARMv8) localOrder(g *Graph) Rel {
	a := newArm(g, pickEdges(g))
	lob := a.lob()
	return lob.Union(a.pickLob(lob)).Plus()
}

// The LKMM's is hb's internal part, and hb relates marked accesses only:
// a plain access is not ordered by the fences and releases around it
// (C-LB-Lrw+R-OC: a plain read before a release reads a write made after
// a read of that release). Coherence orders a write all the same before
// a later write of its location ([W] ; po-loc ; [W]): the later write's
// place in coherence fixes the earlier's, so a revisit that kept the
// later write and dropped a plain write before it lost the executions
// where both come before another CPU's write (random herd test C-wide-27:
// `r0 = READ_ONCE(x); *x = 3; WRITE_ONCE(x, 4)`, another CPU reading 4
// while x ends 2). Not a read before the write (armv8's lws has it): a
// plain read may read a write that depends on the later one, co-before
// it (C-wide-1086, reduced: `r0 = *z; rcu_assign_pointer(*z, 1)`, the 1
// leading another CPU to write z = 3 first in coherence).
func (lkmm) localOrder(g *Graph) Rel {
	x := newLK(g)
	c := x.cat()
	hb := c.ppo.Union(c.prop.Minus(x.id).Inter(x.int_)).Inter(x.int_).Restrict(x.Marked, x.Marked)
	return hb.Union(x.poLoc.Restrict(x.W, x.W)).Plus()
}

// CheckOrdered judges g as m.Check does and, where the model states its
// external check as an acyclic order (armv8: aarch64.cat's ob), returns
// that order transitively closed, with ordered true.
//
// A search that adds order to an allowed graph (the incremental search
// placing IPI handlers in a CPU's program order) finds the cycles the new
// edges close with it, without judging each graph whole.
func CheckOrdered(m Model, g *Graph) (allowed bool, ob Rel, ordered bool) {
	if _, ok := m.(ARMv8); !ok {
		allowed, _ = m.Check(g)
		return allowed, Rel{}, false
	}
	o, ok := judgeArm(g)
	if !ok {
		return false, Rel{}, true
	}
	return true, o.Plus(), true
}
