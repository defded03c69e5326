package vm

// Program is a compiled script: bytecode for every proc and thread, the
// declarations the machine is built from, and the test's metadata. A Program
// is immutable once built and may be checked by several goroutines at once.
type Program struct {
	Name    string   // test name
	File    string   // main source file
	Arches  []string // arches from the `arch` line (default arm64)
	Model   string   // the `model` line: "sc" (default), "tso", "armv8", "lkmm" or "hw"
	Code    []Instr
	Pos     []Pos // source position of each instruction
	Consts  []uint64
	Strings []string
	Prints  []Print

	// Builtins lists the builtins the code calls, by name; OpBuiltin's
	// operand indexes this list. Resolved against a Registry when run.
	Builtins []string

	Procs   []Proc
	Shared  []Var
	Task    []Var
	Tables  []string
	MMs     []string // user address spaces; init_mm is always there
	Locks   []Lock
	Keys    []Var
	Init    int // proc index of `init`, or -1
	CPUs    []Thread
	IRQs    []Thread
	Final   *Final
	Expects []Expect
	// PageReuse (the `page_reuse` line, at PageReuseAt): freed pages are
	// handed out again, LIFO per CPU; each CPU gets a drain thread
	// (page_reuse.go).
	PageReuse   bool
	PageReuseAt Pos
	Files       []Source // sources of the main file and its imports, for traces

	// Warnings are the compiler's positioned notes on code that runs but
	// is likely a mistake ("file:line:col: warning: …"). Not part of the
	// .mmub encoding.
	Warnings []string
}

// Pos is a compact source position: a file index into Program.Files.
type Pos struct {
	File int32
	Line int32
	Col  int32
}

// Source is one source file the program was compiled from.
type Source struct {
	Name string
	Text string
}

// Proc is a procedure or a thread body. Params occupy the first local slots.
type Proc struct {
	Name    string
	Entry   int
	NParams int
	Locals  []string // names of all local slots (params first)
	Pos     Pos
}

// Var is a named word with its initial value.
type Var struct {
	Name string
	Init uint64
	View View // shared words: the type final states show it through
}

// View is the type a final state shows a shared word through, as herd
// shows a location through its declared type: its low Bits bits, sign-
// or zero-extended. Memory keeps the whole word (a 64-bit store into an
// int keeps its upper half, which a 64-bit load reads back). Bits 0 is
// no view: the word as it is; 64 bits is the word too, which herd's
// notation (--format herd) prints unsigned where the view is.
type View struct {
	Bits   uint8
	Signed bool
}

// Views are the types a `shared x: T` declaration may name, by the
// kernel's names for them.
var Views = map[string]View{
	"s8": {8, true}, "u8": {8, false}, "s16": {16, true}, "u16": {16, false},
	"s32": {32, true}, "u32": {32, false}, "s64": {64, true}, "u64": {64, false},
}

// Name is the type a declaration names for the view ("s32"), "" for no
// view or one no declaration makes.
func (w View) Name() string {
	for name, v := range Views {
		if v == w && w.Bits != 0 {
			return name
		}
	}
	return ""
}

// Of casts v to the view's type.
func (w View) Of(v uint64) uint64 {
	if w.Bits == 0 || w.Bits >= 64 {
		return v
	}
	v &= 1<<w.Bits - 1
	if sign := uint64(1) << (w.Bits - 1); w.Signed && v&sign != 0 {
		v |= ^(1<<w.Bits - 1)
	}
	return v
}

// LockKind tells spinlocks from rwsems.
type LockKind uint8

const (
	SpinLock LockKind = iota
	RWSem
)

// Lock is a declared lock.
type Lock struct {
	Name string
	Kind LockKind
}

// Thread is a `cpu N` or `irq N` block.
type Thread struct {
	CPU   int // the script's CPU number
	Label string
	Proc  int
	// Preemptible (cpu blocks only): the task may be preempted once, and
	// resumed on its CPU or migrated to an idle one (preempt.go).
	Preemptible bool
}

// FinalKind is the quantifier of a final condition.
type FinalKind uint8

const (
	Exists FinalKind = iota
	NotExists
	Forall
)

func (k FinalKind) String() string {
	return [...]string{"exists", "~exists", "forall"}[k]
}

// Final is the litmus condition, compiled as a proc returning 0 or 1, with
// the observed terms that make up a final state.
type Final struct {
	Kind     FinalKind
	Proc     int
	Observed []Observed
	// Filter is the proc of the `filter` condition, or -1: executions
	// whose final state fails it count for nothing (herd's filter).
	Filter int
}

// Observed is a term of the final condition shown in the final states:
// register Slot of CPU thread Thread, or shared word Shared.
type Observed struct {
	Label  string
	Thread int // index into CPUs, or -1 for a shared word
	Slot   int // NeverAssigned: a register the CPU never assigns (0)
	Shared int
}

// NeverAssigned is the Slot of a register its CPU never assigns, which
// is 0 in every final state, as in herd.
const NeverAssigned = -1

// Expect is one `expect` line.
type Expect struct {
	Arch string // "" for all arches
	OK   bool
	Kind string // violation kind when !OK
	Pos  Pos
}

// Print is the template of a print(...) call: literal parts and value holes.
type Print struct {
	Parts []PrintPart
}

// PrintPart is a literal string or (when IsValue) the next value.
type PrintPart struct {
	Text    string
	IsValue bool
}

// ExpectationFor returns the expect lines that apply to arch under sc.
func (p *Program) ExpectationFor(arch string) []Expect { return p.ExpectationsFor(arch, "sc") }

// ExpectationsFor returns the expect lines that apply to arch under the
// memory model: lines for all, for the arch, and for the model
// (`expect tso: fail condition`). A model's lines replace the general
// ones where they exist.
func (p *Program) ExpectationsFor(arch, model string) []Expect {
	var general, specific []Expect
	for _, e := range p.Expects {
		switch e.Arch {
		case "", arch:
			general = append(general, e)
		case model:
			specific = append(specific, e)
		}
	}
	if len(specific) > 0 {
		return specific
	}
	return general
}

// CPUIndex returns the index in CPUs of the script's CPU number n, or -1.
func (p *Program) CPUIndex(n int) int {
	for i, t := range p.CPUs {
		if t.CPU == n {
			return i
		}
	}
	return -1
}
