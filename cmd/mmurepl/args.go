package main

import (
	"fmt"
	"strconv"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
)

// Command arguments.

// ints parses up to max integer arguments.
func ints(args []string, max int) ([]int, error) {
	if len(args) > max {
		return nil, fmt.Errorf("too many arguments")
	}
	var out []int
	for _, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a number", a)
		}
		out = append(out, n)
	}
	return out, nil
}

// evalArg evaluates a command's argument: a number, a local (a prompt
// local or a register of the current CPU's block), or a constant
// expression of the script (`VA`, `VA + 2M`), which runs on a throwaway
// machine just after init so that the session's machine is untouched.
func (s *Session) evalArg(text string) (uint64, error) {
	if v, err := lang.ParseNumber(text); err == nil {
		return v, nil
	}
	for _, e := range s.cur.prelude(s.cpu, declaredSet(s.cur.src)) {
		if e.name == text {
			return e.value, nil
		}
	}
	src := s.cur.src
	chunks := append(src.chunks(), scratchCPUs(src, nil, s.cpu)...)
	chunks = append(chunks, chunk{"proc __repl_eval() {\n__repl_value = (\n", "<prompt>", 1},
		chunk{text + "\n", inputName, s.lineNo}, chunk{")\nreturn __repl_value\n}\n", "<prompt>", 1})
	a := assemble(chunks)
	p, err := compiler.Compile(src.name, a.src, &compiler.Options{Files: compiler.DirFS(src.dir)})
	if err != nil {
		return 0, a.mapError(src.name, err)
	}
	m, err := newMachine(p, s.cur.archName())
	if err != nil {
		return 0, err
	}
	for i, pr := range p.Procs {
		if pr.Name == "__repl_eval" {
			v, viol := m.RunOn(p.CPUs[0].CPU, i)
			if viol != nil {
				return 0, viol
			}
			return v, nil
		}
	}
	return 0, fmt.Errorf("cannot evaluate %q", text)
}
