package lang

import "github.com/alecthomas/participle/v2/lexer"

// File is a parsed .mmu script. Items keep their source order.
type File struct {
	Name  string
	Src   []byte
	Items []Item `parser:"@@*"`
}

// Item is one top-level declaration.
type Item interface{ item() }

// Stmt is one statement.
type Stmt interface{ stmt() }

// Block is a braced statement list.
type Block struct {
	Pos    lexer.Position
	Stmts  []Stmt         `parser:"'{' @@*"`
	EndPos lexer.Position `parser:"'}'"`
}

type TestItem struct {
	Pos  lexer.Position
	Name string `parser:"'test' @String"`
}

type ArchItem struct {
	Pos   lexer.Position
	Archs []*ArchName `parser:"'arch' @@ (',' @@)*"`
}

// ArchName is an arch name; they may contain '-' (x86pae-pv) and be
// followed by options (arm64 +bbml2, read as "arm64+bbml2").
type ArchName struct {
	Pos  lexer.Position
	Name string `parser:"@(Ident ('-' Ident)* ('+' Ident)*)"`
}

// Names returns the arch names of the line.
func (a *ArchItem) Names() []string {
	var out []string
	for _, n := range a.Archs {
		out = append(out, n.Name)
	}
	return out
}

type ImportItem struct {
	Pos  lexer.Position
	Path string `parser:"'import' @String"`
}

type ConstItem struct {
	Pos   lexer.Position
	Name  string `parser:"'const' @Ident"`
	Value Expr   `parser:"'=' @@"`
}

// VarDecl is one name of a shared/task/static_key list, with its initial
// value. A shared word may name the type its final states show it
// through (`shared x: s32`).
type VarDecl struct {
	Pos  lexer.Position
	Name string `parser:"@Ident"`
	View string `parser:"(':' @Ident)?"`
	Init Expr   `parser:"('=' @@)?"`
}

// VarsItem declares shared words, task words or static keys.
type VarsItem struct {
	Pos   lexer.Position
	Kind  string     `parser:"@('shared' | 'task' | 'static_key')"`
	Decls []*VarDecl `parser:"@@ (',' @@)*"`
}

// ObjItem declares tables, mms, spinlocks or rwsems.
type ObjItem struct {
	Pos   lexer.Position
	Kind  string   `parser:"@('table' | 'mm' | 'spinlock' | 'rwsem')"`
	Names []string `parser:"@Ident (',' @Ident)*"`
}

type InitItem struct {
	Pos  lexer.Position
	Body *Block `parser:"'init' @@"`
}

type ProcItem struct {
	Pos    lexer.Position
	Name   string   `parser:"'proc' @Ident"`
	Params []string `parser:"'(' (@Ident (',' @Ident)*)? ')'"`
	Body   *Block   `parser:"@@"`
}

// ThreadItem is a `cpu N` or `irq N` block. `preemptible` (cpu blocks
// only; the compiler checks) lets the block's task be preempted and migrated.
type ThreadItem struct {
	Pos         lexer.Position
	Kind        string `parser:"@('cpu' | 'irq')"`
	CPU         string `parser:"@Int"`
	Label       string `parser:"@String?"`
	Preemptible bool   `parser:"@'preemptible'?"`
	Body        *Block `parser:"@@"`
}

type FinalItem struct {
	Pos  lexer.Position
	Kind string `parser:"'final' @('exists' | '~' 'exists' | 'forall')"`
	Cond Expr   `parser:"'(' @@ ')'"`
}

// ModelItem chooses the memory model (`model lkmm`).
type ModelItem struct {
	Pos  lexer.Position
	Name string `parser:"'model' @Ident"`
}

// PageReuseItem (`page_reuse`) lets the allocators hand a freed page out
// again, in the kernel's LIFO per-CPU order; whether the page is still on
// its CPU's list is explored.
type PageReuseItem struct {
	Pos lexer.Position
	On  bool `parser:"@'page_reuse'"`
}

// LocationsItem lists extra terms shown in every final state, as herd's
// `locations [x; 0:r1;]` does.
type LocationsItem struct {
	Pos   lexer.Position
	Terms []Expr `parser:"'locations' @@ (',' @@)*"`
}

// FilterItem is herd's `filter`: executions whose final state fails the
// condition are left out of the final states and of the verdict.
type FilterItem struct {
	Pos  lexer.Position
	Cond Expr `parser:"'filter' '(' @@ ')'"`
}

type ExpectItem struct {
	Pos  lexer.Position
	Arch string `parser:"'expect' (@(Ident ('-' Ident)* ('+' Ident)*) ':')?"`
	OK   bool   `parser:"( @'ok'"`
	Kind string `parser:"| 'fail' @(Ident ('-' Ident)*) )"`
}

func (*TestItem) item()      {}
func (*ArchItem) item()      {}
func (*ImportItem) item()    {}
func (*ConstItem) item()     {}
func (*VarsItem) item()      {}
func (*ObjItem) item()       {}
func (*InitItem) item()      {}
func (*ProcItem) item()      {}
func (*ThreadItem) item()    {}
func (*FinalItem) item()     {}
func (*ExpectItem) item()    {}
func (*ModelItem) item()     {}
func (*LocationsItem) item() {}
func (*FilterItem) item()    {}
func (*PageReuseItem) item() {}

type IfStmt struct {
	Pos  lexer.Position
	Cond Expr    `parser:"'if' @@"`
	Then *Block  `parser:"@@"`
	Elif *IfStmt `parser:"('else' ( @@"`
	Else *Block  `parser:"| @@ ) )?"`
}

type WhileStmt struct {
	Pos  lexer.Position
	Cond Expr   `parser:"'while' @@"`
	Body *Block `parser:"@@"`
}

type ForStmt struct {
	Pos  lexer.Position
	Var  string `parser:"'for' @Ident 'in'"`
	From Expr   `parser:"@@ '..'"`
	To   Expr   `parser:"@@"`
	Body *Block `parser:"@@"`
}

// JumpStmt is break or continue.
type JumpStmt struct {
	Pos  lexer.Position
	Kind string `parser:"@('break' | 'continue')"`
}

// ReturnStmt is `return [e]`; it parses itself (see its Parse method): the
// value must start on the line of the `return`.
type ReturnStmt struct {
	Pos   lexer.Position
	Value Expr
}

type AssertStmt struct {
	Pos  lexer.Position
	Cond Expr   `parser:"'assert' @@"`
	Msg  string `parser:"(',' @String)?"`
}

type AwaitStmt struct {
	Pos  lexer.Position
	Cond Expr `parser:"'await' @@"`
}

// SectionStmt is lazy { }, irqoff { } or atomic { }.
type SectionStmt struct {
	Pos  lexer.Position
	Kind string `parser:"@('lazy' | 'irqoff' | 'atomic')"`
	Body *Block `parser:"@@"`
}

type AssignStmt struct {
	Pos   lexer.Position
	Name  string `parser:"@Ident '='"`
	Value Expr   `parser:"@@"`
}

// ExprStmt is a call used as a statement.
type ExprStmt struct {
	Pos  lexer.Position
	Call Expr `parser:"@@"`
}

func (*IfStmt) stmt()      {}
func (*WhileStmt) stmt()   {}
func (*ForStmt) stmt()     {}
func (*JumpStmt) stmt()    {}
func (*ReturnStmt) stmt()  {}
func (*AssertStmt) stmt()  {}
func (*AwaitStmt) stmt()   {}
func (*SectionStmt) stmt() {}
func (*AssignStmt) stmt()  {}
func (*ExprStmt) stmt()    {}

// Expr is an expression node. Expressions are parsed by hand (precedence
// climbing) and plugged into the participle grammar.
type Expr interface{ Position() Pos }

type Num struct {
	P   Pos
	Val uint64
}

type Str struct {
	P   Pos
	Val string
}

type Name struct {
	P    Pos
	Name string
}

// Reg is `N:r` in a final condition: register r of CPU N.
type Reg struct {
	P    Pos
	CPU  int
	Name string
}

type Call struct {
	P    Pos
	Name string
	Args []Expr
}

// Index is t[i]; it appears under & as the address of a table entry.
type Index struct {
	P     Pos
	Name  string
	Index Expr
}

type Unary struct {
	P  Pos
	Op string
	X  Expr
}

type Binary struct {
	P    Pos
	Op   string
	X, Y Expr
}

func (e *Num) Position() Pos    { return e.P }
func (e *Str) Position() Pos    { return e.P }
func (e *Name) Position() Pos   { return e.P }
func (e *Reg) Position() Pos    { return e.P }
func (e *Call) Position() Pos   { return e.P }
func (e *Index) Position() Pos  { return e.P }
func (e *Unary) Position() Pos  { return e.P }
func (e *Binary) Position() Pos { return e.P }

// PosOf converts a participle position.
func PosOf(p lexer.Position) Pos { return Pos{File: p.Filename, Line: p.Line, Col: p.Column} }
