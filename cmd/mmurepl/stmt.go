package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm"
)

// A bare statement typed at the prompt is compiled as the body of a proc
// without parameters, `proc __repl_N() { … }`, added to the live program,
// and run at once on the current CPU with Machine.RunOn.
//
// Locals do not live in procs between calls, so the REPL carries them in:
// the proc starts with `name = value` for every local assigned at the
// prompt (the scratch) and then every register of the CPU's block (they
// win), so `pud_offset(pgdp, VA)` works after CPU 0 has computed pgdp.
// An assignment to a register of the CPU's block changes nothing on the
// CPU: it prints the value. Values are taken when the statement runs and
// taken again on a replay (see Session.build).

type stmtMode uint8

const (
	modePlain  stmtMode = iota // statements: report only a block or violation
	modeValue                  // an expression: print its value
	modeAssign                 // local = e: print it, keep it in the scratch
)

// stmt is a bare statement as typed, with how it is wrapped.
type stmt struct {
	text    string
	line    int // input line it starts at
	mode    stmtMode
	target  string // modeAssign: the local
	proc    string
	prelude prelude
	returns bool // the text has its own return
}

// prelude is the locals carried into a statement, in order.
type prelude []kv

type kv struct {
	name  string
	value uint64
}

func (p prelude) equal(q prelude) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// without drops the names a local may not take (declared since).
func (p prelude) without(declared map[string]bool) prelude {
	var out prelude
	for _, e := range p {
		if !declared[e.name] {
			out = append(out, e)
		}
	}
	return out
}

// done is what a plain statement returns when it ran to its end. RunOn
// reports a wait as an error, but a thread it left blocked some other way
// would hand back whatever is on its stack: this tells the two apart.
const done = 0x7265706c5f646f6e

// chunks is the statement's proc as source: header and carried locals,
// the text as typed (its lines keep their input line numbers), the end.
func (s *stmt) chunks() []chunk {
	var head strings.Builder
	fmt.Fprintf(&head, "proc %s() {\n", s.proc)
	for _, e := range s.prelude {
		fmt.Fprintf(&head, "%s = %#x\n", e.name, e.value)
	}
	text, tail := s.text+"\n", ""
	switch s.mode {
	case modeValue:
		head.WriteString("__repl_value = (\n")
		tail = ")\nreturn __repl_value\n"
	case modeAssign:
		tail = "return " + s.target + "\n"
	default:
		if !s.returns {
			tail = fmt.Sprintf("return %#x\n", uint64(done))
		}
	}
	return []chunk{
		{head.String(), "<prompt>", 1},
		{text, inputName, s.line},
		{tail + "}\n", "<prompt>", 1},
	}
}

// classify decides how a statement is wrapped from its parse: a lone call
// or anything that only parses as an expression gives its value, a lone
// assignment to a local prints it, the rest runs plain.
func classify(text string, declared map[string]bool) (stmtMode, string, bool, error) {
	src := "proc __repl() {\n" + text + "\n}\n"
	f, err := lang.Parse(inputName, []byte(src))
	if err != nil {
		if _, e2 := lang.Parse(inputName, []byte("proc __repl() {\n__repl_value = (\n"+text+"\n)\n}\n")); e2 == nil {
			return modeValue, "", false, nil
		}
		return 0, "", false, err
	}
	body := f.Items[0].(*lang.ProcItem).Body
	returns := false
	lang.WalkBlock(body, func(s lang.Stmt) {
		_, r := s.(*lang.ReturnStmt)
		returns = returns || r
	})
	if len(body.Stmts) == 1 {
		switch st := body.Stmts[0].(type) {
		case *lang.ExprStmt:
			if call, ok := st.Call.(*lang.Call); ok && (call.Name == "print" || isVoidBuiltin(call.Name)) {
				return modePlain, "", false, nil
			}
			return modeValue, "", false, nil
		case *lang.AssignStmt:
			if !declared[st.Name] {
				return modeAssign, st.Name, false, nil
			}
		}
	}
	return modePlain, "", returns, nil
}

// prelude gathers the locals carried into a statement on cpu: the
// scratch, then the registers of the CPU's block.
func (st *state) prelude(cpu int, declared map[string]bool) prelude {
	seen := map[string]int{}
	var out prelude
	put := func(name string, v uint64) {
		if declared[name] || strings.HasPrefix(name, "__repl") {
			return
		}
		if i, ok := seen[name]; ok {
			out[i].value = v
			return
		}
		seen[name] = len(out)
		out = append(out, kv{name, v})
	}
	names := make([]string, 0, len(st.scratch))
	for n := range st.scratch {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		put(n, st.scratch[n])
	}
	for _, r := range st.registers(cpu) {
		put(r.Name, r.Value)
	}
	return out
}

// registers returns the registers of script CPU cpu's block (none for a
// CPU without one).
func (st *state) registers(cpu int) []vm.Register {
	id, err := st.m.ThreadOf(vm.TaskThread, cpu)
	if err != nil {
		return nil
	}
	return st.m.Registers(id)
}

func (st *state) isRegister(cpu int, name string) bool {
	for _, r := range st.registers(cpu) {
		if r.Name == name {
			return true
		}
	}
	return false
}

// stmtResult is what running a statement did.
type stmtResult struct {
	value     uint64
	show      string // what to print ("" for nothing)
	violation *vm.Violation
	blocked   bool
}

// runStmt runs a logged statement on the machine, updates the scratch and
// notes it for :trace.
func (st *state) runStmt(a *action) *stmtResult {
	s := a.stmt
	proc := -1
	for i, p := range st.prog.Procs {
		if p.Name == s.proc {
			proc = i
		}
	}
	v, viol := st.m.RunOn(a.cpu, proc)
	r := &stmtResult{value: v, violation: viol}
	name := st.m.MMU.ValueName(v)
	val := name
	if name != fmt.Sprint(v) && name != fmt.Sprintf("%#x", v) {
		val = fmt.Sprintf("%s (%#x)", name, v)
	}
	switch {
	case viol != nil:
	case s.mode == modeValue, s.returns:
		r.show = "= " + val
	case s.mode == modeAssign && st.isRegister(a.cpu, s.target):
		r.show = fmt.Sprintf("%s = %s (CPU %d's register %s is not changed)", s.target, val, a.cpu, s.target)
	case s.mode == modeAssign:
		st.scratch[s.target] = v
		r.show = fmt.Sprintf("%s = %s", s.target, val)
	case v != done:
		r.blocked = true
	}
	st.noteStmt(a, r)
	return r
}

// noteStmt adds a row for the statement to the trace, in its CPU's column.
func (st *state) noteStmt(a *action, r *stmtResult) {
	id, err := st.m.ThreadOf(vm.TaskThread, a.cpu)
	if err != nil {
		return
	}
	text := "prompt: " + strings.Join(strings.Fields(a.stmt.text), " ")
	switch {
	case r.violation != nil:
		text += " → " + r.violation.Kind
	case r.blocked:
		text += " → blocked"
	case r.show != "" && a.stmt.mode == modeValue:
		text += " → " + strings.TrimPrefix(r.show, "= ")
	}
	st.notes = append(st.notes, vm.Event{Step: st.m.Steps(), Thread: id, Pos: vm.Pos{File: -1}, Text: text})
}

// runStatement compiles and runs a statement typed at the prompt.
func (s *Session) runStatement(text string, line int) error {
	declared := declaredSet(s.cur.src)
	mode, target, returns, err := classify(text, declared)
	if err != nil {
		return relocateBy(err, line-2)
	}
	s.nextStmt++
	st := &stmt{text: text, line: line, mode: mode, target: target, returns: returns,
		proc: fmt.Sprintf("__repl_%d", s.nextStmt)}
	st.prelude = s.cur.prelude(s.cpu, declared)
	log := append(cloneLog(s.cur.log), action{kind: actStmt, cpu: s.cpu, stmt: st})
	next, err := s.build(s.cur.src, s.cur.arch, log)
	if err != nil && mode == modeValue {
		// A lone call of a void builtin has no value: run it plain.
		st.mode = modePlain
		next, err = s.build(s.cur.src, s.cur.arch, log)
	}
	if err != nil {
		return err
	}
	s.install(next)
	s.showStmt(next.last)
	return nil
}

// showStmt prints a statement's outcome.
func (s *Session) showStmt(r *stmtResult) {
	switch {
	case r == nil:
	case r.violation != nil:
		s.showViolation(r.violation, s.cur.prog)
		if msg := r.violation.Msg; strings.Contains(msg, "must wait") || strings.Contains(msg, "loops forever") {
			s.note("(a statement at the prompt runs at once: it cannot wait for another CPU; what it did before stays done)")
		}
	case r.blocked:
		s.note("the statement blocked (it waits for another CPU); what it did before that stays done")
	case r.show != "":
		fmt.Fprintln(s.out, r.show)
	}
}

// relocateBy moves a parse error of text parsed on its own (or wrapped)
// by offset lines, to the input line it was typed on.
func relocateBy(err error, offset int) error {
	le, ok := err.(*lang.Error)
	if !ok || le.Pos.File != inputName {
		return err
	}
	e := *le
	e.Pos.Line = max(1, le.Pos.Line+offset)
	return &e
}

func isVoidBuiltin(name string) bool {
	b := mmu.Builtins().Lookup(name)
	return b != nil && b.Void
}

// builtinNames lists the standard builtins (a local may not take them).
func builtinNames() []string { return mmu.Builtins().Names() }
