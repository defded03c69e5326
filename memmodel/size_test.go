package memmodel

import (
	"math/rand"
	"runtime"
	"testing"
)

// allocMeter is a model whose checks measure what they allocate against
// CheckBytes.
type allocMeter struct {
	Model
	checks int
	worst  float64 // the largest allocation seen, as a part of CheckBytes
	n      int     // the size of that graph
}

func (a *allocMeter) Check(g *Graph) (bool, []string) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ok, flags := a.Model.Check(g)
	runtime.ReadMemStats(&after)
	a.checks++
	if r := float64(after.TotalAlloc-before.TotalAlloc) / float64(CheckBytes(a.Model, g)); r > a.worst {
		a.worst, a.n = r, len(g.Events)
	}
	return ok, flags
}

// largeProgram is a random program of four threads of 40 events each over
// four locations, with the annotations, fences, RCU markers, plain
// accesses, RMW pairs and dependencies the VM produces: graphs of some
// 170 events, where relations, not fixed costs, make what a check
// allocates.
func largeProgram(rng *rand.Rand, rcuPlain bool) *Program {
	tags := []Tag{Once, Acquire, Release, Mb, Rmb, Wmb, AcqPC, DMB, DMBLD, DMBST, ISB, MFence, Locked,
		BeforeAtomic, AfterAtomic, AfterSpinlock, Barrier}
	fences := []Tag{Mb, Rmb, Wmb, DMB, ISB, MFence}
	if rcuPlain {
		tags = append(tags, Plain)
		fences = append(fences, RcuLock, RcuUnlock, SyncRcu)
	}
	p := &Program{Init: map[uint64]uint64{}}
	writes := map[uint64]int{} // few writes a location: coherence orders are factorial in them
	for t := 0; t < 4; t++ {
		tr := &Trace{}
		one := map[uint64]bool{} // the thread read or wrote 1 there: it reads 1 since (coherence)
		for i := 0; i < 40; i++ {
			loc := uint64(rng.Intn(4)) * 8
			ev := Event{Kind: Read, Loc: loc, Val: uint64(rng.Intn(2)), Tags: tags[rng.Intn(len(tags))]}
			switch k := rng.Intn(6); {
			case k == 0 && writes[loc] < 2:
				writes[loc]++
				ev.Kind, ev.Val = Write, 1
			case k == 1:
				ev = Event{Kind: Fence, Tags: fences[rng.Intn(len(fences))]}
			case one[loc]:
				ev.Val = 1
			}
			if ev.Kind != Fence && ev.Val == 1 {
				one[loc] = true
			}
			tr.Events = append(tr.Events, ev)
			last := len(tr.Events) - 1
			if last == 0 || tr.Events[last-1].Kind != Read {
				continue
			}
			prev := Dep{From: int32(last - 1), To: int32(last)}
			switch rng.Intn(4) {
			case 0:
				tr.Addr = append(tr.Addr, prev)
			case 1:
				tr.Ctrl = append(tr.Ctrl, prev)
			case 2:
				if ev.Kind == Write {
					tr.Data = append(tr.Data, prev)
					if tr.Events[last-1].Loc == ev.Loc {
						tr.Rmw = append(tr.Rmw, prev)
					}
				}
			}
		}
		p.Threads = append(p.Threads, []*Trace{tr})
	}
	return p
}

// TestCheckBytes: no model's check of a large graph allocates more than
// CheckBytes says, allowed executions and refused candidates alike.
func TestCheckBytes(t *testing.T) {
	for _, name := range Names() {
		m, _ := Lookup(name)
		meter := &allocMeter{Model: m}
		rng := rand.New(rand.NewSource(1))
		for i := 0; i < 150; i++ {
			p := largeProgram(rng, i%2 == 0)
			stop := meter.checks + 20 // a few candidates of each program
			p.Interrupted = func() bool { return meter.checks >= stop }
			Enumerate(p, meter, func(*Graph, []int, []string) bool { return false })
		}
		t.Logf("%s: %d checks, at most %.0f%% of CheckBytes (%d events)", name, meter.checks, 100*meter.worst, meter.n)
		if meter.checks < 100 {
			t.Errorf("%s: only %d checks", name, meter.checks)
		}
		if meter.worst > 1 {
			t.Errorf("%s: a check of %d events allocated %.2f times CheckBytes", name, meter.n, meter.worst)
		}
	}
}
