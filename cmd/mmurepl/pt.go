package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

// :pt MM [VA]: with VA, the walk of VA level by level; without, every
// mapping of MM, runs of contiguous PTEs on one line.

func (s *Session) cmdPT(args []string) error {
	if len(args) == 0 || len(args) > 2 {
		return fmt.Errorf("usage: :pt MM [VA] (mms: %s)", strings.Join(s.cur.m.MMU.MMNames(), ", "))
	}
	if len(args) == 1 {
		return s.dumpMM(args[0])
	}
	va, err := s.evalArg(args[1])
	if err != nil {
		return err
	}
	m := s.cur.m.MMU
	levels, err := m.Walk(args[0], va)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "%s %#x:\n", args[0], va)
	for _, l := range levels {
		fmt.Fprintf(s.out, "  %-4s %-22s 0x%016x  %s\n", l.Name, m.ValueName(l.Entry), l.Value, s.paintDesc(l.Desc))
	}
	return nil
}

// paintDesc marks what is wrong in an entry's description.
func (s *Session) paintDesc(d string) string {
	if strings.Contains(d, "FREED") || strings.Contains(d, "pending") {
		return s.st.Apply(s.st.Bad, d)
	}
	return d
}

// levelShift is the VA shift of each level's index.
var levelShift = [...]uint{39, 30, 21, 12}

// dumpMM prints every present entry of mm's tables, depth first.
func (s *Session) dumpMM(mm string) error {
	m := s.cur.m.MMU
	levels, err := m.Walk(mm, 0)
	if err != nil {
		return err
	}
	if len(levels) == 0 {
		return errors.New("no pgd")
	}
	fmt.Fprintf(s.out, "%s:\n", mm)
	if n := s.dumpTable(m, mm, levels[0].Entry, 0, 0); n == 0 {
		fmt.Fprintln(s.out, "  (no entries)")
	}
	return nil
}

// dumpTable prints the entries of the table at base (level 0: pgd) whose
// VAs start with prefix; it returns how many it printed.
func (s *Session) dumpTable(m *mmu.Machine, mm string, base uint64, level int, prefix uint64) int {
	n := 0
	var run *pteRun
	flush := func() {
		if run != nil {
			s.printRun(run)
			run = nil
		}
	}
	for i := uint64(0); i < 512; i++ {
		v := m.Word(base + 8*i)
		if v == 0 {
			flush()
			continue
		}
		va := prefix | i<<levelShift[level]
		if level == 0 && i >= 256 {
			va |= 0xffff000000000000
		}
		desc := m.DescribeEntry(v, level)
		n++
		if level == 3 {
			if run == nil || !run.extend(v, desc) {
				flush()
				run = newRun(va, i, v, desc)
			}
			continue
		}
		indent := strings.Repeat("  ", level+1)
		fmt.Fprintf(s.out, "%s%s[%d] %#x  %#x  %s\n", indent, levelNames[level], i, va, v, s.paintDesc(desc))
		if strings.HasPrefix(desc, "table") {
			if walk, err := m.Walk(mm, va); err == nil && len(walk) > level+1 {
				s.dumpTable(m, mm, walk[level+1].Entry, level+1, va)
			}
		}
	}
	flush()
	return n
}

// pteRun is a run of PTEs mapping consecutive pfns with the same flags.
type pteRun struct {
	va, first, last uint64 // VA of the first; index range
	pfn, next       uint64
	flags           string
	value           uint64
}

var pfnRE = regexp.MustCompile(`pfn 0x[0-9a-f]+`)

func newRun(va, i, v uint64, desc string) *pteRun {
	pfn, flags := splitPfn(desc)
	return &pteRun{va: va, first: i, last: i, pfn: pfn, next: pfn + 1, flags: flags, value: v}
}

func (r *pteRun) extend(v uint64, desc string) bool {
	pfn, flags := splitPfn(desc)
	if flags != r.flags || pfn != r.next || pfn == 0 {
		return false
	}
	r.last++
	r.next++
	return true
}

// splitPfn takes the pfn out of an entry's description.
func splitPfn(desc string) (uint64, string) {
	loc := pfnRE.FindStringIndex(desc)
	if loc == nil {
		return 0, desc
	}
	pfn, _ := strconv.ParseUint(desc[loc[0]+4:loc[1]], 0, 64)
	return pfn, desc[:loc[0]] + "pfn" + desc[loc[1]:]
}

func (s *Session) printRun(r *pteRun) {
	indent := strings.Repeat("  ", 4)
	if r.first == r.last {
		fmt.Fprintf(s.out, "%spte[%d] %#x  %#x  %s\n", indent, r.first, r.va, r.value,
			s.paintDesc(strings.Replace(r.flags, "pfn", fmt.Sprintf("pfn %#x", r.pfn), 1)))
		return
	}
	count := r.last - r.first + 1
	desc := strings.Replace(r.flags, "pfn", fmt.Sprintf("pfn %#x-%#x", r.pfn, r.pfn+count-1), 1)
	fmt.Fprintf(s.out, "%spte[%d-%d] %#x-%#x  %s\n", indent, r.first, r.last, r.va, r.va+count*4096-1, s.paintDesc(desc))
}
