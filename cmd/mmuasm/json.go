package main

import (
	"errors"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

type jsonEvent struct {
	Step   int    `json:"step"`
	Thread string `json:"thread"`
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Text   string `json:"text"`
}

type jsonViolation struct {
	Kind     string      `json:"kind"`
	Message  string      `json:"message"`
	Position string      `json:"position,omitempty"`
	Schedule string      `json:"schedule"`
	Trace    []jsonEvent `json:"trace"`
}

// jsonState is one final state: the value of each register and shared
// word the condition names, and how many explored executions end in it.
type jsonState struct {
	Values     map[string]any `json:"values"`
	Executions int            `json:"executions"`
}

type jsonOut struct {
	Kind        string          `json:"kind"` // "result"
	File        string          `json:"file"`
	Test        string          `json:"test"`
	Arch        string          `json:"arch"`
	Model       string          `json:"model"`
	Executions  int             `json:"executions"`
	States      int             `json:"states,omitempty"`
	Graphs      int             `json:"graphs,omitempty"`
	ElapsedNS   int64           `json:"elapsed_ns"`
	Condition   string          `json:"condition,omitempty"`
	Validated   string          `json:"condition_result,omitempty"`
	Observation string          `json:"observation,omitempty"`
	Positive    int             `json:"positive_executions"`
	Negative    int             `json:"negative_executions"`
	FinalStates []jsonState     `json:"final_states,omitempty"`
	Verdict     string          `json:"verdict"`
	Expected    string          `json:"expected,omitempty"`
	Matched     bool            `json:"matched"`
	Complete    bool            `json:"complete"`
	Bounds      []string        `json:"bounds,omitempty"`
	Flags       []string        `json:"flags,omitempty"`
	Counts      map[string]int  `json:"violation_counts,omitempty"`
	Violations  []jsonViolation `json:"violations,omitempty"`
	Witness     *jsonViolation  `json:"witness,omitempty"`
	// SplitCounts names the fields above whose value depends on how the
	// search was split over workers (-j with --search state).
	SplitCounts []string `json:"split_dependent_counts,omitempty"`
}

// jsonError is a script that could not be checked: a compile error (with
// its position) or an input error.
type jsonError struct {
	Kind    string `json:"kind"` // "error", or "skipped" for what cannot be run yet
	File    string `json:"file"`
	Arch    string `json:"arch,omitempty"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
}

func jsonFailure(kind, file, arch string, err error) jsonError {
	j := jsonError{Kind: kind, File: file, Arch: arch, Message: err.Error()}
	var le *lang.Error
	if errors.As(err, &le) {
		j.Line, j.Column, j.Message = le.Pos.Line, le.Pos.Col, le.Msg
		if le.Pos.File != "" {
			j.File = le.Pos.File
		}
		if le.Suggest != "" {
			j.Message += " (did you mean " + le.Suggest + "?)"
		}
	}
	return j
}

func jsonResult(file string, p *vm.Program, r *vm.Result) jsonOut {
	out := jsonOut{
		Kind: "result", File: file,
		Test: r.Test, Arch: r.Arch, Model: r.Model, Executions: r.Executions, States: r.States, Graphs: r.Graphs,
		ElapsedNS: r.Elapsed.Nanoseconds(), Condition: r.Condition, Observation: string(r.Observation),
		Positive: r.Positive, Negative: r.Negative,
		Verdict: r.Verdict, Expected: r.Expected, Matched: passed(r), Complete: r.Complete,
		Bounds: r.Bounds, Flags: r.Flags, Counts: r.Counts, SplitCounts: r.SplitCounts,
	}
	if r.Condition != "" {
		out.Validated = vm.ConditionWords(r)
	}
	for _, s := range r.FinalStates {
		out.FinalStates = append(out.FinalStates, jsonState{stateMap(s.Values), s.Count})
	}
	for _, v := range r.Violations {
		out.Violations = append(out.Violations, jsonViol(p, r, v))
	}
	if r.Witness != nil {
		w := jsonViol(p, r, r.Witness)
		out.Witness = &w
	}
	return out
}

// stateMap reads "0:r0=1; x=0x2" as {"0:r0": 1, "x": 2}: numbers as JSON
// numbers, anything else (a symbolic value) as a string.
func stateMap(values string) map[string]any {
	m := map[string]any{}
	for _, kv := range strings.Split(values, "; ") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(v, 0, 64); err == nil {
			m[k] = n
		} else if n, err := strconv.ParseInt(v, 0, 64); err == nil {
			m[k] = n
		} else {
			m[k] = v
		}
	}
	return m
}

func jsonViol(p *vm.Program, r *vm.Result, v *vm.Violation) jsonViolation {
	j := jsonViolation{Kind: v.Kind, Message: v.Msg, Schedule: vm.EncodeSchedule(v.Schedule), Trace: []jsonEvent{}}
	if v.Execution != "" { // a weak model's execution token
		j.Schedule = v.Execution
	}
	if v.Pos.File >= 0 {
		j.Position = p.PosString(v.Pos)
	}
	j.Trace = jsonTrace(p, r.Threads, v.Trace)
	return j
}

func jsonTrace(p *vm.Program, threads []string, ev []vm.Event) []jsonEvent {
	out := []jsonEvent{}
	for _, e := range ev {
		je := jsonEvent{Step: e.Step, Thread: threads[e.Thread], Text: e.Text}
		if e.Pos.File >= 0 && int(e.Pos.File) < len(p.Files) {
			je.File, je.Line = p.Files[e.Pos.File].Name, int(e.Pos.Line)
		}
		out = append(out, je)
	}
	return out
}
