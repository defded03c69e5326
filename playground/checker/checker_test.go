package checker

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

func TestCheck(t *testing.T) {
	keyfirst, err := os.ReadFile("../../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu")
	if err != nil {
		t.Fatal(err)
	}
	sb, err := os.ReadFile("../../examples/litmus/sb.mmu")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		req      Request
		runs     int
		verdict  string
		heads    int
		errLine  int
		inReport string
	}{
		{"counterexample", Request{Src: string(keyfirst)}, 1, "fail use-after-free", 2, 0, "Counterexample (use-after-free)"},
		{"chosen arch", Request{Src: string(keyfirst), Arch: "x86pae"}, 1, "", 0, 0, "on x86pae"},
		{"every arch", Request{Src: string(sb), Arch: "all"}, 4, "ok", 0, 0, "Verdict ok"},
		{"weak model", Request{Src: string(sb), Model: "tso"}, 1, "fail condition", 2, 0, "model tso"},
		{"compile error", Request{Src: "shared x\ncpu 0 {\n  y = nosuch(1)\n}\n"}, 0, "", 0, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls int
			res := Check(context.Background(), tc.req, func(vm.Progress) { calls++ })
			if tc.errLine != 0 {
				if res.Error == nil || res.Error.Line != tc.errLine {
					t.Fatalf("error %+v, want one at line %d", res.Error, tc.errLine)
				}
				return
			}
			if res.Error != nil {
				t.Fatalf("error: %s", res.Error.Message)
			}
			if len(res.Runs) != tc.runs {
				t.Fatalf("%d runs, want %d", len(res.Runs), tc.runs)
			}
			r := res.Runs[0]
			if tc.verdict != "" && r.Verdict != tc.verdict {
				t.Errorf("verdict %q, want %q", r.Verdict, tc.verdict)
			}
			if !strings.Contains(r.Report, tc.inReport) {
				t.Errorf("report lacks %q:\n%s", tc.inReport, r.Report)
			}
			if strings.Contains(r.Block, "\nCounterexample (") || strings.Contains(r.Block, "\nWitness (") {
				t.Errorf("the block holds the table:\n%s", r.Block)
			}
			if tc.heads != 0 {
				if r.Table == nil || len(r.Table.Heads) != tc.heads {
					t.Fatalf("table %+v, want %d columns", r.Table, tc.heads)
				}
				for _, row := range r.Table.Rows {
					if row.Col < 0 || row.Col >= tc.heads || row.Text == "" {
						t.Errorf("bad row %+v", row)
					}
				}
				want := fmt.Sprintf(`data-lanes="%d" data-rows="%d"`, tc.heads, len(r.Table.Rows))
				if !strings.HasPrefix(r.Table.Chart, `<svg class="chart"`) || !strings.Contains(r.Table.Chart, want) {
					t.Errorf("chart lacks %s:\n%.300s", want, r.Table.Chart)
				}
			}
			if _, err := json.Marshal(res); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestChartEscapes: the script's text (a label, a print) reaches the
// page's chart as text, never as markup.
func TestChartEscapes(t *testing.T) {
	const src = `shared x
cpu 0 "<script>alert(1)</script>" {
  x = 1
  print("<img src=x onerror=alert(2)>", x)
  assert x == 2, "x is 1"
}
`
	res := Check(context.Background(), Request{Src: src}, nil)
	if res.Error != nil || len(res.Runs) != 1 || res.Runs[0].Table == nil {
		t.Fatalf("%+v", res)
	}
	chart := res.Runs[0].Table.Chart
	for _, bad := range []string{"<script", "<img"} {
		if strings.Contains(chart, bad) {
			t.Errorf("%q unescaped in the chart:\n%s", bad, chart)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(1)", "&lt;img src=x onerror=alert(2)&gt;"} {
		if !strings.Contains(chart, good) {
			t.Errorf("the chart lacks the escaped %q:\n%s", good, chart)
		}
	}
}
