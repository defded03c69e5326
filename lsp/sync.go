package lsp

import (
	"context"
	"encoding/json"
)

func (s *Server) didOpen(_ context.Context, params json.RawMessage) (any, error) {
	p, err := decode[DidOpenParams](params)
	if err != nil {
		return nil, err
	}
	d := newDocument(p.TextDocument.URI, p.TextDocument.Version, p.TextDocument.Text)
	s.docs[d.uri] = d
	return nil, s.publish(d)
}

// didChange takes the whole new text (the server asks for full sync).
func (s *Server) didChange(_ context.Context, params json.RawMessage) (any, error) {
	p, err := decode[DidChangeParams](params)
	if err != nil {
		return nil, err
	}
	d, err := s.document(p.TextDocument.URI)
	if err != nil || len(p.ContentChanges) == 0 {
		return nil, err
	}
	s.stopCheck(d.uri)
	s.mu.Lock()
	d.checked = nil // the verdict was for the saved text
	d.update(p.TextDocument.Version, p.ContentChanges[len(p.ContentChanges)-1].Text)
	s.mu.Unlock()
	return nil, s.publish(d)
}

// didSave starts the bounded check of the saved text in the background;
// an edit or another save cancels it.
func (s *Server) didSave(ctx context.Context, params json.RawMessage) (any, error) {
	p, err := decode[DidSaveParams](params)
	if err != nil {
		return nil, err
	}
	d, err := s.document(p.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	s.stopCheck(d.uri)
	if p.Text != nil {
		s.mu.Lock()
		d.update(d.version, *p.Text)
		s.mu.Unlock()
	}
	if d.prog == nil {
		return nil, s.publish(d)
	}
	cctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	s.cancel[d.uri] = cancel
	s.mu.Unlock()
	// The check reads a copy: update replaces the document's fields, never
	// mutates what they point to.
	snap := *d
	prog, version := d.prog, d.version
	s.checks.Add(1)
	go func() {
		defer s.checks.Done()
		diags := snap.check(cctx, prog)
		s.mu.Lock()
		defer s.mu.Unlock()
		if cctx.Err() != nil || d.version != version || d.prog != prog {
			return // the text changed while checking
		}
		d.checked = diags
		s.publishLocked(d)
	}()
	return nil, nil
}

func (s *Server) didClose(_ context.Context, params json.RawMessage) (any, error) {
	p, err := decode[struct{ TextDocument TextDocumentIdentifier }](params)
	if err != nil {
		return nil, err
	}
	s.stopCheck(p.TextDocument.URI)
	delete(s.docs, p.TextDocument.URI)
	return nil, s.out.notify("textDocument/publishDiagnostics", PublishDiagnosticsParams{URI: p.TextDocument.URI, Diagnostics: []Diagnostic{}})
}

func (s *Server) stopCheck(uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.cancel[uri]; c != nil {
		c()
		delete(s.cancel, uri)
	}
}

func (s *Server) cancelAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for uri, c := range s.cancel {
		c()
		delete(s.cancel, uri)
	}
}

func (s *Server) publish(d *document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publishLocked(d)
}

// publishLocked sends the document's diagnostics: its errors, and the
// verdict of the last check while the text is the one checked.
func (s *Server) publishLocked(d *document) error {
	diags := append(append([]Diagnostic{}, d.diags...), d.checked...)
	return s.out.notify("textDocument/publishDiagnostics", PublishDiagnosticsParams{URI: d.uri, Version: d.version, Diagnostics: diags})
}
