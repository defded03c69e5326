package vm

import "fmt"

// graphsBound stops the search at Limits.Graphs: incomplete, saying so.
func (x *explorer) graphsBound() {
	x.r.Bounds = append(x.r.Bounds, fmt.Sprintf("graphs: stopped after %d (--max-graphs)", x.cfg.Limits.Graphs))
	x.stop = true
}

// overGraphs tells whether the incremental searches of the check (every
// round, and the prelude's) have built more complete graphs than
// Limits.Graphs allows, and stops the one that builds the next there.
func (e *incr) overGraphs() bool {
	n := e.x.cfg.Limits.Graphs
	if n <= 0 || *e.graphs <= n || e.x.stop {
		return e.x.stop
	}
	*e.graphs = n
	e.x.graphsBound()
	return true
}
