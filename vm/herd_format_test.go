package vm

import "testing"

// TestHerdState: --format herd writes a final state as herd7 does, so
// that the lines compare with herd's log as text (internal/herdweak holds
// them to herd's on the whole catalogue): decimal values, signed where
// they are ints, registers first in herd's order, X86_64's registers in
// lower case, array elements and addresses by herd's names.
func TestHerdState(t *testing.T) {
	prog := &Program{Shared: []Var{{Name: "v__0"}, {Name: "v__1"}, {Name: "x"}, {Name: "u", View: View{64, false}}}}
	for _, c := range []struct{ in, want string }{
		{"x=0xfffffffffffffffd; 0:r1=0x7ffffffe", "0:r1=2147483646; [x]=-3;"},
		{"x=0xffffffff; 0:r0=0xffffffff80000000", "0:r0=-2147483648; [x]=4294967295;"},
		{"0:r8=1; 0:r10=2; 0:r9=y; 1:r0=0", "0:r10=2; 0:r8=1; 0:r9=y; 1:r0=0;"},
		{"0:X10=1; 0:X9=2; 0:XZR=0; 0:X0=0x10000000000000000", "0:XZR=0; 0:X0=0x10000000000000000; 0:X9=2; 0:X10=1;"},
		{"0:X1=0x100000000", "0:X1=4294967296;"},
		{"1:RAX=1; 0:EAX=2", "0:EAX=2; 1:rax=1;"},
		{"v__1=5; 0:X2=v__0; x=1", "0:X2=v; v[1]=5; [x]=1;"},
		// a uint64_t (view u64) is printed unsigned, as herd prints it
		{"u=0xffffffffffffffff; x=0xffffffffffffffff", "[u]=18446744073709551615; [x]=-1;"},
	} {
		if got := herdState(prog, c.in); got != c.want {
			t.Errorf("herdState(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
