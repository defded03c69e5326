package lsp

import (
	"strings"
	"testing"
)

// TestDiagnosticRanges: each kind of error is flagged on the text it is
// about. The range is given as the text it covers.
func TestDiagnosticRanges(t *testing.T) {
	for _, tc := range []struct {
		name, src, covers, msg string
	}{
		{"unknown name", "shared x\ncpu 0 {\n  r = xy\n}\n", "xy", "xy"},
		{"parse error", "shared x\ncpu 0 {\n  x = = 1\n}\n", "=", "expected"},
		{"unterminated string", "test \"abc\n", "\"", "unterminated string"},
		{"unknown builtin", "table t\ncpu 0 {\n  set_ptee(&t[0], 1)\n}\n", "set_ptee", "set_ptee"},
		{"wrong arity", "table t\ncpu 0 {\n  set_pte(&t[0])\n}\n", "set_pte", "argument"},
		{"unclosed brace", "cpu 0 {\n  r = 1\n", "{", "never closed"},
		{"non-ASCII before", "// héllo wörld\nshared x\ncpu 0 { r = xy }\n", "xy", "xy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDocument("file:///x.mmu", 1, tc.src)
			if len(d.diags) != 1 {
				t.Fatalf("diagnostics %+v", d.diags)
			}
			g := d.diags[0]
			if got := d.textOf(g.Range); got != tc.covers || !strings.Contains(g.Message, tc.msg) {
				t.Errorf("%q covers %q, want %q; message %q", tc.src, got, tc.covers, g.Message)
			}
		})
	}
}

// textOf is the text a single-line range covers.
func (d *document) textOf(r Range) string {
	if r.Start.Line != r.End.Line {
		return "<multi-line>"
	}
	u := []rune(d.line(r.Start.Line + 1))
	start, end := runeIndex(u, r.Start.Character), runeIndex(u, r.End.Character)
	return string(u[start:end])
}

func runeIndex(u []rune, utf16Col int) int {
	n := 0
	for i, r := range u {
		if n >= utf16Col {
			return i
		}
		n += utf16Len(string(r))
	}
	return len(u)
}

const navigation = `table t
spinlock lk
shared x

proc take(x) {
  spin_lock(lk)
  return x
}

cpu 0 {
  spin_lock(lk)
  set_pte(&t[0], 1)
  r = take(x)
  spin_unlock(lk)
}
`

// TestNavigation: definition and references of procs, tables, locks and
// shared words; a proc parameter shadows the shared word of its name.
func TestNavigation(t *testing.T) {
	d := newDocument("file:///n.mmu", 1, navigation)
	if d.prog == nil {
		t.Fatalf("does not compile: %+v", d.diags)
	}
	for _, tc := range []struct {
		line, col int // a use
		defLine   int
		refs      int
	}{
		{12, 7, 4, 2},  // take
		{11, 11, 0, 2}, // t
		{10, 13, 1, 4}, // lk
		{12, 12, 2, 2}, // x: the declaration and cpu 0's use, not the proc's
	} {
		p := Position{tc.line, tc.col}
		tok, _ := d.tokenAt(p)
		defs := d.definition(p)
		if len(defs) != 1 || defs[0].Range.Start.Line != tc.defLine {
			t.Errorf("definition of %s: %+v, want line %d", tok.Text, defs, tc.defLine)
		}
		if refs := d.references(p, true); len(refs) != tc.refs {
			t.Errorf("references of %s: %d, want %d: %+v", tok.Text, len(refs), tc.refs, refs)
		}
	}
	syms := d.symbols()
	if len(syms) != 2 || syms[0].Name != "take" || syms[0].Kind != SymbolFunction || syms[1].Name != "cpu 0" {
		t.Errorf("symbols %+v", syms)
	}
}

func TestFormattingEdit(t *testing.T) {
	c := startServer(t)
	uri := "file:///tmp/f.mmu"
	c.call("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "mmu", "version": 1, "text": "shared x\ncpu 0 {\nx=1\n}"}})
	c.diagnostics(uri)
	var edits []TextEdit
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{}}, &edits)
	if len(edits) != 1 || edits[0].NewText != "shared x\ncpu 0 {\n  x = 1\n}\n" || edits[0].Range != rng(0, 0, 3, 1) {
		t.Errorf("edits %+v", edits)
	}
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Error(err)
	}
}
