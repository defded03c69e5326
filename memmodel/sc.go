package memmodel

// SC is sequential consistency (Lamport): every execution is an
// interleaving of the threads' events, each read reading the latest write
// to its location. As a cat model:
//
//	acyclic po | rf | co | fr as sc
//	empty rmw & (fre; coe) as atomic
//
// with each instruction of two locations one event (instance.go).
//
// Every event vocabulary (kernel primitives, AArch64 and x86 instructions)
// means the same under SC: barriers are no-ops, and acquire, release,
// exclusive and locked accesses are plain accesses, RMW pairs being atomic.
type SC struct{}

func init() { Register(SC{}) }

// Name is "sc".
func (SC) Name() string { return "sc" }

// Check tells whether g is sequentially consistent. SC raises no flags.
func (SC) Check(g *Graph) (bool, []string) {
	b := g.Base()
	if !atomicRMW(b) {
		return false, nil
	}
	return b.Whole(b.Po.Union(b.Rf, b.Co, b.Fr)).Acyclic(), nil
}

// atomicRMW is `empty rmw & (fre; coe)`: no write of another thread comes
// between the read and the write of an atomic read-modify-write in
// coherence. (sc and tso; armv8 has its own form.)
func atomicRMW(b *Base) bool {
	return b.Rmw.Inter(b.Fre.Seq(b.Coe)).Empty()
}
