package vm

import "time"

// shrink turns the schedule of a violation raised by a step into a short
// story: only the steps the violating step depends on (its causal past:
// program order plus dependent steps, transitively), ordered to switch
// threads as rarely as those dependencies allow. The shorter schedule is
// kept only if replaying it raises the same kind of violation; otherwise
// the schedule is returned unchanged.
func (x *explorer) shrink(schedule []int, kind string) []int {
	if len(schedule) < 2 {
		return schedule
	}
	m := x.m
	m.Reset()
	fps := make([][]uint64, len(schedule))
	for i, t := range schedule {
		m.step(t)
		fps[i] = normalize(m.Footprint())
		if m.violation != nil && i != len(schedule)-1 {
			return schedule
		}
	}
	if m.violation == nil || m.violation.Kind != kind {
		return schedule
	}
	// both analyses are quadratic or worse in the schedule's length: they
	// charge their work to the budget and give up when it runs out
	work := func(n int) bool { return m.charge(n) }
	past := causalPast(schedule, fps, work)
	if past == nil {
		return schedule
	}
	for _, cand := range [][]int{fewestSwitches(schedule, fps, past, work), project(schedule, past)} {
		if cand != nil && len(cand) < len(schedule) && x.reproduces(cand, kind) {
			return cand
		}
	}
	return schedule
}

// causalPast marks the steps that happen before the last one (nil when
// work says the budget ran out).
func causalPast(schedule []int, fps [][]uint64, work func(int) bool) []bool {
	n := len(schedule)
	in := make([]bool, n)
	in[n-1] = true
	for k := n - 2; k >= 0; k-- {
		if !work(n - k) {
			return nil
		}
		for j := k + 1; j < n && !in[k]; j++ {
			in[k] = in[j] && (schedule[j] == schedule[k] || dependent(fps[k], fps[j]))
		}
	}
	return in
}

func project(schedule []int, keep []bool) []int {
	var out []int
	for i, t := range schedule {
		if keep[i] {
			out = append(out, t)
		}
	}
	return out
}

// fewestSwitches orders the kept steps greedily: stay on the current
// thread while its next step's predecessors have all run (nil when work
// says the budget ran out).
func fewestSwitches(schedule []int, fps [][]uint64, keep []bool, work func(int) bool) []int {
	var idx []int
	for i := range schedule {
		if keep[i] {
			idx = append(idx, i)
		}
	}
	done := make([]bool, len(schedule))
	ready := func(k int) bool {
		for _, i := range idx {
			if i >= k {
				return true
			}
			if !done[i] && (schedule[i] == schedule[k] || dependent(fps[i], fps[k])) {
				return false
			}
		}
		return true
	}
	var out []int
	cur := -1
	for len(out) < len(idx) {
		if !work(len(idx) * len(idx)) {
			return nil
		}
		pick := -1
		for _, k := range idx {
			if !done[k] && schedule[k] == cur && ready(k) {
				pick = k
				break
			}
		}
		if pick < 0 {
			for _, k := range idx {
				if !done[k] && ready(k) {
					pick = k
					break
				}
			}
		}
		done[pick] = true
		cur = schedule[pick]
		out = append(out, cur)
	}
	return out
}

// reproduces replays a schedule and tells whether its last step raises a
// violation of kind.
func (x *explorer) reproduces(schedule []int, kind string) bool {
	m := x.m
	m.Reset()
	var buf []int
	for i, t := range schedule {
		buf = m.Enabled(buf)
		if !contains(buf, t) {
			return false
		}
		m.step(t)
		if m.violation != nil {
			return i == len(schedule)-1 && m.violation.Kind == kind
		}
	}
	return false
}

// shortestTime bounds the search for a shorter counterexample: it only
// improves the report, and a check must end close to its own bounds.
const shortestTime = 2 * time.Second

// shortest searches breadth-first, among schedules shorter than the one
// found, for one whose last step raises a violation of the same kind; it
// visits each state once and gives up after budget states. A queue entry
// is a schedule: the state is rebuilt by replaying it, which is cheap at
// the depths this search is meant for.
func (x *explorer) shortest(found []int, kind string, budget int) []int {
	m := x.m
	visited := map[uint64]bool{}
	m.Reset()
	visited[m.stateHash()] = true
	queue := [][]int{nil}
	var snap snapshot
	var buf []int
	deadline := time.Now().Add(shortestTime)
	// the queue's schedules count toward the memory budget while it lives
	defer func(held int64) { m.budget.held = held }(m.budget.held)
	for len(queue) > 0 && len(visited) < budget && m.withinBudget() && time.Now().Before(deadline) {
		path := queue[0]
		queue = queue[1:]
		if len(path)+1 >= len(found) {
			break
		}
		m.Reset()
		for _, t := range path {
			m.step(t)
		}
		m.save(&snap)
		buf = m.Enabled(buf)
		for _, t := range append([]int(nil), buf...) {
			m.step(t)
			next := append(append([]int(nil), path...), t)
			switch {
			case m.violation != nil && m.violation.Kind == kind:
				return next
			case m.violation == nil && !visited[m.stateHash()]:
				visited[m.stateHash()] = true
				queue = append(queue, next)
				m.budget.held += int64(cap(next))*8 + stateBytes + 24
			}
			m.restore(&snap)
		}
	}
	return found
}
