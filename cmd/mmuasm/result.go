package main

import (
	"fmt"
	"regexp"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// resultRE finds the kernel's litmus-test expectation comment, as
// tools/memory-model/scripts/judgelitmus.sh reads it: "Result: Never",
// "Sometimes", "Always" or "DEADLOCK", in any comment of the file.
var resultRE = regexp.MustCompile(`(?m)^[\s(*/#]*Result:\s*(Never|Sometimes|Always|DEADLOCK)\b`)

// resultComment is the file's Result: expectation, "" if none (or if the
// file is past the source budget, which its load reports).
func resultComment(file string) string {
	src, err := compiler.ReadSource(file, vm.Limits{})
	if err != nil {
		return ""
	}
	m := resultRE.FindSubmatch(src)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// judgeResult checks a result against a Result: expectation as
// judgelitmus.sh does: the observation must be the one named, and
// DEADLOCK means no execution ends (herd's "Never 0 0"; here, a deadlock
// found). Never and Always are claims about every execution, which only a
// complete search establishes.
func judgeResult(want string, r *vm.Result) (ok bool, why string) {
	if want == "DEADLOCK" {
		if r.Counts["deadlock"] > 0 || (r.Condition != "" && r.Complete && r.Positive+r.Negative == 0) {
			return true, ""
		}
		return false, "Result: DEADLOCK expected, but executions end"
	}
	if r.Condition == "" {
		return false, fmt.Sprintf("Result: %s expected, but the script has no final condition", want)
	}
	got := string(r.Observation)
	if got != want {
		return false, fmt.Sprintf("Result: %s expected, observed %s (%d positive, %d negative executions)", want, got, r.Positive, r.Negative)
	}
	if !r.Complete && want != "Sometimes" {
		return false, fmt.Sprintf("Result: %s not established: the search is incomplete", want)
	}
	return true, ""
}
