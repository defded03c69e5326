package playground

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// The WebAssembly build is not checked in (7 MB): it is built from the
// sources with the go command when first needed, and cached under the
// user's cache directory, keyed by a hash of the sources, so that a second
// start is immediate and an edit to the checker rebuilds it.

// modulePath is the module the playground is built from.
const modulePath = "github.com/mmuvm/mmuvm"

// ModuleRoot finds the mmuvm module above dir: the playground builds the
// checker from its sources.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(b), "module "+modulePath+"\n") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the mmuvm sources: the playground builds its WebAssembly checker from them (or give --wasm FILE)", dir)
		}
	}
}

// BuildWASM returns the path of the checker compiled for GOOS=js
// GOARCH=wasm from the sources at root, building it into cacheDir unless a
// build of the same sources is there. log receives one line when it builds.
func BuildWASM(ctx context.Context, root, cacheDir string, log io.Writer) (string, error) {
	sum, err := sourceHash(root)
	if err != nil {
		return "", err
	}
	out := filepath.Join(cacheDir, "mmuvm-"+sum[:16]+".wasm")
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	fmt.Fprintf(log, "building the WebAssembly checker into %s …\n", out)
	// a temporary name of its own: two builds at once (a test and a
	// playground) each rename a complete file into place
	f, err := os.CreateTemp(cacheDir, "build-*.wasm")
	if err != nil {
		return "", err
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, goCommand(), "build", "-trimpath", "-ldflags=-s -w", "-o", tmp, "./playground/wasm")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build of the WebAssembly checker: %v\n%s", err, b)
	}
	if err := os.Rename(tmp, out); err != nil {
		return "", err
	}
	pruneBuilds(cacheDir, out)
	return out, nil
}

// pruneBuilds removes the builds of older sources: each is 7 MB.
func pruneBuilds(cacheDir, keep string) {
	old, _ := filepath.Glob(filepath.Join(cacheDir, "mmuvm-*.wasm"))
	for _, p := range old {
		if p != keep {
			os.Remove(p)
		}
	}
}

// WasmExec is the path of the go toolchain's wasm_exec.js, the JavaScript
// half of GOOS=js: it must come from the Go that built the .wasm.
func WasmExec(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, goCommand(), "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	root := strings.TrimSpace(string(b))
	for _, p := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return filepath.Join(root, p), nil
		}
	}
	return "", fmt.Errorf("no wasm_exec.js under %s", root)
}

func goCommand() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// sourceHash hashes what the build reads: go.mod, go.sum and every
// non-test .go file of the module, with the Go version.
func sourceHash(root string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version())
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !(strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) && name != "go.mod" && name != "go.sum" && !strings.HasSuffix(name, ".mmu") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}
