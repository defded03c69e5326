package vm

// A counted loop (`for i in a..b`) cannot spin: every pass adds 1 to i,
// and the pass ends when i reaches the bound b, which the compiler keeps in
// a temporary the body cannot assign. Its back-edge needs none of the spin
// detection of spin.go, which hashes the thread's whole context at every
// pass that took a visible step, keeps a spin record the state hash then
// covers, and makes every later step record what it read. On the
// ptdump-vmalloc scripts, two counted loops of 512 passes, that was about a
// tenth of the stateful search's time.
//
// The compiler emits a counted loop as
//
//	h:   load i; load end; lt; jz e+1    (the test)
//	     ... body ...
//	     load i; small 1; add; store i   (the continue point)
//	e:   backedge h
//
// and a loop is taken as counted when its code has that shape and the body
// stores neither i nor end. A call cannot store them either: locals live
// in the caller's frame. (A hand-made .mmub that jumps into such a body
// from outside only loses the spin check; its loop is still bounded by the
// step and instruction budgets.)

// countedLoops marks, by the pc of the loop's head, the counted loops
// of the program's code.
func countedLoops(code []Instr) map[int]bool {
	out := map[int]bool{}
	for e, in := range code {
		if in.Op == OpBackEdge && isCounted(code, int(in.A), e) {
			out[int(in.A)] = true
		}
	}
	return out
}

// isCounted tells whether the loop from head h to back-edge e has the
// shape of a counted loop.
func isCounted(code []Instr, h, e int) bool {
	if h < 0 || e-h < 8 {
		return false
	}
	test, inc := code[h:h+4], code[e-4:e]
	i, end := test[0].A, test[1].A
	if !ops(test, OpLoadLocal, OpLoadLocal, OpLt, OpJumpIfZero) || int(test[3].A) != e+1 || i == end {
		return false
	}
	if !ops(inc, OpLoadLocal, OpSmall, OpAdd, OpStoreLocal) || inc[0].A != i || inc[1].A != 1 || inc[3].A != i {
		return false
	}
	for _, in := range code[h+4 : e-4] {
		if in.Op == OpStoreLocal && (in.A == i || in.A == end) {
			return false
		}
	}
	return true
}

// ops tells whether code holds exactly the ops want.
func ops(code []Instr, want ...Op) bool {
	for k, op := range want {
		if code[k].Op != op {
			return false
		}
	}
	return true
}
