package vm

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/memmodel"
)

// An execution token names one execution of a weak model, for `mmuasm run
// --schedule`: "w2:" and hexadecimal numbers: the CPU count; for each
// CPU, how many answers its run got and the answers (the value each read
// returned, the outcome each choice took); then for every event of the
// graph its write read from plus one (0: none), and then for every event
// its coherence rank plus one (0: none). Numbers that repeat, or go on by
// a constant step, are one element: X*N is X N times, X+D*N the N numbers
// from X up by D. A page-table walker's 512 reads of consecutive entries
// are then one element for their addresses and one for their values, and
// the counterexample's header line stays short enough to paste into a
// mail (ptdump-walk-2m-nosync's token was about 20,900 characters, now
// 187). A loop's rounds are one element too: [X;Y+D]*N is N rounds of
// X, Y, the second up by D each round (ptdump-vmalloc-n64-buggy's token,
// 3,200 characters with runs alone, is now 302). The first form of
// token, "w:" with each event's two numbers side by side and no runs, is
// still read.

// maxTokenNumbers bounds the numbers a token may expand to.
const maxTokenNumbers = 1_000_000

func executionToken(g *memmodel.Graph, pick []int, all [][]weakRun) string {
	nums := []uint64{uint64(len(pick))}
	for i, k := range pick {
		a := all[i][k].answers
		nums = append(nums, uint64(len(a)))
		nums = append(nums, a...)
	}
	for e := range g.Events {
		nums = append(nums, uint64(g.Rf[e]+1))
	}
	for e := range g.Events {
		nums = append(nums, uint64(g.CoRank[e]+1))
	}
	return "w2:" + encodeRuns(nums)
}

// encodeRuns writes nums in hexadecimal, each run of three or more
// numbers with one step (two or more, for a repeat) as one element.
func encodeRuns(nums []uint64) string {
	var b strings.Builder
	for i := 0; i < len(nums); {
		if i > 0 {
			b.WriteByte(',')
		}
		n, d := runAt(nums, i)
		if n == 2 && d != 0 {
			n = 1 // two numbers are shorter written out
		}
		if q, m := roundsAt(nums, i); q*m > n {
			writeRounds(&b, nums[i:i+q*m], q, m)
			i += q * m
			continue
		}
		writeTerm(&b, nums[i], d, n > 1)
		if n > 1 {
			b.WriteString("*" + strconv.FormatUint(uint64(n), 16))
		}
		i += n
	}
	return b.String()
}

// writeTerm writes x, and its step d (when stepped and not 0) as X+D.
func writeTerm(b *strings.Builder, x, d uint64, stepped bool) {
	b.WriteString(strconv.FormatUint(x, 16))
	if stepped && d != 0 {
		b.WriteString("+" + strconv.FormatUint(d, 16))
	}
}

// runAt is the length of the run that starts at nums[i] and its step,
// which goes up (a step down ends the run).
func runAt(nums []uint64, i int) (n int, d uint64) {
	if i+1 >= len(nums) || nums[i+1] < nums[i] {
		return 1, 0
	}
	d, n = nums[i+1]-nums[i], 2
	for i+n < len(nums) && nums[i+n] >= nums[i+n-1] && nums[i+n]-nums[i+n-1] == d {
		n++
	}
	return n, d
}

// maxRound is the most numbers of a round (a loop's pass) a token writes
// as one: its rounds' numbers, each position up by its own step.
const maxRound = 8

// roundsAt finds the rounds that start at nums[i]: m rounds of q numbers,
// each number the one a round before plus its position's step (which
// does not go down). Of three rounds or more, those that cover the most
// numbers win, the shortest rounds on a tie; m is 0 when there are none.
func roundsAt(nums []uint64, i int) (q, m int) {
	for p := 2; p <= maxRound && i+3*p <= len(nums); p++ {
		k := 1
		for i+(k+1)*p <= len(nums) && sameStep(nums[i+(k-1)*p:], nums[i+k*p:], nums[i:i+p], nums[i+p:i+2*p]) {
			k++
		}
		if k >= 3 && p*k > q*m {
			q, m = p, k
		}
	}
	return q, m
}

// sameStep tells whether the round b comes from a as next from first: at
// each position, the same step up.
func sameStep(a, b, first, next []uint64) bool {
	for j := range first {
		if next[j] < first[j] || b[j] < a[j] || b[j]-a[j] != next[j]-first[j] {
			return false
		}
	}
	return true
}

// writeRounds writes m rounds of q numbers as [X;Y+D]*M.
func writeRounds(b *strings.Builder, nums []uint64, q, m int) {
	b.WriteByte('[')
	for j := range q {
		if j > 0 {
			b.WriteByte(';')
		}
		writeTerm(b, nums[j], nums[q+j]-nums[j], true)
	}
	b.WriteString("]*" + strconv.FormatUint(uint64(m), 16))
}

// IsExecutionToken tells a weak execution token from a schedule.
func IsExecutionToken(tok string) bool {
	tok = strings.TrimSpace(tok)
	return strings.HasPrefix(tok, "w2:") || strings.HasPrefix(tok, "w:")
}

// decodeExecution reads a token's numbers, and whether each event's two
// numbers are side by side (the first form) rather than in two lists.
func decodeExecution(tok string) (nums []uint64, paired bool, err error) {
	tok = strings.TrimSpace(tok)
	body, ok := strings.CutPrefix(tok, "w2:")
	if !ok {
		if body, ok = strings.CutPrefix(tok, "w:"); !ok {
			return nil, false, errors.New(`an execution token starts with "w2:"`)
		}
		paired = true
	}
	for _, f := range strings.Split(body, ",") {
		if nums, err = appendElement(nums, strings.TrimSpace(f)); err != nil {
			return nil, false, err
		}
	}
	return nums, paired, nil
}

var errTokenLong = errors.New("execution token too long")

// appendElement reads one element of a token onto nums: X, X*N, X+D*N or
// [X;Y+D;…]*N. Each is N rounds of its terms, a term going up by its step
// each round: a run is rounds of one term.
func appendElement(nums []uint64, f string) ([]uint64, error) {
	bad := fmt.Errorf("bad element %q in the execution token (want X, X*N, X+D*N or [X;Y+D;…]*N, in hexadecimal)", f)
	body, count, repeated := strings.Cut(f, "*")
	terms := []string{body}
	if inner, rounds := strings.CutPrefix(body, "["); rounds {
		inner, closed := strings.CutSuffix(inner, "]")
		if !closed || !repeated {
			return nil, bad
		}
		terms = strings.Split(inner, ";")
	}
	n := uint64(1)
	if repeated {
		c, err := strconv.ParseUint(count, 16, 64)
		if err != nil || c < 1 || c > maxTokenNumbers {
			return nil, bad
		}
		n = c
	}
	xs, ds := make([]uint64, len(terms)), make([]uint64, len(terms))
	for j, t := range terms {
		first, step, stepped := strings.Cut(t, "+")
		x, err1 := strconv.ParseUint(first, 16, 64)
		var err2 error
		if stepped {
			ds[j], err2 = strconv.ParseUint(step, 16, 64)
		}
		if err1 != nil || err2 != nil || stepped && !repeated {
			return nil, bad
		}
		xs[j] = x
	}
	if uint64(len(terms))*n > uint64(maxTokenNumbers-len(nums)) {
		return nil, errTokenLong
	}
	for r := range n {
		for j, x := range xs {
			nums = append(nums, x+ds[j]*r)
		}
	}
	return nums, nil
}

// ReplayExecution replays a weak model's execution token: each CPU runs
// with the answers the token gives, the graph is rebuilt with its
// reads-from and coherence, and the model must allow it.
func ReplayExecution(prog *Program, cfg Config, tok string) (res *RunResult, err error) {
	defer recoverAs("vm.ReplayExecution", &err)
	nums, paired, err := decodeExecution(tok)
	if err != nil {
		return nil, err
	}
	if err := defaultArch(prog, &cfg); err != nil {
		return nil, err
	}
	model, err := ModelFor(prog, cfg)
	if err != nil {
		return nil, err
	}
	mm, ok := memmodel.Lookup(model)
	if !ok || model == "sc" && !graphSearch(cfg.Search) {
		return nil, fmt.Errorf("an execution token is for a weak model; %s checks under %s (use --model)", prog.Name, model)
	}
	ctx, cancel, timeout := withTimeBudget(context.Background(), cfg)
	defer cancel()
	m, err := newMachine(prog, cfg.Arch, cfg.Builtins, cfg.Limits, ctx, timeout, false)
	if err != nil {
		return nil, err
	}
	if err := m.checkWeakProgram(model); err != nil {
		return nil, err
	}
	x := newExplorer(context.Background(), m, cfg, &Result{Counts: map[string]int{}}, goal{})
	w := x.weakSetup(mm)
	var cpus []int
	for _, t := range m.threads {
		if t.kind == TaskThread {
			cpus = append(cpus, t.id)
		}
	}
	take := func(what string) (uint64, error) {
		if len(nums) == 0 {
			return 0, fmt.Errorf("the execution token ends early (%s)", what)
		}
		n := nums[0]
		nums = nums[1:]
		return n, nil
	}
	if n, err := take("CPU count"); err != nil || int(n) != len(cpus) {
		return nil, fmt.Errorf("the execution token is for %d CPUs, the script has %d", n, len(cpus))
	}
	all := make([][]weakRun, len(cpus))
	prog2 := &memmodel.Program{Init: w.init}
	for i, id := range cpus {
		k, err := take("answer count")
		if err != nil || k > uint64(len(nums)) {
			return nil, fmt.Errorf("the execution token ends early (answers of CPU %d)", i)
		}
		rec := &recorder{w: w, exclLd: -1, spins: w.spins, spinEnd: w.spinEnd, exits: w.exits, joins: w.joins,
			cpu: m.threads[id].cpu, replay: append([]uint64{}, nums[:k]...)}
		nums = nums[k:]
		run := m.runAlone(id, rec)
		if rec.bad != "" || rec.pos != len(rec.replay) {
			return nil, fmt.Errorf("%s does not run as the execution token says: %s", m.threads[id].name, orDefault(rec.bad, "answers left over"))
		}
		all[i] = []weakRun{run}
		prog2.Threads = append(prog2.Threads, []*memmodel.Trace{run.trace})
	}
	pick := make([]int, len(cpus))
	g, _ := memmodel.Combine(prog2, pick)
	if len(nums) != 2*len(g.Events) {
		return nil, fmt.Errorf("the execution token gives reads-from and coherence for %d events, the runs make %d", len(nums)/2, len(g.Events))
	}
	n := len(g.Events)
	for e := range g.Events {
		if paired {
			g.Rf[e], g.CoRank[e] = int(nums[2*e])-1, int(nums[2*e+1])-1
		} else {
			g.Rf[e], g.CoRank[e] = int(nums[e])-1, int(nums[n+e])-1
		}
		if err := checkChoice(g, e); err != nil {
			return nil, err
		}
	}
	if !m.memTake(&m.budget.graph, memmodel.CheckBytes(mm, g), fmt.Sprintf("the model's check of the execution token's graph (%d events)", len(g.Events))) {
		return nil, errors.New(m.budget.exceeded) // before the model's relations are made
	}
	if ok, _ := mm.Check(g); !ok {
		return nil, fmt.Errorf("the execution token names an execution %s does not allow", model)
	}
	x.r.Model = model
	x.weakRecord(g, pick, all, cpus, nil)
	res = &RunResult{Execution: tok}
	for i := 0; i < m.Threads(); i++ {
		res.Threads = append(res.Threads, m.ThreadName(i))
		res.Labels = append(res.Labels, m.threads[i].label)
	}
	res.Events = x.weakTrace(g, pick, all, cpus)
	if len(x.r.Violations) > 0 {
		res.Violation = x.r.Violations[0]
	} else if prog.Final != nil && x.r.Executions > 0 {
		x.weakFinalState(g, pick, all, cpus)
		res.Holds, res.Final = m.evalFinal()
	}
	return res, nil
}

// checkChoice checks that event e's reads-from and coherence rank make
// sense: a read reads a write of its location and value; only writes
// have a rank.
func checkChoice(g *memmodel.Graph, e int) error {
	ev := g.Events[e]
	switch {
	case ev.Kind == memmodel.Read:
		w := g.Rf[e]
		if w < 0 || w >= len(g.Events) || g.Events[w].Kind != memmodel.Write || g.Events[w].Loc != ev.Loc || g.Events[w].Val != ev.Val {
			return fmt.Errorf("the execution token makes event %d read from %d, which is not a write of its value", e, w)
		}
	case g.Rf[e] != -1:
		return fmt.Errorf("the execution token makes event %d, not a read, read from %d", e, g.Rf[e])
	}
	if (ev.Kind == memmodel.Write) != (g.CoRank[e] >= 0) || g.CoRank[e] >= len(g.Events) {
		return fmt.Errorf("the execution token gives event %d a bad coherence rank %d", e, g.CoRank[e])
	}
	return nil
}
