package mmu

import "github.com/mmuvm/mmuvm/memmodel"

// armNoret are arm64's SWP and CAS whose destination register is XZR or
// WZR. No register receives the value read, and herd's front end
// (AArch64Sem.ml swp and cas: "if noret then do_read_mem_ret sz
// Annot.NoRet") annotates the read NoRet instead of A, as it does for an
// LD<op> to XZR, which is ST<op> (the st<op> builtins of armInstructions).
// The acquire of the A forms is so dropped, the release of the L forms
// kept:
//
//   - swp_noret(p, v) is SWP or SWPA Ws, XZR, [Xn]; swpl_noret(p, v) is
//     SWPL or SWPAL;
//   - cas_noret(p, expected, new) is CAS or CASA XZR, Xt, [Xn];
//     casl_noret(p, expected, new) is CASL or CASAL. The expected value
//     of a CAS to XZR is XZR's, 0; they keep cas's parameters so that
//     the engine treats them as it treats cas (its comparison is a pick).
//     A failed one is a single Noreturn read, or writes back what it
//     read (casRMW).
func armNoret() []*Builtin {
	var bs []*Builtin
	for _, f := range []struct {
		suffix string
		w      memmodel.Tag
	}{{"", 0}, {"l", memmodel.Release}} {
		bs = append(bs,
			&Builtin{Name: "swp" + f.suffix + "_noret", Arity: 2, Params: "p.", Void: true,
				Fn: rmw2(memmodel.Noreturn, f.w, memmodel.Noreturn, 0, xchgOp)},
			&Builtin{Name: "cas" + f.suffix + "_noret", Arity: 3, Params: "p..", Void: true,
				Fn: casRMW(memmodel.Noreturn, f.w, memmodel.Noreturn)})
	}
	return bs
}
