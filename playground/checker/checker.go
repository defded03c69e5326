// Package checker is what the playground's WebAssembly build runs: compile
// a script, check it on its arches, and describe the results as JSON for
// the page (the herd-like block, and the counterexample as the rows of a
// CPU-column table). It has no browser code, so it is tested natively.
package checker

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// Request is one press of Check.
type Request struct {
	Name  string `json:"name"`  // the file name shown in positions
	Src   string `json:"src"`   //
	Arch  string `json:"arch"`  // "" the script's arch line, "all" every arch
	Model string `json:"model"` // "" the script's model line
}

// Result is what the page shows.
type Result struct {
	Error *Error `json:"error,omitempty"`
	Runs  []Run  `json:"runs"`
}

// Error is a compile error, or a check that could not run.
type Error struct {
	Message string `json:"message"` // file:line:col: message, the line, a caret
	Line    int    `json:"line"`
	Col     int    `json:"col"`
}

// Run is the check on one arch.
type Run struct {
	Arch       string  `json:"arch"`
	Model      string  `json:"model"`
	Verdict    string  `json:"verdict"`
	Expected   string  `json:"expected"`
	Matched    bool    `json:"matched"`
	Executions int     `json:"executions"`
	ElapsedMS  float64 `json:"elapsedMS"`
	Block      string  `json:"block"` // the herd-like block, as mmuasm check prints it
	Report     string  `json:"report"`
	Table      *Table  `json:"table,omitempty"`
}

// Table is a counterexample or witness: one column per CPU (its irq and
// IPI handlers included), one row per event.
type Table struct {
	Title    string   `json:"title"` // "Counterexample (use-after-free), 15 steps, schedule …"
	Heads    []string `json:"heads"`
	Rows     []Row    `json:"rows"`
	Message  string   `json:"message"`
	Schedule string   `json:"schedule"`
	// Chart is the same trace as report.Chart's SVG sequence chart (one
	// lane per CPU, a row per event, arrows between lanes), the picture
	// of mmuasm check --html. Every text of the script in it is escaped
	// by report, so the page may insert it as markup.
	Chart string `json:"chart"`
}

// Row is one event in its CPU's column.
type Row struct {
	Step    int    `json:"step"`
	Col     int    `json:"col"`
	Line    int    `json:"line"` // 0: not a line of the script
	Text    string `json:"text"`
	Handler string `json:"handler,omitempty"` // "irq" or "ipi"
}

// Check compiles and checks the script. progress, if not nil, is called
// about every 100 ms of exploring.
func Check(ctx context.Context, req Request, progress func(vm.Progress)) Result {
	name := req.Name
	if name == "" {
		name = "playground.mmu"
	}
	p, err := compiler.Compile(name, []byte(req.Src), nil)
	if err != nil {
		return Result{Error: describeError(err)}
	}
	arches := p.Arches
	switch req.Arch {
	case "":
	case "all":
		arches = allArches()
	default:
		arches = []string{req.Arch}
	}
	var res Result
	for _, a := range arches {
		r, err := vm.Check(ctx, p, vm.Config{Arch: a, Model: req.Model, Progress: progress})
		if err != nil {
			return Result{Error: describeError(err), Runs: res.Runs}
		}
		res.Runs = append(res.Runs, describeRun(p, r))
	}
	return res
}

func describeError(err error) *Error {
	var le *lang.Error
	if errors.As(err, &le) {
		return &Error{Message: le.Detail(), Line: le.Pos.Line, Col: le.Pos.Col}
	}
	return &Error{Message: err.Error()}
}

func describeRun(p *vm.Program, r *vm.Result) Run {
	var out bytes.Buffer
	vm.WriteResult(&out, p, r, vm.Style{})
	report := out.String()
	block := report
	for _, head := range []string{"\nCounterexample (", "\nWitness ("} {
		if i := strings.Index(block, head); i >= 0 {
			block = block[:i+1]
		}
	}
	run := Run{
		Arch: r.Arch, Model: r.Model, Verdict: r.Verdict, Expected: r.Expected, Matched: r.Matched,
		Executions: r.Executions, ElapsedMS: float64(r.Elapsed) / float64(time.Millisecond),
		Block: block, Report: report,
	}
	if v := reported(r); v != nil {
		run.Table = table(p, r, v)
	}
	return run
}

// reported is the execution the report shows: the first violation, or the
// witness of a failed condition; none when the check ran out of its budget
// (the report's block says so).
func reported(r *vm.Result) *vm.Violation {
	if len(r.Violations) > 0 {
		if r.Violations[0].Budget() {
			return nil
		}
		return r.Violations[0]
	}
	return r.Witness
}
