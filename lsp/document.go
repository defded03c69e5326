package lsp

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// document is an open script and what the server knows of it.
type document struct {
	uri     string
	path    string // the file name used in positions and for relative imports
	version int
	text    string
	lines   []string
	toks    []lang.Token // nil when the text does not lex
	file    *lang.File   // the last text that parsed (kept while the user types)
	prog    *vm.Program  // nil unless the current text compiles
	procs   []string     // the procs of the last text that compiled, imports included
	diags   []Diagnostic // parse and compile errors of the current text
	checked []Diagnostic // the verdict of the check after the last save
}

func newDocument(uri string, version int, text string) *document {
	d := &document{uri: uri, path: uriPath(uri)}
	d.update(version, text)
	return d
}

// uriPath turns a file: URI into a path; other URIs are used as they are.
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return uri
	}
	return filepath.FromSlash(u.Path)
}

// update re-analyses the document after an edit: lex, parse, compile.
func (d *document) update(version int, text string) {
	d.version, d.text = version, text
	d.lines = strings.Split(text, "\n")
	d.diags, d.prog = nil, nil
	src := []byte(text)
	toks, err := lang.Tokens(d.path, src)
	d.toks = toks
	if err != nil {
		d.diags = append(d.diags, d.errorDiagnostic(err))
		return
	}
	f, err := lang.Parse(d.path, src)
	if err != nil {
		d.diags = append(d.diags, d.errorDiagnostic(err))
		return
	}
	d.file = f
	opts := &compiler.Options{}
	if st, err := os.Stat(filepath.Dir(d.path)); err == nil && st.IsDir() {
		opts.Files = os.DirFS(filepath.Dir(d.path))
	}
	p, err := compiler.Compile(d.path, src, opts)
	if err != nil {
		d.diags = append(d.diags, d.errorDiagnostic(err))
		return
	}
	d.prog = p
	d.procs = nil
	for _, pr := range p.Procs {
		// the compiler's own entries ("cpu 0", "init", "final") are not callable
		if !strings.Contains(pr.Name, " ") && pr.Name != "init" && pr.Name != "final" {
			d.procs = append(d.procs, pr.Name)
		}
	}
}

// errorDiagnostic places an error on the token it points at. An error in
// an imported file is shown on the first line, naming where it is.
func (d *document) errorDiagnostic(err error) Diagnostic {
	var le *lang.Error
	if !errors.As(err, &le) || le.Pos.Line == 0 {
		return Diagnostic{Severity: SeverityError, Source: "mmuasm", Message: err.Error()}
	}
	msg := le.Msg
	if le.Suggest != "" {
		msg += " (did you mean " + le.Suggest + "?)"
	}
	if le.Pos.File != d.path {
		return Diagnostic{Severity: SeverityError, Source: "mmuasm", Message: le.Error()}
	}
	return Diagnostic{Range: d.rangeAt(le.Pos), Severity: SeverityError, Source: "mmuasm", Message: msg}
}

// rangeAt is the range of the token starting at p, or one character.
func (d *document) rangeAt(p lang.Pos) Range {
	for _, t := range d.toks {
		if t.Pos.Line == p.Line && t.Pos.Col == p.Col {
			return d.tokenRange(t)
		}
	}
	start := d.position(p.Line, p.Col)
	end := start
	if line := d.line(p.Line); start.Character < utf16Len(line) {
		end.Character++
	}
	return Range{Start: start, End: end}
}

func (d *document) tokenRange(t lang.Token) Range {
	start := d.position(t.Pos.Line, t.Pos.Col)
	nl := strings.Count(t.Text, "\n")
	if nl == 0 {
		return Range{Start: start, End: Position{Line: start.Line, Character: start.Character + utf16Len(t.Text)}}
	}
	last := t.Text[strings.LastIndexByte(t.Text, '\n')+1:]
	return Range{Start: start, End: Position{Line: start.Line + nl, Character: utf16Len(last)}}
}

func (d *document) line(n int) string {
	if n < 1 || n > len(d.lines) {
		return ""
	}
	return strings.TrimSuffix(d.lines[n-1], "\r")
}

// position converts a 1-based line and rune column into the protocol's
// 0-based line and UTF-16 character.
func (d *document) position(line, col int) Position {
	s := d.line(line)
	runes := 0
	i := 0
	for i < len(s) && runes < col-1 {
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
		runes++
	}
	return Position{Line: max(line-1, 0), Character: utf16Len(s[:i])}
}

// column converts a protocol position into a 1-based line and rune column.
func (d *document) column(p Position) (line, col int) {
	s := d.line(p.Line + 1)
	units, runes := 0, 0
	for _, r := range s {
		if units >= p.Character {
			break
		}
		units += len(utf16.Encode([]rune{r}))
		runes++
	}
	return p.Line + 1, runes + 1
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += len(utf16.Encode([]rune{r}))
	}
	return n
}

// tokenAt is the token under the cursor, or the one just before it (the
// cursor sits after the word being typed).
func (d *document) tokenAt(p Position) (lang.Token, bool) {
	line, col := d.column(p)
	for _, t := range d.toks {
		if t.Pos.Line == line && col >= t.Pos.Col && col <= t.Pos.Col+utf8.RuneCountInString(t.Text) && !strings.Contains(t.Text, "\n") {
			if t.Kind == lang.TokIdent || col < t.Pos.Col+utf8.RuneCountInString(t.Text) {
				return t, true
			}
		}
	}
	return lang.Token{}, false
}

// fullRange covers the whole text, for edits that replace it.
func (d *document) fullRange() Range {
	n := len(d.lines)
	return Range{End: Position{Line: n - 1, Character: utf16Len(d.lines[n-1])}}
}
