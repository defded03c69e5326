package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64Pairs returns the seed-th of a fixed list of AArch64 tests,
// cycling through it: each of the six two-CPU shapes (MP, SB, LB, S, R,
// 2+2W) with every pairing of the ways armOrders orders each CPU's two
// accesses: nothing, each DMB and ISB, an acquire (LDAR, LDAPR) or a
// release, an address, data or control dependency, a control dependency
// with an ISB, a release then an acquire. diy7 writes such families one
// relation at a time; here every pairing meets every shape, as the
// random family rarely has it.
func AArch64Pairs(seed int64) (name, text string) {
	return fromList(armPairTests, "A-pair-%d", seed)
}

// armAccess is one access of a shape: a write of val, or a read into the
// register its CPU's reads take next.
type armAccess struct {
	write bool
	loc   string // the register holding its address
	val   int
}

// armOrder makes a CPU's code for two accesses a then b, ordered one
// way; ok is false where the way does not apply (a dependency from a
// write). reg names a read's register; label is the CPU's label prefix.
type armOrder func(a, b armAccess, reg func() string, label string) (code []string, ok bool)

// armStore and armLoad write an access with the given instruction.
func armStore(op string, a armAccess, src string) []string {
	return []string{fmt.Sprintf("MOV %s,#%d", src, a.val), fmt.Sprintf("%s %s,[%s]", op, src, a.loc)}
}

// armPlain is an access by LDR or STR (addr is its address operand).
func armPlain(a armAccess, reg func() string, addr string) []string {
	if a.write {
		return []string{fmt.Sprintf("MOV W20,#%d", a.val), fmt.Sprintf("STR W20,%s", addr)}
	}
	return []string{fmt.Sprintf("LDR %s,%s", reg(), addr)}
}

var armOrders = func() []armOrder {
	plain := func(a armAccess, reg func() string) []string { return armPlain(a, reg, "["+a.loc+"]") }
	between := func(mid ...string) armOrder {
		return func(a, b armAccess, reg func() string, _ string) ([]string, bool) {
			return append(append(plain(a, reg), mid...), plain(b, reg)...), true
		}
	}
	// fromRead makes an order that needs a to be a read: then of the
	// register a read into
	fromRead := func(then func(r string, b armAccess, reg func() string, label string) []string) armOrder {
		return func(a, b armAccess, reg func() string, label string) ([]string, bool) {
			if a.write {
				return nil, false
			}
			r := reg()
			return append([]string{fmt.Sprintf("LDR %s,[%s]", r, a.loc)}, then(r, b, reg, label)...), true
		}
	}
	return []armOrder{
		between(),
		between("DMB SY"),
		between("DMB ISHLD"),
		between("DMB ISHST"),
		between("ISB"),
		func(a, b armAccess, reg func() string, _ string) ([]string, bool) { // an acquire
			if a.write {
				return nil, false
			}
			return append([]string{fmt.Sprintf("LDAR %s,[%s]", reg(), a.loc)}, plain(b, reg)...), true
		},
		func(a, b armAccess, reg func() string, _ string) ([]string, bool) { // a weaker acquire
			if a.write {
				return nil, false
			}
			return append([]string{fmt.Sprintf("LDAPR %s,[%s]", reg(), a.loc)}, plain(b, reg)...), true
		},
		func(a, b armAccess, reg func() string, _ string) ([]string, bool) { // a release
			if !b.write {
				return nil, false
			}
			return append(plain(a, reg), armStore("STLR", b, "W21")...), true
		},
		func(a, b armAccess, reg func() string, _ string) ([]string, bool) { // release, then acquire
			if !a.write || b.write {
				return nil, false
			}
			return append(armStore("STLR", a, "W21"), fmt.Sprintf("LDAR %s,[%s]", reg(), b.loc)), true
		},
		fromRead(func(r string, b armAccess, reg func() string, _ string) []string { // address
			return append([]string{"EOR W22," + r + "," + r}, armPlain(b, reg, "["+b.loc+",W22,SXTW]")...)
		}),
		fromRead(func(r string, b armAccess, reg func() string, _ string) []string { // data
			if !b.write {
				return nil
			}
			return []string{"EOR W22," + r + "," + r, fmt.Sprintf("ADD W22,W22,#%d", b.val), fmt.Sprintf("STR W22,[%s]", b.loc)}
		}),
		fromRead(func(r string, b armAccess, reg func() string, label string) []string { // control
			return append([]string{"CBNZ " + r + "," + label, label + ":"}, plain(b, reg)...)
		}),
		fromRead(func(r string, b armAccess, reg func() string, label string) []string { // control and ISB
			return append([]string{"CBNZ " + r + "," + label, label + ":", "ISB"}, plain(b, reg)...)
		}),
	}
}()

// armPairShapes are the two-CPU shapes: each CPU's two accesses, and the
// exists clause of the weak outcome (a CPU's reads go to W0, then W1).
var armPairShapes = []struct {
	cpu    [2][2]armAccess
	exists string
}{
	{[2][2]armAccess{{{true, "X10", 1}, {true, "X11", 1}}, {{false, "X11", 0}, {false, "X10", 0}}}, "1:X0=1 /\\ 1:X1=0"}, // MP
	{[2][2]armAccess{{{true, "X10", 1}, {false, "X11", 0}}, {{true, "X11", 1}, {false, "X10", 0}}}, "0:X0=0 /\\ 1:X0=0"}, // SB
	{[2][2]armAccess{{{false, "X10", 0}, {true, "X11", 1}}, {{false, "X11", 0}, {true, "X10", 1}}}, "0:X0=1 /\\ 1:X0=1"}, // LB
	{[2][2]armAccess{{{true, "X10", 2}, {true, "X11", 1}}, {{false, "X11", 0}, {true, "X10", 1}}}, "1:X0=1 /\\ [x]=2"},   // S
	{[2][2]armAccess{{{true, "X10", 1}, {true, "X11", 1}}, {{true, "X11", 2}, {false, "X10", 0}}}, "[y]=2 /\\ 1:X0=0"},   // R
	{[2][2]armAccess{{{true, "X10", 1}, {true, "X11", 2}}, {{true, "X11", 1}, {true, "X10", 2}}}, "[x]=1 /\\ [y]=1"},     // 2+2W
}

var armPairTests = func() []func(name string) string {
	var ts []func(string) string
	for _, sh := range armPairShapes {
		for _, o0 := range armOrders {
			c0, ok0 := armCPU(o0, sh.cpu[0], 0)
			for _, o1 := range armOrders {
				c1, ok1 := armCPU(o1, sh.cpu[1], 1)
				if ok0 && ok1 {
					threads := [][]string{c0, c1}
					ts = append(ts, func(name string) string { return armListTest(name, threads, sh.exists) })
				}
			}
		}
	}
	return ts
}()

// armCPU writes CPU t's code for its two accesses, ordered by o.
func armCPU(o armOrder, acc [2]armAccess, t int) ([]string, bool) {
	n := 0
	reg := func() string {
		n++
		return fmt.Sprintf("W%d", n-1)
	}
	code, ok := o(acc[0], acc[1], reg, fmt.Sprintf("LC%d0", t))
	return code, ok && len(code) > 1
}

// armListTest lays out an AArch64 test of the lists: each thread holds
// x, y and z's addresses in X10, X11 and X12, and locations names every
// word and each thread's X0, X1 and X9.
func armListTest(name string, threads [][]string, exists string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "AArch64 %s\n{\n", name)
	var regs []string
	for t := range threads {
		fmt.Fprintf(&b, "%d:X10=x; %d:X11=y; %d:X12=z;\n", t, t, t)
		regs = append(regs, fmt.Sprintf("%d:X0; %d:X1; %d:X9", t, t, t))
	}
	b.WriteString("}\n")
	b.WriteString(columns(threads))
	fmt.Fprintf(&b, "locations [x; y; z; %s;]\nexists (%s)\n", strings.Join(regs, "; "), exists)
	return b.String()
}
