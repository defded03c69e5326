package main

import "mmuvm/vm"

type jsonEvent struct {
	Step   int    `json:"step"`
	Thread string `json:"thread"`
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

type jsonState struct {
	Values string `json:"values"`
	Count  int    `json:"count"`
}

type jsonOut struct {
	Test        string          `json:"test"`
	Arch        string          `json:"arch"`
	Model       string          `json:"model"`
	Executions  int             `json:"executions"`
	States      int             `json:"states,omitempty"`
	ElapsedNS   int64           `json:"elapsed_ns"`
	Condition   string          `json:"condition,omitempty"`
	Observation string          `json:"observation,omitempty"`
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
}

func jsonResult(p *vm.Program, r *vm.Result) jsonOut {
	out := jsonOut{
		Test: r.Test, Arch: r.Arch, Model: r.Model, Executions: r.Executions, States: r.States,
		ElapsedNS: r.Elapsed.Nanoseconds(), Condition: r.Condition, Observation: string(r.Observation),
		Verdict: r.Verdict, Expected: r.Expected, Matched: passed(r), Complete: r.Complete,
		Bounds: r.Bounds, Flags: r.Flags, Counts: r.Counts,
	}
	for _, s := range r.FinalStates {
		out.FinalStates = append(out.FinalStates, jsonState{s.Values, s.Count})
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

func jsonViol(p *vm.Program, r *vm.Result, v *vm.Violation) jsonViolation {
	j := jsonViolation{Kind: v.Kind, Message: v.Msg, Schedule: vm.EncodeSchedule(v.Schedule), Trace: []jsonEvent{}}
	if v.Execution != "" { // a weak model's execution token
		j.Schedule = v.Execution
	}
	if v.Pos.File >= 0 {
		j.Position = p.PosString(v.Pos)
	}
	for _, e := range v.Trace {
		je := jsonEvent{Step: e.Step, Thread: r.Threads[e.Thread], Text: e.Text}
		if e.Pos.File >= 0 {
			je.Line = int(e.Pos.Line)
		}
		j.Trace = append(j.Trace, je)
	}
	return j
}
