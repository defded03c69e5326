package main

import (
	"context"
	"fmt"

	"mmuvm/arch"
	"mmuvm/vm"
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
	for i, a := range arches {
		if i > 0 {
			fmt.Fprintln(s.out)
		}
		r, err := vm.Check(ctx, p, vm.Config{Arch: a})
		if err != nil {
			return err
		}
		vm.WriteResult(s.out, p, r, s.st)
		if ctx.Err() != nil {
			s.note("interrupted: the exploration stopped early")
			return nil
		}
	}
	return nil
}
