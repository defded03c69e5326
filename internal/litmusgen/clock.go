package litmusgen

// CLock returns the seed-th of a fixed list of C tests, cycling through
// it: two CPUs' pairs of marked accesses in each of the six two-CPU
// shapes (MP, SB, LB, S, R, 2+2W), each pair around or beside a lock
// section of one of lockStyles; then three CPUs passing an order through
// a lock (WRC, ISA2 and Z6.0 with the middle CPU's handover in every
// style of handovers). The random families draw lock sections at random
// places; this list puts one at every place a pair of accesses allows, so
// that each of the LKMM's lock rules (lock.cat's acquire and release, the
// unlock-lock order that only smp_mb__after_unlock_lock() makes full,
// spin_trylock()'s failure, spin_is_locked()) meets each shape.
func CLock(seed int64) (name, text string) {
	return fromList(lockTests, "C-lock-%d", seed)
}

// lockStyles are the ways a CPU places its two accesses a and b around a
// section of lock l (or m, a second lock).
var lockStyles = []func(a, b string) string{
	func(a, b string) string { return a + "\n" + b },
	func(a, b string) string { return "spin_lock(l);\n" + a + "\n" + b + "\nspin_unlock(l);" },
	func(a, b string) string { return a + "\nspin_lock(l);\nspin_unlock(l);\n" + b },
	func(a, b string) string { return "spin_lock(l);\n" + a + "\nspin_unlock(l);\n" + b },
	func(a, b string) string { return a + "\nspin_lock(l);\n" + b + "\nspin_unlock(l);" },
	func(a, b string) string {
		return "spin_lock(l);\nsmp_mb__after_spinlock();\n" + a + "\n" + b + "\nspin_unlock(l);"
	},
	func(a, b string) string {
		return "spin_lock(l);\n" + a + "\nspin_unlock(l);\nspin_lock(m);\nsmp_mb__after_unlock_lock();\n" + b + "\nspin_unlock(m);"
	},
	func(a, b string) string {
		return "r9 = spin_trylock(l);\nif (r9) {\n\t" + a + "\n\tspin_unlock(l);\n}\n" + b
	},
	func(a, b string) string { return a + "\nr9 = spin_is_locked(l);\n" + b },
}

// lockShapes are the two-CPU shapes: each CPU's two accesses, and the
// exists clause of the shape's weak outcome.
var lockShapes = []struct {
	cpu    [2][2]string
	exists string
}{
	{[2][2]string{{"WRITE_ONCE(*x, 1);", "WRITE_ONCE(*y, 1);"}, {"r0 = READ_ONCE(*y);", "r1 = READ_ONCE(*x);"}}, "1:r0=1 /\\ 1:r1=0"}, // MP
	{[2][2]string{{"WRITE_ONCE(*x, 1);", "r0 = READ_ONCE(*y);"}, {"WRITE_ONCE(*y, 1);", "r0 = READ_ONCE(*x);"}}, "0:r0=0 /\\ 1:r0=0"}, // SB
	{[2][2]string{{"r0 = READ_ONCE(*x);", "WRITE_ONCE(*y, 1);"}, {"r0 = READ_ONCE(*y);", "WRITE_ONCE(*x, 1);"}}, "0:r0=1 /\\ 1:r0=1"}, // LB
	{[2][2]string{{"WRITE_ONCE(*x, 2);", "WRITE_ONCE(*y, 1);"}, {"r0 = READ_ONCE(*y);", "WRITE_ONCE(*x, 1);"}}, "1:r0=1 /\\ x=2"},     // S
	{[2][2]string{{"WRITE_ONCE(*x, 1);", "WRITE_ONCE(*y, 1);"}, {"WRITE_ONCE(*y, 2);", "r0 = READ_ONCE(*x);"}}, "y=2 /\\ 1:r0=0"},     // R
	{[2][2]string{{"WRITE_ONCE(*x, 1);", "WRITE_ONCE(*y, 2);"}, {"WRITE_ONCE(*y, 1);", "WRITE_ONCE(*x, 2);"}}, "x=1 /\\ y=1"},         // 2+2W
}

// handovers are the ways the middle CPU of a three-CPU shape passes on
// what it read: its read a and write b in a section of l that the first
// CPU's write also takes, or a section it hands over to itself.
var handovers = []func(a, b string) string{
	func(a, b string) string { return "spin_lock(l);\n" + a + "\n" + b + "\nspin_unlock(l);" },
	func(a, b string) string {
		return "spin_lock(l);\nsmp_mb__after_unlock_lock();\n" + a + "\n" + b + "\nspin_unlock(l);"
	},
	func(a, b string) string { return "spin_lock(l);\n" + a + "\nspin_unlock(l);\n" + b },
	func(a, b string) string { return "spin_lock(l);\n" + a + "\nspin_unlock(l);\nsmp_mb();\n" + b },
}

var lockTests = func() []func(name string) string {
	var ts []func(string) string
	add := func(exists string, threads ...string) {
		ts = append(ts, func(name string) string { return listTest(name, threads, exists) })
	}
	for _, sh := range lockShapes {
		for _, s0 := range lockStyles {
			for _, s1 := range lockStyles {
				add(sh.exists, s0(sh.cpu[0][0], sh.cpu[0][1]), s1(sh.cpu[1][0], sh.cpu[1][1]))
			}
		}
	}
	first := "spin_lock(l);\nWRITE_ONCE(*x, 1);\nspin_unlock(l);"
	for _, h := range handovers {
		mid := h("r0 = READ_ONCE(*x);", "WRITE_ONCE(*y, 1);")
		add("1:r0=1 /\\ 2:r0=1 /\\ 2:r1=0", first, mid, "r0 = READ_ONCE(*y);\nsmp_rmb();\nr1 = READ_ONCE(*x);") // WRC, ISA2
		add("1:r0=1 /\\ 2:r0=1 /\\ 2:r1=0", first, mid, "r0 = READ_ONCE(*y);\nr1 = READ_ONCE(*(x + (r0 & 0)));")
		z6 := h("r0 = READ_ONCE(*x);", "WRITE_ONCE(*y, 1);")
		add("1:r0=1 /\\ y=2 /\\ 2:r0=0", first, z6, "WRITE_ONCE(*y, 2);\nsmp_mb();\nr0 = READ_ONCE(*x);") // Z6.0
		add("1:r1=0 /\\ 2:r0=0", first,
			h("r0 = READ_ONCE(*z);", "r1 = READ_ONCE(*y);"), "WRITE_ONCE(*y, 1);\nsmp_mb();\nr0 = READ_ONCE(*x);")
	}
	return ts
}()
