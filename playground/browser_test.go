package playground

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mmuvm/mmuvm/playground/checker"
)

var update = flag.Bool("update", false, "rewrite docs/playground.png, the README's screenshot")

// chromium finds a Chromium to drive; Debian's package is `chromium`.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: the playground's browser test needs it (apt-get install chromium; .ci/run installs it)")
	return ""
}

// site builds the WebAssembly checker (cached across runs) and the page.
func site(t *testing.T) Site {
	t.Helper()
	ctx := context.Background()
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = t.TempDir()
	}
	wasm, err := BuildWASM(ctx, root, filepath.Join(cache, "mmuvm", "playground"), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := WasmExec(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSite(wasm, exe)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const keyfirst = "seeds/003-ptdump-vmalloc-keyfirst"

// TestBrowser loads the page in headless Chromium, picks an example,
// presses Check and reads the verdict, the table, the Share link, and
// stops a long check.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	s := site(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	t.Logf("checker: %d bytes, %d gzip", len(s["mmuvm.wasm"]), s.GzipSize())

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.WindowSize(1500, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute) // a hang, not a speed goal
	defer cancel()

	do(t, ctx,
		chromedp.Navigate(srv.URL),
		chromedp.WaitEnabled("#check"),
		chromedp.SetValue("#examples", keyfirst),
	)
	get(t, ctx, chromedp.Evaluate[bool](`document.getElementById("examples").dispatchEvent(new Event("change"))`))
	do(t, ctx, chromedp.Click("#check"), chromedp.WaitVisible(`body[data-state="done"]`))
	verdict := get(t, ctx, chromedp.Text("#verdict"))
	progress := get(t, ctx, chromedp.Text("#progress"))
	heads := get(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.trace tr:first-child th").length - 1`))
	firstEvent := get(t, ctx, chromedp.Text("table.trace tr:nth-child(2) td.event"))
	chart := get(t, ctx, chromedp.Evaluate[laidOut](measureChart))
	// scroll the editor past the example's header comment to its code
	get(t, ctx, chromedp.Evaluate[bool](`(() => {
		const s = document.getElementById("source");
		const lines = s.value.slice(0, s.value.indexOf("\ntest ")).split("\n").length;
		s.scrollTop = lines * parseFloat(getComputedStyle(s).lineHeight);
		return s.dispatchEvent(new Event("scroll"));
	})()`))
	// the whole page, the chart below the fold too
	png := get(t, ctx, chromedp.Screenshot("body"))
	if !strings.Contains(verdict, "arm64: fail use-after-free (expected fail use-after-free: matched)") {
		t.Errorf("verdict %q", verdict)
	}
	native := nativeTable(t, s, keyfirst)
	if want := len(native.Heads); heads != want {
		t.Errorf("%d CPU columns, the script has %d CPUs", heads, want)
	}
	if !regexp.MustCompile(`^\d+: `).MatchString(firstEvent) {
		t.Errorf("first event %q has no line number", firstEvent)
	}
	if want := (laidOut{Charts: 1, Lanes: len(native.Heads), Rows: len(native.Rows), Steps: steps(native.Rows), Inside: true}); chart != want {
		t.Errorf("the chart as laid out: %+v, want %+v (one lane per CPU, a row per event)", chart, want)
	}
	checkRowClick(t, ctx)
	t.Logf("in the browser, first check: %s", progress)
	saveScreenshot(t, png)
	do(t, ctx, chromedp.Click("#check"), chromedp.WaitVisible(`body[data-state="done"]`))
	t.Logf("in the browser, second check: %s", get(t, ctx, chromedp.Text("#progress")))

	// Share: the link carries the script and the arch; opening it gives both back.
	do(t, ctx, chromedp.SetValue("#arch", "x86pae"), chromedp.Click("#share"))
	link := get(t, ctx, chromedp.Value("#sharelink"))
	do(t, ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(link), chromedp.WaitEnabled("#check"))
	srcBack := get(t, ctx, chromedp.Value("#source"))
	archBack := get(t, ctx, chromedp.Value("#arch"))
	if !strings.Contains(link, "#") || srcBack != exampleSrc(t, s, keyfirst) || archBack != "x86pae" {
		t.Errorf("the Share link %q gave back arch %q and a different script:\n%s", link, archBack, srcBack)
	}

	checkChartEscapes(t, ctx)

	// A long check reports progress and stops.
	do(t, ctx, chromedp.SetValue("#source", longScript), chromedp.SetValue("#arch", ""), chromedp.Click("#check"))
	get(t, ctx, chromedp.Poll[bool](`document.getElementById("progress").textContent.includes("executions")`))
	during := get(t, ctx, chromedp.Text("#progress"))
	do(t, ctx, chromedp.Click("#stop"), chromedp.WaitVisible(`body[data-state="stopped"]`), chromedp.WaitEnabled("#check"))
	after := get(t, ctx, chromedp.Text("#progress"))
	if !strings.HasPrefix(during, "Checking… ") || !strings.HasPrefix(after, "Stopped after") {
		t.Errorf("progress %q, then %q", during, after)
	}
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func get[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// longScript has many executions: five CPUs incrementing one word.
const longScript = `shared x
cpu 0 { for i in 0..4 { r = x  x = r + 1 } }
cpu 1 { for i in 0..4 { r = x  x = r + 1 } }
cpu 2 { for i in 0..4 { r = x  x = r + 1 } }
cpu 3 { for i in 0..4 { r = x  x = r + 1 } }
cpu 4 { for i in 0..4 { r = x  x = r + 1 } }
cpu 5 { for i in 0..4 { r = x  x = r + 1 } }
`

func exampleSrc(t *testing.T, s Site, name string) string {
	ex, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		if e.Name == name {
			return e.Src
		}
	}
	t.Fatalf("no example %s", name)
	return ""
}

// nativeTable is the example's counterexample by the native checker.
func nativeTable(t *testing.T, s Site, name string) *checker.Table {
	start := time.Now()
	res := checker.Check(context.Background(), checker.Request{Src: exampleSrc(t, s, name)}, nil)
	if res.Error != nil || len(res.Runs) == 0 || res.Runs[0].Table == nil {
		t.Fatalf("native check: %+v", res)
	}
	t.Logf("native: %v (exploring %.1f ms)", time.Since(start), res.Runs[0].ElapsedMS)
	return res.Runs[0].Table
}

func steps(rows []checker.Row) int {
	seen := map[int]bool{}
	for _, r := range rows {
		seen[r.Step] = true
	}
	return len(seen)
}

// saveScreenshot keeps the page with its counterexample: in the temp dir,
// and under -update as the README's docs/playground.png.
func saveScreenshot(t *testing.T, png []byte) {
	p := filepath.Join(os.TempDir(), "mmuvm-playground.png")
	if *update {
		p = filepath.Join("..", "docs", "playground.png")
	}
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}
