package main

import (
	"os"
	"regexp"
	"testing"
)

var (
	transcriptRE = regexp.MustCompile("<!-- transcript: (\\S+) -->\n```\n((?s:.*?))```\n")
	replTimeRE   = regexp.MustCompile(`time [0-9]+(\.[0-9]+)?(µs|ms|s)\b`)
)

// TestReadmeTranscripts replays each REPL transcript of the README from
// the session file named above it, in the repository's root as a user of
// a clone would (`mmurepl --echo < FILE`), and compares (run times aside).
func TestReadmeTranscripts(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	found := transcriptRE.FindAllStringSubmatch(string(data), -1)
	if len(found) < 2 {
		t.Fatalf("README has %d marked transcripts, want 2", len(found))
	}
	t.Chdir("../..")
	for _, m := range found {
		input, err := os.ReadFile(m[1])
		if err != nil {
			t.Errorf("README's transcript names %s: %v", m[1], err)
			continue
		}
		got, code := session(t, string(input), "--echo")
		if code != 0 {
			t.Errorf("%s: exit %d", m[1], code)
		}
		norm := func(s string) string { return replTimeRE.ReplaceAllString(s, "time TIME") }
		if norm(got) != norm(m[2]) {
			t.Errorf("README's transcript of %s differs from the session's output:\n--- README\n%s\n--- output\n%s", m[1], m[2], got)
		}
	}
}
