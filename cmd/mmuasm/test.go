package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"mmuvm/litmus"
	"mmuvm/vm"
)

// cmdTest checks every script below the given paths against its expect
// lines and prints one line per (script, arch), then "N passed, M failed".
func cmdTest(args []string, stdout, stderr io.Writer) int {
	var o options
	flags := newFlags("test", &o, stderr)
	paths, err := parse(flags, args)
	if err != nil {
		return exitUsage
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: mmuasm test [flags] PATH…")
		return exitUsage
	}
	files, err := scripts(paths)
	if err != nil {
		return report(stderr, err)
	}
	st := o.style()
	passedN, failedN, skippedN, inputErr := 0, 0, 0, false
	var js []any
	var jobs []*job
	for _, f := range files {
		p, err := load(f)
		if err != nil && skipped(err) {
			skippedN++
			fmt.Fprintf(stdout, "%s %s: %s\n", st.Apply(st.Dim, "SKIP"), f, firstLine(err))
			continue
		}
		if err != nil {
			failedN++
			inputErr = true
			fmt.Fprintf(stdout, "%s %s: %s\n", st.Apply(st.Bad, "FAIL"), f, firstLine(err))
			continue
		}
		warn(stderr, p)
		arches, err := o.arches(p)
		if err != nil {
			return report(stderr, err)
		}
		for _, a := range arches {
			jobs = append(jobs, newJob(f, p, a))
		}
	}
	runJobs(jobs, &o, func(j *job) {
		if j.err != nil && skipped(j.err) {
			skippedN++
			fmt.Fprintf(stdout, "%s %s [%s]: %s\n", st.Apply(st.Dim, "SKIP"), j.file, j.arch, firstLine(j.err))
			return
		}
		if j.err != nil {
			failedN++
			inputErr = true
			fmt.Fprintf(stdout, "%s %s [%s]: %s\n", st.Apply(st.Bad, "FAIL"), j.file, j.arch, firstLine(j.err))
			return
		}
		ok := passed(j.res)
		if ok {
			passedN++
		} else {
			failedN++
		}
		if o.jsonOut {
			js = append(js, jsonResult(j.prog, j.res))
			return
		}
		fmt.Fprintln(stdout, testLine(j.file, j.res, ok, st))
	})
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(js)
	}
	summary := stdout
	if o.jsonOut {
		summary = stderr // keep stdout one JSON document
	}
	if skippedN > 0 {
		fmt.Fprintf(summary, "%d passed, %d failed, %d skipped\n", passedN, failedN, skippedN)
	} else {
		fmt.Fprintf(summary, "%d passed, %d failed\n", passedN, failedN)
	}
	switch {
	case inputErr:
		return exitUsage
	case failedN > 0:
		return exitFail
	}
	return exitOK
}

// skipped tells a test that cannot be run yet (a .litmus construct the
// translator does not support, a builtin the memory model does not model)
// from a broken one.
func skipped(err error) bool {
	var le *litmus.Error
	var un *vm.Unsupported
	return errors.As(err, &le) || errors.As(err, &un)
}

func testLine(file string, r *vm.Result, ok bool, st styleAlias) string {
	word := st.Apply(st.Good, "PASS")
	if !ok {
		word = st.Apply(st.Bad, "FAIL")
	}
	exp := r.Expected
	if exp == "" {
		exp = "ok"
	}
	got := r.Verdict
	line := fmt.Sprintf("%s %s [%s] %s (%d executions, %s)", word, file, r.Arch, got, r.Executions, vm.FormatDuration(r.Elapsed))
	if !ok {
		line += fmt.Sprintf(": expected %s", exp)
		if len(r.Violations) > 0 {
			line += "; " + r.Violations[0].Kind + ": " + r.Violations[0].Msg
		}
	}
	return line
}

type styleAlias = vm.Style

// scripts lists the .mmu files below paths, sorted, each path's in order.
func scripts(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".mmu") || strings.HasSuffix(path, ".litmus")) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
