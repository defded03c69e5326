package vm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestSharedViews: a shared word declared with a type (`shared x: s32`)
// keeps every bit a store writes, which a load reads back, and the final
// states show it, and the final condition and filter read it, through the
// type, as herd shows a location; an address stays an address.
func TestSharedViews(t *testing.T) {
	for _, tc := range []struct {
		name, src, verdict, finals string
	}{
		{"s32 of a 64-bit store", "shared x: s32\ncpu 0 {\n  x = 0x1ffffffff\n  r = x\n}\nfinal exists (x == -1 && 0:r == 0x1ffffffff)\n",
			"ok", "x=0xffffffffffffffff; 0:r=0x1ffffffff"},
		{"u8", "shared x: u8 = 0x1ff\ncpu 0 {\n  r = x\n}\nlocations x\nfinal forall (0:r == 0x1ff && x == 255)\n",
			"ok", "0:r=511; x=255"},
		{"s16 in a filter", "shared x: s16\ncpu 0 {\n  x = 0xffff\n}\nfilter (x == -1)\nfinal forall (x < 0)\n",
			"fail condition", "x=0xffffffffffffffff"},
		{"an address", "shared y, x: s32\ncpu 0 {\n  x = &y\n}\nfinal exists (x == &y)\n", "ok", "x=y"},
		{"s64 is the word", "shared x: s64\ncpu 0 {\n  x = 0x1ffffffff\n}\nfinal exists (x == 0x1ffffffff)\n", "ok", "x=0x1ffffffff"},
	} {
		p, err := compiler.Compile("v.mmu", []byte(tc.src), nil)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		for _, cfg := range []vm.Config{{}, {Search: "state"}, {Model: "tso"}, {Model: "armv8"}, {Model: "lkmm"}} {
			r, err := vm.Check(context.Background(), p, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tc.verdict || finalStates(r) != tc.finals {
				t.Errorf("%s, model %q search %q: verdict %s, final states %q; want %s, %q",
					tc.name, cfg.Model, cfg.Search, r.Verdict, finalStates(r), tc.verdict, tc.finals)
			}
		}
	}
}

// TestSharedViewErrors: a view is a shared word's, of a known type.
func TestSharedViewErrors(t *testing.T) {
	for _, tc := range []struct{ src, err string }{
		{"shared x: int\ncpu 0 {\n  x = 1\n}\n", "v.mmu:1:8: x: unknown type int"},
		{"task x: s32\ncpu 0 {\n  x = 1\n}\n", "v.mmu:1:6: x: only a shared word is shown through a type"},
	} {
		_, err := compiler.Compile("v.mmu", []byte(tc.src), nil)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.err)
		}
	}
}
