package litmusgen

import (
	"fmt"
	"strings"
)

// x8664Regs are the registers an X86_64 thread reads into, in order, by
// their 64-bit names (a 32-bit load writes the low half, %eax of %rax,
// and zeroes the rest).
var x8664Regs = []string{"rax", "rbx", "rcx", "rdx", "rsi"}

// x8664Types are the declarations drawn for a word ("": herd's int).
var x8664Types = []string{"int", "uint32_t", "int64_t", "uint64_t", ""}

// x8664Inits are the initial values drawn: negative, above 32 bits, or
// small.
var x8664Inits = []string{"0", "-2", "4294967295", "4294967297", "1234"}

// x8664Gen writes one X86_64 test (AT&T syntax) for herd's
// x86tso-mixed.cat: each word has one access size, 32 (movl) or 64 bits
// (movq), as herd refuses a test that mixes them, and a declared type.
type x8664Gen struct {
	xgen
	long []bool // per word: accessed by movq
}

// X8664 returns a random X86_64 test of stores of values with their top
// 32-bit bit set or negative, loads into 32- and 64-bit registers and
// MFENCE, over words of every declared type, whose final states show how
// herd types memory and registers. The same seed gives the same test.
func X8664(seed int64) (name, text string) {
	g := &x8664Gen{xgen: xgen{base: newBase(seed), names: x8664Regs}}
	g.op = g.x8664Op
	var decls strings.Builder
	for _, v := range g.vars {
		g.long = append(g.long, g.rnd.Intn(2) == 0)
		typ := x8664Types[g.rnd.Intn(len(x8664Types))]
		if typ != "" {
			typ += " "
		}
		fmt.Fprintf(&decls, "%s%s=%s; ", typ, v, x8664Inits[g.rnd.Intn(len(x8664Inits))])
	}
	threads := draw(g.threads(2, 2, 3), g.thread)
	name = fmt.Sprintf("X64-random-%d", seed)
	return name, g.asmTest("X86_64", name, "{ "+decls.String()+"}\n", threads, "%s")
}

// x8664Op writes a store of an immediate, a store of a register read
// before, a load or an MFENCE.
func (g *x8664Gen) x8664Op() {
	i, v := g.pick()
	sfx, reg := "l", func(r int) string { return "%e" + x8664Regs[r][1:] }
	if g.long[i] {
		sfx, reg = "q", func(r int) string { return "%" + x8664Regs[r] }
	}
	switch k := g.rnd.Intn(100); {
	case k < 35:
		c := g.value(v)
		c = []int{c, -c, c + 1<<31}[g.rnd.Intn(3)]
		g.code = append(g.code, fmt.Sprintf("mov%s $%d,(%s)", sfx, c, v))
	case k < 45 && g.regs > 0:
		g.code = append(g.code, fmt.Sprintf("mov%s %s,(%s)", sfx, reg(g.rnd.Intn(g.regs)), v))
	case k < 85 && g.regs < len(g.names):
		g.regs++
		g.code = append(g.code, fmt.Sprintf("mov%s (%s),%s", sfx, v, reg(g.regs-1)))
	default:
		g.code = append(g.code, "mfence")
	}
}
