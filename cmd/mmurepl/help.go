package main

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

const helpIntro = `Type declarations, statements and commands. Input goes on while brackets
are open, so a block can span lines.

  shared x, table t, mm m, init { … }, cpu 0 { … }, proc f() { … }, …
        define things; typing an item again (same proc, cpu, name) replaces it.
        Every change recompiles the script and replays what was done so far
        (steps and statements) on a new machine.
  a statement or an expression
        runs at once, every step in a row, on the current CPU (:cpu N); an
        expression prints its value. A statement sees the registers of the
        CPU's block (read-only copies: assigning one prints the value and
        leaves the CPU's register alone) and the locals assigned at the
        prompt by a lone "name = expr" (kept; locals assigned inside if,
        while or for are not). A CPU without a cpu block gets an empty one
        in the live machine (not in :check). Statements appear in :trace as
        "prompt:" rows; their print() output is not shown.

Commands (any unique prefix works, e.g. :st for :step):
`

const helpOutro = `
:step N takes the step CPU N would take next: an interrupt handler in
progress, else a pending IPI it can answer (static_branch_enable and x86
TLB flushes wait for those), else its cpu block. ":step cpu N" steps the
block even with an IPI pending; ":step ipi N" and ":step irq N" name the
others. Thread numbers in schedules are the script's (as :check prints).
History is kept in the user cache directory (mmuvm/history); Tab
completes commands, builtins, declared names, arches and files; Ctrl-C
stops :check and :run; Ctrl-D leaves.
`

func (s *Session) help() {
	var b strings.Builder
	b.WriteString(helpIntro)
	for _, c := range commands {
		usage := ":" + c.name
		if c.args != "" {
			usage += " " + c.args
		}
		fmt.Fprintf(&b, "  %-32s %s\n", usage, c.help)
	}
	b.WriteString(helpOutro)
	fmt.Fprint(s.out, b.String())
}

// cmdHelp is :help, or :help NAME for a builtin of the one builtin table.
func (s *Session) cmdHelp(a []string) error {
	if len(a) == 0 {
		s.help()
		return nil
	}
	b := mmu.Builtins().Lookup(a[0])
	if b == nil {
		return fmt.Errorf("no builtin %s", a[0])
	}
	fmt.Fprintln(s.out, builtinSignature(b))
	if b.Doc != "" {
		fmt.Fprintln(s.out, "  "+b.Doc)
	}
	if b.Kernel != "" {
		fmt.Fprintln(s.out, "  kernel: "+b.Kernel)
	}
	return nil
}

// builtinSignature is "name(a, b)  step, may wait, may sleep".
func builtinSignature(b *mmu.Builtin) string {
	if b.Constant {
		return b.Name + "  constant"
	}
	params := make([]string, 0, b.Arity)
	for i := 0; i < b.Arity; i++ {
		p := "x"
		if i < len(b.Params) {
			p = map[byte]string{'m': "mm", 'l': "spinlock", 'r': "rwsem", 'k': "key", 'p': "&word"}[b.Params[i]]
		}
		if p == "" {
			p = "x"
		}
		if i >= b.Arity-b.Optional {
			p = "[" + p + "]"
		}
		params = append(params, p)
	}
	args := strings.Join(params, ", ")
	if b.Arity < 0 {
		args = "..."
	}
	kind := map[mmu.Kind]string{mmu.Pure: "pure", mmu.Step: "step", mmu.Local: "local", mmu.Init: "init only"}[b.Kind]
	if b.Blocks {
		kind += ", may wait"
	}
	if b.Sleeps {
		kind += ", may sleep"
	}
	return fmt.Sprintf("%s(%s)  %s", b.Name, args, kind)
}
