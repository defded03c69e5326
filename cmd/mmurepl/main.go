// Command mmurepl is an interactive session on the simulated MMU: load a
// .mmu script or type one, step CPUs by hand, fire the interrupt, look at
// page tables, TLBs and lazy state, and run the checker from there.
//
//	mmurepl [--arch NAME] [--no-color] [--echo] [FILE.mmu]
//	mmurepl < session.txt      a scripted session: no prompt, no editing
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/mattn/go-isatty"

	"github.com/mmuvm/mmuvm/arch"
	"github.com/mmuvm/mmuvm/lang"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run is the whole program; a scripted session (stdin not a terminal)
// exits 1 when some input failed, so that a session file can be a test.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mmurepl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	archName := fs.String("arch", "", "arch to run on (default: the script's first)")
	noColor := fs.Bool("no-color", false, "no colour")
	echo := fs.Bool("echo", false, "scripted session: print each input line after the prompt (a transcript)")
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "usage: mmurepl [--arch NAME] [--no-color] [--echo] [FILE.mmu]")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) { // asked for: stdout, success
			usage(stdout)
			return 0
		}
		usage(stderr)
		return 2
	}
	if fs.NArg() > 1 {
		usage(stderr)
		return 2
	}
	if *archName != "" {
		if _, err := arch.Lookup(*archName); err != nil {
			fmt.Fprintln(stderr, "mmurepl:", err)
			return 2
		}
	}
	s := newSession(stdout, stderr, style(*noColor, stdout))
	s.archFlag = *archName
	tty := isTTY(stdin) && isTTY(stdout)
	if tty {
		s.note("mmurepl: :help for help, Tab completes, Ctrl-D leaves")
	}
	if *archName != "" {
		if err := s.rebuild(s.cur.src, *archName); err != nil {
			s.fail(err)
		}
	}
	if fs.NArg() == 1 {
		if err := s.cmdLoad([]string{fs.Arg(0)}); err != nil {
			s.fail(err)
		}
	}
	var r lineReader
	if tty {
		r = newTTYReader(s.complete, newHistory())
	} else {
		var w io.Writer
		if *echo {
			w = stdout
		}
		r = newPipeReader(stdin, w)
	}
	defer r.close()
	s.loop(r)
	if !tty && s.failed {
		return 1
	}
	return 0
}

// isTTY tells whether f is a terminal. Liner edits lines only when both
// stdin and stdout are; otherwise input is read as plain lines.
func isTTY(f any) bool {
	file, ok := f.(*os.File)
	return ok && isatty.IsTerminal(file.Fd())
}

// loop reads and evaluates inputs until the end of input or :quit.
func (s *Session) loop(r lineReader) {
	for {
		text, line, err := readInput(r, prompt, &s.lineNo)
		if errors.Is(err, errAborted) {
			continue
		}
		if text != "" && s.evalLine(text, line) {
			return
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.fail(err)
			}
			return
		}
	}
}

// evalLine evaluates one input with Ctrl-C bound to its context, and
// reports whether the session should end. An error, or even a panic in
// the packages below, ends only this input.
func (s *Session) evalLine(text string, line int) (quit bool) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	defer func() {
		if p := recover(); p != nil {
			s.fail(fmt.Errorf("internal error: %v", p))
		}
	}()
	err := s.eval(ctx, text, line)
	if errors.Is(err, errQuit) {
		return true
	}
	if err != nil {
		s.fail(err)
	}
	return false
}

// errorText renders an error: positioned errors with their source line
// and a caret.
func errorText(err error) string {
	var le *lang.Error
	if errors.As(err, &le) {
		return le.Detail()
	}
	return err.Error()
}
