package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64ALU returns the seed-th of a fixed list of one-CPU AArch64
// tests, cycling through it: every data-processing instruction of aluOps
// on W or X registers holding a pair of edge values, each into its own
// register, so that the final state shows what the front end computes
// for each: the masks of W results, shifted operands, arithmetic shifts,
// rotations, byte and bit reversals, MOVK. herd 7.58 gets some of these
// wrong, so they are left out: EON (it computes EOR), and on W registers
// ASR (logical, from 0x80000000), shifts by a register (not taken modulo
// 32: 1 << 0xffffffff is 0) and MUL and MADD (not cut to 32 bits). mmuvm
// computes those as the architecture does.
func AArch64ALU(seed int64) (name, text string) {
	return fromList(aluTests, "A-alu-%d", seed)
}

// aluOps are instructions writing R0 from R1 and R2 (R stands for W or X;
// K for the width's top shift); at most 26, into registers 3 to 28.
var aluOps = []string{
	"ADD R0,R1,R2", "SUB R0,R1,R2", "AND R0,R1,R2", "ORR R0,R1,R2", "EOR R0,R1,R2",
	"BIC R0,R1,R2", "ORN R0,R1,R2", "ANDS R0,R1,R2",
	"LSL R0,R1,#1", "LSR R0,R1,#1", "ASR R0,R1,#1", "ASR R0,R1,#K", "ROR R0,R1,#4",
	"LSL R0,R1,R2", "LSR R0,R1,R2", "ASR R0,R1,R2",
	"ADD R0,R1,R2,LSL #3", "ADD R0,R1,R2,ASR #K",
	"MVN R0,R1", "NEG R0,R1", "MUL R0,R1,R2", "MADD R0,R1,R2,R1",
	"RBIT R0,R1", "REV R0,R1", "MOVK R0,#5,LSL #16",
	"SUB R0,R1,#1",
}

// aluWrongW are the instructions of aluOps herd 7.58 computes wrongly on
// W registers.
var aluWrongW = map[string]bool{"ASR R0,R1,#1": true, "ASR R0,R1,#K": true, "LSL R0,R1,R2": true,
	"LSR R0,R1,R2": true, "ASR R0,R1,R2": true, "MUL R0,R1,R2": true, "MADD R0,R1,R2,R1": true}

var aluTests = func() []func(name string) string {
	w32 := []uint64{0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678}
	w64 := []uint64{0, 1, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff, 0xffffffff, 0x123456789abcdef0}
	var ts []func(string) string
	for _, wide := range []bool{false, true} {
		vals := w32
		if wide {
			vals = w64
		}
		for _, a := range vals {
			for _, b := range vals {
				ts = append(ts, func(name string) string { return aluTest(name, wide, a, b) })
			}
		}
	}
	return ts
}()

// aluTest writes one test: each of aluOps on registers 1 and 2 holding a
// and b, into registers 3 on (64-bit ones with wide, else 32-bit).
func aluTest(name string, wide bool, a, b uint64) string {
	r, k := "W", "31"
	if wide {
		r, k = "X", "63"
	}
	var code, regs, decls []string
	for i, op := range aluOps {
		if !wide && aluWrongW[op] {
			continue
		}
		d := fmt.Sprintf("%s%d", r, i+3)
		in := strings.NewReplacer("R0", d, "R1", r+"1", "R2", r+"2", "#K", "#"+k).Replace(op)
		code = append(code, in)
		regs = append(regs, fmt.Sprintf("0:X%d", i+3))
		decls = append(decls, fmt.Sprintf("uint64_t 0:X%d;", i+3))
	}
	var s strings.Builder
	fmt.Fprintf(&s, "AArch64 %s\n{\nuint64_t 0:X1=0x%x; uint64_t 0:X2=0x%x;\n%s\n}\n", name, a, b, strings.Join(decls, " "))
	s.WriteString(columns([][]string{code}))
	fmt.Fprintf(&s, "locations [%s;]\nexists (0:X3=1)\n", strings.Join(regs, "; "))
	return s.String()
}
