package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// WriteHTML writes results (one per arch) as one self-contained HTML page:
// inline CSS, SVG and a few lines of JS, nothing fetched, so that it opens
// from a mail attachment or a bug tracker offline. For each result: the
// test, model and verdict, the counterexample's (or witness's) sequence
// chart, the MMU at the violating step, the schedule token, and the source
// with the trace's lines highlighted.
func WriteHTML(w io.Writer, prog *vm.Program, results []*vm.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>mmuvm: %s</title>\n<style>%s</style></head>\n<body>\n", esc(prog.Name), css)
	fmt.Fprintf(&b, "<h1>%s</h1>\n", esc(prog.Name))
	lines := map[vm.Pos]bool{}
	for i, r := range results {
		if err := writeResult(&b, prog, r, i, lines); err != nil {
			return err
		}
	}
	writeSource(&b, prog, lines)
	fmt.Fprintf(&b, "<script>%s</script>\n</body></html>\n", js)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeResult writes one (script, arch) section and marks the source
// lines its trace passes through.
func writeResult(b *strings.Builder, prog *vm.Program, r *vm.Result, n int, lines map[vm.Pos]bool) error {
	fmt.Fprintf(b, "<section class=\"result\" id=\"result-%d\">\n<h2>%s on %s</h2>\n<table class=\"facts\">\n", n, esc(r.Test), esc(r.Arch))
	model := r.Model
	if model == "" {
		model = "sc"
	}
	verdictClass := "ok"
	if strings.HasPrefix(r.Verdict, "fail") {
		verdictClass = "fail"
	}
	fact(b, "model", esc(model))
	fact(b, "verdict", fmt.Sprintf(`<span class="verdict %s">%s</span>`, verdictClass, esc(r.Verdict)))
	if r.Expected != "" {
		m := "matched"
		if !r.Matched {
			m = "NOT matched"
		}
		fact(b, "expected", esc(r.Expected+": "+m))
	}
	fact(b, "executions", fmt.Sprint(r.Executions))
	if r.Condition != "" {
		fact(b, "condition", esc(r.Condition+": "+vm.ConditionWords(r)))
		fact(b, "observation", esc(fmt.Sprintf("%s (%d positive, %d negative executions)", r.Observation, r.Positive, r.Negative)))
	}
	for _, bound := range r.Bounds {
		fact(b, "bound hit", esc(bound))
	}
	b.WriteString("</table>\n")
	v := r.Witness
	if len(r.Violations) > 0 {
		v = r.Violations[0]
	}
	if v == nil {
		b.WriteString("<p>No counterexample: nothing to draw.</p>\n</section>\n")
		return nil
	}
	if v.Budget() {
		fmt.Fprintf(b, "<p class=\"message\"><b>%s</b>: %s</p>\n<p>The check stopped there: no execution to draw.</p>\n</section>\n", esc(v.Kind), esc(v.Msg))
		return nil
	}
	return writeViolation(b, prog, r, v, lines)
}

func writeViolation(b *strings.Builder, prog *vm.Program, r *vm.Result, v *vm.Violation, lines map[vm.Pos]bool) error {
	title, token := "Counterexample", vm.EncodeSchedule(v.Schedule)
	if v.Kind == "condition" {
		title = "Witness"
	}
	if v.Execution != "" {
		token = v.Execution
	}
	fmt.Fprintf(b, "<h3>%s (%s), %d events</h3>\n", title, esc(v.Kind), len(v.Trace))
	fmt.Fprintf(b, "<p class=\"message\"><b>%s</b>: %s", esc(v.Kind), esc(v.Msg))
	if v.Pos.File >= 0 {
		fmt.Fprintf(b, " <span class=\"pos\">at %s</span>", esc(prog.PosString(v.Pos)))
	}
	b.WriteString("</p>\n")
	fmt.Fprintf(b, "<p>Schedule token: <code class=\"token\">%s</code> (replay: <code>mmuasm run --arch %s --schedule %s %s</code>)</p>\n",
		esc(token), esc(r.Arch), esc(token), esc(prog.File))
	fmt.Fprintf(b, "<div class=\"chart-box\">\n%s</div>\n", ChartOf(prog, r, v).SVG())
	for _, e := range v.Trace {
		if e.Pos.File >= 0 {
			lines[vm.Pos{File: e.Pos.File, Line: e.Pos.Line}] = true
		}
	}
	if len(v.Trace) == 0 {
		b.WriteString("</section>\n")
		return nil
	}
	st, err := StateAt(prog, r.Arch, v.Schedule, v.Trace, v.Msg)
	if err != nil {
		return err
	}
	writeState(b, st)
	b.WriteString("</section>\n")
	return nil
}

func fact(b *strings.Builder, key, value string) {
	fmt.Fprintf(b, "<tr><th>%s</th><td>%s</td></tr>\n", key, value)
}

// writeState shows the MMU at the violating step.
func writeState(b *strings.Builder, st *MachineState) {
	if st == nil {
		b.WriteString("<p>A weak model's execution has no interleaving to replay: no MMU state to show.</p>\n")
		return
	}
	b.WriteString("<h3>At the violating step</h3>\n<div class=\"state\">\n<div><h4>Page-table walks</h4><pre class=\"walks\">")
	if len(st.Walks) == 0 {
		b.WriteString("(no address of the violation is mapped)")
	}
	for _, w := range st.Walks {
		fmt.Fprintf(b, "%s %#x:\n", esc(w.MM), w.VA)
		for _, l := range w.Levels {
			fmt.Fprintf(b, "  %s\n", esc(l))
		}
	}
	b.WriteString("</pre></div>\n<div><h4>TLBs</h4><pre class=\"tlbs\">")
	for _, t := range st.TLBs {
		if len(t.Entries) == 0 {
			fmt.Fprintf(b, "CPU %d: empty\n", t.CPU)
			continue
		}
		fmt.Fprintf(b, "CPU %d:\n", t.CPU)
		for _, e := range t.Entries {
			fmt.Fprintf(b, "  %s\n", esc(e))
		}
	}
	b.WriteString("</pre></div>\n</div>\n")
}

// writeSource lists each source file the trace passes through (the script
// first), its lines numbered, those of the trace highlighted.
func writeSource(b *strings.Builder, prog *vm.Program, lines map[vm.Pos]bool) {
	b.WriteString("<section class=\"source\"><h2>Source</h2>\n")
	for _, f := range sourceOrder(prog, lines) {
		src := prog.Files[f]
		fmt.Fprintf(b, "<h3>%s</h3>\n<pre class=\"src\">", esc(src.Name))
		for i, text := range strings.Split(strings.TrimRight(src.Text, "\n"), "\n") {
			class := "line"
			if lines[vm.Pos{File: int32(f), Line: int32(i + 1)}] {
				class += " hl"
			}
			fmt.Fprintf(b, "<span class=\"%s\" id=\"f%d-l%d\"><span class=\"ln\">%4d</span> %s</span>", class, f, i+1, i+1, esc(text))
		}
		b.WriteString("</pre>\n")
	}
	b.WriteString("</section>\n")
}

// sourceOrder lists the script first, then the modules the trace passes
// through.
func sourceOrder(prog *vm.Program, lines map[vm.Pos]bool) []int {
	var order []int
	for f, src := range prog.Files {
		if src.Name == prog.File {
			order = append([]int{f}, order...)
		} else if usesFile(lines, f) {
			order = append(order, f)
		}
	}
	return order
}

func usesFile(lines map[vm.Pos]bool, f int) bool {
	for p := range lines {
		if int(p.File) == f {
			return true
		}
	}
	return false
}

const css = `
body{font-family:system-ui,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc}
table.facts th{text-align:left;padding-right:1em;font-weight:600}
.verdict.fail{color:#b00020;font-weight:700}.verdict.ok{color:#1b7f2a;font-weight:700}
code,pre{font-family:ui-monospace,monospace;font-size:12px}
` + ChartCSS + `.state{display:flex;gap:2em;flex-wrap:wrap}
pre.src .line{display:block}pre.src .hl{background:#fff2a8}pre.src .hl.hover{background:#ffd24d}
pre.src .ln{color:#999;user-select:none}
`

// ChartCSS styles the chart (in a div of class chart-box): the page's
// and the playground's, so that both draw it alike.
const ChartCSS = `.chart-box{overflow-x:auto;border:1px solid #ddd;padding:4px}
.lane-bg.lane-0{fill:#f6f8fa}.lane-bg.lane-1{fill:#eef2f7}
.lane-title{font-weight:700}.lifeline{stroke:#c8ccd2;stroke-dasharray:4 4}
.row rect{fill:#fff;stroke:#9aa4b1}.row.ipi rect,.row.irq rect{fill:#fff6d6}
.row.free rect{fill:#fde2e1}.row.fatal rect{fill:#b00020}.row.fatal text{fill:#fff}
.row text.step{fill:#666}.row.hover rect{stroke:#0a58ca;stroke-width:2}
.arrow path{fill:none;stroke-width:1.6;opacity:.8}.arrow text{font-size:11px}
.arrow.ipi path{stroke:#0a58ca}.arrow.sync path{stroke:#6f42c1;stroke-dasharray:5 3}
.arrow.fatal path{stroke:#b00020;stroke-width:2.2}.arrow.fatal text{fill:#b00020}
`

// js links the chart and the source: pointing at a row lights its source
// line. It also records on each chart what the browser laid out (lanes,
// rows, steps, and whether every row lies inside the chart), which the
// browser test reads back. The page reads fine without it.
const js = `
document.querySelectorAll('svg.chart').forEach(function(svg){
  var box=svg.getBoundingClientRect(), rows=svg.querySelectorAll('.row'), steps={}, inside=true;
  rows.forEach(function(r){
    steps[r.dataset.step]=true;
    var b=r.getBoundingClientRect();
    if(b.height<=0||b.top<box.top||b.bottom>box.bottom+1||b.right>box.right+1)inside=false;
  });
  svg.dataset.laidOutLanes=svg.querySelectorAll('.lane').length;
  svg.dataset.laidOutRows=rows.length;
  svg.dataset.laidOutSteps=Object.keys(steps).length;
  svg.dataset.rowsInside=inside;
});
document.querySelectorAll('.chart .row[data-line]').forEach(function(row){
  var line=document.getElementById('f'+row.dataset.file+'-l'+row.dataset.line);
  if(!line)return;
  row.addEventListener('mouseenter',function(){row.classList.add('hover');line.classList.add('hover');});
  row.addEventListener('mouseleave',function(){row.classList.remove('hover');line.classList.remove('hover');});
  row.addEventListener('click',function(){line.scrollIntoView({block:'center'});});
});
`
