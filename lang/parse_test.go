package lang

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// sexpr renders an expression as a fully parenthesised prefix form, so that
// tests can state the shape of an AST in one string.
func sexpr(e Expr) string {
	switch e := e.(type) {
	case nil:
		return "<nil>"
	case *Num:
		return fmt.Sprint(e.Val)
	case *Str:
		return fmt.Sprintf("%q", e.Val)
	case *Name:
		return e.Name
	case *Reg:
		return fmt.Sprintf("%d:%s", e.CPU, e.Name)
	case *Call:
		parts := []string{e.Name}
		for _, a := range e.Args {
			parts = append(parts, sexpr(a))
		}
		return "(call " + strings.Join(parts, " ") + ")"
	case *Index:
		return fmt.Sprintf("(index %s %s)", e.Name, sexpr(e.Index))
	case *Unary:
		return fmt.Sprintf("(%s %s)", e.Op, sexpr(e.X))
	case *Binary:
		return fmt.Sprintf("(%s %s %s)", e.Op, sexpr(e.X), sexpr(e.Y))
	}
	return fmt.Sprintf("<%T>", e)
}

func mustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("t.mmu", []byte(src))
	if err != nil {
		var le *Error
		if errors.As(err, &le) {
			t.Fatalf("parse %q: %s", src, le.Detail())
		}
		t.Fatalf("parse %q: %v", src, err)
	}
	return f
}

// firstStmt parses body inside a cpu block and returns its first statement.
func firstStmt(t *testing.T, body string) Stmt {
	t.Helper()
	f := mustParse(t, "cpu 0 {\n"+body+"\n}\n")
	th := f.Items[0].(*ThreadItem)
	if len(th.Body.Stmts) == 0 {
		t.Fatalf("%q: no statement", body)
	}
	return th.Body.Stmts[0]
}

// exprOf parses `x = EXPR` in a cpu block and returns the expression.
func exprOf(t *testing.T, src string) Expr {
	t.Helper()
	s, ok := firstStmt(t, "x = "+src).(*AssignStmt)
	if !ok {
		t.Fatalf("%q: not an assignment", src)
	}
	return s.Value
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		// items
		{"test", `test "a name with \"quotes\""`},
		{"arch one", `arch arm64`},
		{"arch list", `arch arm64, x86pae, x86pae-pv, xenpv`},
		{"import module", `import "lazy"`},
		{"import path", `import "./helpers.mmu"`},
		{"const", `const N = 4`},
		{"const expr", `const VA = 0x400000 + 2 * 4K`},
		{"shared", `shared x`},
		{"shared list", `shared x = 0, y, z = 0x10`},
		{"task", `task n = 0, m`},
		{"static_key", `static_key k`},
		{"static_key true", `static_key k = true, j = false`},
		{"table", `table t`},
		{"tables", `table t, u`},
		{"mm", `mm user, other`},
		{"spinlock", `spinlock l`},
		{"rwsem", `rwsem s, s2`},
		{"init", "init {\n  map(init_mm, 0x1000, 4K, 1, PAGE_KERNEL)\n}"},
		{"proc no params", `proc f() { return }`},
		{"proc params", `proc f(a, b) { return a + b }`},
		{"cpu", `cpu 0 { }`},
		{"cpu label", `cpu 3 "writer" { x = 1 }`},
		{"cpu preemptible", `cpu 0 preemptible { x = 1 }`},
		{"cpu label preemptible", `cpu 0 "writer" preemptible { x = 1 }`},
		{"cpu hex number", `cpu 0x2 { }`},
		{"irq", `irq 0 { }`},
		{"irq label", `irq 1 "tick" { y = 2 }`},
		{"final exists", `final exists (0:r == 1)`},
		{"final not exists", `final ~exists (0:r0 == 0 && 1:r0 == 0)`},
		{"final forall", `final forall (x == 1 || 1:r != 0)`},
		{"final builtins", `final exists (pte_pfn(2:r) == 5 && ptep_get(&t[2]) == 0)`},
		{"expect ok", `expect ok`},
		{"expect fail", `expect fail deadlock`},
		{"expect fail dashed", `expect fail use-after-free`},
		{"expect arch ok", `expect xenpv: ok`},
		{"expect arch fail", `expect x86pae-pv: fail use-after-free`},
		{"comments", "// line\n/* block\n * more */ cpu 0 { /* in */ x = 1 // tail\n}"},
		{"empty", ``},
		{"only comment", `// nothing`},
		{"crlf", "cpu 0 {\r\n  x = 1\r\n}\r\n"},
		{"tabs", "cpu 0 {\n\tx = 1\n}"},

		// statements
		{"assign", `cpu 0 { x = 1 }`},
		{"call", `cpu 0 { spin_lock(l) }`},
		{"call no args", `cpu 0 { flush_tlb_all() }`},
		{"if", `cpu 0 { if x { y = 1 } }`},
		{"if else", `cpu 0 { if x == 1 { y = 1 } else { y = 2 } }`},
		{"if else if else", `cpu 0 { if x { y = 1 } else if z { y = 2 } else if w { y = 3 } else { y = 4 } }`},
		{"while", `cpu 0 { while x < 10 { x = x + 1 } }`},
		{"while true", `cpu 0 { while true { break } }`},
		{"for", `cpu 0 { for i in 0..N { x = i } }`},
		{"for exprs", `cpu 0 { for i in a + 1..n * 2 { continue } }`},
		{"break continue", `cpu 0 { while 1 { if x { break } continue } }`},
		{"return", `cpu 0 { return }`},
		{"return value", `proc f() { return 1 + 2 }`},
		{"return then brace", `proc f() { if x { return } return }`},
		{"assert", `cpu 0 { assert x == 1 }`},
		{"assert msg", `cpu 0 { assert x == 1, "x must be \"1\"\n" }`},
		{"await", `cpu 0 { await x != 0 }`},
		{"lazy", `cpu 0 { lazy { set_pte(&t[0], 0) } }`},
		{"irqoff", `cpu 0 { irqoff { x = 1 } }`},
		{"atomic", `cpu 0 { atomic { x = 1  y = 2 } }`},
		{"nested sections", `cpu 0 { lazy { irqoff { atomic { while 1 { break } } } } }`},
		{"statements on one line", `cpu 0 { x = 1 y = 2 f(x) }`},
		{"print", `cpu 0 { print("x is", x, "and y", y) }`},

		// keywords are keywords only where an item or expect starts
		{"local named table", `cpu 0 { table = 3 }`},
		{"local named keywords", `cpu 0 { task = 1  shared = 2  mm = 3  ok = 4  fail = 5  expect = 6  final = 7  exists = 8  arch = 9 }`},
		{"keyword names in exprs", `cpu 0 { x = table + task * ok }`},

		// expressions
		{"numbers", `cpu 0 { x = 42 + 0x2a + 0X2A + 0b101010 + 0B1 + 1_000 + 0xdead_beef + 4K + 64K + 2M + 1G + 0 }`},
		{"max u64", `cpu 0 { x = 0xffffffffffffffff + 18446744073709551615 }`},
		{"all binary ops", `cpu 0 { x = a || b && c | d ^ e & f == g != h < i <= j > k >= l << m >> n + o - p * q / r % s }`},
		{"unary ops", `cpu 0 { x = !a + ~b + -c + &y + - - d + !!e }`},
		{"address of entry", `cpu 0 { set_pte(&t[i + 1], pfn_pte(1, PAGE_KERNEL)) }`},
		{"parens", `cpu 0 { x = ((a + b) * (c - d)) }`},
		{"call args", `cpu 0 { x = f(a, g(b, h()), &t[0], 1 + 2) }`},
		{"true false", `cpu 0 { x = true + false }`},
		{"identifier underscores", `cpu 0 { x = __ptep_get(_p) + a_1 }`},
		{"string arg", `cpu 0 { print("done") }`},
		{"multiline expr", "cpu 0 {\n  x = a +\n      b\n}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustParse(t, tt.src)
			if f.Name != "t.mmu" || string(f.Src) != tt.src {
				t.Errorf("File.Name %q, Src not kept", f.Name)
			}
		})
	}
}

func TestParseExprShapes(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + b * c", "(+ a (* b c))"},
		{"a * b + c", "(+ (* a b) c)"},
		{"a - b - c", "(- (- a b) c)"},
		{"a / b / c", "(/ (/ a b) c)"},
		{"a & b == c", "(& a (== b c))"}, // C: == binds tighter than &
		{"a | b ^ c & d", "(| a (^ b (& c d)))"},
		{"a || b && c", "(|| a (&& b c))"},
		{"a && b || c", "(|| (&& a b) c)"},
		{"a < b == c < d", "(== (< a b) (< c d))"},
		{"1 << 2 + 3", "(<< 1 (+ 2 3))"},
		{"a >> 1 < b", "(< (>> a 1) b)"},
		{"a % b * c", "(* (% a b) c)"},
		{"-a * b", "(* (- a) b)"},
		{"!a && b", "(&& (! a) b)"},
		{"~a & b", "(& (~ a) b)"},
		{"- -a", "(- (- a))"},
		{"(a + b) * c", "(* (+ a b) c)"},
		{"&x", "(& x)"},
		{"&t[i + 1]", "(& (index t (+ i 1)))"},
		{"f()", "(call f)"},
		{"f(a, b + 1)", "(call f a (+ b 1))"},
		{"f(g(h()))", "(call f (call g (call h)))"},
		{"true", "1"},
		{"false", "0"},
		{"0x2a", "42"},
		{"0b101010", "42"},
		{"1_000", "1000"},
		{"4K", "4096"},
		{"64K", "65536"},
		{"2M", "2097152"},
		{"1G", "1073741824"},
		{"0xffffffffffffffff", "18446744073709551615"},
		{`"s\tx"`, `"s\tx"`},
	}
	for _, tt := range tests {
		if got := sexpr(exprOf(t, tt.src)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.src, got, tt.want)
		}
	}
}

func TestParseRangeBounds(t *testing.T) {
	s, ok := firstStmt(t, "for i in 1..n + 1 { }").(*ForStmt)
	if !ok {
		t.Fatal("not a for statement")
	}
	if s.Var != "i" || sexpr(s.From) != "1" || sexpr(s.To) != "(+ n 1)" {
		t.Errorf("for %s in %s..%s, want i in 1..(+ n 1)", s.Var, sexpr(s.From), sexpr(s.To))
	}
	s = firstStmt(t, "for j in a * 2..b - 1 { }").(*ForStmt)
	if sexpr(s.From) != "(* a 2)" || sexpr(s.To) != "(- b 1)" {
		t.Errorf("for j in %s..%s", sexpr(s.From), sexpr(s.To))
	}
}

func TestParseItems(t *testing.T) {
	f := mustParse(t, `test "SB \"x\""
arch arm64, x86pae-pv
import "lazy"
const N = 2
shared x = 1, y
task n
static_key k = true
table t, u
mm user
cpu 1 "writer" {
  table = 3
}
irq 0 {
}
final ~exists (0:r0 == 0 && 1:table == 3)
expect ok
expect x86pae-pv: fail use-after-free
expect fail deadlock
`)
	if len(f.Items) != 15 {
		t.Fatalf("%d items, want 15", len(f.Items))
	}
	if it := f.Items[0].(*TestItem); it.Name != `SB "x"` {
		t.Errorf("test name %q", it.Name)
	}
	if it := f.Items[1].(*ArchItem); strings.Join(it.Names(), ",") != "arm64,x86pae-pv" {
		t.Errorf("arches %v", it.Names())
	}
	if it := f.Items[2].(*ImportItem); it.Path != "lazy" {
		t.Errorf("import %q", it.Path)
	}
	if it := f.Items[3].(*ConstItem); it.Name != "N" || sexpr(it.Value) != "2" {
		t.Errorf("const %s = %s", it.Name, sexpr(it.Value))
	}
	if it := f.Items[4].(*VarsItem); it.Kind != "shared" || len(it.Decls) != 2 || sexpr(it.Decls[0].Init) != "1" || it.Decls[1].Init != nil {
		t.Errorf("shared: %+v", it)
	}
	if it := f.Items[6].(*VarsItem); it.Kind != "static_key" || sexpr(it.Decls[0].Init) != "1" {
		t.Errorf("static_key: %+v", it)
	}
	if it := f.Items[7].(*ObjItem); it.Kind != "table" || strings.Join(it.Names, ",") != "t,u" {
		t.Errorf("table: %+v", it)
	}
	th := f.Items[9].(*ThreadItem)
	if th.Kind != "cpu" || th.CPU != "1" || th.Label != "writer" || th.Preemptible {
		t.Errorf("cpu: %+v", th)
	}
	if as, ok := th.Body.Stmts[0].(*AssignStmt); !ok || as.Name != "table" || sexpr(as.Value) != "3" {
		t.Errorf("`table = 3` is not an assignment: %#v", th.Body.Stmts[0])
	}
	if it := f.Items[10].(*ThreadItem); it.Kind != "irq" || it.CPU != "0" || it.Label != "" {
		t.Errorf("irq: %+v", it)
	}
	if th := mustParse(t, `cpu 2 "t" preemptible { }`).Items[0].(*ThreadItem); !th.Preemptible || th.Label != "t" {
		t.Errorf("cpu preemptible: %+v", th)
	}
	fin := f.Items[11].(*FinalItem)
	if fin.Kind != "~exists" || sexpr(fin.Cond) != "(&& (== 0:r0 0) (== 1:table 3))" {
		t.Errorf("final %s %s", fin.Kind, sexpr(fin.Cond))
	}
	if e := f.Items[12].(*ExpectItem); !e.OK || e.Arch != "" || e.Kind != "" {
		t.Errorf("expect ok: %+v", e)
	}
	if e := f.Items[13].(*ExpectItem); e.OK || e.Arch != "x86pae-pv" || e.Kind != "use-after-free" {
		t.Errorf("expect x86pae-pv: %+v", e)
	}
	if e := f.Items[14].(*ExpectItem); e.OK || e.Arch != "" || e.Kind != "deadlock" {
		t.Errorf("expect fail deadlock: %+v", e)
	}
	// Positions are 1-based line:col of the item's first token.
	if p := PosOf(f.Items[9].(*ThreadItem).Pos); p.Line != 10 || p.Col != 1 {
		t.Errorf("cpu position %v", p)
	}
}

func TestParseStatements(t *testing.T) {
	f := mustParse(t, `proc p(a, b) {
  x = a
  f(a, b)
  if a { } else if b { } else { }
  while a { break }
  for i in 0..b { continue }
  return a + 1
  return
  assert a == b, "msg\n"
  assert a
  await b
  lazy { }
  irqoff { }
  atomic { }
}
`)
	pr := f.Items[0].(*ProcItem)
	if pr.Name != "p" || strings.Join(pr.Params, ",") != "a,b" {
		t.Errorf("proc %s(%v)", pr.Name, pr.Params)
	}
	var kinds []string
	for _, s := range pr.Body.Stmts {
		k := fmt.Sprintf("%T", s)
		switch s := s.(type) {
		case *SectionStmt:
			k += ":" + s.Kind
		case *ReturnStmt:
			if s.Value == nil {
				k += ":bare"
			}
		case *AssertStmt:
			k += ":" + fmt.Sprintf("%q", s.Msg)
		}
		kinds = append(kinds, k)
	}
	want := []string{"*lang.AssignStmt", "*lang.ExprStmt", "*lang.IfStmt", "*lang.WhileStmt",
		"*lang.ForStmt", "*lang.ReturnStmt", "*lang.ReturnStmt:bare", `*lang.AssertStmt:"msg\n"`,
		`*lang.AssertStmt:""`, "*lang.AwaitStmt", "*lang.SectionStmt:lazy", "*lang.SectionStmt:irqoff",
		"*lang.SectionStmt:atomic"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("statements:\n got %v\nwant %v", kinds, want)
	}
	ifs := pr.Body.Stmts[2].(*IfStmt)
	if ifs.Elif == nil || ifs.Elif.Else == nil || ifs.Else != nil {
		t.Errorf("else-if chain not nested: %+v", ifs)
	}
	if j := pr.Body.Stmts[3].(*WhileStmt).Body.Stmts[0].(*JumpStmt); j.Kind != "break" {
		t.Errorf("jump kind %q", j.Kind)
	}
	// Walk visits nested statements too.
	n := 0
	Walk(f, func(Stmt) { n++ })
	if n != 15 {
		t.Errorf("Walk visited %d statements, want 15", n)
	}
}

func TestParseNumber(t *testing.T) {
	good := map[string]uint64{
		"0": 0, "42": 42, "0x2a": 42, "0X2A": 42, "0b101010": 42, "0B11": 3,
		"1_000": 1000, "0xdead_beef": 0xdeadbeef, "4K": 4096, "64K": 65536,
		"2M": 2 << 20, "1G": 1 << 30, "1_024K": 1 << 20, "0b1K": 1024,
		"18446744073709551615": ^uint64(0), "16777216G": 1 << 54,
	}
	for in, want := range good {
		got, err := ParseNumber(in)
		if err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	bad := map[string]string{
		"0xZZ": "bad number", "1__": "bad number", "1_": "bad number", "1__0": "bad number",
		"0x": "bad number", "0b": "bad number", "0b12": "bad number", "12abc": "bad number",
		"0x1K": "bad number", "1KK": "bad number", "4_K": "bad number", "0_x10": "bad number",
		"18446744073709551616": "does not fit", "17179869184G": "does not fit",
		"0x10000000000000000": "does not fit",
	}
	for in, want := range bad {
		if _, err := ParseNumber(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseNumber(%q): error %v, want %q", in, err, want)
		}
	}
}

// elseIfChain is an if with n-1 `else if`s on line 2.
func elseIfChain(n int) string {
	return "cpu 0 {\n" + strings.Repeat("if x { } else ", n) + "{ }\n}\n"
}

// Long but legal chains and prefix runs parse; two chains in one block do
// not add up.
func TestParseNestingBounds(t *testing.T) {
	mustParse(t, elseIfChain(MaxNesting-10))
	two := strings.Repeat("if x { } else ", MaxNesting-10) + "{ }\n"
	mustParse(t, "cpu 0 {\n"+two+"y = 1\n"+two+"}\n")
	mustParse(t, "cpu 0 {\n"+two+two+"}\n")
	mustParse(t, "cpu 0 {\n  x = "+strings.Repeat("-", MaxNesting)+"1\n}")
	// Inside a deep else-if chain, brackets count on top of it.
	deep := "cpu 0 {\n" + strings.Repeat("if x { } else ", MaxNesting-10) + "{ x = " + strings.Repeat("(", 20) + "1" + strings.Repeat(")", 20) + " }\n}\n"
	if _, err := Parse("t.mmu", []byte(deep)); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("brackets inside a long chain: %v", err)
	}
}

// caretLine is the line Detail draws under a short source line.
func caretLine(col int) string { return "    " + strings.Repeat(" ", col-1) + "^" }

func TestParseErrors(t *testing.T) {
	deepParens := "cpu 0 {\n  x = " + strings.Repeat("(", MaxNesting+5) + "1" + strings.Repeat(")", MaxNesting+5) + "\n}\n"
	deepBlocks := "cpu 0 " + strings.Repeat("{ while 1 ", MaxNesting+5) + strings.Repeat("}", MaxNesting+5) + "\n"
	tests := []struct {
		name, src string
		pos       string // line:col
		msg       string // substring of the message
	}{
		{"unclosed brace", "cpu 0 {\n  x = 1\n", "1:7", "`{` is never closed"},
		{"unclosed inner brace", "cpu 0 {\n  if x {\n    y = 1\n}\n", "1:7", "never closed"},
		{"unclosed paren", "cpu 0 {\n  x = f(1,\n}", "3:1", "expected `)` to close the `(` at line 2, found `}`"},
		{"stray closing brace", "cpu 0 { }\n}\n", "2:1", "`}` without a matching opening bracket"},
		{"wrong closer", "cpu 0 { x = (1] }", "1:15", "expected `)` to close the `(`"},
		{"unterminated string", "test \"abc\ncpu 0 {}", "1:6", "unterminated string"},
		{"unterminated string at eof", "cpu 0 \"abc", "1:7", "unterminated string"},
		{"unterminated comment", "cpu 0 {\n  /* abc\n}\n", "2:3", "unterminated comment"},
		{"bad escape", "cpu 0 {\n\tassert 1, \"\\q\"\n}", "2:2", `bad string literal`},
		{"bad hex", "cpu 0 {\n  x = 0xZZ\n}", "2:7", `bad number "0xZZ"`},
		{"double underscore", "cpu 0 {\n  x = 1__\n}", "2:7", `bad number "1__"`},
		{"trailing underscore", "const N = 1_", "1:11", `bad number "1_"`},
		{"bad binary", "cpu 0 {\n  x = 0b12\n}", "2:7", `bad number "0b12"`},
		{"letters in number", "shared x = 12abc", "1:12", `bad number "12abc"`},
		{"too big", "cpu 0 {\n  x = 99999999999999999999\n}", "2:7", "does not fit in 64 bits"},
		{"too big suffix", "const N = 17179869184G", "1:11", "does not fit in 64 bits"},
		{"bad cpu number", "cpu 0xZ { }", "1:1", "bad number"},
		{"stray dollar", "cpu 0 {\n  x = 1 $ 2\n}", "2:9", `unexpected character "$"`},
		{"stray at", "shared x\n@", "2:1", `unexpected character "@"`},
		{"stray hash", "cpu 0 { # }", "1:9", `unexpected character "#"`},
		{"stray dot", "cpu 0 { x = 1 . 2 }", "1:15", `unexpected character "."`},
		{"random bytes", "\x00\x01\xff\xfe\x7f", "1:1", "unexpected character"},
		{"random bytes later", "cpu 0 {\n  x = 1\n  \xff\xfe\n}", "3:3", "unexpected character"},
		{"truncated in expression", "cpu 0 {\n  x = 1 +", "1:7", "never closed"},
		{"truncated after keyword", "cpu", "1:4", "end of file"},
		{"truncated expect", "expect", "1:7", "end of file"},
		{"truncated const", "const N =", "1:10", "end of file"},
		{"missing operand", "cpu 0 {\n  x = 1 +\n}", "3:1", `expected an expression, found "}"`},
		{"missing value", "cpu 0 { x = }", "1:13", `"}"`},
		{"missing register name", "final exists (0: == 1)", "1:18", "expected a register name after 0:"},
		{"bad cpu", "cpu x { }", "1:5", `"x"`},
		{"unknown item", "shared x\nfoo", "2:1", `"foo"`},
		{"double else", "cpu 0 {\n  if x { } else { } else { }\n}", "2:26", `"{"`},
		{"final without parens", "final exists 0:r == 1", "1:14", `"0"`},
		{"nesting parens", deepParens, fmt.Sprintf("2:%d", 6+MaxNesting), fmt.Sprintf("nested more than %d levels deep", MaxNesting)},
		{"nesting blocks", deepBlocks, fmt.Sprintf("1:%d", 7+10*MaxNesting), "nested more than"},
		{"long else-if chain", elseIfChain(MaxNesting + 50), fmt.Sprintf("2:%d", 14*(MaxNesting-1)+6), "counting each `else if`"},
		{"prefix operators", "cpu 0 {\n  x = " + strings.Repeat("-", MaxNesting+50) + "1\n}", fmt.Sprintf("2:%d", 7+MaxNesting), "prefix operators in a row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("bad.mmu", []byte(tt.src))
			if err == nil {
				t.Fatalf("parsed without error: %d items", len(f.Items))
			}
			if f != nil {
				t.Errorf("a file and an error")
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T is not *lang.Error: %v", err, err)
			}
			if got := fmt.Sprintf("%d:%d", le.Pos.Line, le.Pos.Col); got != tt.pos || le.Pos.File != "bad.mmu" {
				t.Errorf("position %s:%s, want bad.mmu:%s (%v)", le.Pos.File, got, tt.pos, err)
			}
			if !strings.Contains(le.Msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", le.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "bad.mmu:"+tt.pos+": ") {
				t.Errorf("Error() = %q, want a bad.mmu:%s: prefix", err.Error(), tt.pos)
			}
			d := le.Detail()
			lines := strings.Split(d, "\n")
			if len(lines) != 3 || lines[0] != err.Error() {
				t.Fatalf("Detail() is not message, source line, caret:\n%s", d)
			}
			if !strings.HasSuffix(lines[2], "^") || strings.TrimSpace(lines[2]) != "^" {
				t.Errorf("no caret line in Detail():\n%s", d)
			}
			if src := SourceLine([]byte(tt.src), le.Pos.Line); len(src) < 90 {
				if lines[1] != "    "+printable(src) {
					t.Errorf("Detail() source line %q, want %q", lines[1], "    "+src)
				}
				if lines[2] != caretLine(le.Pos.Col) {
					t.Errorf("caret not under column %d:\n%s", le.Pos.Col, d)
				}
			}
		})
	}
}

func TestErrorDetail(t *testing.T) {
	e := Errorf([]byte("a\n\tx = y $\n"), Pos{File: "f.mmu", Line: 2, Col: 7}, "unexpected %s", "thing")
	e.Suggest = "z"
	want := "f.mmu:2:7: unexpected thing (did you mean z?)\n     x = y $\n          ^"
	if got := e.Detail(); got != want {
		t.Errorf("Detail:\n%s\nwant:\n%s", got, want)
	}
	// No source line: just the message.
	e = &Error{Pos: Pos{File: "f.mmu"}, Msg: "no position"}
	if got := e.Detail(); got != "f.mmu: no position" {
		t.Errorf("Detail without position: %q", got)
	}
	// A long line is cut around the caret, which still points at the column.
	long := strings.Repeat("a", 300) + "$" + strings.Repeat("b", 300)
	e = Errorf([]byte(long), Pos{File: "f.mmu", Line: 1, Col: 301}, "here")
	lines := strings.Split(e.Detail(), "\n")
	if len(lines) != 3 || len([]rune(lines[1])) > 110 {
		t.Fatalf("long line not cut:\n%s", e.Detail())
	}
	caret := len([]rune(lines[2])) - 1
	if r := []rune(lines[1]); caret >= len(r) || r[caret] != '$' {
		t.Errorf("caret does not point at `$`:\n%s", e.Detail())
	}
}

func TestClosest(t *testing.T) {
	names := []string{"ptep_get", "ptep_get_and_clear", "set_pte", "spin_lock"}
	for in, want := range map[string]string{
		"ptep_gte": "ptep_get", "set_ptr": "set_pte", "spinlock": "spin_lock", "zzzzzzzz": "",
	} {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

// A bare `return` at the end of a line does not take the next line's
// statement as its value.
func TestParseReturnValueSameLine(t *testing.T) {
	f := mustParse(t, "proc p(a) {\n  return\n  f(a)\n}\nproc q(a) {\n  return f(a)\n}\nproc r(a) {\n  return (a +\n    1)\n}\n")
	p := f.Items[0].(*ProcItem).Body.Stmts
	if len(p) != 2 || p[0].(*ReturnStmt).Value != nil {
		t.Errorf("return / f(a): %d statements, want a bare return and a call", len(p))
	}
	q := f.Items[1].(*ProcItem).Body.Stmts
	if len(q) != 1 || sexpr(q[0].(*ReturnStmt).Value) != "(call f a)" {
		t.Errorf("return f(a): %d statements", len(q))
	}
	r := f.Items[2].(*ProcItem).Body.Stmts
	if len(r) != 1 || sexpr(r[0].(*ReturnStmt).Value) != "(+ a 1)" {
		t.Errorf("return (a + 1) over two lines: %d statements", len(r))
	}
}
