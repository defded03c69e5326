package litmusgen

// CRCU returns the seed-th of a fixed list of C tests, cycling through
// it: each kind of grace period of rcuWaits against each kind of
// read-side section of rcuReaders, in the shapes of the RCU guarantee
// (the section's two accesses against the writer's two around its grace
// period, either way round), and two writers' grace periods against two
// readers' sections around a ring (the LKMM's rule that a cycle needs at
// least as many grace periods as sections). SRCU sections guard only
// against grace periods of their own srcu_struct, which the list puts
// beside and against each other.
func CRCU(seed int64) (name, text string) {
	return fromList(rcuTests, "C-rcu-%d", seed)
}

// rcuWaits are the ways a writer waits for readers.
var rcuWaits = []string{"synchronize_rcu();", "synchronize_rcu_expedited();", "synchronize_srcu(s);", "synchronize_srcu(s2);", "smp_mb();"}

// rcuReaders wrap a reader's statements in a read-side section.
var rcuReaders = []func(body string) string{
	func(b string) string { return "rcu_read_lock();\n" + b + "\nrcu_read_unlock();" },
	func(b string) string { return "r9 = srcu_read_lock(s);\n" + b + "\nsrcu_read_unlock(s, r9);" },
	func(b string) string { return "r9 = srcu_read_lock(s2);\n" + b + "\nsrcu_read_unlock(s2, r9);" },
	func(b string) string { return "r9 = srcu_down_read(s);\n" + b + "\nsrcu_up_read(s, r9);" },
	func(b string) string {
		return "rcu_read_lock();\nr9 = srcu_read_lock(s);\n" + b + "\nsrcu_read_unlock(s, r9);\nrcu_read_unlock();"
	},
	func(b string) string { return b },
}

var rcuTests = func() []func(name string) string {
	var ts []func(string) string
	add := func(exists string, threads ...string) {
		ts = append(ts, func(name string) string { return rcuListTest(name, threads, exists) })
	}
	for _, w := range rcuWaits {
		for _, r := range rcuReaders {
			// the section sees the first write, so must see the second's
			// predecessor: the writer's first access precedes its wait
			add("1:r0=1 /\\ 1:r1=0", "WRITE_ONCE(*y, 1);\n"+w+"\nWRITE_ONCE(*x, 1);", r("r0 = READ_ONCE(*x);\nr1 = READ_ONCE(*y);"))
			add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\n"+w+"\nWRITE_ONCE(*y, 1);", r("r0 = READ_ONCE(*y);\nWRITE_ONCE(*x, 1);"))
			add("0:r0=0 /\\ 1:r0=0", "WRITE_ONCE(*x, 1);\n"+w+"\nr0 = READ_ONCE(*y);", r("WRITE_ONCE(*y, 1);\nr0 = READ_ONCE(*x);"))
			for _, w2 := range rcuWaits[:3] {
				// two grace periods against this section and one RCU
				// section around a four-CPU ring
				add("0:r0=1 /\\ 1:r0=1 /\\ 2:r0=1 /\\ 3:r0=1",
					"r0 = READ_ONCE(*a);\n"+w+"\nWRITE_ONCE(*b, 1);",
					r("r0 = READ_ONCE(*b);\nWRITE_ONCE(*c, 1);"),
					"r0 = READ_ONCE(*c);\n"+w2+"\nWRITE_ONCE(*d, 1);",
					"rcu_read_lock();\nr0 = READ_ONCE(*d);\nWRITE_ONCE(*a, 1);\nrcu_read_unlock();")
			}
		}
	}
	return ts
}()

// rcuListTest is listTest with the words a to d too, and the srcu_structs
// s and s2 where a thread uses them.
func rcuListTest(name string, threads []string, exists string) string {
	return listTestWith(name, "", threads, exists, "int *x, int *y, int *a, int *b, int *c, int *d",
		[]string{"struct srcu_struct *s", "struct srcu_struct *s2"})
}
