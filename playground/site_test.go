package playground

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/lang"
)

// fakeSite is the site with stand-ins for the two files the go toolchain
// makes, for the tests that need no browser.
func fakeSite(t *testing.T) Site {
	dir := t.TempDir()
	wasm := filepath.Join(dir, "mmuvm.wasm")
	exe := filepath.Join(dir, "wasm_exec.js")
	os.WriteFile(wasm, []byte(strings.Repeat("\x00asm", 1000)), 0o644)
	os.WriteFile(exe, []byte("// wasm_exec"), 0o644)
	s, err := NewSite(wasm, exe)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHandler(t *testing.T) {
	s := fakeSite(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, tc := range []struct {
		path, gzip, wantType string
		code                 int
	}{
		{"/", "", "text/html", 200},
		{"/app.js", "", "javascript", 200},
		{"/examples.json", "", "application/json", 200},
		{"/chart.css", "", "text/css", 200},
		{"/mmuvm.wasm", "gzip", "application/wasm", 200},
		{"/mmuvm.wasm", "", "application/wasm", 200},
		{"/../go.mod", "", "", 404},
		{"/nope", "", "", 404},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		req.Header.Set("Accept-Encoding", tc.gzip)
		tr := &http.Transport{DisableCompression: true}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.code || !strings.Contains(resp.Header.Get("Content-Type"), tc.wantType) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		if tc.path == "/mmuvm.wasm" {
			if tc.gzip != "" {
				zr, err := gzip.NewReader(strings.NewReader(string(body)))
				if err != nil {
					t.Fatal(err)
				}
				body, _ = io.ReadAll(zr)
			}
			if string(body) != string(s["mmuvm.wasm"]) {
				t.Errorf("%s (Accept-Encoding %q): the wasm differs", tc.path, tc.gzip)
			}
		}
	}
}

func TestExamples(t *testing.T) {
	s := fakeSite(t)
	var ex []Example
	if err := json.Unmarshal(s["examples.json"], &ex); err != nil {
		t.Fatal(err)
	}
	if len(ex) < 10 || !strings.HasPrefix(ex[0].Name, "seeds/") {
		t.Fatalf("%d examples, first %+v", len(ex), ex[0])
	}
	for _, e := range ex {
		if _, err := lang.Parse(e.Name, []byte(e.Src)); err != nil {
			t.Errorf("example %s: %v", e.Name, err)
		}
	}
}

// TestHighlighterKeywords keeps the page's highlighter in step with the
// language, as the editors' test does for the syntax files.
func TestHighlighterKeywords(t *testing.T) {
	js := string(fakeSite(t)["highlight.js"])
	for _, kw := range append(append(append([]string{}, lang.ItemKeywords...), lang.StmtKeywords...), lang.ExpectKeywords...) {
		if !regexp.MustCompile(`"` + kw + `"`).MatchString(js) {
			t.Errorf("highlight.js does not know %q", kw)
		}
	}
}

func TestWrite(t *testing.T) {
	s := fakeSite(t)
	dir := t.TempDir()
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"index.html", "app.js", "worker.js", "highlight.js", "style.css", "mmuvm.wasm", "wasm_exec.js", "examples.json", "chart.css"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
