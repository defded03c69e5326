// Package xenpv is an x86-64 Xen PV guest: page-table writes made in lazy
// MMU mode are batched into multicalls (arch/x86/xen/mmu_pv.c,
// xen_set_pte -> xen_batched_set_pte) and reach the page tables only at
// xen_flush_lazy_mmu()/leave; the remote TLB flush is a hypercall
// (xen_flush_tlb_multi), so nobody waits for an IPI.
package xenpv

import (
	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/arch/x86"
)

func init() {
	arch.Register(&arch.Simple{
		ArchName:   "xenpv",
		Encoding:   x86.Encoding,
		ArchTraits: arch.Traits{LazyQueue: true, ContPTEs: 1},
	})
}
