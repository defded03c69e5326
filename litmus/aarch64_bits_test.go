package litmus_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// TestAArch64Bits runs the data-processing instructions of aarch64_bits.go
// (and the shifted and extended operands) on known values and checks the
// result register: the values are the Arm ARM's, worked out by hand (and
// for UBFM, SBFM and the shifted operands, herd's answers on its
// regression tests A228 and L089). The condition ends with a semicolon,
// which herd accepts.
func TestAArch64Bits(t *testing.T) {
	cases := []struct {
		insn string
		init string // initial registers
		want string // the result, X0
	}{
		{"ASR X0,X1,#8", "0:X1=0xff000000000000ff", "0xffff000000000000"},
		{"ASR X0,X1,#8", "0:X1=0x7f000000000000ff", "0x7f000000000000"},
		{"ASR W0,W1,#4", "0:X1=0x80000010", "0xf8000001"},
		{"ASR X0,X1,X2", "0:X1=0x8000000000000000; 0:X2=67", "0xf000000000000000"},
		{"LSL W0,W1,#4", "0:X1=0xf0000001", "0x10"},
		{"LSR X0,X1,#60", "0:X1=0xf000000000000000", "15"},
		{"ROR X0,X1,#8", "0:X1=0xff", "0xff00000000000000"},
		{"ROR W0,W1,#4", "0:X1=0xff", "0xf000000f"},
		{"ROR X0,X1,X2", "0:X1=0x12; 0:X2=0", "0x12"},
		{"ORR W0,WZR,W1,ROR 4", "0:X1=255", "0xf000000f"},
		{"ORR X0,XZR,X1,ASR 8", "0:X1=0xff000000000000ff", "0xffff000000000000"},
		{"ADD X0,X1,W2,SXTB #2", "0:X1=1; 0:X2=0x80", "0xfffffffffffffe01"},
		{"ADD X0,X1,W2,UXTH", "0:X1=1; 0:X2=0x12345", "0x2346"},
		{"UBFM W0,W1,#4,#31", "0:X1=0x55667788", "0x5566778"},
		{"UBFM W0,W1,#24,#7", "0:X1=0x55667788", "0x8800"},
		{"SBFM W0,W1,#4,#31", "0:X1=0xAA998878", "0xfaa99887"},
		{"SBFM W0,W1,#24,#7", "0:X1=0xAA998878", "0x7800"},
		{"SBFM X0,X1,#0,#7", "0:X1=0x80", "0xffffffffffffff80"},
		{"UBFX X0,X1,#8,#8", "0:X1=0xabcd", "0xab"},
		{"SBFIZ X0,X1,#4,#4", "0:X1=0xf", "0xfffffffffffffff0"},
		{"SXTW X0,W1", "0:X1=0x80000000", "0xffffffff80000000"},
		{"UXTB W0,W1", "0:X1=0x1ff", "0xff"},
		{"MUL X0,X1,X2", "0:X1=0x100000000; 0:X2=0x100000001", "0x100000000"},
		{"MUL W0,W1,W2", "0:X1=0x10000; 0:X2=0x10001", "0x10000"},
		{"MADD X0,X1,X2,X3", "0:X1=3; 0:X2=4; 0:X3=5", "17"},
		{"MSUB X0,X1,X2,X3", "0:X1=3; 0:X2=4; 0:X3=5", "0xfffffffffffffff9"},
		{"MNEG W0,W1,W2", "0:X1=3; 0:X2=4", "0xfffffff4"},
		{"SMULL X0,W1,W2", "0:X1=0xffffffff; 0:X2=2", "0xfffffffffffffffe"},
		{"UMULL X0,W1,W2", "0:X1=0xffffffff; 0:X2=2", "0x1fffffffe"},
		{"NEG X0,X1", "0:X1=1", "0xffffffffffffffff"},
		{"NEG W0,W1,LSL #1", "0:X1=1", "0xfffffffe"},
		{"NEGS X0,X1", "0:X1=1", "0xffffffffffffffff"},
		{"NEGS X3,X1|CSET X0,MI", "0:X1=1", "1"},
		{"NEGS W3,W1|CSET X0,VS", "0:X1=0x80000000", "1"},
		{"NEGS W3,W1,LSL #1|CSET X0,EQ", "0:X1=0x80000000", "1"},
		{"CMP W1,W2,LSL #1|CSET X0,EQ", "0:X2=0x80000000", "1"},
		{"ADDS W3,W1,W2,LSL #1|CSET X0,CS", "0:X1=1; 0:X2=0x80000000", "0"},
		{"MVN W0,W1", "0:X1=0xf0", "0xffffff0f"},
		{"ABS X0,X1", "0:X1=0xfffffffffffffffd", "3"},
		{"ABS W0,W1", "0:X1=0xfffffffd", "3"},
		{"ABS X0,X1", "0:X1=7", "7"},
		{"REV X0,X1", "0:X1=0x0102030405060708", "0x807060504030201"},
		{"REV W0,W1", "0:X1=0x01020304", "0x4030201"},
		{"REV16 X0,X1", "0:X1=0x0102030405060708", "0x201040306050807"},
		{"REV32 X0,X1", "0:X1=0x0102030405060708", "0x403020108070605"},
		{"RBIT X0,X1", "0:X1=1", "0x8000000000000000"},
		{"RBIT W0,W1", "0:X1=0x3", "0xc0000000"},
		// the flags of a logical instruction: C and V clear
		{"ANDS X3,X1,X2|CSET X0,CS", "0:X1=3; 0:X2=0xfffffffffffffffc", "0"},
		{"ANDS X3,X1,X2|CSET X0,EQ", "0:X1=3; 0:X2=0xfffffffffffffffc", "1"},
		{"ANDS X3,X1,X1|CSET X0,VC", "0:X1=3", "1"},
		{"ADDS X3,X1,X2|CSET X0,CS", "0:X1=0xffffffffffffffff; 0:X2=1", "1"},
		// the stack pointer as a register, and a branch relative to the
		// instruction (.+8: over the next one)
		{"ADD X0,SP,#8", "0:SP=1", "9"},
		{"MOV X0,#1|B .+8|MOV X0,#2|ADD X0,X0,#4", "0:X1=0", "5"},
	}
	for _, c := range cases {
		t.Run(c.insn, func(t *testing.T) {
			src := fmt.Sprintf("AArch64 bits\n{ %s; uint64_t 0:X0; }\n P0 ;\n %s ;\nforall (0:X0=%s);\n",
				strings.ReplaceAll(c.init, ";", "; uint64_t"), strings.ReplaceAll(c.insn, "|", " ;\n "), c.want)
			src = strings.Replace(src, "{ ", "{ uint64_t ", 1)
			r, out := checkLitmus(t, "bits", src, vm.Config{})
			if r.Observation != vm.Always {
				t.Errorf("X0 is not %s: %v\n%s", c.want, r.FinalStates, out)
			}
		})
	}
}

// checkLitmus translates a herd test, compiles and checks it; it returns
// the result and the translation (to show when a case fails).
func checkLitmus(t *testing.T, name, src string, cfg vm.Config) (*vm.Result, string) {
	t.Helper()
	out, err := litmus.Translate(name+".litmus", []byte(src))
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	p, err := compiler.Compile(name+".mmu", []byte(out), nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r, err := vm.Check(context.Background(), p, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r, out
}
