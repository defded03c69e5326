package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/mmuvm/mmuvm/vm"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	o, file, p, code, ok := oneScript("check", args, stdout, stderr)
	if !ok {
		return code
	}
	arches, err := o.arches(p)
	if err != nil {
		return report(stderr, err)
	}
	ctx, signalled, stop := interruptible()
	defer stop()
	out, flush := o.output(stdout)
	defer flush()
	st := o.style(stdout)
	var results []*vm.Result
	var jobs []*job
	for _, a := range arches {
		jobs = append(jobs, newJob(file, p, a))
	}
	var failure error
	runJobs(ctx, jobs, o, func(j *job) {
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
		if !o.jsonOut {
			o.writeReport(out, p, r, st, len(results) == 1)
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
		out := []jsonOut{}
		for _, r := range results {
			out = append(out, jsonResult(file, p, r))
		}
		if err := writeJSON(stdout, out); err != nil {
			return report(stderr, err)
		}
	}
	if o.shardOut != "" {
		if err := writeShard(o.shardOut, file, o.shard, results); err != nil {
			return report(stderr, err)
		}
		code = exitOK // a shard's verdict is partial: merge gives the check's
	}
	if o.html != "" {
		if err := writeHTMLFile(o.html, p, results); err != nil {
			return report(stderr, err)
		}
	}
	if s := signalled(); s != 0 {
		return s
	}
	return code
}

// writeJSON prints v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
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

// writeReport prints one result of check or merge in the chosen text
// format; results after the first are set apart by a blank line.
func (o *options) writeReport(out io.Writer, p *vm.Program, r *vm.Result, st vm.Style, first bool) {
	if o.format == "herd" {
		vm.WriteHerd(out, p, r)
		return
	}
	if !first {
		fmt.Fprintln(out)
	}
	vm.WriteResult(out, p, r, st)
}
