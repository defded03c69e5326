package main

import (
	"io"
	"os"
	"strings"

	"github.com/mmuvm/mmuvm/compiler"
)

func cmdBuild(args []string, stdout, stderr io.Writer) int {
	o, file, p, code, ok := oneScript("build", args, stdout, stderr)
	if !ok {
		return code
	}
	out := o.out
	if out == "" {
		out = strings.TrimSuffix(file, ".mmu") + ".mmub"
	}
	if err := os.WriteFile(out, compiler.Encode(p), 0o644); err != nil {
		return report(stderr, err)
	}
	return exitOK
}

func cmdDis(args []string, stdout, stderr io.Writer) int {
	o, _, p, code, ok := oneScript("dis", args, stdout, stderr)
	if !ok {
		return code
	}
	if o.jsonOut {
		l, err := compiler.List(p, o.proc)
		if err != nil {
			return report(stderr, err)
		}
		if err := writeJSON(stdout, l); err != nil {
			return report(stderr, err)
		}
		return exitOK
	}
	if err := compiler.Disassemble(stdout, p, o.proc); err != nil {
		return report(stderr, err)
	}
	return exitOK
}
