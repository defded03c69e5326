package vm

import "syscall"

// adviseHuge asks the kernel to back b with transparent huge pages where
// it allows them (enabled set to "madvise" or "always"); an error only
// leaves b on small pages.
func adviseHuge(b []byte) { _ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) }
