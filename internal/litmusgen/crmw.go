package litmusgen

import (
	"fmt"
	"strings"
)

// CRMW returns the seed-th of a fixed list of C tests, cycling through
// it: every kernel RMW form of rmwForms in every shape of rmwShapes. The
// random families draw an RMW beside another access of its word rarely,
// and what herd makes of an RMW shows there: a later read of the RMW's
// own write (dep ; rfi through the data dependency inside atomic_inc(),
// which the random test C-random-10124 found missing), a release
// sequence through it, a failed cmpxchg() that orders nothing, the
// smp_mb__{before,after}_atomic() fences around it, load buffering
// through its read.
func CRMW(seed int64) (name, text string) {
	f, sh := listIndex(seed, len(rmwForms), len(rmwShapes))
	name = fmt.Sprintf("C-rmw-%d", seed)
	return name, rmwShapes[sh].test(name, rmwForms[f])
}

// fromList gives the seed-th test of a list, cycling through it, named
// by format from the seed.
func fromList(list []func(name string) string, format string, seed int64) (name, text string) {
	n := int64(len(list))
	name = fmt.Sprintf(format, seed)
	return name, list[int((seed%n+n)%n)](name)
}

// listIndex maps a seed onto a list of every form in every shape,
// cycling through it: the form's index and the shape's.
func listIndex(seed int64, forms, shapes int) (form, shape int) {
	n := int64(forms * shapes)
	i := int((seed%n + n) % n)
	return i / shapes, i % shapes
}

// rmwForm is one RMW: its statement on word loc, where the shape's other
// thread writes seen (cmpxchg() compares with it, or with a value nobody
// writes where it is to fail; add_unless() likewise).
type rmwForm func(loc string, seen int) string

var rmwForms = func() []rmwForm {
	void := func(op string) rmwForm {
		return func(loc string, _ int) string { return fmt.Sprintf(op, loc) }
	}
	ret := func(op string) rmwForm {
		return func(loc string, _ int) string { return "r9 = " + fmt.Sprintf(op, loc) }
	}
	fs := []rmwForm{
		void("atomic_inc(%s);"), void("atomic_add(2, %s);"), void("atomic_sub(1, %s);"),
		void("atomic_or(2, %s);"), void("atomic_andnot(1, %s);"), void("atomic_xor(3, %s);"),
		ret("atomic_dec_and_test(%s);"), ret("atomic_add_negative(2, %s);"),
		func(loc string, seen int) string {
			return fmt.Sprintf("r9 = atomic_add_unless(%s, 2, %d);", loc, seen+7)
		},
		func(loc string, seen int) string { return fmt.Sprintf("r9 = atomic_add_unless(%s, 2, %d);", loc, seen) },
	}
	for _, o := range orders {
		fs = append(fs,
			ret("atomic_add_return"+o+"(2, %s);"), ret("atomic_fetch_add"+o+"(2, %s);"),
			ret("atomic_fetch_dec"+o+"(%s);"), ret("xchg"+o+"(%s, 4);"),
			func(loc string, seen int) string { return fmt.Sprintf("r9 = cmpxchg%s(%s, %d, 4);", o, loc, seen) },
			func(loc string, seen int) string { return fmt.Sprintf("r9 = cmpxchg%s(%s, %d, 4);", o, loc, seen+7) },
		)
	}
	return fs
}()

// rmwShape lays out a test around one RMW: each thread's statements
// (the RMW's thread calls rmw), and the exists clause.
type rmwShape struct {
	threads func(rmw rmwForm) [][]string
	exists  string
}

// test writes the shape with form as its RMW.
func (s rmwShape) test(name string, form rmwForm) string {
	var bodies []string
	for _, lines := range s.threads(form) {
		bodies = append(bodies, strings.Join(lines, "\n"))
	}
	return listTest(name, bodies, s.exists)
}

var rmwShapes = func() []rmwShape {
	var ss []rmwShape
	// MP whose reader makes the RMW of the flag first, then reads on
	writers := []string{"smp_store_release(x, 5);", "smp_wmb();\nWRITE_ONCE(*x, 5);", "smp_mb();\nWRITE_ONCE(*x, 5);"}
	readers := []string{
		"r0 = READ_ONCE(*x);\nr1 = READ_ONCE(*y);",
		"r0 = smp_load_acquire(x);\nr1 = READ_ONCE(*y);",
		"r0 = READ_ONCE(*x);\nr1 = READ_ONCE(*(y + (r0 & 0)));",
		"r0 = READ_ONCE(*x);\nr1 = READ_ONCE(*(y + (r9 & 0)));",
		"r0 = READ_ONCE(*x);\nif (r9 == 5) { r1 = READ_ONCE(*y); } else { r1 = READ_ONCE(*y); }",
		"r0 = READ_ONCE(*x);\nsmp_rmb();\nr1 = READ_ONCE(*y);",
		"r0 = *x;\nr1 = READ_ONCE(*y);",
	}
	for _, w := range writers {
		for _, r := range readers {
			ss = append(ss, rmwShape{threads: func(rmw rmwForm) [][]string {
				return [][]string{lines("WRITE_ONCE(*y, 1);\n" + w), lines(rmw("x", 5) + "\n" + r)}
			}, exists: "1:r1=0"})
		}
	}
	// a release sequence through another CPU's RMW
	ss = append(ss, rmwShape{threads: func(rmw rmwForm) [][]string {
		return [][]string{lines("WRITE_ONCE(*y, 1);\nsmp_store_release(x, 5);"), {rmw("x", 5)},
			lines("r0 = smp_load_acquire(x);\nr1 = READ_ONCE(*y);")}
	}, exists: "~(2:r0=5) /\\ ~(2:r0=0) /\\ 2:r1=0"})
	// the RMW of an unrelated word between two accesses, with the
	// smp_mb__{before,after}_atomic() fences or not
	for _, f := range [][2]string{{"", ""}, {"smp_mb__before_atomic();\n", ""}, {"", "\nsmp_mb__after_atomic();"}, {"smp_mb__before_atomic();\n", "\nsmp_mb__after_atomic();"}} {
		mid := func(rmw rmwForm) string { return f[0] + rmw("z", 0) + f[1] }
		ss = append(ss,
			rmwShape{threads: func(rmw rmwForm) [][]string { // SB
				return [][]string{lines("WRITE_ONCE(*x, 1);\n" + mid(rmw) + "\nr0 = READ_ONCE(*y);"),
					lines("WRITE_ONCE(*y, 1);\nsmp_mb();\nr0 = READ_ONCE(*x);")}
			}, exists: "0:r0=0 /\\ 1:r0=0"},
			rmwShape{threads: func(rmw rmwForm) [][]string { // MP, on the writer's side
				return [][]string{lines("WRITE_ONCE(*y, 1);\n" + mid(rmw) + "\nWRITE_ONCE(*x, 1);"),
					lines("r0 = READ_ONCE(*x);\nsmp_rmb();\nr1 = READ_ONCE(*y);")}
			}, exists: "1:r0=1 /\\ 1:r1=0"},
			rmwShape{threads: func(rmw rmwForm) [][]string { // MP, on the reader's side
				return [][]string{lines("WRITE_ONCE(*y, 1);\nsmp_wmb();\nWRITE_ONCE(*x, 1);"),
					lines("r0 = READ_ONCE(*x);\n" + mid(rmw) + "\nr1 = READ_ONCE(*y);")}
			}, exists: "1:r0=1 /\\ 1:r1=0"})
	}
	// load buffering through the RMW's read, and S through its write
	ss = append(ss,
		rmwShape{threads: func(rmw rmwForm) [][]string {
			return [][]string{lines(rmw("x", 5) + "\nWRITE_ONCE(*y, 1);"), lines("r0 = READ_ONCE(*y);\nWRITE_ONCE(*x, 5);")}
		}, exists: "1:r0=1 /\\ ~(0:r9=0)"},
		rmwShape{threads: func(rmw rmwForm) [][]string {
			return [][]string{lines(rmw("x", 5) + "\nWRITE_ONCE(*y, r9 + 1);"), lines("r0 = READ_ONCE(*y);\nWRITE_ONCE(*x, r0 + 4);")}
		}, exists: "1:r0=6"},
		rmwShape{threads: func(rmw rmwForm) [][]string {
			return [][]string{lines("WRITE_ONCE(*y, 2);\nsmp_wmb();\nWRITE_ONCE(*x, 5);"),
				lines(rmw("x", 5) + "\nr0 = READ_ONCE(*x);\nWRITE_ONCE(*y, 1 + (r0 & 0));")}
		}, exists: "y=2 /\\ ~(1:r0=0)"})
	return ss
}()

// lines splits a block of statements.
func lines(s string) []string { return strings.Split(s, "\n") }
