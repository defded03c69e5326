// Package vm runs compiled .mmu programs on a simulated MMU and explores
// every interleaving of their CPUs' visible steps.
//
// A [Program] comes from github.com/mmuvm/mmuvm/compiler (compiler.Compile, or
// compiler.Decode for a .mmub file). [Check] explores it on one arch and
// returns a [Result]: the verdict ("ok", "fail KIND[,KIND…]" or
// "incomplete"), how many executions it took, the distinct final states
// of a `final` condition, and for each violation kind found the first
// [Violation] with the schedule that causes it and its trace:
//
//	prog, err := compiler.Compile("sb.mmu", src, nil)
//	if err != nil {
//		return err // a *lang.Error: file:line:col, message, Detail() with a caret
//	}
//	res, err := vm.Check(ctx, prog, vm.Config{Arch: "arm64"})
//	if err != nil {
//		return err // a bad configuration: unknown arch, missing builtin
//	}
//	fmt.Println(res.Verdict, res.Executions)
//	for _, v := range res.Violations {
//		fmt.Println(v.Kind, v.Msg, vm.EncodeSchedule(v.Schedule))
//	}
//
// [Config] selects the arch (default: the first of the script's `arch`
// line), the search ("auto", the default: partial-order reduction, then a
// stateful search past a budget; "dpor", "state", "dfs", "random"), whether
// to go on past the first violation (All), the bounds ([Limits]: steps per
// execution, executions), a Timeout, and the builtin registry. The context
// cancels a check. A check cut short by the context, the Timeout or the
// executions bound names it in Result.Bounds, and if it found no violation
// its verdict is "incomplete", never "ok"; an execution that reaches the
// steps bound is a violation of kind "limit".
// Checks are deterministic: the same program, arch and Config give the
// same executions in the same order and the same counterexample.
//
// A Program is immutable: Check may be called on one Program from many
// goroutines at once. [WriteResult] prints a Result as the herd-like block
// mmuasm prints (it includes the elapsed time), and [WriteTrace] and
// [WriteCounterexample] print a trace as a table with one column per CPU.
//
// To run one execution by hand, as a REPL or a debugger does, build a
// [Machine] with [NewMachine]: [Machine.Enabled] lists the threads that
// can take a visible step, [Machine.Step] takes one, [Machine.Info] and
// [Machine.Registers] show a thread, [Machine.Finish] and
// [Machine.Violation] give the verdict of the execution, [Machine.Final]
// evaluates the `final` condition, and [Machine.Reset] starts again from
// the state after `init`. [Replay] runs a whole schedule, such as
// Violation.Schedule or a token parsed by [DecodeSchedule].
//
// # Threads
//
// A Machine's threads are numbered: the `cpu` blocks first (in CPU
// order), then the `irq` handlers, then one IPI thread per CPU that
// answers TLB-flush and synchronisation IPIs. Schedules and
// [Event].Thread use these numbers; Result.Threads names them.
//
// # Host builtins
//
// A host adds its own builtins to a copy of the standard registry
// (mmu.Builtins().Clone(), then Register) and passes that registry to
// both the compiler (compiler.Options.Builtins) and [Config].Builtins (or
// [NewMachine]). What a Step builtin reads and writes through
// mmu.Call.Get, Set and Touch is its footprint, which is what the
// explorer's partial-order reduction orders: a builtin declared
// Untracked is promised to be independent of everything, and the orders
// in which it would matter are not explored. See the package mmu
// documentation.
//
// # Errors
//
// Nothing panics across the API. A broken rule in an execution is a
// [*Violation] (it implements error) with Kind, Msg, the Schedule that
// leads to it and, for reported violations, its Trace; Check returns
// violations inside the Result, not as its error. Check's error is for a
// check that could not run: an unknown arch, a program that calls a
// builtin the registry lacks. A host builtin that panics ends its
// execution with a violation of kind "error" that quotes the panic.
package vm
