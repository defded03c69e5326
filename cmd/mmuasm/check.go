package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"mmuvm/vm"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	o, file, p, code, ok := oneScript("check", "mmuasm check [flags] FILE", args, stderr, nil)
	if !ok {
		return code
	}
	arches, err := o.arches(p)
	if err != nil {
		return report(stderr, err)
	}
	if o.format != "text" && o.format != "herd" {
		fmt.Fprintf(stderr, "mmuasm check: unknown --format %q (text or herd)\n", o.format)
		return exitUsage
	}
	var results []*vm.Result
	var jobs []*job
	for _, a := range arches {
		jobs = append(jobs, newJob(file, p, a))
	}
	var failure error
	runJobs(jobs, o, func(j *job) {
		if j.err != nil || failure != nil {
			if failure == nil {
				failure = j.err
			}
			return
		}
		r := j.res
		results = append(results, r)
		if !passed(r) {
			code = exitFail
		}
		switch {
		case o.jsonOut:
		case o.format == "herd":
			vm.WriteHerd(stdout, p, r)
		default:
			if len(results) > 1 {
				fmt.Fprintln(stdout)
			}
			vm.WriteResult(stdout, p, r, o.style())
		}
		if tok := scheduleToken(r); o.saveSchedule != "" && tok != "" {
			if err := os.WriteFile(o.saveSchedule, []byte(tok+"\n"), 0o644); err != nil {
				failure = err
			}
		}
	})
	if failure != nil {
		return report(stderr, failure)
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

// scheduleToken is what replays a result's counterexample: its schedule,
// or under a weak model its execution token.
func scheduleToken(r *vm.Result) string {
	if r.Execution != "" {
		return r.Execution
	}
	return vm.EncodeSchedule(r.Schedule)
}
