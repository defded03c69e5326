package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// Inspection commands: they read the live machine and change nothing.

// showThread prints one line about thread id: status and next step.
func (s *Session) showThread(id int) {
	if id < 0 {
		return
	}
	info := s.cur.m.Info(id)
	line := info.Name
	if info.Label != "" {
		line += " " + fmt.Sprintf("%q", info.Label)
	}
	switch {
	case info.Kind == vm.PreemptThread:
		line += fmt.Sprintf(" (resume on CPU %d, :preempt %d %d)", info.To, info.CPU, info.To)
	case info.RunsOn != info.CPU:
		line += fmt.Sprintf(" (runs on CPU %d)", info.RunsOn)
	}
	line += ": " + info.Status
	if info.Next != "" {
		line += fmt.Sprintf(", next %d: %s", info.Line, info.Next)
	}
	fmt.Fprintln(s.out, "  "+s.st.Apply(s.st.Dim, line))
}

// showThreads prints every cpu block and irq, IPIs pending, scheduling
// decisions and page-list drains not taken yet, and store buffers that
// hold stores.
func (s *Session) showThreads() {
	m := s.cur.m
	for i := 0; i < m.Threads(); i++ {
		info := m.Info(i)
		if (info.Kind == vm.PreemptThread && info.Status == "decided") || (info.Kind == vm.DrainThread && info.Status == "drained") ||
			(info.Kind == vm.FlushThread && info.Status == "empty") {
			continue
		}
		if info.Kind != vm.IPIThread || info.Status != "idle" {
			s.showThread(i)
		}
	}
}

func (s *Session) threadOrNone(kind vm.ThreadKind, cpu int) int {
	id, err := s.cur.m.ThreadOf(kind, cpu)
	if err != nil {
		return -1
	}
	return id
}

// cpus lists the script CPU numbers of the live machine.
func (s *Session) cpus() []int {
	m := s.cur.m
	var out []int
	for i := 0; i < m.Threads(); i++ {
		if info := m.Info(i); info.Kind == vm.IPIThread {
			out = append(out, info.CPU)
		}
	}
	return out
}

// cpuArgs resolves an optional CPU argument to a list of CPUs.
func (s *Session) cpuArgs(args []string) ([]int, error) {
	nums, err := ints(args, 1)
	if err != nil {
		return nil, err
	}
	if len(nums) == 0 {
		return s.cpus(), nil
	}
	if _, err := s.cur.m.CPUIndex(nums[0]); err != nil {
		return nil, err
	}
	return nums, nil
}

// value shows a word symbolically and in hex when they differ.
func (s *Session) value(v uint64) string {
	name := s.cur.m.MMU.ValueName(v)
	if strings.HasPrefix(name, "&") || name[0] >= 'a' && name[0] <= 'z' && !strings.HasPrefix(name, "0x") {
		return fmt.Sprintf("%s (%#x)", name, v)
	}
	return name
}

func (s *Session) cmdRegs(args []string) error {
	cpus, err := s.cpuArgs(args)
	if err != nil {
		return err
	}
	m := s.cur.m
	for i := 0; i < m.Threads(); i++ {
		info := m.Info(i)
		if info.Kind == vm.IPIThread || info.Kind == vm.PreemptThread || info.Kind == vm.DrainThread || !contains(cpus, info.CPU) {
			continue
		}
		s.showThread(i)
		var words []kv
		for _, r := range m.Registers(i) {
			words = append(words, kv{r.Name, r.Value})
		}
		s.showPairs(words)
	}
	s.showWords(cpus)
	if len(s.cur.scratch) > 0 {
		fmt.Fprintln(s.out, "  prompt locals:")
		var words []kv
		for _, n := range sortedKeys(s.cur.scratch) {
			words = append(words, kv{n, s.cur.scratch[n]})
		}
		s.showPairs(words)
	}
	return nil
}

// showPairs prints names and values in two aligned columns.
func (s *Session) showPairs(words []kv) {
	width := 12
	for _, w := range words {
		width = max(width, len(w.name))
	}
	for _, w := range words {
		fmt.Fprintf(s.out, "    %-*s %s\n", width, w.name, s.value(w.value))
	}
}

// showWords prints the shared words and the task words of cpus.
func (s *Session) showWords(cpus []int) {
	m, p := s.cur.m, s.cur.prog
	if len(p.Shared) > 0 {
		fmt.Fprintln(s.out, "  shared:")
		var words []kv
		for i, v := range p.Shared {
			words = append(words, kv{v.Name, m.MMU.Word(m.MMU.SharedAddr(i))})
		}
		s.showPairs(words)
	}
	for _, c := range cpus {
		if len(p.Task) == 0 {
			break
		}
		fmt.Fprintf(s.out, "  task words of CPU %d:\n", c)
		dense, _ := m.CPUIndex(c)
		var words []kv
		for i, v := range p.Task {
			words = append(words, kv{v.Name, m.MMU.Word(m.MMU.TaskAddr(dense, i))})
		}
		s.showPairs(words)
	}
}

func (s *Session) cmdTrace(args []string) error {
	if len(args) > 1 || len(args) == 1 && args[0] != "all" {
		return errors.New("usage: :trace [all]")
	}
	s.writeTrace(len(args) == 1)
	return nil
}

// writeTrace prints the steps taken so far, statements typed at the
// prompt included, as the CPU-column table: runs of like rows folded
// (vm.WriteTrace), unless all.
func (s *Session) writeTrace(all bool) {
	m := s.cur.m
	var names, labels []string
	for i := 0; i < m.Threads(); i++ {
		names = append(names, m.ThreadName(i))
		labels = append(labels, m.Info(i).Label)
	}
	var evs []vm.Event
	notes := s.cur.notes
	for _, e := range m.Events() {
		for len(notes) > 0 && notes[0].Step < e.Step {
			evs, notes = append(evs, notes[0]), notes[1:]
		}
		evs = append(evs, e)
	}
	evs = append(evs, notes...)
	if len(evs) == 0 {
		s.note("no steps taken yet")
		return
	}
	st := s.st
	st.AllRows = all
	vm.WriteTrace(s.out, s.cur.prog, names, labels, evs, st)
}

func (s *Session) cmdTLB(args []string) error {
	cpus, err := s.cpuArgs(args)
	if err != nil {
		return err
	}
	m := s.cur.m
	for _, c := range cpus {
		dense, _ := m.CPUIndex(c)
		tlb := m.MMU.TLB(dense)
		if len(tlb) == 0 {
			fmt.Fprintf(s.out, "CPU %d: empty\n", c)
			continue
		}
		fmt.Fprintf(s.out, "CPU %d:\n", c)
		for _, e := range tlb {
			fmt.Fprintf(s.out, "  %-8s 0x%016x %-3s %#x  %s\n", e.MM, e.VA, sizeName(e.Size), e.Entry,
				m.MMU.DescribeEntry(e.Entry, levelOfSize(e.Size)))
		}
	}
	return nil
}

func sizeName(size uint64) string {
	switch size {
	case 1 << 30:
		return "1G"
	case 2 << 20:
		return "2M"
	case 4 << 10:
		return "4K"
	}
	return fmt.Sprint(size)
}

// levelOfSize is the table level whose entry maps size bytes.
func levelOfSize(size uint64) int {
	switch size {
	case 1 << 30:
		return 1
	case 2 << 20:
		return 2
	}
	return 3
}

func (s *Session) cmdLazy(args []string) error {
	cpus, err := s.cpuArgs(args)
	if err != nil {
		return err
	}
	m := s.cur.m
	for _, c := range cpus {
		dense, _ := m.CPUIndex(c)
		l := m.MMU.Lazy(dense)
		fmt.Fprintf(s.out, "CPU %d: arch lazy %s, %s, IRQs %s, rcu depth %d, dsb %d\n", c,
			onOff(l.Entered, "entered", "not entered"), onOff(l.InIRQ, "in an interrupt", "not in an interrupt"),
			onOff(l.IRQsOff, "off", "on"), l.RCUDepth, l.DSBs)
		if len(l.Pending) > 0 {
			var p []string
			for _, a := range l.Pending {
				p = append(p, m.MMU.ValueName(a))
			}
			fmt.Fprintf(s.out, "  barriers pending for: %s\n", strings.Join(p, ", "))
		}
		for _, q := range l.Queued {
			fmt.Fprintf(s.out, "  queued write: %s = %#x  %s\n", m.MMU.ValueName(q[0]), q[1], m.MMU.DescribeEntry(q[1], 3))
		}
	}
	return nil
}

func onOff(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

func sortedKeys(m map[string]uint64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// levelNames name the table levels, pgd first.
var levelNames = [...]string{"pgd", "pud", "pmd", "pte"}
