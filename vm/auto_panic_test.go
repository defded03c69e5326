package vm_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// TestAutoPanicStopsOtherSide holds auto to its cleanup when the favoured
// side of its lockstep panics (an mmuvm bug): vm.Check reports the panic
// as its error, and the other side, a coroutine with one worker and a
// goroutine with two (parked in its pass, or waiting for the favoured
// side's slice), returns instead of staying parked.
func TestAutoPanicStopsOtherSide(t *testing.T) {
	src := `
shared a, b, c
cpu 0 {
  a = 1
  a = 2
  b = 1
}
cpu 1 {
  b = 2
  c = 1
  c = 2
}
cpu 2 {
  c = 3
  a = 3
  b = 3
}
expect ok
`
	p, err := compiler.Compile("panic.mmu", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, fav, err := vm.AutoUnits(p, "arm64")
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("j%d", workers), func(t *testing.T) {
			before := runtime.NumGoroutine()
			fired := false
			restore := vm.SetAutoPassHook(func(side, slices int) {
				if side == fav && slices == 2 {
					fired = true
					panic("injected favoured-side panic")
				}
			})
			// a bound on executions keeps -j 2 from racing the searches
			// before the lockstep (raceFirst); it is never reached here
			cfg := vm.Config{Search: "auto", Workers: workers, DPORBudget: 4, Limits: vm.Limits{Executions: 1 << 30}}
			_, err := vm.Check(context.Background(), p, cfg)
			restore()
			if !fired {
				t.Fatal("the favoured side settled the check before its third slice: no panic injected")
			}
			if err == nil || !strings.Contains(err.Error(), "injected favoured-side panic") {
				t.Fatalf("err = %v, want the injected panic", err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				buf := make([]byte, 1<<16)
				t.Fatalf("%d goroutines after the check, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
			}
		})
	}
}
