package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"mmuvm/arch"
	"mmuvm/compiler"
	"mmuvm/internal/termstyle"
	"mmuvm/litmus"
	"mmuvm/vm"
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
	maxSteps     int
	maxStates    int
	timeout      time.Duration
	workers      int
	schedule     string
	saveSchedule string
	out          string
	noColor      bool
}

func newFlags(name string, o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("mmuasm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.arch, "arch", "", "arch(es) to check: a name, a comma list, or all (default: the script's arch line)")
	fs.StringVar(&o.model, "model", "", "memory model: sc, tso, armv8, lkmm, or hw (each arch's hardware model) (default: the script's model line, else sc)")
	fs.StringVar(&o.search, "search", "auto", "exploration: auto (dpor, then state when it has many executions), dpor (partial-order reduction), state (stateful search), dfs (every interleaving), random")
	fs.Int64Var(&o.seed, "seed", 1, "random seed (run, --search random)")
	fs.IntVar(&o.runs, "n", 1000, "executions for --search random")
	fs.BoolVar(&o.all, "all", false, "keep exploring after violations and count them all")
	fs.BoolVar(&o.jsonOut, "json", false, "print JSON")
	fs.StringVar(&o.format, "format", "text", "check: text, or herd (herd7's log format, for its comparison tools)")
	fs.IntVar(&o.maxExec, "max-executions", 0, "stop after this many executions (0: no bound)")
	fs.IntVar(&o.maxSteps, "max-steps", 100000, "visible steps per execution")
	fs.IntVar(&o.maxStates, "max-states", 0, "states the stateful search may store, its memory bound (0: no bound)")
	fs.DurationVar(&o.timeout, "timeout", 0, "stop exploring after this long (0: no bound)")
	fs.IntVar(&o.workers, "j", 1, "parallel workers: (script, arch) pairs checked at once, and within a check the default search's two strategies at once; results and output are the same for every -j")
	fs.StringVar(&o.schedule, "schedule", "", "run: replay this schedule token")
	fs.StringVar(&o.saveSchedule, "save-schedule", "", "write the counterexample's schedule token to this file")
	fs.StringVar(&o.out, "o", "", "build: output file")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour")
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
		Limits:  vm.Limits{Steps: o.maxSteps, Executions: o.maxExec, States: o.maxStates},
		Timeout: o.timeout, Workers: o.workers,
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

func (o *options) style() vm.Style { return termstyle.Style(o.noColor) }

// load compiles a script or decodes a .mmub.
func load(path string) (*vm.Program, error) {
	if strings.HasSuffix(path, ".mmub") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		p, err := compiler.Decode(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return p, nil
	}
	if strings.HasSuffix(path, ".litmus") {
		return loadLitmus(path)
	}
	return compiler.CompileFile(path, nil)
}

// loadLitmus translates a herd .litmus test to .mmu and compiles it.
func loadLitmus(path string) (*vm.Program, error) {
	src, err := os.ReadFile(path)
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
// it. On failure it has reported the problem and ok is false; code is then
// the exit status.
func oneScript(name, usage string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (o *options, file string, p *vm.Program, code int, ok bool) {
	o = &options{}
	fs := newFlags(name, o, stderr)
	if extra != nil {
		extra(fs)
	}
	files, err := parse(fs, args)
	if err != nil {
		return nil, "", nil, exitUsage, false
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "usage: "+usage)
		return nil, "", nil, exitUsage, false
	}
	if p, err = load(files[0]); err != nil {
		return nil, "", nil, report(stderr, err), false
	}
	warn(stderr, p)
	return o, files[0], p, exitOK, true
}

// warn prints the compiler's warnings on stderr: they do not change the
// exit status.
func warn(stderr io.Writer, p *vm.Program) {
	for _, w := range p.Warnings {
		fmt.Fprintln(stderr, w)
	}
}
