package vm

import "fmt"

// graphsBound stops the search at Limits.Graphs: incomplete, saying so.
func (x *explorer) graphsBound() {
	x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("graphs: stopped after %d (--max-graphs)", x.cfg.Limits.Graphs))
	x.stop = true
}

// countGraph counts a complete graph the search checks, and tells whether
// the incremental searches of the check (every round, and the prelude's)
// have now built more than Limits.Graphs allows: the one that builds the
// next stops there.
func (e *incr) countGraph() bool {
	if e.hook != nil {
		e.hook.Complete++
	}
	*e.graphs++
	n := e.x.cfg.Limits.Graphs
	if n <= 0 || *e.graphs <= n || e.x.stop {
		return e.x.stop
	}
	*e.graphs = n
	e.x.graphsBound()
	return true
}
