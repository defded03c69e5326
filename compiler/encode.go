package compiler

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"

	"github.com/mmuvm/mmuvm/vm"
)

// The .mmub format is a compiled vm.Program on disk:
//
//	magic    "MMUB"
//	version  uint16, little-endian (MMUBVersion)
//	body     every field of the Program, in the order of mmubEncoder.program
//	crc      CRC-32 (IEEE) of magic, version and body; uint32, little-endian
//
// In the body, unsigned numbers (counts, lengths, consts, B operands, kinds,
// booleans) are unsigned varints; Go ints and int32s are zigzag varints,
// because some are legitimately negative (Init, Observed.Thread) and the
// decoder must see a bad negative value to reject it rather than a huge
// unsigned one. A string is its length then its bytes; a slice is its count
// then its elements; Final is a presence flag (0 or 1) then its fields.
//
// Change MMUBVersion whenever the layout changes: old files are then refused
// with a message that says which version they are, instead of being misread.

// MMUBVersion is the .mmub format version this build writes and reads.
const MMUBVersion = 5

const mmubMagic = "MMUB"

// mmubHeader is the size of magic plus version; mmubTrailer the checksum's.
const (
	mmubHeader  = len(mmubMagic) + 2
	mmubTrailer = 4
)

// Encode serialises p (which must not be nil) in the .mmub format. It does
// not validate p: Decode does, so a bad program cannot be loaded back.
func Encode(p *vm.Program) []byte {
	e := &mmubEncoder{buf: make([]byte, 0, 512)}
	e.buf = append(e.buf, mmubMagic...)
	e.buf = binary.LittleEndian.AppendUint16(e.buf, MMUBVersion)
	e.program(p)
	return binary.LittleEndian.AppendUint32(e.buf, crc32.ChecksumIEEE(e.buf))
}

// Decode parses and validates a .mmub file. It never panics and never
// allocates much more than len(data) on hostile input: every count is checked
// against the bytes left before anything is allocated, and the decoded
// program is checked so that the VM can index with its operands unguarded.
func Decode(data []byte) (p *vm.Program, err error) {
	defer func() {
		if err != nil {
			p = nil
		}
	}()
	defer recoverAs("compiler.Decode", &err)
	body, err := mmubBody(data)
	if err != nil {
		return nil, err
	}
	d := &mmubDecoder{data: body}
	p = d.program()
	if d.err == nil && d.off != len(body) {
		d.fail("%d stray bytes after the program", len(body)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := mmubValidate(p); err != nil {
		return nil, err
	}
	return p, nil
}

// mmubBody checks the envelope (magic, version, checksum) and returns the
// body. The version is checked before the checksum so that a file from
// another version gets a useful message rather than "checksum mismatch".
func mmubBody(data []byte) ([]byte, error) {
	if len(data) < len(mmubMagic) || string(data[:len(mmubMagic)]) != mmubMagic {
		return nil, fmt.Errorf("corrupt .mmub: bad magic %q, want %q", data[:min(len(data), len(mmubMagic))], mmubMagic)
	}
	if len(data) < mmubHeader {
		return nil, fmt.Errorf("corrupt .mmub: truncated header (%d bytes)", len(data))
	}
	if v := binary.LittleEndian.Uint16(data[len(mmubMagic):]); v != MMUBVersion {
		return nil, fmt.Errorf("unsupported .mmub format version %d: this build reads version %d (recompile the .mmu source)", v, MMUBVersion)
	}
	if len(data) < mmubHeader+mmubTrailer {
		return nil, fmt.Errorf("corrupt .mmub: truncated, no room for the checksum (%d bytes)", len(data))
	}
	end := len(data) - mmubTrailer
	if crc32.ChecksumIEEE(data[:end]) != binary.LittleEndian.Uint32(data[end:]) {
		return nil, fmt.Errorf("corrupt .mmub: checksum mismatch")
	}
	return data[mmubHeader:end], nil
}

// ---- encoding ----

type mmubEncoder struct{ buf []byte }

func (e *mmubEncoder) putUint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *mmubEncoder) putInt(v int)     { e.buf = binary.AppendVarint(e.buf, int64(v)) }
func (e *mmubEncoder) putInt32(v int32) { e.buf = binary.AppendVarint(e.buf, int64(v)) }

func (e *mmubEncoder) putBool(v bool) {
	if v {
		e.putUint(1)
	} else {
		e.putUint(0)
	}
}

func (e *mmubEncoder) putStr(s string) {
	e.putUint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *mmubEncoder) putStrs(ss []string) { mmubPutSlice(e, ss, (*mmubEncoder).putStr) }

// mmubPutSlice writes a count, then each element with put.
func mmubPutSlice[T any](e *mmubEncoder, s []T, put func(*mmubEncoder, T)) {
	e.putUint(uint64(len(s)))
	for _, x := range s {
		put(e, x)
	}
}

// program fixes the order of the fields; mmubDecoder.program mirrors it.
func (e *mmubEncoder) program(p *vm.Program) {
	e.putStr(p.Name)
	e.putStr(p.File)
	e.putStrs(p.Arches)
	e.putStr(p.Model)
	mmubPutSlice(e, p.Code, (*mmubEncoder).instr)
	mmubPutSlice(e, p.Pos, (*mmubEncoder).pos)
	mmubPutSlice(e, p.Consts, (*mmubEncoder).putUint)
	e.putStrs(p.Strings)
	mmubPutSlice(e, p.Prints, (*mmubEncoder).print)
	e.putStrs(p.Builtins)
	mmubPutSlice(e, p.Procs, (*mmubEncoder).proc)
	mmubPutSlice(e, p.Shared, (*mmubEncoder).variable)
	mmubPutSlice(e, p.Task, (*mmubEncoder).variable)
	e.putStrs(p.Tables)
	e.putStrs(p.MMs)
	mmubPutSlice(e, p.Locks, (*mmubEncoder).lock)
	mmubPutSlice(e, p.Keys, (*mmubEncoder).variable)
	e.putInt(p.Init)
	mmubPutSlice(e, p.CPUs, (*mmubEncoder).thread)
	mmubPutSlice(e, p.IRQs, (*mmubEncoder).thread)
	e.final(p.Final)
	mmubPutSlice(e, p.Expects, (*mmubEncoder).expect)
	e.putBool(p.PageReuse)
	e.pos(p.PageReuseAt)
	mmubPutSlice(e, p.Files, (*mmubEncoder).source)
}

func (e *mmubEncoder) instr(in vm.Instr) {
	e.putUint(uint64(in.Op))
	e.putUint(uint64(in.B))
	e.putInt32(in.A)
}

func (e *mmubEncoder) pos(p vm.Pos) {
	e.putInt32(p.File)
	e.putInt32(p.Line)
	e.putInt32(p.Col)
}

func (e *mmubEncoder) print(p vm.Print) { mmubPutSlice(e, p.Parts, (*mmubEncoder).printPart) }

func (e *mmubEncoder) printPart(pp vm.PrintPart) {
	e.putStr(pp.Text)
	e.putBool(pp.IsValue)
}

func (e *mmubEncoder) proc(pr vm.Proc) {
	e.putStr(pr.Name)
	e.putInt(pr.Entry)
	e.putInt(pr.NParams)
	e.putStrs(pr.Locals)
	e.pos(pr.Pos)
}

func (e *mmubEncoder) variable(v vm.Var) {
	e.putStr(v.Name)
	e.putUint(v.Init)
	e.putUint(uint64(v.View.Bits))
	e.putBool(v.View.Signed)
}

func (e *mmubEncoder) lock(l vm.Lock) {
	e.putStr(l.Name)
	e.putUint(uint64(l.Kind))
}

func (e *mmubEncoder) thread(t vm.Thread) {
	e.putInt(t.CPU)
	e.putStr(t.Label)
	e.putInt(t.Proc)
	e.putBool(t.Preemptible)
}

func (e *mmubEncoder) final(f *vm.Final) {
	e.putBool(f != nil)
	if f == nil {
		return
	}
	e.putUint(uint64(f.Kind))
	e.putInt(f.Proc)
	mmubPutSlice(e, f.Observed, (*mmubEncoder).observed)
	e.putInt(f.Filter)
}

func (e *mmubEncoder) observed(o vm.Observed) {
	e.putStr(o.Label)
	e.putInt(o.Thread)
	e.putInt(o.Slot)
	e.putInt(o.Shared)
}

func (e *mmubEncoder) expect(x vm.Expect) {
	e.putStr(x.Arch)
	e.putBool(x.OK)
	e.putStr(x.Kind)
	e.pos(x.Pos)
}

func (e *mmubEncoder) source(s vm.Source) {
	e.putStr(s.Name)
	e.putStr(s.Text)
}

// ---- decoding ----

// The smallest encoding of one element of each slice: a count n is refused
// unless n*size bytes are left, which bounds allocation by the input size.
// Each is the size of the element's zero value (TestMMUBMinSizes checks).
const (
	mmubMinStr       = 1 // length
	mmubMinUint      = 1
	mmubMinInstr     = 3 // op, B, A
	mmubMinPos       = 3 // file, line, col
	mmubMinPrint     = 1 // parts count
	mmubMinPrintPart = 2 // text, flag
	mmubMinProc      = 4 + mmubMinPos
	mmubMinVar       = 4
	mmubMinLock      = 2
	mmubMinThread    = 4
	mmubMinObserved  = 4
	mmubMinExpect    = 3 + mmubMinPos
	mmubMinSource    = 2
)

// mmubDecoder reads the body. The first error sticks: later reads return zero
// values, so the field-by-field code needs no error checks of its own.
type mmubDecoder struct {
	data []byte
	off  int
	err  error
}

func (d *mmubDecoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("corrupt .mmub: "+format, args...)
	}
}

func (d *mmubDecoder) left() int { return len(d.data) - d.off }

// varintErr reports why binary.(U)varint returned n <= 0.
func (d *mmubDecoder) varintErr(what string, n int) {
	if n == 0 {
		d.fail("truncated reading %s at offset %d", what, mmubHeader+d.off)
	} else {
		d.fail("%s at offset %d overflows 64 bits", what, mmubHeader+d.off)
	}
}

func (d *mmubDecoder) getUint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.varintErr(what, n)
		return 0
	}
	d.off += n
	return v
}

func (d *mmubDecoder) getInt64(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 {
		d.varintErr(what, n)
		return 0
	}
	d.off += n
	return v
}

// getInt reads a Go int; on 32-bit hosts a value may not fit.
func (d *mmubDecoder) getInt(what string) int {
	v := d.getInt64(what)
	if int64(int(v)) != v {
		d.fail("%s %d does not fit in an int", what, v)
		return 0
	}
	return int(v)
}

func (d *mmubDecoder) getInt32(what string) int32 {
	v := d.getInt64(what)
	if v < math.MinInt32 || v > math.MaxInt32 {
		d.fail("%s %d does not fit in 32 bits", what, v)
		return 0
	}
	return int32(v)
}

// getSmall reads an unsigned varint that must be at most limit.
func (d *mmubDecoder) getSmall(what string, limit uint64) uint64 {
	v := d.getUint(what)
	if v > limit {
		d.fail("%s %d exceeds %d", what, v, limit)
		return 0
	}
	return v
}

func (d *mmubDecoder) getBool(what string) bool { return d.getSmall(what, 1) == 1 }

func (d *mmubDecoder) getStr(what string) string {
	n := d.getUint(what + " length")
	if d.err != nil {
		return ""
	}
	if n > uint64(d.left()) {
		d.fail("%s length %d exceeds the %d bytes left", what, n, d.left())
		return ""
	}
	s := string(d.data[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}

func (d *mmubDecoder) getStrs(what string) []string {
	return mmubGetSlice(d, what, mmubMinStr, func(d *mmubDecoder) string { return d.getStr(what) })
}

// count reads a slice length and refuses one that the bytes left cannot
// hold, before anything is allocated for it.
func (d *mmubDecoder) count(what string, minSize int) int {
	n := d.getUint(what + " count")
	if d.err != nil {
		return 0
	}
	if n > uint64(d.left()/minSize) {
		d.fail("%s count %d cannot fit in the %d bytes left", what, n, d.left())
		return 0
	}
	return int(n)
}

// mmubGetSlice reads a count and that many elements. An empty slice is left
// nil so that a decoded program compares equal however it was built.
func mmubGetSlice[T any](d *mmubDecoder, what string, minSize int, get func(*mmubDecoder) T) []T {
	n := d.count(what, minSize)
	if n == 0 {
		return nil
	}
	s := make([]T, n)
	for i := range s {
		s[i] = get(d)
		if d.err != nil {
			return nil
		}
	}
	return s
}

func (d *mmubDecoder) program() *vm.Program {
	p := &vm.Program{}
	p.Name = d.getStr("test name")
	p.File = d.getStr("file name")
	p.Arches = d.getStrs("arches")
	p.Model = d.getStr("model")
	p.Code = mmubGetSlice(d, "code", mmubMinInstr, (*mmubDecoder).instr)
	p.Pos = mmubGetSlice(d, "positions", mmubMinPos, (*mmubDecoder).pos)
	p.Consts = mmubGetSlice(d, "consts", mmubMinUint, func(d *mmubDecoder) uint64 { return d.getUint("const") })
	p.Strings = d.getStrs("strings")
	p.Prints = mmubGetSlice(d, "prints", mmubMinPrint, (*mmubDecoder).print)
	p.Builtins = d.getStrs("builtins")
	p.Procs = mmubGetSlice(d, "procs", mmubMinProc, (*mmubDecoder).proc)
	p.Shared = mmubGetSlice(d, "shared words", mmubMinVar, (*mmubDecoder).variable)
	p.Task = mmubGetSlice(d, "task words", mmubMinVar, (*mmubDecoder).variable)
	p.Tables = d.getStrs("tables")
	p.MMs = d.getStrs("mms")
	p.Locks = mmubGetSlice(d, "locks", mmubMinLock, (*mmubDecoder).lock)
	p.Keys = mmubGetSlice(d, "keys", mmubMinVar, (*mmubDecoder).variable)
	p.Init = d.getInt("init proc")
	p.CPUs = mmubGetSlice(d, "cpu threads", mmubMinThread, (*mmubDecoder).thread)
	p.IRQs = mmubGetSlice(d, "irq threads", mmubMinThread, (*mmubDecoder).thread)
	p.Final = d.final()
	p.Expects = mmubGetSlice(d, "expects", mmubMinExpect, (*mmubDecoder).expect)
	p.PageReuse = d.getBool("page_reuse flag")
	p.PageReuseAt = d.pos()
	p.Files = mmubGetSlice(d, "files", mmubMinSource, (*mmubDecoder).source)
	return p
}

func (d *mmubDecoder) instr() vm.Instr {
	op := d.getSmall("opcode", math.MaxUint8)
	b := d.getSmall("operand B", math.MaxUint16)
	a := d.getInt32("operand A")
	return vm.Instr{Op: vm.Op(op), B: uint16(b), A: a}
}

func (d *mmubDecoder) pos() vm.Pos {
	return vm.Pos{File: d.getInt32("position file"), Line: d.getInt32("position line"), Col: d.getInt32("position column")}
}

func (d *mmubDecoder) print() vm.Print {
	return vm.Print{Parts: mmubGetSlice(d, "print parts", mmubMinPrintPart, (*mmubDecoder).printPart)}
}

func (d *mmubDecoder) printPart() vm.PrintPart {
	return vm.PrintPart{Text: d.getStr("print text"), IsValue: d.getBool("print value flag")}
}

func (d *mmubDecoder) proc() vm.Proc {
	return vm.Proc{
		Name:    d.getStr("proc name"),
		Entry:   d.getInt("proc entry"),
		NParams: d.getInt("proc params"),
		Locals:  d.getStrs("proc locals"),
		Pos:     d.pos(),
	}
}

func (d *mmubDecoder) variable() vm.Var {
	return vm.Var{Name: d.getStr("word name"), Init: d.getUint("word value"),
		View: vm.View{Bits: uint8(d.getSmall("word view", 64)), Signed: d.getBool("word view's sign")}}
}

func (d *mmubDecoder) lock() vm.Lock {
	return vm.Lock{Name: d.getStr("lock name"), Kind: vm.LockKind(d.getSmall("lock kind", math.MaxUint8))}
}

func (d *mmubDecoder) thread() vm.Thread {
	return vm.Thread{CPU: d.getInt("thread cpu"), Label: d.getStr("thread label"), Proc: d.getInt("thread proc"),
		Preemptible: d.getBool("thread preemptible")}
}

func (d *mmubDecoder) final() *vm.Final {
	if !d.getBool("final flag") {
		return nil
	}
	return &vm.Final{
		Kind:     vm.FinalKind(d.getSmall("final kind", math.MaxUint8)),
		Proc:     d.getInt("final proc"),
		Observed: mmubGetSlice(d, "observed terms", mmubMinObserved, (*mmubDecoder).observed),
		Filter:   d.getInt("filter proc"),
	}
}

func (d *mmubDecoder) observed() vm.Observed {
	return vm.Observed{
		Label:  d.getStr("observed label"),
		Thread: d.getInt("observed thread"),
		Slot:   d.getInt("observed slot"),
		Shared: d.getInt("observed shared word"),
	}
}

func (d *mmubDecoder) expect() vm.Expect {
	return vm.Expect{
		Arch: d.getStr("expect arch"),
		OK:   d.getBool("expect ok flag"),
		Kind: d.getStr("expect kind"),
		Pos:  d.pos(),
	}
}

func (d *mmubDecoder) source() vm.Source {
	return vm.Source{Name: d.getStr("file name"), Text: d.getStr("file text")}
}

// ---- validation ----

// mmubMaxArgs bounds OpBuiltin's argument count. Arities are only resolved
// against a Registry at run time (some builtins are variadic), so this is a
// sanity limit, not an exact check: no script passes this many.
const mmubMaxArgs = 255

// mmubExtent is the half-open range [start, end) of Code that holds the
// body of proc.
type mmubExtent struct{ proc, start, end int }

// mmubExtents returns the procs' code ranges in address order. The compiler
// lays bodies out back to back, so a proc runs from its Entry to the next
// proc's Entry, and the last one to the end of Code. Out-of-range entries are
// clamped so that the disassembler can use this on unvalidated programs.
func mmubExtents(p *vm.Program) []mmubExtent {
	ext := make([]mmubExtent, len(p.Procs))
	for i, pr := range p.Procs {
		ext[i] = mmubExtent{proc: i, start: min(max(pr.Entry, 0), len(p.Code))}
	}
	slices.SortStableFunc(ext, func(a, b mmubExtent) int { return cmp.Compare(a.start, b.start) })
	for i := range ext {
		ext[i].end = len(p.Code)
		if i+1 < len(ext) {
			ext[i].end = ext[i+1].start
		}
	}
	return ext
}

// mmubValidate checks everything the VM, the explorer and the disassembler
// index with, so that they can trust a decoded program like a compiled one.
func mmubValidate(p *vm.Program) error {
	v := &mmubValidator{p: p}
	for _, check := range []func() error{
		v.arches, v.positions, v.procs, v.threads, v.code, v.final, v.decls, v.stack,
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

type mmubValidator struct {
	p   *vm.Program
	ext []mmubExtent // set by procs, used by code
}

func mmubErrorf(format string, args ...any) error {
	return fmt.Errorf("corrupt .mmub: "+format, args...)
}

func mmubInRange(i, n int) bool { return i >= 0 && i < n }

func (v *mmubValidator) pos(what string, p vm.Pos) error {
	if !mmubInRange(int(p.File), len(v.p.Files)) {
		return mmubErrorf("%s: source file %d out of range (have %d)", what, p.File, len(v.p.Files))
	}
	if p.Line < 0 || p.Col < 0 {
		return mmubErrorf("%s: negative position %d:%d", what, p.Line, p.Col)
	}
	return nil
}

func (v *mmubValidator) positions() error {
	p := v.p
	if len(p.Pos) != len(p.Code) {
		return mmubErrorf("%d positions for %d instructions", len(p.Pos), len(p.Code))
	}
	for pc, pos := range p.Pos {
		if err := v.pos(fmt.Sprintf("instruction %04d", pc), pos); err != nil {
			return err
		}
	}
	for i, x := range p.Expects {
		if err := v.pos(fmt.Sprintf("expect %d", i), x.Pos); err != nil {
			return err
		}
	}
	if p.PageReuse {
		return v.pos("page_reuse", p.PageReuseAt)
	}
	return nil
}

// procs checks each proc and that their bodies tile Code exactly, each ending
// in an op after which execution cannot fall into the next body.
func (v *mmubValidator) procs() error {
	p := v.p
	for i, pr := range p.Procs {
		if err := v.proc(i, pr); err != nil {
			return err
		}
	}
	v.ext = mmubExtents(p)
	if len(p.Code) > 0 && (len(v.ext) == 0 || v.ext[0].start > 0) {
		end := len(p.Code)
		if len(v.ext) > 0 {
			end = v.ext[0].start
		}
		return mmubErrorf("instructions 0000..%04d belong to no proc", end-1)
	}
	for i, x := range v.ext {
		if x.start == x.end {
			other := v.ext[i+1].proc // only the last extent ends at len(Code), and its start is < len(Code)
			return mmubErrorf("procs %q and %q have the same entry %04d", p.Procs[x.proc].Name, p.Procs[other].Name, x.start)
		}
		switch last := p.Code[x.end-1].Op; last {
		case vm.OpReturn, vm.OpEnd, vm.OpJump:
		default:
			return mmubErrorf("proc %q ends in %v at %04d: execution can fall off its end", p.Procs[x.proc].Name, last, x.end-1)
		}
	}
	return nil
}

func (v *mmubValidator) proc(i int, pr vm.Proc) error {
	if !mmubInRange(pr.Entry, len(v.p.Code)) {
		return mmubErrorf("proc %d %q: entry %d outside the code (%d instructions)", i, pr.Name, pr.Entry, len(v.p.Code))
	}
	if pr.NParams < 0 || pr.NParams > len(pr.Locals) {
		return mmubErrorf("proc %d %q: %d params but %d locals", i, pr.Name, pr.NParams, len(pr.Locals))
	}
	return v.pos(fmt.Sprintf("proc %d %q", i, pr.Name), pr.Pos)
}

func (v *mmubValidator) code() error {
	for _, x := range v.ext {
		for pc := x.start; pc < x.end; pc++ {
			if err := v.instr(pc, x); err != nil {
				return err
			}
		}
	}
	return nil
}

// mmubIndexSpace names the table an operand kind indexes and its length; ok
// is false for kinds that are not plain indexes.
func mmubIndexSpace(p *vm.Program, kind byte) (what string, n int, ok bool) {
	switch kind {
	case 'c':
		return "const", len(p.Consts), true
	case 's':
		return "shared word", len(p.Shared), true
	case 't':
		return "task word", len(p.Task), true
	case 'T':
		return "table", len(p.Tables), true
	case 'p':
		return "proc", len(p.Procs), true
	case 'b':
		return "builtin", len(p.Builtins), true
	case 'S':
		return "string", len(p.Strings), true
	case 'P':
		return "print", len(p.Prints), true
	case 'r':
		return "cpu thread", len(p.CPUs), true
	}
	return "", 0, false
}

// instr checks the operands of the instruction at pc, in proc extent x.
func (v *mmubValidator) instr(pc int, x mmubExtent) error {
	p := v.p
	in := p.Code[pc]
	name, _, _, kind, ok := in.Op.Info()
	if !ok {
		return mmubErrorf("instruction %04d: undefined opcode %d (there are %d)", pc, in.Op, vm.NumOps)
	}
	bad := func(format string, args ...any) error {
		return mmubErrorf("instruction %04d (%s): %s", pc, name, fmt.Sprintf(format, args...))
	}
	a := int(in.A)
	locals := len(p.Procs[x.proc].Locals)
	if what, n, ok := mmubIndexSpace(p, kind); ok && !mmubInRange(a, n) {
		return bad("%s %d out of range (have %d)", what, a, n)
	}
	switch kind {
	case 'i':
		if a < 0 {
			return bad("negative immediate %d", a)
		}
	case 'l':
		if !mmubInRange(a, locals) {
			return bad("local slot %d out of range (proc %q has %d)", a, p.Procs[x.proc].Name, locals)
		}
	case 'j':
		// Targets stay inside the proc: a jump into another body would run
		// it with this frame, whose local slots were not checked against it.
		if a < x.start || a >= x.end {
			return bad("jump target %d outside proc %q (%04d..%04d)", a, p.Procs[x.proc].Name, x.start, x.end-1)
		}
	}
	return v.operandB(in, bad)
}

// operandB checks B for the ops that use it.
func (v *mmubValidator) operandB(in vm.Instr, bad func(string, ...any) error) error {
	p, a, b := v.p, int(in.A), int(in.B)
	switch in.Op {
	case vm.OpBuiltin:
		if b > mmubMaxArgs {
			return bad("%d arguments (at most %d)", b, mmubMaxArgs)
		}
	case vm.OpPrint:
		if holes := mmubHoles(p.Prints[a]); b != holes {
			return bad("consumes %d values but print %d has %d holes", b, a, holes)
		}
	case vm.OpLoadReg:
		pr := p.Procs[p.CPUs[a].Proc] // threads are checked before code
		if !mmubInRange(b, len(pr.Locals)) {
			return bad("register %d out of range (proc %q has %d locals)", b, pr.Name, len(pr.Locals))
		}
	}
	return nil
}

// mmubHoles counts the values a print template consumes.
func mmubHoles(pr vm.Print) int {
	n := 0
	for _, part := range pr.Parts {
		if part.IsValue {
			n++
		}
	}
	return n
}

func (v *mmubValidator) threads() error {
	p := v.p
	cpus := map[int]bool{}
	for i, t := range p.CPUs {
		if err := v.thread("cpu", i, t); err != nil {
			return err
		}
		if cpus[t.CPU] {
			return mmubErrorf("two cpu threads for cpu %d", t.CPU)
		}
		if cpus[t.CPU] = true; len(cpus) > vm.DefaultLimits().CPUs {
			return mmubErrorf("more than %d cpu threads", vm.DefaultLimits().CPUs)
		}
	}
	for i, t := range p.IRQs {
		if err := v.thread("irq", i, t); err != nil {
			return err
		}
		// The compiler gives an irq on a CPU without a cpu block an idle one.
		if !cpus[t.CPU] {
			return mmubErrorf("irq thread %d on cpu %d, which has no cpu thread", i, t.CPU)
		}
	}
	if p.Init != -1 && !mmubInRange(p.Init, len(p.Procs)) {
		return mmubErrorf("init proc %d out of range (have %d)", p.Init, len(p.Procs))
	}
	return nil
}

func (v *mmubValidator) thread(kind string, i int, t vm.Thread) error {
	if t.CPU < 0 {
		return mmubErrorf("%s thread %d: negative cpu %d", kind, i, t.CPU)
	}
	if !mmubInRange(t.Proc, len(v.p.Procs)) {
		return mmubErrorf("%s thread %d: proc %d out of range (have %d)", kind, i, t.Proc, len(v.p.Procs))
	}
	return nil
}

func (v *mmubValidator) final() error {
	p, f := v.p, v.p.Final
	if f == nil {
		return nil
	}
	if f.Kind > vm.Forall {
		return mmubErrorf("final: unknown kind %d", f.Kind)
	}
	if !mmubInRange(f.Proc, len(p.Procs)) {
		return mmubErrorf("final: proc %d out of range (have %d)", f.Proc, len(p.Procs))
	}
	if f.Filter != -1 && !mmubInRange(f.Filter, len(p.Procs)) {
		return mmubErrorf("filter: proc %d out of range (have %d)", f.Filter, len(p.Procs))
	}
	for i, o := range f.Observed {
		if err := v.observed(i, o); err != nil {
			return err
		}
	}
	return nil
}

func (v *mmubValidator) observed(i int, o vm.Observed) error {
	p := v.p
	switch {
	case o.Thread == -1:
		if !mmubInRange(o.Shared, len(p.Shared)) {
			return mmubErrorf("final term %d %q: shared word %d out of range (have %d)", i, o.Label, o.Shared, len(p.Shared))
		}
	case mmubInRange(o.Thread, len(p.CPUs)):
		if locals := p.Procs[p.CPUs[o.Thread].Proc].Locals; o.Slot != vm.NeverAssigned && !mmubInRange(o.Slot, len(locals)) {
			return mmubErrorf("final term %d %q: register %d out of range (have %d)", i, o.Label, o.Slot, len(locals))
		}
	default:
		return mmubErrorf("final term %d %q: cpu thread %d out of range (have %d)", i, o.Label, o.Thread, len(p.CPUs))
	}
	return nil
}

func (v *mmubValidator) decls() error {
	for _, w := range v.p.Shared {
		if w.View != (vm.View{}) && w.View.Name() == "" {
			return mmubErrorf("shared word %q: bad view of %d bits", w.Name, w.View.Bits)
		}
	}
	for _, ws := range [][]vm.Var{v.p.Task, v.p.Keys} {
		for _, w := range ws {
			if w.View != (vm.View{}) {
				return mmubErrorf("%q: only a shared word has a view", w.Name)
			}
		}
	}
	for _, l := range v.p.Locks {
		if l.Kind > vm.RWSem {
			return mmubErrorf("lock %q: unknown kind %d", l.Name, l.Kind)
		}
	}
	return nil
}

// arches checks that the program runs on at least one arch (the names are
// looked up when a machine is made: a host may register arches of its own).
func (v *mmubValidator) arches() error {
	if len(v.p.Arches) == 0 {
		return mmubErrorf("the program names no arch")
	}
	return nil
}

// stack checks that the code keeps the operand stack balanced, and that
// each proc's locals and each thread's frame fit the default budget (a
// host with a lower budget gets the machine's error when it runs it).
func (v *mmubValidator) stack() error {
	p, l := v.p, vm.DefaultLimits()
	depths, err := vm.StackDepths(p)
	if err != nil {
		return mmubErrorf("%v", err)
	}
	for _, pr := range p.Procs {
		if len(pr.Locals) > l.Locals {
			return mmubErrorf("proc %q has %d locals (at most %d)", pr.Name, len(pr.Locals), l.Locals)
		}
	}
	threads := append(append([]vm.Thread(nil), p.CPUs...), p.IRQs...)
	for _, t := range threads {
		pr := p.Procs[t.Proc]
		if n := len(pr.Locals) + depths[t.Proc] + 2; n > l.StackWords {
			return mmubErrorf("proc %q needs %d stack words (at most %d)", pr.Name, n, l.StackWords)
		}
	}
	return nil
}
