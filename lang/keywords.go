package lang

// ItemKeywords start a top-level item; StmtKeywords are the other words of
// the grammar; ExpectKeywords are words only on an expect line (`ok` is a
// common variable name elsewhere). Editors' syntax files (editors/) and the
// playground's highlighter are tested against these lists.
var (
	ItemKeywords = []string{"test", "arch", "model", "import", "const", "shared", "task", "static_key",
		"table", "mm", "spinlock", "rwsem", "init", "proc", "cpu", "irq", "final", "locations", "filter", "expect", "page_reuse"}
	StmtKeywords = []string{"if", "else", "while", "for", "in", "break", "continue", "return", "assert",
		"await", "lazy", "irqoff", "atomic", "preemptible", "true", "false", "exists", "forall"}
	ExpectKeywords = []string{"ok", "fail"}
)
