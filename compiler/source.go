package compiler

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/vm"
)

// DirFS is the file system `import "./x.mmu"` reads for a script in dir:
// the directory tree below dir and nothing else. Paths are resolved
// inside it as os.Root does: no "..", and no symlink that leads out of
// the tree. Each Open opens the root afresh, so nothing stays open.
func DirFS(dir string) fs.FS { return rootFS(dir) }

type rootFS string

func (d rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	r, err := os.OpenRoot(string(d))
	if err != nil {
		return nil, err
	}
	defer r.Close() // the file stays open on its own descriptor
	return r.Open(name)
}

// errNotMMU refuses an import of another kind of file, without reading it
// (an error quoting its first line would leak it).
var errNotMMU = errors.New("only .mmu files can be imported")

// errOutside refuses a path that leaves the script's directory tree.
var errOutside = errors.New("the path leads out of the script's directory tree")

// sourceBudget counts the bytes of source read for one compilation: the
// parser holds about 175 bytes per source byte, so the source is bounded
// before it is parsed.
type sourceBudget struct {
	limit, used int
	name        string // the budget, as messages name it
}

func newSourceBudget(l vm.Limits) *sourceBudget {
	n := sourceLimit(l)
	return &sourceBudget{limit: n, name: fmt.Sprintf("the source budget of %d bytes (Limits.SourceBytes)", n)}
}

func sourceLimit(l vm.Limits) int {
	if l.SourceBytes <= 0 {
		return vm.DefaultLimits().SourceBytes
	}
	return l.SourceBytes
}

// mmubPerSourceByte bounds a .mmub file against the source budget: it
// holds the sources it was compiled from and their code, and the densest
// code the compiler makes takes under 8 bytes a source byte (a chain of
// additions; TestMMUBReadBound), so a .mmub built from sources within
// the budget is always read whole.
const mmubPerSourceByte = 16

// overBudget is a read that would pass its budget.
type overBudget struct{ budget string }

func (e *overBudget) Error() string { return "the sources exceed " + e.budget }

// take counts n bytes of source, failing past the budget.
func (b *sourceBudget) take(n int) error {
	if b.used+n > b.limit {
		return &overBudget{b.name}
	}
	b.used += n
	return nil
}

// read reads r, holding at most one byte more than the budget has left.
func (b *sourceBudget) read(r io.Reader) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, int64(b.limit-b.used)+1))
	if err != nil {
		return nil, err
	}
	if err := b.take(len(src)); err != nil {
		return nil, err
	}
	return src, nil
}

// readFile reads a file within the budget; past it, the error is
// positioned at the file's start, so that every front end names the file.
func (b *sourceBudget) readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := b.read(f)
	var over *overBudget
	if errors.As(err, &over) {
		return nil, lang.Errorf(nil, lang.Pos{File: name, Line: 1, Col: 1}, "the file exceeds %s", over.budget)
	}
	return src, err
}

// ReadSource reads a file that a front end reads whole before parsing it
// (a herd .litmus test, a script the REPL loads) within l.SourceBytes: it
// holds at most one byte more, and a larger file is an error at the
// file's 1:1. CompileFile reads its script so.
func ReadSource(name string, l vm.Limits) ([]byte, error) {
	return newSourceBudget(l).readFile(name)
}

// DecodeFile reads and decodes a .mmub file, within mmubPerSourceByte
// times l.SourceBytes (a larger file is an error at its 1:1, before it is
// read whole).
func DecodeFile(name string, l vm.Limits) (p *vm.Program, err error) {
	defer recoverAs("compiler.DecodeFile", &err)
	n := mmubPerSourceByte * sourceLimit(l)
	b := &sourceBudget{limit: n, name: fmt.Sprintf("the .mmub budget of %d bytes (%d times Limits.SourceBytes)", n, mmubPerSourceByte)}
	data, err := b.readFile(name)
	if err != nil {
		return nil, err
	}
	if p, err = Decode(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// readImport reads `import "./p"` from the script's tree.
func (c *compiler) readImport(p string) (string, []byte, error) {
	if c.opts.Files == nil {
		return "", nil, fs.ErrNotExist
	}
	clean := path.Clean(p)
	if path.Ext(clean) != ".mmu" {
		return "", nil, errNotMMU
	}
	if !fs.ValidPath(clean) {
		return "", nil, errOutside
	}
	f, err := c.opts.Files.Open(clean)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the cause: the import's own path is in the message already
		}
		if !errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%v (imports are read inside the script's directory tree only)", err)
		}
		return "", nil, err
	}
	defer f.Close()
	src, err := c.src.read(f)
	return clean, src, err
}

// mainKey is how the main file is known among the files of its tree, so
// that importing it back, however spelled, finds it already loaded.
func mainKey(name string) string {
	return path.Clean(filepath.ToSlash(filepath.Base(name)))
}

// recoverAs turns a panic escaping an exported function into an error
// naming it (as vm does): a bug of mmuvm must not take an embedding host
// down.
func recoverAs(fn string, err *error) {
	if p := recover(); p != nil {
		*err = &vm.InternalError{Func: fn, Value: p}
	}
}
