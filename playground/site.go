// Package playground is the browser playground: one static page that runs
// the checker compiled to WebAssembly in a Web Worker. Site assembles its
// files (the page, the .wasm, the go toolchain's wasm_exec.js, the
// bundled examples and the chart's style); Handler serves them, and Write
// puts them in a directory for any static web server.
package playground

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/examples"
	"github.com/mmuvm/mmuvm/report"
)

//go:embed static
var static embed.FS

// Example is one entry of the examples menu.
type Example struct {
	Name string `json:"name"`
	Src  string `json:"src"`
}

// Site is the playground's files by name.
type Site map[string][]byte

// NewSite assembles the page with the .wasm and wasm_exec.js at the
// given paths.
func NewSite(wasmPath, wasmExecPath string) (Site, error) {
	s := Site{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		s[strings.TrimPrefix(p, "static/")] = b
		return err
	})
	if err != nil {
		return nil, err
	}
	for name, p := range map[string]string{"mmuvm.wasm": wasmPath, "wasm_exec.js": wasmExecPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		s[name] = b
	}
	// the chart's style is report's, so that the page draws the chart as
	// mmuasm check --html does
	s["chart.css"] = []byte(report.ChartCSS)
	ex, err := Examples()
	if err != nil {
		return nil, err
	}
	s["examples.json"], err = json.Marshal(ex)
	return s, err
}

// Examples lists the bundled example scripts, seeds first.
func Examples() ([]Example, error) {
	var out []Example
	err := fs.WalkDir(examples.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := examples.FS.ReadFile(p)
		out = append(out, Example{Name: strings.TrimSuffix(p, ".mmu"), Src: string(b)})
		return err
	})
	sort.SliceStable(out, func(i, j int) bool {
		return strings.HasPrefix(out[i].Name, "seeds/") && !strings.HasPrefix(out[j].Name, "seeds/")
	})
	return out, err
}

// Write puts the site's files in dir.
func (s Site) Write(dir string) error {
	for name, b := range s {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Handler serves the site; the .wasm is sent gzip-compressed to browsers
// that accept it (7 MB become 1.9 MB).
func (s Site) Handler() http.Handler {
	gz := gzipBytes(s["mmuvm.wasm"])
	started := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		b, ok := s[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "mmuvm.wasm" && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "application/wasm")
			w.Header().Set("Vary", "Accept-Encoding")
			b = gz
		}
		if name == "mmuvm.wasm" {
			w.Header().Set("Content-Type", "application/wasm")
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, started, bytes.NewReader(b))
	})
}

// GzipSize is the size of the .wasm as the handler sends it.
func (s Site) GzipSize() int { return len(gzipBytes(s["mmuvm.wasm"])) }

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
