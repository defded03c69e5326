package termstyle

import (
	"io"
	"os"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// Width is the width of the terminal w writes to, or 0 (never wrap) when
// w is not a terminal: a file or a pipe gets whole cells, for tools.
func Width(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	return termWidth(f)
}

// UTF8 tells whether the locale can show UTF-8, as setlocale(3) would
// decide: the first of LC_ALL, LC_CTYPE and LANG that is set names the
// locale. With none set we assume UTF-8, as every current terminal is;
// LANG=C or a Latin-1 locale gets ASCII.
func UTF8() bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		v = strings.ToLower(v)
		return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
	}
	return true
}

// ASCIIWriter spells everything written through it in ASCII (see
// vm.ASCII). Writes are whole lines or strings from fmt, so a rune is
// never split between two writes.
type ASCIIWriter struct{ W io.Writer }

func (a ASCIIWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(a.W, vm.ASCII(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
