// Package stdlib holds the .mmu modules scripts import by name
// (`import "lazy"` loads lazy.mmu). They are embedded so that the binaries
// and library users need no files on disk.
package stdlib

import "embed"

//go:embed *.mmu
var FS embed.FS
