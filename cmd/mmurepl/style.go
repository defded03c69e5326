package main

import (
	"io"

	"github.com/mmuvm/mmuvm/internal/termstyle"
	"github.com/mmuvm/mmuvm/vm"
)

// style is the colouring and layout of reports, as mmuasm does it: tables
// as wide as the terminal w is, in ASCII where the locale is not UTF-8.
func style(noColor bool, w io.Writer) vm.Style {
	st := termstyle.Style(noColor)
	st.Width = termstyle.Width(w)
	st.ASCII = !termstyle.UTF8()
	return st
}
