package main

import (
	"mmuvm/internal/termstyle"
	"mmuvm/vm"
)

// style is the colouring of reports, as mmuasm does it.
func style(noColor bool) vm.Style { return termstyle.Style(noColor) }
