// Command mmuasm checks .mmu page-table litmus scripts: it explores every
// interleaving of their CPUs and reports the verdict, with the schedule that
// breaks a rule as a CPU-column table.
//
//	mmuasm check x.mmu          explore one script
//	mmuasm test dir/ …          every script below the paths, one line each
//	mmuasm run x.mmu            one execution (--seed or --schedule)
//	mmuasm build x.mmu -o x.mmub, mmuasm dis x.mmu|x.mmub
//	mmuasm fmt -w x.mmu         rewrite in the canonical layout
//	mmuasm lsp                  language server for editors
//	mmuasm playground           the browser playground on localhost
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // a verdict differs from its expectation
	exitUsage = 2 // usage or input errors
)

func main() {
	startingHeap(startGoal)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "--help" {
		writeUsage(stdout)
		return exitOK
	}
	if args[0] == "--version" {
		return cmdVersion(nil, stdout, stderr)
	}
	c := lookup(args[0])
	if c.name == "" {
		fmt.Fprintf(stderr, "mmuasm: unknown command %q\n", args[0])
		writeUsage(stderr)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

// report prints an input error: positioned errors with their source line.
func report(stderr io.Writer, err error) int {
	var le *lang.Error
	msg := "mmuasm: " + err.Error()
	if errors.As(err, &le) {
		msg = le.Detail()
	}
	// the message quotes the script (its line, a name): escape each line
	for _, l := range strings.Split(msg, "\n") {
		fmt.Fprintln(stderr, vm.Printable(l))
	}
	return exitUsage
}
