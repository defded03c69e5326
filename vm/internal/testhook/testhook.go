// Package testhook lets a test ask one check, through its context, to
// count what only a test needs: the executions an incremental search
// built more than once, and the answers of the one-pass IPI placement
// held to the general check. A check whose context carries no Counts does
// none of this work. Checks that run side by side need a Counts each: the
// counts are plain ints, added to by the check's one search goroutine.
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
