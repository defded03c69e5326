package mmu

// words holds the store's words: one open-addressing table (linear
// probing) per tag, so that a tag's words (all the TLB entries, all of
// memory) sit together and Range(tag) visits only them. A Go map did this job before and its hashing and probing were the
// top cost of exploration; here a lookup is a multiply, a shift and
// usually one compare in one cache line.
//
// A slot, once taken, is never freed: writing zero keeps the slot with a
// zero value, which reads as absent. The tables thus hold every location
// the check has ever written, a set bounded by the script, and no
// tombstones or backward shifts are needed on the Set and Rollback paths.
type words struct {
	// cpu holds the per-CPU fields (tagCPU, the first 32 fields of each
	// CPU) densely: the scheduler reads several of them for every CPU at
	// every state (IRQsOn, InIRQ, IPIPending), so they get an array index
	// rather than a probe.
	cpu  [maxCPUs * cpuDenseFields]uint64
	tabs [16]wordTable // the rest, by tag
	// slots counts the slots of every table, for bytes: the memory
	// budget asks after every step, and summing 16 tables each time was
	// 8 % of a stateful search
	slots int
}

// wordTable is one open-addressing table keyed by a Loc without its tag.
type wordTable struct {
	slots []wordSlot // len is a power of two, or zero before the first write
	used  int        // slots taken
	shift uint       // 64 - log2(len(slots)), for Fibonacci hashing
}

type wordSlot struct {
	key Loc // the Loc without its tag bits, or emptyKey
	val uint64
}

const (
	emptyKey       Loc = ^Loc(0) // has tag bits, which keys have not
	minSlots           = 16
	fibHashMu          = 0x9e3779b97f4a7c15
	cpuDenseFields     = 32
	cpuDenseSpan   Loc = maxCPUs << 8 // cpuLoc(cpu, field) - tagCPU < cpuDenseSpan
)

func (w *words) table(loc Loc) *wordTable { return &w.tabs[loc&tagMask>>tagShift] }

// dense returns the index in w.cpu of a per-CPU field, or -1.
func dense(loc Loc) int {
	off := loc - tagCPU
	if off >= cpuDenseSpan || off&0xff >= cpuDenseFields {
		return -1
	}
	return int((off>>8)*cpuDenseFields + off&0xff)
}

// get returns loc's word, zero when it was never written.
func (w *words) get(loc Loc) uint64 {
	if i := dense(loc); i >= 0 {
		return w.cpu[i]
	}
	t, k := w.table(loc), loc&^tagMask
	if len(t.slots) == 0 {
		return 0
	}
	mask := len(t.slots) - 1
	for i := t.home(k); ; i = (i + 1) & mask {
		switch t.slots[i].key {
		case k:
			return t.slots[i].val
		case emptyKey:
			return 0
		}
	}
}

// ref returns the place of loc's word, taking a slot for it if it has
// none. The pointer is valid until the next ref that takes a slot.
func (w *words) ref(loc Loc) *uint64 {
	if i := dense(loc); i >= 0 {
		return &w.cpu[i]
	}
	t, k := w.table(loc), loc&^tagMask
	if len(t.slots) > 0 {
		mask := len(t.slots) - 1
		i := t.home(k)
		for t.slots[i].key != k && t.slots[i].key != emptyKey {
			i = (i + 1) & mask
		}
		if t.slots[i].key == k {
			return &t.slots[i].val
		}
		if 2*(t.used+1) <= len(t.slots) {
			return t.take(i, k)
		}
	}
	w.slots -= len(t.slots)
	t.grow()
	w.slots += len(t.slots)
	return t.take(t.free(k), k)
}

func (t *wordTable) home(k Loc) int { return int(uint64(k) * fibHashMu >> t.shift) }

func (t *wordTable) take(i int, k Loc) *uint64 {
	t.slots[i].key = k
	t.used++
	return &t.slots[i].val
}

// free finds the empty slot where k belongs (k is not in the table).
func (t *wordTable) free(k Loc) int {
	mask := len(t.slots) - 1
	i := t.home(k)
	for t.slots[i].key != emptyKey {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table (or makes its first slots), keeping the load
// at most one half so probe runs stay short.
func (t *wordTable) grow() {
	n := max(2*len(t.slots), minSlots)
	old := t.slots
	t.slots = make([]wordSlot, n)
	for i := range t.slots {
		t.slots[i].key = emptyKey
	}
	t.shift = 64
	for m := n; m > 1; m >>= 1 {
		t.shift--
	}
	for _, s := range old {
		if s.key != emptyKey {
			t.slots[t.free(s.key)] = s
		}
	}
}

// each calls fn for every nonzero word whose loc has the given tag, in
// slot order: the same order for the same history of writes, so runs are
// reproducible. fn must not write to the store.
func (w *words) each(tag Loc, fn func(loc Loc, v uint64)) {
	if tag&^tagMask != 0 {
		return // no loc has such a tag
	}
	if tag == tagCPU {
		for i, v := range w.cpu {
			if v != 0 {
				fn(tagCPU|Loc(i/cpuDenseFields)<<8|Loc(i%cpuDenseFields), v)
			}
		}
	}
	for _, s := range w.table(tag).slots {
		if s.key != emptyKey && s.val != 0 {
			fn(tag|s.key, s.val)
		}
	}
}

// bytes is the memory the words take: the dense per-CPU fields and every
// table's slots.
func (w *words) bytes() int64 { return int64(len(w.cpu))*8 + int64(w.slots)*16 }
