package litmusgen

import "fmt"

// x86Regs are the registers an x86 thread reads into, in order.
var x86Regs = []string{"EAX", "EBX", "ECX", "EDX", "ESI"}

// xgen writes one X86 test: stores, loads and MFENCE only. herd's X86
// front end parses no XADD and no LOCK CMPXCHG, and its XCHG is no
// atomic exchange: x86tso.cat (and x86tso-mixed.cat for X86_64) lets
// XCHG read a write that comes after its own in coherence (P0: XCHG
// [x],EAX with EAX=2 reading 5, P1: MOV EBX,[x] reading 2 then MOV
// [x],$5), since the read and write of one instruction are not in
// program order and its atomicity axiom looks only at writes between
// them. The catalogue's x86 tests have no locked instruction, so herd's
// answers there are not affected.
type xgen struct {
	base
	regs  int
	code  []string
	names []string // the registers read into, in order
	op    func()   // writes one operation
}

// X86 returns a random X86 litmus test for herd's x86tso.cat; the same
// seed gives the same test.
func X86(seed int64) (name, text string) {
	g := &xgen{base: newBase(seed), names: x86Regs}
	g.op = g.x86Op
	threads := draw(g.threads(2, 2, 2, 3, 3, 4), g.thread)
	name = fmt.Sprintf("X-random-%d", seed)
	init := "{ "
	for _, v := range g.vars {
		init += v + "=0; "
	}
	return name, g.asmTest("X86", name, init+"}\n", threads, "%s")
}

// thread writes thread t: two to four operations (at most five reads).
func (g *xgen) thread(t int) []string {
	g.regs, g.code = 0, nil
	for i := 2 + g.rnd.Intn(3); i > 0; i-- {
		g.op()
	}
	for r := 0; r < g.regs; r++ {
		g.all = append(g.all, fmt.Sprintf("%d:%s", t, g.names[r]))
	}
	return g.code
}

func (g *xgen) emit(format string, args ...any) {
	g.code = append(g.code, fmt.Sprintf(format, args...))
}

// reg takes the next read register, false when there is none left.
func (g *xgen) reg() (string, bool) {
	if g.regs == len(g.names) {
		return "", false
	}
	g.regs++
	return g.names[g.regs-1], true
}

// x86Op writes a store, a load or an MFENCE.
func (g *xgen) x86Op() {
	_, v := g.pick()
	k := g.rnd.Intn(100)
	if k < 40 {
		g.emit("MOV [%s],$%d", v, g.value(v))
		return
	}
	if r, ok := g.reg(); ok && k < 85 {
		g.emit("MOV %s,[%s]", r, v)
		return
	}
	g.emit("MFENCE")
}
