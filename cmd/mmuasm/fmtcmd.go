package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/mmuvm/mmuvm/format"
)

// stdin is the input of the commands that read it (fmt without files,
// lsp); tests replace it.
var stdin io.Reader = os.Stdin

// cmdFmt prints or rewrites scripts in the canonical layout (package
// format). Without files it formats standard input, as an editor's
// "format buffer" pipes it.
func cmdFmt(args []string, stdout, stderr io.Writer) int {
	o, files, code, ok := parseArgs("fmt", args, stdout, stderr)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return fmtFilter(stdin, stdout, stderr)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			code = report(stderr, err)
			continue
		}
		if c := fmtOne(f, src, o.write, o.list, stdout, stderr); c != exitOK {
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
