package lsp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
)

// decl is a top-level name a script declares: a proc, shared/task word,
// static key, table, mm, lock or const.
type decl struct {
	name, kind string
	pos        lang.Pos // of the name itself
}

// declarations lists the names the last good parse declares.
func (d *document) declarations() []decl {
	if d.file == nil {
		return nil
	}
	var out []decl
	for _, it := range d.file.Items {
		switch it := it.(type) {
		case *lang.ProcItem:
			out = append(out, decl{it.Name, "proc", d.nameAfter(lang.PosOf(it.Pos), it.Name)})
		case *lang.ConstItem:
			out = append(out, decl{it.Name, "const", d.nameAfter(lang.PosOf(it.Pos), it.Name)})
		case *lang.VarsItem:
			for _, v := range it.Decls {
				out = append(out, decl{v.Name, it.Kind, lang.PosOf(v.Pos)})
			}
		case *lang.ObjItem:
			for _, n := range it.Names {
				out = append(out, decl{n, it.Kind, d.nameAfter(lang.PosOf(it.Pos), n)})
			}
		}
	}
	return out
}

// nameAfter finds the position of the identifier name at or after from.
// The tree keeps a declaration's position, not each name's.
func (d *document) nameAfter(from lang.Pos, name string) lang.Pos {
	for _, t := range d.toks {
		before := t.Pos.Line < from.Line || t.Pos.Line == from.Line && t.Pos.Col < from.Col
		if !before && t.Kind == lang.TokIdent && t.Text == name {
			return t.Pos
		}
	}
	return from
}

func (d *document) lookup(name string) (decl, bool) {
	for _, dc := range d.declarations() {
		if dc.name == name {
			return dc, true
		}
	}
	return decl{}, false
}

func (d *document) nameRange(dc decl) Range {
	return d.tokenRange(lang.Token{Kind: lang.TokIdent, Text: dc.name, Pos: dc.pos})
}

// definition is where the declared name under the cursor is declared.
func (d *document) definition(p Position) []Location {
	t, ok := d.tokenAt(p)
	if !ok || t.Kind != lang.TokIdent {
		return nil
	}
	dc, ok := d.lookup(t.Text)
	if !ok || dc.pos.File != d.path {
		return nil
	}
	return []Location{{URI: d.uri, Range: d.nameRange(dc)}}
}

// references lists every use of the declared name under the cursor: every
// identifier with its name, except inside a proc with a parameter of that
// name (a parameter shadows a global; an assignment to a declared name
// writes the global, so no other local can shadow one).
func (d *document) references(p Position, withDecl bool) []Location {
	t, ok := d.tokenAt(p)
	if !ok || t.Kind != lang.TokIdent {
		return nil
	}
	dc, ok := d.lookup(t.Text)
	if !ok {
		return nil
	}
	out := []Location{}
	for _, u := range d.toks {
		if u.Kind != lang.TokIdent || u.Text != dc.name {
			continue
		}
		if !withDecl && u.Pos == dc.pos || d.shadowed(dc.name, u.Pos) {
			continue
		}
		out = append(out, Location{URI: d.uri, Range: d.tokenRange(u)})
	}
	return out
}

// symbols outlines the script: its CPUs, irqs, procs and init.
func (d *document) symbols() []DocumentSymbol {
	out := []DocumentSymbol{}
	if d.file == nil {
		return out
	}
	for _, it := range d.file.Items {
		var name, detail string
		var kind int
		var body *lang.Block
		var start lang.Pos
		switch it := it.(type) {
		case *lang.ThreadItem:
			name, detail, kind, body, start = it.Kind+" "+it.CPU, it.Label, SymbolObject, it.Body, lang.PosOf(it.Pos)
			if it.Kind == "irq" {
				kind = SymbolEvent
			}
		case *lang.ProcItem:
			name, detail, kind, body, start = it.Name, "proc("+strings.Join(it.Params, ", ")+")", SymbolFunction, it.Body, lang.PosOf(it.Pos)
		case *lang.InitItem:
			name, kind, body, start = "init", SymbolFunction, it.Body, lang.PosOf(it.Pos)
		default:
			continue
		}
		end := d.position(body.EndPos.Line, body.EndPos.Column+1)
		r := Range{Start: d.position(start.Line, start.Col), End: end}
		out = append(out, DocumentSymbol{Name: name, Detail: detail, Kind: kind, Range: r, SelectionRange: d.rangeAt(start)})
	}
	return out
}

// describe is the hover text of a declared name.
func (dc decl) describe() string {
	return fmt.Sprintf("```mmu\n%s %s\n```\ndeclared at line %d", dc.kind, dc.name, dc.pos.Line)
}

// shadowed: p is inside a proc that has a parameter called name.
func (d *document) shadowed(name string, p lang.Pos) bool {
	for _, it := range d.file.Items {
		pr, ok := it.(*lang.ProcItem)
		if !ok || !slices.Contains(pr.Params, name) {
			continue
		}
		if p.Line > pr.Pos.Line || p.Line == pr.Pos.Line && p.Col > pr.Pos.Column {
			if p.Line < pr.Body.EndPos.Line || p.Line == pr.Body.EndPos.Line && p.Col < pr.Body.EndPos.Column {
				return true
			}
		}
	}
	return false
}
