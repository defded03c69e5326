package vm_test

import (
	"fmt"
	"regexp"
	"testing"
)

// firstCPU matches the first cpu block's header of a generated script.
var firstCPU = regexp.MustCompile(`(?m)^cpu (\d+) \{`)

// preemptibleVariant makes the first cpu block of a generated script
// preemptible (it may migrate to a CPU whose task has finished).
func preemptibleVariant(src string) string {
	loc := firstCPU.FindStringIndex(src)
	if loc == nil {
		return ""
	}
	head := src[loc[0]:loc[1]]
	return src[:loc[0]] + head[:len(head)-1] + "preemptible {" + src[loc[1]:]
}

// TestDiffPreemptible compares dpor, state and auto with dfs on generated
// scripts whose first task is preemptible: the context switches are
// threads of one step each, which every search must explore alike.
func TestDiffPreemptible(t *testing.T) {
	n := 16 // dfs's cost grows fast with the scheduler threads: few scripts
	if testing.Short() {
		n = 6
	}
	compared := 0
	for seed := int64(1); seed <= int64(n); seed++ {
		src := preemptibleVariant(genScript(seed))
		if src == "" {
			t.Fatalf("seed %d: no cpu block in\n%s", seed, genScript(seed))
		}
		dc := compareSearches(fmt.Sprintf("preempt%d.mmu", seed), src)
		if dc.mismatch != "" && dc.known == "" {
			t.Errorf("seed %d: mismatch\n--- script ---\n%s--- results ---\n%s", seed, src, dc.mismatch)
		}
		if !dc.skipped {
			compared++
		}
	}
	if compared*4 < n {
		t.Errorf("only %d of %d scripts compared (dfs hit its execution bound on the others)", compared, n)
	}
	t.Logf("%d of %d preemptible scripts compared", compared, n)
}
