package lsp

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// The check after a save is bounded: the editor should show a verdict in
// seconds, and a script whose search is longer says so (incomplete) and
// is checked in full with mmuasm check.
const (
	checkTimeout    = 10 * time.Second
	checkExecutions = 200000
)

// check runs a bounded check of the compiled script on each of its arches
// and turns the results into diagnostics: each violation on the line that
// raised it, and the verdict on the first expect line.
func (d *document) check(ctx context.Context, p *vm.Program) []Diagnostic {
	var out []Diagnostic
	arches := p.Arches
	if len(arches) == 0 {
		arches = []string{"arm64"}
	}
	for _, a := range arches {
		r, err := vm.Check(ctx, p, vm.Config{Arch: a, Timeout: checkTimeout, Limits: vm.Limits{Executions: checkExecutions}})
		if err != nil {
			out = append(out, Diagnostic{Range: d.verdictRange(), Severity: SeverityError, Source: "mmuasm check", Message: a + ": " + err.Error()})
			continue
		}
		out = append(out, d.resultDiagnostics(p, r)...)
	}
	return out
}

func (d *document) resultDiagnostics(p *vm.Program, r *vm.Result) []Diagnostic {
	var out []Diagnostic
	sev := SeverityError
	if r.Matched || r.Expected == "" && r.Verdict == "ok" {
		sev = SeverityInformation
	}
	for _, v := range r.Violations {
		sevV := SeverityError
		if r.Matched {
			sevV = SeverityInformation // the failure the script expects
		}
		msg := fmt.Sprintf("%s: %s: %s", r.Arch, v.Kind, v.Msg)
		if tok := violationToken(v); tok != "" {
			msg += " (mmuasm run --schedule " + tok + ")"
		}
		out = append(out, Diagnostic{Range: d.vmRange(p, v.Pos), Severity: sevV, Source: "mmuasm check", Message: msg})
	}
	summary := fmt.Sprintf("%s: verdict %s, %d executions", r.Arch, r.Verdict, r.Executions)
	if r.Expected != "" {
		state := "matched"
		if !r.Matched {
			state = "NOT matched"
		}
		summary += fmt.Sprintf(" (expected %s: %s)", r.Expected, state)
	}
	if r.Verdict == "incomplete" || len(r.Bounds) > 0 && len(r.Violations) == 0 {
		summary += fmt.Sprintf("; the bounded check stopped early (%s): run mmuasm check for the full search", strings.Join(r.Bounds, ", "))
		if sev == SeverityInformation {
			sev = SeverityWarning
		}
	}
	return append(out, Diagnostic{Range: d.verdictRange(), Severity: sev, Source: "mmuasm check", Message: summary})
}

func violationToken(v *vm.Violation) string {
	if v.Execution != "" {
		return v.Execution
	}
	return vm.EncodeSchedule(v.Schedule)
}

// vmRange places a position of the compiled program; one in an imported
// file is shown at the top of the script.
func (d *document) vmRange(p *vm.Program, pos vm.Pos) Range {
	if int(pos.File) >= len(p.Files) || p.Files[pos.File].Name != d.path || pos.Line == 0 {
		return d.verdictRange()
	}
	return d.rangeAt(lang.Pos{File: d.path, Line: int(pos.Line), Col: int(pos.Col)})
}

// verdictRange is the first expect line, or the first line.
func (d *document) verdictRange() Range {
	if d.file != nil {
		for _, it := range d.file.Items {
			if e, ok := it.(*lang.ExpectItem); ok {
				return d.rangeAt(lang.PosOf(e.Pos))
			}
		}
	}
	return d.rangeAt(lang.Pos{File: d.path, Line: 1, Col: 1})
}
