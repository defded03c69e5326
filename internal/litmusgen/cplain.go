package litmusgen

import (
	"fmt"
	"strings"
)

// CPlain returns the seed-th of a fixed list of C tests, cycling through
// it: plain C accesses (`*x = 1`, `r1 = *x`) of one word racing, or not,
// with marked or plain accesses of another thread, in MP, S and LB
// shapes with every pairing of the writer's and the reader's ordering,
// and in lock and RCU sections. The wide random family draws plain
// accesses, but seldom beside the orderings that decide whether they
// race, and plain accesses are where the LKMM's rules are subtlest: which
// orderings keep two plain accesses from racing (its ww-vis, wr-vis and
// rw-xbstar relations), which herd answers with its data-race flag,
// beside the final states.
func CPlain(seed int64) (name, text string) {
	return fromList(plainTests, "C-plain-%d", seed)
}

// access is one thread's statement on word x at address addr, which a
// shape may compute from a register to make a dependency.
type access func(addr string) string

func plainWrite(v int) access {
	return func(a string) string { return fmt.Sprintf("*%s = %d;", deref(a), v) }
}

func onceWrite(v int) access {
	return func(a string) string { return fmt.Sprintf("WRITE_ONCE(*%s, %d);", deref(a), v) }
}

func plainRead(r string) access {
	return func(a string) string { return fmt.Sprintf("%s = *%s;", r, deref(a)) }
}

func onceRead(r string) access {
	return func(a string) string { return fmt.Sprintf("%s = READ_ONCE(*%s);", r, deref(a)) }
}

// deref parenthesises a computed address for `*`.
func deref(a string) string {
	if strings.ContainsAny(a, " +") {
		return "(" + a + ")"
	}
	return a
}

// flagSends are the ways a thread orders its access of x before its
// write of the flag y: nothing, each barrier, a release, a full RMW.
var flagSends = []string{
	"WRITE_ONCE(*y, 1);",
	"smp_wmb();\nWRITE_ONCE(*y, 1);",
	"smp_mb();\nWRITE_ONCE(*y, 1);",
	"smp_store_release(y, 1);",
	"r9 = xchg(y, 1);",
	"smp_mb__before_atomic();\natomic_inc(y);",
}

// flagTakes are the ways a thread orders its read of the flag y (into
// r0) before its access of x (at the address it is given): nothing, each
// barrier, an acquire, an address dependency, a control dependency.
var flagTakes = []func(x access) string{
	func(x access) string { return "r0 = READ_ONCE(*y);\n" + x("x") },
	func(x access) string { return "r0 = READ_ONCE(*y);\nsmp_rmb();\n" + x("x") },
	func(x access) string { return "r0 = READ_ONCE(*y);\nsmp_mb();\n" + x("x") },
	func(x access) string { return "r0 = smp_load_acquire(y);\n" + x("x") },
	func(x access) string { return "r0 = READ_ONCE(*y);\n" + x("x + (r0 & 0)") },
	func(x access) string { return "r0 = READ_ONCE(*y);\nif (r0 == 1) {\n\t" + x("x") + "\n}" },
}

// lbSends are the ways a thread orders its read of x (into r0) before
// its write of the flag y, as flagSends but with the dependencies a read
// can give the write.
var lbSends = []func(x access) string{
	func(x access) string { return x("x") + "\nWRITE_ONCE(*y, 1);" },
	func(x access) string { return x("x") + "\nsmp_mb();\nWRITE_ONCE(*y, 1);" },
	func(x access) string { return x("x") + "\nsmp_store_release(y, 1);" },
	func(x access) string { return x("x") + "\nWRITE_ONCE(*y, 1 + (r0 & 0));" },
	func(x access) string { return x("x") + "\nif (r0 == 2) {\n\tWRITE_ONCE(*y, 1);\n}" },
}

var plainTests = func() []func(name string) string {
	writes := func(v int) []access { return []access{plainWrite(v), onceWrite(v)} }
	reads := []access{plainRead("r1"), onceRead("r1")}
	var ts []func(string) string
	add := func(exists string, threads ...string) {
		ts = append(ts, func(name string) string { return listTest(name, threads, exists) })
	}
	for _, w := range writes(1) {
		for _, send := range flagSends {
			for _, take := range flagTakes {
				for _, r := range reads { // MP
					add("1:r0=1 /\\ 1:r1=0", w("x")+"\n"+send, take(r))
				}
				for _, w2 := range writes(2) { // S
					add("1:r0=1 /\\ x=1", w("x")+"\n"+send, take(w2))
				}
			}
		}
	}
	for _, r := range []access{plainRead("r0"), onceRead("r0")} { // LB
		for _, send := range lbSends {
			for _, take := range flagTakes {
				for _, w2 := range writes(2) {
					add("0:r0=2 /\\ 1:r0=1", send(r), take(w2))
				}
			}
		}
	}
	for _, a := range writes(1) {
		for _, b := range append(append([]access{}, reads...), writes(2)...) {
			sectionTests(add, a, b)
		}
	}
	return ts
}()

// sectionTests adds the tests where a's and b's threads meet in lock or
// RCU sections, or fail to: both in the lock, one outside it, b after a
// trylock or behind spin_is_locked(), the lock handed over by its
// release and acquire to a later access; a's thread waiting for a grace
// period after unpublishing y, before or around b's read-side section.
func sectionTests(add func(exists string, threads ...string), a, b access) {
	locked := func(s string) string { return "spin_lock(l);\n" + s + "\nspin_unlock(l);" }
	add("x=1", locked(a("x")), locked(b("x")))
	add("x=1", locked(a("x")), b("x"))
	add("x=1", locked(a("x")), "r9 = spin_trylock(l);\nif (r9) {\n\t"+b("x")+"\n\tspin_unlock(l);\n}")
	add("x=1", locked(a("x")), "r9 = spin_is_locked(l);\nif (r9 == 0) {\n\t"+b("x")+"\n}")
	add("1:r0=1 /\\ x=1", locked(a("x")+"\nWRITE_ONCE(*y, 1);"), locked("r0 = READ_ONCE(*y);")+"\n"+b("x"))
	add("1:r0=1 /\\ x=1", a("x")+"\n"+locked("WRITE_ONCE(*y, 1);"), "spin_lock(l);\nr0 = READ_ONCE(*y);\nsmp_mb__after_spinlock();\n"+b("x")+"\nspin_unlock(l);")
	rcu := "rcu_read_lock();\nr0 = READ_ONCE(*y);\nif (r0 == 0) {\n\t" + b("x") + "\n}\nrcu_read_unlock();"
	add("1:r0=0 /\\ x=1", "WRITE_ONCE(*y, 1);\nsynchronize_rcu();\n"+a("x"), rcu)
	add("1:r0=0 /\\ x=1", "WRITE_ONCE(*y, 1);\n"+a("x"), rcu)
	add("1:r0=1 /\\ x=1", a("x")+"\nsynchronize_rcu();\nWRITE_ONCE(*y, 1);", "rcu_read_lock();\nr0 = READ_ONCE(*y);\n"+b("x")+"\nrcu_read_unlock();")
	add("1:r0=1 /\\ x=1", a("x")+"\nrcu_assign_pointer(*y, 1);", "rcu_read_lock();\nr0 = rcu_dereference(*y);\n"+b("x + (r0 & 0)")+"\nrcu_read_unlock();")
}

// listTest lays out a C test of the lists: each thread's statements, with
// x, y and z (and locks l and m where a thread takes them) as
// parameters, and the registers r0, r1 and r9, which the exists clause
// and locations name.
func listTest(name string, threads []string, exists string) string {
	return listTestWith(name, "", threads, exists, "int *x, int *y, int *z", []string{"spinlock_t *l", "spinlock_t *m"})
}

// listTestWith is listTest with an initial state (init, its entries;
// "" for all zero), the words of params, and each of extra (a lock, an
// srcu_struct) as a parameter of the threads that pass it to a call.
func listTestWith(name, init string, threads []string, exists, params string, extra []string) string {
	var b strings.Builder
	if init != "" {
		init += "\n"
	}
	fmt.Fprintf(&b, "C %s\n\n{\n%s}\n\n", name, init)
	var locs []string
	for _, p := range strings.Split(params, ", ") {
		locs = append(locs, strings.TrimPrefix(p[strings.LastIndex(p, " ")+1:], "*"))
	}
	for t, body := range threads {
		ps := params
		for _, e := range extra {
			n := e[strings.LastIndex(e, "*")+1:]
			if strings.Contains(body, "("+n+")") || strings.Contains(body, "("+n+",") {
				ps += ", " + e
			}
		}
		fmt.Fprintf(&b, "P%d(%s)\n{\n\tint r0;\n\tint r1;\n\tint r9;\n\n", t, ps)
		for _, l := range lines(body) {
			b.WriteString("\t" + l + "\n")
		}
		b.WriteString("}\n\n")
		locs = append(locs, fmt.Sprintf("%d:r0; %d:r1; %d:r9", t, t, t))
	}
	fmt.Fprintf(&b, "locations [%s]\nexists (%s)\n", strings.Join(locs, "; "), exists)
	return b.String()
}
