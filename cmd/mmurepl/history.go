package main

import (
	"os"
	"path/filepath"

	"github.com/peterh/liner"
)

// history is the file the prompt's history is kept in, under the user's
// cache directory. Any failure to find, read or write it only means no
// history: the session never stops for it.
type history struct{ path string }

func newHistory() *history {
	dir, err := os.UserCacheDir()
	if err != nil {
		return &history{}
	}
	return &history{path: filepath.Join(dir, "mmuvm", "history")}
}

func (h *history) load(ln *liner.State) {
	if h.path == "" {
		return
	}
	if f, err := os.Open(h.path); err == nil {
		ln.ReadHistory(f)
		f.Close()
	}
}

// save writes the whole history after each line, so that a killed
// session keeps it too; it goes through a temporary file so that two
// sessions never leave a half-written one.
func (h *history) save(ln *liner.State) {
	if h.path == "" {
		return
	}
	if err := os.MkdirAll(filepath.Dir(h.path), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(h.path), "history-*")
	if err != nil {
		return
	}
	_, werr := ln.WriteHistory(f)
	if cerr := f.Close(); werr != nil || cerr != nil {
		os.Remove(f.Name())
		return
	}
	if os.Rename(f.Name(), h.path) != nil {
		os.Remove(f.Name())
	}
}
