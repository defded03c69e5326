package vm

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

// Event is one row of a trace: a visible step (or a part of one) by a thread.
type Event struct {
	Step   int    // the execution's step number (from 1)
	Thread int    // thread index
	Pos    Pos    // source position (File -1 when none)
	Text   string // what happened, with values read and written
}

func (m *Machine) event(t *thread, pc int, text string) {
	if !m.tracing || t == nil || t.id < 0 {
		return
	}
	p := Pos{File: -1}
	if pc >= 0 {
		p = m.prog.Pos[pc]
	}
	m.events = append(m.events, Event{Step: m.steps, Thread: t.id, Pos: p, Text: text})
}

// describeCall renders a builtin call with symbolic arguments.
func (m *Machine) describeCall(bi *mmu.Builtin, args []uint64, v uint64, result string) string {
	name := bi.Name
	var b strings.Builder
	b.WriteString(name)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.MMU.ValueName(a))
	}
	b.WriteByte(')')
	switch result {
	case "= ":
		if !bi.Void {
			b.WriteString(" = " + m.MMU.ValueName(v))
		}
	default:
		b.WriteString(" " + result)
	}
	return b.String()
}

// fail records the execution's violation (the first one wins).
func (m *Machine) fail(t *thread, kind, msg string) {
	if m.violation != nil {
		return
	}
	v := &Violation{Kind: kind, Msg: msg, Thread: -1, Step: m.steps, Pos: Pos{File: -1}}
	if t != nil {
		v.Thread = t.id
		if t.id >= 0 && t.pc < len(m.prog.Pos) && t.kind != FlushThread { // a flush runs no code of the script
			v.Pos = m.prog.Pos[t.pc]
		}
	}
	m.violation = v
}

// waitingFor says what a stuck thread waits for, for deadlock reports.
func (m *Machine) waitingFor(t *thread) string {
	in := m.prog.Code[t.pc]
	where := ""
	if in.Op == OpBuiltin {
		where = " in " + m.builtins[in.A].Name + "()"
	}
	line := ""
	if p := m.prog.Pos[t.pc]; p.File >= 0 {
		line = fmt.Sprintf(" at line %d", p.Line)
	}
	switch {
	case t.status == notStarted:
		return fmt.Sprintf("%s never found its CPU with IRQs on", t.name)
	case m.MMU.InIRQ(t.cpu) && t.kind == TaskThread:
		return fmt.Sprintf("%s is interrupted", t.name)
	}
	return fmt.Sprintf("%s waits%s%s", t.name, where, line)
}

// posString renders a position as file:line:col.
func (m *Machine) posString(p Pos) string {
	if p.File < 0 || int(p.File) >= len(m.prog.Files) {
		return m.prog.File
	}
	return fmt.Sprintf("%s:%d:%d", m.prog.Files[p.File].Name, p.Line, p.Col)
}
