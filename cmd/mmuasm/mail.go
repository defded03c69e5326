package main

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mmuvm/mmuvm/internal/termstyle"
	"github.com/mmuvm/mmuvm/vm"
)

// mailWidth is the widest line a mail takes without its client
// re-wrapping it.
const mailWidth = 72

// lineWrapper wraps every line longer than width (the verdict's message,
// a position) onto more lines indented by two spaces; tables arrive
// already fitted. Flush writes a last line without its newline.
type lineWrapper struct {
	w     io.Writer
	width int
	buf   []byte
}

func (l *lineWrapper) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if err := l.writeLine(string(l.buf[:i])); err != nil {
			return 0, err
		}
		l.buf = l.buf[i+1:]
	}
}

func (l *lineWrapper) writeLine(line string) error {
	if utf8.RuneCountInString(line) <= l.width {
		_, err := io.WriteString(l.w, line+"\n")
		return err
	}
	indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
	parts := vm.Wrap(strings.TrimLeft(line, " "), l.width-len(indent)-2)
	for i, part := range parts {
		lead := indent
		if i > 0 {
			lead += "  "
		}
		if _, err := io.WriteString(l.w, lead+part+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func (l *lineWrapper) Flush() error {
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf)
	l.buf = nil
	return err
}

// output is stdout for text reports, and what to call once they are
// written: a mail's lines wrapped to 72 ASCII columns; ASCII where the
// locale is not UTF-8.
func (o *options) output(stdout io.Writer) (io.Writer, func()) {
	switch {
	case o.format == "mail":
		l := &lineWrapper{w: termstyle.ASCIIWriter{W: stdout}, width: mailWidth}
		return l, func() { l.Flush() }
	case !o.jsonOut && !termstyle.UTF8():
		return termstyle.ASCIIWriter{W: stdout}, func() {}
	}
	return stdout, func() {}
}
