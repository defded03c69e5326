package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"mmuvm/vm"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags("check", &o, stderr)
	files, err := parse(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: mmuasm check [flags] FILE")
		return exitUsage
	}
	p, err := load(files[0])
	if err != nil {
		return report(stderr, err)
	}
	arches, err := o.arches(p)
	if err != nil {
		return report(stderr, err)
	}
	code := exitOK
	var results []*vm.Result
	for i, a := range arches {
		r, err := checkOne(p, &o, a)
		if err != nil {
			return report(stderr, err)
		}
		results = append(results, r)
		if !passed(r) {
			code = exitFail
		}
		if !o.jsonOut {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			vm.WriteResult(stdout, p, r, o.style())
		}
		if o.saveSchedule != "" && len(r.Schedule) > 0 {
			if err := os.WriteFile(o.saveSchedule, []byte(vm.EncodeSchedule(r.Schedule)+"\n"), 0o644); err != nil {
				return report(stderr, err)
			}
		}
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		var out []any
		for _, r := range results {
			out = append(out, jsonResult(p, r))
		}
		if err := enc.Encode(out); err != nil {
			return report(stderr, err)
		}
	}
	return code
}

func checkOne(p *vm.Program, o *options, a string) (*vm.Result, error) {
	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	return vm.Check(ctx, p, o.config(a))
}

// passed: the expectation holds, or without one, nothing was found.
func passed(r *vm.Result) bool {
	if r.Counts["error"] > 0 {
		return false
	}
	if r.Expected == "" {
		return r.Verdict == "ok"
	}
	return r.Matched
}
