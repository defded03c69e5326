package lang

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// scriptLexer tokenises .mmu source. Numbers are lexed loosely (any run of
// digits, letters and underscores starting with a digit) so that a malformed
// number is reported as such rather than as a stray identifier.
var scriptLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Comment", Pattern: `//[^\n]*|/\*([^*]|\*+[^*/])*\*+/`},
	{Name: "String", Pattern: `"(\\.|[^"\\\n])*"`},
	{Name: "BadString", Pattern: `"`},
	{Name: "BadComment", Pattern: `/\*`},
	{Name: "Int", Pattern: `[0-9][0-9A-Za-z_]*`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_]*`},
	{Name: "Op", Pattern: `\.\.|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=(){}\[\],:]`},
	{Name: "Whitespace", Pattern: `[ \t\r\n]+`},
})

var (
	tokInt     = scriptLexer.Symbols()["Int"]
	tokString  = scriptLexer.Symbols()["String"]
	tokIdent   = scriptLexer.Symbols()["Ident"]
	tokOp      = scriptLexer.Symbols()["Op"]
	tokBadStr  = scriptLexer.Symbols()["BadString"]
	tokBadCmt  = scriptLexer.Symbols()["BadComment"]
	tokSpace   = scriptLexer.Symbols()["Whitespace"]
	tokComment = scriptLexer.Symbols()["Comment"]
)

// ParseNumber converts an integer literal: decimal, 0x hex, 0b binary, with
// `_` separators and an optional K/M/G size suffix (x1024^n).
func ParseNumber(text string) (uint64, error) {
	s := text
	shift := uint(0)
	if n := len(s); n > 1 && !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		switch s[n-1] {
		case 'K':
			shift = 10
		case 'M':
			shift = 20
		case 'G':
			shift = 30
		}
		if shift != 0 {
			s = s[:n-1]
		}
	}
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		base, s = 16, s[2:]
	case strings.HasPrefix(s, "0b") || strings.HasPrefix(s, "0B"):
		base, s = 2, s[2:]
	}
	// `_` only separates digits: not first, not last, never doubled.
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, fmt.Errorf("bad number %q", text)
	}
	s = strings.ReplaceAll(s, "_", "")
	v, err := strconv.ParseUint(s, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, fmt.Errorf("number %q does not fit in 64 bits", text)
		}
		return 0, fmt.Errorf("bad number %q", text)
	}
	if shift != 0 && v > (^uint64(0))>>shift {
		return 0, fmt.Errorf("number %q does not fit in 64 bits", text)
	}
	return v << shift, nil
}

// Unquote decodes a string literal's escapes.
func Unquote(text string) (string, error) {
	s, err := strconv.Unquote(text)
	if err != nil {
		return "", fmt.Errorf("bad string literal %s", text)
	}
	return s, nil
}
