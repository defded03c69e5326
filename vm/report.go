package vm

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Style colours and lays out reports; the zero value prints plain text
// with tables as wide as their widest cell.
type Style struct {
	Bad, Good, Dim, Head func(string) string
	// Width wraps trace tables to this many columns (a terminal's width,
	// 72 for a mail); 0 never wraps. A cell is wrapped, never cut.
	Width int
	// ASCII draws tables with | and - and spells … as "...", for a
	// terminal whose locale is not UTF-8 and for mail.
	ASCII bool
	// Mail lays a trace out as a review thread does: CPU columns under a
	// "CPU 0  CPU 1" heading, separated by spaces, no rules.
	Mail bool
	// AllRows prints every row of a trace: by default a run of more than
	// eight like events of one CPU shows its first and last two
	// (WriteTrace).
	AllRows bool
}

func (s Style) Apply(f func(string) string, text string) string {
	if f == nil {
		return text
	}
	return f(text)
}

// WriteResult prints the herd-like block for one (script, arch).
func WriteResult(w io.Writer, prog *Program, r *Result, st Style) {
	fmt.Fprintf(w, "%s %s on %s", st.Apply(st.Head, "Test"), Printable(r.Test), r.Arch)
	if r.Model != "" && r.Model != "sc" {
		fmt.Fprintf(w, ", model %s", r.Model)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Executions %d", r.Executions)
	if r.States > 0 {
		fmt.Fprintf(w, ", states %d", r.States)
	}
	if r.Graphs > 0 {
		fmt.Fprintf(w, ", graphs %d", r.Graphs)
	}
	fmt.Fprintf(w, ", time %s\n", FormatDuration(r.Elapsed))
	if r.Condition != "" {
		fmt.Fprintf(w, "Final states %d (each with the number of executions explored that end in it, not a frequency)\n", len(r.FinalStates))
		for _, s := range r.FinalStates {
			values := s.Values
			if values == "" {
				values = "(the condition names no register or shared word)"
			}
			fmt.Fprintf(w, "  %6d :> %s\n", s.Count, values)
		}
		fmt.Fprintf(w, "Witnesses Positive: %d Negative: %d (executions)\n", r.Positive, r.Negative)
		fmt.Fprintf(w, "Condition %s: %s\n", r.Condition, ConditionWords(r))
		fmt.Fprintf(w, "Observation %s %s %d %d\n", Printable(r.Test), r.Observation, r.Positive, r.Negative)
	}
	for _, b := range r.Bounds {
		fmt.Fprintf(w, "Bound hit: %s\n", b)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note: %s\n", st.Apply(st.Dim, n))
	}
	verdict := r.Verdict
	if strings.HasPrefix(verdict, "fail") {
		verdict = st.Apply(st.Bad, verdict)
	} else if verdict == "ok" {
		verdict = st.Apply(st.Good, verdict)
	}
	fmt.Fprintf(w, "Verdict %s", verdict)
	if r.Expected != "" {
		m := st.Apply(st.Good, "matched")
		if !r.Matched {
			m = st.Apply(st.Bad, "NOT matched")
		}
		fmt.Fprintf(w, " (expected %s: %s)", r.Expected, m)
	}
	fmt.Fprintln(w)
	for _, v := range r.Violations {
		WriteCounterexample(w, prog, r.Threads, r.Labels, v, st)
	}
	if len(r.Violations) == 0 && r.Witness != nil {
		WriteCounterexample(w, prog, r.Threads, r.Labels, r.Witness, st)
	}
}

// ConditionWords says what the final condition's outcome establishes. A
// verdict is a proof only over a complete search: when a bound, a timeout,
// an interrupt or a first violation stopped it, "validated" alone would
// claim one. What the explored executions show for certain is still said
// plainly: a witness of exists, or a counterexample of ~exists and forall.
func ConditionWords(r *Result) string {
	word := "not validated"
	if r.Validated {
		word = "validated"
	}
	shown := r.Validated == (r.Condition == "exists") // an execution shows it
	if r.Complete || shown {
		return word
	}
	return fmt.Sprintf("%s on the executions explored only (the search is incomplete: %s)", word, stopReason(r))
}

// stopReason is why a search did not cover every execution.
func stopReason(r *Result) string {
	if len(r.Bounds) > 0 {
		return strings.Join(r.Bounds, "; ")
	}
	if len(r.Violations) > 0 {
		return fmt.Sprintf("it stopped at the first %s; --all explores on", r.Violations[0].Kind)
	}
	return "it stopped early"
}

// FormatDuration prints a duration compactly.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// WriteCounterexample prints a violation with its trace as a table with one
// column per CPU (an irq and IPIs in their CPU's column).
func WriteCounterexample(w io.Writer, prog *Program, threads, labels []string, v *Violation, st Style) {
	if v.Budget() { // the check's limit: no execution to show, only where it stopped
		fmt.Fprintf(w, "\n%s: %s\n", st.Apply(st.Bad, v.Kind), Printable(v.Msg))
		writePos(w, prog, v.Pos)
		return
	}
	title := "Counterexample"
	if v.Kind == "condition" {
		title = "Witness"
	}
	if v.Schedule == nil && len(v.Trace) > 0 {
		// a weak model's execution: its events, CPU by CPU, with where
		// each read read from; there is no interleaving to replay
		fmt.Fprintf(w, "\n%s (%s), %d events, each read with the write it reads from, execution %s\n", st.Apply(st.Head, title), v.Kind, countSteps(v.Trace), v.Execution)
	} else {
		fmt.Fprintf(w, "\n%s (%s), %d steps, schedule %s\n", st.Apply(st.Head, title), v.Kind, countSteps(v.Trace), EncodeSchedule(v.Schedule))
	}
	WriteTrace(w, prog, threads, labels, v.Trace, st)
	fmt.Fprintf(w, "%s: %s\n", st.Apply(st.Bad, v.Kind), Printable(v.Msg))
	writePos(w, prog, v.Pos)
}

func writePos(w io.Writer, prog *Program, pos Pos) {
	if pos.File >= 0 && int(pos.File) < len(prog.Files) {
		fmt.Fprintf(w, "  at %s\n", prog.PosString(pos))
	}
}

func countSteps(ev []Event) int {
	n := 0
	last := -1
	for _, e := range ev {
		if e.Step != last {
			n++
			last = e.Step
		}
	}
	return n
}

// PosString renders a position as file:line:col.
func (p *Program) PosString(pos Pos) string {
	if pos.File < 0 || int(pos.File) >= len(p.Files) {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.Files[pos.File].Name, pos.Line, pos.Col)
}

// EncodeSchedule writes a schedule as a replayable token: thread numbers
// separated by commas, with runs written t*n ("0*3,1,0*2").
func EncodeSchedule(s []int) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(s[i]))
		if j-i > 1 {
			fmt.Fprintf(&b, "*%d", j-i)
		}
		i = j
	}
	return b.String()
}

// DecodeSchedule parses a token written by EncodeSchedule.
func DecodeSchedule(tok string) (s []int, err error) {
	defer recoverAs("vm.DecodeSchedule", &err)
	var out []int
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return nil, nil
	}
	for _, part := range strings.Split(tok, ",") {
		t, n := part, "1"
		if i := strings.IndexByte(part, '*'); i >= 0 {
			t, n = part[:i], part[i+1:]
		}
		id, err1 := strconv.Atoi(strings.TrimSpace(t))
		cnt, err2 := strconv.Atoi(strings.TrimSpace(n))
		if err1 != nil || err2 != nil || id < 0 || cnt < 1 || cnt > 1_000_000 {
			return nil, fmt.Errorf("bad schedule element %q (want THREAD or THREAD*COUNT)", part)
		}
		for k := 0; k < cnt; k++ {
			out = append(out, id)
		}
		if len(out) > 10_000_000 {
			return nil, fmt.Errorf("schedule too long")
		}
	}
	return out, nil
}
