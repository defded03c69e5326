package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"mmuvm/lsp"
)

// cmdLSP runs the language server on stdin and stdout (package lsp).
// --stdio is accepted because editors' LSP clients pass it.
func cmdLSP(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mmuasm lsp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("stdio", true, "talk over stdin and stdout (the only transport)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mmuasm lsp  (a Language Server Protocol server on stdin/stdout)")
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if err := lsp.Serve(context.Background(), stdin, stdout); err != nil {
		fmt.Fprintln(stderr, "mmuasm lsp:", err)
		return exitFail
	}
	return exitOK
}
