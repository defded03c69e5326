package vm

// EnabledFull asks every thread whether it can step, as Enabled did
// before the set was kept from step to step: the reference the
// incremental set is checked against.
func (m *Machine) EnabledFull(buf []int) []int {
	buf = buf[:0]
	if m.violation != nil {
		return buf
	}
	for _, t := range m.threads {
		if m.enabled(t) {
			buf = append(buf, t.id)
		}
	}
	return buf
}

// CountedLoops counts the loops of p that counted.go takes as counted.
func CountedLoops(p *Program) int { return len(countedLoops(p.Code)) }

// CountIncrementalDuplicates makes the incremental search count the
// executions it builds more than once; IncrementalDuplicates says how
// many the last search built so.
func CountIncrementalDuplicates(on bool) { incDupsTest, incDupsSeen = on, 0 }

func IncrementalDuplicates() int { return incDupsSeen }

// CompareAlone makes the incremental search check each IPI's places
// alone both ways (alone and placement.allowed); AloneCompared says how
// many answers it compared and how many differed.
func CompareAlone(on bool) { aloneTest, aloneChecked, aloneDiffers = on, 0, 0 }

func AloneCompared() (checked, differ int) { return aloneChecked, aloneDiffers }
