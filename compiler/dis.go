package compiler

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// Disassemble writes a readable listing of p to w: a header with the test's
// metadata and declarations, then the code of every proc, or only of the
// procs named proc when proc is not "". It does not assume p was validated:
// an operand out of range is shown as such rather than panicking.
func Disassemble(w io.Writer, p *vm.Program, proc string) (err error) {
	defer recoverAs("compiler.Disassemble", &err)
	if p == nil {
		return errors.New("disassemble: nil program")
	}
	procs, err := disSelect(p, proc)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w) // keeps the first write error for Flush
	d := &disassembler{w: bw, p: p, ext: mmubExtents(p)}
	d.width = d.operandWidth(procs)
	d.header()
	for _, i := range procs {
		fmt.Fprintln(bw)
		d.proc(i)
	}
	return bw.Flush()
}

// disSelect returns the indexes of the procs to list.
func disSelect(p *vm.Program, name string) ([]int, error) {
	var all, named []int
	for i, pr := range p.Procs {
		all = append(all, i)
		if pr.Name == name {
			named = append(named, i)
		}
	}
	if name == "" {
		return all, nil
	}
	if len(named) == 0 {
		known := make([]string, len(p.Procs))
		for i, pr := range p.Procs {
			known[i] = strconv.Quote(pr.Name)
		}
		return nil, fmt.Errorf("disassemble: unknown proc %q; known procs: %s", name, strings.Join(known, ", "))
	}
	return named, nil
}

type disassembler struct {
	w     *bufio.Writer
	p     *vm.Program
	ext   []mmubExtent
	width int // of the operand column
}

// Column widths. disOpWidth fits the longest op name; operands get the width
// of the widest one listed, up to disMaxOperand, beyond which aligning the
// positions is not worth the space.
const (
	disKeyWidth   = 8
	disOpWidth    = 12
	disMaxOperand = 32
)

// field writes one header line: a key column, then the value.
func (d *disassembler) field(key, value string) {
	fmt.Fprintln(d.w, strings.TrimRight(fmt.Sprintf("%-*s %s", disKeyWidth, key, value), " "))
}

// fieldIf writes a header line only for a non-empty list.
func (d *disassembler) fieldIf(key string, items []string) {
	if len(items) > 0 {
		d.field(key, strings.Join(items, ", "))
	}
}

func (d *disassembler) header() {
	p := d.p
	d.field("test", p.Name)
	d.field("file", p.File)
	d.field("arches", strings.Join(p.Arches, " "))
	if p.PageReuse {
		d.field("page_reuse", "on")
	}
	d.fieldIf("sources", disSources(p.Files))
	d.fieldIf("shared", disVars(p.Shared))
	d.fieldIf("task", disVars(p.Task))
	d.fieldIf("tables", p.Tables)
	d.fieldIf("mms", p.MMs)
	d.fieldIf("locks", disLocks(p.Locks))
	d.fieldIf("keys", disVars(p.Keys))
	d.fieldIf("builtins", p.Builtins)
	if p.Init != -1 {
		d.field("init", d.procName(p.Init))
	}
	d.threads("cpu", p.CPUs)
	d.threads("irq", p.IRQs)
	d.final()
	for _, x := range p.Expects {
		d.field("expect", d.expect(x))
	}
}

func disSources(files []vm.Source) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Name
	}
	return out
}

func disVars(vs []vm.Var) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprintf("%s%s = %#x", v.Name, disView(v.View), v.Init)
	}
	return out
}

// disView writes a shared word's view as its declaration does (": s32").
func disView(w vm.View) string {
	switch {
	case w.Name() != "":
		return ": " + w.Name()
	case w != (vm.View{}):
		return fmt.Sprintf(": <bad view %d bits>", w.Bits)
	}
	return ""
}

func disLocks(ls []vm.Lock) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		kind := fmt.Sprintf("kind %d", l.Kind)
		switch l.Kind {
		case vm.SpinLock:
			kind = "spinlock"
		case vm.RWSem:
			kind = "rwsem"
		}
		out[i] = fmt.Sprintf("%s (%s)", l.Name, kind)
	}
	return out
}

func (d *disassembler) threads(kind string, ts []vm.Thread) {
	for _, t := range ts {
		value := "proc " + d.procName(t.Proc)
		if t.Label != "" {
			value = fmt.Sprintf("label %s, %s", t.Label, value)
		}
		if t.Preemptible {
			value += ", preemptible"
		}
		d.field(fmt.Sprintf("%s %d", kind, t.CPU), value)
	}
}

func (d *disassembler) final() {
	f := d.p.Final
	if f == nil {
		return
	}
	kind := fmt.Sprintf("kind %d", f.Kind)
	if f.Kind <= vm.Forall {
		kind = f.Kind.String()
	}
	d.field("final", fmt.Sprintf("%s, proc %s", kind, d.procName(f.Proc)))
	for _, o := range f.Observed {
		d.field("observe", fmt.Sprintf("%s = %s", o.Label, d.observed(o)))
	}
}

func (d *disassembler) observed(o vm.Observed) string {
	if o.Thread == -1 {
		return "shared " + disVarName(d.p.Shared, o.Shared, "shared")
	}
	if o.Slot == vm.NeverAssigned {
		return "0 (never assigned)"
	}
	return d.register(o.Thread, o.Slot)
}

func (d *disassembler) expect(x vm.Expect) string {
	s := "ok"
	if !x.OK {
		s = "violation " + x.Kind
	}
	if x.Arch != "" {
		s = x.Arch + ": " + s
	}
	if pos := d.pos(x.Pos); pos != "" {
		s += "  (" + pos + ")"
	}
	return s
}

// proc lists one proc: a heading, its params and other locals, its code.
func (d *disassembler) proc(i int) {
	pr := d.p.Procs[i]
	heading := fmt.Sprintf("proc %s (#%d", pr.Name, i)
	if pos := d.pos(pr.Pos); pos != "" {
		heading += ", " + pos
	}
	fmt.Fprintln(d.w, heading+")")
	params, locals := disSplitLocals(pr)
	if len(params) > 0 {
		fmt.Fprintf(d.w, "  params: %s\n", strings.Join(params, ", "))
	}
	if len(locals) > 0 {
		fmt.Fprintf(d.w, "  locals: %s\n", strings.Join(locals, ", "))
	}
	d.code(i, pr)
}

// disSplitLocals separates the params (the first slots) from other locals,
// named as the instructions name them.
func disSplitLocals(pr vm.Proc) (params, locals []string) {
	n := min(max(pr.NParams, 0), len(pr.Locals))
	names := make([]string, len(pr.Locals))
	for i := range names {
		names[i] = disName(pr.Locals, i, "local")
	}
	return names[:n], names[n:]
}

// operandWidth returns the width of the operand column for the procs listed.
func (d *disassembler) operandWidth(procs []int) int {
	width := 0
	for _, i := range procs {
		start, end := d.extent(i)
		for pc := start; pc < end; pc++ {
			width = max(width, min(len(d.operand(d.p.Code[pc], d.p.Procs[i])), disMaxOperand))
		}
	}
	return width
}

// code lists the instructions of proc i, one a line, with the source
// position at the right whenever it changes.
func (d *disassembler) code(i int, pr vm.Proc) {
	start, end := d.extent(i)
	last := ""
	for pc := start; pc < end; pc++ {
		pos := ""
		if pc < len(d.p.Pos) {
			pos = d.pos(d.p.Pos[pc])
		}
		if pos == last {
			pos = ""
		} else {
			last = pos
		}
		in := d.p.Code[pc]
		line := fmt.Sprintf("  %04d  %-*s  %-*s  %s", pc, disOpWidth, in.Op, d.width, d.operand(in, pr), pos)
		fmt.Fprintln(d.w, strings.TrimRight(line, " "))
	}
}

// extent returns the code range of proc i (empty if it has none).
func (d *disassembler) extent(i int) (start, end int) {
	for _, x := range d.ext {
		if x.proc == i {
			return x.start, x.end
		}
	}
	return 0, 0
}

// operand renders an instruction's operand by the kind the op table gives.
func (d *disassembler) operand(in vm.Instr, pr vm.Proc) string {
	p := d.p
	_, _, _, kind, ok := in.Op.Info()
	if !ok {
		return fmt.Sprintf("%d, %d", in.A, in.B)
	}
	a := int(in.A)
	switch kind {
	case 'c':
		if mmubInRange(a, len(p.Consts)) {
			return fmt.Sprintf("%#x", p.Consts[a])
		}
		return disBad("const", a)
	case 'i':
		return strconv.Itoa(a)
	case 'l':
		return disName(pr.Locals, a, "local")
	case 's':
		return disVarName(p.Shared, a, "shared")
	case 't':
		return disVarName(p.Task, a, "task")
	case 'T':
		return disName(p.Tables, a, "table")
	case 'j':
		return fmt.Sprintf("-> %04d", a)
	case 'p':
		return d.procName(a)
	case 'b':
		return fmt.Sprintf("%s/%d", disName(p.Builtins, a, "builtin"), in.B)
	case 'S':
		if mmubInRange(a, len(p.Strings)) {
			return strconv.Quote(p.Strings[a])
		}
		return disBad("string", a)
	case 'P':
		return d.print(a, int(in.B))
	case 'r':
		return d.register(a, int(in.B))
	}
	return ""
}

// print renders a print template with {} for each value it consumes.
func (d *disassembler) print(i, values int) string {
	if !mmubInRange(i, len(d.p.Prints)) {
		return disBad("print", i)
	}
	var b strings.Builder
	for _, part := range d.p.Prints[i].Parts {
		if part.IsValue {
			b.WriteString("{}")
		} else {
			b.WriteString(part.Text)
		}
	}
	return fmt.Sprintf("%s/%d", strconv.Quote(b.String()), values)
}

// register renders local slot of CPU thread t, as the final condition sees it.
func (d *disassembler) register(t, slot int) string {
	if !mmubInRange(t, len(d.p.CPUs)) {
		return disBad("cpu thread", t)
	}
	th := d.p.CPUs[t]
	var locals []string
	if mmubInRange(th.Proc, len(d.p.Procs)) {
		locals = d.p.Procs[th.Proc].Locals
	}
	return fmt.Sprintf("cpu %d %s", th.CPU, disName(locals, slot, "register"))
}

func (d *disassembler) procName(i int) string {
	if !mmubInRange(i, len(d.p.Procs)) {
		return disBad("proc", i)
	}
	return d.p.Procs[i].Name
}

// pos renders a position as file:line, or "" when it is unknown. The file
// is its base name: full paths would swamp the listing, and the header's
// sources line lists them in full.
func (d *disassembler) pos(p vm.Pos) string {
	if p.Line <= 0 {
		return ""
	}
	file := "?"
	if mmubInRange(int(p.File), len(d.p.Files)) {
		file = filepath.Base(d.p.Files[p.File].Name)
	}
	return fmt.Sprintf("%s:%d", file, p.Line)
}

func disName(names []string, i int, what string) string {
	if !mmubInRange(i, len(names)) {
		return disBad(what, i)
	}
	if names[i] == "" {
		return fmt.Sprintf("%s#%d", what, i)
	}
	return names[i]
}

func disVarName(vs []vm.Var, i int, what string) string {
	if !mmubInRange(i, len(vs)) {
		return disBad(what, i)
	}
	return vs[i].Name
}

func disBad(what string, i int) string { return fmt.Sprintf("<bad %s %d>", what, i) }
