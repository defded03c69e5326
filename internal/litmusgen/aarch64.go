package litmusgen

import (
	"fmt"
	"strings"
)

// agen writes one AArch64 test. Each thread holds the address of the
// i-th shared word in X(10+i); the values it reads go to W0, W1, …; W20
// to W23 are scratch.
type agen struct {
	base
	regs  int      // the thread's value registers so far
	code  []string // the thread's instructions
	label int      // labels so far, over the whole test
	// wide: draw the rest of the instructions too (AArch64Wide); a
	// narrow test makes the draws it always made
	wide bool
}

// AArch64 returns a random AArch64 litmus test for herd's aarch64.cat;
// the same seed gives the same test.
func AArch64(seed int64) (name, text string) {
	return a64Test(&agen{base: newBase(seed)}, fmt.Sprintf("A-random-%d", seed))
}

// AArch64Wide is AArch64 with more of the ISA drawn too: DSBs, the
// LDCLR/LDEOR/LDSET RMWs and the ST<op> stores in their orderings, and
// CMP with B.EQ/B.NE or CSEL (control and data dependencies through the
// flags).
func AArch64Wide(seed int64) (name, text string) {
	return a64Test(&agen{base: newBase(seed), wide: true}, fmt.Sprintf("A-wide-%d", seed))
}

func a64Test(g *agen, name string) (string, string) {
	threads := draw(g.threads(2, 2, 2, 3, 3), g.thread) // herd's aarch64.cat is slow past a dozen events
	return name, a64Layout(&g.base, name, "", threads)
}

// a64Layout writes an AArch64 test of the threads: the declarations decls
// (a line of their own, if any), each thread's X(10+i) set to the i-th
// shared word, the code, locations and condition.
func a64Layout(g *base, name, decls string, threads [][]string) string {
	var init strings.Builder
	init.WriteString("{\n")
	if decls != "" {
		init.WriteString(decls + "\n")
	}
	for t := range threads {
		for i, v := range g.vars {
			fmt.Fprintf(&init, "%d:X%d=%s; ", t, 10+i, v)
		}
		init.WriteString("\n")
	}
	init.WriteString("}\n")
	return g.asmTest("AArch64", name, init.String(), threads, "[%s]")
}

// columns lays the threads' code out in herd's columns.
func columns(threads [][]string) string {
	rows := 0
	width := make([]int, len(threads))
	for t, code := range threads {
		rows = max(rows, len(code))
		width[t] = len(fmt.Sprintf("P%d", t))
		for _, in := range code {
			width[t] = max(width[t], len(in))
		}
	}
	var b strings.Builder
	line := func(cell func(t int) string) {
		for t := range threads {
			if t > 0 {
				b.WriteString(" |")
			}
			fmt.Fprintf(&b, " %-*s", width[t], cell(t))
		}
		b.WriteString(" ;\n")
	}
	line(func(t int) string { return fmt.Sprintf("P%d", t) })
	for r := 0; r < rows; r++ {
		line(func(t int) string {
			if r < len(threads[t]) {
				return threads[t][r]
			}
			return ""
		})
	}
	return b.String()
}

// thread writes thread t: two or three operations.
func (g *agen) thread(t int) []string {
	return g.threadOf(t, 2+g.rnd.Intn(2), g.op)
}

// threadOf writes thread t of n operations, each by op, and notes the
// registers it reads into.
func (g *agen) threadOf(t, n int, op func(inBranch bool)) []string {
	g.regs, g.code = 0, nil
	for ; n > 0; n-- {
		op(false)
	}
	for r := 0; r < g.regs; r++ {
		g.all = append(g.all, fmt.Sprintf("%d:X%d", t, r))
	}
	return g.code
}

func (g *agen) emit(format string, args ...any) {
	g.code = append(g.code, fmt.Sprintf(format, args...))
}

// addr is the register holding shared word i's address.
func addr(i int) string { return fmt.Sprintf("X%d", 10+i) }

// op writes one operation; inBranch keeps branches from nesting.
func (g *agen) op(inBranch bool) {
	switch k := g.rnd.Intn(100); {
	case k < 25:
		g.store()
	case k < 55:
		g.load()
	case k < 68:
		if g.wide && g.rnd.Intn(2) == 0 {
			g.emit("%s", []string{"DSB ISH", "DSB ISHLD", "DSB ISHST", "DSB SY"}[g.rnd.Intn(4)])
			return
		}
		g.emit("%s", []string{"DMB ISH", "DMB ISHLD", "DMB ISHST", "ISB", "DMB SY"}[g.rnd.Intn(5)])
	case k < 82:
		g.rmw()
	case k < 92 && !inBranch && g.regs > 0:
		g.branch()
	default:
		g.load()
	}
}

// reg makes a new value register.
func (g *agen) reg() string {
	g.regs++
	return fmt.Sprintf("W%d", g.regs-1)
}

// source puts a store's value in a scratch register: a constant, or one
// that depends on an earlier read (a data dependency, its value kept).
func (g *agen) source(v string) string {
	c := g.value(v)
	if g.wide && g.regs > 0 && g.rnd.Intn(4) == 0 {
		return g.csel(c)
	}
	if g.regs == 0 || g.rnd.Intn(3) > 0 {
		g.emit("MOV W20,#%d", c)
		return "W20"
	}
	r := fmt.Sprintf("W%d", g.rnd.Intn(g.regs))
	g.emit("EOR W21,%s,%s", r, r)
	g.emit("ADD W21,W21,#%d", c)
	return "W21"
}

// offset makes a zero that depends on an earlier read, or nothing: an
// address dependency.
func (g *agen) offset() string {
	if g.regs == 0 || g.rnd.Intn(3) > 0 {
		return ""
	}
	r := fmt.Sprintf("W%d", g.rnd.Intn(g.regs))
	g.emit("EOR W22,%s,%s", r, r)
	return ",W22,SXTW"
}

func (g *agen) store() {
	i, v := g.pick()
	src := g.source(v)
	if g.rnd.Intn(3) == 0 {
		g.emit("STLR %s,[%s]", src, addr(i))
		return
	}
	g.emit("STR %s,[%s%s]", src, addr(i), g.offset())
}

func (g *agen) load() {
	i, _ := g.pick()
	switch g.rnd.Intn(5) {
	case 0:
		g.emit("LDAR %s,[%s]", g.reg(), addr(i))
	case 1:
		g.emit("LDAPR %s,[%s]", g.reg(), addr(i))
	default:
		off := g.offset()
		g.emit("LDR %s,[%s%s]", g.reg(), addr(i), off)
	}
}

// rmw writes a swap, an add, a compare-and-swap or an exclusive pair.
func (g *agen) rmw() {
	i, v := g.pick()
	order := []string{"", "A", "L", "AL"}[g.rnd.Intn(4)]
	if g.wide && g.rnd.Intn(2) == 0 {
		g.wideRMW(i, order)
		return
	}
	switch g.rnd.Intn(4) {
	case 0:
		g.emit("MOV W20,#%d", g.value(v))
		g.emit("SWP%s W20,%s,[%s]", order, g.reg(), addr(i))
	case 1:
		g.emit("MOV W20,#%d", 1+g.rnd.Intn(2))
		g.emit("LDADD%s W20,%s,[%s]", order, g.reg(), addr(i))
	case 2:
		r := g.reg()
		g.emit("MOV %s,#%d", r, g.rnd.Intn(g.next[v]+1))
		g.emit("MOV W20,#%d", g.value(v))
		g.emit("CAS%s %s,W20,[%s]", order, r, addr(i))
	default:
		ld, st := []string{"LDXR", "LDAXR"}[g.rnd.Intn(2)], []string{"STXR", "STLXR"}[g.rnd.Intn(2)]
		r := g.reg()
		g.emit("%s %s,[%s]", ld, r, addr(i))
		g.emit("MOV W20,#%d", g.value(v))
		g.emit("%s %s,W20,[%s]", st, g.reg(), addr(i))
	}
}

// branch writes a conditional branch over one operation (a control
// dependency), sometimes with an ISB after it.
func (g *agen) branch() {
	r := fmt.Sprintf("W%d", g.rnd.Intn(g.regs))
	l := fmt.Sprintf("L%d", g.label)
	g.label++
	if g.wide && g.rnd.Intn(2) == 0 {
		g.emit("CMP %s,#%d", r, g.rnd.Intn(3))
		g.emit("%s %s", []string{"B.EQ", "B.NE"}[g.rnd.Intn(2)], l)
	} else {
		g.emit("%s %s,%s", []string{"CBZ", "CBNZ"}[g.rnd.Intn(2)], r, l)
	}
	if g.rnd.Intn(3) == 0 {
		g.emit("ISB")
	}
	g.op(true)
	g.emit("%s:", l)
}

// wideRMW writes an LDCLR, LDEOR or LDSET in ordering order, or an
// ST<op> (no register written; only release has a form of its own).
func (g *agen) wideRMW(i int, order string) {
	g.emit("MOV W20,#%d", 1+g.rnd.Intn(3))
	op := []string{"ADD", "CLR", "EOR", "SET"}[g.rnd.Intn(4)]
	if g.rnd.Intn(3) == 0 {
		g.emit("ST%s%s W20,[%s]", op, []string{"", "L"}[g.rnd.Intn(2)], addr(i))
		return
	}
	if op == "ADD" {
		op = "CLR"
	}
	g.emit("LD%s%s W20,%s,[%s]", op, order, g.reg(), addr(i))
}

// csel puts in W21 one of two values, chosen by comparing an earlier
// read with a constant: a data dependency through the flags.
func (g *agen) csel(c int) string {
	r := fmt.Sprintf("W%d", g.rnd.Intn(g.regs))
	g.emit("MOV W23,#%d", c)
	g.emit("MOV W24,#%d", c+10)
	g.emit("CMP %s,#%d", r, g.rnd.Intn(3))
	g.emit("CSEL W21,W23,W24,%s", []string{"EQ", "NE"}[g.rnd.Intn(2)])
	return "W21"
}
