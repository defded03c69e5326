// Package examples bundles the example scripts (seeds/ and litmus/) for
// the programs that offer them, such as the playground's examples menu.
package examples

import "embed"

// FS holds seeds/*.mmu and litmus/*.mmu.
//
//go:embed seeds/*.mmu litmus/*.mmu
var FS embed.FS
