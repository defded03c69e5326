package termstyle

import (
	"bytes"
	"testing"
)

func TestUTF8(t *testing.T) {
	for _, tc := range []struct {
		all, ctype, lang string
		want             bool
	}{
		{"", "", "", true}, // nothing set: assume UTF-8
		{"", "", "en_US.UTF-8", true},
		{"", "", "C.utf8", true},
		{"", "", "C", false},
		{"", "en_US.ISO-8859-1", "en_US.UTF-8", false}, // LC_CTYPE before LANG
		{"C", "en_US.UTF-8", "en_US.UTF-8", false},     // LC_ALL first
		{"POSIX", "", "", false},
	} {
		t.Setenv("LC_ALL", tc.all)
		t.Setenv("LC_CTYPE", tc.ctype)
		t.Setenv("LANG", tc.lang)
		if got := UTF8(); got != tc.want {
			t.Errorf("LC_ALL=%q LC_CTYPE=%q LANG=%q: UTF8() = %v, want %v", tc.all, tc.ctype, tc.lang, got, tc.want)
		}
	}
}

func TestASCIIWriter(t *testing.T) {
	var b bytes.Buffer
	w := ASCIIWriter{W: &b}
	if n, err := w.Write([]byte(" step │ CPU 0 …\n")); err != nil || n != len(" step │ CPU 0 …\n") {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if b.String() != " step | CPU 0 ...\n" {
		t.Errorf("got %q", b.String())
	}
}

func TestWidthNotATerminal(t *testing.T) {
	if w := Width(&bytes.Buffer{}); w != 0 {
		t.Errorf("Width of a buffer = %d, want 0 (never wrap)", w)
	}
}
