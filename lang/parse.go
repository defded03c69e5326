package lang

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// MaxNesting bounds how deeply brackets and blocks may nest. Real scripts
// nest a handful of levels; the bound keeps hostile input from exhausting
// the parser's stack.
const MaxNesting = 200

var parser = participle.MustBuild[File](
	participle.Lexer(scriptLexer),
	participle.Elide("Comment", "Whitespace"),
	participle.UseLookahead(8),
	participle.ParseTypeWith(parseExpr),
	participle.Union[Item](
		&TestItem{}, &ArchItem{}, &ImportItem{}, &ConstItem{}, &VarsItem{},
		&ObjItem{}, &InitItem{}, &ProcItem{}, &ThreadItem{}, &FinalItem{},
		&ExpectItem{}, &ModelItem{}, &LocationsItem{}, &FilterItem{}, &PageReuseItem{},
	),
	participle.Union[Stmt](
		&IfStmt{}, &WhileStmt{}, &ForStmt{}, &JumpStmt{}, &ReturnStmt{},
		&AssertStmt{}, &AwaitStmt{}, &SectionStmt{}, &AssignStmt{}, &ExprStmt{},
	),
)

// Parse parses a script. Errors are *Error with the file name, line, column
// and source line.
func Parse(filename string, src []byte) (f *File, err error) {
	defer func() {
		// a bug of the parser must not take an embedding host down
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("lang.Parse: internal error: %v", p)
		}
	}()
	if err := checkNesting(filename, src); err != nil {
		return nil, err
	}
	f, err = parser.ParseBytes(filename, src)
	if err != nil {
		return nil, translate(filename, src, err)
	}
	f.Name, f.Src = filename, src
	if err := checkLiterals(f); err != nil {
		return nil, err
	}
	return f, nil
}

// checkNesting runs the lexer once before the parser to report what the
// grammar would describe badly: unterminated strings and comments, brackets
// that are never closed or closed by the wrong bracket, and input nested
// deeper than MaxNesting (which would exhaust the recursive parser's stack).
func checkNesting(filename string, src []byte) error {
	lex, err := scriptLexer.LexString(filename, string(src))
	if err != nil {
		return translate(filename, src, err)
	}
	var open []*lexer.Token
	// An `else if` nests the next if inside the previous one in the
	// grammar, so a chain counts as deep as it is long: chains[d] is the
	// length of the chain running at bracket depth d, chainSum their total.
	chains, chainSum := []int{0}, 0
	prevElse, closed := false, false
	for {
		t, err := lex.Next()
		if err != nil {
			return translate(filename, src, err)
		}
		if t.Type == tokSpace || t.Type == tokComment {
			continue
		}
		isElse := t.Type == tokIdent && t.Value == "else"
		if closed && !isElse {
			chainSum -= chains[len(open)]
			chains[len(open)] = 0
		}
		if prevElse && t.Type == tokIdent && t.Value == "if" {
			chains[len(open)]++
			chainSum++
			if len(open)+chainSum > MaxNesting {
				return Errorf(src, PosOf(t.Pos), "nested more than %d levels deep (counting each `else if`)", MaxNesting)
			}
		}
		prevElse, closed = isElse, t.Type == tokOp && t.Value == "}"
		switch {
		case t.EOF():
			if n := len(open); n > 0 {
				o := open[n-1]
				return Errorf(src, PosOf(o.Pos), "`%s` is never closed", o.Value)
			}
			return nil
		case t.Type == tokBadStr:
			return Errorf(src, PosOf(t.Pos), "unterminated string")
		case t.Type == tokBadCmt:
			return Errorf(src, PosOf(t.Pos), "unterminated comment")
		case t.Type != tokOp:
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			if len(open)+chainSum >= MaxNesting {
				why := ""
				if chainSum > 0 {
					why = " (counting each `else if`)"
				}
				return Errorf(src, PosOf(t.Pos), "nested more than %d levels deep%s", MaxNesting, why)
			}
			tok := t
			open = append(open, &tok)
			chains = append(chains, 0)
		case ")", "]", "}":
			if len(open) == 0 {
				return Errorf(src, PosOf(t.Pos), "`%s` without a matching opening bracket", t.Value)
			}
			o := open[len(open)-1]
			if closing[o.Value] != t.Value {
				return Errorf(src, PosOf(t.Pos), "expected `%s` to close the `%s` at line %d, found `%s`",
					closing[o.Value], o.Value, o.Pos.Line, t.Value)
			}
			open = open[:len(open)-1]
			chainSum -= chains[len(chains)-1]
			chains = chains[:len(chains)-1]
		}
	}
}

var closing = map[string]string{"(": ")", "[": "]", "{": "}"}

// checkLiterals validates the literals that the declarative grammar captures
// as raw text (CPU numbers, strings).
func checkLiterals(f *File) error {
	for _, it := range f.Items {
		switch it := it.(type) {
		case *ThreadItem:
			if _, err := ParseNumber(it.CPU); err != nil {
				return Errorf(f.Src, PosOf(it.Pos), "%s", err)
			}
			if it.Label != "" {
				s, err := Unquote(it.Label)
				if err != nil {
					return Errorf(f.Src, PosOf(it.Pos), "%s", err)
				}
				it.Label = s
			}
		case *TestItem:
			s, err := Unquote(it.Name)
			if err != nil {
				return Errorf(f.Src, PosOf(it.Pos), "%s", err)
			}
			it.Name = s
		case *ImportItem:
			s, err := Unquote(it.Path)
			if err != nil {
				return Errorf(f.Src, PosOf(it.Pos), "%s", err)
			}
			it.Path = s
		}
	}
	return unquoteMessages(f)
}

func unquoteMessages(f *File) error {
	var err error
	Walk(f, func(s Stmt) {
		if a, ok := s.(*AssertStmt); ok && a.Msg != "" && err == nil {
			m, e := Unquote(a.Msg)
			if e != nil {
				err = Errorf(f.Src, PosOf(a.Pos), "%s", e)
			}
			a.Msg = m
		}
	})
	return err
}

// Walk calls fn for every statement of every block in f, outer first.
func Walk(f *File, fn func(Stmt)) {
	for _, it := range f.Items {
		switch it := it.(type) {
		case *InitItem:
			WalkBlock(it.Body, fn)
		case *ProcItem:
			WalkBlock(it.Body, fn)
		case *ThreadItem:
			WalkBlock(it.Body, fn)
		}
	}
}

// WalkBlock calls fn for every statement in b and its nested blocks.
func WalkBlock(b *Block, fn func(Stmt)) {
	if b == nil {
		return
	}
	for _, s := range b.Stmts {
		fn(s)
		switch s := s.(type) {
		case *IfStmt:
			for e := s; e != nil; e = e.Elif {
				WalkBlock(e.Then, fn)
				WalkBlock(e.Else, fn)
			}
		case *WhileStmt:
			WalkBlock(s.Body, fn)
		case *ForStmt:
			WalkBlock(s.Body, fn)
		case *SectionStmt:
			WalkBlock(s.Body, fn)
		}
	}
}

// translate turns participle's errors into positioned errors that name
// grammar things the way a script author would.
func translate(filename string, src []byte, err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &Error{Pos: Pos{File: filename}, Msg: err.Error()}
	}
	pos := PosOf(perr.Position())
	if pos.File == "" {
		pos.File = filename
	}
	msg := perr.Message()
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		msg = unexpectedMessage(ute)
	} else if strings.Contains(msg, "invalid input text") {
		msg = invalidInput(src, pos)
	}
	line := SourceLine(src, pos.Line)
	return &Error{Pos: pos, Msg: msg + herdHint(line, pos.Col), Line: line}
}

func unexpectedMessage(ute *participle.UnexpectedTokenError) string {
	found := "the end of the file"
	if !ute.Unexpected.EOF() {
		found = fmt.Sprintf("%q", ute.Unexpected.Value)
	}
	want := friendlyExpect(ute.Expect)
	if want == "" {
		if ute.Unexpected.EOF() {
			return "unexpected end of file"
		}
		return "unexpected " + found
	}
	return fmt.Sprintf("expected %s, found %s", want, found)
}

var quotedToken = regexp.MustCompile(`"([^"]*)"`)

// friendlyExpect rewrites participle's expectation (a literal, a token type or
// a Go type name) into words.
func friendlyExpect(e string) string {
	switch e {
	case "":
		return ""
	case "<ident>", "Ident":
		return "a name"
	case "<int>", "Int":
		return "a number"
	case "<string>", "String":
		return "a string"
	case "Item":
		return "a declaration (test, arch, shared, cpu, proc, final, expect, …)"
	case "Stmt":
		return "a statement"
	case "Expr":
		return "an expression"
	case "Block":
		return "`{`"
	}
	if m := quotedToken.FindStringSubmatch(e); m != nil {
		return "`" + m[1] + "`"
	}
	return e
}

func invalidInput(src []byte, pos Pos) string {
	line := SourceLine(src, pos.Line)
	if pos.Col-1 < len(line) && pos.Col > 0 {
		rest := line[pos.Col-1:]
		switch {
		case strings.HasPrefix(rest, "/*"):
			return "unterminated comment"
		case strings.HasPrefix(rest, `"`):
			return "unterminated string"
		}
		return fmt.Sprintf("unexpected character %q", rest[:1])
	}
	return "unexpected character"
}
