package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/report"
	"github.com/mmuvm/mmuvm/vm"
)

// cmdCheck: `:check [ARCH|all]` explores the script as written from the
// state after init (the log and statements typed at the prompt play no
// part), on the session's arch, one arch, or all of them. Ctrl-C stops
// the exploration and prints what it found so far.
func (s *Session) cmdCheck(ctx context.Context, args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("usage: :check [ARCH|all]")
	}
	p, err := s.baseProgram()
	if err != nil {
		return err
	}
	arches := []string{s.cur.archName()}
	if len(args) == 1 {
		arches = []string{args[0]}
		if args[0] == "all" {
			arches = arch.Names()
		} else if _, err := arch.Lookup(args[0]); err != nil {
			return err
		}
	}
	s.checked = &checked{prog: p}
	for i, a := range arches {
		if i > 0 {
			fmt.Fprintln(s.out)
		}
		r, err := vm.Check(ctx, p, vm.Config{Arch: a})
		if err != nil {
			return err
		}
		s.checked.results = append(s.checked.results, r)
		vm.WriteResult(s.out, p, r, s.st)
		if ctx.Err() != nil {
			s.note("interrupted: the exploration stopped early")
			return nil
		}
	}
	return nil
}

// cmdHTML: `:html FILE` writes what the last :check found as one
// self-contained HTML page (sequence chart, MMU state, source), as
// `mmuasm check --html` does.
func (s *Session) cmdHTML(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: :html FILE.html")
	}
	if s.checked == nil || len(s.checked.results) == 0 {
		return fmt.Errorf("nothing checked yet: run :check, then :html FILE.html")
	}
	var b bytes.Buffer
	if err := report.WriteHTML(&b, s.checked.prog, s.checked.results); err != nil {
		return err
	}
	if err := os.WriteFile(args[0], b.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "wrote %s\n", args[0])
	return nil
}
