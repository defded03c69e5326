// Package compiler turns a parsed .mmu script into a vm.Program: it loads
// imports, resolves names, checks calls against the builtin table, folds
// constants and lowers the structured statements (for, lazy, irqoff,
// atomic, await) to plain bytecode. It also owns the .mmub encoding and the
// disassembler.
package compiler

import (
	"io/fs"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/lang"
	"github.com/mmuvm/mmuvm/mmu"
	"github.com/mmuvm/mmuvm/stdlib"
	"github.com/mmuvm/mmuvm/vm"
)

// Options configure a compilation. The zero value compiles against the
// standard builtins and the embedded stdlib, and reads relative imports from
// the directory of the main file.
type Options struct {
	Builtins *mmu.Registry // default mmu.Builtins()
	Modules  fs.FS         // `import "NAME"` reads NAME.mmu here; default stdlib.FS
	Files    fs.FS         // `import "./x.mmu"` reads here; default the main file's directory tree (DirFS)
	// Limits.SourceBytes bounds the source, main file and imports
	// together (default vm.DefaultLimits); the other fields are the VM's.
	Limits vm.Limits
}

// Kinds lists the violation kinds an expect line may name.
var Kinds = []string{"assert", "condition", "use-after-free", "lazy", "read-hazard", "bbm", "fault", "lock", "deadlock", "limit"}

// CompileFile reads and compiles a script file.
func CompileFile(filename string, opts *Options) (p *vm.Program, err error) {
	defer recoverAs("compiler.CompileFile", &err)
	o := Options{}
	if opts != nil {
		o = *opts
	}
	src, err := ReadSource(filename, o.Limits)
	if err != nil {
		return nil, err
	}
	if o.Files == nil {
		o.Files = DirFS(filepath.Dir(filename))
	}
	return compile(filename, src, &o)
}

// Compile compiles the script src, named name (used in positions and as
// the default test name).
func Compile(name string, src []byte, opts *Options) (p *vm.Program, err error) {
	defer recoverAs("compiler.Compile", &err)
	return compile(name, src, opts)
}

func compile(name string, src []byte, opts *Options) (*vm.Program, error) {
	c := newCompiler(opts)
	if err := c.src.take(len(src)); err != nil {
		return nil, lang.Errorf(nil, lang.Pos{File: name, Line: 1, Col: 1}, "%v", err)
	}
	main, err := lang.Parse(name, src)
	if err != nil {
		return nil, err
	}
	if err := c.load(main, map[string]bool{mainKey(name): true}); err != nil {
		return nil, err
	}
	if err := c.declare(); err != nil {
		return nil, err
	}
	if err := c.generate(); err != nil {
		return nil, err
	}
	c.prog.File = name
	if c.prog.Name == "" {
		c.prog.Name = strings.TrimSuffix(filepath.Base(name), ".mmu")
	}
	return c.prog, nil
}

type compiler struct {
	opts     Options
	reg      *mmu.Registry
	prog     *vm.Program
	files    []*lang.File // index = vm.Pos.File; the main file is last
	globals  map[string]*symbol
	procs    map[string]*procDecl
	order    []*procDecl // procs in declaration order
	threads  []*threadDecl
	initBody *fileBlock
	final    *finalDecl
	filter   *lang.FilterItem
	filterFi int
	locs     []*lang.LocationsItem
	folded   map[lang.Expr]foldResult // fold's cache
	wf       waitFacts                // which procs may wait (atomicwait.go)

	modulePrefix string        // how module files are named in positions ("stdlib/")
	src          *sourceBudget // the bytes of source read so far
}

type fileBlock struct {
	file  int
	block *lang.Block
}

type procDecl struct {
	item  *lang.ProcItem
	file  int
	index int
}

type threadDecl struct {
	item  *lang.ThreadItem
	file  int
	cpu   int
	index int
}

type finalDecl struct {
	item *lang.FinalItem
	file int
}

func newCompiler(opts *Options) *compiler {
	c := &compiler{globals: map[string]*symbol{}, procs: map[string]*procDecl{}}
	if opts != nil {
		c.opts = *opts
	}
	c.reg = c.opts.Builtins
	if c.reg == nil {
		c.reg = mmu.Builtins()
	}
	if c.opts.Modules == nil {
		c.opts.Modules = stdlib.FS
		c.modulePrefix = "stdlib/"
	}
	c.prog = &vm.Program{Init: -1}
	c.src = newSourceBudget(c.opts.Limits)
	return c
}

// load adds f and, first, the modules it imports (depth first), so that a
// module's declarations precede their users and the main file comes last.
func (c *compiler) load(f *lang.File, seen map[string]bool) error {
	seen[f.Name] = true
	for _, it := range f.Items {
		imp, ok := it.(*lang.ImportItem)
		if !ok {
			continue
		}
		name, src, err := c.readModule(imp.Path)
		if err != nil {
			return c.errAt(f, imp.Pos, "import %q: %v", imp.Path, err)
		}
		if seen[name] {
			continue
		}
		mod, err := lang.Parse(name, src)
		if err != nil {
			return err
		}
		if err := c.load(mod, seen); err != nil {
			return err
		}
	}
	c.files = append(c.files, f)
	c.prog.Files = append(c.prog.Files, vm.Source{Name: f.Name, Text: string(f.Src)})
	return nil
}

func (c *compiler) readModule(p string) (string, []byte, error) {
	if strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") {
		return c.readImport(p)
	}
	f, err := c.opts.Modules.Open(p + ".mmu")
	if err != nil {
		return "", nil, moduleError(c.opts.Modules, p)
	}
	defer f.Close()
	src, err := c.src.read(f)
	return c.modulePrefix + p + ".mmu", src, err
}

type moduleErr struct{ msg string }

func (e *moduleErr) Error() string { return e.msg }

func moduleError(fsys fs.FS, name string) error {
	var known []string
	entries, _ := fs.ReadDir(fsys, ".")
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".mmu"); ok {
			known = append(known, n)
		}
	}
	sort.Strings(known)
	msg := "no such module"
	if s := lang.Closest(name, known); s != "" {
		msg += " (did you mean \"" + s + "\"?)"
	} else if len(known) > 0 {
		msg += "; modules: " + strings.Join(known, ", ")
	}
	return &moduleErr{msg}
}

// Models lists the names a `model` line and --model accept.
var Models = []string{"sc", "tso", "armv8", "lkmm", "hw"}

// validArch checks an arch name.
func validArch(name string) error {
	_, err := arch.Lookup(name)
	return err
}
