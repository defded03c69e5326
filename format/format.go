// Package format lays out .mmu scripts in one canonical form, as gofmt does
// for Go: two-space indentation by bracket depth, one space around binary
// operators and after commas, none inside brackets or after a prefix
// operator, at most one blank line in a row, and trailing comments of
// consecutive lines aligned. Comments are kept, and so are the author's line
// breaks (a `return` takes its value only from its own line, so line breaks
// can carry meaning).
//
// The output has exactly the tokens of the input, in order: Source checks
// that before returning, so formatting never changes what a script means.
package format

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
)

// indentUnit is one level of indentation: the repo's scripts use two spaces.
const indentUnit = "  "

// Source returns the canonical layout of a script. A script that does not
// parse is refused with the parser's *lang.Error: its layout is not
// reformatted, so that a typo is not spread over the file.
func Source(filename string, src []byte) ([]byte, error) {
	if _, err := lang.Parse(filename, src); err != nil {
		return nil, err
	}
	toks, err := lang.Tokens(filename, src)
	if err != nil {
		return nil, err
	}
	out := render(splitLines(toks))
	if err := sameTokens(filename, toks, out); err != nil {
		return nil, err
	}
	return out, nil
}

// line is one output line: its tokens, its indentation depth, and the blank
// lines kept before it.
type line struct {
	toks   []lang.Token
	depth  int
	blanks int
}

// splitLines groups tokens into source lines and computes each line's depth.
func splitLines(toks []lang.Token) []*line {
	var lines []*line
	for i, t := range toks {
		if i == 0 || t.Newlines > 0 {
			blanks := 0
			if i > 0 && t.Newlines > 1 {
				blanks = 1
			}
			lines = append(lines, &line{blanks: blanks})
		}
		l := lines[len(lines)-1]
		l.toks = append(l.toks, t)
	}
	setDepths(lines)
	return lines
}

// setDepths indents each line by the number of earlier lines that left a
// bracket open; a line starting with closing brackets is dedented for
// them. Counting lines rather than brackets indents `f(g(` once, as gofmt
// does. A statement continued past an operator at the end of a line
// (outside parentheses, which indent already) is indented once more.
func setDepths(lines []*line) {
	var open []opened
	for i, l := range lines {
		j := 0
		for ; j < len(l.toks) && isCloser(l.toks[j]); j++ {
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		}
		l.depth = distinct(open)
		if i > 0 && continues(lines[i-1]) && (len(open) == 0 || open[len(open)-1].brace && open[len(open)-1].line != i-1) {
			l.depth++
		}
		for _, t := range l.toks[j:] {
			switch {
			case isOpener(t):
				open = append(open, opened{line: i, brace: t.Text == "{"})
			case isCloser(t) && len(open) > 0:
				open = open[:len(open)-1]
			}
		}
	}
}

// opened is an open bracket: the line that opened it, and whether it is a
// brace (a block) rather than a parenthesis or square bracket.
type opened struct {
	line  int
	brace bool
}

// continues reports whether a line ends inside an expression: on a binary
// operator, a comma or an `=`, outside any bracket it opened.
func continues(l *line) bool {
	toks := l.toks
	for len(toks) > 0 && toks[len(toks)-1].Kind == lang.TokComment {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 || toks[len(toks)-1].Kind != lang.TokOp {
		return false
	}
	switch toks[len(toks)-1].Text {
	case "(", "[", "{", ")", "]", "}", "!", "~":
		return false
	}
	return true
}

func distinct(open []opened) int {
	n := 0
	for i, o := range open {
		if i == 0 || open[i-1].line != o.line {
			n++
		}
	}
	return n
}

func isOpener(t lang.Token) bool {
	return t.Kind == lang.TokOp && (t.Text == "(" || t.Text == "[" || t.Text == "{")
}

func isCloser(t lang.Token) bool {
	return t.Kind == lang.TokOp && (t.Text == ")" || t.Text == "]" || t.Text == "}")
}

// render prints the lines, aligning the trailing comments of runs of
// consecutive lines.
func render(lines []*line) []byte {
	texts := make([]string, len(lines))
	comments := make([]string, len(lines))
	for i, l := range lines {
		code := l.toks
		if n := len(code); n > 1 && code[n-1].Kind == lang.TokComment && !strings.Contains(code[n-1].Text, "\n") {
			comments[i], code = code[n-1].Text, code[:n-1]
		}
		texts[i] = strings.Repeat(indentUnit, l.depth) + joinTokens(code)
	}
	var b bytes.Buffer
	for i := 0; i < len(lines); {
		end := i + 1
		if comments[i] != "" {
			for end < len(lines) && comments[end] != "" && lines[end].blanks == 0 {
				end++
			}
		}
		width := 0
		for k := i; k < end; k++ {
			width = max(width, len([]rune(texts[k])))
		}
		for k := i; k < end; k++ {
			if lines[k].blanks > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(texts[k])
			if comments[k] != "" {
				b.WriteString(strings.Repeat(" ", width-len([]rune(texts[k]))+1))
				b.WriteString(comments[k])
			}
			b.WriteByte('\n')
		}
		i = end
	}
	return b.Bytes()
}

// sameTokens re-lexes the output and checks it has the input's tokens and
// line structure: the guarantee that formatting kept the meaning.
func sameTokens(filename string, want []lang.Token, out []byte) error {
	got, err := lang.Tokens(filename, out)
	if err != nil {
		return fmt.Errorf("format: internal error: output does not lex: %w", err)
	}
	if len(got) != len(want) {
		return fmt.Errorf("format: internal error: %d tokens in, %d out", len(want), len(got))
	}
	for i := range got {
		if got[i].Text != want[i].Text || i > 0 && (got[i].Newlines > 0) != (want[i].Newlines > 0) {
			return fmt.Errorf("format: internal error: token %q at %s became %q", want[i].Text, want[i].Pos, got[i].Text)
		}
	}
	return nil
}
