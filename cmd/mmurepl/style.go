package main

import (
	"github.com/fatih/color"

	"mmuvm/vm"
)

// style is the colouring of reports: none when color decides the output is
// not a terminal or NO_COLOR is set (as mmuasm does), or with --no-color.
func style(noColor bool) vm.Style {
	if noColor || color.NoColor {
		return vm.Style{}
	}
	return vm.Style{
		Bad:  paint(color.FgRed, color.Bold),
		Good: paint(color.FgGreen),
		Dim:  paint(color.Faint),
		Head: paint(color.Bold),
	}
}

func paint(attrs ...color.Attribute) func(string) string {
	c := color.New(attrs...)
	c.EnableColor() // the decision was made above, once
	return func(s string) string { return c.Sprint(s) }
}
