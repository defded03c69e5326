package vm_test

import (
	"mmuvm/compiler"
	"testing"
)

func TestTmpCompileSeeds(t *testing.T) {
	for i, s := range nastySeeds {
		_, err := compiler.Compile("f.mmu", []byte(s), nil)
		if err != nil {
			t.Logf("seed %d: %v\n%s", i, err, s)
		}
	}
}
