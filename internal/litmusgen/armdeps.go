package litmusgen

// AArch64Deps is CDeps for herd's aarch64.cat: W0's value carried into
// W22 by each instruction sequence of armDepExprs, then into an address,
// a value written or a branch, in MP, LB and S shapes. Each thread holds
// x, y and z's addresses in X10, X11 and X12.
func AArch64Deps(seed int64) (name, text string) {
	return fromList(armDepTests, "A-dep-%d", seed)
}

// armDepExprs compute W22 from W0: zero whatever W0 holds (the first
// group), then values that follow W0. The flags' forms (CMP with CSEL or
// CSET) carry the dependency through NZCV.
var armDepExprs = struct{ zero, varying [][]string }{
	zero: [][]string{
		{"EOR W22,W0,W0"}, {"AND W22,W0,#0"}, {"SUB W22,W0,W0"}, {"EOR X22,X0,X0"},
		{"ADD W22,W0,#1", "SUB W22,W22,W0", "SUB W22,W22,#1"},
		{"CMP W0,#7", "CSEL W22,WZR,WZR,EQ"},
		{"LSR W22,W0,#0", "EOR W22,W22,W0"},
		{"ORR W22,WZR,W0", "BIC W22,W22,W0"},
	},
	varying: [][]string{
		{"MOV W22,W0"}, {"ADD W22,W0,#1"}, {"AND W22,W0,#6"}, {"LSR W22,W0,#1"},
		{"CMP W0,#1", "CSET W22,EQ"}, {"CMP W0,#1", "CSINC W22,WZR,WZR,NE"},
		{"SUB W22,WZR,W0"}, {"MOV W23,#1", "SUB W22,W23,W0"},
	},
}

var armDepTests = func() []func(name string) string {
	var ts []func(string) string
	add := func(exists string, threads ...[]string) {
		ts = append(ts, func(name string) string { return armListTest(name, threads, exists) })
	}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	mpWriter := []string{"MOV W20,#1", "STR W20,[X10]", "DMB ISHST", "STR W20,[X11]"}
	lbOther := []string{"LDR W0,[X11]", "DMB SY", "MOV W20,#1", "STR W20,[X10]"}
	for _, e := range armDepExprs.zero {
		add("1:X0=1 /\\ 1:X1=0", mpWriter, cat([]string{"LDR W0,[X11]"}, e, []string{"LDR W1,[X10,W22,SXTW]"}))
		add("0:X0=1 /\\ 1:X0=1", cat([]string{"LDR W0,[X10]"}, e, []string{"MOV W20,#1", "STR W20,[X11,W22,SXTW]"}), lbOther)
	}
	for _, e := range append(append([][]string{}, armDepExprs.zero...), armDepExprs.varying...) {
		// load buffering through a data dependency, and through a branch
		// whose both ways write
		add("0:X0=1 /\\ 1:X0=1", cat([]string{"LDR W0,[X10]"}, e, []string{"AND W21,W22,#0", "ADD W21,W21,#1", "STR W21,[X11]"}), lbOther)
		add("0:X0=1 /\\ 1:X0=1", cat([]string{"LDR W0,[X10]"}, e, []string{"MOV W20,#1", "CBNZ W22,LC00", "STR W20,[X11]", "B LC01", "LC00:", "STR W20,[X11]", "LC01:"}), lbOther)
		// the value carried on: S, and a cycle of values
		add("1:X0=1 /\\ [x]=2", []string{"MOV W20,#2", "STR W20,[X10]", "DMB ISHST", "MOV W21,#1", "STR W21,[X11]"},
			cat([]string{"LDR W0,[X11]"}, e, []string{"STR W22,[X10]"}))
		add("0:X0=1 /\\ 1:X0=1", cat([]string{"LDR W0,[X10]"}, e, []string{"STR W22,[X11]"}), []string{"LDR W0,[X11]", "STR W0,[X10]"})
		// a branch on the value to a read, with and without ISB
		for _, isb := range []string{"NOP", "ISB"} {
			add("1:X0=1 /\\ 1:X1=0", mpWriter, cat([]string{"LDR W0,[X11]"}, e, []string{"CBZ W22,LC00", "LC00:", isb, "LDR W1,[X10]"}))
		}
	}
	return ts
}()
