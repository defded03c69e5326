package lang

// TokenKind classifies a token of the surface syntax, for tools that work
// on the text rather than the tree: the formatter, the language server, the
// playground's highlighter.
type TokenKind int

const (
	TokComment TokenKind = iota
	TokString
	TokInt
	TokIdent
	TokOp
)

// Token is one token with its position and the line breaks in the white
// space before it (0 when it continues the previous token's line).
type Token struct {
	Kind     TokenKind
	Text     string
	Pos      Pos
	Newlines int
}

// Tokens lexes src into its tokens, comments included and white space left
// out. It reports the errors the parser would (unterminated strings and
// comments, stray characters) as *Error.
func Tokens(filename string, src []byte) ([]Token, error) {
	lex, err := scriptLexer.LexString(filename, string(src))
	if err != nil {
		return nil, translate(filename, src, err)
	}
	kinds := map[int]TokenKind{
		int(tokComment): TokComment, int(tokString): TokString, int(tokInt): TokInt,
		int(tokIdent): TokIdent, int(tokOp): TokOp,
	}
	var out []Token
	nl := 0
	for {
		t, err := lex.Next()
		if err != nil {
			return nil, translate(filename, src, err)
		}
		switch {
		case t.EOF():
			return out, nil
		case t.Type == tokSpace:
			nl += countNewlines(t.Value)
			continue
		case t.Type == tokBadStr:
			return nil, Errorf(src, PosOf(t.Pos), "unterminated string")
		case t.Type == tokBadCmt:
			return nil, Errorf(src, PosOf(t.Pos), "unterminated comment")
		}
		out = append(out, Token{Kind: kinds[int(t.Type)], Text: t.Value, Pos: PosOf(t.Pos), Newlines: nl})
		nl = 0
	}
}

func countNewlines(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}
