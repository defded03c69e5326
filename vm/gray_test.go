package vm_test

import (
	"reflect"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// TestGrayStatesAreExplored: a parallel stateful search's worker that
// reaches states stored by another worker and still on that worker's
// path explores them, and so goes round a cycle they close. Taking them
// as finished, two workers holding the two halves of a cycle each pruned
// the other's states, and the search said ok where one worker says limit.
func TestGrayStatesAreExplored(t *testing.T) {
	prog := compileWith(t, "pingpong.mmu", pingpong, nil)
	if got := check(t, prog, vm.Config{Search: "state"}).Kinds(); !reflect.DeepEqual(got, []string{"limit"}) {
		t.Fatalf("one worker: %v, want [limit]", got)
	}
	// the other worker holds three rounds of the cycle (CPU 0, then 1, ...)
	var schedule []int
	for range 6 {
		schedule = append(schedule, 0, 0, 1, 1)
	}
	got, err := vm.ExploreBesideHeldPath(prog, "arm64", schedule)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, []string{"limit"}) {
		t.Errorf("beside a worker holding the cycle: %v, want [limit]", got)
	}
}

// pingpong is two CPUs handing a flag to and fro for ever: an endless
// execution, which every search reports as limit.
const pingpong = `test "pingpong"
arch arm64
shared f
cpu 0 {
  while 1 {
    await f == 0
    f = 1
  }
}
cpu 1 {
  while 1 {
    await f == 1
    f = 0
  }
}
`
