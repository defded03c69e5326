package main

import (
	"fmt"
	"io"

	"github.com/mmuvm/mmuvm/vm"
)

// cmdRun runs one execution on each arch named: the schedule given by
// --schedule, else one chosen at random by --seed, and prints its trace.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	o, file, p, code, ok := oneScript("run", args, stdout, stderr)
	if !ok {
		return code
	}
	arches, err := o.arches(p)
	if err != nil {
		return report(stderr, err)
	}
	out, flush := o.output(stdout)
	defer flush()
	var records []jsonRun
	for i, a := range arches {
		res, err := runOne(p, o, a)
		if err != nil {
			return report(stderr, err)
		}
		if o.jsonOut {
			records = append(records, runRecord(file, p, a, res))
		} else {
			if i > 0 {
				fmt.Fprintln(out)
			}
			writeRun(out, p, o, a, res)
		}
		if res.Violation != nil && o.schedule == "" {
			code = exitFail // a random run found a violation
		}
	}
	if o.jsonOut {
		if err := writeJSON(stdout, records); err != nil {
			return report(stderr, err)
		}
	}
	return code
}

// runOne replays --schedule (a schedule or a weak model's execution
// token), or runs a random execution chosen by --seed, each within the
// budget of --timeout and the default limits.
func runOne(p *vm.Program, o *options, a string) (*vm.RunResult, error) {
	switch {
	case vm.IsExecutionToken(o.schedule):
		return vm.ReplayExecution(p, o.config(a), o.schedule)
	case o.schedule != "":
		schedule, err := vm.DecodeSchedule(o.schedule)
		if err != nil {
			return nil, err
		}
		return vm.Replay(p, o.config(a), schedule)
	}
	return vm.RunRandom(p, o.config(a))
}

// writeRun prints a run: its trace, final state and violation. A replayed
// schedule that reproduces a violation says so: that is what was asked,
// whatever the script's expect lines say.
func writeRun(w io.Writer, p *vm.Program, o *options, a string, res *vm.RunResult) {
	st := o.style(w)
	name := vm.Printable(p.Name)
	model, _ := vm.ModelFor(p, o.config(a))
	switch {
	case res.Execution != "":
		fmt.Fprintf(w, "%s %s on %s, model %s, execution %s\n", st.Apply(st.Head, "Run"), name, a, model, res.Execution)
		if res.Among > 0 {
			fmt.Fprintln(w, pickedAmong(o.seed, model, res))
		}
	case model != "sc": // tso on its store buffers (flushes included), or an interleaving replayed
		fmt.Fprintf(w, "%s %s on %s, model %s, schedule %s\n", st.Apply(st.Head, "Run"), name, a, model, vm.EncodeSchedule(res.Schedule))
		if vm.RunsOnGraphs(p, o.config(a)) {
			fmt.Fprintln(w, "(an interleaving of the machine, as under sc: each read reads the latest write)")
		}
	default:
		fmt.Fprintf(w, "%s %s on %s, schedule %s\n", st.Apply(st.Head, "Run"), name, a, vm.EncodeSchedule(res.Schedule))
	}
	vm.WriteTrace(w, p, res.Threads, res.Labels, res.Events, st)
	if res.Final != "" {
		fmt.Fprintf(w, "Final state: %s (condition predicate %v)\n", res.Final, res.Holds)
	}
	v := res.Violation
	switch {
	case v != nil && o.schedule != "":
		fmt.Fprintf(w, "%s: %s\n", st.Apply(st.Bad, v.Kind), vm.Printable(v.Msg))
		fmt.Fprintf(w, "Replayed: the schedule reproduces the %s\n", v.Kind)
	case v != nil:
		fmt.Fprintf(w, "%s: %s\n", st.Apply(st.Bad, v.Kind), vm.Printable(v.Msg))
	case o.schedule != "":
		fmt.Fprintln(w, "Replayed: no violation in this execution")
	default:
		fmt.Fprintln(w, "no violation")
	}
}

// pickedAmong says how a weak model's random execution was picked.
func pickedAmong(seed int64, model string, res *vm.RunResult) string {
	among := fmt.Sprintf("among the %d executions", res.Among)
	if res.Among == 1 {
		among = "the only execution"
	}
	if res.Stopped == "" {
		return fmt.Sprintf("Picked at random (seed %d): %s %s allows", seed, among, model)
	}
	return fmt.Sprintf("Picked at random (seed %d): %s found before the search stopped (%s)", seed, among, res.Stopped)
}

// jsonRun is one execution, as `run --json` prints it.
type jsonRun struct {
	Kind      string         `json:"kind"` // "run"
	File      string         `json:"file"`
	Test      string         `json:"test"`
	Arch      string         `json:"arch"`
	Schedule  string         `json:"schedule"`
	Trace     []jsonEvent    `json:"trace"`
	Final     map[string]any `json:"final_state,omitempty"`
	Holds     *bool          `json:"condition_predicate,omitempty"`
	Violation *jsonViolation `json:"violation,omitempty"`
	// a weak model's random execution: how many it was picked among, and
	// why the search stopped short of all of the program's, if it did
	Among   int    `json:"picked_among,omitempty"`
	Stopped string `json:"search_stopped,omitempty"`
}

func runRecord(file string, p *vm.Program, a string, res *vm.RunResult) jsonRun {
	j := jsonRun{Kind: "run", File: file, Test: p.Name, Arch: a, Schedule: vm.EncodeSchedule(res.Schedule), Trace: jsonTrace(p, res.Threads, res.Events)}
	if res.Execution != "" {
		j.Schedule = res.Execution
	}
	if res.Among > 0 {
		j.Among, j.Stopped = res.Among, res.Stopped
	}
	if res.Final != "" {
		j.Final, j.Holds = stateMap(res.Final), &res.Holds
	}
	if v := res.Violation; v != nil {
		jv := jsonViolation{Kind: v.Kind, Message: v.Msg, Schedule: j.Schedule, Trace: j.Trace}
		if v.Pos.File >= 0 {
			jv.Position = p.PosString(v.Pos)
		}
		j.Violation = &jv
	}
	return j
}
