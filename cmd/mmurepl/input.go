package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/peterh/liner"
)

// errAborted is Ctrl-C at the prompt: the line typed so far is dropped.
var errAborted = errors.New("aborted")

// lineReader reads one physical line.
type lineReader interface {
	readLine(prompt string) (string, error)
	close()
}

const (
	prompt     = "mmu> "
	contPrompt = "...  "
)

// readInput reads one complete input: more lines while brackets or a
// comment are open. It counts lines in *lineNo and returns the number of
// the input's first line. At the end of input it returns what it has with
// io.EOF.
func readInput(r lineReader, p string, lineNo *int) (string, int, error) {
	var lines []string
	first := *lineNo + 1
	for {
		pr := p
		if len(lines) > 0 {
			pr = contPrompt
		}
		line, err := r.readLine(pr)
		if err != nil {
			return strings.Join(lines, "\n"), first, err
		}
		*lineNo++
		lines = append(lines, line)
		text := strings.Join(lines, "\n")
		if strings.HasPrefix(strings.TrimSpace(text), ":") || openDepth(text) <= 0 {
			return text, first, nil
		}
	}
}

// openDepth counts the brackets left open in text, outside strings and
// comments; an unterminated block comment counts as open.
func openDepth(text string) int {
	depth := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '"':
			for i++; i < len(text) && text[i] != '"' && text[i] != '\n'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case strings.HasPrefix(text[i:], "//"):
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return depth + 1
			}
			i += end + 3
		case c == '{' || c == '(' || c == '[':
			depth++
		case c == '}' || c == ')' || c == ']':
			depth--
			if depth < 0 {
				return depth // let the parser report it
			}
		}
	}
	return depth
}

// pipeReader reads lines from a pipe or file: no prompt, no editing, so
// that `mmurepl < session.txt` is a script. With echo, each line is
// printed after a prompt, which makes a transcript.
type pipeReader struct {
	sc   *bufio.Scanner
	echo io.Writer // nil: no echo
}

func newPipeReader(r io.Reader, echo io.Writer) *pipeReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	return &pipeReader{sc: sc, echo: echo}
}

func (p *pipeReader) readLine(pr string) (string, error) {
	if !p.sc.Scan() {
		if err := p.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	line := strings.TrimRight(p.sc.Text(), "\r")
	if p.echo != nil {
		fmt.Fprintln(p.echo, pr+line)
	}
	return line, nil
}

func (p *pipeReader) close() {}

// ttyReader edits lines with liner: history, completion, Ctrl-C and
// Ctrl-D. Liner keeps the terminal in its raw mode from NewLiner on; the
// REPL puts the terminal back in its own mode while a command runs, so
// that output and typing behave normally and Ctrl-C raises SIGINT (which
// stops :check) rather than being read as a character, and back in
// liner's mode for the next prompt.
type ttyReader struct {
	ln        *liner.State
	orig, raw liner.ModeApplier
	history   *history
}

func newTTYReader(complete liner.WordCompleter, h *history) *ttyReader {
	orig, _ := liner.TerminalMode()
	ln := liner.NewLiner()
	raw, _ := liner.TerminalMode()
	ln.SetCtrlCAborts(true)
	ln.SetWordCompleter(complete)
	ln.SetTabCompletionStyle(liner.TabPrints)
	h.load(ln)
	return &ttyReader{ln: ln, orig: orig, raw: raw, history: h}
}

func (t *ttyReader) readLine(pr string) (string, error) {
	if t.raw != nil {
		t.raw.ApplyMode()
		quietCtrlC()
	}
	line, err := t.ln.Prompt(pr)
	if t.orig != nil {
		t.orig.ApplyMode()
	}
	switch {
	case errors.Is(err, liner.ErrPromptAborted):
		return "", errAborted
	case err != nil:
		return "", err
	}
	if strings.TrimSpace(line) != "" {
		t.ln.AppendHistory(line)
		t.history.save(t.ln)
	}
	return line, nil
}

func (t *ttyReader) close() {
	t.ln.Close()
	fmt.Fprintln(os.Stdout)
}
