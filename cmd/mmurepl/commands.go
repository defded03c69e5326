package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// errQuit ends the session.
var errQuit = errors.New("quit")

// command is a `:name` command.
type command struct {
	name  string
	args  string
	help  string
	run   func(s *Session, ctx context.Context, args []string) error
	long  bool // may run long: Ctrl-C cancels it
	files bool // completes file names
}

// commands lists the commands in the order :help shows them.
var commands []command

func init() {
	commands = []command{
		{name: "load", args: "FILE.mmu", help: "start again from a script (definitions, arch and log are replaced)", files: true,
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdLoad(a) }},
		{name: "arch", args: "[NAME]", help: "show or change the arch (the log is replayed on the new arch)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdArch(a) }},
		{name: "cpu", args: "[N]", help: "show or change the CPU bare statements run on (and :step's default)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdCPU(a) }},
		{name: "step", args: "[cpu|irq|ipi] [N] [COUNT]", help: "take COUNT visible steps of CPU N, showing what each read and wrote",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdStep(a) }},
		{name: "irq", args: "N", help: "fire CPU N's interrupt handler now",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdIRQ(a) }},
		{name: "preempt", args: "N [TO]", help: "switch CPU N's preemptible task out now and resume it on CPU TO (default N), if it can be preempted here",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdPreempt(a) }},
		{name: "drain", args: "N", help: "page_reuse: drain CPU N's free-page list now, so that its next allocations get fresh pages",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdDrain(a) }},
		{name: "flush", args: "N", help: "model tso: move the oldest store of CPU N's store buffer to memory now",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdFlush(a) }},
		{name: "run", args: "[random [SEED] | SCHEDULE]", help: "run from here to the end (lowest thread first, at random, or a schedule)", long: true,
			run: func(s *Session, ctx context.Context, a []string) error { return s.cmdRun(ctx, a) }},
		{name: "check", args: "[ARCH|all]", help: "explore every execution from the state after init, like mmuasm check", long: true,
			run: func(s *Session, ctx context.Context, a []string) error { return s.cmdCheck(ctx, a) }},
		{name: "html", args: "FILE.html", help: "write the last :check as one self-contained HTML page (chart, MMU state, source)", files: true,
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdHTML(a) }},
		{name: "replay", args: "SCHEDULE", help: "start again and take a schedule's steps (as :check prints it)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdReplay(a) }},
		{name: "reset", help: "back to the state after init (definitions stay)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdReset(a) }},
		{name: "pt", args: "MM [VA]", help: "the page-table walk of VA in MM, each level decoded (no VA: every mapping)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdPT(a) }},
		{name: "tlb", args: "[CPU]", help: "cached translations per CPU",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdTLB(a) }},
		{name: "lazy", args: "[CPU]", help: "lazy MMU state, pending barriers and queued writes per CPU",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdLazy(a) }},
		{name: "regs", args: "[CPU]", help: "threads, their registers, shared and task words, prompt locals",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdRegs(a) }},
		{name: "trace", args: "[all]", help: "the steps taken so far, one column per CPU (all: runs of like rows not folded)",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdTrace(a) }},
		{name: "dis", args: "[PROC]", help: "disassemble the script (or one proc, e.g. \"cpu 0\")",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdDis(a) }},
		{name: "list", help: "the script as defined so far",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdList(a) }},
		{name: "save", args: "FILE.mmu", help: "write the script as defined so far", files: true,
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdSave(a) }},
		{name: "help", args: "[BUILTIN]", help: "this text, or what a builtin takes and does",
			run: func(s *Session, _ context.Context, a []string) error { return s.cmdHelp(a) }},
		{name: "quit", help: "leave (Ctrl-D too)",
			run: func(*Session, context.Context, []string) error { return errQuit }},
	}
}

// lookupCommand finds a command by name or unique prefix (:s is ambiguous,
// :st is :step).
func lookupCommand(name string) (*command, error) {
	var found []*command
	for i := range commands {
		c := &commands[i]
		if c.name == name {
			return c, nil
		}
		if strings.HasPrefix(c.name, name) {
			found = append(found, c)
		}
	}
	switch {
	case name == "q" || name == "exit":
		return lookupCommand("quit")
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		var names []string
		for _, c := range found {
			names = append(names, ":"+c.name)
		}
		return nil, fmt.Errorf("ambiguous command :%s (%s)", name, strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("unknown command :%s (:help lists them)", name)
}

func (s *Session) cmdLoad(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: :load FILE.mmu")
	}
	path := args[0]
	data, err := compiler.ReadSource(path, vm.Limits{}) // the parser holds ~175 bytes a source byte
	if err != nil {
		return err
	}
	items, err := splitItems(path, data, path, 1)
	if err != nil {
		return err
	}
	src := &script{name: path, dir: filepath.Dir(path), items: items}
	st, err := s.build(src, s.archFlag, nil)
	if err != nil {
		return err
	}
	s.cur = st
	if len(st.prog.CPUs) > 0 {
		s.cpu = st.prog.CPUs[0].CPU
	}
	fmt.Fprintf(s.out, "%s %s on %s\n", s.st.Apply(s.st.Head, "Loaded"), vm.Printable(st.prog.Name), st.archName())
	s.showThreads()
	return nil
}

func (s *Session) cmdArch(args []string) error {
	if len(args) == 0 {
		fmt.Fprintf(s.out, "arch %s (known: %s)\n", s.cur.archName(), strings.Join(arch.Names(), ", "))
		return nil
	}
	if _, err := arch.Lookup(args[0]); err != nil {
		return err
	}
	if err := s.rebuild(s.cur.src, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "arch %s\n", args[0])
	return nil
}

func (s *Session) cmdCPU(args []string) error {
	nums, err := ints(args, 1)
	if err != nil {
		return fmt.Errorf("usage: :cpu [N]: %w", err)
	}
	if len(nums) == 1 {
		s.cpu = nums[0]
	}
	id, err := s.cur.m.ThreadOf(vm.TaskThread, s.cpu)
	if err != nil {
		s.note("CPU %d has no cpu block: a statement run on it gives it an empty one", s.cpu)
		return nil
	}
	s.showThread(id)
	return nil
}

func (s *Session) cmdReset(args []string) error {
	if len(args) > 0 {
		return errors.New("usage: :reset")
	}
	if err := s.reset(); err != nil {
		return err
	}
	s.showThreads()
	return nil
}

func (s *Session) cmdList(args []string) error {
	for _, it := range s.cur.src.items {
		fmt.Fprint(s.out, it.text)
	}
	return nil
}

func (s *Session) cmdSave(args []string) error {
	if len(args) != 1 {
		return errors.New("usage: :save FILE.mmu")
	}
	var b strings.Builder
	for _, it := range s.cur.src.items {
		b.WriteString(it.text)
	}
	return os.WriteFile(args[0], []byte(b.String()), 0o644)
}

func (s *Session) cmdDis(args []string) error {
	p, err := s.baseProgram()
	if err != nil {
		return err
	}
	return compiler.Disassemble(s.out, p, strings.Join(args, " "))
}

// baseProgram compiles the script as written: no scratch CPUs, no
// statements (what :check explores and :dis lists).
func (s *Session) baseProgram() (*vm.Program, error) {
	src := s.cur.src
	a := assemble(src.chunks())
	p, err := compiler.Compile(src.name, a.src, &compiler.Options{Files: compiler.DirFS(src.dir)})
	if err != nil {
		return nil, a.mapError(src.name, err)
	}
	return p, nil
}
