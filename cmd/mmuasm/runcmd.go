package main

import (
	"fmt"
	"io"
	"math/rand"

	"mmuvm/vm"
)

// cmdRun runs one execution: the schedule given by --schedule, else one
// chosen at random by --seed, and prints its trace.
func cmdRun(args []string, stdout, stderr io.Writer) int {
	o, _, p, code, ok := oneScript("run", "mmuasm run [--seed S | --schedule TOKEN] FILE", args, stderr, nil)
	if !ok {
		return code
	}
	arches, err := o.arches(p)
	if err != nil {
		return report(stderr, err)
	}
	a := arches[0]
	if vm.IsExecutionToken(o.schedule) {
		return runExecution(p, o, a, stdout, stderr)
	}
	var schedule []int
	if o.schedule != "" {
		if schedule, err = vm.DecodeSchedule(o.schedule); err != nil {
			return report(stderr, err)
		}
	} else if schedule, err = randomSchedule(p, o, a); err != nil {
		return report(stderr, err)
	}
	res, err := vm.Replay(p, o.config(a), schedule)
	if err != nil {
		return report(stderr, err)
	}
	st := o.style()
	fmt.Fprintf(stdout, "%s %s on %s, schedule %s\n", st.Apply(st.Head, "Run"), p.Name, a, vm.EncodeSchedule(res.Schedule))
	vm.WriteTrace(stdout, p, res.Threads, res.Labels, res.Events, st)
	return finishRun(stdout, res, st)
}

// finishRun prints the end of a run: its final state and violation.
func finishRun(stdout io.Writer, res *vm.RunResult, st vm.Style) int {
	if res.Final != "" {
		fmt.Fprintf(stdout, "Final state: %s (condition predicate %v)\n", res.Final, res.Holds)
	}
	if v := res.Violation; v != nil {
		fmt.Fprintf(stdout, "%s: %s\n", st.Apply(st.Bad, v.Kind), v.Msg)
		return exitFail
	}
	fmt.Fprintln(stdout, "no violation")
	return exitOK
}

// runExecution replays a weak model's execution token.
func runExecution(p *vm.Program, o *options, a string, stdout, stderr io.Writer) int {
	cfg := o.config(a)
	res, err := vm.ReplayExecution(p, cfg, o.schedule)
	if err != nil {
		return report(stderr, err)
	}
	model, _ := vm.ModelFor(p, cfg)
	st := o.style()
	fmt.Fprintf(stdout, "%s %s on %s, model %s, execution %s\n", st.Apply(st.Head, "Run"), p.Name, a, model, res.Execution)
	vm.WriteTrace(stdout, p, res.Threads, res.Labels, res.Events, st)
	return finishRun(stdout, res, st)
}

// randomSchedule picks a random execution's schedule with --seed.
func randomSchedule(p *vm.Program, o *options, a string) ([]int, error) {
	m, err := vm.NewMachine(p, a, nil, vm.Limits{Steps: o.maxSteps})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewSource(o.seed))
	var buf, schedule []int
	for m.Violation() == nil {
		buf = m.Enabled(buf)
		if len(buf) == 0 {
			break
		}
		t := buf[rng.Intn(len(buf))]
		schedule = append(schedule, t)
		m.Step(t)
	}
	return schedule, nil
}
