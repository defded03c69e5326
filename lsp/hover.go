package lsp

import (
	"fmt"
	"strings"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
)

var kindNames = map[mmu.Kind]string{
	mmu.Pure:  "pure: no step, allowed in final",
	mmu.Step:  "step: a visible step (a scheduling point)",
	mmu.Local: "local: this CPU's private state, not a scheduling point",
	mmu.Init:  "init only",
}

// builtinDoc is a builtin's hover text, all of it from the builtin table.
func builtinDoc(b *mmu.Builtin) string {
	var s strings.Builder
	sig := b.Sig
	if sig == "" {
		sig = b.Name
	}
	fmt.Fprintf(&s, "```mmu\n%s\n```\n", sig)
	if b.Doc != "" {
		fmt.Fprintf(&s, "%s\n\n", b.Doc)
	}
	if b.Kernel != "" {
		fmt.Fprintf(&s, "Kernel: %s\n\n", b.Kernel)
	}
	s.WriteString(kindNames[b.Kind])
	if b.Sleeps {
		s.WriteString("; may sleep")
	}
	if b.Blocks {
		s.WriteString("; may wait")
	}
	return s.String()
}

// hover describes the builtin or declared name under the cursor.
func (d *document) hover(p Position, reg *mmu.Registry) *Hover {
	t, ok := d.tokenAt(p)
	if !ok || t.Kind != lang.TokIdent {
		return nil
	}
	r := d.tokenRange(t)
	if dc, ok := d.lookup(t.Text); ok {
		return &Hover{Contents: MarkupContent{Kind: "markdown", Value: dc.describe()}, Range: &r}
	}
	if b := reg.Lookup(t.Text); b != nil {
		return &Hover{Contents: MarkupContent{Kind: "markdown", Value: builtinDoc(b)}, Range: &r}
	}
	return nil
}
