// Package litmusgen writes random litmus tests in herd's formats, for
// holding mmuvm's memory models to herd7 beyond the catalogues: the
// catalogues' tests are mostly diy7's cycles, two to four accesses per
// thread with one barrier or dependency each, while these mix barriers,
// dependencies, RMWs, branches whose paths join, locks and RCU in one
// thread. Every test lists all its registers and shared words in
// `locations`, so herd prints complete final states and a comparison
// sees every difference.
package litmusgen

import (
	"fmt"
	"strings"
)

// cgen writes one C (LKMM) test.
type cgen struct {
	base
	regs  []string // the thread's registers so far
	body  strings.Builder
	depth int  // nesting of ifs and critical sections
	crit  int  // nesting of critical sections (no synchronize_rcu() inside: it sleeps)
	lock  bool // the test declares spinlock l
	srcu  bool // the test declares srcu_struct s
	// wide: draw from the rest of the kernel's API too (CWide); a
	// narrow test makes the same draws it always made, so C's seeds
	// keep naming the same tests
	wide bool
}

// orders are the suffixes of an RMW's four orderings.
var orders = []string{"", "_relaxed", "_acquire", "_release"}

// C returns a random C litmus test for the LKMM; the same seed gives the
// same test.
func C(seed int64) (name, text string) {
	return cTest(&cgen{base: newBase(seed)}, fmt.Sprintf("C-random-%d", seed))
}

// CWide is C with the rest of what the LKMM's linux-kernel.def defines
// drawn too: plain accesses (so data races, which herd flags), the
// atomic_t family (atomic_read/set, every RMW and its orderings, the
// *_and_test, add_negative and add_unless forms, the void ones),
// rcu_assign_pointer/rcu_dereference, spin_is_locked(), the other
// barriers, srcu_down_read/up_read and the expedited grace periods.
func CWide(seed int64) (name, text string) {
	return cTest(&cgen{base: newBase(seed), wide: true}, fmt.Sprintf("C-wide-%d", seed))
}

func cTest(g *cgen, name string) (string, string) {
	nthreads := g.threads(2, 2, 2, 2, 3, 3, 3, 4)
	var threads []string
	for t := 0; t < nthreads; t++ {
		threads = append(threads, g.thread(t))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "C %s\n\n{\n}\n\n", name)
	for _, th := range threads {
		b.WriteString(th)
	}
	fmt.Fprintf(&b, "locations [%s]\n", strings.Join(g.locations(), "; "))
	fmt.Fprintf(&b, "exists (%s)\n", g.condition("%s"))
	return name, b.String()
}

// thread writes thread t: two to four statements.
func (g *cgen) thread(t int) string {
	g.regs, g.depth = nil, 0
	g.body.Reset()
	n := 2 + g.rnd.Intn(3)
	for i := 0; i < n; i++ {
		g.stmt("\t")
	}
	var b strings.Builder
	params := make([]string, 0, len(g.vars)+1)
	for _, v := range g.vars {
		params = append(params, "int *"+v)
	}
	if g.lock {
		params = append(params, "spinlock_t *l")
	}
	if g.srcu {
		params = append(params, "struct srcu_struct *s")
	}
	fmt.Fprintf(&b, "P%d(%s)\n{\n", t, strings.Join(params, ", "))
	for _, r := range g.regs {
		fmt.Fprintf(&b, "\tint %s;\n", r)
		g.all = append(g.all, fmt.Sprintf("%d:%s", t, r))
	}
	if len(g.regs) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(g.body.String())
	b.WriteString("}\n\n")
	return b.String()
}

// stmt writes one statement at indent in.
func (g *cgen) stmt(in string) {
	switch k := g.rnd.Intn(100); {
	case k < 25:
		g.write(in)
	case k < 55:
		g.read(in)
	case k < 68:
		g.fence(in)
	case k < 80:
		g.rmw(in)
	case k < 90 && g.depth < 2 && len(g.regs) > 0:
		g.branch(in)
	case k < 95 && g.depth < 2:
		g.critical(in)
	case k < 97 && g.crit == 0:
		g.synchronize(in)
	default:
		g.read(in)
	}
}

// reg makes a new register.
func (g *cgen) reg() string {
	r := fmt.Sprintf("r%d", len(g.regs))
	g.regs = append(g.regs, r)
	return r
}

// operand is a write's value: a constant, or one that depends on a
// register (a data dependency).
func (g *cgen) operand(v string) string {
	c := g.value(v)
	if len(g.regs) == 0 || g.rnd.Intn(3) > 0 {
		return fmt.Sprint(c)
	}
	r := g.regs[g.rnd.Intn(len(g.regs))]
	if g.rnd.Intn(2) == 0 {
		return fmt.Sprintf("%s + %d", r, c) // a value that varies with the read
	}
	return fmt.Sprintf("%s - %s + %d", r, r, c) // a dependency, not a value
}

// address is a marked access's lvalue: *v, or, after a read, *v plus a
// zero that depends on it (an address dependency).
func (g *cgen) address(v string) string {
	if len(g.regs) == 0 || g.rnd.Intn(4) > 0 {
		return "*" + v
	}
	return fmt.Sprintf("*(%s + (%s & 0))", v, g.regs[g.rnd.Intn(len(g.regs))])
}

func (g *cgen) write(in string) {
	_, v := g.pick()
	if g.wide && g.wideWrite(in, v) {
		return
	}
	switch g.rnd.Intn(6) {
	case 0, 1:
		fmt.Fprintf(&g.body, "%sWRITE_ONCE(%s, %s);\n", in, g.address(v), g.operand(v))
	case 2, 3:
		fmt.Fprintf(&g.body, "%ssmp_store_release(%s, %s);\n", in, v, g.operand(v))
	case 4:
		fmt.Fprintf(&g.body, "%sWRITE_ONCE(*%s, %s);\n", in, v, g.operand(v))
	default:
		fmt.Fprintf(&g.body, "%ssmp_store_mb(*%s, %s);\n", in, v, g.operand(v))
	}
}

func (g *cgen) read(in string) {
	_, v := g.pick()
	if g.wide && g.wideRead(in, v) {
		return
	}
	if g.rnd.Intn(3) == 0 {
		fmt.Fprintf(&g.body, "%s%s = smp_load_acquire(%s);\n", in, g.reg(), v)
		return
	}
	addr := g.address(v) // before the register it reads into is made
	fmt.Fprintf(&g.body, "%s%s = READ_ONCE(%s);\n", in, g.reg(), addr)
}

func (g *cgen) fence(in string) {
	if g.wide && g.wideFence(in) {
		return
	}
	f := []string{"smp_mb", "smp_rmb", "smp_wmb", "smp_mb__before_atomic", "smp_mb__after_atomic"}[g.rnd.Intn(5)]
	fmt.Fprintf(&g.body, "%s%s();\n", in, f)
}

// rmw writes an exchange, a compare-and-exchange or an atomic add, in
// one of its four orderings (atomic_inc() has only one).
func (g *cgen) rmw(in string) {
	_, v := g.pick()
	if g.wide && g.wideRMW(in, v) {
		return
	}
	suffix := orders[g.rnd.Intn(4)]
	switch g.rnd.Intn(5) {
	case 0:
		fmt.Fprintf(&g.body, "%s%s = xchg%s(%s, %d);\n", in, g.reg(), suffix, v, g.value(v))
	case 1:
		old := g.rnd.Intn(g.next[v] + 1) // a value some write may have given
		fmt.Fprintf(&g.body, "%s%s = cmpxchg%s(%s, %d, %d);\n", in, g.reg(), suffix, v, old, g.value(v))
	case 2:
		fmt.Fprintf(&g.body, "%s%s = atomic_fetch_add%s(1, %s);\n", in, g.reg(), suffix, v)
	case 3:
		fmt.Fprintf(&g.body, "%s%s = atomic_add_return%s(2, %s);\n", in, g.reg(), suffix, v)
	default: // no value returned: unordered
		fmt.Fprintf(&g.body, "%satomic_inc(%s);\n", in, v)
	}
}

// branch writes an if on a register, sometimes with an else, whose paths
// join before the next statement.
func (g *cgen) branch(in string) {
	r := g.regs[g.rnd.Intn(len(g.regs))]
	cond := []string{"%s", "%s == 0", "%s == 1", "%s != 1"}[g.rnd.Intn(4)] // herd's C has no !
	g.depth++
	defer func() { g.depth-- }()
	fmt.Fprintf(&g.body, "%sif ("+cond+") {\n", in, r)
	g.stmt(in + "\t")
	if g.rnd.Intn(3) == 0 {
		fmt.Fprintf(&g.body, "%s} else {\n", in)
		g.stmt(in + "\t")
	}
	fmt.Fprintf(&g.body, "%s}\n", in)
}

// critical writes a critical section around one or two statements: a
// spinlock's (or a spin_trylock() that succeeded), RCU's or SRCU's.
func (g *cgen) critical(in string) {
	g.depth++
	g.crit++
	defer func() { g.depth--; g.crit-- }()
	if g.wide && g.wideCritical(in) {
		return
	}
	switch g.rnd.Intn(5) {
	case 0, 1:
		g.section(in, "rcu_read_lock();", "rcu_read_unlock();")
	case 2:
		g.lock = true
		g.section(in, "spin_lock(l);", "spin_unlock(l);")
	case 3:
		r := g.reg()
		g.lock = true
		fmt.Fprintf(&g.body, "%s%s = spin_trylock(l);\n", in, r)
		g.section(in, fmt.Sprintf("if (%s) {", r), "\tspin_unlock(l);\n"+in+"}")
	default:
		r := g.reg()
		g.srcu = true
		g.section(in, r+" = srcu_read_lock(s);", "srcu_read_unlock(s, "+r+");")
	}
}

// section writes open, one or two statements, and close.
func (g *cgen) section(in, open, close string) {
	fmt.Fprintf(&g.body, "%s%s\n", in, open)
	for i := 1 + g.rnd.Intn(2); i > 0; i-- {
		g.stmt(in + "\t")
	}
	fmt.Fprintf(&g.body, "%s%s\n", in, close)
}

// synchronize waits for RCU's or SRCU's grace period (never inside a
// critical section: it sleeps).
func (g *cgen) synchronize(in string) {
	if g.wide && g.wideSynchronize(in) {
		return
	}
	if g.rnd.Intn(3) == 0 {
		g.srcu = true
		fmt.Fprintf(&g.body, "%ssynchronize_srcu(s);\n", in)
		return
	}
	fmt.Fprintf(&g.body, "%ssynchronize_rcu();\n", in)
}
