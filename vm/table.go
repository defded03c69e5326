package vm

import (
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// minCell is the narrowest a wrapped column gets: narrower, a builtin's
// name no longer fits on one line.
const minCell = 12

// CPUColumns maps a thread to its CPU column: tasks, irqs and IPI
// handlers of one CPU share it. heads names the columns ("CPU 0", …).
func CPUColumns(threads []string) (col []int, heads []string) {
	byCPU := map[string]int{}
	for _, t := range threads {
		cpu := t[strings.IndexByte(t, ' ')+1:]
		c, ok := byCPU[cpu]
		if !ok {
			c = len(heads)
			byCPU[cpu] = c
			heads = append(heads, "CPU "+cpu)
		}
		col = append(col, c)
	}
	return col, heads
}

// LabelledColumns is CPUColumns with each CPU's label after its name
// ("CPU 0 vmalloc: vmap_try_huge_pud"), as every trace heads its columns.
func LabelledColumns(threads, labels []string) (col []int, heads []string) {
	col, heads = CPUColumns(threads)
	for i, t := range threads {
		if strings.HasPrefix(t, "CPU ") && i < len(labels) && labels[i] != "" {
			heads[col[i]] += " " + labels[i]
		}
	}
	return col, heads
}

// WriteTrace prints events as the table a reviewer would draw: one row per
// event in the column of its CPU. Cells are never cut: with st.Width set,
// long ones wrap onto more lines. Unless st.AllRows, a run of like rows,
// or of like rounds of a few rows (a loop's), shows its first and last
// foldKeep rounds and one row that says how many it hides and which steps
// they are (foldAt).
func WriteTrace(w io.Writer, prog *Program, threads, labels []string, ev []Event, st Style) {
	col, heads := LabelledColumns(threads, labels)
	for i, h := range heads {
		heads[i] = st.cell(h)
	}
	t := table{heads: heads, st: st}
	add := func(es []Event) {
		for _, e := range es {
			row := make([]string, len(heads))
			row[col[e.Thread]] = st.cell(EventText(prog, threads[e.Thread], e))
			t.rows, t.steps = append(t.rows, row), append(t.steps, strconv.Itoa(e.Step))
		}
	}
	for i := 0; i < len(ev); {
		p, n := 1, 1
		if !st.AllRows {
			p, n = foldAt(ev, i)
		}
		if n == 1 {
			add(ev[i : i+p])
			i += p
			continue
		}
		k, end := foldKeep*p, i+n*p
		add(ev[i : i+k])
		what := "like these"
		if p > 1 {
			what = fmt.Sprintf("rounds of these %d rows", p)
		}
		row := make([]string, len(heads))
		row[col[ev[i].Thread]] = st.cell(fmt.Sprintf("… %d more %s, steps %d–%d …", n-2*foldKeep, what, ev[i+k].Step, ev[end-k-1].Step))
		t.rows, t.steps = append(t.rows, row), append(t.steps, "")
		add(ev[end-k : end])
		i = end
	}
	t.write(w)
}

// foldKeep is how many rounds a folded run shows at each end, foldHide
// the fewest rows folding may hide, and foldPeriod the most rows of a
// round. Under armv8 ptdump-walk-2m-nosync's counterexample was 1,036
// rows, 512 of them the freed table's poison writes and 511 the walker's
// reads of its entries: it is now 23 rows; ptdump-vmalloc-n64-buggy's
// 273, three for each table freed, are 36.
const foldKeep, foldHide, foldPeriod = 2, 5, 8

// foldAt finds the run that starts at event i: rounds of p rows, each
// row like the one a round before (foldable), n rounds. It is n = 1 when
// folding would hide fewer than foldHide rows. Of the periods that fold,
// the one that covers the most rows wins, the shortest on a tie.
func foldAt(ev []Event, i int) (p, n int) {
	p, n = 1, 1
	for q := 1; q <= foldPeriod && i+2*q <= len(ev); q++ {
		j := i + q
		for j < len(ev) && foldable(ev[j-q], ev[j]) {
			j++
		}
		m := (j - i) / q
		if (m-2*foldKeep)*q >= foldHide && m*q > n*p {
			p, n = q, m
		}
	}
	return p, n
}

// foldable tells whether b is like a: the same CPU (thread), the same
// line, and the same text but for its numbers (the entry, the value, the
// row it read from).
func foldable(a, b Event) bool {
	return a.Thread == b.Thread && a.Pos == b.Pos && a.Text != "" &&
		numbersOut(a.Text) == numbersOut(b.Text)
}

// numbersOut is s with each run of hexadecimal or decimal digits (with
// its 0x) replaced by '#'.
func numbersOut(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "0x") {
			i += 2
		}
		for i < len(s) && isHexDigit(s[i]) {
			i++
		}
		b.WriteByte('#')
	}
	return b.String()
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// EventText is an event's cell: where it comes from (see EventWhere), then
// what it did, with irq and IPI handlers marked.
func EventText(prog *Program, thread string, e Event) string {
	text := e.Text
	switch {
	case strings.HasPrefix(thread, "irq"):
		text = "irq│ " + text
	case strings.HasPrefix(thread, "IPI"):
		text = "ipi│ " + text
	case strings.HasPrefix(thread, "sched"):
		text = "sched│ " + text
	case strings.HasPrefix(thread, "drain"):
		text = "drain│ " + text
	}
	return EventWhere(prog, e.Pos) + text
}

// EventWhere is where an event comes from, as a trace row starts: "14: "
// for a line of the script, "lazy.mmu:21: " for a line of an imported
// module, so that the stdlib's lines are never taken for the script's;
// "" without a position.
func EventWhere(prog *Program, pos Pos) string {
	if pos.File < 0 || int(pos.File) >= len(prog.Files) {
		return ""
	}
	if name := prog.Files[pos.File].Name; name != prog.File {
		return fmt.Sprintf("%s:%d: ", path.Base(name), pos.Line)
	}
	return fmt.Sprintf("%d: ", pos.Line)
}

// cell makes text safe and fit for a table cell: control characters
// escaped, and ASCII only when asked.
func (st Style) cell(s string) string {
	s = Printable(s)
	if st.ASCII || st.Mail {
		s = ASCII(s)
	}
	return s
}

// table is a trace laid out in CPU columns.
type table struct {
	heads []string
	rows  [][]string
	steps []string
	st    Style
}

func (t *table) write(w io.Writer) {
	width := t.fit()
	if t.st.Mail {
		t.line(w, width, "", t.heads)
		fmt.Fprintln(w)
	} else {
		t.line(w, width, "step", t.heads)
		rule := "─"
		if t.st.ASCII {
			rule = "-"
		}
		sep := make([]string, len(width))
		for i := range sep {
			sep[i] = strings.Repeat(rule, width[i])
		}
		t.line(w, width, strings.Repeat(rule, 4), sep)
	}
	for i, r := range t.rows {
		t.line(w, width, t.steps[i], r)
	}
}

// overhead is the width of everything but the cells: the step column and
// the separators.
func (t *table) overhead() int {
	if t.st.Mail {
		return 4 + 2*len(t.heads)
	}
	return 5 + 3*len(t.heads)
}

// fit gives each column its widest cell, or, when the table is wider than
// st.Width, a share of the width: columns narrower than a fair share keep
// their width and the others split the rest.
func (t *table) fit() []int {
	natural := make([]int, len(t.heads))
	for i, h := range t.heads {
		natural[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			natural[i] = max(natural[i], utf8.RuneCountInString(c))
		}
	}
	avail := t.st.Width - t.overhead()
	return share(natural, avail)
}

func share(natural []int, avail int) []int {
	width := append([]int(nil), natural...)
	total := 0
	for _, n := range natural {
		total += n
	}
	if avail <= 0 || total <= avail {
		return width
	}
	open := make([]int, len(natural))
	for i := range open {
		open[i] = i
	}
	for len(open) > 0 {
		fair := avail / len(open)
		var wide []int
		for _, i := range open {
			if natural[i] <= fair {
				avail -= natural[i]
			} else {
				wide = append(wide, i)
			}
		}
		if len(wide) == len(open) {
			for k, i := range wide {
				extra := 0
				if k < avail%len(wide) {
					extra = 1
				}
				width[i] = max(minCell, fair+extra)
			}
			settle(width, natural)
			break
		}
		open = wide
	}
	return width
}

// settle gives a column that misses its natural width by a few
// characters those characters, from the widest column: wrapping "= 1"
// alone onto a line of its own helps no one.
func settle(width, natural []int) {
	for i := range width {
		short := natural[i] - width[i]
		if short <= 0 || short > max(4, width[i]/8) {
			continue
		}
		widest := 0
		for j := range width {
			if width[j] > width[widest] {
				widest = j
			}
		}
		if widest != i && width[widest]-short >= minCell {
			width[widest] -= short
			width[i] += short
		}
	}
}

// line prints one row, wrapping its cells to their column's width; the
// step number is on the row's first line only. No line ends in spaces.
func (t *table) line(w io.Writer, width []int, step string, cells []string) {
	wrapped := make([][]string, len(cells))
	n := 1
	for i, c := range cells {
		wrapped[i] = Wrap(c, width[i])
		n = max(n, len(wrapped[i]))
	}
	bar := " │ "
	if t.st.ASCII {
		bar = " | "
	}
	for k := 0; k < n; k++ {
		var b strings.Builder
		if t.st.Mail {
			fmt.Fprintf(&b, "%4s", step)
			bar = "  "
		} else {
			fmt.Fprintf(&b, " %4s", step)
		}
		for i := range cells {
			c := ""
			if k < len(wrapped[i]) {
				c = wrapped[i][k]
			}
			b.WriteString(bar)
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)))
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		step = ""
	}
}

// Wrap breaks s into lines of at most width runes, after a space, a comma
// or a call's opening parenthesis where it can, so that arguments stay
// whole. A parenthesis after a space opens a remark ("= 0 (init)"), which
// moves to the next line whole instead of leaving its "(" behind.
func Wrap(s string, width int) []string {
	r := []rune(s)
	if len(r) <= width || width <= 0 {
		return []string{s}
	}
	var out []string
	for len(r) > width {
		cut := width
		for k := width; k > width/4; k-- {
			if c := r[k-1]; c == ' ' || c == ',' || c == '(' && k >= 2 && r[k-2] != ' ' {
				cut = k
				break
			}
		}
		out = append(out, strings.TrimRight(string(r[:cut]), " "))
		r = r[cut:]
		for len(r) > 0 && r[0] == ' ' {
			r = r[1:]
		}
	}
	if len(r) > 0 {
		out = append(out, string(r))
	}
	return out
}
