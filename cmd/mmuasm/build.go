package main

import (
	"flag"
	"io"
	"os"
	"strings"

	"mmuvm/compiler"
)

func cmdBuild(args []string, stdout, stderr io.Writer) int {
	o, file, p, code, ok := oneScript("build", "mmuasm build FILE [-o OUT.mmub]", args, stderr, nil)
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
	var proc *string
	_, _, p, code, ok := oneScript("dis", "mmuasm dis [--proc NAME] FILE", args, stderr, func(fs *flag.FlagSet) {
		proc = fs.String("proc", "", "only this proc")
	})
	if !ok {
		return code
	}
	if err := compiler.Disassemble(stdout, p, *proc); err != nil {
		return report(stderr, err)
	}
	return exitOK
}
