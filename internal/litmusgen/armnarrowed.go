package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64Narrowed returns a random AArch64 test whose shared words are
// each accessed with one size, byte, halfword or word (32 bits, through
// W registers), and declared wider (64 or 32 bits, signed or not, or
// undeclared; herd's cells outside its mixed-size variant, which a load
// reads cut to its size and a store replaces with its low bits) or, one
// in four, of that size, signed or not. Initial values and stored values
// have bits above that size or its top bit set, so a translation that
// kept them, or cut or extended them where herd does not, shows in the
// final states. Loads are plain (zero- or sign-extending), acquire or
// acquirePC, stores plain or release, and a load- and store-exclusive
// pair, each plain or ordered, makes an RMW. The same seed gives the same
// test.
func AArch64Narrowed(seed int64) (name, text string) {
	n := &narrowedGen{agen: &agen{base: newBase(seed)}}
	name = fmt.Sprintf("A-narrowed-%d", seed)
	decls := n.declare()
	threads := draw(n.threads(2, 2, 3), n.thread)
	return name, a64Layout(&n.base, name, decls, threads)
}

// narrowedSize is an access size of AArch64Narrowed: its mnemonics'
// suffix (none for a word), the type of its size, and its top bit.
type narrowedSize struct {
	sfx, typ string
	top      int
}

var narrowedSizes = []narrowedSize{{"B", "int8_t", 0x80}, {"H", "int16_t", 0x8000}, {"", "int32_t", 1 << 31}}

// narrowedGen draws a test of AArch64Narrowed: each word's access size.
type narrowedGen struct {
	*agen
	size []narrowedSize // per word
}

// narrowedTypes are the declarations drawn for a word ("" declares it
// by its initial value only: herd's int).
var narrowedTypes = []string{"uint64_t", "int64_t", "int32_t", "uint32_t", "int", ""}

// narrowedInits are the initial values drawn: bits above a byte, a
// halfword and a word, negative, or none.
var narrowedInits = []string{"0", "0x1234", "-2", "0x18081", "-32768", "0x100000081"}

// declare draws each word's type, initial value and access size: a
// wider type, or one of the access's size (signed or not).
func (n *narrowedGen) declare() string {
	var b strings.Builder
	for _, v := range n.vars {
		z := narrowedSizes[n.rnd.Intn(len(narrowedSizes))]
		n.size = append(n.size, z)
		typ := narrowedTypes[n.rnd.Intn(len(narrowedTypes))]
		if n.rnd.Intn(4) == 0 {
			typ = []string{"", "u"}[n.rnd.Intn(2)] + z.typ
		}
		if typ != "" {
			typ += " "
		}
		fmt.Fprintf(&b, "%s%s=%s; ", typ, v, narrowedInits[n.rnd.Intn(len(narrowedInits))])
	}
	return b.String()
}

// thread writes thread t: two to four loads, stores, exclusive pairs,
// barriers and branches over one of them.
func (n *narrowedGen) thread(t int) []string {
	return n.threadOf(t, 2+n.rnd.Intn(3), n.op)
}

func (n *narrowedGen) op(inBranch bool) {
	switch k := n.rnd.Intn(100); {
	case k < 30:
		n.store()
	case k < 65:
		n.load()
	case k < 75:
		n.exclusive()
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

// exclusive writes a load-exclusive of a word and a store-exclusive of
// its next value, each plain or ordered, the status into a register.
func (n *narrowedGen) exclusive() {
	i, v := n.pick()
	z := n.size[i]
	n.emit("%s %s,[%s]", []string{"LDXR", "LDAXR"}[n.rnd.Intn(2)]+z.sfx, n.reg(), addr(i))
	n.set(n.value(v), z, false)
	n.emit("%s %s,W20,[%s]", []string{"STXR", "STLXR"}[n.rnd.Intn(2)]+z.sfx, n.reg(), addr(i))
}

// set puts in W20 value v, its size's top bit set or not, and, where
// high, bits above the size (MOV takes only 16 bits, so the top bit of a
// word and a halfword's high bits come by a shift).
func (n *narrowedGen) set(v int, z narrowedSize, high bool) {
	low := v + z.top*n.rnd.Intn(2)
	m := 0
	if high && z.sfx != "" {
		m = []int{0, 1, -1, 3}[n.rnd.Intn(4)]
	}
	switch {
	case z.sfx == "" && low != v:
		n.emit("MOV W20,#1")
		n.emit("LSL W20,W20,#31")
		n.emit("MOV W21,#%d", v)
		n.emit("ADD W20,W20,W21")
	case m == 0:
		n.emit("MOV W20,#%d", low)
	case z.sfx == "B":
		n.emit("MOV W20,#%d", low+256*m)
	default:
		n.emit("MOV W20,#%d", m)
		n.emit("LSL W20,W20,#16")
		n.emit("MOV W21,#%d", low)
		n.emit("ADD W20,W20,W21")
	}
}

// store writes the word's next value: the stored cell keeps only the
// bits of its size, zero-extended.
func (n *narrowedGen) store() {
	i, v := n.pick()
	z := n.size[i]
	n.set(n.value(v), z, true)
	if n.rnd.Intn(4) == 0 {
		n.emit("STLR%s W20,[%s]", z.sfx, addr(i))
		return
	}
	n.emit("STR%s W20,[%s%s]", z.sfx, addr(i), n.offset())
}

// load writes a zero- or sign-extending load of the word's size, into a
// W or an X register (LDRSW: X only), or an acquire or acquirePC one
// (zero-extending, into W).
func (n *narrowedGen) load() {
	i, _ := n.pick()
	z := n.size[i]
	if k := n.rnd.Intn(5); k < 2 {
		n.emit("%s%s %s,[%s]", []string{"LDAR", "LDAPR"}[k], z.sfx, n.reg(), addr(i))
		return
	}
	off := n.offset()
	op, r := "LDR"+z.sfx, n.reg()
	switch {
	case n.rnd.Intn(2) == 0:
	case z.sfx == "":
		op, r = "LDRSW", "X"+r[1:]
	default:
		op = "LDRS" + z.sfx
		if n.rnd.Intn(2) == 0 {
			r = "X" + r[1:]
		}
	}
	n.emit("%s %s,[%s%s]", op, r, addr(i), off)
}
