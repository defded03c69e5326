package mmu

import (
	"fmt"
	"sort"
	"strings"
)

// Inspection for people (the REPL) and tools: nothing here is a step or
// recorded in a footprint.

// Level is one level of a page-table walk.
type Level struct {
	Name  string // pgd, pud, pmd, pte
	Entry uint64 // address of the entry
	Value uint64
	Desc  string // decoded
}

// Walk describes the software walk of va in mm (by name), level by level,
// stopping at a leaf or an entry that is not present.
func (m *Machine) Walk(mmName string, va uint64) ([]Level, error) {
	mm := -1
	for i, s := range m.mms {
		if s.name == mmName {
			mm = i
		}
	}
	if mm < 0 {
		return nil, fmt.Errorf("no mm called %s", mmName)
	}
	if isKernelVA(va) {
		mm = 0
	}
	var out []Level
	t := m.mms[mm].pgd
	for level := 0; level < 4; level++ {
		addr := t + 8*tableIndex(va, level)
		v := m.S.Peek(Loc(addr))
		l := Level{Name: levelNames[level], Entry: addr, Value: v, Desc: m.DescribeEntry(v, level)}
		if m.S.Peek(pendLoc(addr)) != 0 {
			l.Desc += " (barriers pending: the walker cannot see it yet)"
		}
		if w := m.S.Peek(pageLoc(addr >> 12)); w&3 == pageFreed {
			l.Desc += " (in a FREED table page)"
		}
		out = append(out, l)
		if level < 3 && m.isTable(v) {
			t = m.entryTable(v)
			continue
		}
		break
	}
	return out, nil
}

// DescribeEntry decodes an entry of the given level (3: pte).
func (m *Machine) DescribeEntry(v uint64, level int) string {
	if v == 0 {
		return "none"
	}
	e := m.enc
	if !m.present(v) {
		return fmt.Sprintf("not present (%#x)", v)
	}
	var f []string
	switch {
	case level < 3 && m.isTable(v):
		f = append(f, "table")
	case level < 3:
		f = append(f, "block")
	}
	f = append(f, fmt.Sprintf("pfn %#x", m.entryPfn(v)))
	if v&e.User != 0 {
		f = append(f, "user")
	} else {
		f = append(f, "kernel")
	}
	if v&e.Write != 0 {
		f = append(f, "write")
	}
	if v&e.Young != 0 {
		f = append(f, "young")
	}
	if m.dirty(v) {
		f = append(f, "dirty")
	}
	if m.cont(v) {
		f = append(f, "cont")
	}
	if w := m.S.Peek(pageLoc(m.entryPfn(v))); w&3 == pageFreed {
		f = append(f, "-> FREED page")
	}
	return strings.Join(f, " ")
}

// TLBEntry is a cached translation.
type TLBEntry struct {
	MM    string
	VA    uint64
	Size  uint64
	Entry uint64
}

// TLB lists cpu's cached translations, sorted by mm and address.
func (m *Machine) TLB(cpu int) []TLBEntry {
	var out []TLBEntry
	m.S.Range(tagTLB, func(l Loc, v uint64) {
		c, mm, lvl := int(l>>48&0xff), int(l>>40&0xff), int(l>>36&0xf)
		if c != cpu || lvl == 15 || mm >= len(m.mms) {
			return
		}
		size := uint64(PageSize) << (9 * uint(lvl))
		va := uint64(l&(1<<36-1)) << (12 + 9*uint(lvl))
		if mm == 0 && va&(1<<47) != 0 {
			va |= 0xffff000000000000
		}
		out = append(out, TLBEntry{MM: m.mms[mm].name, VA: va, Size: size, Entry: v})
	})
	sort.Slice(out, func(i, j int) bool {
		if out[i].MM != out[j].MM {
			return out[i].MM < out[j].MM
		}
		return out[i].VA < out[j].VA
	})
	return out
}

// LazyState is a CPU's lazy MMU state.
type LazyState struct {
	Entered  bool     // arch_enter_lazy_mmu_mode() without leave (ghost state)
	InIRQ    bool     // an interrupt runs: lazy mode is not active for the arch
	Pending  []uint64 // arm64: kernel PTEs written and not yet barriered
	Queued   [][2]uint64
	DSBs     uint64
	IRQsOff  bool
	RCUDepth uint64
}

// Lazy reports cpu's lazy MMU state, pending barriers and queued writes.
func (m *Machine) Lazy(cpu int) LazyState {
	s := LazyState{
		Entered:  m.S.Peek(cpuLoc(cpu, cpuLazy)) != 0,
		InIRQ:    m.S.Peek(cpuLoc(cpu, cpuInIRQ)) != 0,
		DSBs:     m.S.Peek(cpuLoc(cpu, cpuDSB)),
		IRQsOff:  m.S.Peek(cpuLoc(cpu, cpuIRQOff)) != 0,
		RCUDepth: m.S.Peek(cpuLoc(cpu, cpuRCU)),
	}
	for i := 0; i < int(m.S.Peek(cpuLoc(cpu, cpuPendLen))); i++ {
		s.Pending = append(s.Pending, m.S.Peek(pendListLoc(cpu, i)))
	}
	for i := 0; i < int(m.S.Peek(cpuLoc(cpu, cpuQueueLen))); i++ {
		s.Queued = append(s.Queued, [2]uint64{m.S.Peek(queueLoc(cpu, i, 0)), m.S.Peek(queueLoc(cpu, i, 1))})
	}
	return s
}

// MMNames lists the mms, init_mm first.
func (m *Machine) MMNames() []string {
	var out []string
	for _, s := range m.mms {
		out = append(out, s.name)
	}
	return out
}

// Word reads a memory word without recording it.
func (m *Machine) Word(addr uint64) uint64 { return m.S.Peek(Loc(addr)) }
