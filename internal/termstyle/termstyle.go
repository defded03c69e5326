// Package termstyle colours reports for the commands: on a terminal only,
// never with NO_COLOR set or when output is piped (fatih/color decides), or
// when the user asks for plain text.
package termstyle

import (
	"github.com/fatih/color"

	"github.com/mmuvm/mmuvm/vm"
)

// Style returns the report colouring; plain when noColor.
func Style(noColor bool) vm.Style {
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
