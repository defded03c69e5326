package format

import (
	"strings"

	"github.com/mmuvm/mmuvm/lang"
)

// prefixKeywords are the words after which `-`, `&`, `!`, `~` and `(` start
// an operand: `return -1`, `if (a)`, `final ~exists (…)`.
var prefixKeywords = map[string]bool{
	"return": true, "assert": true, "await": true, "if": true, "while": true,
	"in": true, "exists": true, "forall": true, "filter": true, "final": true,
	"const": true, "locations": true,
}

// glued are operator pairs that would lex as one token if written together.
var glued = []string{"&&", "||", "..", "<<", ">>", "<=", ">=", "==", "!=", "//", "/*"}

// joinTokens prints one line's tokens with canonical spacing.
func joinTokens(toks []lang.Token) string {
	var b strings.Builder
	hyphenNames := len(toks) > 0 && (toks[0].Text == "arch" || toks[0].Text == "expect") && toks[0].Kind == lang.TokIdent
	for i, t := range toks {
		if i > 0 && spaceBetween(toks, i, hyphenNames) {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// spaceBetween decides whether toks[i-1] and toks[i] are separated by a space.
func spaceBetween(toks []lang.Token, i int, hyphenNames bool) bool {
	prev, cur := toks[i-1], toks[i]
	if prev.Kind == lang.TokOp && cur.Kind == lang.TokOp {
		for _, g := range glued {
			if prev.Text+cur.Text == g || strings.HasPrefix(prev.Text+cur.Text, g) && len(prev.Text) < len(g) {
				return true
			}
		}
	}
	if prev.Kind == lang.TokComment || cur.Kind == lang.TokComment {
		return true
	}
	switch op(cur) {
	case ",", ")", "]":
		return false
	case "(", "[":
		return !(prev.Kind == lang.TokIdent && !prefixKeywords[prev.Text]) && !isUnary(toks, i-1)
	case ":":
		return false
	case "..":
		return false
	case "-":
		if hyphenNames {
			return false
		}
	}
	switch op(prev) {
	case "(", "[", "..":
		return false
	case ":":
		return i < 2 || toks[i-2].Kind != lang.TokInt // 0:r0, but `expect arm64: ok`
	case "-":
		if hyphenNames {
			return false
		}
	}
	return !isUnary(toks, i-1)
}

// isUnary reports whether the operator toks[i] is a prefix operator: one
// that starts an operand rather than joining two.
func isUnary(toks []lang.Token, i int) bool {
	switch op(toks[i]) {
	case "!", "~":
		return true
	case "-", "&":
	default:
		return false
	}
	if i == 0 {
		return true
	}
	p := toks[i-1]
	switch p.Kind {
	case lang.TokIdent:
		return prefixKeywords[p.Text]
	case lang.TokOp:
		return p.Text != ")" && p.Text != "]" && p.Text != "}"
	case lang.TokComment:
		return true
	}
	return false
}

// op is the text of an operator token, "" for any other token.
func op(t lang.Token) string {
	if t.Kind != lang.TokOp {
		return ""
	}
	return t.Text
}
