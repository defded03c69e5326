package litmusgen

import (
	"fmt"
)

// AArch64RMW is CRMW for herd's aarch64.cat: the seed-th of every RMW
// instruction form of armRMWForms in every shape of armRMWShapes (the
// same shapes, with arm64's barriers and dependencies). Each thread holds
// x, y and z's addresses in X10, X11 and X12; a thread's reads go to W0
// and W1 and the RMW's to W9.
func AArch64RMW(seed int64) (name, text string) {
	f, sh := listIndex(seed, len(armRMWForms), len(armRMWShapes))
	form, shape := armRMWForms[f], armRMWShapes[sh]
	name = fmt.Sprintf("A-rmw-%d", seed)
	return name, armListTest(name, shape.threads(form), shape.exists)
}

// armRMWForm is one RMW of the word whose address is in base, where the
// shape's other thread writes seen: its instructions.
type armRMWForm func(base string, seen int) []string

var armRMWForms = func() []armRMWForm {
	var fs []armRMWForm
	for _, o := range []string{"", "A", "L", "AL"} {
		for _, op := range []string{"LDADD", "LDCLR", "LDEOR", "LDSET"} {
			fs = append(fs, func(base string, _ int) []string {
				return []string{"MOV W20,#2", fmt.Sprintf("%s%s W20,W9,[%s]", op, o, base)}
			})
		}
		fs = append(fs,
			func(base string, _ int) []string {
				return []string{"MOV W20,#4", fmt.Sprintf("SWP%s W20,W9,[%s]", o, base)}
			},
			func(base string, seen int) []string { // succeeds on seen
				return []string{fmt.Sprintf("MOV W9,#%d", seen), "MOV W20,#4", fmt.Sprintf("CAS%s W9,W20,[%s]", o, base)}
			},
			func(base string, seen int) []string { // fails on seen
				return []string{fmt.Sprintf("MOV W9,#%d", seen+7), "MOV W20,#4", fmt.Sprintf("CAS%s W9,W20,[%s]", o, base)}
			})
	}
	for _, o := range []string{"", "L"} {
		fs = append(fs, func(base string, _ int) []string {
			return []string{"MOV W20,#2", fmt.Sprintf("STADD%s W20,[%s]", o, base)}
		})
	}
	for _, ex := range [][2]string{{"LDXR", "STXR"}, {"LDAXR", "STXR"}, {"LDXR", "STLXR"}, {"LDAXR", "STLXR"}} {
		fs = append(fs, func(base string, _ int) []string {
			return []string{fmt.Sprintf("%s W9,[%s]", ex[0], base), "ADD W21,W9,#2", fmt.Sprintf("%s W22,W21,[%s]", ex[1], base)}
		})
	}
	return fs
}()

type armRMWShape struct {
	threads func(rmw armRMWForm) [][]string
	exists  string
}

var armRMWShapes = func() []armRMWShape {
	var ss []armRMWShape
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	// MP whose reader makes the RMW of the flag first, then reads on
	writers := [][]string{
		{"MOV W0,#1", "STR W0,[X11]", "MOV W1,#5", "STLR W1,[X10]"},
		{"MOV W0,#1", "STR W0,[X11]", "DMB ISHST", "MOV W1,#5", "STR W1,[X10]"},
		{"MOV W0,#1", "STR W0,[X11]", "DMB ISH", "MOV W1,#5", "STR W1,[X10]"},
	}
	readers := [][]string{
		{"LDR W0,[X10]", "LDR W1,[X11]"},
		{"LDAR W0,[X10]", "LDR W1,[X11]"},
		{"LDAPR W0,[X10]", "LDR W1,[X11]"},
		{"LDR W0,[X10]", "EOR W21,W0,W0", "LDR W1,[X11,W21,SXTW]"},
		{"LDR W0,[X10]", "EOR W21,W9,W9", "LDR W1,[X11,W21,SXTW]"},
		{"LDR W0,[X10]", "CBNZ W9,LC00", "LC00:", "ISB", "LDR W1,[X11]"},
		{"LDR W0,[X10]", "DMB ISHLD", "LDR W1,[X11]"},
	}
	for _, w := range writers {
		for _, r := range readers {
			ss = append(ss, armRMWShape{threads: func(rmw armRMWForm) [][]string {
				return [][]string{w, join(rmw("X10", 5), r)}
			}, exists: "1:X1=0"})
		}
	}
	// a release sequence through another CPU's RMW
	ss = append(ss, armRMWShape{threads: func(rmw armRMWForm) [][]string {
		return [][]string{writers[0], rmw("X10", 5), {"LDAR W0,[X10]", "LDR W1,[X11]"}}
	}, exists: "~(2:X0=5) /\\ ~(2:X0=0) /\\ 2:X1=0"})
	// the RMW of an unrelated word between two accesses, with DMBs or not
	for _, f := range [][2][]string{{nil, nil}, {{"DMB ISH"}, nil}, {nil, {"DMB ISH"}}, {{"DMB ISHST"}, {"DMB ISHLD"}}} {
		mid := func(rmw armRMWForm) []string { return join(f[0], rmw("X12", 0), f[1]) }
		ss = append(ss,
			armRMWShape{threads: func(rmw armRMWForm) [][]string { // SB
				return [][]string{join([]string{"MOV W0,#1", "STR W0,[X10]"}, mid(rmw), []string{"LDR W1,[X11]"}),
					{"MOV W0,#1", "STR W0,[X11]", "DMB ISH", "LDR W1,[X10]"}}
			}, exists: "0:X1=0 /\\ 1:X1=0"},
			armRMWShape{threads: func(rmw armRMWForm) [][]string { // MP, on the writer's side
				return [][]string{join([]string{"MOV W0,#1", "STR W0,[X11]"}, mid(rmw), []string{"MOV W1,#1", "STR W1,[X10]"}),
					{"LDR W0,[X10]", "DMB ISHLD", "LDR W1,[X11]"}}
			}, exists: "1:X0=1 /\\ 1:X1=0"},
			armRMWShape{threads: func(rmw armRMWForm) [][]string { // MP, on the reader's side
				return [][]string{{"MOV W0,#1", "STR W0,[X11]", "DMB ISHST", "MOV W1,#1", "STR W1,[X10]"},
					join([]string{"LDR W0,[X10]"}, mid(rmw), []string{"LDR W1,[X11]"})}
			}, exists: "1:X0=1 /\\ 1:X1=0"})
	}
	// load buffering through the RMW's read, and S through its write
	ss = append(ss,
		armRMWShape{threads: func(rmw armRMWForm) [][]string {
			return [][]string{join(rmw("X10", 5), []string{"MOV W0,#1", "STR W0,[X11]"}),
				{"LDR W0,[X11]", "MOV W1,#5", "STR W1,[X10]"}}
		}, exists: "1:X0=1 /\\ ~(0:X9=0)"},
		armRMWShape{threads: func(rmw armRMWForm) [][]string {
			return [][]string{join(rmw("X10", 5), []string{"ADD W0,W9,#1", "STR W0,[X11]"}),
				{"LDR W0,[X11]", "ADD W1,W0,#4", "STR W1,[X10]"}}
		}, exists: "1:X0=6"},
		armRMWShape{threads: func(rmw armRMWForm) [][]string {
			return [][]string{{"MOV W0,#2", "STR W0,[X11]", "DMB ISHST", "MOV W1,#5", "STR W1,[X10]"},
				join(rmw("X10", 5), []string{"LDR W0,[X10]", "EOR W21,W0,W0", "MOV W1,#1", "STR W1,[X11,W21,SXTW]"})}
		}, exists: "[y]=2 /\\ ~(1:X0=0)"})
	return ss
}()
