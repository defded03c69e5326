package vm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"short", 10, []string{"short"}},
		{"a long line of words", 10, []string{"a long", "line of", "words"}},
		{"f(a, b) = 0x1234", 8, []string{"f(a, b)", "= 0x1234"}},
		{"pud_offset(&init_mm.pgd[256], 0xffff8000c0000000)", 20, []string{"pud_offset(", "&init_mm.pgd[256],", "0xffff8000c0000000)"}},
		{"abcdefghijkl", 5, []string{"abcde", "fghij", "kl"}},
		// a remark in parentheses moves whole, not its "(" left behind
		{"read x = 0 (init)", 12, []string{"read x = 0", "(init)"}},
		{"never cut", 0, []string{"never cut"}},
	} {
		got := Wrap(tc.in, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

func TestShare(t *testing.T) {
	for _, tc := range []struct {
		natural []int
		avail   int
		want    []int
	}{
		{[]int{10, 20}, 0, []int{10, 20}},             // no limit
		{[]int{10, 20}, 40, []int{10, 20}},            // fits
		{[]int{10, 60}, 50, []int{10, 40}},            // the narrow keeps its width
		{[]int{60, 60}, 50, []int{25, 25}},            // both wrap
		{[]int{66, 33}, 64, []int{31, 33}},            // 33 misses a fair 32 by one: settle
		{[]int{100, 100, 100}, 20, []int{12, 12, 12}}, // never narrower than minCell
	} {
		got := share(tc.natural, tc.avail)
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("share(%v, %d) = %v, want %v", tc.natural, tc.avail, got, tc.want)
				break
			}
		}
	}
}

// TestTableWidth: a table wider than Style.Width wraps its cells to fit,
// keeps every character of them, and ends no line in spaces.
func TestTableWidth(t *testing.T) {
	threads := []string{"CPU 0", "CPU 1"}
	long := "ptep_get_and_clear(user, 0x400000, &user.pte[0]) = 0x68000000100f43"
	ev := []Event{{Step: 1, Thread: 0, Pos: Pos{File: -1}, Text: long}, {Step: 2, Thread: 1, Pos: Pos{File: -1}, Text: "x = 1"}}
	for _, st := range []Style{{Width: 50}, {Width: 50, ASCII: true}, {Width: 40, Mail: true}} {
		var b bytes.Buffer
		WriteTrace(&b, &Program{}, threads, []string{"", ""}, ev, st)
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if utf8.RuneCountInString(l) > st.Width || strings.HasSuffix(l, " ") {
				t.Errorf("%+v: line %q", st, l)
			}
		}
		cells := strings.NewReplacer("│", "", "|", "").Replace(b.String())
		if !strings.Contains(strings.Join(strings.Fields(cells), ""), strings.Join(strings.Fields(long), "")) {
			t.Errorf("%+v: the cell lost characters:\n%s", st, b.String())
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain – ünïcode", "plain – ünïcode"},
		{"a\r\nVerdict ok", `a\r\nVerdict ok`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\u009b2J", `\x9b2J`},
		{"bidi\u202eevil", `bidi\u202eevil`},
		{"bad\xffutf8", `bad\xffutf8`},
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestASCII(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{" step │ CPU 0", " step | CPU 0"},
		{"waits …", "waits ..."},
		{"time 3µs", "time 3us"},
		{"pas 日本", "pas ??"},
	} {
		if got := ASCII(tc.in); got != tc.want {
			t.Errorf("ASCII(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFold: a run of more than eight like events of one CPU (one line,
// the same text but for its numbers), or of like rounds of a few events,
// shows its first and last two rows or rounds and says which steps it
// hides; shorter runs, unlike events and AllRows show every row.
func TestFold(t *testing.T) {
	threads := []string{"CPU 0", "CPU 1"}
	at := func(line int32) Pos { return Pos{File: -1, Line: line} }
	var ev []Event
	for i := range 12 {
		ev = append(ev, Event{Step: len(ev) + 1, Thread: 0, Pos: at(16), Text: fmt.Sprintf("init_mm.pte[%d] = 0xdead000000000001", i)})
	}
	for i := range 8 { // eight: not folded
		ev = append(ev, Event{Step: len(ev) + 1, Thread: 1, Pos: at(25), Text: fmt.Sprintf("read init_mm.pte[%d] = 0x%x (init, misses row %d)", i, 0x68000080000383+i<<12, i+1)})
	}
	ev = append(ev, Event{Step: len(ev) + 1, Thread: 1, Pos: at(25), Text: "read init_mm.pte[8] = 0xdead000000000001 (row 9)"})
	for i := range 9 { // like, but CPU 0 and CPU 1 take turns: no run
		ev = append(ev, Event{Step: len(ev) + 1, Thread: i % 2, Pos: at(30), Text: "x = 1"})
	}
	for i := range 7 { // a loop's rounds of three
		ev = append(ev, Event{Step: len(ev) + 1, Thread: 0, Pos: at(21), Text: fmt.Sprintf("read init_mm.pmd[%d] = 0x%x (init)", i, 0x807f000003003+i<<12)},
			Event{Step: len(ev) + 2, Thread: 0, Pos: at(22), Text: fmt.Sprintf("init_mm.pmd[%d] = 0", i)},
			Event{Step: len(ev) + 3, Thread: 0, Pos: at(23), Text: "init_mm.pte[0] = 0xdead000000000001"})
	}
	var b bytes.Buffer
	WriteTrace(&b, &Program{}, threads, nil, ev, Style{ASCII: true})
	out := b.String()
	if got := strings.Count(out, "\n"); got != 2+4+1+9+9+13 {
		t.Errorf("%d lines, want 38:\n%s", got, out)
	}
	for _, want := range []string{"init_mm.pte[1] = ", "... 8 more like these, steps 3-10 ...", "init_mm.pte[10] = ", "read init_mm.pte[7] = ", "(row 9)",
		"init_mm.pmd[1] = 0 ", "... 3 more rounds of these 3 rows, steps 37-45 ...", "init_mm.pmd[5] = 0 "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "init_mm.pte[2] = 0xdead") || strings.Contains(out, "init_mm.pmd[2] = 0 ") {
		t.Errorf("the run is not folded:\n%s", out)
	}
	b.Reset()
	WriteTrace(&b, &Program{}, threads, nil, ev, Style{ASCII: true, AllRows: true})
	if got := strings.Count(b.String(), "\n"); got != 2+len(ev) {
		t.Errorf("AllRows: %d lines, want %d", got, 2+len(ev))
	}
}
