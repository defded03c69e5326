package lsp

import (
	"strings"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
)

// Models are the memory models a `model` line or --model names.
var Models = []string{"sc", "tso", "armv8", "lkmm", "hw"}

// complete offers what may be typed at p: after `arch`, arches; after
// `model`, models; after `expect … fail`, violation kinds; elsewhere
// builtins, the script's declared names and keywords.
func (d *document) complete(p Position, reg *mmu.Registry) CompletionList {
	line, col := d.column(p)
	before := []rune(d.line(line))
	before = before[:min(col-1, len(before))]
	prefix := wordBefore(string(before))
	words := strings.Fields(string(before[:len(before)-len([]rune(prefix))]))
	var items []CompletionItem
	add := func(label string, kind int, detail string, doc string) {
		if !strings.HasPrefix(label, prefix) {
			return
		}
		it := CompletionItem{Label: label, Kind: kind, Detail: detail}
		if doc != "" {
			it.Documentation = &MarkupContent{Kind: "markdown", Value: doc}
		}
		items = append(items, it)
	}
	first := ""
	if len(words) > 0 {
		first = words[0]
	}
	switch {
	case first == "arch" || first == "expect" && len(words) == 1:
		for _, a := range arch.Names() {
			add(a, KindEnum, "arch", "")
		}
		if first == "expect" {
			add("ok", KindKeyword, "", "")
			add("fail", KindKeyword, "", "")
		}
	case first == "model":
		for _, m := range Models {
			add(m, KindEnum, "memory model", "")
		}
	case first == "expect":
		if words[len(words)-1] == "fail" {
			for _, k := range compiler.Kinds {
				add(k, KindEnum, "violation kind", "")
			}
		} else {
			add("ok", KindKeyword, "", "")
			add("fail", KindKeyword, "", "")
		}
	default:
		seen := map[string]bool{}
		for _, dc := range d.declarations() {
			add(dc.name, KindVariable, dc.kind, "")
			seen[dc.name] = true
		}
		for _, pr := range d.importedProcs(seen) {
			add(pr, KindFunction, "proc from an import", "")
		}
		for _, n := range reg.Names() {
			b := reg.Lookup(n)
			add(n, KindFunction, b.Sig, builtinDoc(b))
		}
		kws := lang.StmtKeywords
		if len(words) == 0 && d.depthAt(line) == 0 {
			kws = lang.ItemKeywords
		}
		for _, k := range kws {
			add(k, KindKeyword, "", "")
		}
	}
	return CompletionList{Items: items}
}

// wordBefore is the identifier being typed at the end of s.
func wordBefore(s string) string {
	i := len(s)
	for i > 0 {
		c := s[i-1]
		if c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			i--
			continue
		}
		break
	}
	return s[i:]
}

// depthAt is the brace depth at the start of a line (0: top level).
func (d *document) depthAt(line int) int {
	depth := 0
	for _, t := range d.toks {
		if t.Pos.Line >= line {
			break
		}
		if t.Kind == lang.TokOp && t.Text == "{" {
			depth++
		} else if t.Kind == lang.TokOp && t.Text == "}" {
			depth--
		}
	}
	return depth
}

// importedProcs are the procs of the script's imports (the lazy module's
// lazy_mmu_mode_enable, …), from the last text that compiled.
func (d *document) importedProcs(declared map[string]bool) []string {
	var out []string
	for _, name := range d.procs {
		if !declared[name] {
			out = append(out, name)
		}
	}
	return out
}
