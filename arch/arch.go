// Package arch describes the architectures the MMU core simulates: how page
// table entries are encoded, and which of the core's behaviours (split
// 32-bit halves, IPI-based TLB flush, deferred kernel-PTE barriers, queued
// writes in lazy mode, contpte, break-before-make) an arch has. Each arch is
// a subpackage that registers itself; mmu imports them all.
package arch

import (
	"fmt"
	"sort"
	"strings"
)

// Arch is one simulated architecture.
type Arch interface {
	Name() string
	Enc() *Encoding
	Traits() Traits
}

// Encoding gives the bits of a page-table entry. Entries of every level are
// pfn<<12 | flags; a zero flag mask means the arch has no such bit.
type Encoding struct {
	Present  uint64 // valid/present bit
	Table    uint64 // pmd/pud entry points to a table (arm64: bit 1 set; x86: PSE clear)
	Leaf     uint64 // pmd/pud entry is a block (x86: PSE); on arm64 a block has Table clear
	PageBit  uint64 // bit set in every valid level-3 entry (arm64: bit 1), 0 elsewhere
	User     uint64 // user-accessible
	Young    uint64 // access flag
	Dirty    uint64 // software or hardware dirty bit
	Write    uint64 // writable (arm64: DBM)
	ReadOnly uint64 // arm64 AP[2]: hardware-clean marker for DBM entries
	Cont     uint64 // arm64 PTE_CONT
	PfnMask  uint64 // bits of the pfn field, before shifting by 12

	// The protections scripts name, without young/dirty (entries are made
	// clean and old unless a mk builtin says otherwise).
	PageKernel, PageKernelRO, PageShared, PageReadonly uint64
}

// Traits selects the behaviours of the MMU core.
type Traits struct {
	SplitHalves   bool // PTEs are written and read as two 32-bit halves (x86 PAE)
	FlushByIPI    bool // remote TLB flush is an IPI that the sender waits for
	PTEBarriers   bool // valid kernel PTE writes need dsb+isb before the walker sees them (arm64)
	LazyQueue     bool // PTE writes in lazy mode are queued until flush/leave (Xen PV)
	ContPTE       bool // 16-entry contiguous blocks (arm64)
	BreakBeforeMk bool // valid-to-valid changes of output address are violations (arm64)
	ContPTEs      int  // entries in a contpte block (1 where there are none)
	LazyNests     bool // a nested arch_enter_lazy_mmu_mode() in task context is tolerated (arm64 since 6.16)
	BBML2         bool // block size changes need no break-before-make (arm64 BBML2_NOABORT)
}

// Option is an arch option a script or --arch can name after a '+'
// (arm64+bbml2): a change of the arch's traits.
type Option struct {
	Doc   string
	Apply func(*Traits)
}

var registry = map[string]Arch{}

// Register adds an arch; subpackages call it from init.
func Register(a Arch) {
	if _, dup := registry[a.Name()]; dup {
		panic("arch: duplicate " + a.Name())
	}
	registry[a.Name()] = a
}

// Lookup returns the arch called name: a registered arch, or one followed
// by options it lists ("arm64+bbml2"), which is that arch with the
// options' traits.
func Lookup(name string) (Arch, error) {
	if a, ok := registry[name]; ok {
		return a, nil
	}
	parts := strings.Split(name, "+")
	base, ok := registry[parts[0]]
	if !ok || len(parts) == 1 {
		return nil, fmt.Errorf("unknown arch %q (known: %v)", name, Names())
	}
	opts := Options(base)
	tr := base.Traits()
	for _, o := range parts[1:] {
		opt, ok := opts[o]
		if !ok {
			return nil, fmt.Errorf("arch %s has no option %q (options: %v)", parts[0], o, optionNames(opts))
		}
		opt.Apply(&tr)
	}
	return &Simple{ArchName: name, Encoding: *base.Enc(), ArchTraits: tr}, nil
}

// Options returns the options an arch accepts (none for most).
func Options(a Arch) map[string]Option {
	if s, ok := a.(*Simple); ok {
		return s.ArchOptions
	}
	return nil
}

func optionNames(opts map[string]Option) []string {
	var names []string
	for n := range opts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Names lists the registered arches in a stable order.
func Names() []string {
	var names []string
	for n := range registry {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	return names
}

// order keeps the documented order (arm64, x86pae, x86pae-pv, xenpv) first.
func order(name string) string {
	for i, n := range []string{"arm64", "x86pae", "x86pae-pv", "xenpv"} {
		if n == name {
			return fmt.Sprint(i)
		}
	}
	return "9" + name
}

// Simple is an Arch made of plain values; the subpackages use it.
type Simple struct {
	ArchName    string
	Encoding    Encoding
	ArchTraits  Traits
	ArchOptions map[string]Option
}

func (s *Simple) Name() string   { return s.ArchName }
func (s *Simple) Enc() *Encoding { return &s.Encoding }
func (s *Simple) Traits() Traits { return s.ArchTraits }
