package litmusgen

import (
	"fmt"
	"strings"
)

// AArch64CASP returns the seed-th of a fixed list of AArch64 tests of
// CASP, the compare-and-swap of a pair of words, cycling through it. Each
// of its four orderings (CASP, CASPA, CASPL, CASPAL), on X registers over
// an array of words and on W registers over an int array, in each shape
// of caspShapes: alone, succeeding or failing on either word; two CPUs'
// CASPs on one pair; a reader that may see a pair written in two halves
// (its two reads are one instruction's, which program order does not
// order, acquire or not); a writer whose two writes another CPU reads in
// the other order (likewise release or not); MP with the CASP as the
// reader of the flag or the writer of it; an address dependency from
// either register it writes, which herd gives both reads; and a data
// dependency into either new word.
func AArch64CASP(seed int64) (name, text string) {
	return fromList(caspTests, "A-casp-%d", seed)
}

// caspWidth is a register width with the array its pairs are made of.
type caspWidth struct {
	reg  string // "X" or "W"
	size int    // the elements' size in bytes
	decl string
}

var caspWidths = []caspWidth{
	{"X", 8, "uint64_t a[4] = {1,2,3,4}; uint64_t f;"},
	{"W", 4, "int a[4] = {1,2,3,4}; int f;"},
}

// caspShape is a test: its threads and condition, written for a
// register width (r("6") is X6 or W6, o(k) the k-th element's offset)
// and a CASP of one ordering (c: the mnemonic).
type caspShape func(c string, r func(string) string, o func(int) string) (threads [][]string, exists string)

// casp writes CASP c of registers 6 and 7 expecting e1, e2, swapping in
// registers 2 and 3, at base.
func casp(c string, r func(string) string, base string) string {
	return fmt.Sprintf("%s %s,%s,%s,%s,[%s]", c, r("6"), r("7"), r("2"), r("3"), base)
}

// caspSet loads the expected words and the new ones.
func caspSet(r func(string) string, e1, e2, n1, n2 int) []string {
	return []string{
		fmt.Sprintf("MOV %s,#%d", r("6"), e1), fmt.Sprintf("MOV %s,#%d", r("7"), e2),
		fmt.Sprintf("MOV %s,#%d", r("2"), n1), fmt.Sprintf("MOV %s,#%d", r("3"), n2),
	}
}

var caspShapes = []caspShape{
	// alone: success, failure on the first word, on the second, and on
	// a pair further on
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{append(caspSet(r, 1, 2, 9, 7), casp(c, r, "X1"))}, "0:X6=1"
	},
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{append(caspSet(r, 5, 2, 9, 7), casp(c, r, "X1"))}, "0:X6=1"
	},
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{append(caspSet(r, 1, 5, 9, 7), casp(c, r, "X1"))}, "0:X6=1"
	},
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{append(append(caspSet(r, 3, 4, -1, -2), "ADD X10,X1,#"+o(2)), casp(c, r, "X10"))}, "0:X6=3"
	},
	// two CPUs on one pair: the second succeeds only after the first
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			append(caspSet(r, 1, 2, 5, 6), casp(c, r, "X1")),
			append(caspSet(r, 5, 6, 7, 8), casp(c, r, "X1")),
		}, "0:X6=1 /\\ 1:X6=5"
	},
	// the pair written in two halves, the second word first: its reads
	// are unordered, so it may read the first new and the second old
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			{"MOV " + r("3") + ",#6", "STR " + r("3") + ",[X1,#" + o(1) + "]", "DMB ST", "MOV " + r("4") + ",#5", "STR " + r("4") + ",[X1]"},
			append(caspSet(r, 5, 6, 9, 9), casp(c, r, "X1")),
		}, "1:X6=5 /\\ 1:X7=2"
	},
	// its writes read in the other order: unordered, release or not
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			append(caspSet(r, 1, 2, 5, 6), casp(c, r, "X1")),
			{"LDR " + r("0") + ",[X1,#" + o(1) + "]", "DMB LD", "LDR " + r("9") + ",[X1]"},
		}, "1:X0=6 /\\ 1:X9=1"
	},
	// MP: the CASP reads the flag (the pair's first word), then the data
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			{"MOV " + r("3") + ",#5", "STR " + r("3") + ",[X1,#" + o(2) + "]", "MOV " + r("4") + ",#7", "STLR " + r("4") + ",[X1]"},
			append(caspSet(r, 7, 2, 9, 9), casp(c, r, "X1"), "LDR "+r("9")+",[X1,#"+o(2)+"]"),
		}, "1:X6=7 /\\ 1:X9=3"
	},
	// MP: the CASP writes the flag after the data
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			append(append([]string{"MOV " + r("4") + ",#5", "STR " + r("4") + ",[X1,#" + o(2) + "]"}, caspSet(r, 1, 2, 7, 8)...), casp(c, r, "X1")),
			{"LDR " + r("0") + ",[X1]", "DMB LD", "LDR " + r("9") + ",[X1,#" + o(2) + "]"},
		}, "1:X0=7 /\\ 1:X9=3"
	},
	// an address dependency from the second register, and from the
	// first, on the read of the second word (herd writes both registers
	// from both reads)
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return caspAddrDep(c, r, o, "X7")
	},
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return caspAddrDep(c, r, o, "X6")
	},
	// a data dependency into the first new word, and into the second
	// (load buffering through the CASP's write)
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return caspDataDep(c, r, o, "2", 0)
	},
	func(c string, r func(string) string, o func(int) string) ([][]string, string) {
		return caspDataDep(c, r, o, "3", 1)
	},
}

// caspAddrDep is MP where the reader's CASP reads the second word the
// writer wrote last, and the data is read through an address made from
// register dep, zero whatever the CASP read. The CASP fails on that
// word: a successful one may also write its registers from the
// expected words (herd's DataFromRRs), which carries no dependency.
func caspAddrDep(c string, r func(string) string, o func(int) string, dep string) ([][]string, string) {
	return [][]string{
		{"MOV " + r("3") + ",#5", "STR " + r("3") + ",[X5]", "DMB ST", "MOV " + r("4") + ",#6", "STR " + r("4") + ",[X1,#" + o(1) + "]"},
		append(caspSet(r, 1, 7, 9, 9), casp(c, r, "X1"), "EOR X8,"+dep+","+dep, "LDR "+r("9")+",[X5,X8]"),
	}, "1:X7=6 /\\ 1:X9=0"
}

// caspDataDep is load buffering where the CASP's new word k (register
// reg) is the value its CPU read from the flag, and the other CPU reads
// that word before writing the flag.
func caspDataDep(c string, r func(string) string, o func(int) string, reg string, k int) ([][]string, string) {
	set := caspSet(r, 1, 2, 9, 9)
	set = append([]string{"LDR " + r("0") + ",[X5]"}, set...)
	set = append(set, "ADD "+r(reg)+","+r("0")+",#10", casp(c, r, "X1"))
	return [][]string{
		set,
		{"LDR " + r("9") + ",[X1,#" + o(k) + "]", "DMB SY", "MOV " + r("4") + ",#1", "STR " + r("4") + ",[X5]"},
	}, "0:X0=1 /\\ 1:X9=11"
}

// pairTest is arrayTest with the registers a pair access writes (X6,
// X7) in locations too.
func pairTest(name, decl string, threads [][]string, exists string) string {
	text := arrayTest(name, decl, threads, exists)
	for t := range threads {
		text = strings.Replace(text, fmt.Sprintf("%d:X8;", t), fmt.Sprintf("%d:X6; %d:X7; %d:X8;", t, t, t), 1)
	}
	return text
}

// widthTests makes the tests gen adds for each width of caspWidths (r
// names its registers, o offsets its elements).
func widthTests(gen func(r func(string) string, o func(int) string, add func(threads [][]string, exists string))) []func(string) string {
	var ts []func(string) string
	for _, w := range caspWidths {
		r := func(n string) string { return w.reg + n }
		o := func(k int) string { return fmt.Sprint(k * w.size) }
		gen(r, o, func(threads [][]string, exists string) {
			ts = append(ts, func(name string) string { return pairTest(name, w.decl, threads, exists) })
		})
	}
	return ts
}

var caspTests = widthTests(func(r func(string) string, o func(int) string, add func([][]string, string)) {
	for _, shape := range caspShapes {
		for _, ord := range []string{"", "A", "L", "AL"} {
			add(shape("CASP"+ord, r, o))
		}
	}
})

// AArch64ExclPair returns the seed-th of a fixed list of AArch64 tests of
// the exclusive pairs, cycling through it: LDXP or LDAXP with STXP or
// STLXP, on X registers over an array of words and on W registers over
// an int array, in the shapes of exclPairShapes: alone, two CPUs'
// read-modify-writes of one pair, a reader of a pair written in two
// halves and a writer whose two words are read in the other order (the
// pair is one single-copy-atomic access, herd's sca class: never torn,
// unlike CASP's), and MP with the load-exclusive reading the flag.
func AArch64ExclPair(seed int64) (name, text string) {
	return fromList(exclPairTests, "A-xpair-%d", seed)
}

// exclPairShapes are written for a register width (r, o as caspShape's),
// a load-exclusive ld and a store-exclusive st of a pair.
type exclPairShape func(ld, st string, r func(string) string, o func(int) string) (threads [][]string, exists string)

func exclRMW(ld, st string, r func(string) string, n1, n2 int) []string {
	return []string{
		fmt.Sprintf("MOV %s,#%d", r("2"), n1), fmt.Sprintf("MOV %s,#%d", r("3"), n2),
		fmt.Sprintf("%s %s,%s,[X1]", ld, r("6"), r("7")),
		fmt.Sprintf("%s W8,%s,%s,[X1]", st, r("2"), r("3")),
	}
}

var exclPairShapes = []exclPairShape{
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{exclRMW(ld, st, r, 5, 6)}, "0:X8=0"
	},
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{exclRMW(ld, st, r, 5, 6), exclRMW(ld, st, r, 7, 8)}, "0:X8=0 /\\ 1:X8=0"
	},
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			{"MOV " + r("3") + ",#6", "STR " + r("3") + ",[X1,#" + o(1) + "]", "DMB ST", "MOV " + r("4") + ",#5", "STR " + r("4") + ",[X1]"},
			{ld + " " + r("6") + "," + r("7") + ",[X1]"},
		}, "1:X6=5 /\\ 1:X7=2"
	},
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			exclRMW(ld, st, r, 5, 6),
			{"LDR " + r("0") + ",[X1,#" + o(1) + "]", "DMB LD", "LDR " + r("9") + ",[X1]"},
		}, "1:X0=6 /\\ 1:X9=1"
	},
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			{"MOV " + r("3") + ",#5", "STR " + r("3") + ",[X1,#" + o(2) + "]", "MOV " + r("4") + ",#7", "STLR " + r("4") + ",[X1]"},
			{ld + " " + r("6") + "," + r("7") + ",[X1]", "LDR " + r("9") + ",[X1,#" + o(2) + "]"},
		}, "1:X6=7 /\\ 1:X9=3"
	},
	func(ld, st string, r func(string) string, o func(int) string) ([][]string, string) {
		return [][]string{
			append([]string{"MOV " + r("4") + ",#5", "STR " + r("4") + ",[X1,#" + o(2) + "]"}, exclRMW(ld, st, r, 7, 8)...),
			{"LDR " + r("0") + ",[X1]", "DMB LD", "LDR " + r("9") + ",[X1,#" + o(2) + "]"},
		}, "1:X0=7 /\\ 1:X9=3"
	},
}

var exclPairTests = widthTests(func(r func(string) string, o func(int) string, add func([][]string, string)) {
	for _, shape := range exclPairShapes {
		for _, ld := range []string{"LDXP", "LDAXP"} {
			for _, st := range []string{"STXP", "STLXP"} {
				add(shape(ld, st, r, o))
			}
		}
	}
})
