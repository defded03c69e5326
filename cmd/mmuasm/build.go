package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"mmuvm/compiler"
)

func cmdBuild(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags("build", &o, stderr)
	files, err := parse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: mmuasm build FILE [-o OUT.mmub]")
		return exitUsage
	}
	p, err := load(files[0])
	if err != nil {
		return report(stderr, err)
	}
	out := o.out
	if out == "" {
		out = strings.TrimSuffix(files[0], ".mmu") + ".mmub"
	}
	if err := os.WriteFile(out, compiler.Encode(p), 0o644); err != nil {
		return report(stderr, err)
	}
	return exitOK
}

func cmdDis(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags("dis", &o, stderr)
	proc := fs.String("proc", "", "only this proc")
	files, err := parse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: mmuasm dis [--proc NAME] FILE")
		return exitUsage
	}
	p, err := load(files[0])
	if err != nil {
		return report(stderr, err)
	}
	if err := compiler.Disassemble(stdout, p, *proc); err != nil {
		return report(stderr, err)
	}
	return exitOK
}
