package report

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// MachineState is the MMU at the violating step: the walks of the
// addresses the violation is about, and every CPU's TLB.
type MachineState struct {
	Walks []Walk
	TLBs  []TLB
}

// Walk is the software walk of one VA in one mm.
type Walk struct {
	MM     string
	VA     uint64
	Levels []string // "pmd  &init_mm.pmd[0]  0x…  table pfn …"
}

// TLB is one CPU's cached translations.
type TLB struct {
	CPU     int
	Entries []string
}

var hexRE = regexp.MustCompile(`0x[0-9a-f]+`)

// StateAt replays schedule on a fresh machine up to its end (the
// violating step) and reads the MMU there. Which addresses to walk is not
// recorded by a violation, so the walks are of the VAs the trace and the
// message name and those cached in a TLB, in every mm that maps them. A weak model's execution has no schedule to replay; it
// gets no state (nil).
func StateAt(prog *vm.Program, arch string, schedule []int, trace []vm.Event, msg string) (*MachineState, error) {
	if schedule == nil {
		return nil, nil
	}
	m, err := vm.NewMachine(prog, arch, nil, vm.Limits{})
	if err != nil {
		return nil, err
	}
	for _, t := range schedule {
		if m.Violation() != nil {
			break
		}
		m.Step(t)
	}
	st := &MachineState{}
	vas := map[uint64]bool{}
	for _, t := range prog.CPUs {
		dense, err := m.CPUIndex(t.CPU)
		if err != nil {
			continue
		}
		tlb := TLB{CPU: t.CPU}
		for _, e := range m.MMU.TLB(dense) {
			tlb.Entries = append(tlb.Entries, fmt.Sprintf("%s %#x size %#x -> %#x", e.MM, e.VA, e.Size, e.Entry))
			vas[e.VA] = true
		}
		st.TLBs = append(st.TLBs, tlb)
	}
	for _, e := range trace {
		addresses(e.Text, vas)
	}
	addresses(msg, vas)
	sorted := make([]uint64, 0, len(vas))
	for va := range vas {
		sorted = append(sorted, va)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for _, mm := range m.MMU.MMNames() {
		for _, va := range sorted {
			if w := walk(m, mm, va); w != nil {
				st.Walks = append(st.Walks, *w)
			}
		}
	}
	return st, nil
}

// addresses adds the numbers in text that look like VAs: canonical (the
// top 16 bits all 0 or all 1) and page-aligned, which PTE values (flags in
// the low bits) and pfns are not.
func addresses(text string, vas map[uint64]bool) {
	for _, h := range hexRE.FindAllString(text, -1) {
		v, err := strconv.ParseUint(h, 0, 64)
		top := v >> 48
		if err == nil && v >= 0x1000 && v&0xfff == 0 && (top == 0 || top == 0xffff) {
			vas[v] = true
		}
	}
}

// walk is the walk of va in mm, nil unless it reaches past the top level
// (a VA that mm does not map at all is not one the violation is about).
func walk(m *vm.Machine, mm string, va uint64) *Walk {
	levels, err := m.MMU.Walk(mm, va)
	if err != nil || len(levels) < 2 {
		return nil
	}
	w := &Walk{MM: mm, VA: va}
	for _, l := range levels {
		w.Levels = append(w.Levels, strings.TrimRight(fmt.Sprintf("%-4s %-22s %#018x  %s", l.Name, m.MMU.ValueName(l.Entry), l.Value, l.Desc), " "))
	}
	return w
}
