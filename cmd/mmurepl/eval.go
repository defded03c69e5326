package main

import (
	"context"
	"fmt"
	"strings"
)

// itemWords start a top-level declaration (where an item starts; elsewhere
// they are ordinary names, so `table = 3` is a statement).
var itemWords = map[string]bool{
	"test": true, "arch": true, "import": true, "const": true, "shared": true, "task": true,
	"table": true, "mm": true, "spinlock": true, "rwsem": true, "static_key": true,
	"init": true, "proc": true, "cpu": true, "irq": true, "final": true, "expect": true,
}

// eval runs one complete input: a command, declarations, or a statement.
// line is the input line it starts at.
func (s *Session) eval(ctx context.Context, text string, line int) error {
	trimmed := strings.TrimSpace(text)
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, "//"):
		return nil
	case strings.HasPrefix(trimmed, ":"):
		fields := strings.Fields(trimmed[1:])
		if len(fields) == 0 {
			return fmt.Errorf("a command name after ':' (:help lists them)")
		}
		c, err := lookupCommand(fields[0])
		if err != nil {
			return err
		}
		return c.run(s, ctx, fields[1:])
	case isDeclaration(trimmed):
		return s.define(text, line)
	}
	return s.runStatement(text, line)
}

// isDeclaration tells a declaration from a statement by its first word:
// an item word followed by a name, number, string or block (`cpu 0 {`,
// `init {`, `table t`), not by `=` or `(`.
func isDeclaration(text string) bool {
	i := 0
	for i < len(text) && isIdentByte(text[i]) {
		i++
	}
	if !itemWords[text[:i]] {
		return false
	}
	rest := strings.TrimLeft(text[i:], " \t\r\n")
	if rest == "" {
		return true // let the parser say what is missing
	}
	c := rest[0]
	return isIdentByte(c) || c == '"' || c == '{' || c == '~'
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// define adds or replaces declarations and rebuilds the machine, replaying
// the log on it.
func (s *Session) define(text string, line int) error {
	items, err := splitItems(inputName, []byte(text), inputName, line)
	if err != nil {
		return relocateBy(err, line-1)
	}
	old := map[string]bool{}
	for _, it := range s.cur.src.items {
		for _, k := range it.keys {
			old[k] = true
		}
	}
	if err := s.rebuild(s.cur.src.with(items), s.cur.arch); err != nil {
		return err
	}
	for _, it := range items {
		verb := "defined"
		for _, k := range it.keys {
			if old[k] {
				verb = "redefined"
			}
		}
		s.note("%s %s", verb, describeKeys(it.keys))
	}
	return nil
}

// describeKeys names what an item defines, for the confirmation line.
func describeKeys(keys []string) string {
	var out []string
	for _, k := range keys {
		out = append(out, strings.TrimPrefix(k, "name "))
	}
	if len(out) == 0 {
		return "an expect line"
	}
	return strings.Join(out, ", ")
}
