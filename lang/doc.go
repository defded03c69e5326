// Package lang parses .mmu page-table litmus scripts into a syntax tree with
// source positions. The language is described in LANGUAGE.md.
//
// Most users never call it: compiler.Compile parses, resolves and compiles
// in one call. Use lang directly to read a script's structure without
// compiling it, as an editor plugin or a script generator might:
//
//	f, err := lang.Parse("x.mmu", src)
//	if err != nil {
//		var lerr *lang.Error
//		if errors.As(err, &lerr) {
//			fmt.Fprintln(os.Stderr, lerr.Detail()) // x.mmu:3:7: message, the line, a caret
//		}
//		return err
//	}
//	for _, it := range f.Items {
//		if th, ok := it.(*lang.ThreadItem); ok {
//			fmt.Println(th.Kind, th.CPU, lang.PosOf(th.Pos))
//		}
//	}
//
// A [File] holds the top-level [Item]s in source order (test, arch,
// import, const, shared/task/static_key, table/mm/spinlock/rwsem, init,
// proc, cpu/irq, final, expect); blocks hold [Stmt]s, and expressions are
// [Expr]s. [Walk] and [WalkBlock] visit every statement.
//
// # Errors
//
// Every error from the parser, and from the compiler and module loader that
// build on it, is an [*Error]: a [Pos] (file, line and column, counting
// from 1), a message, the offending source line, and a suggested name when
// a plausible typo was found. Error() is "file:line:col: message";
// Detail() adds the source line and a caret under the column. The parser
// never panics on any input, and bounds nesting depth ([MaxNesting]).
package lang
