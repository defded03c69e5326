package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
)

// shardScripts are the scripts of the perf corpus, or bundled examples
// when the corpus is not there. ptdump-vmalloc-n64-fixed's 95,745 dpor
// executions take about 12 s split over two workers, and as much again
// for each set of shards (about 45 s in all).
func shardScripts(t *testing.T) []string {
	perf := filepath.Join("..", "..", "..", "shared", "scenarios", "perf")
	var out []string
	for _, n := range []string{"ptdump-vmalloc-n8-fixed", "ptdump-vmalloc-n8-buggy", "ptdump-vmalloc-n64-buggy",
		"ptdump-vmalloc-n64-fixed", "ptdump-walk-2m", "ptdump-walk-2m-nosync", "sb-ring-8", "vmap-2cpu-disjoint"} {
		if f := filepath.Join(perf, n+".mmu"); fileExists(f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Log("no perf corpus at", perf, "- using bundled examples")
		out = []string{"../../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu", "../../examples/litmus/sb.mmu"}
	}
	return out
}

func fileExists(f string) bool { _, err := os.Stat(f); return err == nil }

// TestShardsMergeToOneRun runs n shards of each script as separate
// processes (check --shard I/N --shard-out) and checks that mmuasm merge
// gives what one split check gives (check --search dpor -j 2): verdict,
// executions, final states, violations and their schedules.
func TestShardsMergeToOneRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "mmuasm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	runJSON := func(args ...string) []map[string]any {
		out, err := exec.Command(bin, args...).Output()
		if _, exit := err.(*exec.ExitError); err != nil && !exit {
			t.Fatalf("%v: %v", args, err)
		}
		var v []map[string]any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		for _, r := range v {
			delete(r, "elapsed_ns")
		}
		return v
	}
	for _, script := range shardScripts(t) {
		want := runJSON("check", "--json", "--search", "dpor", "-j", "2", script)
		for _, n := range []int{4, 16} {
			var files []string
			for i := 0; i < n; i++ {
				f := filepath.Join(dir, fmt.Sprintf("%s-%d-%d.json", filepath.Base(script), i, n))
				cmd := exec.Command(bin, "check", "--shard", fmt.Sprintf("%d/%d", i, n), "--shard-out", f, script)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("shard %d/%d of %s: %v\n%s", i, n, script, err, out)
				}
				files = append(files, f)
			}
			got := runJSON(append([]string{"merge", "--json"}, files...)...)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("%s: %d shards merged:\n%s\none check:\n%s", script, n, g, w)
			}
		}
	}
}

// TestShardFlags: a bad --shard, --shard-out alone, or --shard with
// another search is a usage error.
func TestShardFlags(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--shard", "4/4", "x.mmu"},
		{"check", "--shard", "1", "x.mmu"},
		{"check", "--shard-out", "f.json", "x.mmu"},
		{"check", "--shard", "0/2", "--search", "state", "x.mmu"},
		{"merge"},
	} {
		if code := run(args, &discard{}, &discard{}); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
