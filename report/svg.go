// Package report draws a check's result for people: an SVG sequence chart
// of a trace (one lane per CPU, arrows for IPIs, the syncs they complete
// and the free that a fatal access uses) and a self-contained HTML page
// around it (`mmuasm check --html`, the REPL's :html). The chart is a
// function of a trace alone, so that other front ends (the playground)
// draw the same picture.
package report

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mmuvm/mmuvm/vm"
)

// Chart geometry, in pixels: the chart is laid out by hand, not by the
// browser, so that the SVG is one piece that any viewer shows alike.
const (
	stepW   = 44  // the step-number column
	headH   = 44  // lane titles
	rowH    = 26  // one event
	charW   = 7.3 // a character of the 12px monospace font
	laneMin = 180
	pad     = 12
	gap     = 90 // between lanes, for the arrows and their labels
)

// Chart is a trace ready to draw.
type Chart struct {
	Prog      *vm.Program
	Threads   []string
	Labels    []string
	Events    []vm.Event
	Violation *vm.Violation // nil for a trace without one
}

// ChartOf is the chart of the execution v that a result reports (its first
// violation, or the witness of its condition). A witness has no fatal
// access, so nothing in it is drawn as one.
func ChartOf(prog *vm.Program, r *vm.Result, v *vm.Violation) *Chart {
	c := &Chart{Prog: prog, Threads: r.Threads, Labels: r.Labels, Events: v.Trace}
	if v.Kind != "condition" {
		c.Violation = v
	}
	return c
}

// arrow joins two rows of the chart.
type arrow struct {
	class, label string
	from, to     int // row indexes
}

var (
	ipiFromRE = regexp.MustCompile(`IPI from CPU (\d+)`)
	freedAtRE = regexp.MustCompile(`by CPU (\d+) at step (\d+)`)
)

// SVG draws the chart: one lane per CPU (tasks, irqs and IPI handlers of
// a CPU share its lane, as in the text table) and one row per event.
func (c *Chart) SVG() string {
	col, heads := vm.LabelledColumns(c.Threads, c.Labels)
	texts := make([]string, len(c.Events))
	width := make([]float64, len(heads))
	for i, h := range heads {
		width[i] = max(laneMin, charW*float64(utf8.RuneCountInString(h))+2*pad)
	}
	for i, e := range c.Events {
		texts[i] = vm.EventText(c.Prog, c.Threads[e.Thread], e)
		l := col[e.Thread]
		width[l] = max(width[l], charW*float64(utf8.RuneCountInString(texts[i]))+2*pad)
	}
	x := make([]float64, len(heads)+1)
	x[0] = stepW
	for i, w := range width {
		x[i+1] = x[i] + w + gap
	}
	total := x[len(heads)] - gap
	height := float64(headH + rowH*len(c.Events) + pad)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" data-lanes="%d" data-rows="%d" font-family="monospace" font-size="12">`+"\n",
		total, height, total, height, len(heads), len(c.Events))
	b.WriteString(`<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>` + "\n")
	for i, h := range heads {
		fmt.Fprintf(&b, `<g class="lane" data-lane="%d"><rect x="%.1f" y="0" width="%.1f" height="%.0f" class="lane-bg lane-%d"/><text class="lane-title" x="%.1f" y="26">%s</text><line x1="%.1f" y1="%d" x2="%.1f" y2="%.0f" class="lifeline"/></g>`+"\n",
			i, x[i], width[i], height, i%2, x[i]+pad, esc(h), x[i]+width[i]/2, headH, x[i]+width[i]/2, height)
	}
	fatal := -1
	if c.Violation != nil && len(c.Events) > 0 {
		fatal = len(c.Events) - 1
	}
	for i, e := range c.Events {
		l := col[e.Thread]
		y := float64(headH + rowH*i)
		class := rowClass(c.Threads[e.Thread], texts[i], i == fatal)
		line := ""
		if e.Pos.File >= 0 {
			line = fmt.Sprintf(` data-file="%d" data-line="%d"`, e.Pos.File, e.Pos.Line)
		}
		fmt.Fprintf(&b, `<g class="%s" data-step="%d" data-row="%d" data-lane="%d"%s><title>%s</title><text class="step" x="%d" y="%.0f" text-anchor="end">%d</text><rect x="%.1f" y="%.0f" width="%.1f" height="%d" rx="4"/><text x="%.1f" y="%.0f">%s</text></g>`+"\n",
			class, e.Step, i, l, line, esc(texts[i]), stepW-8, y+17, e.Step, x[l]+4, y+3, width[l]-8, rowH-6, x[l]+pad, y+17, esc(texts[i]))
	}
	for _, a := range c.arrows(col) {
		b.WriteString(c.drawArrow(a, col, x, width))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func rowClass(thread, text string, fatal bool) string {
	class := "row"
	switch {
	case strings.HasPrefix(thread, "IPI"):
		class += " ipi"
	case strings.HasPrefix(thread, "irq"):
		class += " irq"
	}
	if strings.Contains(text, "free") {
		class += " free"
	}
	if fatal {
		class += " fatal"
	}
	return class
}

// arrows finds what joins lanes: each IPI from its sender's last row
// before it; the sync it completes, to the sender's next row; and, for a
// violation that names the step that freed what it used ("… by CPU 0 at
// step 14"), that free to the fatal access.
func (c *Chart) arrows(col []int) []arrow {
	laneOf := c.laneOfCPU(col)
	var out []arrow
	for i, e := range c.Events {
		if !strings.HasPrefix(c.Threads[e.Thread], "IPI") {
			continue
		}
		m := ipiFromRE.FindStringSubmatch(e.Text)
		if m == nil {
			continue
		}
		sender, ok := laneOf[m[1]]
		if !ok {
			continue
		}
		if from := c.lastIn(sender, col, i); from >= 0 {
			out = append(out, arrow{"arrow ipi", "IPI", from, i})
		}
		if to := c.nextIn(sender, col, i); to >= 0 {
			out = append(out, arrow{"arrow sync", "sync done", i, to})
		}
	}
	if c.Violation == nil || len(c.Events) == 0 {
		return out
	}
	if m := freedAtRE.FindStringSubmatch(c.Violation.Msg); m != nil {
		step, _ := strconv.Atoi(m[2])
		if lane, ok := laneOf[m[1]]; ok {
			for i := len(c.Events) - 1; i >= 0; i-- {
				if c.Events[i].Step == step && col[c.Events[i].Thread] == lane {
					out = append(out, arrow{"arrow fatal", c.Violation.Kind, i, len(c.Events) - 1})
					break
				}
			}
		}
	}
	return out
}

// laneOfCPU maps a CPU number ("1") to its lane.
func (c *Chart) laneOfCPU(col []int) map[string]int {
	out := map[string]int{}
	for i, t := range c.Threads {
		if cpu, ok := strings.CutPrefix(t, "CPU "); ok {
			out[cpu] = col[i]
		}
	}
	return out
}

// lastIn is the last row before row in lane, -1 if none.
func (c *Chart) lastIn(lane int, col []int, row int) int {
	for i := row - 1; i >= 0; i-- {
		if col[c.Events[i].Thread] == lane {
			return i
		}
	}
	return -1
}

// nextIn is the first row after row in lane, -1 if none.
func (c *Chart) nextIn(lane int, col []int, row int) int {
	for i := row + 1; i < len(c.Events); i++ {
		if col[c.Events[i].Thread] == lane {
			return i
		}
	}
	return -1
}

func (c *Chart) drawArrow(a arrow, col []int, x, width []float64) string {
	fl, tl := col[c.Events[a.from].Thread], col[c.Events[a.to].Thread]
	y1 := float64(headH+rowH*a.from) + rowH/2
	y2 := float64(headH+rowH*a.to) + rowH/2
	// from the facing edges of the two boxes, so as not to cross their text
	x1, x2 := x[fl]+width[fl]-4, x[tl]+4
	if fl > tl {
		x1, x2 = x[fl]+4, x[tl]+width[tl]-4
	}
	if fl == tl { // within a lane: a loop out to the right
		r := x[fl] + width[fl] - 6
		return fmt.Sprintf(`<g class="%s"><path d="M%.1f,%.1f C%.1f,%.1f %.1f,%.1f %.1f,%.1f" marker-end="url(#arrowhead)"/><text x="%.1f" y="%.1f">%s</text></g>`+"\n",
			a.class, r, y1, r+30, y1, r+30, y2, r, y2, r-60, (y1+y2)/2, esc(a.label))
	}
	return fmt.Sprintf(`<g class="%s"><path d="M%.1f,%.1f L%.1f,%.1f" marker-end="url(#arrowhead)"/><text x="%.1f" y="%.1f">%s</text></g>`+"\n",
		a.class, x1, y1, x2, y2, min(x1, x2)+6, (y1+y2)/2-4, esc(a.label))
}

// esc makes text safe inside SVG and HTML, control characters included.
func esc(s string) string { return html.EscapeString(vm.Printable(s)) }
