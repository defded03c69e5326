package mmu

import (
	"strings"
	"testing"
)

// TestEveryBuiltinDocumented: hover in editors reads these fields, so a
// builtin added to the table without them fails here.
func TestEveryBuiltinDocumented(t *testing.T) {
	for _, n := range Builtins().Names() {
		b := Builtins().Lookup(n)
		if b.Sig == "" || b.Doc == "" || b.Kernel == "" {
			t.Errorf("%s: Sig %q, Doc %q, Kernel %q: add it to docs in builtindoc.go", n, b.Sig, b.Doc, b.Kernel)
			continue
		}
		if !strings.HasPrefix(b.Sig, n) {
			t.Errorf("%s: signature %q does not start with its name", n, b.Sig)
		}
		if args := sigArgs(b.Sig); !b.Constant && b.Arity >= 0 && args != b.Arity {
			t.Errorf("%s: signature %q has %d arguments, arity %d", n, b.Sig, args, b.Arity)
		}
	}
}

func sigArgs(sig string) int {
	i := strings.IndexByte(sig, '(')
	if i < 0 || strings.HasSuffix(sig, "()") {
		return 0
	}
	return strings.Count(sig[i:], ",") + 1
}
