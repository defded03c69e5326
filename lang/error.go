package lang

import (
	"fmt"
	"strings"
)

// Pos is a position in a source file. Line and Col count from 1; a zero Line
// means "no position".
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a positioned error from any stage that sees source: the parser, the
// compiler, and the loaders of modules. It carries the offending source line
// so that a caller can show it with a caret.
type Error struct {
	Pos     Pos
	Msg     string
	Line    string // the source line at Pos, without its newline ("" if unknown)
	Suggest string // a closest known name, if any
}

func (e *Error) Error() string {
	msg := e.Msg
	if e.Suggest != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", e.Suggest)
	}
	return e.Pos.String() + ": " + msg
}

// Detail is Error() followed by the source line and a caret under the column.
func (e *Error) Detail() string {
	var b strings.Builder
	b.WriteString(e.Error())
	if e.Line != "" && e.Pos.Col > 0 {
		line, col := excerpt(printable(e.Line), e.Pos.Col-1)
		b.WriteString("\n    ")
		b.WriteString(line)
		b.WriteString("\n    ")
		b.WriteString(strings.Repeat(" ", col))
		b.WriteString("^")
	}
	return b.String()
}

// Errorf builds an Error at pos, filling in the source line from src.
func Errorf(src []byte, pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Line: SourceLine(src, pos.Line)}
}

// SourceLine returns line n (from 1) of src without its newline.
func SourceLine(src []byte, n int) string {
	if n <= 0 {
		return ""
	}
	s := string(src)
	for i := 1; i < n; i++ {
		j := strings.IndexByte(s, '\n')
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexByte(s, '\n'); j >= 0 {
		s = s[:j]
	}
	return strings.TrimRight(s, "\r")
}

// Closest returns the candidate nearest to name by edit distance, or "" when
// none is near enough to be a plausible typo.
func Closest(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestD || (d == bestD && best != "" && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// excerpt cuts a long line to a window around col, so that the caret stays
// readable; it returns the window and the caret's column in it.
func excerpt(line string, col int) (string, int) {
	const width = 100
	col = max(0, min(col, len(line)))
	if len(line) <= width {
		return line, col
	}
	start := max(0, min(col-width/2, len(line)-width))
	end := min(len(line), start+width)
	out := line[start:end]
	c := col - start
	if start > 0 {
		out, c = "…"+out, c+1
	}
	if end < len(line) {
		out += "…"
	}
	return out, c
}

// printable replaces tabs by spaces and control or invalid bytes by '?', so
// that the caret lines up and a terminal is not disturbed by binary input.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case c == '\t':
			b[i] = ' '
		case c < 0x20 || c >= 0x7f:
			b[i] = '?'
		}
	}
	return string(b)
}
