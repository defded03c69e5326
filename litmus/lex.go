package litmus

import (
	"strings"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tPunct
	tString
)

// token is one lexical token of a .litmus file, with its position.
type token struct {
	kind      tokKind
	text      string
	line, col int
	off       int
}

// lexer splits a region of a .litmus file into tokens. herdComments says
// whether `(* ... *)` is a comment (it is everywhere except inside C code,
// where `(*p)` is an expression).
type lexer struct {
	file         string
	src          []byte
	off          int
	line, col    int
	herdComments bool
	err          *Error
}

func newLexer(file string, src []byte) *lexer {
	return &lexer{file: file, src: src, line: 1, col: 1, herdComments: true}
}

// seek moves the lexer to byte offset off, recomputing line and column.
func (l *lexer) seek(off int) {
	line, col := posAt(l.src, off)
	l.off, l.line, l.col = off, line, col
}

// posAt returns the 1-based line and column of byte offset off.
func posAt(src []byte, off int) (int, int) {
	line, col := 1, 1
	for i := 0; i < off && i < len(src); i++ {
		if src[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func (l *lexer) adv(n int) {
	for i := 0; i < n && l.off < len(l.src); i++ {
		if l.src[l.off] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.off++
	}
}

func (l *lexer) at(s string) bool {
	return strings.HasPrefix(string(l.src[l.off:min(len(l.src), l.off+len(s))]), s)
}

// skip passes white space and comments.
func (l *lexer) skip() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.adv(1)
		case l.at("//"):
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.adv(1)
			}
		case l.at("/*"):
			line, col := l.line, l.col
			l.adv(2)
			for l.off < len(l.src) && !l.at("*/") {
				l.adv(1)
			}
			if l.off >= len(l.src) {
				l.setErr(line, col, "unterminated comment")
				return
			}
			l.adv(2)
		case l.herdComments && l.at("(*"):
			line, col := l.line, l.col
			depth := 0
			for l.off < len(l.src) {
				if l.at("(*") {
					depth++
					l.adv(2)
				} else if l.at("*)") {
					depth--
					l.adv(2)
					if depth == 0 {
						break
					}
				} else {
					l.adv(1)
				}
			}
			if depth != 0 {
				l.setErr(line, col, "unterminated comment")
				return
			}
		default:
			return
		}
	}
}

func (l *lexer) setErr(line, col int, msg string) {
	if l.err == nil {
		l.err = &Error{File: l.file, Line: line, Col: col, Msg: msg}
	}
}

var puncts = []string{
	"<<=", ">>=", "/\\", "\\/", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// next returns the next token.
func (l *lexer) next() token {
	l.skip()
	t := token{line: l.line, col: l.col, off: l.off}
	if l.err != nil || l.off >= len(l.src) {
		t.kind = tEOF
		return t
	}
	start := l.off
	c := l.src[l.off]
	switch {
	case isIdentStart(c):
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.adv(1)
		}
		t.kind = tIdent
	case c >= '0' && c <= '9':
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.adv(1)
		}
		t.kind = tNum
	case c == '"':
		l.adv(1)
		for l.off < len(l.src) && l.src[l.off] != '"' && l.src[l.off] != '\n' {
			l.adv(1)
		}
		if l.off < len(l.src) && l.src[l.off] == '"' {
			l.adv(1)
		}
		t.kind = tString
	default:
		t.kind = tPunct
		n := 1
		for _, p := range puncts {
			if l.at(p) {
				n = len(p)
				break
			}
		}
		l.adv(n)
	}
	t.text = string(l.src[start:l.off])
	return t
}

// parser is a token stream with one token of lookahead.
type parser struct {
	lx  *lexer
	tok token
}

func newParser(lx *lexer) *parser {
	p := &parser{lx: lx}
	p.advance()
	return p
}

func (p *parser) advance() { p.tok = p.lx.next() }

// peek returns the token after the current one without consuming anything.
func (p *parser) peek() token {
	save := *p.lx
	t := p.lx.next()
	*p.lx = save
	return t
}

// reset re-lexes the current token (after a change of lexer mode).
func (p *parser) reset() {
	p.lx.seek(p.tok.off)
	p.advance()
}

func (p *parser) errAt(t token, format string, args ...any) *Error {
	if p.lx.err != nil {
		return p.lx.err
	}
	return errAt(p.lx.file, t, format, args...)
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tPunct || p.tok.kind == tIdent) && p.tok.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expect(text string) (token, error) {
	t := p.tok
	if !p.is(text) {
		return t, p.errAt(t, "expected %q, found %s", text, describe(t))
	}
	p.advance()
	return t, nil
}

func (p *parser) ident() (token, error) {
	t := p.tok
	if t.kind != tIdent {
		return t, p.errAt(t, "expected a name, found %s", describe(t))
	}
	p.advance()
	return t, nil
}

func describe(t token) string {
	if t.kind == tEOF {
		return "end of file"
	}
	return "\"" + t.text + "\""
}
