package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// cmdTest checks every script below the given paths against its expect
// lines and Result: comment and prints one line per (script, arch), then
// "N passed, M failed". With --json, stdout is one JSON document: a list
// of records, results and errors alike, each with its file.
func cmdTest(args []string, stdout, stderr io.Writer) int {
	var o options
	flags := newFlags("test", &o, stderr)
	paths, err := parse(flags, args)
	if err != nil {
		return flagError("test", err, stdout, stderr)
	}
	if len(paths) == 0 {
		fmt.Fprintln(stderr, "usage: mmuasm "+lookup("test").synopsis)
		return exitUsage
	}
	if err := o.validate("test"); err != nil {
		return usageError("test", err, stderr)
	}
	files, err := scripts(paths)
	if err != nil {
		return report(stderr, err)
	}
	ctx, signalled, stop := interruptible()
	defer stop()
	out, flush := o.output(stdout)
	defer flush()
	t := tester{o: &o, out: out, warnings: stderr, st: o.style(stdout), records: []any{}}
	var jobs []*job
	for _, f := range files {
		jobs = append(jobs, t.load(f)...)
	}
	runJobs(ctx, jobs, &o, t.judge)
	summary := t.out
	if o.jsonOut {
		if err := writeJSON(stdout, t.records); err != nil {
			return report(stderr, err)
		}
		summary = stderr // keep stdout one JSON document
	}
	if t.skipped > 0 {
		fmt.Fprintf(summary, "%d passed, %d failed, %d skipped\n", t.passed, t.failed, t.skipped)
	} else {
		fmt.Fprintf(summary, "%d passed, %d failed\n", t.passed, t.failed)
	}
	switch {
	case signalled() != 0:
		return signalled()
	case t.inputErr:
		return exitUsage
	case t.failed > 0:
		return exitFail
	}
	return exitOK
}

// tester counts and prints the outcome of each script of a test run.
type tester struct {
	o                       *options
	out                     io.Writer
	warnings                io.Writer // the compiler's warnings (stderr)
	st                      vm.Style
	passed, failed, skipped int
	inputErr                bool
	records                 []any // --json
}

// load compiles a script and returns its (script, arch) jobs; a script
// that does not compile is reported at once.
func (t *tester) load(f string) []*job {
	p, err := load(f)
	if err == nil {
		warn(t.warnings, p)
		var arches []string
		if arches, err = t.o.arches(p); err == nil {
			var jobs []*job
			for _, a := range arches {
				jobs = append(jobs, newJob(f, p, a))
			}
			return jobs
		}
	}
	t.broken(f, "", err)
	return nil
}

// broken reports a script that could not be checked on arch ("" for all).
func (t *tester) broken(f, arch string, err error) {
	word, kind := t.st.Apply(t.st.Bad, "FAIL"), "error"
	if skipped(err) {
		word, kind = t.st.Apply(t.st.Dim, "SKIP"), "skipped"
		t.skipped++
	} else {
		t.failed++
		t.inputErr = true
	}
	if t.o.jsonOut {
		t.records = append(t.records, jsonFailure(kind, f, arch, err))
		return
	}
	where := f
	if arch != "" {
		where += " [" + arch + "]"
	}
	fmt.Fprintf(t.out, "%s %s: %s\n", word, where, vm.Printable(firstLine(err)))
}

// judge reports one checked (script, arch).
func (t *tester) judge(j *job) {
	if j.err != nil {
		t.broken(j.file, j.arch, j.err)
		return
	}
	ok, why, want := passed(j.res), "", resultComment(j.file)
	if want != "" {
		var rok bool
		rok, why = judgeResult(want, j.res)
		if j.res.Expected == "" { // Result: is the expectation
			ok = rok && j.res.Counts["error"] == 0 && (len(j.res.Violations) == 0 || want == "DEADLOCK")
		} else {
			ok = ok && rok
		}
	}
	if ok {
		t.passed++
	} else {
		t.failed++
	}
	if t.o.jsonOut {
		rec := jsonResult(j.file, j.prog, j.res)
		rec.Matched = ok
		t.records = append(t.records, rec)
		return
	}
	fmt.Fprintln(t.out, testLine(j.file, j.res, ok, want != "", why, t.st))
}

// skipped tells a test that cannot be run yet (a .litmus construct the
// translator does not support, a builtin the memory model does not model)
// from a broken one.
func skipped(err error) bool {
	var le *litmus.Error
	var un *vm.Unsupported
	return errors.As(err, &le) || errors.As(err, &un)
}

// testLine is one line of `mmuasm test`; a failure says which
// expectation failed: the expect lines, the Result: comment, or both.
func testLine(file string, r *vm.Result, ok, hasResult bool, why string, st vm.Style) string {
	word := st.Apply(st.Good, "PASS")
	if !ok {
		word = st.Apply(st.Bad, "FAIL")
	}
	line := fmt.Sprintf("%s %s [%s] %s (%d executions, %s)", word, file, r.Arch, r.Verdict, r.Executions, vm.FormatDuration(r.Elapsed))
	if ok {
		return line
	}
	var reasons []string
	if !passed(r) && (r.Expected != "" || !hasResult || len(r.Violations) > 0) {
		exp := r.Expected
		if exp == "" {
			exp = "ok"
		}
		reason := "expected " + exp
		if len(r.Violations) > 0 {
			reason += "; " + r.Violations[0].Kind + ": " + vm.Printable(r.Violations[0].Msg)
		}
		reasons = append(reasons, reason)
	}
	if why != "" {
		reasons = append(reasons, why)
	}
	return line + ": " + strings.Join(reasons, "; ")
}

// scripts lists the .mmu and .litmus files below paths, sorted, each
// path's in order. A directory is read with everything below it; "dir/..."
// (and "./...") means the same, as go test users write it, with go's
// skipping of testdata. A path that holds no script is an error: a typo
// must not pass as "0 failed".
func scripts(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		pattern := p == "..." || strings.HasSuffix(p, string(filepath.Separator)+"...")
		if p == "..." {
			p = "."
		}
		p = strings.TrimSuffix(p, string(filepath.Separator)+"...")
		found, err := scriptsIn(p, pattern)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .mmu or .litmus scripts", p)
		}
		out = append(out, found...)
	}
	return out, nil
}

// scriptsIn lists the scripts below p. A pattern (dir/...) skips, as the
// go command does, the directories named testdata or starting with . or _
// below it: their scripts are fixtures, often broken on purpose.
func scriptsIn(p string, pattern bool) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var found []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name := d.Name(); pattern && d.IsDir() && path != p && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".litmus") || strings.HasSuffix(path, ".mmu") && !isModule(path)) {
			found = append(found, path)
		}
		return nil
	})
	sort.Strings(found)
	return found, err
}

var (
	cpuBlockRE = regexp.MustCompile(`(?m)^\s*cpu\s`)
	procRE     = regexp.MustCompile(`(?m)^\s*proc\s`)
)

// isModule tells a module found below a directory (procs and no cpu
// block: the stdlib's lazy.mmu, a script's helpers) from a test; named on
// the command line, a file is always checked. A file past the source
// budget is taken for a test, whose load reports it.
func isModule(path string) bool {
	src, err := compiler.ReadSource(path, vm.Limits{})
	return err == nil && !cpuBlockRE.Match(src) && procRE.Match(src)
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
