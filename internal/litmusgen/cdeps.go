package litmusgen

// CDeps returns the seed-th of a fixed list of C tests, cycling through
// it: a read's register carried by each expression of depExprs into an
// address, a value written or a branch, in MP, LB and S shapes, with
// marked and plain accesses. herd's dependencies are syntactic (`r0 & 0`
// is an address dependency on r0), while what an event needs in order to
// exist is a matter of values: the incremental search names no read in a
// value no read can change (`r0 - r0`), and keeps it in one that a read
// can (`(r0 + 1) - r0`, `r0 & 6` on small values). Each expression here
// is one such case, on both sides of that line.
func CDeps(seed int64) (name, text string) {
	return fromList(depTests, "C-dep-%d", seed)
}

// depExprs are expressions of r0: zero whatever r0 holds (the first
// group, fit for an address offset), then ones whose value follows r0.
var depExprs = struct{ zero, varying []string }{
	zero: []string{"r0 & 0", "r0 - r0", "r0 ^ r0", "r0 * 0", "(r0 + 1) - r0 - 1", "(r0 & 0) + (r0 | 0) - r0",
		"(r0 != r0)", "(r0 == r0) - 1", "r9 - r9 + (r0 & 0)"},
	varying: []string{"r0", "r0 + 1", "r0 & 1", "r0 | 2", "1 - r0", "r0 & 6", "r0 * r0", "(r0 == 1)"},
}

var depTests = func() []func(name string) string {
	var ts []func(string) string
	add := func(exists string, threads ...string) {
		ts = append(ts, func(name string) string { return listTest(name, threads, exists) })
	}
	mpWriter := "WRITE_ONCE(*x, 1);\nsmp_wmb();\nWRITE_ONCE(*y, 1);"
	for _, e := range depExprs.zero {
		// an address dependency, to a marked and to a plain read
		add("1:r0=1 /\\ 1:r1=0", mpWriter, "r0 = READ_ONCE(*y);\nr1 = READ_ONCE(*(x + ("+e+")));")
		add("1:r0=1 /\\ 1:r1=0", mpWriter, "r0 = READ_ONCE(*y);\nr1 = *(x + ("+e+"));")
		// load buffering through an address dependency to a write
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*(y + ("+e+")), 1);", "r0 = READ_ONCE(*y);\nsmp_mb();\nWRITE_ONCE(*x, 1);")
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\n*(y + ("+e+")) = 1;", "r0 = READ_ONCE(*y);\nsmp_mb();\nWRITE_ONCE(*x, 1);")
	}
	for _, e := range append(append([]string{}, depExprs.zero...), depExprs.varying...) {
		// load buffering through a data dependency, and through a branch
		// on the value whichever way it goes, marked and plain
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*y, ("+e+") * 0 + 1);", "r0 = READ_ONCE(*y);\nsmp_mb();\nWRITE_ONCE(*x, 1);")
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\nif ("+e+" == 7) {\n\tWRITE_ONCE(*y, 1);\n} else {\n\tWRITE_ONCE(*y, 1);\n}", "r0 = READ_ONCE(*y);\nsmp_mb();\nWRITE_ONCE(*x, 1);")
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\n*y = ("+e+") * 0 + 1;", "r0 = READ_ONCE(*y);\nsmp_mb();\nWRITE_ONCE(*x, 1);")
		// the value carried on: S, and a cycle of values that herd
		// leaves out of thin air unless the expression is constant
		add("1:r0=1 /\\ x=2", "WRITE_ONCE(*x, 2);\nsmp_wmb();\nWRITE_ONCE(*y, 1);", "r0 = READ_ONCE(*y);\nWRITE_ONCE(*x, "+e+");")
		add("0:r0=1 /\\ 1:r0=1", "r0 = READ_ONCE(*x);\nWRITE_ONCE(*y, "+e+");", "r0 = READ_ONCE(*y);\nWRITE_ONCE(*x, r0);")
		// a branch on the value, taken or not
		add("1:r0=1 /\\ 1:r1=0", mpWriter, "r0 = READ_ONCE(*y);\nif ("+e+") {\n\tr1 = READ_ONCE(*x);\n}\nr9 = 1;")
	}
	return ts
}()
