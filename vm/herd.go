package vm

import (
	"fmt"
	"io"
	"strings"
)

// WriteHerd prints a result as herd7 prints a test (`mmuasm check --format
// herd`), so that logs of both compare with herd's tools: the test's kind,
// the final states in herd's notation ([x] for memory), Ok or No, the
// witness counts, the condition, the observation, the bounds hit (not
// herd's) and the time.
func WriteHerd(w io.Writer, prog *Program, r *Result) {
	kind := map[string]string{"exists": "Allowed", "~exists": "Forbidden", "forall": "Required"}[r.Condition]
	if kind == "" {
		kind = "Allowed"
	}
	name := herdName(r.Test)
	fmt.Fprintf(w, "Test %s %s\n", name, kind)
	fmt.Fprintf(w, "States %d\n", len(r.FinalStates))
	for _, s := range r.FinalStates {
		fmt.Fprintln(w, herdState(prog, s.Values))
	}
	ok := "No"
	if r.Validated {
		ok = "Ok"
	}
	fmt.Fprintln(w, ok)
	fmt.Fprintf(w, "Witnesses\nPositive: %d Negative: %d\n", r.Positive, r.Negative)
	for _, f := range r.Flags {
		fmt.Fprintf(w, "Flag %s\n", f)
	}
	if r.Condition != "" {
		fmt.Fprintf(w, "Condition %s\n", herdCondition(prog))
		fmt.Fprintf(w, "Observation %s %s %d %d\n", name, r.Observation, r.Positive, r.Negative)
	}
	// herd's log has no word for an incomplete search: name the bounds,
	// so that an "Ok" drawn from part of the executions is not a proof
	for _, b := range r.Bounds {
		fmt.Fprintf(w, "Bound hit: %s\n", b)
	}
	fmt.Fprintf(w, "Time %s %.2f\n\n", name, r.Elapsed.Seconds())
}

// herdName is a test name as one herd word: herd's tools split its lines
// at spaces, so a name with spaces would shift every field after it.
func herdName(name string) string {
	name = strings.Join(strings.Fields(Printable(name)), "_")
	if name == "" {
		return "_"
	}
	return name
}

// herdState writes "0:r0=1; x=2" as herd does: "0:r0=1; [x]=2;".
func herdState(prog *Program, values string) string {
	var b strings.Builder
	for _, kv := range strings.Split(values, "; ") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		if !strings.Contains(k, ":") {
			k = "[" + k + "]"
		}
		fmt.Fprintf(&b, "%s=%s; ", k, v)
	}
	return strings.TrimSuffix(b.String(), " ")
}

// herdCondition is the script's final condition in herd's notation.
func herdCondition(prog *Program) string {
	f := prog.Final
	pos := prog.Procs[f.Proc].Pos
	line := prog.SourceLine(pos)
	_, cond, ok := strings.Cut(line, f.Kind.String())
	if !ok {
		return f.Kind.String()
	}
	cond = strings.TrimSpace(cond)
	for _, r := range [][2]string{{"==", "="}, {"&&", `/\`}, {"||", `\/`}, {"!=", "<>"}} {
		cond = strings.ReplaceAll(cond, r[0], r[1])
	}
	return f.Kind.String() + " " + cond
}

// SourceLine is the text of the source line at pos ("" if unknown).
func (p *Program) SourceLine(pos Pos) string {
	if pos.File < 0 || int(pos.File) >= len(p.Files) {
		return ""
	}
	lines := strings.Split(p.Files[pos.File].Text, "\n")
	if pos.Line < 1 || int(pos.Line) > len(lines) {
		return ""
	}
	return lines[pos.Line-1]
}
