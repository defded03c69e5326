// Package testhook lets a test ask one check, through its context, to
// count what only a test needs (the executions an incremental search
// built more than once, its rounds and the items it visits, the answers
// of the one-pass IPI placement held to the general check), and to leave
// the incremental search's scout out or bound its work. A check whose
// context carries no Counts does none of this work. Checks that run side
// by side need a Counts each: the counts are plain ints, added to by the
// check's one search goroutine.
package testhook

import "context"

// Counts is what a check counts for a test.
type Counts struct {
	// Duplicates is how many executions the incremental search built
	// more than once, in its last round.
	Duplicates int
	// Complete is how many complete graphs the incremental searches of
	// the check filed, in every round and the prelude.
	Complete int
	// AloneChecked is how many places of an IPI the one-pass placement
	// (vm/incremental_alone.go) judged, each judged again by the general
	// check of a placement; AloneDiffers how many of them it answered
	// differently.
	AloneChecked, AloneDiffers int
	// Rounds is how many rounds the incremental searches ran (each runs
	// again from the start while it finds entries of freed tables read
	// that their frees did not poison).
	Rounds int
	// NoScout, set by the test, starts the incremental search's first
	// round with no locations known to be read, as if its scout
	// (vm/incremental_scout.go) had found none.
	NoScout bool
	// Items, set by the test, bounds the items the incremental search
	// may visit (0: no bound), as the search's own budget does where an
	// enumeration under lkmm hands it the check: a bound of work, which
	// stops the search at the same place on any machine, where a
	// --timeout would not. Visited is the items it visited.
	Items, Visited int64
}

type key struct{}

// With returns ctx carrying c: checks run with it count into c.
func With(ctx context.Context, c *Counts) context.Context {
	return context.WithValue(ctx, key{}, c)
}

// From returns the Counts ctx carries, or nil.
func From(ctx context.Context) *Counts {
	c, _ := ctx.Value(key{}).(*Counts)
	return c
}
