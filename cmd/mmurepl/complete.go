package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/arch"
)

// stmtWords are the statement keywords, completed with names.
var stmtWords = []string{"if", "else", "while", "for", "in", "break", "continue", "return",
	"assert", "await", "lazy", "irqoff", "atomic", "true", "false", "init_mm"}

// complete is liner's word completer: it completes the word before the
// cursor from what fits where it stands: command names after ':', arch
// names, file names, mms and procs as command arguments, and otherwise
// keywords, builtins, declared names and locals.
func (s *Session) complete(line string, pos int) (string, []string, string) {
	if pos > len(line) {
		pos = len(line)
	}
	before := line[:pos]
	fields := strings.Fields(before)
	newWord := len(before) == 0 || before[len(before)-1] == ' ' || before[len(before)-1] == '\t'
	argIndex := len(fields) - 1 // index of the word being completed
	if newWord {
		argIndex = len(fields)
	}
	isCmd := strings.HasPrefix(strings.TrimSpace(before), ":")
	var cmd *command
	if isCmd && argIndex > 0 {
		cmd, _ = lookupCommand(strings.TrimPrefix(fields[0], ":"))
	}
	start := wordStart(before, cmd != nil && cmd.files)
	word := before[start:]
	var cands []string
	switch {
	case isCmd && argIndex == 0:
		for _, c := range commands {
			cands = append(cands, ":"+c.name)
		}
	case cmd != nil && cmd.files:
		cands = fileNames(word)
	case cmd != nil:
		cands = s.argWords(cmd.name, argIndex)
	case len(fields) > 0 && fields[0] == "arch":
		cands = arch.Names()
	default:
		cands = s.names()
	}
	return before[:start], matching(cands, word), line[pos:]
}

// wordStart finds where the word before the cursor starts.
func wordStart(before string, file bool) int {
	i := len(before)
	for i > 0 {
		c := before[i-1]
		if !isIdentByte(c) && c != ':' && c != '-' && !(file && (c == '/' || c == '.' || c == '~')) {
			break
		}
		i--
	}
	return i
}

// argWords are the candidates for argument argIndex of command name.
func (s *Session) argWords(name string, argIndex int) []string {
	switch name {
	case "arch":
		return arch.Names()
	case "check":
		return append(arch.Names(), "all")
	case "pt":
		if argIndex == 1 {
			return s.cur.m.MMU.MMNames()
		}
		return s.names()
	case "step":
		return []string{"cpu", "irq", "ipi"}
	case "help":
		return builtinNames()
	case "run":
		return []string{"random"}
	case "dis":
		var out []string
		for _, p := range s.cur.prog.Procs {
			if !strings.HasPrefix(p.Name, "__repl") && !strings.Contains(p.Name, " ") {
				out = append(out, p.Name)
			}
		}
		return out
	}
	return nil
}

// names are the words a statement or declaration may use.
func (s *Session) names() []string {
	out := append([]string(nil), stmtWords...)
	for w := range itemWords {
		out = append(out, w)
	}
	out = append(out, builtinNames()...)
	out = append(out, s.cur.src.names()...)
	for _, e := range s.cur.prelude(s.cpu, nil) {
		out = append(out, e.name)
	}
	for _, p := range s.cur.prog.Procs {
		if !strings.HasPrefix(p.Name, "__repl") && !strings.Contains(p.Name, " ") {
			out = append(out, p.Name)
		}
	}
	return out
}

// fileNames lists the files and directories starting with word (.mmu
// files and directories only, as :load and :save want).
func fileNames(word string) []string {
	matches, _ := filepath.Glob(word + "*")
	var out []string
	for _, m := range matches {
		if fi, err := os.Stat(m); err == nil && fi.IsDir() {
			out = append(out, m+string(filepath.Separator))
		} else if strings.HasSuffix(m, ".mmu") {
			out = append(out, m)
		}
	}
	return out
}

// matching keeps the candidates that start with word, sorted, once each.
func matching(cands []string, word string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, word) && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}
