package mmu

import (
	"fmt"
	"sort"
)

// Status tells the VM what a builtin call did.
type Status uint8

const (
	Done  Status = iota // finished; its result is valid
	Again               // finished one visible step; call again (with Phase+1) for the next
	Block               // cannot proceed: the thread waits until a location it read changes
)

// Call is one invocation of a builtin. A builtin that is made of several
// visible steps (x86 PAE's two-half set_pte, a flush that waits for IPIs)
// returns Again and is called again with the same Args and Scratch and
// Phase incremented; one that must wait returns Block.
type Call struct {
	M       *Machine
	CPU     int // dense CPU index the thread runs on
	Thread  int // the explorer's thread number (owner of locks, waiter)
	InIRQ   bool
	Args    []uint64
	Phase   int
	Scratch []uint64 // per-thread scratch that survives between phases
}

// Kind classifies a builtin for the compiler and the scheduler.
type Kind uint8

const (
	Pure  Kind = iota // a function of its arguments and the arch: no machine state
	Step              // touches shared state: one (or more) visible steps
	Local             // touches only the calling CPU's private state: no scheduling point
	Init              // only in init (runs alone)
)

// Builtin is a function scripts can call by name.
type Builtin struct {
	Name  string
	Arity int // -1: any number of arguments
	// Optional is how many of the last Arity arguments may be left out
	// (alloc_page() is alloc_page(GFP_KERNEL)).
	Optional int
	Kind     Kind
	// Params has one letter per argument for the compiler's checks of
	// declared names: 'm' an mm, 'l' a spinlock, 'r' an rwsem, 'k' a static
	// key, '.' anything.
	Params string
	// Sleeps marks builtins that may sleep: a `lock` violation with IRQs off
	// or in interrupt context, and not allowed inside atomic { }.
	Sleeps bool
	// Blocks marks builtins that may wait (return Block).
	Blocks bool
	// Name-only builtins (PAGE_KERNEL, CONT_PTES) are used without parens.
	Constant bool
	// Void builtins return nothing in the kernel; traces omit their value.
	Void bool
	// Untracked builtins declare that what they touch is independent of
	// every other step: their accesses are left out of the step's
	// footprint, so partial-order reduction never reorders around them.
	// (A host builtin that really shares state must leave this false.)
	Untracked bool
	Fn        func(c *Call) (uint64, Status)
	// Sig is the call with argument names ("set_pte(ptep, pte)"), Doc what
	// it models, Kernel the kernel function and file it comes from: what an
	// editor shows on hover (see builtindoc.go).
	Sig    string
	Doc    string
	Kernel string

	host bool // registered by a host: its panics are caught
	// computes marks the RMWs whose written value is computed from the
	// value they read (atomic_add(), LDADD): herd makes that a data
	// dependency inside the RMW, which the LKMM's dep ; rfi and armv8's
	// data ; rfi carry on to a later read of the written value.
	computes bool
	// returnsRead marks the builtins that return the one value they read,
	// unchanged (READ_ONCE(), xchg(), atomic_fetch_add()): a value a
	// write copies from one of them is a copy of that read (the LKMM's
	// Copied writes).
	returnsRead bool
	// pair is how it accesses a pair of words (arm64's CASP, LDXP, STXP)
	pair PairShape
}

// PairShape is how a builtin accesses a pair of words, each with its own
// dependencies, which the weak engines must tell apart (vm's recorder).
type PairShape uint8

const (
	NoPair        PairShape = iota
	PairCAS                 // casp(): compares both words, swaps both
	PairLoadExcl            // ldxp(): reads both, returns the first
	PairStoreExcl           // stxp(): writes both, returns the status
	PairHi                  // pair_hi(): the second word of the last CASP or LDXP
)

// Host tells whether b was registered by a host rather than built in.
func (b *Builtin) Host() bool { return b.host }

// WriteFromRead tells whether b is an RMW whose written value is computed
// from the value it read, a data dependency inside the RMW (herd's
// intra-instruction data: CSem.ml's atomic ops and add_unless, AArch64's
// LD<op>); xchg() and cmpxchg() write a value given to them.
func (b *Builtin) WriteFromRead() bool { return b.computes }

// ReturnsRead tells whether b returns the one value it read, unchanged.
func (b *Builtin) ReturnsRead() bool { return b.returnsRead }

// Pair tells how b accesses a pair of words, if it does.
func (b *Builtin) Pair() PairShape { return b.pair }

// Registry is a set of builtins by name. The standard one is Builtins();
// hosts copy it and add their own.
type Registry struct {
	byName map[string]*Builtin
}

// NewRegistry returns a registry holding the standard builtins.
func NewRegistry() *Registry {
	r := &Registry{byName: make(map[string]*Builtin, len(standard))}
	for _, b := range standard {
		r.byName[b.Name] = b
	}
	return r
}

var stdRegistry = NewRegistry()

// Builtins returns the shared registry of standard builtins (do not modify).
func Builtins() *Registry { return stdRegistry }

// Clone returns a registry that can be extended without touching r.
func (r *Registry) Clone() *Registry {
	c := &Registry{byName: make(map[string]*Builtin, len(r.byName))}
	for k, v := range r.byName {
		c.byName[k] = v
	}
	return c
}

// Register adds or replaces a builtin.
func (r *Registry) Register(b *Builtin) error {
	if b.Name == "" || b.Fn == nil {
		return fmt.Errorf("builtin needs a name and a function")
	}
	b.host = true
	r.byName[b.Name] = b
	return nil
}

// Lookup finds a builtin by name.
func (r *Registry) Lookup(name string) *Builtin { return r.byName[name] }

// Names lists every builtin name, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Get and Set give builtins (the kernel's atomics and plain accesses, and
// host builtins) recorded access to memory words. An address outside the
// simulated memory is an error, never a word of the checker's own state
// (see memAddr): Get then reads 0 and Set does nothing.
func (c *Call) Get(addr uint64) uint64 {
	if !c.M.memAddr("", addr) {
		return 0
	}
	return c.M.S.Get(Loc(addr))
}

func (c *Call) Set(addr uint64, v uint64) {
	if c.M.memAddr("", addr) {
		c.M.S.Set(Loc(addr), v)
	}
}

// Load and Store give host builtins words of their own in the machine,
// keyed by key: the explorer undoes them when it backtracks, hashes them
// for the stateful search, and orders steps that touch the same key.
func (c *Call) Load(key uint64) uint64 { return c.M.S.Get(hostLoc(key)) }
func (c *Call) Store(key, v uint64)    { c.M.S.Set(hostLoc(key), v) }

func hostLoc(key uint64) Loc { return Loc(15<<tagShift) | Loc(key&(1<<tagShift-1)) }

// Touch records a read (or a write) of an abstract location in the host's
// own space, so that host builtins can declare what they depend on.
func (c *Call) Touch(key uint64, write bool) {
	l := hostLoc(key) | 1<<(tagShift-1) // apart from Load/Store's words
	if write {
		c.M.S.Set(l, 1)
	} else {
		c.M.S.Get(l)
	}
}
