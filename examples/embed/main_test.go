package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/sweep.golden")

// TestRun runs the sweep and checks its table against the golden file (go
// test ./examples/embed -update rewrites it), and checks the two orderings
// the review thread argued about by name.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	got := out.String()

	verdicts := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n")[1:] {
		f := strings.Fields(line)
		// #, six steps (with commas), verdict (one or two words), executions, ...
		if len(f) < 10 {
			t.Fatalf("short row %q", line)
		}
		order := strings.ReplaceAll(strings.Join(f[1:7], ""), ",", " ")
		verdict := f[7]
		if verdict == "fail" {
			verdict += " " + f[8]
		}
		verdicts[order] = verdict
	}
	if n := len(orderings()); len(verdicts) != n {
		t.Errorf("%d rows, want %d", len(verdicts), n)
	}
	for order, want := range map[string]string{
		"clear flush key lock unlock free": "ok",                  // as merged
		"key lock clear unlock flush free": "fail use-after-free", // key first
	} {
		if verdicts[order] != want {
			t.Errorf("%s: verdict %q, want %q", order, verdicts[order], want)
		}
	}

	// A second run gives the same table.
	var again bytes.Buffer
	if err := run(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != got {
		t.Errorf("the table changed between two runs:\n%s\n---\n%s", got, again.String())
	}

	golden := filepath.Join("testdata", "sweep.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./examples/embed -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the table differs from %s (go test ./examples/embed -update rewrites it):\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

// TestOrderings: the sweep covers every ordering the rules allow, and only
// those.
func TestOrderings(t *testing.T) {
	orders := orderings()
	if len(orders) != 10 {
		t.Errorf("%d orderings, want 10: C(5,2) interleavings of key<lock<unlock and clear<flush, free last", len(orders))
	}
	for _, o := range orders {
		if o[len(o)-1] != "free" {
			t.Errorf("%v: free is not last", o)
		}
		pos := map[string]int{}
		for i, s := range o {
			pos[s] = i
		}
		for _, p := range before {
			if pos[p[0]] > pos[p[1]] {
				t.Errorf("%v: %s after %s", o, p[0], p[1])
			}
		}
	}
}
