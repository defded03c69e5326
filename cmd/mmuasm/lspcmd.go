package main

import (
	"context"
	"fmt"
	"io"

	"github.com/mmuvm/mmuvm/lsp"
)

// cmdLSP runs the language server on stdin and stdout (package lsp).
// --stdio is accepted because editors' LSP clients pass it.
func cmdLSP(args []string, stdout, stderr io.Writer) int {
	if _, code, ok := noArgs("lsp", args, stdout, stderr); !ok {
		return code
	}
	if err := lsp.Serve(context.Background(), stdin, stdout); err != nil {
		fmt.Fprintln(stderr, "mmuasm lsp:", err)
		return exitFail
	}
	return exitOK
}
