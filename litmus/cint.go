package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

// herd's C front end computes in 32 bits: every value of a C test is an
// int (its constants are read by Int32.of_string, `long` and `atomic_t`
// alike), and arithmetic wraps. mmuvm's words are 64 bits, so the
// translation keeps each value of a C test sign-extended from its low 32
// bits: constants are read as ints here, and the operators that can leave
// the int range (+, -, *, << and negation) have their result cut back
// (int32Expr). &, |, ^ and ~ of sign-extended values stay sign-extended,
// and a comparison's 0 or 1 is an int; the kernel's atomic_t operations do
// their arithmetic in 32 bits too (mmu/weak.go). Pointers are addresses,
// not ints, and are never cut.

// cInt reads a C integer literal (neg: under a minus sign) as herd reads
// it. A decimal literal must lie in the int range (herd fails on
// 2147483648); a hex or octal one may go up to 0xffffffff and stands for
// its 32 bits read as an int, so 0xffffffff is -1.
func cInt(text string, neg bool) (string, error) {
	s := strings.TrimRight(text, "uUlL")
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return "", fmt.Errorf("bad number %s", text)
	}
	decimal := s == "0" || !strings.HasPrefix(s, "0")
	limit := uint64(1<<31 - 1)
	switch {
	case !decimal:
		limit = 1<<32 - 1
	case neg:
		limit = 1 << 31
	}
	if v > limit {
		sign := ""
		if neg {
			sign = "-"
		}
		return "", fmt.Errorf("%s%s does not fit in an int: the values of a C litmus test are 32-bit ints, as herd reads them", sign, text)
	}
	n := int64(int32(uint32(v)))
	if neg {
		n = int64(int32(-n))
	}
	return strconv.FormatInt(n, 10), nil
}

// literal reads an integer literal of the test's language: an int in a C
// test (cInt), a 64-bit word in an asm one.
func (u *unit) literal(text string, neg bool) (string, error) {
	if u.arch == "C" {
		return cInt(text, neg)
	}
	v, err := cNumber(text)
	if err != nil {
		return "", fmt.Errorf("bad number %s", text)
	}
	if neg {
		v = "-" + v
	}
	return v, nil
}

// int32Ops are the C operators whose result can leave the int range.
var int32Ops = map[string]bool{"+": true, "-": true, "*": true, "<<": true}

// int32Expr cuts a value back to an int: its low 32 bits, sign-extended.
// The result has the precedence of a binary minus.
func int32Expr(v string) string { return "((" + v + int32Cut }

// int32Cut is how int32Expr's text ends.
const int32Cut = ") & 0xffffffff ^ 0x80000000) - 0x80000000"

// divide translates a / b as herd's C computes it: the int quotient,
// truncated toward zero (Int32.div; INT_MIN / -1 wraps to INT_MIN). Words
// divide unsigned, so the magnitudes are divided and the sign put back,
// each operand written three times: they must read no memory. A division
// by zero stops the run with an error, as it stops herd.
func (e *cemitter) divide(x *cexpr) (string, int, error) {
	var ops [2]string
	for i, a := range x.args {
		if e.isPointer(a) {
			return "", 0, e.errf(x.tok, "pointer arithmetic is not supported")
		}
		if !pureExpr(a) {
			return "", 0, e.errf(a.tok, "an operand of / that reads memory is not supported: read it into a register first")
		}
		v, _, err := e.value(a)
		if err != nil {
			return "", 0, err
		}
		ops[i] = "(" + v + ")"
	}
	neg := func(v string) string { return "(" + v + " >> 63)" } // 1 if v < 0
	abs := func(v string) string { return "((" + v + " ^ (0 - " + neg(v) + ")) + " + neg(v) + ")" }
	sign := neg("(" + ops[0] + " ^ " + ops[1] + ")")
	q := abs(ops[0]) + " / " + abs(ops[1])
	return int32Expr("((" + q + ") ^ (0 - " + sign + ")) + " + sign), binPrec["-"], nil
}
