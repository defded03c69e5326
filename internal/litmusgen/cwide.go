package litmusgen

import "fmt"

// The draws of CWide's tests (cgen.wide): each takes half the time one of
// its own forms, and otherwise leaves the statement to C's.

// wideWrite: a plain write (through an address dependency at times),
// atomic_set(), atomic_set_release() or rcu_assign_pointer().
func (g *cgen) wideWrite(in, v string) bool {
	if g.rnd.Intn(2) == 0 {
		return false
	}
	switch g.rnd.Intn(4) {
	case 0, 1:
		fmt.Fprintf(&g.body, "%s%s = %s;\n", in, g.address(v), g.operand(v))
	case 2:
		f := []string{"atomic_set", "atomic_set_release"}[g.rnd.Intn(2)]
		fmt.Fprintf(&g.body, "%s%s(%s, %s);\n", in, f, v, g.operand(v))
	default:
		fmt.Fprintf(&g.body, "%srcu_assign_pointer(*%s, %s);\n", in, v, g.operand(v))
	}
	return true
}

// wideRead: a plain read, atomic_read(), atomic_read_acquire(),
// rcu_dereference() or spin_is_locked().
func (g *cgen) wideRead(in, v string) bool {
	if g.rnd.Intn(2) == 0 {
		return false
	}
	switch g.rnd.Intn(5) {
	case 0, 1:
		addr := g.address(v)
		fmt.Fprintf(&g.body, "%s%s = %s;\n", in, g.reg(), addr)
	case 2:
		f := []string{"atomic_read", "atomic_read_acquire"}[g.rnd.Intn(2)]
		fmt.Fprintf(&g.body, "%s%s = %s(%s);\n", in, g.reg(), f, v)
	case 3:
		fmt.Fprintf(&g.body, "%s%s = rcu_dereference(*%s);\n", in, g.reg(), v)
	default:
		g.lock = true
		fmt.Fprintf(&g.body, "%s%s = spin_is_locked(l);\n", in, g.reg())
	}
	return true
}

// wideFence: the barriers C does not draw.
func (g *cgen) wideFence(in string) bool {
	if g.rnd.Intn(2) == 0 {
		return false
	}
	f := []string{"smp_mb__after_spinlock", "smp_mb__after_unlock_lock", "barrier", "smp_mb__after_srcu_read_unlock"}[g.rnd.Intn(4)]
	fmt.Fprintf(&g.body, "%s%s();\n", in, f)
	return true
}

// wideRMW: the atomic_t RMWs, in every ordering each has.
func (g *cgen) wideRMW(in, v string) bool {
	if g.rnd.Intn(3) == 0 {
		return false
	}
	o := orders[g.rnd.Intn(4)]
	n := 1 + g.rnd.Intn(3)
	op := []string{"add", "sub", "and", "or", "xor", "andnot"}[g.rnd.Intn(6)]
	switch g.rnd.Intn(9) {
	case 0:
		fmt.Fprintf(&g.body, "%s%s = atomic_xchg%s(%s, %d);\n", in, g.reg(), o, v, g.value(v))
	case 1:
		old := g.rnd.Intn(g.next[v] + 1)
		fmt.Fprintf(&g.body, "%s%s = atomic_cmpxchg%s(%s, %d, %d);\n", in, g.reg(), o, v, old, g.value(v))
	case 2:
		fmt.Fprintf(&g.body, "%s%s = atomic_fetch_%s%s(%d, %s);\n", in, g.reg(), op, o, n, v)
	case 3:
		f := []string{"atomic_sub_return", "atomic_add_negative"}[g.rnd.Intn(2)]
		fmt.Fprintf(&g.body, "%s%s = %s%s(%d, %s);\n", in, g.reg(), f, o, n, v)
	case 4:
		f := []string{"atomic_inc_return", "atomic_dec_return", "atomic_fetch_inc", "atomic_fetch_dec"}[g.rnd.Intn(4)]
		fmt.Fprintf(&g.body, "%s%s = %s%s(%s);\n", in, g.reg(), f, o, v)
	case 5:
		f := []string{"atomic_dec_and_test", "atomic_inc_and_test"}[g.rnd.Intn(2)]
		fmt.Fprintf(&g.body, "%s%s = %s(%s);\n", in, g.reg(), f, v)
	case 6:
		fmt.Fprintf(&g.body, "%s%s = atomic_sub_and_test(%d, %s);\n", in, g.reg(), n, v)
	case 7:
		fmt.Fprintf(&g.body, "%s%s = atomic_add_unless(%s, %d, %d);\n", in, g.reg(), v, n, g.rnd.Intn(3))
	default: // no value returned: unordered
		if g.rnd.Intn(3) == 0 {
			fmt.Fprintf(&g.body, "%satomic_dec(%s);\n", in, v)
		} else {
			fmt.Fprintf(&g.body, "%satomic_%s(%d, %s);\n", in, op, n, v)
		}
	}
	return true
}

// wideCritical: a spinlock's section with smp_mb__after_spinlock() after
// the lock, or an SRCU section opened with srcu_down_read().
func (g *cgen) wideCritical(in string) bool {
	switch g.rnd.Intn(3) {
	case 0:
		g.lock = true
		g.section(in, "spin_lock(l);\n"+in+"smp_mb__after_spinlock();", "spin_unlock(l);")
	case 1:
		r := g.reg()
		g.srcu = true
		g.section(in, r+" = srcu_down_read(s);", "srcu_up_read(s, "+r+");")
	default:
		return false
	}
	return true
}

// wideSynchronize: the expedited grace periods.
func (g *cgen) wideSynchronize(in string) bool {
	switch g.rnd.Intn(4) {
	case 0:
		fmt.Fprintf(&g.body, "%ssynchronize_rcu_expedited();\n", in)
	case 1:
		g.srcu = true
		fmt.Fprintf(&g.body, "%ssynchronize_srcu_expedited(s);\n", in)
	default:
		return false
	}
	return true
}
