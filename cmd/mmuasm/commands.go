package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// command is one subcommand: its synopsis and summary for help, the flags
// it takes (names in flagDefs) and what runs it. Adding a subcommand is
// adding an entry to commands.
type command struct {
	name     string
	synopsis string // after "mmuasm "
	summary  string
	flags    []string
	run      func(args []string, stdout, stderr io.Writer) int
}

// exploreFlags are the flags of every command that explores a script.
var exploreFlags = []string{"arch", "model", "search", "seed", "n", "all", "max-executions", "max-graphs", "max-steps", "max-states", "timeout", "j", "no-color"}

var commands []command

// init fills commands: as a variable initialiser it would form a cycle
// through the commands' own use of lookup.
func init() {
	commands = []command{
		{"check", "check [flags] FILE", "explore every execution of a .mmu, .mmub or .litmus; print the verdict",
			append([]string{"json", "format", "width", "all-rows", "html", "save-schedule", "shard", "shard-out"}, exploreFlags...), cmdCheck},
		{"merge", "merge [flags] SHARD…", "combine the results of check --shard I/N --shard-out FILE into the report of one check",
			[]string{"json", "format", "width", "all-rows", "no-color"}, cmdMerge},
		{"test", "test [flags] PATH…", "check every script below the paths (dir/... too) against its expectations",
			append([]string{"json", "format", "width", "all-rows"}, exploreFlags...), cmdTest},
		{"run", "run [flags] [--seed S | --schedule TOKEN] FILE", "run one execution (a schedule token's, or a random one) and print its trace",
			append([]string{"schedule", "json", "format", "width", "all-rows"}, exploreFlags...), cmdRun},
		{"build", "build [-o OUT.mmub] FILE", "compile a script to bytecode", []string{"o"}, cmdBuild},
		{"dis", "dis [--proc NAME] [--json] FILE", "disassemble a script or .mmub", []string{"proc", "json"}, cmdDis},
		{"litmus2mmu", "litmus2mmu FILE.litmus", "print the .mmu translation of a herd .litmus test", nil, cmdLitmus2mmu},
		{"fmt", "fmt [-w] [-l] [FILE…]", "print (or rewrite) scripts in the canonical layout; no FILE: standard input",
			[]string{"w", "l"}, cmdFmt},
		{"lsp", "lsp [--stdio]", "a Language Server Protocol server on stdin/stdout, for editors", []string{"stdio"}, cmdLSP},
		{"playground", "playground [--addr HOST:PORT] [--out DIR] [--wasm FILE]", "serve the browser playground on localhost (--out DIR: write it)",
			[]string{"addr", "out", "wasm"}, cmdPlayground},
		{"version", "version", "print the module version and the VCS revision of the build", nil, cmdVersion},
		{"help", "help [COMMAND]", "show the commands, or one command's synopsis and flags", nil, cmdHelp},
	}
}

// lookup finds a command by name; the zero command if there is none.
func lookup(name string) command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return command{}
}

// writeUsage lists the commands.
func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: mmuasm COMMAND [flags] FILE…\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'mmuasm help COMMAND' (or 'mmuasm COMMAND -h') for a command's flags.\n")
}

// writeHelp shows one command: its synopsis, what it does, its flags.
func writeHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: mmuasm %s\n\n%s%s.\n", c.synopsis, strings.ToUpper(c.summary[:1]), c.summary[1:])
	if len(c.flags) == 0 {
		return
	}
	fmt.Fprintf(w, "\nflags:\n")
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	var o options
	for _, f := range c.flags {
		flagDefs[f](fs, &o)
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func cmdHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeUsage(stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c.name == "" || len(args) > 1 {
		fmt.Fprintf(stderr, "mmuasm help: unknown command %q\n", strings.Join(args, " "))
		writeUsage(stderr)
		return exitUsage
	}
	writeHelp(stdout, c)
	return exitOK
}

// cmdVersion prints the module's version and the VCS revision the binary
// was built from, as Go's build info records them (`go install …@v1.2.3`
// records the version; a build in a clone records the revision).
func cmdVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "--help") {
		writeHelp(stdout, lookup("version"))
		return exitOK
	}
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: mmuasm version")
		return exitUsage
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "mmuasm (no build information)")
		return exitOK
	}
	fmt.Fprintln(stdout, versionLine(info))
	return exitOK
}

func versionLine(info *debug.BuildInfo) string {
	line := fmt.Sprintf("mmuasm %s %s", info.Main.Path, info.Main.Version)
	set := map[string]string{}
	for _, s := range info.Settings {
		set[s.Key] = s.Value
	}
	if rev := set["vcs.revision"]; rev != "" {
		line += ", revision " + rev
		if set["vcs.modified"] == "true" {
			line += " (modified)"
		}
		if t := set["vcs.time"]; t != "" {
			line += ", " + t
		}
	} else {
		line += ", revision unknown (built without VCS information)"
	}
	return line + ", " + info.GoVersion
}
