package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64Narrowed returns a random AArch64 test whose shared words are
// declared wider (64 or 32 bits, signed or not, or undeclared) than the
// one size, byte or halfword, every access of each makes: herd's cells
// outside its mixed-size variant, which a load reads cut to its size and
// a store replaces with its low bits. Initial values and stored values
// have bits above that size, so a translation that kept them, or cut
// them where herd does not, shows in the final states. The same seed
// gives the same test.
func AArch64Narrowed(seed int64) (name, text string) {
	g := &agen{base: newBase(seed)}
	name = fmt.Sprintf("A-narrowed-%d", seed)
	n := &narrowedGen{agen: g}
	decls := n.declare()
	threads := draw(g.threads(2, 2, 3), n.thread)
	var init strings.Builder
	init.WriteString("{\n" + decls + "\n")
	for t := range threads {
		for i, v := range g.vars {
			fmt.Fprintf(&init, "%d:X%d=%s; ", t, 10+i, v)
		}
		init.WriteString("\n")
	}
	init.WriteString("}\n")
	return name, g.asmTest("AArch64", name, init.String(), threads, "[%s]")
}

// narrowedGen draws a test of AArch64Narrowed: each word's access size.
type narrowedGen struct {
	*agen
	suffix []string // "B" or "H", per word
}

// narrowedTypes are the declarations drawn for a word ("" declares it
// by its initial value only: herd's int).
var narrowedTypes = []string{"uint64_t", "int64_t", "int32_t", "uint32_t", "int", ""}

// narrowedInits are the initial values drawn: bits above a byte and a
// halfword, negative, or none.
var narrowedInits = []string{"0", "0x1234", "-2", "0x18081", "-32768"}

// declare draws each word's type, initial value and access size.
func (n *narrowedGen) declare() string {
	var b strings.Builder
	for _, v := range n.vars {
		n.suffix = append(n.suffix, []string{"B", "H"}[n.rnd.Intn(2)])
		typ := narrowedTypes[n.rnd.Intn(len(narrowedTypes))]
		if typ != "" {
			typ += " "
		}
		fmt.Fprintf(&b, "%s%s=%s; ", typ, v, narrowedInits[n.rnd.Intn(len(narrowedInits))])
	}
	return b.String()
}

// thread writes thread t: two to four loads, stores, barriers and
// branches over one of them.
func (n *narrowedGen) thread(t int) []string {
	n.regs, n.code = 0, nil
	for i := 2 + n.rnd.Intn(3); i > 0; i-- {
		n.op(false)
	}
	for r := 0; r < n.regs; r++ {
		n.all = append(n.all, fmt.Sprintf("%d:X%d", t, r))
	}
	return n.code
}

func (n *narrowedGen) op(inBranch bool) {
	switch k := n.rnd.Intn(100); {
	case k < 35:
		n.store()
	case k < 75:
		n.load()
	case k < 88:
		n.emit("%s", []string{"DMB ISH", "DMB ISHLD", "DMB ISHST", "ISB"}[n.rnd.Intn(4)])
	case !inBranch && n.regs > 0:
		r := fmt.Sprintf("W%d", n.rnd.Intn(n.regs))
		l := fmt.Sprintf("L%d", n.label)
		n.label++
		n.emit("%s %s,%s", []string{"CBZ", "CBNZ"}[n.rnd.Intn(2)], r, l)
		n.op(true)
		n.emit("%s:", l)
	default:
		n.load()
	}
}

// store writes the word's next value, its top bit set or not, with bits
// above its access size (MOV takes only 16 bits, so a halfword's come
// by a shift): the stored cell keeps only the low ones, zero-extended.
func (n *narrowedGen) store() {
	i, v := n.pick()
	top := map[string]int{"B": 0x80, "H": 0x8000}[n.suffix[i]]
	low, m := n.value(v)+top*n.rnd.Intn(2), []int{0, 1, -1, 3}[n.rnd.Intn(4)]
	switch {
	case m == 0:
		n.emit("MOV W20,#%d", low)
	case n.suffix[i] == "B":
		n.emit("MOV W20,#%d", low+256*m)
	default:
		n.emit("MOV W20,#%d", m)
		n.emit("LSL W20,W20,#16")
		n.emit("MOV W21,#%d", low)
		n.emit("ADD W20,W20,W21")
	}
	n.emit("STR%s W20,[%s%s]", n.suffix[i], addr(i), n.offset())
}

// load writes a zero- or sign-extending load of the word's size, into a
// W or an X register.
func (n *narrowedGen) load() {
	i, _ := n.pick()
	off := n.offset()
	op := "LDR"
	if n.rnd.Intn(2) == 0 {
		op = "LDRS"
	}
	r := n.reg()
	if op == "LDRS" && n.rnd.Intn(2) == 0 {
		r = "X" + r[1:]
	}
	n.emit("%s%s %s,[%s%s]", op, n.suffix[i], r, addr(i), off)
}
