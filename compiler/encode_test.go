package compiler

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// mmubAsm builds a Program by hand for the tests: procs are appended back to
// back as the compiler lays them out, each instruction with a position.
type mmubAsm struct {
	p    *vm.Program
	file int32
	line int32
}

func newMMUBAsm() *mmubAsm { return &mmubAsm{p: &vm.Program{Init: -1}} }

// proc starts a proc's body at the next address and returns its index.
func (a *mmubAsm) proc(name string, nparams int, locals ...string) int {
	a.p.Procs = append(a.p.Procs, vm.Proc{
		Name: name, Entry: len(a.p.Code), NParams: nparams, Locals: locals,
		Pos: vm.Pos{File: a.file, Line: a.line, Col: 1},
	})
	return len(a.p.Procs) - 1
}

// at sets the source position of the instructions that follow.
func (a *mmubAsm) at(file, line int32) { a.file, a.line = file, line }

// op emits an instruction with operands A and (optionally) B; it returns
// its address, for patching jumps.
func (a *mmubAsm) op(op vm.Op, operands ...int) int {
	in := vm.Instr{Op: op}
	if len(operands) > 0 {
		in.A = int32(operands[0])
	}
	if len(operands) > 1 {
		in.B = uint16(operands[1])
	}
	a.p.Code = append(a.p.Code, in)
	a.p.Pos = append(a.p.Pos, vm.Pos{File: a.file, Line: a.line, Col: 3})
	return len(a.p.Code) - 1
}

func (a *mmubAsm) here() int { return len(a.p.Code) }

func (a *mmubAsm) patch(at, target int) { a.p.Code[at].A = int32(target) }

// mmubSample is a small but complete program: a proc called by a thread,
// two CPU threads and an IRQ, init, a final condition, prints, asserts,
// consts, builtins, every kind of declaration and two source files.
func mmubSample() *vm.Program {
	a := newMMUBAsm()
	p := a.p
	p.Name = "message passing"
	p.File = "mp.mmu"
	p.Arches = []string{"arm64", "x86"}
	p.Files = []vm.Source{
		{Name: "std/pte.mmu", Text: "proc publish(ptr, val) { ... }\n"},
		{Name: "mp.mmu", Text: "test \"message passing\"\n"},
	}
	p.Consts = []uint64{0xffff000000000000, 1 << 40}
	p.Strings = []string{"x was set", "tab\there \"quoted\""}
	p.Prints = []vm.Print{{Parts: []vm.PrintPart{
		{Text: "r1 = "}, {IsValue: true}, {Text: ", r2 = "}, {IsValue: true},
	}}}
	p.Builtins = []string{"set_pte", "flush_tlb_all"}
	p.Shared = []vm.Var{{Name: "x"}, {Name: "y", Init: 0x1000, View: vm.View{Bits: 32, Signed: true}}}
	p.Task = []vm.Var{{Name: "current"}}
	p.Tables = []string{"pgd", "pte0"}
	p.MMs = []string{"init_mm", "mm1"}
	p.Locks = []vm.Lock{{Name: "ptl", Kind: vm.SpinLock}, {Name: "mmap_lock", Kind: vm.RWSem}}
	p.Keys = []vm.Var{{Name: "kpti", Init: 1}}

	a.at(0, 1)
	publish := a.proc("publish", 2, "ptr", "val", "old")
	a.at(0, 2)
	a.op(vm.OpLoadLocal, 0)
	a.op(vm.OpLoadLocal, 1)
	a.op(vm.OpBuiltin, 0, 2)
	a.op(vm.OpStoreLocal, 2)
	a.at(0, 3)
	a.op(vm.OpLoadLocal, 2)
	a.op(vm.OpReturn)

	a.at(1, 9)
	cpu0 := a.proc("cpu 0", 0, "r1")
	a.at(1, 10)
	a.op(vm.OpAddrShared, 0)
	a.op(vm.OpSmall, 42)
	a.op(vm.OpCall, publish)
	a.op(vm.OpPop)
	a.at(1, 11)
	a.op(vm.OpAtomicBegin)
	a.op(vm.OpLoadShared, 1)
	a.op(vm.OpStoreLocal, 0)
	a.op(vm.OpAtomicEnd)
	a.at(1, 12)
	a.op(vm.OpLoadLocal, 0)
	jz := a.op(vm.OpJumpIfZero)
	a.at(1, 13)
	a.op(vm.OpConst, 0)
	a.op(vm.OpStoreShared, 0)
	jmp := a.op(vm.OpJump)
	a.patch(jz, a.here())
	a.at(1, 15)
	a.op(vm.OpNop)
	a.patch(jmp, a.here())
	a.at(1, 16)
	a.op(vm.OpEnd)

	a.at(1, 18)
	cpu1 := a.proc("cpu 1", 0, "r1", "r2", "i")
	a.at(1, 19)
	a.op(vm.OpSmall, 0)
	a.op(vm.OpStoreLocal, 2)
	a.at(1, 20)
	head := a.op(vm.OpLoadLocal, 2)
	a.op(vm.OpSmall, 3)
	a.op(vm.OpLt)
	exit := a.op(vm.OpJumpIfZero)
	a.at(1, 21)
	a.op(vm.OpLoadTask, 0)
	a.op(vm.OpStoreLocal, 1)
	a.at(1, 20)
	a.op(vm.OpLoadLocal, 2)
	a.op(vm.OpSmall, 1)
	a.op(vm.OpAdd)
	a.op(vm.OpStoreLocal, 2)
	a.op(vm.OpBackEdge, head)
	a.patch(exit, a.here())
	a.at(1, 23)
	a.op(vm.OpLoadShared, 0)
	a.op(vm.OpStoreLocal, 0)
	a.at(1, 24)
	a.op(vm.OpLoadLocal, 0)
	a.op(vm.OpLoadLocal, 1)
	a.op(vm.OpPrint, 0, 2)
	a.at(1, 25)
	a.op(vm.OpLoadLocal, 0)
	a.op(vm.OpAssert, 0)
	a.op(vm.OpEnd)

	a.at(1, 28)
	irq0 := a.proc("irq 0", 0)
	a.at(1, 29)
	a.op(vm.OpSmall, 5)
	a.op(vm.OpAddrTable, 1)
	a.op(vm.OpSmall, 0)
	a.op(vm.OpBuiltin, 0, 2)
	a.op(vm.OpPop)
	a.at(1, 30)
	a.op(vm.OpBuiltin, 1, 0)
	a.op(vm.OpPop)
	a.op(vm.OpEnd)

	a.at(1, 33)
	p.Init = a.proc("init", 0)
	a.at(1, 34)
	a.op(vm.OpConst, 1)
	a.op(vm.OpStoreTask, 0)
	a.op(vm.OpEnd)

	a.at(1, 37)
	final := a.proc("final", 0)
	a.op(vm.OpLoadReg, 1, 0)
	a.op(vm.OpSmall, 0)
	a.op(vm.OpEq)
	a.op(vm.OpLoadShared, 1)
	a.op(vm.OpSmall, 0x1000)
	a.op(vm.OpEq)
	a.op(vm.OpAnd)
	a.op(vm.OpReturn)

	p.CPUs = []vm.Thread{{CPU: 0, Label: "P0", Proc: cpu0}, {CPU: 1, Proc: cpu1}}
	p.IRQs = []vm.Thread{{CPU: 0, Label: "tlbi", Proc: irq0}}
	p.Final = &vm.Final{Kind: vm.NotExists, Proc: final, Observed: []vm.Observed{
		{Label: "1:r1", Thread: 1, Slot: 0},
		{Label: "y", Thread: -1, Shared: 1},
	}}
	p.Expects = []vm.Expect{
		{OK: true, Pos: vm.Pos{File: 1, Line: 40, Col: 1}},
		{Arch: "x86", Kind: "read-hazard", Pos: vm.Pos{File: 1, Line: 41, Col: 1}},
	}
	return p
}

// mmubExtremes exercises the edges of every number's range.
func mmubExtremes() *vm.Program {
	a := newMMUBAsm()
	p := a.p
	p.Name = "extrêmes ✓"
	p.Arches = []string{"arm64"}
	p.Files = []vm.Source{{Name: "e.mmu", Text: strings.Repeat("x", 1000)}}
	p.Consts = []uint64{0, math.MaxUint64, 1 << 63}
	p.Strings = []string{"", "\x00\xff"}
	p.Shared = []vm.Var{{Name: "w", Init: math.MaxUint64}}
	a.at(0, math.MaxInt32)
	a.proc("main", 0)
	a.op(vm.OpSmall, math.MaxInt32)
	a.op(vm.OpConst, 1)
	a.op(vm.OpAssert, 1)
	a.op(vm.OpEnd)
	p.Pos[1].Col = math.MaxInt32
	p.CPUs = []vm.Thread{{CPU: math.MaxInt32, Proc: 0}}
	p.Final = &vm.Final{Kind: vm.Forall, Proc: 0}
	return p
}

// mmubEmptySlices has every slice but the arch list non-nil but empty, which Decode gives back
// as nil.
func mmubEmptySlices() *vm.Program {
	return &vm.Program{
		Arches: []string{"arm64"}, Code: []vm.Instr{}, Pos: []vm.Pos{}, Consts: []uint64{},
		Strings: []string{}, Prints: []vm.Print{}, Builtins: []string{}, Procs: []vm.Proc{},
		Shared: []vm.Var{}, Task: []vm.Var{}, Tables: []string{}, MMs: []string{},
		Locks: []vm.Lock{}, Keys: []vm.Var{}, Init: -1, CPUs: []vm.Thread{},
		IRQs: []vm.Thread{}, Expects: []vm.Expect{}, Files: []vm.Source{},
	}
}

// mmubNormalize returns a deep copy of p with every empty slice nil, the form
// Decode produces, so that round trips compare with reflect.DeepEqual.
func mmubNormalize(p *vm.Program) *vm.Program {
	return mmubNormalizeValue(reflect.ValueOf(p)).Interface().(*vm.Program)
}

func mmubNormalizeValue(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out.Set(mmubNormalizeValue(v.Elem()).Addr())
		}
	case reflect.Slice:
		if v.Len() > 0 {
			out.Set(reflect.MakeSlice(v.Type(), v.Len(), v.Len()))
			for i := range v.Len() {
				out.Index(i).Set(mmubNormalizeValue(v.Index(i)))
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			out.Field(i).Set(mmubNormalizeValue(v.Field(i)))
		}
	default:
		out.Set(v)
	}
	return out
}

// mmubSeal wraps body in a valid envelope, so that tests (and the fuzzer)
// can reach the decoder and validator past the checksum.
func mmubSeal(body []byte) []byte {
	b := append([]byte(mmubMagic), 0, 0)
	binary.LittleEndian.PutUint16(b[len(mmubMagic):], MMUBVersion)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// mmubBodyOf strips the envelope of an encoding.
func mmubBodyOf(data []byte) []byte {
	return bytes.Clone(data[mmubHeader : len(data)-mmubTrailer])
}

// mmubCheckDecode decodes data, which may be anything, and checks the
// contract: an error of the documented form and no program, or a program
// that round-trips and disassembles.
func mmubCheckDecode(t *testing.T, data []byte) {
	t.Helper()
	p, err := Decode(data)
	if err != nil {
		if p != nil {
			t.Fatalf("Decode returned a program with error %v", err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "corrupt .mmub: ") && !strings.HasPrefix(msg, "unsupported .mmub format version") {
			t.Fatalf("Decode error without the corrupt .mmub prefix: %v", err)
		}
		return
	}
	q, err := Decode(Encode(p))
	if err != nil {
		t.Fatalf("re-decoding a decoded program: %v", err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatalf("decoded program does not round-trip:\n%+v\n%+v", p, q)
	}
	if err := Disassemble(io.Discard, p, ""); err != nil {
		t.Fatalf("Disassemble of a decoded program: %v", err)
	}
}

func TestMMUBRoundTrip(t *testing.T) {
	noFinal := mmubSample()
	noFinal.Final = nil
	noFinal.Init = -1
	for _, tc := range []struct {
		name string
		p    *vm.Program
	}{
		{"minimal", &vm.Program{Init: -1, Arches: []string{"arm64"}}},
		{"empty slices", mmubEmptySlices()},
		{"sample", mmubSample()},
		{"no final, no init", noFinal},
		{"extremes", mmubExtremes()},
		{"never-assigned register", neverAssigned(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := Encode(tc.p)
			got, err := Decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if want := mmubNormalize(tc.p); !reflect.DeepEqual(got, want) {
				t.Fatalf("round trip differs:\ngot  %+v\nwant %+v", got, want)
			}
			if again := Encode(got); !bytes.Equal(again, data) {
				t.Fatalf("re-encoding differs: %d bytes vs %d", len(again), len(data))
			}
		})
	}
}

// neverAssigned is a program whose final condition names a register its
// CPU never assigns (vm.NeverAssigned).
func neverAssigned(t *testing.T) *vm.Program {
	p, err := Compile("n.mmu", []byte("shared x\ncpu 0 {\n  s = x\n}\nfinal exists (0:r == 0)\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o := p.Final.Observed; len(o) != 1 || o[0].Slot != vm.NeverAssigned {
		t.Fatalf("observed %+v; want 0:r, never assigned", o)
	}
	p.Warnings = nil // the compiler's, not encoded
	return p
}

// TestMMUBMinSizes checks the per-element minimum sizes Decode relies on to
// refuse oversized counts: each must be exactly a zero element's encoding.
func TestMMUBMinSizes(t *testing.T) {
	size := func(put func(e *mmubEncoder)) int {
		e := &mmubEncoder{}
		put(e)
		return len(e.buf)
	}
	for _, tc := range []struct {
		name string
		got  int
		want int
	}{
		{"string", size(func(e *mmubEncoder) { e.putStr("") }), mmubMinStr},
		{"uint", size(func(e *mmubEncoder) { e.putUint(0) }), mmubMinUint},
		{"instr", size(func(e *mmubEncoder) { e.instr(vm.Instr{}) }), mmubMinInstr},
		{"pos", size(func(e *mmubEncoder) { e.pos(vm.Pos{}) }), mmubMinPos},
		{"print", size(func(e *mmubEncoder) { e.print(vm.Print{}) }), mmubMinPrint},
		{"print part", size(func(e *mmubEncoder) { e.printPart(vm.PrintPart{}) }), mmubMinPrintPart},
		{"proc", size(func(e *mmubEncoder) { e.proc(vm.Proc{}) }), mmubMinProc},
		{"var", size(func(e *mmubEncoder) { e.variable(vm.Var{}) }), mmubMinVar},
		{"lock", size(func(e *mmubEncoder) { e.lock(vm.Lock{}) }), mmubMinLock},
		{"thread", size(func(e *mmubEncoder) { e.thread(vm.Thread{}) }), mmubMinThread},
		{"observed", size(func(e *mmubEncoder) { e.observed(vm.Observed{}) }), mmubMinObserved},
		{"expect", size(func(e *mmubEncoder) { e.expect(vm.Expect{}) }), mmubMinExpect},
		{"source", size(func(e *mmubEncoder) { e.source(vm.Source{}) }), mmubMinSource},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: zero value encodes in %d bytes, min size is %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestDecodeEnvelope(t *testing.T) {
	good := Encode(mmubSample())
	edit := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"empty", nil, []string{"corrupt .mmub: bad magic"}},
		{"short magic", []byte("MM"), []string{"corrupt .mmub: bad magic"}},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), []string{"corrupt .mmub: bad magic \"XMUB\""}},
		{"no version", []byte("MMUB\x01"), []string{"corrupt .mmub: truncated header"}},
		{"version 6", edit(func(b []byte) []byte { b[4] = 6; return b }),
			[]string{"unsupported .mmub format version 6", "reads version 5"}},
		{"version 0x100", edit(func(b []byte) []byte { b[5] = 1; return b }),
			[]string{"unsupported .mmub format version 261"}},
		{"resealed version 1", mmubSealVersion(mmubBodyOf(good), 1),
			[]string{"unsupported .mmub format version 1"}},
		{"resealed version 2 (before preemptible)", mmubSealVersion(mmubBodyOf(good), 2),
			[]string{"unsupported .mmub format version 2", "recompile"}},
		{"resealed version 3 (before page_reuse)", mmubSealVersion(mmubBodyOf(good), 3),
			[]string{"unsupported .mmub format version 3", "recompile"}},
		{"resealed version 4 (before shared words' views)", mmubSealVersion(mmubBodyOf(good), 4),
			[]string{"unsupported .mmub format version 4", "recompile"}},
		{"no checksum", []byte("MMUB\x05\x00\x00"), []string{"corrupt .mmub: truncated, no room for the checksum"}},
		{"bad checksum", edit(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), []string{"corrupt .mmub: checksum mismatch"}},
		{"stray byte", mmubSeal(append(mmubBodyOf(good), 0)), []string{"corrupt .mmub: 1 stray bytes"}},
		{"empty body", mmubSeal(nil), []string{"corrupt .mmub: truncated reading test name length"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Decode(tc.data)
			if err == nil || p != nil {
				t.Fatalf("Decode = %v, %v; want an error", p, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func mmubSealVersion(body []byte, version uint16) []byte {
	b := mmubSeal(body)
	binary.LittleEndian.PutUint16(b[len(mmubMagic):], version)
	end := len(b) - mmubTrailer
	binary.LittleEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[:end]))
	return b
}

// TestDecodeFlippedBytes changes every byte in a few ways: the checksum (or
// the magic and version checks) must catch each one.
func TestDecodeFlippedBytes(t *testing.T) {
	good := Encode(mmubSample())
	for i := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := bytes.Clone(good)
			b[i] ^= mask
			if p, err := Decode(b); err == nil || p != nil {
				t.Fatalf("byte %d ^ %#x: Decode succeeded", i, mask)
			}
		}
	}
}

func TestDecodeTruncated(t *testing.T) {
	for _, p := range []*vm.Program{mmubSample(), mmubExtremes()} {
		good := Encode(p)
		for n := range len(good) {
			if q, err := Decode(good[:n]); err == nil || q != nil {
				t.Fatalf("truncated to %d of %d bytes: Decode succeeded", n, len(good))
			}
		}
		// Truncating the body and resealing it gets past the checksum to
		// the decoder, which must notice the missing fields itself.
		body := mmubBodyOf(good)
		for n := range len(body) {
			mmubCheckDecode(t, mmubSeal(body[:n]))
			if _, err := Decode(mmubSeal(body[:n])); err == nil {
				t.Fatalf("body truncated to %d of %d bytes: Decode succeeded", n, len(body))
			}
		}
	}
}

// TestDecodeRandom feeds random bytes, raw and sealed, and random mutations
// of a valid body, sealed: errors are fine, panics and bad programs are not.
func TestDecodeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for range 2000 {
		b := random(rng.IntN(200))
		mmubCheckDecode(t, b)
		mmubCheckDecode(t, append([]byte("MMUB\x01\x00"), b...))
		mmubCheckDecode(t, mmubSeal(b))
	}
	body := mmubBodyOf(Encode(mmubSample()))
	for range 5000 {
		b := bytes.Clone(body)
		for range 1 + rng.IntN(4) {
			b[rng.IntN(len(b))] = byte(rng.Uint32())
		}
		mmubCheckDecode(t, mmubSeal(b))
	}
}

// TestDecodeHugeCounts checks that absurd counts and lengths are refused
// before anything is allocated for them.
func TestDecodeHugeCounts(t *testing.T) {
	huge := binary.AppendUvarint(nil, 1<<62)
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"name length", huge, "test name length 4611686018427387904 exceeds the 0 bytes left"},
		{"arches count", append([]byte{0, 0}, huge...), "arches count 4611686018427387904 cannot fit"},
		{"code count", append([]byte{0, 0, 0, 0}, binary.AppendUvarint(nil, 1000)...), "code count 1000 cannot fit"},
		{"varint overflow", bytes.Repeat([]byte{0xff}, 11), "overflows 64 bits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := mmubSeal(tc.body)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Decode(data)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode error = %v, want %q", err, tc.want)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Fatalf("Decode allocated %d bytes", grew)
			}
		})
	}
}

// TestDecodeRejectsBadPrograms encodes programs that are well-formed bytes
// with a correct checksum but would crash or mislead the VM.
func TestDecodeRejectsBadPrograms(t *testing.T) {
	// Addresses in mmubSample: publish 0000..0005, cpu 0 0006..0020,
	// cpu 1 0021..0041, irq 0 0042..0049, init 0050..0052, final 0053..0060.
	for _, tc := range []struct {
		name   string
		break_ func(p *vm.Program)
		want   string
	}{
		{"jump out of code", func(p *vm.Program) { p.Code[15].A = 999 }, "instruction 0015 (jz): jump target 999 outside proc \"cpu 0\""},
		{"jump into another proc", func(p *vm.Program) { p.Code[15].A = 2 }, "jump target 2 outside proc \"cpu 0\" (0006..0020)"},
		{"negative jump", func(p *vm.Program) { p.Code[33].A = -1 }, "instruction 0033 (backedge): jump target -1"},
		{"bad local slot", func(p *vm.Program) { p.Code[0].A = 3 }, "instruction 0000 (load): local slot 3 out of range (proc \"publish\" has 3)"},
		{"negative local slot", func(p *vm.Program) { p.Code[3].A = -1 }, "local slot -1"},
		{"builtin out of range", func(p *vm.Program) { p.Code[2].A = 2 }, "instruction 0002 (builtin): builtin 2 out of range (have 2)"},
		{"builtin arg count", func(p *vm.Program) { p.Code[2].B = 1000 }, "1000 arguments"},
		{"undefined opcode", func(p *vm.Program) { p.Code[1].Op = vm.Op(vm.NumOps) }, "undefined opcode"},
		{"const out of range", func(p *vm.Program) { p.Code[50].A = 2 }, "const 2 out of range"},
		{"negative immediate", func(p *vm.Program) { p.Code[7].A = -5 }, "negative immediate -5"},
		{"shared out of range", func(p *vm.Program) { p.Code[6].A = 2 }, "shared word 2 out of range"},
		{"task out of range", func(p *vm.Program) { p.Code[51].A = 1 }, "task word 1 out of range"},
		{"view of 12 bits", func(p *vm.Program) { p.Shared[0].View.Bits = 12 }, "shared word \"x\": bad view of 12 bits"},
		{"signed nothing", func(p *vm.Program) { p.Shared[0].View.Signed = true }, "bad view of 0 bits"},
		{"task word's view", func(p *vm.Program) { p.Task[0].View.Bits = 8 }, "\"current\": only a shared word has a view"},
		{"table out of range", func(p *vm.Program) { p.Code[43].A = 2 }, "table 2 out of range"},
		{"call out of range", func(p *vm.Program) { p.Code[8].A = 6 }, "proc 6 out of range"},
		{"string out of range", func(p *vm.Program) { p.Code[40].A = 2 }, "string 2 out of range"},
		{"print out of range", func(p *vm.Program) { p.Code[38].A = 1 }, "print 1 out of range"},
		{"print value count", func(p *vm.Program) { p.Code[38].B = 3 }, "consumes 3 values but print 0 has 2 holes"},
		{"load.reg cpu", func(p *vm.Program) { p.Code[53].A = 2 }, "cpu thread 2 out of range"},
		{"load.reg slot", func(p *vm.Program) { p.Code[53].B = 3 }, "register 3 out of range (proc \"cpu 1\" has 3 locals)"},
		{"positions missing", func(p *vm.Program) { p.Pos = p.Pos[:10] }, "10 positions for 61 instructions"},
		{"position file", func(p *vm.Program) { p.Pos[4].File = 2 }, "instruction 0004: source file 2 out of range"},
		{"negative line", func(p *vm.Program) { p.Pos[4].Line = -1 }, "negative position"},
		{"expect position", func(p *vm.Program) { p.Expects[1].Pos.File = -1 }, "expect 1: source file -1"},
		{"proc position", func(p *vm.Program) { p.Procs[0].Pos.File = 9 }, "proc 0 \"publish\": source file 9"},
		{"entry outside code", func(p *vm.Program) { p.Procs[5].Entry = 61 }, "proc 5 \"final\": entry 61 outside the code"},
		{"same entry", func(p *vm.Program) { p.Procs[5].Entry = p.Procs[4].Entry }, "have the same entry 0050"},
		{"code before first proc", func(p *vm.Program) { p.Procs[0].Entry = 1; p.Code[0].Op = vm.OpReturn }, "instructions 0000..0000 belong to no proc"},
		{"no procs", func(p *vm.Program) {
			p.Procs, p.CPUs, p.IRQs, p.Final, p.Init = nil, nil, nil, nil, -1
		}, "instructions 0000..0060 belong to no proc"},
		{"falls off the end", func(p *vm.Program) { p.Code[5].Op = vm.OpNop }, "proc \"publish\" ends in nop at 0005"},
		{"last proc falls off", func(p *vm.Program) { p.Code[60].Op = vm.OpJumpIfZero; p.Code[60].A = 53 }, "proc \"final\" ends in jz"},
		{"params exceed locals", func(p *vm.Program) { p.Procs[0].NParams = 4 }, "4 params but 3 locals"},
		{"negative params", func(p *vm.Program) { p.Procs[0].NParams = -1 }, "-1 params"},
		{"thread proc", func(p *vm.Program) { p.CPUs[1].Proc = 6 }, "cpu thread 1: proc 6 out of range"},
		{"irq proc", func(p *vm.Program) { p.IRQs[0].Proc = -1 }, "irq thread 0: proc -1 out of range"},
		{"negative cpu", func(p *vm.Program) { p.CPUs[0].CPU = -1 }, "negative cpu -1"},
		{"duplicate cpu", func(p *vm.Program) { p.CPUs[1].CPU = 0 }, "two cpu threads for cpu 0"},
		{"irq without cpu", func(p *vm.Program) { p.IRQs[0].CPU = 7 }, "irq thread 0 on cpu 7, which has no cpu thread"},
		{"init", func(p *vm.Program) { p.Init = 6 }, "init proc 6 out of range"},
		{"init -2", func(p *vm.Program) { p.Init = -2 }, "init proc -2 out of range"},
		{"final proc", func(p *vm.Program) { p.Final.Proc = 6 }, "final: proc 6 out of range"},
		{"final kind", func(p *vm.Program) { p.Final.Kind = 3 }, "final: unknown kind 3"},
		{"observed thread", func(p *vm.Program) { p.Final.Observed[0].Thread = 2 }, "final term 0 \"1:r1\": cpu thread 2 out of range"},
		{"observed slot", func(p *vm.Program) { p.Final.Observed[0].Slot = 3 }, "final term 0 \"1:r1\": register 3 out of range"},
		{"observed shared", func(p *vm.Program) { p.Final.Observed[1].Shared = 2 }, "final term 1 \"y\": shared word 2 out of range"},
		{"lock kind", func(p *vm.Program) { p.Locks[1].Kind = 2 }, "lock \"mmap_lock\": unknown kind 2"},
		// issue 12: what the VM relied on without the validator checking it
		{"no arch", func(p *vm.Program) { p.Arches = nil }, "names no arch"},
		{"too many cpus", func(p *vm.Program) {
			for c := 2; c < 30000; c++ {
				p.CPUs = append(p.CPUs, vm.Thread{CPU: c, Proc: p.CPUs[0].Proc})
			}
		}, "more than 16 cpu threads"},
		{"locals over budget", func(p *vm.Program) {
			p.Procs[1].Locals = make([]string, 8193)
		}, "has 8193 locals (at most 4096)"},
		{"stack underflow", func(p *vm.Program) { p.Code[6] = vm.Instr{Op: vm.OpAdd} }, "pops 2 values from a stack holding 0"},
		{"unbalanced join", func(p *vm.Program) { p.Code[0] = vm.Instr{Op: vm.OpNop} }, "stack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mmubSample()
			tc.break_(p)
			data := Encode(p)
			q, err := Decode(data)
			if err == nil || q != nil {
				t.Fatalf("Decode accepted a bad program")
			}
			if !strings.HasPrefix(err.Error(), "corrupt .mmub: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want it to contain %q", err, tc.want)
			}
			// The disassembler must cope with the same program.
			if err := Disassemble(io.Discard, p, ""); err != nil {
				t.Fatalf("Disassemble: %v", err)
			}
		})
	}
}

// TestDecodeBadFields covers encodings no Program produces.
func TestDecodeBadFields(t *testing.T) {
	e := &mmubEncoder{}
	for _, tc := range []struct {
		name string
		body func() []byte
		want string
	}{
		{"bool 2", func() []byte { // the final flag, before expects, page_reuse, its position and files
			b := mmubBodyOf(Encode(&vm.Program{Init: -1}))
			b[len(b)-7] = 2
			return b
		}, "final flag 2 exceeds 1"},
		{"page_reuse 2", func() []byte { // before its position and files
			b := mmubBodyOf(Encode(&vm.Program{Init: -1}))
			b[len(b)-5] = 2
			return b
		}, "page_reuse flag 2 exceeds 1"},
		{"opcode 256", func() []byte {
			e.buf = []byte{0, 0, 0, 0, 1} // name, file, arches, model, one instruction
			e.putUint(256)
			return e.buf
		}, "opcode 256 exceeds 255"},
		{"B 65536", func() []byte {
			e.buf = []byte{0, 0, 0, 0, 1, 0}
			e.putUint(1 << 16)
			return e.buf
		}, "operand B 65536 exceeds 65535"},
		{"A beyond int32", func() []byte {
			e.buf = []byte{0, 0, 0, 0, 1, 0, 0}
			e.putInt(math.MaxInt32 + 1)
			return e.buf
		}, "operand A 2147483648 does not fit in 32 bits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Padding keeps the counts plausible so that the field itself is
			// what fails.
			_, err := Decode(mmubSeal(append(tc.body(), make([]byte, 16)...)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Decode error = %v, want %q", err, tc.want)
			}
		})
	}
}

// FuzzDecode feeds each input both as a whole file and as a sealed body, so
// that the fuzzer reaches the decoder and validator past the checksum.
func FuzzDecode(f *testing.F) {
	for _, p := range []*vm.Program{{Init: -1}, mmubSample(), mmubExtremes()} {
		data := Encode(p)
		f.Add(data)
		f.Add(mmubBodyOf(data))
	}
	f.Add([]byte("MMUB\x02\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		mmubCheckDecode(t, data)
		mmubCheckDecode(t, mmubSeal(data))
	})
}

// TestEncodeWeakItems round-trips the model, locations and filter items.
func TestEncodeWeakItems(t *testing.T) {
	src := "model lkmm\nshared x, y\ncpu 0 { r = READ_ONCE(x)\n WRITE_ONCE(y, 1) }\nlocations x, 0:r\nfilter (y == 1)\nfinal exists (0:r == 0)\nexpect lkmm: ok\n"
	p, err := Compile("w.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(Encode(p))
	if err != nil {
		t.Fatal(err)
	}
	if q.Model != "lkmm" || q.Final == nil || q.Final.Filter < 0 || len(q.Final.Observed) != 2 {
		t.Fatalf("decoded: model %q, final %+v", q.Model, q.Final)
	}
	if !reflect.DeepEqual(mmubNormalize(p), q) {
		t.Fatalf("round trip differs:\n%+v\n%+v", p, q)
	}
}
