package main

import (
	"fmt"
	"io"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// cmdLitmus2mmu prints the .mmu translation of a herd .litmus test, for
// people to extend it with page tables.
func cmdLitmus2mmu(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		writeHelp(stdout, lookup("litmus2mmu"))
		return exitOK
	}
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: mmuasm litmus2mmu FILE.litmus")
		return exitUsage
	}
	src, err := compiler.ReadSource(args[0], vm.Limits{})
	if err != nil {
		return report(stderr, err)
	}
	text, err := litmus.Translate(args[0], src)
	if err != nil {
		return report(stderr, err)
	}
	fmt.Fprint(stdout, text)
	return exitOK
}
