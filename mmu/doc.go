// Package mmu is the simulated machine the VM's opcodes act on: physical
// pages and page tables, per-CPU TLBs, locks, RCU, static keys, IPIs and
// lazy-MMU state, the checkers that raise violations (use-after-free,
// break-before-make, lazy-mode contract, …), and the table of builtins
// scripts call by name.
//
// Embedders meet it for one thing: adding their own builtins. Copy the
// standard [Registry], register a [Builtin], and pass the registry to both
// the compiler and the checker:
//
//	reg := mmu.Builtins().Clone()
//	err := reg.Register(&mmu.Builtin{
//		Name:   "hw_poke", // hw_poke(ptep, v): a device writes a table entry
//		Arity:  2,
//		Kind:   mmu.Step, // one visible step: a scheduling point
//		Params: "..",
//		Void:   true,
//		Fn: func(c *mmu.Call) (uint64, mmu.Status) {
//			c.Set(c.Args[0], c.Args[1]) // recorded in the step's footprint
//			return 0, mmu.Done
//		},
//	})
//	prog, err := compiler.Compile(name, src, &compiler.Options{Builtins: reg})
//	res, err := vm.Check(ctx, prog, vm.Config{Builtins: reg})
//
// # Kinds and footprints
//
// A [Pure] builtin is a function of its arguments (it may appear in
// `final` conditions); a [Local] one touches only the calling CPU's
// private state and is not a scheduling point; a [Step] builtin is one
// visible step, and the scheduler may switch CPUs before and after it.
//
// Inside Fn, [Call.Get] and [Call.Set] read and write memory words: table
// entries (`&t[i]`, the pointers pte_offset_kernel returns) and shared
// words (`&x`). [Call.Touch] declares a read or write of an abstract
// location of the host's own, for state the host keeps outside the
// machine. These accesses are the step's footprint: two steps are
// dependent when their footprints share a location and one writes, and
// the explorer's partial-order reduction explores both orders only of
// dependent steps. A builtin whose footprint leaves out what it really
// touches hides races. [Builtin].Untracked declares the builtin
// independent of every step (its accesses are left out of footprints): a
// promise by the host, which the checker cannot verify.
//
// The explorer backtracks by undoing writes to the machine, so a builtin
// must keep any state that affects later steps in machine memory (Set),
// not in Go variables, and must be safe to call from several goroutines
// when checks run concurrently. Fn may raise a violation with
// c.M.Fail(kind, format, args...). A builtin made of several visible steps
// returns [Again] and is called again with Phase+1; one that must wait
// returns [Block] and is woken when a location it read changes.
//
// # Errors
//
// Register returns an error for a builtin without a name or a function.
// Violations raised during a step come back from the VM as *vm.Violation;
// a host builtin that panics ends its execution with a violation of kind
// "error" instead of crashing the host.
package mmu
