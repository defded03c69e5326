// Package x86 is 32-bit x86 with PAE: 64-bit entries read and written as two
// 32-bit halves (arch/x86/include/asm/pgtable-3level.h), remote TLB flush by
// IPI (native_flush_tlb_multi), and "x86pae-pv", the same with a paravirt
// flush hypercall that neither sends an IPI nor waits (kvm_flush_tlb_multi,
// hyperv_flush_tlb_multi).
//
// Bits follow arch/x86/include/asm/pgtable_types.h: _PAGE_PRESENT bit 0,
// _PAGE_RW bit 1, _PAGE_USER bit 2, _PAGE_ACCESSED bit 5, _PAGE_DIRTY bit 6,
// _PAGE_PSE bit 7, _PAGE_NX bit 63.
package x86

import "github.com/mmuvm/mmuvm/arch"

const (
	present  = 1 << 0
	rw       = 1 << 1
	user     = 1 << 2
	accessed = 1 << 5
	dirty    = 1 << 6
	pse      = 1 << 7
	global   = 1 << 8
	nx       = 1 << 63
)

// Encoding is shared with xenpv, whose entries are x86-64's.
var Encoding = arch.Encoding{
	Present: present, Leaf: pse, User: user, Young: accessed, Dirty: dirty,
	Write: rw, PfnMask: 1<<40 - 1,
	PageKernel:   present | rw | global | nx,
	PageKernelRO: present | global | nx,
	PageShared:   present | rw | user | nx,
	PageReadonly: present | user | nx,
}

func init() {
	arch.Register(&arch.Simple{
		ArchName:   "x86pae",
		Encoding:   Encoding,
		ArchTraits: arch.Traits{SplitHalves: true, FlushByIPI: true, ContPTEs: 1},
	})
	arch.Register(&arch.Simple{
		ArchName:   "x86pae-pv",
		Encoding:   Encoding,
		ArchTraits: arch.Traits{SplitHalves: true, ContPTEs: 1},
	})
}
