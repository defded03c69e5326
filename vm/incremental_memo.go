package vm

import (
	"slices"

	"github.com/mmuvm/mmuvm/memmodel"
)

// replayMemo is a CPU's last run in the incremental search, with its
// IPIs floating or placed (recorder.memos): the answers it was given and
// what it made. A run is a function of its answers, so the CPU's next
// replay with the same answers would make the same records, and is not
// run. That is the common case: a write, a fence or a handler's
// acknowledgement added to a graph leaves its CPU's answers as they were,
// and a free that poisons 512 entries is 512 such additions
// (ptdump-walk-2m under armv8: 3,699 of its 4,374 replays).
//
// What else a run reads is fixed within a round: the program, the
// handlers, and the entries each free poisons (incr.freed). A new round
// forgets the memos (incr.rounds).
type replayMemo struct {
	cur    *incCursor // its answers and records; nil: no run kept
	run    weakRun
	ipiAt  []ipiSlot
	pruned bool
	deps   [][]idep // modelDeps of the records, made on first need
	// reads and choices are the positions of the records that are reads
	// and the run's choices, made on first need (newItem)
	reads, choices []int32
	buf            []incRec // the records' buffer, for the next run
	ta             *arena   // the run's taint arena, which its records' spilled taints name
	bytes          int64    // what it holds, in the memory estimate (budget.kept)
}

// incRecBytes is what a record costs in the memory estimate.
const incRecBytes = 80

// keep makes the run just made the memo's and counts what it holds in
// the memory estimate in place of what the memo held: its trace, its
// taint arena and its records. A kept run outlives the run in progress
// that the estimate counted (budget.run), and a CPU keeps two.
func (mo *replayMemo) keep(b *budget, kept replayMemo) {
	old := mo.bytes
	*mo = kept
	mo.bytes = int64(traceSize(kept.run.trace))*weakEventBytes + kept.ta.bytes() + int64(cap(kept.cur.recs))*incRecBytes
	b.kept += mo.bytes - old
}

// memo is the memo of the recorder's runs as its IPIs are now: the
// placements' replays (placement.file) have them placed, and would
// otherwise take the place of the search's.
func (r *recorder) memo() *replayMemo {
	if r.floatIPI {
		return &r.memos[1]
	}
	return &r.memos[0]
}

// forget drops the recorder's memos, keeping their buffers.
func (r *recorder) forget() {
	for i := range r.memos {
		r.w.m.budget.kept -= r.memos[i].bytes
		r.memos[i] = replayMemo{buf: r.memos[i].buf}
	}
}

// same says whether the memo's run was given these answers.
func (mo *replayMemo) same(ans []uint64, known []bool, keys []uint64) bool {
	return mo.cur != nil && slices.Equal(mo.cur.ans, ans) && slices.Equal(mo.cur.known, known) && slices.Equal(mo.cur.keys, keys)
}

// modelDeps is modelDeps of the memo's records, made once per run: the
// items that share them do not change them.
func (mo *replayMemo) modelDeps() [][]idep {
	if mo.deps == nil {
		mo.deps = modelDeps(mo.cur.recs, mo.run.trace)
	}
	return mo.deps
}

// before lists the records before position p that are reads, and those
// that are the run's choices (not a builtin's own: incRec.local).
func (mo *replayMemo) before(p int) (reads, choices []int32) {
	if mo.reads == nil && mo.choices == nil {
		mo.reads, mo.choices = []int32{}, []int32{}
		for i, r := range mo.cur.recs {
			switch {
			case r.ev == -1 && !r.local:
				mo.choices = append(mo.choices, int32(i))
			case r.ev >= 0 && r.kind == memmodel.Read:
				mo.reads = append(mo.reads, int32(i))
			}
		}
	}
	nr, _ := slices.BinarySearch(mo.reads, int32(p))
	nc, _ := slices.BinarySearch(mo.choices, int32(p))
	return mo.reads[:nr:nr], mo.choices[:nc:nc]
}
