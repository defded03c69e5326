// Package benchscripts holds the .mmu scripts of the interpreter
// benchmarks, shared by vm's go test benchmarks and the bench command.
// Each script checks its own result in its final condition.
package benchscripts

import "fmt"

// Loop is a tight local loop of iters iterations (the sum of the multiples
// of 3 below iters): no visible step at all, only the interpreter.
func Loop(iters int) string {
	var sum uint64
	for i := 0; i < iters; i++ {
		if i%3 == 0 {
			sum += uint64(i)
		}
	}
	return fmt.Sprintf(`test "loop"
cpu 0 {
  s = 0
  for i in 0..%d {
    if i %% 3 == 0 {
      s = s + i
    }
  }
}
final forall (0:s == %d)
`, iters, sum)
}

// Fib is the naive recursive fib(n) written in .mmu.
func Fib(n int) string {
	v, _ := FibCalls(n)
	return fmt.Sprintf(`test "fib"
proc fib(n) {
  if n < 2 {
    return n
  }
  return fib(n - 1) + fib(n - 2)
}
cpu 0 {
  r = fib(%d)
}
final forall (0:r == %d)
`, n, v)
}

// FibCalls returns fib(n) and the number of calls the naive recursion
// makes: calls(n) = 1 + calls(n-1) + calls(n-2) = 2·F(n+1) − 1.
func FibCalls(n int) (value, calls uint64) {
	a, b := uint64(0), uint64(1) // F(0), F(1)
	for i := 0; i < n; i++ {
		a, b = b, a+b
	}
	return a, 2*b - 1
}

// Step is one CPU writing a shared word n times: n+1 visible steps.
func Step(n int) string {
	return fmt.Sprintf(`test "step"
shared x, y
cpu 0 {
  for i in 0..%d {
    x = i
  }
  y = 1
}
final forall (x == %d && y == 1)
`, n, n-1)
}
