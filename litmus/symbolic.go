package litmus

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Symbolic registers. herd lets an AArch64 test name a register %name
// (X%name, W%name) and allocates each a real one (lib/symbReg.ml
// allocate_regs): per thread, the names its code uses, in alphabetical
// order, take the lowest registers of X0..X29 that neither its code nor
// the test's initial state, condition or locations name for that thread.
// An initial value `%name=x` goes to the register of the one thread
// whose code uses the name (two such threads: herd's "ambiguous symbolic
// register"). telechat's compiled tests (A253) are written so.

// a64SymRE finds a symbolic register in an operand: X%name, W%name or
// %name (an X register), not inside a longer word.
var a64SymRE = regexp.MustCompile(`(^|[^A-Za-z0-9_])([XxWw]?)%([A-Za-z_][A-Za-z0-9_]*)`)

// a64RegNumRE finds the real registers an operand names.
var a64RegNumRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9_%])[XxWw]([0-9]+)\b`)

// a64ThreadRegRE finds N:Xn and N:Wn in the trailer.
var a64ThreadRegRE = regexp.MustCompile(`\b([0-9]+):[XxWw]([0-9]+)\b`)

// a64SymRegs is how many registers herd allocates from (X30 is the link
// register).
const a64SymRegs = 30

// allocSymbolic replaces the threads' symbolic registers with real ones,
// as herd allocates them, and gives the initial values of symbolic
// registers to those. trailer is the test's text after the code.
func (u *unit) allocSymbolic(threads [][]asmLine, trailer string) error {
	syms := make([][]string, len(threads))
	users := map[string][]int{}
	for p, cells := range threads {
		for _, c := range cells {
			for _, m := range a64SymRE.FindAllStringSubmatch(c.Text, -1) {
				if !slices.Contains(syms[p], m[3]) {
					syms[p] = append(syms[p], m[3])
					users[m[3]] = append(users[m[3]], p)
				}
			}
		}
		slices.Sort(syms[p])
	}
	if len(users) == 0 && !u.hasSymbolicInit() {
		return nil
	}
	for _, it := range u.inits {
		if name, ok := strings.CutPrefix(it.name, "%"); ok && it.cpu < 0 && len(users[name]) > 1 {
			return u.errf(it.tok, "ambiguous symbolic register %%%s: threads %d and %d use it", name, users[name][0], users[name][1])
		}
	}
	for p, cells := range threads {
		regs, err := u.allocThread(p, cells, syms[p], trailer)
		if err != nil {
			return err
		}
		for i := range cells {
			cells[i].Text = a64SymRE.ReplaceAllStringFunc(cells[i].Text, func(s string) string {
				m := a64SymRE.FindStringSubmatch(s)
				kind := "X"
				if strings.EqualFold(m[2], "W") {
					kind = "W"
				}
				return m[1] + kind + strconv.Itoa(regs[m[3]])
			})
		}
		for _, it := range u.inits {
			if name, ok := strings.CutPrefix(it.name, "%"); ok && it.cpu < 0 && slices.Contains(syms[p], name) {
				it.cpu, it.name = p, "X"+strconv.Itoa(regs[name])
			}
		}
	}
	// an initial value of a name no code uses sets no register
	u.inits = slices.DeleteFunc(u.inits, func(it *initItem) bool { return strings.HasPrefix(it.name, "%") })
	return nil
}

func (u *unit) hasSymbolicInit() bool {
	return slices.ContainsFunc(u.inits, func(it *initItem) bool { return strings.HasPrefix(it.name, "%") })
}

// allocThread gives thread p's symbolic registers names, in order, the
// lowest registers it does not otherwise name.
func (u *unit) allocThread(p int, cells []asmLine, names []string, trailer string) (map[string]int, error) {
	used := map[int]bool{}
	for _, c := range cells {
		for _, m := range a64RegNumRE.FindAllStringSubmatch(c.Text, -1) {
			n, _ := strconv.Atoi(m[1])
			used[n] = true
		}
	}
	for _, it := range u.inits {
		if r, ok := a64Reg(it.name); ok && it.cpu == p && !r.zero {
			n, _ := strconv.Atoi(strings.TrimLeft(r.name, "XW"))
			used[n] = true
		}
	}
	for _, m := range a64ThreadRegRE.FindAllStringSubmatch(trailer, -1) {
		if q, _ := strconv.Atoi(m[1]); q == p {
			n, _ := strconv.Atoi(m[2])
			used[n] = true
		}
	}
	regs := map[string]int{}
	next := 0
	for _, name := range names {
		for next < a64SymRegs && used[next] {
			next++
		}
		if next == a64SymRegs {
			return nil, u.errf(cells[0].tok(), "not enough registers for thread %d's symbolic registers", p)
		}
		regs[name] = next
		next++
	}
	return regs, nil
}

// tok is the cell's position as a token, for errors.
func (c asmLine) tok() token { return token{line: c.Line, col: c.Col} }
