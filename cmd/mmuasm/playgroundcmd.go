package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/mmuvm/mmuvm/playground"
)

// cmdPlayground serves the browser playground on localhost, or writes it
// to a directory for a static web server (--out).
func cmdPlayground(args []string, stdout, stderr io.Writer) int {
	o, code, ok := noArgs("playground", args, stdout, stderr)
	if !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	site, err := playgroundSite(ctx, o.wasm, stderr)
	if err != nil {
		return report(stderr, err)
	}
	size := fmt.Sprintf("checker %.1f MB, %.1f MB gzip", float64(len(site["mmuvm.wasm"]))/1e6, float64(site.GzipSize())/1e6)
	if o.outDir != "" {
		if err := site.Write(o.outDir); err != nil {
			return report(stderr, err)
		}
		fmt.Fprintf(stdout, "playground written to %s (%s)\n", o.outDir, size)
		return exitOK
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return report(stderr, err)
	}
	fmt.Fprintf(stdout, "playground on http://%s/ (%s); Ctrl-C stops it\n", ln.Addr(), size)
	srv := &http.Server{Handler: site.Handler()}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return report(stderr, err)
	}
	return exitOK
}

func playgroundSite(ctx context.Context, wasm string, log io.Writer) (playground.Site, error) {
	if wasm == "" {
		root, err := playground.ModuleRoot(".")
		if err != nil {
			return nil, err
		}
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		if wasm, err = playground.BuildWASM(ctx, root, filepath.Join(cache, "mmuvm", "playground"), log); err != nil {
			return nil, err
		}
	}
	exec := filepath.Join(filepath.Dir(wasm), "wasm_exec.js")
	if _, err := os.Stat(exec); err != nil {
		if exec, err = playground.WasmExec(ctx); err != nil {
			return nil, err
		}
	}
	return playground.NewSite(wasm, exec)
}
