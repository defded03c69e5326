package memmodel

// What enumerating holds, for a checker's memory estimate (vm's
// Limits.Memory): the graph being checked and what the model's check of
// it allocates. Relations are bit matrices of n×n bits, so a graph of a
// few thousand events costs a model dozens of megabytes to check.

// checkRelations is how many relations of a graph's size one Check of a
// model allocates at most, counting the sets and slices around them as
// 1 KiB a relation (see CheckBytes). The counts are the most measured,
// over the herd-weak catalogue, the scenarios and TestCheckBytes's large
// random graphs (sc 22, tso 39, armv8 152, lkmm 208 without plain
// accesses and RCU, 296 with), with a quarter more; TestCheckBytes holds
// every model to its count.
type checkRelations interface{ checkRelations(g *Graph) int }

func (SC) checkRelations(*Graph) int    { return 48 }
func (TSO) checkRelations(*Graph) int   { return 48 }
func (ARMv8) checkRelations(*Graph) int { return 192 }

// checkRelations: lkmm's plain-access section makes some 60 relations,
// its rcu-order fixpoint some 13 a pass and the matching of
// rcu_read_lock() pairs (rcu-rscs) 7 a pass; each pass adds a link (a
// grace period or a critical section) to the chains, so there are at
// most as many passes as those events, plus one.
func (lkmm) checkRelations(g *Graph) int {
	k, plain := 256, false
	for _, e := range g.Events {
		plain = plain || e.Tags&Plain != 0
		if e.Tags&(SyncRcu|SyncSrcu|RcuLock|SrcuLock) != 0 {
			k += 16
		}
	}
	if plain {
		k += 64
	}
	return k
}

// mostRelations is the count of a model that does not give one.
const mostRelations = 256

// CheckBytes bounds what one m.Check(g) allocates, in bytes: an upper
// bound of what the check holds at once (the collector frees it at its
// next cycle).
func CheckBytes(m Model, g *Graph) int64 {
	k := mostRelations
	if c, ok := m.(checkRelations); ok {
		k = c.checkRelations(g)
	}
	n := int64(len(g.Events))
	return int64(k) * (8*n*((n+63)/64) + 1024)
}

// graphBytes is what g holds while its executions are enumerated: its
// events, reads-from and coherence ranks, dependency edges, and the
// per-event arrays of the choices on a location (locChoices).
func graphBytes(g *Graph) int64 {
	deps := len(g.Rmw) + len(g.Addr) + len(g.Data) + len(g.Ctrl) + len(g.SrcuMatch) +
		len(g.PickAddr) + len(g.PickData) + len(g.PickCtrl) + len(g.Si) + len(g.Sib)
	return int64(len(g.Events))*(40+2*8+2*8) + int64(deps)*8 // a Dep is two int32s
}
