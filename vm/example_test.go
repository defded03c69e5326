package vm_test

import (
	"context"
	"fmt"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm"
)

// sbScript is the SB (store buffering) litmus test: each CPU stores to its
// own flag and loads the other's. Memory is sequentially consistent, so
// both loads cannot read 0.
const sbScript = `test "SB"
shared x, y

cpu 0 {
  x = 1
  r = y
}
cpu 1 {
  y = 1
  r = x
}

final ~exists (0:r == 0 && 1:r == 0)
expect ok
`

// Check explores every interleaving of a compiled program on one arch and
// returns the verdict, the number of executions and the distinct final
// states.
func ExampleCheck() {
	prog, err := compiler.Compile("sb.mmu", []byte(sbScript), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := vm.Check(context.Background(), prog, vm.Config{Arch: "arm64"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verdict:", res.Verdict)
	fmt.Println("expected:", res.Expected, "matched:", res.Matched)
	fmt.Println("executions:", res.Executions)
	fmt.Println("observation:", res.Observation)
	for _, s := range res.FinalStates {
		fmt.Printf("%d :> %s\n", s.Count, s.Values)
	}
	// Output:
	// verdict: ok
	// expected: ok matched: true
	// executions: 3
	// observation: Never
	// 1 :> 0:r=0; 1:r=1
	// 1 :> 0:r=1; 1:r=0
	// 1 :> 0:r=1; 1:r=1
}

// A violation comes with the schedule that causes it and its trace, one
// event per visible step.
func ExampleCheck_violation() {
	src := `shared count, done0, done1
cpu 0 {
  n = count
  count = n + 1
  done0 = 1
}
cpu 1 {
  n = count
  count = n + 1
  done1 = 1
}
cpu 2 "checker" {
  await done0 && done1
  assert count == 2, "an increment was lost"
}
`
	prog, err := compiler.Compile("lost.mmu", []byte(src), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := vm.Check(context.Background(), prog, vm.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verdict:", res.Verdict)
	v := res.Violations[0]
	fmt.Println(v.Kind+":", v.Msg)
	fmt.Println("schedule:", vm.EncodeSchedule(v.Schedule))
	for _, e := range v.Trace {
		fmt.Printf("%d %s %s: %s\n", e.Step, prog.PosString(e.Pos), res.Threads[e.Thread], e.Text)
	}
	// Output:
	// verdict: fail assert
	// assert: an increment was lost
	// schedule: 0,1,0*2,1*2,2*3
	// 1 lost.mmu:3:7 CPU 0: read count = 0
	// 2 lost.mmu:8:7 CPU 1: read count = 0
	// 3 lost.mmu:4:3 CPU 0: count = 1
	// 4 lost.mmu:5:3 CPU 0: done0 = 1
	// 5 lost.mmu:9:3 CPU 1: count = 1
	// 6 lost.mmu:10:3 CPU 1: done1 = 1
	// 7 lost.mmu:13:9 CPU 2: read done0 = 1
	// 8 lost.mmu:13:18 CPU 2: read done1 = 1
	// 9 lost.mmu:14:10 CPU 2: read count = 1
}

// A Machine runs one execution step by step, under the caller's control:
// Enabled lists the threads that can take a visible step, Step takes one,
// and Registers shows a thread's locals. Here the caller always picks the
// highest-numbered enabled thread, so CPU 1 runs first.
func ExampleNewMachine() {
	prog, err := compiler.Compile("sb.mmu", []byte(sbScript), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := vm.NewMachine(prog, "arm64", nil, vm.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	m.SetTracing(true)
	var buf []int
	for {
		buf = m.Enabled(buf)
		if len(buf) == 0 {
			break
		}
		id := buf[len(buf)-1]
		if err := m.Step(id); err != nil {
			fmt.Println(err)
			return
		}
		events := m.Events()
		fmt.Printf("enabled %v, step %s: %s\n", buf, m.ThreadName(id), events[len(events)-1].Text)
	}
	m.Finish() // end-of-execution checks: deadlock, locks still held
	fmt.Println("violation:", m.Violation())
	for i := 0; i < m.Threads(); i++ {
		if info := m.Info(i); info.Kind == vm.TaskThread {
			fmt.Println(info.Name, info.Status, m.Registers(i))
		}
	}
	holds, values := m.Final()
	fmt.Println("final:", values, "predicate holds:", holds)

	// Reset starts another execution from the state after init.
	m.Reset()
	fmt.Println("after reset:", m.Enabled(nil))
	// Output:
	// enabled [0 1], step CPU 1: y = 1
	// enabled [0 1], step CPU 1: read x = 0
	// enabled [0], step CPU 0: x = 1
	// enabled [0], step CPU 0: read y = 1
	// violation: <nil>
	// CPU 0 finished [{r 1}]
	// CPU 1 finished [{r 0}]
	// final: 0:r=1; 1:r=0 predicate holds: false
	// after reset: [0 1]
}

// Hosts add their own builtins to a copy of the standard registry and pass
// it to both the compiler (which checks calls against it) and the checker
// (which runs them). A Step builtin is one visible step; the memory it
// reads and writes through Call.Get and Call.Set is its footprint, which
// tells the explorer what it races with.
func ExampleCheck_hostBuiltin() {
	reg := mmu.Builtins().Clone()
	err := reg.Register(&mmu.Builtin{
		Name:   "hw_clear", // a device that clears a table entry behind the kernel's back
		Arity:  1,
		Kind:   mmu.Step,
		Params: ".",
		Void:   true,
		Fn: func(c *mmu.Call) (uint64, mmu.Status) {
			c.Set(c.Args[0], 0)
			return 0, mmu.Done
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	src := `table t
cpu 0 {
  set_pte(&t[0], pfn_pte(42, PAGE_KERNEL))
  r = pte_pfn(ptep_get(&t[0]))
}
cpu 1 {
  hw_clear(&t[0])
}
final forall (0:r == 42)
`
	prog, err := compiler.Compile("device.mmu", []byte(src), &compiler.Options{Builtins: reg})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := vm.Check(context.Background(), prog, vm.Config{Builtins: reg})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verdict:", res.Verdict, "executions:", res.Executions)
	for _, s := range res.FinalStates {
		fmt.Printf("%d :> %s\n", s.Count, s.Values)
	}
	fmt.Println("schedule:", vm.EncodeSchedule(res.Witness.Schedule))
	// Output:
	// verdict: fail condition executions: 3
	// 1 :> 0:r=0
	// 2 :> 0:r=42
	// schedule: 0,1,0
}
