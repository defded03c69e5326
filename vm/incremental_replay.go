package vm

import (
	"fmt"
	"slices"

	"github.com/mmuvm/mmuvm/memmodel"
	"github.com/mmuvm/mmuvm/mmu"
)

// Replaying a CPU for the incremental search (incremental.go). The graph
// under construction holds, per CPU, the answers of the decisions its run
// made so far (the value each read returned, the option each choice
// took), some of them holes. A replay runs the CPU alone from the start,
// giving those answers, and stops at the first decision the graph does
// not answer: what the CPU does next. It records, for every event and
// choice, what its existence, location and value depend on, so that a
// revisit can keep the events that do not depend on the read it changes.

// incCursor is the recorder's state in a replay.
type incCursor struct {
	ans       []uint64 // the answer of each decision the graph holds
	known     []bool   // whether decision k is in the graph (else a hole)
	k         int      // decisions made by this replay
	stopped   bool     // the replay reached a decision the graph does not answer
	stopAfter bool     // the read in progress is that decision
	recs      []incRec // what the replay did, in program order
	choices   int      // choices made so far at step boundaries (IPIs, irqs)
	// callChoice is the record of the choice the builtin call in progress
	// made (a store-exclusive's success, a CAS's), -1 if none
	callChoice int
	bad        string // a kept answer the run no longer accepts
	e          *incr
	// keys names each answer's decision (incRec.key); byKey finds an
	// answer by it when decisions moved (made on first need)
	keys  []uint64
	byKey map[uint64]int
	site  uint64 // the key of the call or step boundary in progress, its low bits clear
	sub   uint64 // the records that call or boundary made so far
	occ   *siteCounts
}

// siteCounts counts, per site (a pc, twice: calls and step boundaries),
// the starts of one replay; the slice is the recorder's, kept from
// replay to replay, and only the sites a replay touched are cleared (a
// map made ptdump-vmalloc-n8-fixed under armv8 about 4 % slower).
type siteCounts struct {
	n       []uint32
	touched []int32
}

// reset readies the counts for a replay of code of size n.
func (s *siteCounts) reset(n int) {
	for _, i := range s.touched {
		s.n[i] = 0
	}
	s.touched = s.touched[:0]
	if len(s.n) < 2*n+2 {
		s.n = make([]uint32, 2*n+2)
	}
}

// next counts a start at site i and returns how many came before it.
func (s *siteCounts) next(i int) uint64 {
	if i < 0 || i >= len(s.n) {
		return 1 << keyOccBits // not nameable: no key
	}
	n := s.n[i]
	if n == 0 {
		s.touched = append(s.touched, int32(i))
	}
	s.n[i] = n + 1
	return uint64(n)
}

// An event's or choice's identity in a CPU's run (incRec.key): the
// instruction that starts the call or step boundary making it, how many
// times the run started that one before, and its place among what the
// call made. Under the LKMM a branch whose paths have joined orders
// nothing after the join, so a revisit can keep an event after it while
// the branch goes the other way; the events of the branch's body then
// come and go, and the kept event moves. Its identity does not: the
// replay finds its answers, and incr.realign its item, by it. Zero means
// the identity does not fit its bits (a run too long to name its events
// so): the replay then goes by position.
const (
	keySet      = 1 << 63
	keyBoundary = 1 << 62
	keyPCBits   = 24
	keyOccBits  = 24
	keySubBits  = 14
)

// start begins a call (or, boundary, a step boundary's choices) at pc.
func (c *incCursor) start(pc int, boundary bool) {
	s := pc << 1
	if boundary {
		s |= 1
	}
	n := c.occ.next(s)
	c.sub = 0
	if pc < 0 || pc >= 1<<keyPCBits || n >= 1<<keyOccBits {
		c.site = 0
		return
	}
	c.site = keySet | uint64(pc)<<(keyOccBits+keySubBits) | n<<keySubBits
	if boundary {
		c.site |= keyBoundary
	}
}

// key names the next record, and counts it.
func (c *incCursor) key() uint64 {
	k := c.peek()
	c.sub++
	return k
}

// peek is the key the next record will have.
func (c *incCursor) peek() uint64 {
	if c.site == 0 || c.sub >= 1<<keySubBits {
		return 0
	}
	return c.site | c.sub
}

// answer finds decision k's answer, named key: by position first, then,
// where the decisions before it changed, by its identity.
func (c *incCursor) answer(k int, key uint64) (uint64, bool) {
	if k < len(c.known) && (key == 0 || c.keys[k] == key || c.keys[k] == 0) {
		return c.ans[k], c.known[k]
	}
	if key == 0 {
		return 0, false
	}
	if c.byKey == nil {
		c.byKey = make(map[uint64]int, len(c.keys))
		for i, kk := range c.keys {
			c.byKey[kk] = i
		}
	}
	i, ok := c.byKey[key]
	if !ok {
		return 0, false
	}
	return c.ans[i], c.known[i]
}

// incRec is one event or choice of a replay.
type incRec struct {
	ev   int           // the event's index in the trace, -1 for a choice, noEvent for none
	kind memmodel.Kind // the event's kind (0 for a choice)
	n    int           // a choice: how many options it had
	val  int           // a choice: the option taken
	// sem is the reads (taint bits) that the existence, location or value
	// of the event depend on: its address and data, every branch taken
	// before it (joined or not), and the reads its builtin made before it,
	// but for values no read changes (valueid.go)
	sem uint64
	// void is the reads the taints name but the values show it does
	// not need (`*(y + (r0 & 0))`): its model dependencies on them are no
	// reason for it to exist (newItem)
	void uint64
	// choices is how many choices the run made at step boundaries before
	// it: it depends on all of them (such a choice can add an IPI
	// handler's events before it)
	choices int
	// local marks a choice made inside a builtin call (a store-exclusive
	// that may fail, the two ways herd makes a CAS's result): it adds no
	// events after the call, only changes what the call writes and the
	// dependencies its result carries, which replays compare (sameItem)
	local bool
	// in is the record of the choice of the same call an event follows
	// (its write exists because of it), -1 if none
	in  int
	key uint64 // its identity in the run (incCursor.start)
	// joined is the reads that fed branches before it whose paths have
	// joined (under the LKMM: it exists either way, but the other path's
	// events may order it after them)
	joined uint64
}

func (c *incCursor) event(r *recorder, i int, k memmodel.Kind) {
	syn := r.union(r.addrT, r.pAddrT, r.pCtrlT, r.ctrlT, r.fullT, r.callReads)
	sem := r.union(r.sAddrT, r.sCtrlT, r.fullT, r.callReads)
	if k == memmodel.Write { // a builtin's data arguments are what it writes
		syn = r.union(syn, r.dataT, r.pDataT)
		sem = r.union(sem, r.sDataT, r.sPDataT)
	}
	rc := incRec{ev: i, kind: k, sem: sem, void: r.andNot(syn, sem), choices: c.choices, in: c.callChoice, key: c.key()}
	if r.th != nil {
		rc.joined = r.andNot(r.th.allCtrl, sem)
	}
	c.recs = append(c.recs, rc)
}

// call notes the start of a builtin call or access at pc.
func (c *incCursor) call(pc int) {
	c.callChoice = -1
	c.start(pc, false)
}

// noWrite records where a conditional RMW that failed would have written
// (an empty item), or made a choice, so that the events after it keep
// their positions whichever way it goes.
func (c *incCursor) noWrite(r *recorder) {
	if c.stopped {
		return
	}
	c.recs = append(c.recs, incRec{ev: noEvent, sem: r.union(r.sCtrlT, r.fullT, r.callReads, r.sPDataT), choices: c.choices, in: c.callChoice, key: c.key()})
}

// noEvent is incRec.ev of the place of a write that did not happen.
const noEvent = -2

// load answers a read: from the graph, or 0 and a stop after the read is
// recorded when the graph does not answer it.
func (c *incCursor) load(r *recorder, loc mmu.Loc) uint64 {
	c.e.read(uint64(loc))
	k := c.k
	c.k++
	if v, ok := c.answer(k, c.peek()); ok {
		return v
	}
	c.stopAfter = true
	return 0
}

func (c *incCursor) choose(r *recorder, n int) int {
	if c.stopped {
		return 0
	}
	k := c.k
	c.k++
	rec := incRec{ev: -1, n: n, choices: c.choices, in: -1}
	if r.th != nil {
		rec.sem = r.union(r.th.sctrl, r.th.waitT)
		if r.th.inBuiltin || r.localChoice {
			// a CAS's choice exists because it succeeded: on its read
			// and the value it expected (a pick, pDataT)
			rec.sem = r.union(rec.sem, r.callReads, r.sPDataT)
			rec.local = true
		}
	}
	if rec.local {
		c.callChoice = len(c.recs)
	} else {
		c.choices++
	}
	rec.key = c.key()
	a, ok := c.answer(k, rec.key)
	if !ok {
		c.recs = append(c.recs, rec)
		c.stop(r)
		return 0
	}
	v := int(a)
	if v >= n {
		c.bad = fmt.Sprintf("choice %d took option %d of %d", k, v, n)
		c.stop(r)
		return 0
	}
	rec.val = v
	c.recs = append(c.recs, rec)
	r.answers = append(r.answers, uint64(v))
	return v
}

// stop ends the replay: the run goes no further (pruned, for runAlone's
// loop), and the recorder ignores what the code in progress still does.
func (c *incCursor) stop(r *recorder) {
	c.stopped, c.stopAfter = true, false
	r.pruned = true
}

// locations is Memory.Read: which locations of a freed page some CPU
// reads (the free poisons them). The answer must not change within a
// search, or replays would differ: it is the locations read in the
// search before (incremental's rounds), and the search notes the range
// (incr.freed).
func (c *incCursor) locations(r *recorder, lo, hi mmu.Loc) []mmu.Loc {
	out := c.e.freed(uint64(lo), uint64(hi))
	r.answers = append(slices.Grow(r.answers, 1+len(out)), uint64(len(out)))
	for _, l := range out {
		r.answers = append(r.answers, uint64(l))
	}
	return out
}

// boundary notes a step boundary of the run at r.pc: the choices there
// (an irq fired, an IPI taken) and what a handler taken there does.
func (r *recorder) boundary() {
	if r.inc != nil {
		r.inc.start(r.pc, true)
	}
}

// again notes a builtin's step that did not finish it: whether and how it
// goes on depends on what the step read, so everything after does.
func (r *recorder) again(t *thread) { t.waitT = r.or(t.waitT, r.callReads) }

// settled notes a builtin's end: one that may wait (a lock, a wait for an
// acknowledgement, a lockless getter that retries) would have stopped the
// run on another value of what it read, so everything after depends on
// it. (The taints the builtin's result carries are the interpreter's.)
func (r *recorder) settled(t *thread, b *mmu.Builtin) {
	if b.Blocks || t.phase > 0 {
		t.waitT = r.or(t.waitT, r.callReads)
	}
}
