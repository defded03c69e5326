package litmusgen

import (
	"fmt"
	"math/rand"
	"strings"
)

// base is what every generator keeps: the test's random source, its
// shared words, the next value each is written, and every thread's
// registers (as herd names them in conditions).
type base struct {
	rnd  *rand.Rand
	vars []string
	next map[string]int
	all  []string
}

// newBase starts a test: two or three shared words.
func newBase(seed int64) base {
	b := base{rnd: rand.New(rand.NewSource(seed)), next: map[string]int{}}
	b.vars = []string{"x", "y", "z"}[:2+b.rnd.Intn(2)]
	return b
}

// threads draws how many threads a test has, from counts.
func (b *base) threads(counts ...int) int { return counts[b.rnd.Intn(len(counts))] }

// pick chooses a shared word: its index and name.
func (b *base) pick() (int, string) {
	i := b.rnd.Intn(len(b.vars))
	return i, b.vars[i]
}

// value is the next value written to v, so that each write's value is
// its own and the final states tell the writes apart.
func (b *base) value(v string) int {
	b.next[v]++
	return b.next[v]
}

// locations lists every shared word and register, for herd's
// `locations`: its states then show all of them.
func (b *base) locations() []string {
	return append(append([]string{}, b.vars...), b.all...)
}

// condition is the exists clause: two or three register terms, each with
// a small value, or a final value of the first word (written as word
// formats it) when no thread reads.
func (b *base) condition(word string) string {
	if len(b.all) == 0 {
		return fmt.Sprintf(word+"=%d", b.vars[0], b.next[b.vars[0]])
	}
	var terms []string
	for i := 0; i < 2+b.rnd.Intn(2) && i < len(b.all); i++ {
		terms = append(terms, fmt.Sprintf("%s=%d", b.all[b.rnd.Intn(len(b.all))], b.rnd.Intn(3)))
	}
	return strings.Join(terms, " /\\ ")
}

// draw makes n threads.
func draw(n int, thread func(t int) []string) [][]string {
	out := make([][]string, n)
	for t := range out {
		out[t] = thread(t)
	}
	return out
}

// asmTest lays out an assembly test: its header and initial state, the
// threads in herd's columns, locations and the condition (word formats a
// word's final value there).
func (b *base) asmTest(arch, name, init string, threads [][]string, word string) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s %s\n%s", arch, name, init)
	s.WriteString(columns(threads))
	fmt.Fprintf(&s, "locations [%s;]\n", strings.Join(b.locations(), "; "))
	fmt.Fprintf(&s, "exists (%s)\n", b.condition(word))
	return s.String()
}
