package lang

import "strings"

// herdHints name the herd7 (.litmus) habits that a script author brings
// to a .mmu script, with what the script language writes instead. Each is
// recognised by the text at the error's column.
var herdHints = []struct {
	at   func(rest, line string) bool
	hint string
}{
	{func(rest, line string) bool {
		return strings.HasPrefix(rest, `/\`) || strings.HasPrefix(rest, `\`) && strings.HasSuffix(line[:len(line)-len(rest)], "/")
	}, "herd's /\\ is written && here"},
	{func(rest, _ string) bool { return strings.HasPrefix(rest, `\/`) }, "herd's \\/ is written || here"},
	{func(rest, _ string) bool { return strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "==") },
		"a comparison is written ==: herd's r0=1 is r0 == 1 here"},
	{func(rest, line string) bool {
		t := strings.TrimSpace(line)
		return strings.HasPrefix(rest, t) && (strings.HasPrefix(t, "exists") || strings.HasPrefix(t, "~exists") || strings.HasPrefix(t, "forall"))
	}, "a final condition starts with `final`: final exists (…)"},
	{func(rest, _ string) bool { return strings.HasPrefix(rest, ";") }, "no `;` here: a statement ends at the end of its line"},
}

// herdHint is a hint for the error at col of line, "" if none applies.
func herdHint(line string, col int) string {
	if col < 1 || col > len(line) {
		return ""
	}
	rest := line[col-1:]
	for _, h := range herdHints {
		if h.at(rest, line) {
			return " (" + h.hint + ")"
		}
	}
	return ""
}
