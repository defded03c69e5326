package playground

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// laidOut is what the browser made of the page's sequence charts.
type laidOut struct {
	Charts int  `json:"charts"`
	Lanes  int  `json:"lanes"`  // of the first chart
	Rows   int  `json:"rows"`   //
	Steps  int  `json:"steps"`  // distinct step numbers among its rows
	Inside bool `json:"inside"` // every row drawn, inside the chart
}

// measureChart reads the layout back from the browser (bounding boxes),
// not from the SVG's text, as report's browser test does for the HTML
// report.
const measureChart = `(() => {
	const charts = document.querySelectorAll("#chart svg.chart");
	if (!charts.length) return {charts: 0, lanes: 0, rows: 0, steps: 0, inside: false};
	const svg = charts[0], box = svg.getBoundingClientRect(), rows = svg.querySelectorAll(".row");
	const steps = new Set();
	let inside = rows.length > 0;
	rows.forEach((r) => {
		steps.add(r.dataset.step);
		const b = r.getBoundingClientRect();
		if (b.height <= 0 || b.top < box.top || b.bottom > box.bottom + 1 || b.right > box.right + 1) inside = false;
	});
	return {charts: charts.length, lanes: svg.querySelectorAll(".lane").length, rows: rows.length, steps: steps.size, inside};
})()`

// checkRowClick: clicking the chart's fatal row selects its line in the
// editor.
func checkRowClick(t *testing.T, ctx context.Context) {
	t.Helper()
	line := get(t, ctx, chromedp.Evaluate[string](`(() => {
		const row = document.querySelector("#chart .row.fatal");
		row.dispatchEvent(new MouseEvent("click"));
		return row.dataset.line;
	})()`))
	n, err := strconv.Atoi(line)
	if err != nil {
		t.Fatalf("the fatal row has no line: %q", line)
	}
	selected := get(t, ctx, chromedp.Evaluate[string](`(() => {
		const s = document.getElementById("source");
		return s.value.slice(s.selectionStart, s.selectionEnd);
	})()`))
	src := get(t, ctx, chromedp.Value("#source"))
	if want := strings.Split(src, "\n")[n-1]; selected != want {
		t.Errorf("a click on the fatal row (line %d) selected %q, want %q", n, selected, want)
	}
}

// hostileScript puts markup where the chart shows the script's text: a
// label and a print.
const hostileScript = `shared x
cpu 0 "<script>alert(1)</script>" {
  x = 1
  print("<img src=x onerror=alert(2)>", x)
  assert x == 2, "x is 1"
}
`

// checkChartEscapes: the script's text is drawn as text, and makes no
// element of the page.
func checkChartEscapes(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, chromedp.SetValue("#source", hostileScript), chromedp.SetValue("#arch", ""),
		chromedp.Click("#check"), chromedp.WaitVisible(`body[data-state="done"]`))
	text := get(t, ctx, chromedp.Evaluate[string](`document.querySelector("#chart svg.chart").textContent`))
	made := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chart script, #chart img, #chart foreignObject").length`))
	if made != 0 || !strings.Contains(text, "<script>alert(1)</script>") || !strings.Contains(text, "<img src=x onerror=alert(2)>") {
		t.Errorf("the script's text made %d elements; the chart reads %q", made, text)
	}
}
