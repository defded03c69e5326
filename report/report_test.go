package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// scripts are the traces the tests draw: an IPI and its sync, a free and
// the access after it, and a condition's witness.
var scripts = []struct{ name, file string }{
	{"ptdump-keyfirst", "../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu"},
	{"mp-witness", "../cmd/mmuasm/testdata/scripts/mp-witness.mmu"},
	{"deadlock", "../cmd/mmuasm/testdata/scripts/deadlock.mmu"},
}

func check(t *testing.T, file string) (*vm.Program, []*vm.Result) {
	t.Helper()
	p, err := compiler.CompileFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := vm.Check(context.Background(), p, vm.Config{Arch: p.Arches[0]})
	if err != nil {
		t.Fatal(err)
	}
	return p, []*vm.Result{r}
}

func page(t *testing.T, file string) ([]byte, *vm.Program, *vm.Result) {
	t.Helper()
	p, res := check(t, file)
	var b bytes.Buffer
	if err := WriteHTML(&b, p, res); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), p, res[0]
}

// TestHTMLGolden keeps the page of each script as reviewed (go test
// ./report -update to accept a change).
func TestHTMLGolden(t *testing.T) {
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			got, _, _ := page(t, s.file)
			golden := filepath.Join("testdata", s.name+".html")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the page of %s differs from %s (go test ./report -update to accept)", s.file, golden)
			}
		})
	}
}

// TestHTMLSelfContained: nothing is fetched, so the page opens offline.
func TestHTMLSelfContained(t *testing.T) {
	got, _, _ := page(t, scripts[0].file)
	for _, bad := range []string{"http://", "https://", "src=", "<link", "@import", "url(http"} {
		text := strings.ReplaceAll(string(got), `xmlns="http://www.w3.org/2000/svg"`, "")
		if strings.Contains(text, bad) {
			t.Errorf("the page refers outside itself: %q", bad)
		}
	}
}

// TestChartArrows checks what joins the lanes of the ptdump race: the IPI
// of static_branch_enable(), the sync it completes, and the free that the
// fatal access uses.
func TestChartArrows(t *testing.T) {
	got, _, _ := page(t, scripts[0].file)
	for _, class := range []string{`class="arrow ipi"`, `class="arrow sync"`, `class="arrow fatal"`, `class="row free"`, `row fatal"`} {
		if !strings.Contains(string(got), class) {
			t.Errorf("no %s in the chart", class)
		}
	}
}

// TestChartEscapes: a label cannot inject markup.
func TestChartEscapes(t *testing.T) {
	c := &Chart{Prog: &vm.Program{}, Threads: []string{"CPU 0"}, Labels: []string{"<script>alert(1)</script>\x1b[31m"},
		Events: []vm.Event{{Step: 1, Pos: vm.Pos{File: -1}, Text: "x = <b>"}}}
	svg := c.SVG()
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "<b>") || strings.Contains(svg, "\x1b") {
		t.Errorf("unescaped text in\n%s", svg)
	}
}

// chromium finds Debian's chromium (or another build of it).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: the browser test of the HTML report cannot run here (apt-get install chromium; .ci/run installs it)")
	return ""
}

var laidOutRE = regexp.MustCompile(`<svg class="chart"[^>]*>`)

// TestHTMLInBrowser loads each page in headless Chromium and reads back
// what the browser laid out: one lane per CPU, a row per step, every row
// inside the chart. It saves a screenshot under the test's temp dir.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			html, p, r := page(t, s.file)
			dir := t.TempDir()
			file := filepath.Join(dir, s.name+".html")
			if err := os.WriteFile(file, html, 0o644); err != nil {
				t.Fatal(err)
			}
			dom := browse(t, bin, dir, "--dump-dom", "file://"+file)
			svg := laidOutRE.FindString(dom)
			if svg == "" {
				t.Fatalf("no chart in the page Chromium loaded:\n%.2000s", dom)
			}
			v := r.Witness
			if len(r.Violations) > 0 {
				v = r.Violations[0]
			}
			attr := func(name string) string {
				m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(svg)
				if m == nil {
					t.Fatalf("Chromium did not run the page's script: no %s in %s", name, svg)
				}
				return m[1]
			}
			if got, want := attr("data-laid-out-lanes"), strconv.Itoa(cpus(p)); got != want {
				t.Errorf("%s lanes, want one per CPU: %s", got, want)
			}
			if got, want := attr("data-laid-out-steps"), strconv.Itoa(steps(v.Trace)); got != want {
				t.Errorf("rows of %s steps, want %s", got, want)
			}
			if got, want := attr("data-laid-out-rows"), strconv.Itoa(len(v.Trace)); got != want {
				t.Errorf("%s rows, want %s", got, want)
			}
			if attr("data-rows-inside") != "true" {
				t.Errorf("a row lies outside the chart")
			}
			shot := filepath.Join(dir, s.name+".png")
			browse(t, bin, dir, "--screenshot="+shot, "--window-size=1400,1200", "file://"+file)
			if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
				t.Errorf("no screenshot: %v", err)
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// browse runs headless Chromium; the timeout only keeps a broken browser
// from hanging the test.
func browse(t *testing.T, bin, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile")}, args...)
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

func cpus(p *vm.Program) int {
	seen := map[int]bool{}
	for _, c := range p.CPUs {
		seen[c.CPU] = true
	}
	for _, c := range p.IRQs {
		seen[c.CPU] = true
	}
	return len(seen)
}

func steps(ev []vm.Event) int {
	seen := map[int]bool{}
	for _, e := range ev {
		seen[e.Step] = true
	}
	return len(seen)
}
