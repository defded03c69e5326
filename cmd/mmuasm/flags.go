package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/internal/termstyle"
	"github.com/mmuvm/mmuvm/litmus"
	"github.com/mmuvm/mmuvm/vm"
)

// options are the flags shared by check, test and run.
type options struct {
	arch         string
	model        string
	search       string
	seed         int64
	runs         int
	all          bool
	jsonOut      bool
	format       string
	maxExec      int
	maxGraphs    int
	maxSteps     int
	maxStates    int
	timeout      time.Duration
	workers      int
	schedule     string
	saveSchedule string
	out          string
	noColor      bool
	width        int
	allRows      bool
	html         string
	proc         string
	shard        string // --shard I/N
	shardOut     string
	write        bool   // fmt -w
	list         bool   // fmt -l
	stdio        bool   // lsp --stdio
	addr         string // playground --addr
	outDir       string // playground --out
	wasm         string // playground --wasm
}

// flagDefs defines every flag by name; a command's entry in commands
// lists those it takes, so that its help shows only those.
var flagDefs = map[string]func(*flag.FlagSet, *options){
	"arch": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.arch, "arch", "", "arch(es): a name, a comma list, or all (default: the script's arch line)")
	},
	"model": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.model, "model", "", "memory model: sc, tso, armv8, lkmm, or hw (each arch's hardware model) (default: the script's model line, else sc)")
	},
	"search": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.search, "search", "auto", "exploration: auto (dpor and state in lockstep; the first to finish gives the result), dpor (partial-order reduction), state (stateful search), dfs (every interleaving), random, graph (the execution-graph enumeration under sc and tso, which lkmm uses by default, and armv8 where no CPU synchronises by IPIs or grace periods), incremental (execution graphs built one event at a time, under any model)")
	},
	"seed": func(fs *flag.FlagSet, o *options) {
		fs.Int64Var(&o.seed, "seed", 1, "random seed (run, --search random)")
	},
	"n": func(fs *flag.FlagSet, o *options) { fs.IntVar(&o.runs, "n", 1000, "executions for --search random") },
	"all": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.all, "all", false, "keep exploring after violations and count them all")
	},
	"json": func(fs *flag.FlagSet, o *options) { fs.BoolVar(&o.jsonOut, "json", false, "print one JSON document") },
	"format": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.format, "format", "text", "text; mail (plain ASCII, at most 72 columns, to paste in a mail); herd (check only: herd7's log format, for its comparison tools)")
	},
	"all-rows": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.allRows, "all-rows", false, "print every row of a trace (by default a run of more than 8 like rows of one CPU, one line doing the same thing, or of like rounds of up to 8 rows, shows its first and last 2 rows or rounds and says which steps it hides)")
	},
	"width": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.width, "width", -1, "wrap tables to this many columns, 0 never (default: the terminal's width, else $COLUMNS, else never)")
	},
	"max-executions": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.maxExec, "max-executions", 0, "stop after this many executions (0: no bound)")
	},
	"max-graphs": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.maxGraphs, "max-graphs", 0, "under a weak model, stop after checking this many execution graphs (0: no bound); unlike --timeout, it stops every run at the same place")
	},
	"max-steps": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.maxSteps, "max-steps", 100000, "visible steps per execution")
	},
	"max-states": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.maxStates, "max-states", 0, "states the stateful search may store, its memory bound (0: no bound)")
	},
	"timeout": func(fs *flag.FlagSet, o *options) {
		fs.DurationVar(&o.timeout, "timeout", 0, "stop exploring after this long (0: no bound)")
	},
	"j": func(fs *flag.FlagSet, o *options) {
		fs.IntVar(&o.workers, "j", 1, "parallel workers: (script, arch) pairs checked at once; within a check, auto's two strategies at once, the workers of one stateful search, or the parts of a split --search dpor (-j 2 or more); the verdict, final states and counterexample are the same for every -j (--json names the counts that are not)")
	},
	"schedule": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.schedule, "schedule", "", "replay this schedule (or weak execution) token")
	},
	"save-schedule": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.saveSchedule, "save-schedule", "", "write the counterexample's schedule token to this file")
	},
	"html": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.html, "html", "", "also write the report as one self-contained HTML file (sequence chart, page-table walk, source)")
	},
	"shard": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.shard, "shard", "", "explore only shard I of N (I/N, from 0) of a split dpor search; write it with --shard-out and combine the shards with mmuasm merge")
	},
	"shard-out": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.shardOut, "shard-out", "", "write the shard's result to this file, for mmuasm merge")
	},
	"o":        func(fs *flag.FlagSet, o *options) { fs.StringVar(&o.out, "o", "", "output file") },
	"proc":     func(fs *flag.FlagSet, o *options) { fs.StringVar(&o.proc, "proc", "", "only this proc") },
	"no-color": func(fs *flag.FlagSet, o *options) { fs.BoolVar(&o.noColor, "no-color", false, "no colour") },
	"w": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.write, "w", false, "rewrite the files in place instead of printing them")
	},
	"l": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.list, "l", false, "only list the files whose layout differs")
	},
	"stdio": func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.stdio, "stdio", true, "talk over stdin and stdout (the only transport; editors' clients pass it)")
	},
	"addr": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.addr, "addr", "localhost:8080", "address to serve on")
	},
	"out": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.outDir, "out", "", "write the site to this directory instead of serving it")
	},
	"wasm": func(fs *flag.FlagSet, o *options) {
		fs.StringVar(&o.wasm, "wasm", "", "a prebuilt checker (GOOS=js GOARCH=wasm go build ./playground/wasm), with the wasm_exec.js of its Go next to it or in GOROOT; default: build it from the sources here, cached")
	},
}

// newFlags makes the flag set of a command with the flags it takes.
func newFlags(name string, o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mmuasm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {} // help goes to stdout, see helpCommand
	c := lookup(name)
	for _, f := range c.flags {
		flagDefs[f](fs, o)
	}
	return fs
}

// parse parses flags anywhere among the arguments (check x.mmu --arch all).
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (o *options) config(a string) vm.Config {
	return vm.Config{
		Arch: a, Model: o.model, Search: o.search, All: o.all, Seed: o.seed, Runs: o.runs,
		Limits:  vm.Limits{Steps: o.maxSteps, Executions: o.maxExec, States: o.maxStates, Graphs: o.maxGraphs},
		Timeout: o.timeout, Workers: o.workers, Shard: o.parsedShard(),
	}
}

// arches resolves --arch against the program's arch line.
func (o *options) arches(p *vm.Program) ([]string, error) {
	switch o.arch {
	case "":
		return p.Arches, nil
	case "all":
		return arch.Names(), nil
	}
	list := strings.Split(o.arch, ",")
	for _, a := range list {
		if _, err := arch.Lookup(a); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// style is how reports are laid out on w: a mail's 72 ASCII columns, or
// the terminal's width and the locale's character set.
func (o *options) style(w io.Writer) vm.Style {
	if o.format == "mail" {
		return vm.Style{Width: mailWidth, ASCII: true, Mail: true, AllRows: o.allRows}
	}
	st := termstyle.Style(o.noColor)
	st.AllRows = o.allRows
	st.Width = o.width
	if o.width < 0 {
		st.Width = termstyle.Width(w)
	}
	st.ASCII = !termstyle.UTF8()
	return st
}

// load compiles a script or decodes a .mmub, each read within the
// default source budget (vm.Limits.SourceBytes).
func load(path string) (*vm.Program, error) {
	if strings.HasSuffix(path, ".mmub") {
		return compiler.DecodeFile(path, vm.Limits{})
	}
	if strings.HasSuffix(path, ".litmus") {
		return loadLitmus(path)
	}
	return compiler.CompileFile(path, nil)
}

// loadLitmus translates a herd .litmus test to .mmu and compiles it.
func loadLitmus(path string) (*vm.Program, error) {
	src, err := compiler.ReadSource(path, vm.Limits{})
	if err != nil {
		return nil, err
	}
	text, err := litmus.Translate(path, src)
	if err != nil {
		return nil, err
	}
	p, err := compiler.Compile(path, []byte(text), nil)
	if err != nil {
		return nil, fmt.Errorf("%s: the translation does not compile (a bug of the translator): %w", path, err)
	}
	p.Name = strings.TrimSuffix(p.Name, ".litmus")
	return p, nil
}

// oneScript parses the flags of a command that takes one script and loads
// it. On failure it has reported the problem (or printed the help asked
// for) and ok is false; code is then the exit status.
func oneScript(name string, args []string, stdout, stderr io.Writer) (o *options, file string, p *vm.Program, code int, ok bool) {
	o, files, code, ok := parseArgs(name, args, stdout, stderr)
	if !ok {
		return nil, "", nil, code, false
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: mmuasm "+lookup(name).synopsis)
		return nil, "", nil, exitUsage, false
	}
	if err := o.validate(name); err != nil {
		return nil, "", nil, usageError(name, err, stderr), false
	}
	p, err := load(files[0])
	if err != nil {
		return nil, "", nil, report(stderr, err), false
	}
	warn(stderr, p)
	return o, files[0], p, exitOK, true
}

// parseArgs parses a command's flags (those of its entry in commands)
// and returns the other arguments. On failure it has printed the help
// asked for (-h) or the usage error, and ok is false; code is then the
// exit status.
func parseArgs(name string, args []string, stdout, stderr io.Writer) (o *options, rest []string, code int, ok bool) {
	o = &options{}
	rest, err := parse(newFlags(name, o, stderr), args)
	if err != nil {
		return nil, nil, flagError(name, err, stdout, stderr), false
	}
	return o, rest, exitOK, true
}

// noArgs parses the flags of a command that takes no other argument.
func noArgs(name string, args []string, stdout, stderr io.Writer) (o *options, code int, ok bool) {
	o, rest, code, ok := parseArgs(name, args, stdout, stderr)
	if ok && len(rest) > 0 {
		return nil, usageError(name, fmt.Errorf("unexpected argument %q", rest[0]), stderr), false
	}
	return o, code, ok
}

// flagError turns a flag parsing error into the exit status: -h prints
// the command's help and succeeds, anything else is a usage error.
func flagError(name string, err error, stdout, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		writeHelp(stdout, lookup(name))
		return exitOK
	}
	return usageError(name, err, stderr)
}

func usageError(name string, err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "mmuasm %s: %v\nRun 'mmuasm help %s' for its flags.\n", name, err, name)
	return exitUsage
}

// validate refuses flag values that would otherwise be ignored.
func (o *options) validate(cmd string) error {
	if err := o.validateShard(); err != nil {
		return err
	}
	switch o.search {
	case "", "auto", "dpor", "state", "dfs", "random", "graph", "incremental":
	default:
		return fmt.Errorf("unknown --search %q (auto, dpor, state, dfs, random, graph or incremental)", o.search)
	}
	formats := []string{"text", "mail"}
	if cmd == "check" {
		formats = append(formats, "herd")
	}
	if o.format != "" && !slices.Contains(formats, o.format) {
		return fmt.Errorf("unknown --format %q (%s)", o.format, strings.Join(formats, ", "))
	}
	if o.jsonOut && o.format != "" && o.format != "text" {
		return fmt.Errorf("--json and --format %s are two outputs: choose one", o.format)
	}
	return nil
}

// warn prints the compiler's warnings on stderr: they do not change the
// exit status.
func warn(stderr io.Writer, p *vm.Program) {
	for _, w := range p.Warnings {
		fmt.Fprintln(stderr, w)
	}
}
