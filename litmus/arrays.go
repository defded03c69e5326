package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

// Arrays of words in an initial state (`int64_t v[2] = {1,2};`): each
// element is a shared word of its own, v__0, v__1, ..., declared one
// after the other, so that they sit 8 bytes apart as herd lays them out
// and a memory operand may reach one from another (translateAsm). A
// name of the array as a value is the address of its first element; a
// condition names an element (v[1]) or compares the whole array with a
// list (v={1,2}).
//
// An AArch64 test's arrays of 32-bit elements (`int v[2]`, herd's
// default type; `long` is 32 bits in herd too) are laid out the same
// way, one word an element, 8 bytes apart where herd's are 4 apart. The
// translation keeps the difference where the addresses are made: a
// register the initial state points at such an array is a pointer into
// it (narrow.go), and the offsets added to it are doubled. Elements of
// any other width would need mixed-size accesses.

// wordTypes are the type words of a 64-bit element.
var wordTypes = map[string]bool{
	"int64_t": true, "uint64_t": true, "u64": true, "s64": true,
	"intptr_t": true, "uintptr_t": true,
}

// elemName is the shared word of element i of array name.
func elemName(name string, i int) string { return fmt.Sprintf("%s__%d", name, i) }

// isElement tells whether shared word s is an element of an array.
func (u *unit) isElement(s string) bool {
	i := strings.LastIndex(s, "__")
	return i > 0 && u.arrays[s[:i]] > 0
}

// addrOf is the location whose address a name stands for: an array's
// first element, or the name itself.
func (u *unit) addrOf(name string) string {
	if _, ok := u.arrays[name]; ok {
		return elemName(name, 0)
	}
	return name
}

// parseArray reads `[N]` after the name of a location in the initial
// state.
func (u *unit) parseArray(p *parser, it *initItem) error {
	open := p.tok
	if u.arch == "C" { // the C front end indexes no arrays (c.go)
		return p.errAt(open, "arrays are not supported")
	}
	p.advance()
	n, err := strconv.Atoi(p.tok.text)
	if p.tok.kind != tNum || err != nil || n <= 0 || n > 512 {
		return p.errAt(p.tok, "bad array length %s", describe(p.tok))
	}
	p.advance()
	if _, err := p.expect("]"); err != nil {
		return err
	}
	word := it.stars > 0
	for _, w := range it.types {
		word = word || wordTypes[w]
	}
	if _, dup := u.arrays[it.name]; dup {
		return p.errAt(open, "array %s declared twice", it.name)
	}
	if !word {
		if err := u.narrowArray(p, open, it); err != nil {
			return err
		}
	}
	if u.arrays == nil {
		u.arrays = map[string]int{}
	}
	u.arrays[it.name], it.array = n, n
	return nil
}

// parseArrayValues reads `{v0, v1, ...}`: at most the array's length,
// the rest 0.
func (u *unit) parseArrayValues(p *parser, it *initItem) error {
	_, vals, err := u.numberList(p, it.array, it.name)
	if e, ok := u.narrow[it.name]; ok {
		for i, v := range vals {
			vals[i] = a64Cast(v, e.bits, e.signed && e.bits < 32) // herd's cell: a 32-bit element's bits, a narrower one's typed value
		}
	}
	it.nums = vals
	return err
}

// numberList reads `{v0, v1, ...}` for array name of n elements: at most
// n numbers, with their tokens.
func (u *unit) numberList(p *parser, n int, name string) ([]token, []string, error) {
	p.advance()
	var toks []token
	var vals []string
	for !p.accept("}") {
		if len(vals) > 0 {
			if _, err := p.expect(","); err != nil {
				return nil, nil, err
			}
		}
		t := p.tok
		v, err := u.number(p)
		if err != nil {
			return nil, nil, err
		}
		if len(vals) == n {
			return nil, nil, p.errAt(t, "more values than the %d elements of %s", n, name)
		}
		toks, vals = append(toks, t), append(vals, v)
	}
	return toks, vals, nil
}

// number reads a possibly negative integer literal.
func (u *unit) number(p *parser) (string, error) {
	start := p.tok
	neg := p.accept("-")
	if p.tok.kind != tNum {
		return "", p.errAt(p.tok, "expected a number, found %s", describe(p.tok))
	}
	v, err := u.literal(p.tok.text, neg)
	if err != nil {
		return "", p.errAt(start, "%v", err)
	}
	p.advance()
	return v, nil
}

// parseElement reads `[i]` after an array's name t in a condition.
func (u *unit) parseElement(p *parser, t token) (*lloc, error) {
	n, ok := u.arrays[t.text]
	if !ok {
		return nil, p.errAt(p.tok, "arrays are not supported (%s is not one the initial state declares)", t.text)
	}
	p.advance()
	i, err := strconv.Atoi(p.tok.text)
	if p.tok.kind != tNum || err != nil || i < 0 || i >= n {
		return nil, p.errAt(p.tok, "bad index %s of %s, which has %d elements", describe(p.tok), t.text, n)
	}
	p.advance()
	if _, err := p.expect("]"); err != nil {
		return nil, err
	}
	return &lloc{tok: t, cpu: -1, name: elemName(t.text, i)}, nil
}

// arrayCond reads `{v0, v1, ...}` after `array =` (or `!=`): every element
// equals its value (or some does not).
func (u *unit) arrayCond(p *parser, l *lloc, rel string) (*lcond, error) {
	n, ok := u.arrays[l.name]
	if l.cpu >= 0 || !ok {
		return nil, p.errAt(p.tok, "a list of values compares only with an array")
	}
	toks, vals, err := u.numberList(p, n, l.name)
	if err != nil {
		return nil, err
	}
	var kids []*lcond
	for i, v := range vals {
		el := &lloc{tok: l.tok, cpu: -1, name: elemName(l.name, i)}
		kids = append(kids, &lcond{op: "cmp", lhs: el, rel: rel, rhs: lval{tok: toks[i], num: v}})
	}
	if len(kids) != n {
		return nil, p.errAt(l.tok, "%s has %d elements, the list %d values", l.name, n, len(kids))
	}
	op := "and"
	if rel == "!=" {
		op = "or"
	}
	out := kids[0] // conditions are binary: ((e0 && e1) && e2) ...
	for _, k := range kids[1:] {
		out = &lcond{op: op, kids: []*lcond{out, k}}
	}
	return out, nil
}

// declareArrays makes the elements of each array shared words, in order,
// before any other location, so that they are consecutive.
func (u *unit) declareArrays() error {
	for _, it := range u.inits {
		for i := 0; i < it.array; i++ {
			if err := u.addShared(elemName(it.name, i), it.tok); err != nil {
				return err
			}
		}
	}
	return nil
}

// arrayElements replaces each whole array in ls by its elements: herd's
// `locations [a;]` shows every element of array a.
func (u *unit) arrayElements(ls []*lloc) []*lloc {
	var out []*lloc
	for _, l := range ls {
		n, ok := u.arrays[l.name]
		if l.cpu >= 0 || !ok {
			out = append(out, l)
			continue
		}
		for i := 0; i < n; i++ {
			out = append(out, &lloc{tok: l.tok, cpu: -1, name: elemName(l.name, i)})
		}
	}
	return out
}
