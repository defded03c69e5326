package vm

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/mmu"
)

// run interprets t's code. With allowed, it executes the visible step t is
// paused at; it then runs local code and stops before the next visible
// step (or at the end, or when the thread blocks). Inside atomic { } every
// step runs in the same call. The common local ops run in fast(), with the
// thread's registers in local variables; everything else goes through
// localOp and stepOp.
func (m *Machine) run(t *thread, allowed bool) {
	t.hashOK = false
	m.en.ok = false // a step restores it (updateEnabled)
	defer m.recoverRun(t)
	budget := m.limits.LocalInstrs
	steps := 0 // visible steps in this call: more than one only inside atomic { }
	for {
		work := 1             // this slow op, charged with the fast ops before it
		if m.weakRec == nil { // dependency tracking needs every op seen
			// in slices of tickWork, to look at the clock in between
			chunk := min(budget, tickWork)
			left := m.fast(t, chunk)
			budget -= chunk - left
			work += chunk - left
		} else if len(t.scopes) > 0 {
			m.weakRec.joinScopes(t)
		}
		if budget <= 0 {
			m.fail(t, "limit", fmt.Sprintf("%s ran %d instructions without a visible step (an endless local loop?)", t.name, m.limits.LocalInstrs))
			return
		}
		budget--
		if !m.charge(work) {
			m.fail(t, "limit", m.budget.exceeded)
			return
		}
		in := m.prog.Code[t.pc]
		if m.stepAt[t.pc] {
			if !allowed && t.atomic == 0 {
				return
			}
			allowed = false
			// the steps of an atomic section count toward the execution's
			// step bound like any other
			if steps++; steps > 1 {
				m.steps++
				if m.steps > m.limits.Steps {
					m.fail(t, "limit", fmt.Sprintf("the execution reached %d visible steps (the step bound) inside an atomic section", m.limits.Steps))
					return
				}
			}
			goOn := m.stepOp(t, in)
			if f := m.MMU.TakeFault(); f != nil {
				m.fail(t, f.Kind, f.Msg)
			}
			if !goOn || m.violation != nil {
				return
			}
			continue
		}
		if m.weakRec != nil {
			m.taintOp(t, in)
		}
		if !m.localOp(t, in) {
			return
		}
	}
}

// recoverRun turns a Go runtime error in the interpreter (which the
// compiler and the decoder's checks should make impossible) into a
// violation of kind error rather than a crash.
func (m *Machine) recoverRun(t *thread) {
	if p := recover(); p != nil {
		m.fail(t, "error", fmt.Sprintf("internal error at pc %d: %v", t.pc, p))
		t.status = finished
	}
}

// fast runs straight-line local code until an op it does not handle, and
// returns the instruction budget left.
func (m *Machine) fast(t *thread, budget int) int {
	code, fx := m.code, m.fx
	stack := t.stack
	pc, sp, fp := t.pc, t.sp, t.fp
	for ; budget > 0; budget-- {
		in := code[pc]
		switch in.Op {
		case OpSmall:
			stack[sp] = uint64(in.A)
			sp++
		case OpConst:
			stack[sp] = m.prog.Consts[in.A]
			sp++
		case OpLoadLocal:
			stack[sp] = stack[fp+int(in.A)]
			sp++
		case OpStoreLocal:
			sp--
			stack[fp+int(in.A)] = stack[sp]
		case OpAdd:
			sp--
			stack[sp-1] += stack[sp]
		case OpSub:
			sp--
			stack[sp-1] -= stack[sp]
		case OpMul:
			sp--
			stack[sp-1] *= stack[sp]
		case OpAnd:
			sp--
			stack[sp-1] &= stack[sp]
		case OpOr:
			sp--
			stack[sp-1] |= stack[sp]
		case OpXor:
			sp--
			stack[sp-1] ^= stack[sp]
		case OpMod:
			if stack[sp-1] == 0 {
				goto slow
			}
			sp--
			stack[sp-1] %= stack[sp]
		case OpDiv:
			if stack[sp-1] == 0 {
				goto slow
			}
			sp--
			stack[sp-1] /= stack[sp]
		case OpEq:
			sp--
			stack[sp-1] = b2u(stack[sp-1] == stack[sp])
		case OpNe:
			sp--
			stack[sp-1] = b2u(stack[sp-1] != stack[sp])
		case OpLt:
			sp--
			stack[sp-1] = b2u(stack[sp-1] < stack[sp])
		case OpLe:
			sp--
			stack[sp-1] = b2u(stack[sp-1] <= stack[sp])
		case OpGt:
			sp--
			stack[sp-1] = b2u(stack[sp-1] > stack[sp])
		case OpGe:
			sp--
			stack[sp-1] = b2u(stack[sp-1] >= stack[sp])
		case OpNot:
			stack[sp-1] = b2u(stack[sp-1] == 0)
		case OpJump:
			pc = int(in.A)
			continue
		case OpJumpIfZero:
			sp--
			if stack[sp] == 0 {
				pc = int(in.A)
				continue
			}
		case OpJumpNonZero:
			sp--
			if stack[sp] != 0 {
				pc = int(in.A)
				continue
			}
		case OpPop:
			sp--
		case fJumpNotLessLL:
			f := fx[pc]
			if stack[fp+int(f.a)] < stack[fp+int(f.b)] {
				pc += 4
			} else {
				pc = int(f.c)
			}
			continue
		case fJumpNotLessLI:
			f := fx[pc]
			if stack[fp+int(f.a)] < uint64(f.b) {
				pc += 4
			} else {
				pc = int(f.c)
			}
			continue
		case fJumpNonZeroEq0:
			sp--
			if stack[sp] != 0 {
				pc = int(fx[pc].c)
			} else {
				pc += 3
			}
			continue
		case fAddLL:
			f := fx[pc]
			stack[fp+int(f.a)] += stack[fp+int(f.b)]
			pc += 4
			continue
		case fAddLI:
			f := fx[pc]
			stack[fp+int(f.a)] += uint64(f.b)
			pc += 4
			continue
		case fPushSubLI:
			f := fx[pc]
			stack[sp] = stack[fp+int(f.a)] - uint64(f.b)
			sp++
			pc += 3
			continue
		case fPushModLI:
			f := fx[pc]
			stack[sp] = stack[fp+int(f.a)] % uint64(f.b)
			sp++
			pc += 3
			continue
		case OpBackEdge:
			// the common pass: a loop that took no visible step since its
			// last pass here needs no spin check (see backEdge)
			if h := t.hot; h >= 0 && t.spins[h].pc == pc && t.spins[h].stepsRun == t.stepsRun && (t.passes+1)&1023 != 0 {
				t.passes++
				pc = int(in.A)
				continue
			}
			goto slow
		case OpCall:
			p := &m.prog.Procs[in.A]
			extra := len(p.Locals) - p.NParams
			if len(t.frames) >= m.limits.CallDepth || sp+m.need[in.A] > len(stack) {
				goto slow // the slow path reports the error
			}
			clear(stack[sp : sp+extra])
			t.frames = append(t.frames, frame{retPC: pc + 1, fp: fp, proc: int(in.A)})
			fp, sp, pc = sp-p.NParams, sp+extra, p.Entry
			continue
		case OpReturn:
			n := len(t.frames)
			if n == 0 {
				goto slow
			}
			v := stack[sp-1]
			f := t.frames[n-1]
			t.frames = t.frames[:n-1]
			sp, fp, pc = fp, f.fp, f.retPC
			stack[sp] = v
			sp++
			continue
		default:
			goto slow
		}
		pc++
	}
slow:
	t.pc, t.sp, t.fp = pc, sp, fp
	return budget
}

func (m *Machine) isStep(in Instr) bool {
	switch in.Op {
	case OpLoadShared, OpStoreShared, OpLoadTask, OpStoreTask, OpAtomicBegin:
		return true
	case OpBuiltin:
		k := m.builtins[in.A].Kind
		return k == mmu.Step || k == mmu.Init
	}
	return false
}

func (t *thread) push(v uint64) { t.stack[t.sp] = v; t.sp++ }
func (t *thread) pop() uint64   { t.sp--; return t.stack[t.sp] }

// localOp executes an instruction that touches no shared state. It returns
// false when the thread stops (end, error).
func (m *Machine) localOp(t *thread, in Instr) bool {
	if t.sp+2 >= len(t.stack) && !m.growStack(t, t.sp+3) {
		m.fail(t, "error", "stack overflow")
		return false
	}
	switch in.Op {
	case OpNop:
	case OpConst:
		t.push(m.prog.Consts[in.A])
	case OpSmall:
		t.push(uint64(in.A))
	case OpLoadLocal:
		t.push(t.stack[t.fp+int(in.A)])
	case OpStoreLocal:
		t.stack[t.fp+int(in.A)] = t.pop()
	case OpAddrShared:
		t.push(m.MMU.SharedAddr(int(in.A)))
	case OpAddrTask:
		t.push(m.MMU.TaskAddr(m.taskInstance(t), int(in.A)))
	case OpAddrTable:
		i := t.pop()
		if i >= mmu.EntriesPerTable {
			m.fail(t, "error", fmt.Sprintf("index %d is out of range: %s has %d entries", i, m.prog.Tables[in.A], mmu.EntriesPerTable))
			return false
		}
		t.push(m.MMU.TableAddr(int(in.A)) + 8*i)
	case OpAdd, OpSub, OpMul, OpDiv, OpMod, OpAnd, OpOr, OpXor, OpShl, OpShr, OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
		y, x := t.pop(), t.pop()
		v, ok := binary(in.Op, x, y)
		if !ok {
			m.fail(t, "error", "division by zero")
			return false
		}
		t.push(v)
	case OpNot:
		t.push(b2u(t.pop() == 0))
	case OpNeg:
		t.push(-t.pop())
	case OpCompl:
		t.push(^t.pop())
	case OpJump:
		t.pc = int(in.A)
		return true
	case OpJumpIfZero:
		if t.pop() == 0 {
			t.pc = int(in.A)
			return true
		}
	case OpJumpNonZero:
		if t.pop() != 0 {
			t.pc = int(in.A)
			return true
		}
	case OpBackEdge:
		t.pc = int(in.A)
		return m.backEdge(t, in)
	case OpCall:
		return m.call(t, in)
	case OpReturn:
		v := t.pop()
		if len(t.frames) == 0 { // the final condition's proc
			t.push(v)
			t.status = finished
			return false
		}
		f := t.frames[len(t.frames)-1]
		t.frames = t.frames[:len(t.frames)-1]
		t.sp, t.fp, t.pc = t.fp, f.fp, f.retPC
		t.push(v)
		return true
	case OpBuiltin: // a pure or CPU-local builtin
		return m.builtin(t, in)
	case OpPop:
		t.sp--
	case OpAssert:
		if t.pop() == 0 {
			m.fail(t, "assert", m.prog.Strings[in.A])
			return false
		}
	case OpAtomicEnd:
		t.atomic--
		if m.storeBuffers && t.atomic == 0 {
			m.MMU.EndOrdered()
		}
	case OpPrint:
		m.print(t, in)
	case OpLoadReg:
		o := m.threads[in.A]
		t.push(o.stack[int(in.B)])
	case OpView:
		t.push(m.viewed(int(in.A), t.pop()))
	case OpEnd:
		m.end(t)
		return false
	default:
		m.fail(t, "error", fmt.Sprintf("bad opcode %d", in.Op))
		return false
	}
	t.pc++
	return true
}

func binary(op Op, x, y uint64) (uint64, bool) {
	switch op {
	case OpAdd:
		return x + y, true
	case OpSub:
		return x - y, true
	case OpMul:
		return x * y, true
	case OpDiv:
		if y == 0 {
			return 0, false
		}
		return x / y, true
	case OpMod:
		if y == 0 {
			return 0, false
		}
		return x % y, true
	case OpAnd:
		return x & y, true
	case OpOr:
		return x | y, true
	case OpXor:
		return x ^ y, true
	case OpShl:
		return x << (y & 63), true
	case OpShr:
		return x >> (y & 63), true
	case OpEq:
		return b2u(x == y), true
	case OpNe:
		return b2u(x != y), true
	case OpLt:
		return b2u(x < y), true
	case OpLe:
		return b2u(x <= y), true
	case OpGt:
		return b2u(x > y), true
	case OpGe:
		return b2u(x >= y), true
	}
	return 0, false
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (m *Machine) call(t *thread, in Instr) bool {
	if len(t.frames) >= m.limits.CallDepth {
		m.fail(t, "error", fmt.Sprintf("calls nested more than %d deep (unbounded recursion?)", m.limits.CallDepth))
		return false
	}
	p := &m.prog.Procs[in.A]
	fp := t.sp - p.NParams
	extra := len(p.Locals) - p.NParams
	if n := t.sp + m.need[in.A]; n > len(t.stack) && !m.growStack(t, n) { // its locals and its deepest expression (stackdepth.go)
		m.fail(t, "error", fmt.Sprintf("stack overflow: the calls need more than the %d words of the stack (Limits.StackWords)", m.limits.StackWords))
		return false
	}
	clear(t.stack[t.sp : t.sp+extra])
	t.sp += extra
	t.frames = append(t.frames, frame{retPC: t.pc + 1, fp: t.fp, proc: int(in.A)})
	t.fp, t.pc = fp, p.Entry
	return true
}

// stepOp executes a visible step. It returns false when the thread stops
// (blocked, a step of a multi-step builtin done, or an error).
func (m *Machine) stepOp(t *thread, in Instr) bool {
	if r := m.weakRec; r != nil {
		r.access(t, in)
	}
	switch in.Op {
	case OpLoadShared:
		v := m.MMU.Read(m.MMU.SharedAddr(int(in.A)))
		t.push(v)
		if r := m.weakRec; r != nil {
			t.setPushed(r.callReads, 0)
			r.noteCopy(t, v)
		}
		if m.tracing {
			m.event(t, t.pc, fmt.Sprintf("read %s = %s", m.prog.Shared[in.A].Name, fmtVal(v)))
		}
	case OpStoreShared:
		v := t.pop()
		m.MMU.Write(m.MMU.SharedAddr(int(in.A)), v)
		if m.tracing {
			m.event(t, t.pc, fmt.Sprintf("%s = %s", m.prog.Shared[in.A].Name, fmtVal(v)))
		}
	case OpLoadTask:
		v := m.MMU.Read(m.MMU.TaskAddr(m.taskInstance(t), int(in.A)))
		t.push(v)
		if r := m.weakRec; r != nil {
			// the read's own taint, as a shared word's: the slot held a
			// popped value's, which made a dependency the program does not
			// have (a task word read after a READ_ONCE() whose result was
			// stored depended on it, and armv8 forbade load buffering)
			t.setPushed(r.callReads, 0)
			r.noteCopy(t, v)
		}
		if m.tracing {
			m.event(t, t.pc, fmt.Sprintf("read %s = %s", m.prog.Task[in.A].Name, fmtVal(v)))
		}
	case OpStoreTask:
		v := t.pop()
		m.MMU.Write(m.MMU.TaskAddr(m.taskInstance(t), int(in.A)), v)
		if m.tracing {
			m.event(t, t.pc, fmt.Sprintf("%s = %s", m.prog.Task[in.A].Name, fmtVal(v)))
		}
	case OpAtomicBegin:
		if m.storeBuffers && t.atomic == 0 && !m.beginAtomicTSO(t) {
			return false
		}
		t.atomic++
		m.event(t, t.pc, "atomic {")
	case OpBuiltin:
		return m.builtin(t, in)
	}
	t.pc++
	return true
}

// builtin calls a builtin with its arguments on the stack. The arguments
// stay there while a multi-step builtin is in progress or blocked.
func (m *Machine) builtin(t *thread, in Instr) bool {
	b := m.builtins[in.A]
	n := int(in.B)
	if !t.inBuiltin {
		t.inBuiltin, t.phase = true, 0
		clear(t.scratch)
	}
	// one Call per machine: builtins do not keep it, and a fresh one per
	// call would escape to the heap through the function value. Its fields
	// are set one by one: assigning a whole Call copied it through a
	// temporary with write barriers, 6 % of a stateful search.
	c := &m.callBuf
	c.M, c.CPU, c.Thread, c.InIRQ = m.MMU, t.cpu, t.id, t.kind == IRQThread
	c.Args, c.Phase, c.Scratch = t.stack[t.sp-n:t.sp], t.phase, t.scratch
	if m.ordered != nil && m.ordered[in.A] && t.atomic == 0 && m.MMU.MustDrain(t.cpu) {
		return m.waitDrain(t, b, c)
	}
	var argT uint64
	var wrote int
	if r := m.weakRec; r != nil {
		argT = r.call(t, b, n)
		r.ldop = b.WriteFromRead()
		wrote = len(r.trace.Events)
	}
	for {
		var v uint64
		var st mmu.Status
		switch {
		case b.Host():
			var ok bool
			if v, st, ok = m.callHost(t, b, c); !ok {
				return false
			}
		case m.ordered != nil && m.ordered[in.A]:
			v, st = m.callOrdered(b, c)
		default:
			v, st = b.Fn(c)
		}
		switch st {
		case mmu.Done:
			if m.tracing && (b.Kind == mmu.Step || b.Kind == mmu.Init) {
				m.event(t, t.pc, m.describeCall(b, c.Args, v, "= "))
			}
			t.inBuiltin = false
			var rt, rp uint64
			if r := m.weakRec; r != nil {
				rt, rp = r.result(t, b, n, argT, v, r.wroteSince(wrote))
				r.settled(t, b)
			}
			t.sp -= n
			t.push(v)
			if r := m.weakRec; r != nil {
				t.setPushed(rt, rp)
				if b.ReturnsRead() {
					r.noteCopy(t, v)
				}
			}
			t.pc++
			return true
		case mmu.Again:
			t.phase = c.Phase
			if r := m.weakRec; r != nil {
				r.again(t)
			}
			if m.tracing {
				m.event(t, t.pc, m.describeCall(b, c.Args, 0, "…"))
			}
			if t.atomic > 0 || t.id < 0 {
				continue // atomic sections and init run every step at once
			}
			return false
		default: // Block
			t.phase = c.Phase
			if m.tracing {
				m.event(t, t.pc, m.describeCall(b, c.Args, 0, "waits"))
			}
			if t.atomic > 0 {
				m.fail(t, "error", b.Name+" must wait inside atomic { }")
				return false
			}
			t.status = blocked
			m.watchLastReads(t)
			return false
		}
	}
}

// watchLastReads makes t wait for a change of what its step read.
func (m *Machine) watchLastReads(t *thread) {
	for _, f := range m.MMU.S.Current() {
		if f&1 == 0 {
			m.MMU.S.Watch(t.id, m.MMU.S.Origin(mmu.Loc(f>>1)))
		}
	}
}

func (m *Machine) end(t *thread) {
	t.status = finished
	switch t.kind {
	case TaskThread:
		if t.id >= 0 {
			m.MMU.FinishCPU(t.cpu)
		}
	case IRQThread:
		m.MMU.ExitIRQ(t.cpu)
		m.event(t, t.pc, "end of interrupt")
	}
}

func (m *Machine) print(t *thread, in Instr) {
	pr := m.prog.Prints[in.A]
	vals := t.stack[t.sp-int(in.B) : t.sp]
	t.sp -= int(in.B)
	if !m.tracing {
		return
	}
	if m.printed++; m.printed > m.limits.MaxPrintLines {
		if m.printed == m.limits.MaxPrintLines+1 {
			m.event(t, t.pc, fmt.Sprintf("print: … (more than %d prints in this execution: the rest are not shown)", m.limits.MaxPrintLines))
		}
		return
	}
	var b strings.Builder
	for _, part := range pr.Parts {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if part.IsValue {
			b.WriteString(fmtVal(vals[0]))
			vals = vals[1:]
		} else {
			b.WriteString(part.Text)
		}
	}
	m.event(t, t.pc, "print: "+b.String())
}

func fmtVal(v uint64) string {
	if v < 1024 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%#x", v)
}

func joinSemi(s []string) string { return strings.Join(s, "; ") }

// callHost calls a host builtin, keeping its panics from crossing the API
// (Check returns them as *HostPanic) and its accesses out of the footprint
// when it is declared Untracked.
func (m *Machine) callHost(t *thread, b *mmu.Builtin, c *mmu.Call) (v uint64, st mmu.Status, ok bool) {
	if b.Untracked {
		was := m.MMU.S.Pause()
		defer m.MMU.S.Resume(was)
	}
	if m.ordered != nil { // a host's builtin has no kernel mapping: fully ordered
		m.MMU.BeginOrdered(c.CPU)
		defer m.MMU.EndOrdered()
	}
	defer func() {
		if p := recover(); p != nil {
			m.hostPanic = &HostPanic{Builtin: b.Name, Value: p, Pos: m.prog.Pos[t.pc]}
			m.fail(t, "error", fmt.Sprintf("host builtin %s panicked: %v", b.Name, p))
			ok = false
		}
	}()
	v, st = b.Fn(c)
	return v, st, true
}
