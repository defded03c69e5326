package vm

import "slices"

// The scout of the incremental search.
//
// A free poisons only the entries of its table that some CPU reads
// (Memory.Read): poisoning all 512 would put 512 writes per freed table
// in every graph. The search learns which entries are read as it goes,
// and a round that finds one read and not poisoned starts again with it
// (incr.rounds). In the search's order the graph where the walker reads
// one more freed table comes after about as many graphs as all the rounds
// before it, so ptdump-vmalloc-nN-fixed under armv8 spent about 2^(k+1)
// graphs to reach the end of round k, and needed N rounds before its
// last (docs/architecture.md, "Frees").
//
// The scout runs the program under sc once for each CPU, that CPU's task
// going first whenever it can (a walker then reads every table before
// anyone frees it), and the first round starts with every location those
// runs read. Each sc execution is one under every model, so the last
// round reads those entries anyway: the scout changes only how soon the
// rounds settle, and the rounds still find whatever it missed.

// scoutSteps bounds the steps of each scout run: a CPU that goes first
// may spin on something another must do, and the scout is a heuristic.
// scoutLocs bounds the locations it notes, outside the memory budget
// (about 3 MB at most).
const (
	scoutSteps = 100_000
	scoutLocs  = 1 << 16
)

// scoutPick picks the thread a scout run steps: the lead, else a thread
// that is not a CPU's task (an IPI handler the lead waits for), else the
// first.
func (x *explorer) scoutPick(enabled []int, lead int) int {
	if slices.Contains(enabled, lead) {
		return lead
	}
	for _, t := range enabled {
		if x.m.threads[t].kind != TaskThread {
			return t
		}
	}
	return enabled[0]
}

// scoutReads runs the scout over the task threads ids and returns the
// locations the runs read. It leaves the machine reset.
func (x *explorer) scoutReads(ids []int) map[uint64]bool {
	m := x.m
	reads := map[uint64]bool{}
	var buf []int
	for _, lead := range ids {
		m.Reset()
		for range scoutSteps {
			if buf = m.Enabled(buf); len(buf) == 0 || x.interrupted() {
				break
			}
			m.step(x.scoutPick(buf, lead))
			for _, f := range m.Footprint() {
				if f&1 == 0 && len(reads) < scoutLocs { // a read (the low bit marks a write)
					reads[f>>1] = true
				}
			}
			if m.violation != nil {
				break
			}
		}
	}
	m.Reset()
	return reads
}
