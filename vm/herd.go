package vm

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// WriteHerd prints a result as herd7 prints a test (`mmuasm check --format
// herd`), so that logs of both compare with herd's tools: the test's kind,
// the final states in herd's notation ([x] for memory), Ok or No, the
// witness counts, the condition, the observation, the bounds hit (not
// herd's) and the time.
func WriteHerd(w io.Writer, prog *Program, r *Result) {
	kind := map[string]string{"exists": "Allowed", "~exists": "Forbidden", "forall": "Required"}[r.Condition]
	if kind == "" {
		kind = "Allowed"
	}
	name := herdName(r.Test)
	fmt.Fprintf(w, "Test %s %s\n", name, kind)
	fmt.Fprintf(w, "States %d\n", len(r.FinalStates))
	for _, s := range r.FinalStates {
		fmt.Fprintln(w, herdState(prog, s.Values))
	}
	ok := "No"
	if r.Validated {
		ok = "Ok"
	}
	fmt.Fprintln(w, ok)
	fmt.Fprintf(w, "Witnesses\nPositive: %d Negative: %d\n", r.Positive, r.Negative)
	for _, f := range r.Flags {
		fmt.Fprintf(w, "Flag %s\n", f)
	}
	if r.Condition != "" {
		fmt.Fprintf(w, "Condition %s\n", herdCondition(prog))
		fmt.Fprintf(w, "Observation %s %s %d %d\n", name, r.Observation, r.Positive, r.Negative)
	}
	// herd's log has no word for an incomplete search: name the bounds,
	// so that an "Ok" drawn from part of the executions is not a proof
	for _, b := range r.Bounds {
		fmt.Fprintf(w, "Bound hit: %s\n", b)
	}
	fmt.Fprintf(w, "Time %s %.2f\n\n", name, r.Elapsed.Seconds())
}

// herdName is a test name as one herd word: herd's tools split its lines
// at spaces, so a name with spaces would shift every field after it.
func herdName(name string) string {
	name = strings.Join(strings.Fields(Printable(name)), "_")
	if name == "" {
		return "_"
	}
	return name
}

// herdState writes "x=2; 0:r0=1" as herd does: "0:r0=1; [x]=2;", in
// herd's order (herdKeyCompare), each key and value as herd writes it.
func herdState(prog *Program, values string) string {
	var kvs [][2]string
	for _, kv := range strings.Split(values, "; ") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			kvs = append(kvs, [2]string{k, v})
		}
	}
	slices.SortStableFunc(kvs, func(a, b [2]string) int { return herdKeyCompare(a[0], b[0]) })
	arrays := herdArrays(prog)
	unsigned := herdUnsigned(prog)
	var b strings.Builder
	for _, kv := range kvs {
		v := herdValue(arrays.address(kv[1]))
		if n, err := strconv.ParseUint(kv[1], 0, 64); err == nil && unsigned[kv[0]] {
			v = strconv.FormatUint(n, 10)
		}
		fmt.Fprintf(&b, "%s=%s; ", herdTerm(kv[0], arrays), v)
	}
	return strings.TrimSuffix(b.String(), " ")
}

// herdUnsigned gives the shared words whose view is a 64-bit unsigned
// type, whose values herd prints unsigned (a uint64_t's all ones is
// 18446744073709551615, an int64_t's -1).
func herdUnsigned(prog *Program) map[string]bool {
	out := map[string]bool{}
	for _, sh := range prog.Shared {
		if sh.View == (View{64, false}) {
			out[sh.Name] = true
		}
	}
	return out
}

// x8664Regs are the registers only X86_64 has, which herd prints in lower
// case (0:rax=1; an X86 test's 0:EAX=1 stays).
var x8664Regs = map[string]bool{"RAX": true, "RBX": true, "RCX": true, "RDX": true, "RSI": true, "RDI": true,
	"RBP": true, "RSP": true, "RIP": true, "CS": true, "R8": true, "R9": true, "R10": true, "R11": true, "R12": true, "R13": true, "R14": true, "R15": true}

// herdArraySet names the arrays of a translated litmus test, whose
// elements are the shared words v__0, v__1, ... (litmus/arrays.go).
type herdArraySet map[string]bool

func herdArrays(prog *Program) herdArraySet {
	set := herdArraySet{}
	for _, v := range prog.Shared {
		if base, ok := strings.CutSuffix(v.Name, "__0"); ok {
			set[base] = true
		}
	}
	return set
}

// address gives herd's name of the location at address name: an array's
// (its first element's, v__0) is the array's name.
func (s herdArraySet) address(name string) string {
	if base, ok := strings.CutSuffix(name, "__0"); ok && s[base] {
		return base
	}
	return name
}

// element gives herd's name of the array element named k (v[1] for
// v__1), or "".
func (s herdArraySet) element(k string) string {
	i := strings.LastIndex(k, "__")
	if i < 0 || !s[k[:i]] || digitRun(k[i+2:]) != len(k)-i-2 || len(k) == i+2 {
		return ""
	}
	return k[:i] + "[" + k[i+2:] + "]"
}

// herdKeyCompare orders a state's keys as herd prints them: a thread's
// registers ("0:r1") before memory, threads in number order, an asm
// test's registers in their number order (XZR first, X9 before X10), and
// other names as strings (a C test's r10 before r8, as herd has them).
func herdKeyCompare(a, b string) int {
	ta, na, ra := herdKey(a)
	tb, nb, rb := herdKey(b)
	if ra != rb {
		if ra {
			return -1
		}
		return 1
	}
	if ta != tb {
		return ta - tb
	}
	if za, zb := zeroReg(na), zeroReg(nb); za != zb { // herd lists XZR first
		if za {
			return -1
		}
		return 1
	}
	if asmReg(na) && asmReg(nb) {
		return naturalCompare(na, nb)
	}
	return strings.Compare(na, nb)
}

// asmReg tells whether name is an asm register with a number (X3, W10;
// not EAX).
func asmReg(name string) bool {
	return len(name) > 1 && (name[0] == 'X' || name[0] == 'W') && digitRun(name[1:]) == len(name)-1
}

func zeroReg(name string) bool { return name == "XZR" || name == "WZR" }

// herdKey splits "0:r1" into thread 0 and name r1 (reg true); a memory
// location is its name.
func herdKey(k string) (thread int, name string, reg bool) {
	t, n, ok := strings.Cut(k, ":")
	if !ok {
		return 0, k, false
	}
	i, err := strconv.Atoi(t)
	if err != nil {
		return 0, k, false
	}
	return i, n, true
}

// naturalCompare compares names with their digit runs as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			x, _ := strconv.ParseUint(a[:da], 10, 64)
			y, _ := strconv.ParseUint(b[:db], 10, 64)
			if x != y {
				return cmp.Compare(x, y)
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitRun is the length of the run of digits s starts with.
func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// herdValue writes a value as herd prints it: a number in decimal, signed
// where it is an int sign-extended to a word (herd's default type, and
// every value of a C test: 0xfffffffffffffffd is -3), unsigned otherwise
// (0xffffffff is 4294967295, as herd prints a uint32_t). herd prints a
// 64-bit value by its declared type, which the translation does not keep:
// a uint64_t's all ones is 18446744073709551615 there and -1 here, and an
// int64_t's -8589934591 is 18446744065119617025 here. An address is
// already its location's name.
func herdValue(v string) string {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		return v
	}
	if s := int64(n); s >= math.MinInt32 && s <= math.MaxInt32 {
		return strconv.FormatInt(s, 10)
	}
	return strconv.FormatUint(n, 10)
}

// herdCondition is the script's final condition in herd's notation:
// `0:r0=1 /\ not ([x]=2) \/ not (...)`, with memory bracketed, an address by
// its location's name and values as herdValue writes them.
func herdCondition(prog *Program) string {
	f := prog.Final
	pos := prog.Procs[f.Proc].Pos
	line := prog.SourceLine(pos)
	_, cond, ok := strings.Cut(line, f.Kind.String())
	if !ok {
		return f.Kind.String()
	}
	cond = strings.TrimSpace(cond)
	for _, r := range [][2]string{{" && ", ` /\ `}, {" || ", ` \/ `}, {"!(", "not ("}} {
		cond = strings.ReplaceAll(cond, r[0], r[1])
	}
	arrays := herdArrays(prog)
	cond = herdCompareRE.ReplaceAllStringFunc(cond, func(c string) string {
		m := herdCompareRE.FindStringSubmatch(c)
		eq := herdTerm(m[1], arrays) + "=" + herdTerm(m[3], arrays)
		if m[2] == "!=" {
			return "not (" + eq + ")" // herd reads x<>0 as the negation of x=0
		}
		return eq
	})
	return f.Kind.String() + " " + cond
}

// herdCompareRE is one comparison of a condition the litmus translation
// writes (0:r0 == 1, x != &y, 0:r1 == 1:r1).
var herdCompareRE = regexp.MustCompile(`(&?[\w:]+|-\d+) (==|!=) (&?[\w:]+|-\d+)`)

// herdTerm writes a state's key or one side of a comparison in herd's
// notation: a register as it is (X86_64's in lower case), memory
// bracketed ([x]; an array element v[1] is not), an address (&x) by its
// location's name, a number as herdValue writes it.
func herdTerm(t string, arrays herdArraySet) string {
	switch {
	case strings.HasPrefix(t, "&"):
		return arrays.address(t[1:])
	case strings.Contains(t, ":"):
		if th, reg, _ := strings.Cut(t, ":"); x8664Regs[reg] {
			return th + ":" + strings.ToLower(reg)
		}
		return t
	case t[0] == '-' || t[0] >= '0' && t[0] <= '9':
		return herdValue(t)
	case arrays.element(t) != "":
		return arrays.element(t)
	}
	return "[" + t + "]"
}

// SourceLine is the text of the source line at pos ("" if unknown).
func (p *Program) SourceLine(pos Pos) string {
	if pos.File < 0 || int(pos.File) >= len(p.Files) {
		return ""
	}
	lines := strings.Split(p.Files[pos.File].Text, "\n")
	if pos.Line < 1 || int(pos.Line) > len(lines) {
		return ""
	}
	return lines[pos.Line-1]
}
