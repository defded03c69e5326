package weakdiff_test

import (
	"context"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
	"github.com/mmuvm/mmuvm/vm/internal/testhook"
)

// TestPlaceAloneAgrees: where each IPI may go on its own is found in one
// pass over its CPU's boundaries (incremental_alone.go); it must answer
// as the general check of a placement does, boundary by boundary, on the
// static-key seeds and on generated scripts with IPIs.
func TestPlaceAloneAgrees(t *testing.T) {
	counts := &testhook.Counts{}
	ctx := testhook.With(context.Background(), counts)
	var progs []*vm.Program
	for _, f := range []string{"003-case2-armv8.mmu", "003-ptdump-vmalloc-static-key.mmu", "003-ptdump-vmalloc-keyfirst.mmu"} {
		p, err := compiler.CompileFile("../../examples/seeds/"+f, nil)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	for seed := int64(1); seed <= 20; seed++ {
		p, err := compiler.Compile("ipi.mmu", []byte(genIPIScript(seed)), nil)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, p)
	}
	for _, p := range progs {
		if _, err := vm.Check(ctx, p, vm.Config{Model: "armv8", Search: "incremental", All: true}); err != nil {
			t.Fatal(err)
		}
	}
	checked, differ := counts.AloneChecked, counts.AloneDiffers
	if checked < 1000 || differ > 0 {
		t.Fatalf("%d answers compared, %d differ", checked, differ)
	}
	t.Logf("%d answers compared", checked)
}
