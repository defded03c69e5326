package mmu

// Under sc an x86 PAE entry is one word, and the kernel's half accesses
// (native_set_pte(): high, smp_wmb(), low; native_pte_clear() and
// native_pmd_clear(): low, smp_wmb(), high; the lockless readers'
// pte_low/pte_high loads, see
// arch/x86/include/asm/pgtable-3level.h) are read-modify-writes or reads
// of it. Two accesses to different halves commute, though: a write of
// one half leaves the other as it was, whichever comes first. So a
// step's footprint names each half of a PTE apart (the entry's location
// for the low half, the location 4 bytes on for the high half): an access
// to the whole entry names both, and a half access, once made, only its
// own (narrow). Partial-order reduction then stops reversing a reader's
// half against a writer's other half: with --all, 002-pae-lockless-one-pass
// takes 7 executions under dpor instead of 15, 002-pae-retry-needs-ipi 11
// instead of 26. Waits stay on the whole word (a write of either half
// wakes the waiter: AppendWait, Origin), as the spin rule's records do.
//
// Under a weak model the halves are separate locations anyway
// (splitEntry), and under tso the store buffers key their own footprint
// entries by the whole word, so the split is for sc alone.

// note records an access to loc in the step's footprint (w: 1 for a
// write).
func (s *Store) note(loc Loc, w uint64) { s.footprint = s.appendAccess(s.footprint, loc, w) }

// appendAccess appends to fp the footprint entries of an access to loc:
// loc's, and its high half's where the entry is split.
func (s *Store) appendAccess(fp []uint64, loc Loc, w uint64) []uint64 {
	fp = append(fp, uint64(loc)<<1|w)
	if s.splits(loc) {
		fp = append(fp, uint64(highKey(loc))<<1|w)
	}
	return fp
}

// splits tells whether footprints name loc's halves apart.
func (s *Store) splits(loc Loc) bool {
	return s.halves != nil && s.mem == nil && s.sb == nil && s.halves(loc)
}

// highKey names the high half of the entry at loc in footprints.
func highKey(loc Loc) Loc { return loc + 4 }

// FootprintMark is where the footprint of the step so far ends, for
// narrow.
func (s *Store) FootprintMark() int { return len(s.footprint) }

// narrow keeps, of what the step recorded since mark, only the half of
// the entry at loc that a half access touched (high or low).
func (s *Store) narrow(mark int, loc Loc, high bool) {
	if !s.recording || !s.splits(loc) {
		return
	}
	drop := highKey(loc)
	if high {
		drop = loc
	}
	kept := s.footprint[:mark]
	for _, f := range s.footprint[mark:] {
		if Loc(f>>1) != drop {
			kept = append(kept, f)
		}
	}
	s.footprint = kept
}

// Origin is the location a footprint entry stands for: the memory word
// of a store buffer's shadow (Unshadow), the entry of a high half's key.
// Spin records and waits look at whole words.
func (s *Store) Origin(key Loc) Loc {
	loc := Unshadow(key)
	if lo := loc - 4; loc&7 == 4 && s.splits(lo) {
		return lo
	}
	return loc
}

// AppendWait appends to fp the footprint entries of a wait on loc, a
// read of the whole word: both halves of a split entry, since a write of
// either wakes it.
func (s *Store) AppendWait(fp []uint64, loc Loc) []uint64 { return s.appendAccess(fp, loc, 0) }

// setHalf writes the half (high or low) of the x86 PAE entry at loc that
// whole holds, whole being the entry as this CPU sees it with that half
// changed: under sc a read-modify-write of the word, whose footprint
// names only that half (narrow, from mark); under tso a store of that
// half alone, which reaches memory leaving the other half as memory then
// holds it (storebuf.go).
func (m *Machine) setHalf(mark int, loc Loc, whole uint64, high bool) {
	if m.S.sb != nil && m.S.buffers(loc) {
		m.S.sb.half = halfLow
		if high {
			m.S.sb.half = halfHigh
		}
	}
	m.S.Set(loc, whole)
	m.S.narrow(mark, loc, high)
}
