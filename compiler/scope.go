package compiler

import (
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/vm"
)

type symKind uint8

const (
	symConst symKind = iota
	symShared
	symTask
	symTable
	symMM
	symSpinLock
	symRWSem
	symKey
	symProc
)

var symKindNames = [...]string{"a const", "a shared word", "a task word", "a table", "an mm", "a spinlock", "an rwsem", "a static key", "a proc"}

// symbol is a global name.
type symbol struct {
	kind  symKind
	index int
	value uint64 // consts; handles of mms, locks and keys
	pos   lang.Pos
}

func (c *compiler) errAt(f *lang.File, p lexer.Position, format string, args ...any) error {
	return lang.Errorf(f.Src, lang.PosOf(p), format, args...)
}

func (c *compiler) errPos(file int, p lang.Pos, format string, args ...any) *lang.Error {
	return lang.Errorf(c.files[file].Src, p, format, args...)
}

// define adds a global name, rejecting duplicates and builtin names.
func (c *compiler) define(file int, p lexer.Position, name string, s *symbol) error {
	pos := lang.PosOf(p)
	if old, ok := c.globals[name]; ok {
		return c.errPos(file, pos, "%s is already declared at %s", name, old.pos)
	}
	if c.reg.Lookup(name) != nil {
		return c.errPos(file, pos, "%s is a builtin; choose another name", name)
	}
	s.pos = pos
	c.globals[name] = s
	return nil
}

// declare collects every top-level item of every file.
func (c *compiler) declare() error {
	c.globals["init_mm"] = &symbol{kind: symMM, value: mmu.MMHandle(0)}
	last := len(c.files) - 1
	for fi, f := range c.files {
		for _, it := range f.Items {
			if err := c.declareItem(fi, fi == last, it); err != nil {
				return err
			}
		}
	}
	if len(c.prog.Arches) == 0 {
		c.prog.Arches = []string{"arm64"}
	}
	return c.checkExpects()
}

func (c *compiler) declareItem(fi int, main bool, it lang.Item) error {
	f := c.files[fi]
	switch it := it.(type) {
	case *lang.TestItem:
		if main {
			c.prog.Name = it.Name
		}
	case *lang.ArchItem:
		if main {
			for _, a := range it.Archs {
				if err := validArch(a.Name); err != nil {
					e := c.errAt(f, a.Pos, "%v", err).(*lang.Error)
					return e
				}
			}
			c.prog.Arches = append(c.prog.Arches, it.Names()...)
		}
	case *lang.ConstItem:
		v, err := c.foldConst(fi, it.Value)
		if err != nil {
			return err
		}
		return c.define(fi, it.Pos, it.Name, &symbol{kind: symConst, value: v})
	case *lang.VarsItem:
		return c.declareVars(fi, it)
	case *lang.ObjItem:
		return c.declareObjs(fi, it)
	case *lang.InitItem:
		if c.initBody != nil {
			return c.errAt(f, it.Pos, "a script has one init block")
		}
		c.initBody = &fileBlock{fi, it.Body}
	case *lang.ProcItem:
		return c.declareProc(fi, main, it)
	case *lang.ThreadItem:
		return c.declareThread(fi, it)
	case *lang.FinalItem:
		if c.final != nil {
			return c.errAt(f, it.Pos, "a script has one final condition")
		}
		c.final = &finalDecl{it, fi}
	case *lang.ExpectItem:
		return c.declareExpect(fi, it)
	case *lang.ModelItem:
		return c.declareModel(fi, main, it)
	case *lang.LocationsItem:
		if main {
			c.locs = append(c.locs, it)
		}
	case *lang.PageReuseItem:
		if main {
			c.prog.PageReuse, c.prog.PageReuseAt = true, vm.Pos{File: int32(fi), Line: int32(it.Pos.Line), Col: int32(it.Pos.Column)}
		}
	case *lang.FilterItem:
		if c.filter != nil {
			return c.errAt(f, it.Pos, "a script has one filter")
		}
		c.filter, c.filterFi = it, fi
	}
	return nil
}

func isModel(name string) bool {
	for _, m := range Models[:4] {
		if m == name {
			return true
		}
	}
	return false
}

func (c *compiler) declareModel(fi int, main bool, it *lang.ModelItem) error {
	for _, m := range Models {
		if m == it.Name {
			if main {
				c.prog.Model = it.Name
			}
			return nil
		}
	}
	e := c.errAt(c.files[fi], it.Pos, "unknown memory model %q (models: %s)", it.Name, strings.Join(Models, ", ")).(*lang.Error)
	e.Suggest = lang.Closest(it.Name, Models)
	return e
}

func (c *compiler) declareVars(fi int, it *lang.VarsItem) error {
	for _, d := range it.Decls {
		var v uint64
		if d.Init != nil {
			var err error
			if v, err = c.foldConst(fi, d.Init); err != nil {
				return err
			}
		}
		w := vm.Var{Name: d.Name, Init: v}
		if d.View != "" {
			view, ok := vm.Views[d.View]
			switch {
			case it.Kind != "shared":
				return c.errAt(c.files[fi], d.Pos, "%s: only a shared word is shown through a type in final states", d.Name)
			case !ok:
				return c.errAt(c.files[fi], d.Pos, "%s: unknown type %s (types: s8, u8, s16, u16, s32, u32, s64, u64)", d.Name, d.View)
			}
			w.View = view
		}
		var s *symbol
		switch it.Kind {
		case "shared":
			s = &symbol{kind: symShared, index: len(c.prog.Shared)}
			c.prog.Shared = append(c.prog.Shared, w)
		case "task":
			s = &symbol{kind: symTask, index: len(c.prog.Task)}
			c.prog.Task = append(c.prog.Task, w)
		default:
			s = &symbol{kind: symKey, index: len(c.prog.Keys), value: mmu.KeyHandle(len(c.prog.Keys))}
			c.prog.Keys = append(c.prog.Keys, w)
		}
		if err := c.define(fi, d.Pos, d.Name, s); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) declareObjs(fi int, it *lang.ObjItem) error {
	for _, name := range it.Names {
		var s *symbol
		switch it.Kind {
		case "table":
			s = &symbol{kind: symTable, index: len(c.prog.Tables)}
			c.prog.Tables = append(c.prog.Tables, name)
		case "mm":
			c.prog.MMs = append(c.prog.MMs, name)
			s = &symbol{kind: symMM, index: len(c.prog.MMs), value: mmu.MMHandle(len(c.prog.MMs))}
		default:
			kind, lk := symSpinLock, vm.SpinLock
			if it.Kind == "rwsem" {
				kind, lk = symRWSem, vm.RWSem
			}
			s = &symbol{kind: kind, index: len(c.prog.Locks), value: mmu.LockHandle(len(c.prog.Locks))}
			c.prog.Locks = append(c.prog.Locks, vm.Lock{Name: name, Kind: lk})
		}
		if err := c.define(fi, it.Pos, name, s); err != nil {
			return err
		}
	}
	return nil
}

// declareProc records a proc; one in the main script shadows a module's
// proc (or a builtin) of the same name.
func (c *compiler) declareProc(fi int, main bool, it *lang.ProcItem) error {
	if old, ok := c.procs[it.Name]; ok {
		if !main || old.file == fi {
			return c.errAt(c.files[fi], it.Pos, "proc %s is already defined at %s", it.Name, lang.PosOf(old.item.Pos))
		}
	}
	if g, ok := c.globals[it.Name]; ok {
		return c.errAt(c.files[fi], it.Pos, "%s is already declared at %s", it.Name, g.pos)
	}
	seen := map[string]bool{}
	for _, p := range it.Params {
		if seen[p] {
			return c.errAt(c.files[fi], it.Pos, "parameter %s appears twice", p)
		}
		seen[p] = true
	}
	d := &procDecl{item: it, file: fi}
	if _, shadowing := c.procs[it.Name]; !shadowing {
		c.order = append(c.order, d)
	} else {
		for i, o := range c.order {
			if o.item.Name == it.Name {
				c.order[i] = d
			}
		}
	}
	c.procs[it.Name] = d
	return nil
}

func (c *compiler) declareThread(fi int, it *lang.ThreadItem) error {
	n, _ := lang.ParseNumber(it.CPU)
	if n >= mmuMaxCPU {
		return c.errAt(c.files[fi], it.Pos, "CPU number %d is too large (CPUs 0 to %d)", n, mmuMaxCPU-1)
	}
	if it.Preemptible && it.Kind != "cpu" {
		return c.errAt(c.files[fi], it.Pos, "an irq handler is never preempted: only a cpu block may be preemptible")
	}
	for _, t := range c.threads {
		if t.item.Kind == it.Kind && t.cpu == int(n) {
			return c.errAt(c.files[fi], it.Pos, "%s %d is already defined at %s", it.Kind, n, lang.PosOf(t.item.Pos))
		}
	}
	c.threads = append(c.threads, &threadDecl{item: it, file: fi, cpu: int(n)})
	return nil
}

// mmuMaxCPU bounds CPU numbers so that dense indexes fit the machine.
const mmuMaxCPU = 64

func (c *compiler) declareExpect(fi int, it *lang.ExpectItem) error {
	f := c.files[fi]
	if it.Arch != "" && !isModel(it.Arch) {
		if err := validArch(it.Arch); err != nil {
			return c.errAt(f, it.Pos, "%v (or a memory model: %s)", err, strings.Join(Models[:4], ", "))
		}
	}
	if !it.OK && !isKind(it.Kind) {
		e := c.errPos(fi, lang.PosOf(it.Pos), "unknown violation kind %q (kinds: %v)", it.Kind, Kinds)
		e.Suggest = lang.Closest(it.Kind, Kinds)
		return e
	}
	c.prog.Expects = append(c.prog.Expects, vm.Expect{Arch: it.Arch, OK: it.OK, Kind: it.Kind, Pos: c.vmPos(fi, lang.PosOf(it.Pos))})
	return nil
}

func isKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// checkExpects rejects expect lines for arches the script does not run on.
func (c *compiler) checkExpects() error {
	for _, e := range c.prog.Expects {
		if e.Arch == "" || isModel(e.Arch) {
			continue
		}
		found := false
		for _, a := range c.prog.Arches {
			found = found || a == e.Arch
		}
		if !found {
			return c.errPos(int(e.Pos.File), lang.Pos{File: c.files[e.Pos.File].Name, Line: int(e.Pos.Line), Col: int(e.Pos.Col)},
				"expect line for %s, but the script's arch line is %v", e.Arch, c.prog.Arches)
		}
	}
	return nil
}

func (c *compiler) vmPos(fi int, p lang.Pos) vm.Pos {
	return vm.Pos{File: int32(fi), Line: int32(p.Line), Col: int32(p.Col)}
}

// names lists every name visible in a proc, for suggestions.
func (c *compiler) names(locals map[string]int) []string {
	var out []string
	for n := range c.globals {
		out = append(out, n)
	}
	for n := range c.procs {
		out = append(out, n)
	}
	for n := range locals {
		if n[0] != '$' {
			out = append(out, n)
		}
	}
	out = append(out, c.reg.Names()...)
	sort.Strings(out)
	return out
}

func describe(s *symbol) string { return symKindNames[s.kind] }
