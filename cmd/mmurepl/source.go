package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/mmuvm/mmuvm/lang"
)

// item is one top-level declaration of the session's script, kept as the
// text it was loaded or typed as, so that the whole script can be rebuilt
// and recompiled after any change.
type item struct {
	text   string   // source text, ending with a newline
	keys   []string // what it defines; a typed item with the same keys replaces it
	names  []string // names it declares (completion, and names a local must not take)
	origin string   // file it came from, or inputName
	line   int      // line of its first line in origin
}

// inputName is the file name errors give for lines typed at the prompt.
const inputName = "<input>"

// splitItems parses src (one file, or text typed at the prompt) and cuts
// it into its items. Each item's text runs to the start of the next one, so
// that the items of a loaded file put back together are the file itself and
// positions in traces are the file's.
func splitItems(name string, src []byte, origin string, line int) ([]item, error) {
	f, err := lang.Parse(name, src)
	if err != nil {
		return nil, err
	}
	var out []item
	for i, it := range f.Items {
		start := itemPos(it).Offset
		if i == 0 {
			start = 0
		}
		end := len(src)
		if i+1 < len(f.Items) {
			end = itemPos(f.Items[i+1]).Offset
		}
		text := string(src[start:end])
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		keys, names := itemKeys(it)
		first := line + strings.Count(string(src[:start]), "\n")
		out = append(out, item{text: text, keys: keys, names: names, origin: origin, line: first})
	}
	return out, nil
}

// itemPos returns where an item starts.
func itemPos(it lang.Item) lexer.Position {
	switch it := it.(type) {
	case *lang.TestItem:
		return it.Pos
	case *lang.ArchItem:
		return it.Pos
	case *lang.ImportItem:
		return it.Pos
	case *lang.ConstItem:
		return it.Pos
	case *lang.VarsItem:
		return it.Pos
	case *lang.ObjItem:
		return it.Pos
	case *lang.InitItem:
		return it.Pos
	case *lang.ProcItem:
		return it.Pos
	case *lang.ThreadItem:
		return it.Pos
	case *lang.FinalItem:
		return it.Pos
	case *lang.ExpectItem:
		return it.Pos
	}
	return lexer.Position{}
}

// itemKeys says what an item defines (for replacement) and which names it
// declares. Named things share one key space, as they share one namespace.
func itemKeys(it lang.Item) (keys, names []string) {
	switch it := it.(type) {
	case *lang.TestItem:
		return []string{"test"}, nil
	case *lang.ArchItem:
		return []string{"arch"}, nil
	case *lang.ImportItem:
		return []string{"import " + it.Path}, nil
	case *lang.ConstItem:
		names = []string{it.Name}
	case *lang.VarsItem:
		for _, d := range it.Decls {
			names = append(names, d.Name)
		}
	case *lang.ObjItem:
		names = it.Names
	case *lang.ProcItem:
		names = []string{it.Name}
	case *lang.InitItem:
		return []string{"init"}, nil
	case *lang.ThreadItem:
		n, _ := lang.ParseNumber(it.CPU)
		return []string{fmt.Sprintf("%s %d", it.Kind, n)}, nil
	case *lang.FinalItem:
		return []string{"final"}, nil
	case *lang.ExpectItem:
		return []string{"expect " + it.Arch}, nil
	}
	for _, n := range names {
		keys = append(keys, "name "+n)
	}
	return keys, names
}

// script is the session's source: its items in order.
type script struct {
	name  string // compile name: the loaded file, or repl.mmu
	dir   string // where relative imports are read
	items []item
}

// with returns a copy of s with the typed items added: each replaces, in
// place, the earlier items whose keys it covers (typing `proc f() {…}`
// again redefines f); the others are appended.
func (s *script) with(add []item) *script {
	out := &script{name: s.name, dir: s.dir, items: append([]item(nil), s.items...)}
	for _, it := range add {
		placed := false
		kept := out.items[:0:0]
		for _, old := range out.items {
			if !covers(it.keys, old.keys) {
				kept = append(kept, old)
			} else if !placed {
				kept = append(kept, withTrailer(it, old.text))
				placed = true
			}
		}
		if !placed {
			kept = append(kept, it)
		}
		out.items = kept
	}
	return out
}

// withTrailer gives a replacing item the blank lines that followed the
// item it replaces, so that :list keeps the script's layout.
func withTrailer(it item, old string) item {
	trailer := old[len(strings.TrimRight(old, "\n"))+1:]
	if trailer != "" && !strings.HasSuffix(it.text, "\n\n") {
		it.text += trailer
	}
	return it
}

// covers tells whether every key of old is in keys (and old has some).
func covers(keys, old []string) bool {
	if len(old) == 0 {
		return false
	}
	for _, k := range old {
		found := false
		for _, n := range keys {
			found = found || n == k
		}
		if !found {
			return false
		}
	}
	return true
}

// names lists every name the script declares, sorted.
func (s *script) names() []string {
	var out []string
	for _, it := range s.items {
		out = append(out, it.names...)
	}
	sort.Strings(out)
	return out
}

// hasCPU tells whether the script has a cpu block for script CPU n.
func (s *script) hasCPU(n int) bool {
	key := fmt.Sprintf("cpu %d", n)
	for _, it := range s.items {
		for _, k := range it.keys {
			if k == key {
				return true
			}
		}
	}
	return false
}

// chunk is a piece of assembled source and where its lines came from.
type chunk struct {
	text   string
	origin string
	line   int // origin line of the chunk's first line
}

// assembly is source put together from chunks, with the line each chunk
// starts at, to map compile errors back to where the text was typed.
type assembly struct {
	src    []byte
	chunks []chunk
	starts []int
}

func assemble(chunks []chunk) *assembly {
	a := &assembly{chunks: chunks}
	var b strings.Builder
	line := 1
	for _, c := range chunks {
		a.starts = append(a.starts, line)
		b.WriteString(c.text)
		line += strings.Count(c.text, "\n")
	}
	a.src = []byte(b.String())
	return a
}

func (s *script) chunks() []chunk {
	var out []chunk
	for _, it := range s.items {
		out = append(out, chunk{it.text, it.origin, it.line})
	}
	return out
}

// mapError rewrites a positioned error in the assembled source (named name)
// to the file and line its text came from.
func (a *assembly) mapError(name string, err error) error {
	var le *lang.Error
	if !errors.As(err, &le) || le.Pos.File != name || le.Pos.Line == 0 {
		return err
	}
	i := sort.Search(len(a.starts), func(i int) bool { return a.starts[i] > le.Pos.Line }) - 1
	if i < 0 {
		return err
	}
	c := a.chunks[i]
	e := *le
	e.Pos.File = c.origin
	e.Pos.Line = c.line + le.Pos.Line - a.starts[i]
	return &e
}
