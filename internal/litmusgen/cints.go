package litmusgen

import (
	"fmt"
	"strings"
)

// CInts returns the seed-th of a fixed list of one-thread C tests,
// cycling through it: each operator herd's C has (division too), and
// each kernel atomic that computes, on pairs of int values at the edges
// (0, 1, -1, and the largest and smallest ints). herd's C values are
// 32-bit ints whose arithmetic wraps, where mmuvm's words are 64 bits:
// the front end cuts each result back (litmus/cint.go), and atomic_t's
// operations wrap (mmu/weak.go). The operands come from memory, since
// herd's C has no unary minus to write a negative constant with.
func CInts(seed int64) (name, text string) {
	return fromList(intTests, "C-int-%d", seed)
}

var intEdges = []string{"0", "1", "-1", "2147483647", "-2147483648"}

// intOps are herd's C binary operators (it parses no %, <<, >>, &&, ||,
// ! or ~).
var intOps = []string{"+", "-", "*", "&", "|", "^", "<", ">", "<=", ">=", "==", "!=", "/"}

// intAtomics are the atomic_t operations that compute, each a statement
// on x with the operand r1 where it takes one.
var intAtomics = []string{
	"atomic_add(r1, x);", "atomic_sub(r1, x);", "atomic_and(r1, x);", "atomic_or(r1, x);", "atomic_xor(r1, x);",
	"atomic_andnot(r1, x);", "atomic_inc(x);", "atomic_dec(x);",
	"r9 = atomic_add_return(r1, x);", "r9 = atomic_sub_return_relaxed(r1, x);", "r9 = atomic_inc_return_acquire(x);",
	"r9 = atomic_dec_return_release(x);", "r9 = atomic_fetch_add(r1, x);", "r9 = atomic_fetch_sub_relaxed(r1, x);",
	"r9 = atomic_fetch_inc(x);", "r9 = atomic_fetch_dec_acquire(x);", "r9 = atomic_fetch_andnot_release(r1, x);",
	"r9 = atomic_dec_and_test(x);", "r9 = atomic_inc_and_test(x);", "r9 = atomic_sub_and_test(r1, x);",
	"r9 = atomic_add_negative(r1, x);", "r9 = atomic_add_unless(x, r1, 0);", "r9 = atomic_add_unless(x, r1, -1);",
}

var intTests = func() []func(name string) string {
	var ts []func(string) string
	for _, op := range intOps {
		for _, a := range intEdges {
			for _, b := range intEdges {
				if op == "/" && b == "0" {
					continue // herd fails (Division_by_zero), mmuvm reports the error
				}
				body := fmt.Sprintf("r0 = READ_ONCE(*x);\nr1 = READ_ONCE(*y);\nr9 = r0 %s r1;\nWRITE_ONCE(*z, r9);", op)
				ts = append(ts, func(name string) string { return intTest(name, a, b, body) })
			}
		}
	}
	for _, at := range intAtomics {
		operands := intEdges
		if !strings.Contains(at, "r1") {
			operands = []string{"0"}
		}
		for _, a := range intEdges {
			for _, b := range operands {
				body := "r1 = READ_ONCE(*y);\n" + at + "\nr0 = atomic_read(x);"
				ts = append(ts, func(name string) string { return intTest(name, a, b, body) })
			}
		}
	}
	return ts
}()

// intTest lays out one test: x holds a, y holds b, and the body runs on
// them; the final state shows every word and register.
func intTest(name, a, b, body string) string {
	init := fmt.Sprintf("x=%s; y=%s;", a, b)
	return listTestWith(name, init, []string{body}, "0:r0=0", "atomic_t *x, int *y, int *z", nil)
}
