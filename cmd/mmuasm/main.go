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

	"mmuvm/lang"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // a verdict differs from its expectation
	exitUsage = 2 // usage or input errors
)

const usage = `usage: mmuasm COMMAND [flags] FILE…

commands:
  check FILE      explore every execution of a script and print the verdict
  test PATH…      check every .mmu below the paths; one line per (script, arch)
  run FILE        run one execution (--seed S or --schedule TOKEN) and print its trace
  build FILE -o OUT.mmub   compile to bytecode
  dis FILE        disassemble a script or .mmub
  litmus2mmu FILE print the .mmu translation of a herd .litmus test
  fmt [-w] FILE…  print (or rewrite) scripts in the canonical layout
  lsp             a Language Server Protocol server on stdin/stdout, for editors
  playground      serve the browser playground on localhost (--out DIR: write it)

Run 'mmuasm COMMAND -h' for a command's flags.
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmds := map[string]func([]string, io.Writer, io.Writer) int{
		"check": cmdCheck, "test": cmdTest, "run": cmdRun, "build": cmdBuild, "dis": cmdDis,
		"litmus2mmu": cmdLitmus2mmu,
		"fmt":        cmdFmt, "lsp": cmdLSP, "playground": cmdPlayground,
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mmuasm: unknown command %q\n%s", args[0], usage)
		return exitUsage
	}
	return cmd(args[1:], stdout, stderr)
}

// report prints an input error: positioned errors with their source line.
func report(stderr io.Writer, err error) int {
	var le *lang.Error
	if errors.As(err, &le) {
		fmt.Fprintln(stderr, le.Detail())
	} else {
		fmt.Fprintln(stderr, "mmuasm:", err)
	}
	return exitUsage
}
