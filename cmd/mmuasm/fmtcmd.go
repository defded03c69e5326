package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"mmuvm/format"
)

// stdin is the input of the commands that read it (fmt without files,
// lsp); tests replace it.
var stdin io.Reader = os.Stdin

// cmdFmt prints or rewrites scripts in the canonical layout (package
// format). Without files it formats standard input, as an editor's
// "format buffer" pipes it.
func cmdFmt(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mmuasm fmt", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("w", false, "rewrite the files in place instead of printing them")
	list := fs.Bool("l", false, "only list the files whose layout differs")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mmuasm fmt [-w] [-l] [FILE…]  (no FILE: standard input)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		return fmtFilter(stdin, stdout, stderr)
	}
	code := exitOK
	for _, f := range fs.Args() {
		src, err := os.ReadFile(f)
		if err != nil {
			code = report(stderr, err)
			continue
		}
		if c := fmtOne(f, src, *write, *list, stdout, stderr); c != exitOK {
			code = c
		}
	}
	return code
}

// fmtFilter formats standard input. On an error it prints the input back
// unchanged (and the error on stderr, exit 2), because an editor that
// filters a buffer through it (Vim's formatprg) replaces the text with
// whatever comes out.
func fmtFilter(in io.Reader, stdout, stderr io.Writer) int {
	src, err := io.ReadAll(in)
	if err != nil {
		return report(stderr, err)
	}
	out, err := format.Source("<stdin>", src)
	if err != nil {
		stdout.Write(src)
		return report(stderr, err)
	}
	stdout.Write(out)
	return exitOK
}

func fmtOne(name string, src []byte, write, list bool, stdout, stderr io.Writer) int {
	out, err := format.Source(name, src)
	if err != nil {
		return report(stderr, err)
	}
	changed := !bytes.Equal(out, src)
	switch {
	case list:
		if changed {
			fmt.Fprintln(stdout, name)
		}
	case write:
		if changed {
			if err := os.WriteFile(name, out, 0o644); err != nil {
				return report(stderr, err)
			}
		}
	default:
		stdout.Write(out)
	}
	return exitOK
}
