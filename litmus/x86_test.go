package litmus

import (
	"strings"
	"testing"
)

func TestX86(t *testing.T) {
	runAsmCases(t, "X86", []asmCase{
		{"mov", []string{"MOV [x],$1", "MOV EAX,[y]", "MOV [z],EAX", "MOV EBX,$2"},
			"WRITE_ONCE(x, 1)\nEAX = READ_ONCE(y)\nWRITE_ONCE(z, EAX)\nEBX = 2", 0},
		{"mfence", []string{"MFENCE"}, "mfence()", 0},
		{"xchg", []string{"MOV EAX,$1", "XCHG [x],EAX"}, "EAX = 1\nEAX = xchg(x, EAX)", 0},
		{"locked", []string{"MOV EAX,$1", "LOCK XADD [x],EAX", "LOCK INC [y]", "LOCK DEC [y]", "LOCK ADD [y],$3", "LOCK CMPXCHG [x],EBX"},
			"EAX = 1\nEAX = x86_locked_add(x, EAX)\nx86_locked_add(y, 1)\nx86_locked_add(y, -1)\nx86_locked_add(y, 3)\nEAX = x86_locked_cmpxchg(x, EAX, EBX)", 0},
		{"indirect", []string{"MOV EAX,[EBX]"}, "EAX = READ_ONCE(EBX)", 0},
		{"unlocked-rmw", []string{"INC [x]"}, "error: without LOCK", 10},
		{"lfence", []string{"LFENCE"}, "error: unsupported instruction LFENCE", 10},
		{"branch", []string{"MOV EAX,[x]", "CMP EAX,$1", "JNE L0", "MOV [y],$1", "L0:"},
			"EAX = READ_ONCE(x)\nif EAX == 1 {\n  WRITE_ONCE(y, 1)\n}", 0},
	})
	runAsmCases(t, "X86_64", []asmCase{
		{"movl", []string{"movl $1,(x)", "movl (y),%eax", "movl %eax,(z)"},
			"WRITE_ONCE(x, 1)\nRAX = READ_ONCE(y) & 0xffffffff\nWRITE_ONCE(z, RAX)", 0},
		{"movq", []string{"movq $1,(x)", "movq (y),%rbx", "MOVQ %RBX,(z)"},
			"WRITE_ONCE(x, 1)\nRBX = READ_ONCE(y)\nWRITE_ONCE(z, RBX)", 0},
		{"mov-sized-by-reg", []string{"mov (y),%eax"}, "RAX = READ_ONCE(y) & 0xffffffff", 0},
		// herd's program counter and code segment are registers (A001, A002)
		{"rip-cs", []string{"movq %rip,%rax", "movq %cs,%rbx"}, "RAX = RIP\nRBX = CS", 0},
		// a telechat tail jumped back into is run in the jump's place (A006)
		{"jmp-into-tail", []string{"cmp $1,%eax", "je L1", "L0:", "movl %eax,(x)", "ret", "L1:", "movl $1,(y)", "jmp L0"},
			"FLAGS_a = RAX & 0xffffffff\nif FLAGS_a != 1 {\n  WRITE_ONCE(x, RAX & 0xffffffff)\n  return\n}\nWRITE_ONCE(y, 1)\nWRITE_ONCE(x, RAX & 0xffffffff)\nreturn", 0},
		{"mfence-nop", []string{"mfence", "nop", "endbr64"}, "mfence()", 0},
		{"shl-and", []string{"shl 2,%eax", "and %eax,%eax"},
			"RAX = ((RAX & 0xffffffff) << 2) & 0xffffffff\nRAX = RAX & RAX", 0},
		{"locked", []string{"lock xaddl %eax,(x)", "lock incl (y)"},
			"RAX = x86_locked_add(x, RAX & 0xffffffff) & 0xffffffff\nx86_locked_add(y, 1)", 0},
		{"indirect", []string{"movq (%rax),%rbx", "movq %rbx,0(%rcx)"}, "RBX = READ_ONCE(RAX)\nWRITE_ONCE(RCX, RBX)", 0},
		{"mixed-size", []string{"movl $1,(x)", "movq (x),%rax"}, "error: mixed-size", 11},
		{"byte", []string{"movb $1,(x)"}, "error: byte", 10},
		{"ambiguous", []string{"mov $1,(x)"}, "error: ambiguous", 10},
		{"displacement", []string{"movl 4(%rax),%eax"}, "error: displacement", 10},
		{"loop", []string{"L0:", "movl (x),%eax", "cmp $1,%eax", "jne L0"},
			"while 1 {\n  RAX = READ_ONCE(x) & 0xffffffff\n  if RAX == 1 {\n    break\n  }\n}", 0},
	})
}

// TestX86_64SizesAcrossThreads: one symbol accessed with two sizes by two
// threads is refused too.
func TestX86_64SizesAcrossThreads(t *testing.T) {
	_, err := translateAsm("X86_64", [][]asmLine{asmCells("movl $1,(x)"), asmCells("movq (x),%rax")}, asmMem{})
	if err == nil || !strings.Contains(err.Error(), "mixed-size") {
		t.Fatalf("want a mixed-size error, got %v", err)
	}
}

func TestDeclareReadRegs(t *testing.T) {
	bodies, err := translateAsm("AArch64", [][]asmLine{asmCells("STR W0,[X1]", "MOV W0,#1", "DMB SY")}, asmMem{})
	if err != nil {
		t.Fatal(err)
	}
	// X0 is written (so it is a local already); X1 is only read
	want := "X1 = X1  // read, never written: its initial value\nWRITE_ONCE(X1, X0 & 0xffffffff)  // STR W0,[X1]\nX0 = 1  // MOV W0,#1\ndmb_ish()  // DMB SY"
	if bodies[0] != want {
		t.Errorf("got\n%s\nwant\n%s", bodies[0], want)
	}
}

// TestX86_64TypedValues: an X86_64 test's locations hold what herd's
// cells hold (the initial value's bits in its type, a store's value whole:
// an immediate as written, a 32-bit register's low bits), which a movq
// reads back whole, and the final state shows each through its type (its
// view: TestTypedMemory checks the states). A register herd types int
// shows its low 32 bits sign-extended.
func TestX86_64TypedValues(t *testing.T) {
	src := "X86_64 t\n{ int x=4294967295; uint32_t y=-2; uint64_t z; }\n P0 ;\n movl $-1,(x) ;\n movq (y),%rax ;\n movl %eax,(z) ;\n movq $4294967297,(y) ;\n" +
		"locations [x;y;z;0:rax;]\nexists (0:rax=4294967294 /\\ y=4294967297)\n"
	wantTranslation(t, src, []string{
		"shared x: s32 = 0xffffffff, y: u32 = 0xfffffffe, z",
		"WRITE_ONCE(x, -1)",
		"RAX = READ_ONCE(y)",
		"WRITE_ONCE(z, RAX & 0xffffffff)",
		"WRITE_ONCE(y, 0x100000001)",
		"RAX = csel(0, RAX, ((RAX & 0xffffffff) ^ 0x80000000) - 0x80000000)",
		"final exists (0:RAX == -2 && y == 1)",
	})
}
