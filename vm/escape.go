package vm

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable escapes what a terminal would act on instead of showing: C0
// and C1 control characters (ESC starts ANSI and OSC sequences, "\r\n"
// could forge a "Verdict ok" line), DEL, invalid UTF-8 and the bidi
// controls that reorder what is shown. A script's test name, labels,
// print text and assert messages pass through it before a text report
// shows them; JSON escapes them itself.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unsafeRune(r) {
			return true
		}
	}
	return false
}

func unsafeRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
}

// asciiFor spells the non-ASCII characters reports use in ASCII.
var asciiFor = strings.NewReplacer(
	"│", "|", "─", "-", "…", "...", "→", "->", "←", "<-", "µ", "u", "·", ".",
	"≤", "<=", "≥", ">=", "≠", "!=", "×", "x", "—", "--", "–", "-", "‘", "'", "’", "'", "“", `"`, "”", `"`,
)

// ASCII spells s in ASCII: the report's own symbols by their ASCII
// spellings, any other non-ASCII character as '?'. It is for a terminal
// whose locale is not UTF-8 and for `--format mail`.
func ASCII(s string) string {
	s = asciiFor.Replace(s)
	for _, r := range s {
		if r >= utf8.RuneSelf {
			return strings.Map(func(r rune) rune {
				if r >= utf8.RuneSelf {
					return '?'
				}
				return r
			}, s)
		}
	}
	return s
}
