package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/mmu"
)

// client speaks JSON-RPC to a server running Serve on pipes: the test
// goes through the protocol's bytes, not through the server's methods.
type client struct {
	t      *testing.T
	in     io.WriteCloser
	out    *bufio.Reader
	nextID int
	notes  []request // notifications received while waiting for answers
	done   chan error
}

func startServer(t *testing.T) *client {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	c := &client{t: t, in: inW, out: bufio.NewReader(outR), done: make(chan error, 1)}
	go func() {
		err := Serve(context.Background(), inR, outW)
		outW.Close()
		c.done <- err
	}()
	return c
}

func (c *client) send(v any) {
	c.t.Helper()
	body, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c.in, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

// call sends a request and returns its result (or fails on an error).
func (c *client) call(method string, params any, result any) {
	c.t.Helper()
	c.nextID++
	id := c.nextID
	c.send(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	for {
		msg := c.read()
		if msg.Method != "" {
			c.notes = append(c.notes, request{Method: msg.Method, Params: msg.Params})
			continue
		}
		if string(msg.ID) != fmt.Sprint(id) {
			c.t.Fatalf("answer to %s for id %s", method, msg.ID)
		}
		if msg.Error != nil {
			c.t.Fatalf("%s: error %d %s", method, msg.Error.Code, msg.Error.Message)
		}
		if result != nil {
			if err := json.Unmarshal(msg.Result, result); err != nil {
				c.t.Fatalf("%s: %v in %s", method, err, msg.Result)
			}
		}
		return
	}
}

type incoming struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *rpcError       `json:"error"`
}

func (c *client) read() incoming {
	c.t.Helper()
	type res struct {
		body []byte
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		b, err := readMessage(c.out)
		ch <- res{b, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatalf("reading from the server: %v", r.err)
		}
		var m incoming
		if err := json.Unmarshal(r.body, &m); err != nil {
			c.t.Fatalf("%v in %s", err, r.body)
		}
		return m
	case <-time.After(time.Minute): // a hang, not a speed goal
		c.t.Fatal("no message from the server in a minute")
	}
	return incoming{}
}

// diagnostics waits for the next diagnostics published for uri.
func (c *client) diagnostics(uri string) []Diagnostic {
	c.t.Helper()
	for {
		var msg request
		if len(c.notes) > 0 {
			msg, c.notes = c.notes[0], c.notes[1:]
		} else {
			m := c.read()
			msg = request{Method: m.Method, Params: m.Params}
		}
		if msg.Method != "textDocument/publishDiagnostics" {
			continue
		}
		var p PublishDiagnosticsParams
		if err := json.Unmarshal(msg.Params, &p); err != nil {
			c.t.Fatal(err)
		}
		if p.URI == uri {
			return p.Diagnostics
		}
	}
}

// broken is fixed with a typo on line 10: xx for x.
var broken = strings.Replace(fixed, "  r0 = x\n}", "  r0 = xx\n}", 1)

const fixed = `test "sb"
shared x, y

cpu 0 {
  x = 1
  r0 = y
}
cpu 1 {
  y = 1
  r0 = x
}

final ~exists (0:r0 == 0 && 1:r0 == 0)
expect ok
`

func pos(line, char int) map[string]any {
	return map[string]any{"line": line, "character": char}
}

func at(uri string, line, char int) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(line, char)}
}

func rng(l0, c0, l1, c1 int) Range {
	return Range{Start: Position{l0, c0}, End: Position{l1, c1}}
}

// TestSession drives the server through a whole editing session.
func TestSession(t *testing.T) {
	c := startServer(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "sb.mmu")
	uri := "file://" + filepath.ToSlash(path)

	var init struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	c.call("initialize", map[string]any{"processId": nil, "rootUri": nil, "capabilities": map[string]any{}}, &init)
	for _, cap := range []string{"hoverProvider", "completionProvider", "definitionProvider", "referencesProvider", "documentSymbolProvider", "documentFormattingProvider"} {
		if init.Capabilities[cap] == nil {
			t.Errorf("initialize: no %s", cap)
		}
	}
	c.notify("initialized", map[string]any{})

	// A broken script: the unknown name is flagged at its exact range.
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "mmu", "version": 1, "text": broken}})
	diags := c.diagnostics(uri)
	if len(diags) != 1 || diags[0].Range != rng(9, 7, 9, 9) || diags[0].Severity != SeverityError || !strings.Contains(diags[0].Message, "xx") {
		t.Fatalf("diagnostics of the broken script: %+v", diags)
	}

	// The fix clears it.
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 2}, "contentChanges": []any{map[string]any{"text": fixed}}})
	if diags := c.diagnostics(uri); len(diags) != 0 {
		t.Fatalf("diagnostics after the fix: %+v", diags)
	}

	// Hover on a builtin is out of the builtin table; on a declared name, its declaration.
	c.notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri, "version": 3}, "contentChanges": []any{map[string]any{"text": strings.Replace(fixed, "  x = 1\n", "  x = 1\n  smp_mb()\n", 1)}}})
	c.diagnostics(uri)
	var h Hover
	c.call("textDocument/hover", at(uri, 5, 4), &h)
	for _, want := range []string{"smp_mb()", "include/asm-generic/barrier.h", "local"} {
		if !strings.Contains(h.Contents.Value, want) {
			t.Errorf("hover on smp_mb: %q lacks %q", h.Contents.Value, want)
		}
	}
	c.call("textDocument/hover", at(uri, 4, 2), &h)
	if !strings.Contains(h.Contents.Value, "shared x") {
		t.Errorf("hover on x: %q", h.Contents.Value)
	}

	// Completion: builtins and declared names where a statement goes,
	// arches after `arch`, kinds after `expect fail`.
	var list CompletionList
	c.call("textDocument/completion", at(uri, 4, 3), &list) // after "x" in "  x = 1"
	if !hasLabel(list, "x") || hasLabel(list, "y") {
		t.Errorf("completion of x: %v", labels(list))
	}
	c.call("textDocument/completion", at(uri, 5, 5), &list) // "  smp_m"
	if !hasLabel(list, "smp_mb") || !hasLabel(list, "smp_mb__after_atomic") || hasLabel(list, "x") {
		t.Errorf("completion of smp_m: %v", labels(list))
	}

	// Definition and references of the shared word y.
	var locs []Location
	c.call("textDocument/definition", at(uri, 6, 8), &locs) // "  r0 = y"
	if len(locs) != 1 || locs[0].Range != rng(1, 10, 1, 11) || locs[0].URI != uri {
		t.Errorf("definition of y: %+v", locs)
	}
	c.call("textDocument/references", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": pos(6, 8), "context": map[string]any{"includeDeclaration": true}}, &locs)
	if len(locs) != 3 {
		t.Errorf("references of y: %+v", locs)
	}

	var syms []DocumentSymbol
	c.call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri}}, &syms)
	if len(syms) != 2 || syms[0].Name != "cpu 0" || syms[1].Name != "cpu 1" || syms[0].Range.Start.Line != 3 || syms[0].Range.End.Line != 7 {
		t.Errorf("symbols: %+v", syms)
	}

	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// TestCompletionContexts: arches, models and violation kinds where the
// line asks for them.
func TestCompletionContexts(t *testing.T) {
	for _, tc := range []struct {
		line        string
		want, avoid string
	}{
		{"arch ", "x86pae-pv", "set_pte"},
		{"model ", "lkmm", "arm64"},
		{"expect fail ", "use-after-free", "arm64"},
		{"expect arm64: fail u", "use-after-free", "lock"},
		{"sh", "shared", "set_pte"},
		{"cpu 0 { lazy_mmu_mode_e", "lazy_mmu_mode_enable", "lazy_mmu_mode_disable"},
	} {
		d := newDocument("file:///x.mmu", 1, "import \"lazy\"\ncpu 0 { }\n")
		d.update(2, tc.line)
		list := d.complete(Position{0, len(tc.line)}, mmu.Builtins())
		if !hasLabel(list, tc.want) || hasLabel(list, tc.avoid) {
			t.Errorf("%q: %v", tc.line, labels(list))
		}
	}
}

// TestCheckAfterSave: a save runs the bounded check, and the violation
// shows on the line that raised it.
func TestCheckAfterSave(t *testing.T) {
	src, err := os.ReadFile("../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu")
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	uri := "file:///tmp/keyfirst.mmu"
	c.call("initialize", map[string]any{"capabilities": map[string]any{}}, nil)
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "mmu", "version": 1, "text": string(src)}})
	if d := c.diagnostics(uri); len(d) != 0 {
		t.Fatalf("diagnostics on open: %+v", d)
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": map[string]any{"uri": uri}})
	diags := c.diagnostics(uri)
	var uaf, verdict *Diagnostic
	for i, d := range diags {
		switch {
		case strings.Contains(d.Message, ": use-after-free: "):
			uaf = &diags[i]
		case strings.Contains(d.Message, "verdict fail use-after-free"):
			verdict = &diags[i]
		}
	}
	lines := strings.Split(string(src), "\n")
	if uaf == nil || !strings.Contains(lines[uaf.Range.Start.Line], "pmdp_get(") || !strings.Contains(uaf.Message, "--schedule") {
		t.Errorf("no use-after-free on the pmdp_get line: %+v", diags)
	}
	if verdict == nil || verdict.Severity != SeverityInformation || !strings.HasPrefix(lines[verdict.Range.Start.Line], "expect") {
		t.Errorf("no matched verdict on the expect line: %+v", diags)
	}
	var edits []TextEdit
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": uri}, "options": map[string]any{"tabSize": 2}}, &edits)
	if len(edits) != 0 {
		t.Errorf("formatting a formatted script: %+v", edits)
	}
	c.call("shutdown", nil, nil)
	c.notify("exit", nil)
	if err := <-c.done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func hasLabel(l CompletionList, s string) bool {
	for _, it := range l.Items {
		if it.Label == s {
			return true
		}
	}
	return false
}

func labels(l CompletionList) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Label)
	}
	if len(out) > 20 {
		out = append(out[:20], "…")
	}
	return out
}
