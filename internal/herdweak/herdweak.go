// Package herdweak compares mmuvm with herd7 on the herd-weak catalogue:
// herd7's final-state sets and observations for thousands of litmus tests
// under LKMM, Armv8 and x86-TSO (../shared/herd-weak in the workplace; it
// is not part of the repository). Each test is translated from .litmus,
// checked under the family's model, and its final states (projected on
// the terms herd prints) and observation are compared with herd's.
package herdweak

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// Families maps each folder of tests/ to the model herd ran it under.
var Families = map[string]string{"lkmm": "lkmm", "aarch64": "armv8", "x86tso": "tso", "x86_64-tso": "tso"}

// Engines lists the searches a family's model is checked with, so that
// each is held to herd: under tso the operational store buffers (the
// default search), the axiomatic graph enumeration ("graph") and the
// incremental search; under armv8 the enumeration and the incremental
// search; under lkmm the enumeration and the incremental search, which
// misses the out-of-thin-air tests and a lock handover
// (docs/architecture.md): the tests where it does are listed in testdata,
// and it is held to herd on the others.
func Engines(model string) []string {
	switch model {
	case "tso":
		return []string{"", "graph", "incremental"}
	case "armv8", "lkmm":
		return []string{"", "incremental"}
	}
	return []string{""}
}

// Outcome is how one test went.
type Outcome struct {
	Name     string
	Status   string // "match", "skip", "mismatch" ("gap": a listed known gap, TestHerdWeak)
	Reason   string // why skipped or how it differs
	Elapsed  time.Duration
	HerdTime time.Duration
	// LogDiff, on a match, says how the States lines of mmuasm check
	// --format herd differ from herd's own ("" when they are the same)
	LogDiff string
}

// Expected is herd's answer on one test.
type Expected struct {
	States      map[string]bool // canonical final states
	Lines       []string        // the States lines as herd prints them
	Condition   string          // the Condition line as herd prints it
	Keys        map[string]bool // the terms herd prints
	Observation string
	// Flags are herd's Flag lines (LKMM's data-race and its bell's
	// validity flags), sorted: what herd raises on some execution
	Flags []string
	Time  time.Duration
	// Unrolled: herd warned that its loop unrolling limit may have lost
	// legal outcomes, so its states are a lower bound
	Unrolled bool
}

var (
	statesRe = regexp.MustCompile(`(?m)^States (\d+)$`)
	obsRe    = regexp.MustCompile(`(?m)^Observation \S+ (Never|Sometimes|Always)`)
	condRe   = regexp.MustCompile(`(?m)^Condition .*$`)
	timeRe   = regexp.MustCompile(`(?m)^Time \S+ ([0-9.]+)`)
	flagRe   = regexp.MustCompile(`(?m)^Flag (\S+)$`)
	// firstElementRe is the translation's first element of an array
	firstElementRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)__0$`)
	// elementRe is an element of an array in herd's states (v[1])
	elementRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\[([0-9]+)\]$`)
	// symbolicRe finds a value herd printed as a symbol in its States
	symbolicRe = regexp.MustCompile(`(?m)^[^\n]*=S[0-9]+;`)
)

// ParseHerd reads a .herd.txt; ok is false when herd gave no answer.
func ParseHerd(txt string) (e Expected, ok bool) {
	e.States, e.Keys = map[string]bool{}, map[string]bool{}
	m := statesRe.FindStringSubmatchIndex(txt)
	if m == nil {
		return e, false
	}
	n, _ := strconv.Atoi(txt[m[2]:m[3]])
	lines := strings.Split(txt[m[1]:], "\n")[1:]
	for i := 0; i < n && i < len(lines); i++ {
		e.Lines = append(e.Lines, strings.TrimSpace(lines[i]))
		st := canonState(lines[i], nil)
		e.States[st] = true
		for _, kv := range strings.Split(st, ";") {
			if k, _, ok := strings.Cut(kv, "="); ok {
				e.Keys[k] = true
			}
		}
	}
	e.Condition = strings.TrimSpace(condRe.FindString(txt))
	if o := obsRe.FindStringSubmatch(txt); o != nil {
		e.Observation = o[1]
	}
	e.Unrolled = strings.Contains(txt, "unrolling limit exceeded")
	for _, f := range flagRe.FindAllStringSubmatch(txt, -1) {
		e.Flags = append(e.Flags, f[1])
	}
	slices.Sort(e.Flags)
	if t := timeRe.FindStringSubmatch(txt); t != nil {
		f, _ := strconv.ParseFloat(t[1], 64)
		e.Time = time.Duration(f * float64(time.Second))
	}
	return e, true
}

// canonState normalises a final state ("[x]=1; 0:r0=-1;" or "x=1; 0:r0=…")
// to sorted key=value pairs, keeping only keys in keep (all when nil).
func canonState(s string, keep map[string]bool) string {
	var kvs []string
	for _, a := range arrayStates(strings.Split(strings.ReplaceAll(s, `/\`, ";"), ";")) {
		k, v, ok := strings.Cut(strings.TrimSpace(a), "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		if m := elementRe.FindStringSubmatch(k); m != nil {
			k = m[1] + "__" + m[2] // herd's v[1] is the translation's v__1
		}
		k = strings.ReplaceAll(strings.Trim(k, "[]"), " ", "")
		if cpu, reg, ok := strings.Cut(k, ":"); ok {
			k = cpu + ":" + strings.ToLower(reg)
		} else {
			k = strings.ToLower(k)
		}
		if keep != nil && !keep[k] {
			continue
		}
		kvs = append(kvs, k+"="+canonValue(strings.TrimSpace(v)))
	}
	sort.Strings(kvs)
	// an element a state names both in its whole array and alone (L014:
	// `u={-1,-1}; u[0]=-1`) is one location
	return strings.Join(slices.Compact(kvs), ";")
}

// arrayStates splits herd's whole-array values (x={1,2}, which the ";"
// split leaves as "x={1" and "2}") into one entry per element, as the
// translation names them (x__0=1, x__1=2).
func arrayStates(parts []string) []string {
	var out []string
	for i := 0; i < len(parts); i++ {
		k, v, ok := strings.Cut(strings.TrimSpace(parts[i]), "=")
		if !ok || !strings.HasPrefix(strings.TrimSpace(v), "{") {
			out = append(out, parts[i])
			continue
		}
		list := strings.TrimSpace(v)
		for !strings.HasSuffix(list, "}") && i+1 < len(parts) {
			i++
			list += "," + strings.TrimSpace(parts[i])
		}
		for j, e := range strings.Split(strings.Trim(list, "{}"), ",") {
			out = append(out, fmt.Sprintf("%s__%d=%s", strings.TrimSpace(k), j, strings.TrimSpace(e)))
		}
	}
	return out
}

func canonValue(v string) string {
	if m := firstElementRe.FindStringSubmatch(v); m != nil {
		v = m[1] // the translation's v__0, as a value, is herd's v: its address
	}
	if n, err := strconv.ParseInt(v, 0, 64); err == nil {
		return strconv.FormatUint(uint64(n), 10)
	}
	if n, err := strconv.ParseUint(v, 0, 64); err == nil {
		return strconv.FormatUint(n, 10)
	}
	return strings.ToLower(v)
}

// RunTest checks one .litmus file against its .herd.txt, with the given
// search ("" for the default).
func RunTest(path, model, search string, timeout time.Duration) (out Outcome) {
	name := strings.TrimSuffix(filepath.Base(path), ".litmus")
	out = Outcome{Name: name}
	txt, err := os.ReadFile(strings.TrimSuffix(path, ".litmus") + ".herd.txt")
	if err != nil {
		return Outcome{Name: name, Status: "skip", Reason: "no herd answer"}
	}
	want, ok := ParseHerd(string(txt))
	if !ok {
		return Outcome{Name: name, Status: "skip", Reason: "herd gave no answer (timeout or error)"}
	}
	if symbolicRe.MatchString(string(txt)) {
		// herd leaves a value unconstrained (an out-of-thin-air cycle it
		// cannot solve) and prints it as a symbol: no concrete state set
		// can equal it
		return Outcome{Name: name, Status: "skip", Reason: "herd's answer has symbolic values (out-of-thin-air cycles)"}
	}
	out.HerdTime = want.Time
	start := time.Now()
	defer func() { out.Elapsed = time.Since(start) }()
	prog, res, status, why := checkLitmus(path, model, search, timeout)
	if res == nil {
		out.Status, out.Reason = status, why
		return out
	}
	if !res.Complete && !onlyUnrolled(res.Bounds) {
		out.Status, out.Reason = "mismatch", "incomplete: "+strings.Join(res.Bounds, "; ")
		return out
	}
	got := map[string]bool{}
	for _, s := range res.FinalStates {
		got[canonState(s.Values, want.Keys)] = true
	}
	switch {
	case !sameSet(got, want.States) && want.Unrolled && subset(want.States, got):
		// herd's L029: a loop on concrete values, which herd's unroller
		// cuts, leaving no execution; mmuvm runs it to its end
		out.Status, out.Reason = "skip", "herd's unrolling limit lost outcomes (it warns so); its states are a subset of ours"
	case !sameSet(got, want.States):
		out.Status, out.Reason = "mismatch", statesDiff(got, want.States)
	case string(res.Observation) != want.Observation:
		out.Status, out.Reason = "mismatch", fmt.Sprintf("observation %s, herd %s", res.Observation, want.Observation)
	case model == "lkmm" && !slices.Equal(slices.Sorted(slices.Values(res.Flags)), want.Flags):
		// aarch64.cat's flag (Assuming-common-inner-shareable-domain,
		// raised on some tests with barriers) says what herd assumed of
		// shareability domains, not what an execution does: mmuvm
		// states no armv8 flag
		out.Status, out.Reason = "mismatch", fmt.Sprintf("flags %v, herd %v", res.Flags, want.Flags)
	default:
		out.Status = "match"
		out.LogDiff = logDiff(prog, res, want)
	}
	return out
}

// logDiff compares the States and Condition lines mmuasm check --format
// herd prints (vm.WriteHerd) with herd's (the states as sets): "" when
// they are the same, else a line of each side's own.
func logDiff(prog *vm.Program, res *vm.Result, want Expected) string {
	var b strings.Builder
	vm.WriteHerd(&b, prog, res)
	lines := strings.Split(b.String(), "\n")
	got := lines[2:min(2+len(res.FinalStates), len(lines))]
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	slices.Sort(got)
	herd := slices.Sorted(slices.Values(want.Lines))
	for i := range min(len(got), len(herd)) {
		if got[i] != herd[i] {
			return fmt.Sprintf("ours %q, herd's %q", got[i], herd[i])
		}
	}
	if len(got) != len(herd) {
		return fmt.Sprintf("%d States lines, herd %d", len(got), len(herd))
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "Condition ") && l != want.Condition {
			return fmt.Sprintf("ours %q, herd's %q", l, want.Condition)
		}
	}
	return ""
}

// checkLitmus translates a .litmus file and checks it with every
// execution kept; where it cannot, res is nil and status and why say so
// (a skip, or a mismatch when the translation does not compile).
func checkLitmus(path, model, search string, timeout time.Duration) (prog *vm.Program, res *vm.Result, status, why string) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, "skip", err.Error()
	}
	text, err := litmus.Translate(path, src)
	if err != nil {
		return nil, nil, "skip", "translation: " + reason(err)
	}
	prog, err = compiler.Compile(path, []byte(text), nil)
	if err != nil {
		return nil, nil, "mismatch", "the translation does not compile: " + err.Error()
	}
	res, err = vm.Check(context.Background(), prog, vm.Config{Model: model, Search: search, All: true, Timeout: timeout})
	if err != nil {
		return nil, nil, "skip", "check: " + reason(errors.New(strings.TrimPrefix(err.Error(), path+": ")))
	}
	return prog, res, "", ""
}

// statesDiff says how final states differ from herd's, naming a few of
// each side's own ("fewer:" when ours are a subset of herd's).
func statesDiff(got, want map[string]bool) string {
	kind := "differ"
	if subset(got, want) {
		kind = "fewer"
	}
	return fmt.Sprintf("%s: %d final states, herd %d; herd only: %s; ours only: %s",
		kind, len(got), len(want), someOf(want, got), someOf(got, want))
}

// someOf lists up to three states of a that b lacks, sorted.
func someOf(a, b map[string]bool) string {
	var out []string
	for s := range a {
		if !b[s] {
			out = append(out, "["+s+"]")
		}
	}
	sort.Strings(out)
	if len(out) > 3 {
		out = append(out[:3], "…")
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, " ")
}

// reason shortens an error to its kind, for counting skips by reason.
func reason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Count(msg[:i], ":") >= 2 {
		msg = msg[i+2:]
	}
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return msg
}

// onlyUnrolled tells whether the only bound hit is the loop unrolling
// herd applies too (its -unroll 2), so the final states compare.
func onlyUnrolled(bounds []string) bool {
	for _, b := range bounds {
		if !strings.HasPrefix(b, "loops:") {
			return false
		}
	}
	return len(bounds) > 0
}

// subset tells whether every state of a is in b.
func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// sameSet tells whether a and b hold the same states.
func sameSet(a, b map[string]bool) bool { return len(a) == len(b) && subset(a, b) }

// Tests lists the .litmus files of a family folder, sorted.
func Tests(dir string) []string {
	files, _ := filepath.Glob(filepath.Join(dir, "*.litmus"))
	sort.Strings(files)
	return files
}

// Summary renders a family's report: counts, skips by reason, and time.
func Summary(fam string, outs []Outcome) string {
	var b strings.Builder
	count := map[string]int{}
	skips := map[string]int{}
	var ours, herds time.Duration
	for _, o := range outs {
		count[o.Status]++
		if o.Status == "skip" {
			skips[o.Reason]++
		}
		if o.Status != "skip" {
			ours += o.Elapsed
			herds += o.HerdTime
		}
	}
	gaps := ""
	if n := count["gap"]; n > 0 {
		gaps = fmt.Sprintf(", known gaps %d", n)
	}
	herd := fmt.Sprintf(" (herd %s on the same tests)", herds.Round(time.Millisecond))
	if herds == 0 {
		herd = "" // tests herd gave no answer on
	}
	fmt.Fprintf(&b, "%s: matched %d, skipped %d, mismatched %d%s of %d; time %s%s\n",
		fam, count["match"], count["skip"], count["mismatch"], gaps, len(outs), ours.Round(time.Millisecond), herd)
	var reasons []string
	for r := range skips {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return skips[reasons[i]] > skips[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(&b, "  skipped %4d: %s\n", skips[r], r)
	}
	slow := append([]Outcome(nil), outs...)
	sort.Slice(slow, func(i, j int) bool { return slow[i].Elapsed > slow[j].Elapsed })
	b.WriteString("  slowest:")
	for _, o := range slow[:min(10, len(slow))] {
		fmt.Fprintf(&b, " %s %s", o.Name, o.Elapsed.Round(time.Millisecond))
		if herd != "" {
			fmt.Fprintf(&b, " (herd %s)", o.HerdTime.Round(time.Millisecond))
		}
		b.WriteString(";")
	}
	b.WriteString("\n")
	return b.String()
}
