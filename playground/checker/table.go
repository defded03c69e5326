package checker

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/report"
	"github.com/mmuvm/mmuvm/vm"
)

func allArches() []string { return arch.Names() }

// table lays a violation's trace out by CPU, as vm.WriteTrace does for
// the terminal: "CPU n", "irq n" and "IPI n" share CPU n's column.
func table(p *vm.Program, r *vm.Result, v *vm.Violation) *Table {
	col, heads := vm.LabelledColumns(r.Threads, r.Labels)
	t := &Table{Heads: heads, Message: v.Kind + ": " + v.Msg, Chart: report.ChartOf(p, r, v).SVG()}
	if v.Schedule != nil || v.Execution == "" {
		t.Schedule = vm.EncodeSchedule(v.Schedule)
	} else {
		t.Schedule = v.Execution
	}
	title := "Counterexample"
	if v.Kind == "condition" {
		title = "Witness"
	}
	t.Title = fmt.Sprintf("%s (%s), schedule %s", title, v.Kind, t.Schedule)
	for _, e := range v.Trace {
		row := Row{Step: e.Step, Col: col[e.Thread], Text: e.Text}
		switch th := r.Threads[e.Thread]; {
		case strings.HasPrefix(th, "irq"):
			row.Handler = "irq"
		case strings.HasPrefix(th, "IPI"):
			row.Handler = "ipi"
		}
		if e.Pos.File == 0 {
			row.Line = int(e.Pos.Line)
		} else if e.Pos.File > 0 && int(e.Pos.File) < len(p.Files) {
			row.Text = p.PosString(e.Pos) + ": " + row.Text
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
