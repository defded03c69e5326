package vm

// Superinstructions. When a machine is built, common local sequences are
// replaced, in a private copy of the code, by one fused op at the
// sequence's first index; the rest of the sequence stays in place, unused,
// so that instruction indexes (positions, jump targets, traces) keep their
// meaning. A sequence is fused only if no jump lands inside it.
const (
	fJumpNotLessLL  Op = iota + numOps // if !(L[a] < L[b]) goto c       (load a; load b; lt; jz c)
	fJumpNotLessLI                     // if !(L[a] < b) goto c          (load a; small b; lt; jz c)
	fJumpNonZeroEq0                    // if pop != 0 goto c             (small 0; eq; jz c)
	fAddLL                             // L[a] += L[b]                   (load a; load b; add; store a)
	fAddLI                             // L[a] += b                      (load a; small b; add; store a)
	fPushSubLI                         // push L[a] - b                  (load a; small b; sub)
	fPushModLI                         // push L[a] % b, b != 0          (load a; small b; mod)
)

type fused struct{ a, b, c int32 }

// fuse builds m.code and m.fx from the program's code.
func (m *Machine) fuse() {
	code := m.prog.Code
	m.code = append([]Instr(nil), code...)
	m.fx = make([]fused, len(code))
	target := make([]bool, len(code)+1)
	for _, in := range code {
		switch in.Op {
		case OpJump, OpJumpIfZero, OpJumpNonZero, OpBackEdge:
			if int(in.A) <= len(code) {
				target[in.A] = true
			}
		}
	}
	for _, p := range m.prog.Procs {
		if p.Entry < len(target) {
			target[p.Entry] = true
		}
	}
	free := func(i, n int) bool {
		if i+n > len(code) {
			return false
		}
		for k := i + 1; k < i+n; k++ {
			if target[k] {
				return false
			}
		}
		return true
	}
	is := func(i int, ops ...Op) bool {
		if !free(i, len(ops)) {
			return false
		}
		for k, op := range ops {
			if code[i+k].Op != op {
				return false
			}
		}
		return true
	}
	for i := range code {
		a, b := code[i].A, int32(0)
		if i+1 < len(code) {
			b = code[i+1].A
		}
		switch {
		case is(i, OpLoadLocal, OpLoadLocal, OpLt, OpJumpIfZero):
			m.setFused(i, fJumpNotLessLL, a, b, code[i+3].A)
		case is(i, OpLoadLocal, OpSmall, OpLt, OpJumpIfZero):
			m.setFused(i, fJumpNotLessLI, a, b, code[i+3].A)
		case is(i, OpSmall, OpEq, OpJumpIfZero) && a == 0:
			m.setFused(i, fJumpNonZeroEq0, 0, 0, code[i+2].A)
		case is(i, OpLoadLocal, OpLoadLocal, OpAdd, OpStoreLocal) && code[i+3].A == a:
			m.setFused(i, fAddLL, a, b, 0)
		case is(i, OpLoadLocal, OpSmall, OpAdd, OpStoreLocal) && code[i+3].A == a:
			m.setFused(i, fAddLI, a, b, 0)
		case is(i, OpLoadLocal, OpSmall, OpSub):
			m.setFused(i, fPushSubLI, a, b, 0)
		case is(i, OpLoadLocal, OpSmall, OpMod) && b != 0:
			m.setFused(i, fPushModLI, a, b, 0)
		}
	}
	m.jumpCounted()
}

// jumpCounted notes the counted loops (counted.go) and makes their
// back-edges plain jumps in the fast path's code.
func (m *Machine) jumpCounted() {
	m.counted = countedLoops(m.prog.Code)
	m.endless = endlessLoops(m.prog.Code)
	for e, in := range m.code {
		if in.Op == OpBackEdge && m.counted[int(in.A)] {
			m.code[e] = Instr{Op: OpJump, A: in.A}
		}
	}
}

func (m *Machine) setFused(i int, op Op, a, b, c int32) {
	m.code[i] = Instr{Op: op}
	m.fx[i] = fused{a, b, c}
}
