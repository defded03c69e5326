package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestInitHoldsLocks: a lock init takes is held by init. init ran as
// thread -1, whose owner word was 0, "free": a second spin_lock() in init
// did not block (docs/language.md: a builtin that would wait is an error
// in init) and a CPU took the lock init held.
func TestInitHoldsLocks(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      string // the verdict, or the error's words
	}{
		{"a CPU waits for it", "spinlock l\ninit {\n  spin_lock(l)\n}\ncpu 0 {\n  spin_lock(l)\n}\n", "fail deadlock"},
		{"init takes it twice", "spinlock l\ninit {\n  spin_lock(l)\n  spin_lock(l)\n}\ncpu 0 {\n  r = 1\n}\n", "init: blocks, but init runs alone"},
		{"held at the end", "spinlock l\ninit {\n  spin_lock(l)\n}\ncpu 0 {\n  r = 1\n}\n", "fail lock"},
		{"an rwsem for write", "rwsem s\ninit {\n  down_write(s)\n}\ncpu 0 {\n  down_read(s)\n}\n", "fail deadlock"},
	} {
		p, err := compiler.Compile("f.mmu", []byte(tc.src), nil)
		if err != nil {
			t.Fatal(err)
		}
		r, err := vm.Check(context.Background(), p, vm.Config{})
		got := ""
		switch {
		case err != nil:
			got = err.Error()
		default:
			got = r.Verdict
			if len(r.Violations) > 0 && r.Violations[0].Kind == "lock" && !strings.Contains(r.Violations[0].Msg, "by init") {
				t.Errorf("%s: %q does not name init as the holder", tc.name, r.Violations[0].Msg)
			}
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
