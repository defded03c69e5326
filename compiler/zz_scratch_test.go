package compiler

import (
	"fmt"
	"testing"
)

func TestZZScratch(t *testing.T) {
	ins := []string{
		"cpu 0 {\n  x = ptep_gte(1)\n}",
		"cpu 0 {\n  spin_lock()\n}",
		"table t\ncpu 0 {\n  x = ptep_get(&t[0], 1)\n}",
		"shared counter\ncpu 0 {\n  x = countr\n}",
		"cpu 0 { }\ncpu 0 { }",
		"shared x\nshared x",
		"shared x\ntable x",
		"const N = 1\nconst N = 2",
		"proc f() { }\nproc f() { }",
		"cpu 0 { r = 1 }\nfinal exists (1:r == 1)",
		"cpu 0 { r = 1 }\nfinal exists (0:q == 1)",
		"cpu 0 { r = 1 }\nfinal exists (0:s == 1)",
		"const N = 1\ncpu 0 {\n  N = 2\n}",
		"cpu 0 {\n  ptep_get = 2\n}",
		"cpu 0 {\n  for set_pte in 0..2 { }\n}",
		"shared x\ncpu 0 {\n  spin_lock(x)\n}",
		"mm m\ncpu 0 {\n  map(m, 0x1000, 4K, 1, PAGE_KERNEL)\n}",
		"proc f() { map(init_mm, 0x1000, 4K, 1, PAGE_KERNEL) }\ninit { f() }\ncpu 0 { }",
		"cpu 0 {\n  break\n}",
		"cpu 0 {\n  continue\n}",
		"cpu 0 {\n  x = 1 / 0\n}",
		"cpu 0 {\n  x = y % (2 - 2)\n}",
		"const N = 4 / 0\ncpu 0 { }",
		"import \"nosuch\"\ncpu 0 { }",
		"import \"lazi\"\ncpu 0 { }",
		"import \"./nosuch.mmu\"\ncpu 0 { }",
		"cpu 0 { }\nexpect fail deadlok",
		"cpu 0 { }\nexpect fail nonsense",
		"arch arm64\ncpu 0 { }\nexpect xenpv: ok",
		"arch arm64\ncpu 0 { }\nexpect foo: ok",
		"arch arm64, foo\ncpu 0 { }",
		"table t\ncpu 0 {\n  x = ptep_get(&t[600])\n}",
		"table t\ncpu 0 {\n  x = ptep_get(&t[512])\n}",
		"table t\ncpu 0 {\n  x = ptep_get(&t[511])\n}",
		"cpu 0 {\n  lazy { }\n}",
		"import \"lazy\"\ncpu 0 {\n  lazy { }\n}",
		"shared x\n",
		"cpu 0 { x = 1:r }",
		"cpu 0 { x = t[1] }",
		"cpu 0 { x = \"s\" }",
		"cpu 0 { 1 + 2 }",
		"cpu 0 { x = PAGE_KERNEL() }",
		"cpu 0 { x = ptep_get }",
		"cpu 64 { }",
		"cpu 0 { atomic { await x } }",
		"spinlock l\ncpu 0 { atomic { spin_lock(l) } }",
		"proc f(a, a) { }\ncpu 0 { }",
		"proc f(a) { }\ncpu 0 { f() }",
		"proc set_pte(a) { return a }\ncpu 0 { x = set_pte(1) }",
		"shared set_pte\ncpu 0 { }",
		"init { }\ninit { }\ncpu 0 { }",
		"cpu 0 { }\nfinal exists (1)\nfinal exists (1)",
		"task n\ncpu 0 { }\nfinal exists (n == 1)",
		"mm m\ncpu 0 { x = &m }",
		"cpu 0 { x = &t[1] }",
		"shared s\ncpu 0 { x = &s[1] }",
		"proc f() { return 1 }\ncpu 0 { x = f }",
		"cpu 0 { return 5 }",
		"cpu 0 { x = f(print(1)) }",
		"shared x = y\ncpu 0 { }",
		"spinlock l\nshared x\ncpu 0 { x = l }",
		"rwsem s\ncpu 0 { spin_lock(s) }",
		"mm m\ncpu 0 { down_read(m) }",
	}
	for _, in := range ins {
		_, err := Compile("t.mmu", []byte(in), nil)
		fmt.Printf("%q\n   -> %v\n", in, err)
	}
}
