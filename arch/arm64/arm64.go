// Package arm64 is the arm64 arch: 4K granule, contpte, break-before-make,
// and kernel PTE barriers that lazy MMU mode batches.
//
// Bits follow arch/arm64/include/asm/pgtable-hwdef.h and pgtable-prot.h:
// PTE_VALID bit 0, PTE_TABLE_BIT/PTE_TYPE_PAGE bit 1, PTE_USER (AP[1]) bit 6,
// PTE_RDONLY (AP[2]) bit 7, PTE_AF bit 10, PTE_DBM (PTE_WRITE) bit 51,
// PTE_CONT bit 52, PTE_DIRTY (software) bit 55.
package arm64

import "github.com/mmuvm/mmuvm/arch"

const (
	valid  = 1 << 0
	table  = 1 << 1
	user   = 1 << 6
	rdonly = 1 << 7
	af     = 1 << 10
	ng     = 1 << 11
	write  = 1 << 51
	cont   = 1 << 52
	pxn    = 1 << 53
	uxn    = 1 << 54
	dirty  = 1 << 55
	attr   = 3 << 8 // inner shareable
)

func init() {
	arch.Register(&arch.Simple{
		ArchName: "arm64",
		Encoding: arch.Encoding{
			Present: valid, Table: table, PageBit: table, User: user,
			Young: af, Dirty: dirty, Write: write, ReadOnly: rdonly, Cont: cont,
			PfnMask: 1<<36 - 1,
			// PROT_NORMAL: writable, hardware-clean (RDONLY set with DBM)
			PageKernel:   valid | attr | pxn | uxn | write | rdonly,
			PageKernelRO: valid | attr | pxn | uxn | rdonly,
			PageShared:   valid | attr | user | ng | pxn | uxn | write | rdonly,
			PageReadonly: valid | attr | user | ng | pxn | uxn | rdonly,
		},
		ArchTraits: arch.Traits{
			PTEBarriers: true, ContPTE: true, BreakBeforeMk: true, ContPTEs: 16,
			// arch_enter_lazy_mmu_mode() tolerates nesting since commit
			// 1ef3095b1405 ("arm64/mm: Permit lazy_mmu_mode to be nested"):
			// DEBUG_PAGEALLOC/KFENCE re-enter from apply_to_page_range().
			LazyNests: true,
		},
		ArchOptions: map[string]arch.Option{
			// BBML2_NOABORT (arch/arm64/kernel/cpufeature.c,
			// system_supports_bbml2_noabort()): the block size of a live
			// mapping may change without break-before-make. Used since 6.16
			// by contpte_convert() and for splitting the linear map.
			"bbml2": {Doc: "BBML2_NOABORT: block size changes without break-before-make",
				Apply: func(t *arch.Traits) { t.BBML2 = true }},
		},
	})
}
