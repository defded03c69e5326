package vm

import "fmt"

// StackDepths computes, for each proc, the deepest its operand stack gets
// above its locals, and checks that the code keeps the stack balanced:
// every path to an instruction arrives with the same depth, no
// instruction pops below the frame, and no path runs off the code. The
// machine sizes each frame from it, so that no legal expression, however
// deep, overflows the operand stack; the .mmub decoder uses it to refuse
// code the VM could not run safely.
func StackDepths(p *Program) (d []int, err error) {
	defer recoverAs("vm.StackDepths", &err)
	depths := make([]int, len(p.Procs))
	at := make([]int32, len(p.Code)) // depth+1 on arrival, 0: not reached yet
	for i, pr := range p.Procs {
		d, err := procDepth(p, pr, at)
		if err != nil {
			return nil, fmt.Errorf("proc %q: %v", pr.Name, err)
		}
		depths[i] = d
	}
	return depths, nil
}

// procDepth walks the code reachable from pr's entry; at records the depth
// on arrival at each instruction (procs share no code, so one slice serves
// them all).
func procDepth(p *Program, pr Proc, at []int32) (int, error) {
	deepest := 0
	work := []int{pr.Entry}
	if !inRange(pr.Entry, len(p.Code)) {
		return 0, fmt.Errorf("entry %d outside the code", pr.Entry)
	}
	at[pr.Entry] = 1
	for len(work) > 0 {
		pc := work[len(work)-1]
		work = work[:len(work)-1]
		d := int(at[pc]) - 1
		in := p.Code[pc]
		pop, push, err := stackEffect(p, in)
		if err != nil {
			return 0, fmt.Errorf("instruction %04d: %v", pc, err)
		}
		if d < pop {
			return 0, fmt.Errorf("instruction %04d (%v) pops %d values from a stack holding %d", pc, in.Op, pop, d)
		}
		d += push - pop
		deepest = max(deepest, d)
		for _, next := range successors(pc, in) {
			if !inRange(next, len(p.Code)) {
				return 0, fmt.Errorf("instruction %04d (%v) continues at %d, outside the code", pc, in.Op, next)
			}
			switch at[next] {
			case 0:
				at[next] = int32(d + 1)
				work = append(work, next)
			case int32(d + 1):
			default:
				return 0, fmt.Errorf("instruction %04d is reached with %d values on the stack and with %d (unbalanced stack)", next, at[next]-1, d)
			}
		}
	}
	return deepest, nil
}

// stackEffect is what an instruction pops and pushes.
func stackEffect(p *Program, in Instr) (pop, push int, err error) {
	if in.Op >= numOps {
		return 0, 0, fmt.Errorf("undefined opcode %d", in.Op)
	}
	info := opTable[in.Op]
	pop, push = info.Pop, info.Push
	switch in.Op {
	case OpCall:
		if !inRange(int(in.A), len(p.Procs)) {
			return 0, 0, fmt.Errorf("call of proc %d, out of range", in.A)
		}
		pop = p.Procs[in.A].NParams
	case OpBuiltin, OpPrint:
		pop = int(in.B)
	}
	return pop, push, nil
}

// successors are the instructions that may run after the one at pc.
func successors(pc int, in Instr) []int { return appendSuccessors(nil, pc, in) }

// appendSuccessors appends the successors of pc to dst: a caller's array
// keeps a walk over the code from allocating.
func appendSuccessors(dst []int, pc int, in Instr) []int {
	switch in.Op {
	case OpReturn, OpEnd:
		return dst
	case OpJump, OpBackEdge:
		return append(dst, int(in.A))
	case OpJumpIfZero, OpJumpNonZero:
		return append(dst, pc+1, int(in.A))
	}
	return append(dst, pc+1)
}

func inRange(i, n int) bool { return i >= 0 && i < n }
