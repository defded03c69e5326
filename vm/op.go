package vm

import "fmt"

// Op is a bytecode operation. Values on the operand stack are uint64 words.
type Op uint8

// Instr is one instruction: an op and up to two operands.
type Instr struct {
	Op Op
	B  uint16
	A  int32
}

// The opcodes. Their stack effects and whether they are visible steps are in
// opTable; ops with a variable effect (calls, builtins, print) compute it from
// their operands.
const (
	OpNop         Op = iota
	OpConst          // push Consts[A]
	OpSmall          // push A (a non-negative immediate)
	OpLoadLocal      // push locals[A]
	OpStoreLocal     // locals[A] = pop
	OpLoadShared     // push shared word A                  (step)
	OpStoreShared    // shared word A = pop                  (step)
	OpLoadTask       // push this CPU's task word A          (step)
	OpStoreTask      // this CPU's task word A = pop         (step)
	OpAddrShared     // push &shared[A]
	OpAddrTask       // push &task[A] of this CPU
	OpAddrTable      // i = pop; push &table[A][i] (0 <= i < 512)
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpAnd
	OpOr
	OpXor
	OpShl
	OpShr
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpNot         // logical not
	OpNeg         // two's complement negation
	OpCompl       // bitwise complement
	OpJump        // pc = A
	OpJumpIfZero  // if pop == 0 { pc = A }
	OpJumpNonZero // if pop != 0 { pc = A }
	OpBackEdge    // loop back-edge to A: spin detection, then pc = A
	OpCall        // call proc A with its NParams arguments; push its result
	OpReturn      // return pop to the caller
	OpBuiltin     // call builtin A with B arguments; push its result (a step if the builtin is one)
	OpPop         // drop the top of the stack
	OpAssert      // if pop == 0: violation `assert` with message Strings[A]
	OpAtomicBegin // steps up to OpAtomicEnd run as one step
	OpAtomicEnd
	OpPrint   // print Prints[A], which consumes B values
	OpLoadReg // final conditions: push register B of CPU thread A
	OpEnd     // end of a thread's code
	OpView    // final conditions: cast the top through shared word A's view
	numOps
)

// opInfo describes an op for the disassembler, the decoder's validation and
// the VM's step classification.
type opInfo struct {
	Name    string
	Pop     int  // values popped (-1: depends on operands)
	Push    int  // values pushed
	Step    bool // always a visible step
	Operand byte // what A names: 0 none, 'c' const, 'i' immediate, 'l' local, 's' shared, 't' task, 'T' table, 'j' jump, 'p' proc, 'b' builtin, 'S' string, 'P' print, 'r' cpu
}

var opTable = [numOps]opInfo{
	OpNop:         {"nop", 0, 0, false, 0},
	OpConst:       {"const", 0, 1, false, 'c'},
	OpSmall:       {"small", 0, 1, false, 'i'},
	OpLoadLocal:   {"load", 0, 1, false, 'l'},
	OpStoreLocal:  {"store", 1, 0, false, 'l'},
	OpLoadShared:  {"load.shared", 0, 1, true, 's'},
	OpStoreShared: {"store.shared", 1, 0, true, 's'},
	OpLoadTask:    {"load.task", 0, 1, true, 't'},
	OpStoreTask:   {"store.task", 1, 0, true, 't'},
	OpAddrShared:  {"addr.shared", 0, 1, false, 's'},
	OpAddrTask:    {"addr.task", 0, 1, false, 't'},
	OpAddrTable:   {"addr.table", 1, 1, false, 'T'},
	OpAdd:         {"add", 2, 1, false, 0},
	OpSub:         {"sub", 2, 1, false, 0},
	OpMul:         {"mul", 2, 1, false, 0},
	OpDiv:         {"div", 2, 1, false, 0},
	OpMod:         {"mod", 2, 1, false, 0},
	OpAnd:         {"and", 2, 1, false, 0},
	OpOr:          {"or", 2, 1, false, 0},
	OpXor:         {"xor", 2, 1, false, 0},
	OpShl:         {"shl", 2, 1, false, 0},
	OpShr:         {"shr", 2, 1, false, 0},
	OpEq:          {"eq", 2, 1, false, 0},
	OpNe:          {"ne", 2, 1, false, 0},
	OpLt:          {"lt", 2, 1, false, 0},
	OpLe:          {"le", 2, 1, false, 0},
	OpGt:          {"gt", 2, 1, false, 0},
	OpGe:          {"ge", 2, 1, false, 0},
	OpNot:         {"not", 1, 1, false, 0},
	OpNeg:         {"neg", 1, 1, false, 0},
	OpCompl:       {"compl", 1, 1, false, 0},
	OpJump:        {"jump", 0, 0, false, 'j'},
	OpJumpIfZero:  {"jz", 1, 0, false, 'j'},
	OpJumpNonZero: {"jnz", 1, 0, false, 'j'},
	OpBackEdge:    {"backedge", 0, 0, false, 'j'},
	OpCall:        {"call", -1, 1, false, 'p'},
	OpReturn:      {"return", 1, 0, false, 0},
	OpBuiltin:     {"builtin", -1, 1, false, 'b'},
	OpPop:         {"pop", 1, 0, false, 0},
	OpAssert:      {"assert", 1, 0, false, 'S'},
	OpAtomicBegin: {"atomic.begin", 0, 0, false, 0},
	OpAtomicEnd:   {"atomic.end", 0, 0, false, 0},
	OpPrint:       {"print", -1, 0, false, 'P'},
	OpLoadReg:     {"load.reg", 0, 1, false, 'r'},
	OpEnd:         {"end", 0, 0, false, 0},
	OpView:        {"view", 1, 1, false, 's'},
}

func (op Op) String() string {
	if op < numOps {
		return opTable[op].Name
	}
	return fmt.Sprintf("op%d", op)
}

// Info exposes an op's table entry to the encoder and disassembler.
func (op Op) Info() (name string, pop, push int, operand byte, ok bool) {
	if op >= numOps {
		return "", 0, 0, 0, false
	}
	i := opTable[op]
	return i.Name, i.Pop, i.Push, i.Operand, true
}

// NumOps is the number of defined opcodes.
const NumOps = int(numOps)
