package vm

// Values that no read changes. The taints (taint.go) are syntactic, as
// the dependencies a model orders must be: herd's addr and data relate a
// read to every access computed from it, `r & 0` and `r - r` included.
// What an event needs in order to exist, at its address and with its
// value (incRec.sem, the incremental search's revisit prefixes), is
// semantic: a read whose value cannot change the event is not needed, and
// keeping it in a write's prefix loses the load buffering the model
// allows when it does not order the two (C-wide-4057: `*(y + (r0 & 0)) =
// 1`, a plain write under the LKMM).
//
// So each stack slot also carries a value identity (thread.vid): a
// number given when the value is made, copied with it through locals,
// and a flag, fixedBit, set when the value is known to be the same
// whatever the reads it is computed from return. A value is fixed when
// its taint is empty, or when it is `x & 0` or `x * 0` with the zero
// fixed, or a difference or comparison of a value with itself (`x - x`,
// `x ^ x`, `x == x`: two slots of one identity hold one value), or made
// of fixed values alone. Anything else keeps its taint: the rules only
// ever shrink what an event needs where the value is certain.

// fixedBit marks a value identity whose value no read changes.
const fixedBit = 1 << 63

// newVid gives a new value identity, fixed or not.
func (t *thread) newVid(fixed bool) uint64 {
	t.vids++
	if fixed {
		return t.vids | fixedBit
	}
	return t.vids
}

// fixed tells whether stack slot i holds a value no read changes.
func (t *thread) fixed(i int) bool {
	return t.vid[i]&fixedBit != 0 || t.taint[i]|t.ptaint[i] == 0
}

// sameValue tells whether stack slots a and b hold one value: the same
// identity, copied through locals.
func (t *thread) sameValue(a, b int) bool {
	id := t.vid[a] &^ fixedBit
	return id != 0 && id == t.vid[b]&^fixedBit
}

// vidOp mirrors a local op on the value identities, before the op runs
// (its operands still on the stack) and before taintFlow moves the
// taints that fixed reads.
func (t *thread) vidOp(in Instr) {
	v, sp, fp := t.vid, t.sp, t.fp
	switch in.Op {
	case OpLoadLocal:
		v[sp] = v[fp+int(in.A)]
	case OpStoreLocal:
		v[fp+int(in.A)] = v[sp-1]
	case OpReturn:
		if len(t.frames) > 0 {
			v[fp] = v[sp-1]
		}
	case OpAdd, OpSub, OpMul, OpDiv, OpMod, OpAnd, OpOr, OpXor, OpShl, OpShr, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		v[sp-2] = t.newVid(t.fixedResult(in.Op, sp-2, sp-1))
	case OpNot, OpNeg, OpCompl, OpAddrTable:
		v[sp-1] = t.newVid(t.fixed(sp - 1))
	case OpConst, OpSmall, OpAddrShared, OpAddrTask:
		v[sp] = t.newVid(true)
	}
}

// fixedResult tells whether binary op's result, from slots a and b, is
// the same whatever the reads return.
func (t *thread) fixedResult(op Op, a, b int) bool {
	fa, fb := t.fixed(a), t.fixed(b)
	switch {
	case fa && fb:
		return true
	case op == OpAnd || op == OpMul:
		return fa && t.stack[a] == 0 || fb && t.stack[b] == 0
	case op == OpSub || op == OpXor || op == OpEq || op == OpNe || op == OpLt || op == OpLe || op == OpGt || op == OpGe:
		return t.sameValue(a, b)
	}
	return false
}
