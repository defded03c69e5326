package litmus

import "fmt"

// Compilers lay out an if-then whose branch rejoins a shared tail by
// putting the then-part after the function's return and jumping back
// into the tail, as herd's telechat tests show (X86_64 A006, gcc -Og):
//
//	   je L0x3b
//	L0x31:
//	   mov %eax,(P1_r0)
//	   ret
//	L0x3b:
//	   movl $1,(x)
//	   jmp L0x31
//
// That backward jump closes no loop (the tail it jumps to returns before
// reaching it), so asmStructure cannot make it a while loop. Running the
// tail in place of the jump is the same program, and a structured one:
// asmDupTails copies it there before the thread is translated, so each
// copy is translated with the static state of the path that reaches it
// (the one-pass translation's state at a label joins only the branches
// seen before it).

// asmTailBudget bounds the instructions tail copies may add to a thread:
// a tail that ends in a jump back into another tail is copied again, and
// two tails jumping into each other would grow for ever. Past the budget
// the jump stays, and asmStructure reports it with its position.
const asmTailBudget = 256

// asmDupTails replaces each unconditional backward jump into a tail (a
// run of instructions from the label that ends in a return or an
// unconditional jump before it reaches the jump) by a copy of that tail.
// Labels inside the tail are given fresh names in the copy, so its own
// branches stay inside it; labels after the jump move with the code.
func asmDupTails(insns []asmInsn, labels map[string]int) ([]asmInsn, map[string]int) {
	added := 0
	for n := 0; ; n++ {
		i, from, to, ok := asmTailJump(insns, labels)
		if !ok || added+to-from > asmTailBudget {
			return insns, labels
		}
		added += to - from
		insns, labels = asmCopyTail(insns, labels, i, from, to, n)
	}
}

// asmTailJump finds the first unconditional backward jump into a tail:
// the jump's index and the tail [from, to).
func asmTailJump(insns []asmInsn, labels map[string]int) (i, from, to int, ok bool) {
	for i, in := range insns {
		if !asmUncondJump(in) {
			continue
		}
		t, known := labels[in.args[0]]
		if !known || t > i {
			continue
		}
		for e := t; e < i; e++ {
			if asmUncondJump(insns[e]) || asmReturn(insns[e]) {
				return i, t, e + 1, true
			}
		}
	}
	return 0, 0, 0, false
}

func asmUncondJump(in asmInsn) bool {
	return (in.op == "B" || in.op == "JMP") && len(in.args) == 1
}

func asmReturn(in asmInsn) bool {
	return (in.op == "RET" || in.op == "RETQ") && len(in.args) == 0
}

// asmCopyTail puts a copy of insns[from:to] in place of the jump at i.
// The n-th copy's labels are named label@tailN.
func asmCopyTail(insns []asmInsn, labels map[string]int, i, from, to, n int) ([]asmInsn, map[string]int) {
	renamed := map[string]string{}
	out := map[string]int{}
	for l, p := range labels {
		if p > i {
			p += to - from - 1
		}
		out[l] = p
		if p >= from && p < to {
			renamed[l] = fmt.Sprintf("%s@tail%d", l, n)
			out[renamed[l]] = i + p - from
		}
	}
	tail := make([]asmInsn, 0, to-from)
	for _, in := range insns[from:to] {
		c := in
		c.args = make([]string, len(in.args))
		for k, a := range in.args {
			if r, ok := renamed[a]; ok {
				a = r
			}
			c.args[k] = a
		}
		tail = append(tail, c)
	}
	res := append(append(append([]asmInsn{}, insns[:i]...), tail...), insns[i+1:]...)
	return res, out
}
