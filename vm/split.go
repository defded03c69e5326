package vm

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// A split search cuts one partial-order-reduced exploration into parts that
// can run on every core (Config.Workers) or on other machines
// (Config.Shard), with the same answer whatever the cut.
//
// The top of the tree, down to a depth chosen so that it has about
// splitPrefixes schedule prefixes, is explored like the plain search but
// with sleep sets (every enabled thread not asleep, in order; a thread whose
// step from a state was explored sleeps in the later siblings until a
// dependent step). Each prefix, with the sleep set at its end, is the root
// of one dpor exploration whose races never reverse into the prefix: the
// top already explores every order there. The parts are merged in prefix
// order, and a goal settled in part k stops the parts after k, never those
// before it, so executions, final states, violations and the counterexample
// shown do not depend on how many workers or shards ran them. The prefixes
// depend only on the program (and a shard count above splitPrefixes/4), so
// shards of one check agree on them.

// Shard selects the part of a split search one process explores: the
// prefixes whose index is Index modulo Count. Count 0 is no sharding.
type Shard struct{ Index, Count int }

// Split is how a split search was cut, kept in its result so that the
// results of shards can be merged (Merge).
type Split struct {
	Depth    int // of the prefixes
	Prefixes int // how many
	Shard    Shard
	Parts    []Part // the parts explored, in prefix order
}

// Part is what one prefix's dpor found: counts, final states and the
// first violation of each kind, with whole schedules.
type Part struct {
	Prefix int
	Result *Result
}

// splitPrefixes is about how many prefixes a split aims for.
const splitPrefixes = 64

// prefix is a schedule prefix of a split and the sleep set at its end.
type prefix struct {
	steps []int
	sleep []sleeper
}

// prefixes cuts the top of the tree, one level at a time, until it has at
// least want prefixes (or is 24 deep, or no prefix can be extended).
func (x *explorer) prefixes(want int) ([]prefix, int) {
	frontier := []prefix{{}}
	depth := 0
	for depth < 24 && len(frontier) < want {
		next, grew := x.extend(frontier)
		if !grew {
			break
		}
		frontier = next
		depth++
	}
	x.m.Reset()
	return frontier, depth
}

// extend replaces each prefix by its one-step extensions, in the plain
// search's order: every enabled thread not asleep, whose step does not
// only wait (a thread that waits is not enabled, as in dpor), with the
// sleep set that follows. A prefix where the execution has ended stays as
// it is; one whose every step is asleep is redundant and dropped.
func (x *explorer) extend(ps []prefix) ([]prefix, bool) {
	m := x.m
	var out []prefix
	grew := false
	var snap snapshot
	for _, p := range ps {
		m.Reset()
		for _, t := range p.steps {
			m.step(t)
		}
		if m.violation != nil || m.Done() {
			out = append(out, p)
			continue
		}
		m.save(&snap)
		explored := append([]sleeper(nil), p.sleep...)
		n := len(out)
		waiting := false
		for _, t := range m.Enabled(nil) {
			if maskOf(p.sleep)&(1<<uint(t)) != 0 {
				continue
			}
			m.restore(&snap)
			m.step(t)
			if _, ok := x.waited(t); ok {
				waiting = true
				continue
			}
			fp := normalize(m.Footprint())
			out = append(out, prefix{steps: append(append([]int(nil), p.steps...), t), sleep: independentOf(nil, explored, fp)})
			explored = append(explored, sleeper{thread: t, fp: fp})
		}
		switch {
		case len(out) > n:
			grew = true
		case waiting: // only waiters: dpor from here shows the deadlock
			out = append(out, p)
		}
	}
	return out, grew
}

// split runs the split search: the prefixes of this shard on
// max(1, Workers) machines, merged in prefix order into x.r.
func (x *explorer) split() {
	shard := x.cfg.Shard
	if shard.Count <= 0 {
		shard = Shard{0, 1}
	}
	ps, depth := x.prefixes(max(splitPrefixes, 4*shard.Count))
	var mine []int
	for k := range ps {
		if k%shard.Count == shard.Index {
			mine = append(mine, k)
		}
	}
	sp := &Split{Depth: depth, Prefixes: len(ps), Shard: shard}
	parts := x.runParts(ps, mine)
	mergeParts(x, sp, parts, len(mine))
	if shard.Count > 1 {
		x.r.Complete = false
		x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("shard %d/%d: this run explored only its part of the check (mmuasm merge combines the shards)", shard.Index, shard.Count))
	}
	x.r.Split = sp
	x.r.Notes = append(x.r.Notes, fmt.Sprintf("split: %d prefixes of depth %d; this run explored %d of them", len(ps), depth, len(sp.Parts)))
}

// runParts explores the prefixes mine (indexes into ps) on the workers and
// returns their parts by position in mine, cut after the first part at
// which the parts so far, added in order, settle the goal (so the cut does
// not depend on which worker finished first); a part is nil where the
// search stopped before it.
func (x *explorer) runParts(ps []prefix, mine []int) []*Part {
	workers := min(max(1, x.cfg.Workers), len(mine))
	parts := make([]*Part, len(mine))
	var mu sync.Mutex
	next, cut := 0, len(mine) // cut: parts from here on are not needed
	acc := x.accumulator()
	folded := 0 // parts[:folded] are in acc
	ctx, stop := context.WithCancel(x.ctx)
	defer stop()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		m := x.m
		if w > 0 {
			var err error
			if m, err = x.twin(ctx, x.m.limits); err != nil {
				break
			}
		}
		wg.Add(1)
		go func(m *Machine) {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				done := i >= len(mine) || i >= cut
				mu.Unlock()
				if done {
					return
				}
				p := x.runPart(ctx, m, ps[mine[i]], mine[i])
				mu.Lock()
				parts[i] = p
				for folded < cut && parts[folded] != nil {
					if acc.fold(parts[folded]) {
						cut = folded + 1
					}
					folded++
				}
				mu.Unlock()
			}
		}(m)
	}
	wg.Wait()
	return parts[:min(cut, len(parts))]
}

// accumulator is an explorer that only adds parts up, to decide the cut.
func (x *explorer) accumulator() *explorer {
	return newExplorer(x.ctx, nil, x.cfg, &Result{Counts: map[string]int{}}, x.g)
}

// fold adds a part and tells whether the parts so far settle the goal.
func (x *explorer) fold(p *Part) bool {
	x.addPart(p.Result)
	return x.g.settled(x.r, x.condFalsified)
}

// runPart explores one prefix with dpor on machine m.
func (x *explorer) runPart(ctx context.Context, m *Machine, p prefix, k int) *Part {
	y := x.sibling(ctx, m)
	y.prefix = p
	y.dpor()
	return &Part{Prefix: k, Result: y.r}
}

// mergeParts adds the parts, in prefix order, into x's result; of the
// total parts wanted, those after the cut were not explored.
func mergeParts(x *explorer, sp *Split, parts []*Part, total int) {
	r := x.r
	r.Complete = !x.stop && len(parts) == total
	for _, p := range parts {
		if p == nil {
			r.Complete = false
			continue
		}
		sp.Parts = append(sp.Parts, *p)
		x.addPart(p.Result)
	}
}

// addPart adds one part's findings to x's result.
func (x *explorer) addPart(pr *Result) {
	r := x.r
	r.Executions += pr.Executions
	r.Positive += pr.Positive
	r.Negative += pr.Negative
	for _, fs := range pr.FinalStates {
		if i, ok := x.seen[fs.Values]; ok {
			r.FinalStates[i].Count += fs.Count
		} else {
			x.seen[fs.Values] = len(r.FinalStates)
			r.FinalStates = append(r.FinalStates, fs)
		}
	}
	for _, v := range pr.Violations {
		if r.Counts[v.Kind] == 0 {
			r.Violations = append(r.Violations, v)
		}
	}
	for k, n := range pr.Counts {
		r.Counts[k] += n
	}
	if r.Witness == nil && pr.Witness != nil {
		r.Witness = pr.Witness
		x.condFalsified = true
	}
	for _, b := range pr.Bounds {
		if !slices.Contains(r.Bounds, b) {
			r.Bounds = append(r.Bounds, b)
		}
	}
	r.Complete = r.Complete && pr.Complete
}

// Merge combines the results of the shards of one split check (each made
// with Config.Shard and the same program, arch and model) into the result
// one run would give: their parts are added in prefix order, up to the
// first at which the goal is settled, and the counterexample is shortened
// and traced as Check does.
func Merge(ctx context.Context, prog *Program, cfg Config, shards []*Result) (res *Result, err error) {
	defer recoverAs("vm.Merge", &err)
	if len(shards) == 0 {
		return nil, fmt.Errorf("merge: no shard results")
	}
	parts, sp, err := shardParts(shards)
	if err != nil {
		return nil, err
	}
	if err := defaultArch(prog, &cfg); err != nil {
		return nil, err
	}
	m, err := newMachine(prog, cfg.Arch, cfg.Builtins, cfg.Limits, ctx, cfg.Timeout, operationalTSO(prog, shards[0].Model, cfg))
	if err != nil {
		return nil, err
	}
	r := shards[0].blank()
	x := newExplorer(ctx, m, cfg, r, goal{expects: prog.ExpectationsFor(r.Arch, r.Model), all: cfg.All})
	r.Complete = true
	for k := 0; k < sp.Prefixes; k++ {
		p := parts[k]
		if p == nil {
			r.Complete = false
			r.Bounds = append(r.Bounds, fmt.Sprintf("shards: no result for prefix %d (a shard stopped before it)", k))
			break
		}
		sp.Parts = append(sp.Parts, *p)
		if x.fold(p) {
			r.Complete = r.Complete && k == sp.Prefixes-1
			break
		}
	}
	for _, s := range shards {
		r.Elapsed += s.Elapsed
		r.Memory = max(r.Memory, s.Memory)
	}
	r.Split = sp
	r.Notes = append(r.Notes, fmt.Sprintf("split: %d prefixes of depth %d, merged from %d shards", sp.Prefixes, sp.Depth, sp.Shard.Count))
	x.conclude()
	return r, nil
}

// shardParts checks that the shards are the whole of one split and
// returns their parts by prefix index.
func shardParts(shards []*Result) ([]*Part, *Split, error) {
	var sp *Split
	seen := map[int]bool{}
	var parts []*Part
	for i, s := range shards {
		if s.Split == nil || s.Split.Shard.Count <= 0 {
			return nil, nil, fmt.Errorf("merge: result %d is not a shard's (check --shard I/N)", i+1)
		}
		if sp == nil {
			sp = &Split{Depth: s.Split.Depth, Prefixes: s.Split.Prefixes, Shard: Shard{0, s.Split.Shard.Count}}
			parts = make([]*Part, sp.Prefixes)
		}
		if s.Split.Depth != sp.Depth || s.Split.Prefixes != sp.Prefixes || s.Split.Shard.Count != sp.Shard.Count ||
			s.Test != shards[0].Test || s.Arch != shards[0].Arch || s.Model != shards[0].Model {
			return nil, nil, fmt.Errorf("merge: result %d is a shard of another check (%s on %s, %d prefixes of depth %d, %d shards)",
				i+1, s.Test, s.Arch, s.Split.Prefixes, s.Split.Depth, s.Split.Shard.Count)
		}
		if seen[s.Split.Shard.Index] {
			return nil, nil, fmt.Errorf("merge: shard %d/%d given twice", s.Split.Shard.Index, sp.Shard.Count)
		}
		seen[s.Split.Shard.Index] = true
		for j := range s.Split.Parts {
			p := &s.Split.Parts[j]
			if p.Prefix < 0 || p.Prefix >= sp.Prefixes || p.Result == nil {
				return nil, nil, fmt.Errorf("merge: result %d has a bad part (prefix %d)", i+1, p.Prefix)
			}
			parts[p.Prefix] = p
		}
	}
	for i := 0; i < sp.Shard.Count; i++ {
		if !seen[i] {
			return nil, nil, fmt.Errorf("merge: shard %d/%d is missing", i, sp.Shard.Count)
		}
	}
	return parts, sp, nil
}
