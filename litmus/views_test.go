package litmus_test

import (
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestTypedMemory: a location keeps whole what a store writes, a 64-bit
// load reads it back whole, and the final state shows the location
// through its declared type (its view), as herd 7.58 answers each case
// (its states in the comments).
func TestTypedMemory(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		// herd: 0:rbx=4294967294; 0:rcx=18446744073709551615; [x]=-2; [y]=-2; [z]=4294967295;
		{"x86_64 raw cells", "X86_64 x4\n{ int x=0; int y=-2; uint32_t z=0; uint64_t 0:rbx; uint64_t 0:rcx; }\n P0 ;\n movl $-2,(x) ;\n movq (y),%rbx ;\n movq $-1,(z) ;\n movq (z),%rcx ;\n" +
			"locations [x;y;z;0:rbx;0:rcx;]\nexists (z=-1)\n",
			"z=0xffffffff; x=0xfffffffffffffffe; y=0xfffffffffffffffe; 0:RBX=0xfffffffe; 0:RCX=0xffffffffffffffff"},
		// herd: 0:rax=18446744073709551614; [x]=-2; (X64-random-158's movq into an int)
		{"x86_64 movq into an int", "X86_64 m\n{ int x=0; uint64_t 0:rax; }\n P0 ;\n movq $-2,(x) ;\n movq (x),%rax ;\nlocations [x;0:rax;]\nexists (x=-2)\n",
			"x=0xfffffffffffffffe; 0:RAX=0xfffffffffffffffe"},
		// herd: 0:X0=1; 1:X2=4294967297; [x]=1; (and 1:X2=0)
		{"aarch64 X store into an int", "AArch64 w6\n{ 0:X1=x; 1:X1=x; uint64_t 1:X2; }\n P0 | P1 ;\n MOVZ X0,#1,LSL #32 | LDR X2,[X1] ;\n ADD X0,X0,#1 | ;\n STR X0,[X1] | ;\n" +
			"locations [x;1:X2;]\nexists (x=1 /\\ 1:X2=4294967297)\n",
			"x=1; 1:X2=0\nx=1; 1:X2=0x100000001"},
	} {
		t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
			r, out := checkLitmus(t, "t", tc.src, vm.Config{All: true})
			var got []string
			for _, f := range r.FinalStates {
				got = append(got, f.Values)
			}
			if g := strings.Join(got, "\n"); g != tc.want || r.Verdict != "ok" {
				t.Errorf("verdict %s, final states\n%s\nwant ok,\n%s\n%s", r.Verdict, g, tc.want, out)
			}
		})
	}
}
