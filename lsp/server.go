// Package lsp is a Language Server Protocol server for .mmu scripts
// (mmuasm lsp): diagnostics as you type (parse and compile errors at their
// exact ranges) and, after a save, the verdict of a bounded check on the
// violating line; hover on builtins from the builtin table; completion;
// go to definition and references; document symbols; and formatting
// through package format.
//
// The protocol is JSON-RPC 2.0 over stdio with Content-Length framing. It
// is implemented here, on encoding/json, rather than with an LSP library:
// the dozen messages the server speaks are a few small types, and the Go
// LSP libraries are either internal to gopls or unmaintained.
package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/mmuvm/mmuvm/format"
	"github.com/mmuvm/mmuvm/mmu"
)

// Server is one client's session.
type Server struct {
	out  *writer
	reg  *mmu.Registry
	docs map[string]*document

	mu      sync.Mutex // guards cancel and checked results
	cancel  map[string]context.CancelFunc
	checks  sync.WaitGroup
	stopped bool
}

// Serve runs the server until the client sends exit or closes in. It
// returns nil after a shutdown request and exit, as the protocol asks.
func Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	s := &Server{out: &writer{w: out}, reg: mmu.Builtins(), docs: map[string]*document{}, cancel: map[string]context.CancelFunc{}}
	defer s.checks.Wait()
	defer s.cancelAll()
	r := bufio.NewReader(in)
	for {
		body, err := readMessage(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		var req request
		if err := json.Unmarshal(body, &req); err != nil {
			if err := s.out.reply(json.RawMessage("null"), nil, &rpcError{Code: codeParseError, Message: err.Error()}); err != nil {
				return err
			}
			continue
		}
		if req.Method == "exit" {
			if !s.stopped {
				return errors.New("exit without shutdown")
			}
			return nil
		}
		if err := s.dispatch(ctx, &req); err != nil {
			return err
		}
	}
}

// dispatch answers a request, or handles a notification.
func (s *Server) dispatch(ctx context.Context, req *request) error {
	h, ok := s.handlers()[req.Method]
	if req.ID == nil {
		if ok {
			s.call(ctx, h, req) // notifications have no answer, not even an error
		}
		return nil
	}
	if !ok {
		return s.out.reply(req.ID, nil, &rpcError{Code: codeMethodNotFound, Message: "method not found: " + req.Method})
	}
	result, err := s.call(ctx, h, req)
	return s.out.reply(req.ID, result, err)
}

// call runs a handler; a panic (a bug) becomes an error answer instead of
// taking the editor's server down with the user's unsaved work in view.
func (s *Server) call(ctx context.Context, h handler, req *request) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, &rpcError{Code: codeRequestFailed, Message: fmt.Sprintf("internal error in %s: %v", req.Method, r)}
		}
	}()
	return h(ctx, req.Params)
}

type handler func(ctx context.Context, params json.RawMessage) (any, error)

func (s *Server) handlers() map[string]handler {
	return map[string]handler{
		"initialize":                       s.initialize,
		"initialized":                      ignore,
		"shutdown":                         s.shutdown,
		"textDocument/didOpen":             s.didOpen,
		"textDocument/didChange":           s.didChange,
		"textDocument/didSave":             s.didSave,
		"textDocument/didClose":            s.didClose,
		"textDocument/hover":               s.onPosition(func(d *document, p PositionParams) any { return d.hover(p.Position, s.reg) }),
		"textDocument/completion":          s.onPosition(func(d *document, p PositionParams) any { return d.complete(p.Position, s.reg) }),
		"textDocument/definition":          s.onPosition(func(d *document, p PositionParams) any { return d.definition(p.Position) }),
		"textDocument/references":          s.references,
		"textDocument/documentSymbol":      s.documentSymbol,
		"textDocument/formatting":          s.formatting,
		"$/cancelRequest":                  ignore,
		"$/setTrace":                       ignore,
		"workspace/didChangeConfiguration": ignore,
	}
}

func ignore(context.Context, json.RawMessage) (any, error) { return nil, nil }

func decode[T any](params json.RawMessage) (T, error) {
	var v T
	if err := json.Unmarshal(params, &v); err != nil {
		return v, &rpcError{Code: codeInvalidParams, Message: err.Error()}
	}
	return v, nil
}

func (s *Server) initialize(context.Context, json.RawMessage) (any, error) {
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync":           map[string]any{"openClose": true, "change": 1, "save": map[string]any{"includeText": false}},
			"hoverProvider":              true,
			"completionProvider":         map[string]any{},
			"definitionProvider":         true,
			"referencesProvider":         true,
			"documentSymbolProvider":     true,
			"documentFormattingProvider": true,
		},
		"serverInfo": map[string]any{"name": "mmuasm lsp"},
	}, nil
}

func (s *Server) shutdown(context.Context, json.RawMessage) (any, error) {
	s.stopped = true
	s.cancelAll()
	s.checks.Wait()
	return nil, nil
}

func (s *Server) document(uri string) (*document, error) {
	d, ok := s.docs[uri]
	if !ok {
		return nil, &rpcError{Code: codeInvalidParams, Message: "document not open: " + uri}
	}
	return d, nil
}

// docOf finds the open document a request is about: every request's
// params name it as textDocument.uri.
func (s *Server) docOf(params json.RawMessage) (*document, error) {
	p, err := decode[struct{ TextDocument TextDocumentIdentifier }](params)
	if err != nil {
		return nil, err
	}
	return s.document(p.TextDocument.URI)
}

func (s *Server) onPosition(f func(*document, PositionParams) any) handler {
	return func(_ context.Context, params json.RawMessage) (any, error) {
		p, err := decode[PositionParams](params)
		if err != nil {
			return nil, err
		}
		d, err := s.document(p.TextDocument.URI)
		if err != nil {
			return nil, err
		}
		return f(d, p), nil
	}
}

func (s *Server) references(_ context.Context, params json.RawMessage) (any, error) {
	p, err := decode[ReferenceParams](params)
	if err != nil {
		return nil, err
	}
	d, err := s.document(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return d.references(p.Position, p.Context.IncludeDeclaration), nil
}

func (s *Server) documentSymbol(_ context.Context, params json.RawMessage) (any, error) {
	d, err := s.docOf(params)
	if err != nil {
		return nil, err
	}
	return d.symbols(), nil
}

// formatting replaces the whole text by mmuasm fmt's layout; a script
// that does not parse is left alone, with the parse error as the answer.
func (s *Server) formatting(_ context.Context, params json.RawMessage) (any, error) {
	d, err := s.docOf(params)
	if err != nil {
		return nil, err
	}
	out, err := format.Source(d.path, []byte(d.text))
	if err != nil {
		return nil, &rpcError{Code: codeRequestFailed, Message: err.Error()}
	}
	if string(out) == d.text {
		return []TextEdit{}, nil
	}
	return []TextEdit{{Range: d.fullRange(), NewText: string(out)}}, nil
}
