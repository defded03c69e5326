package herdweak

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	root   = flag.String("herdweak", "../../../shared/herd-weak", "the herd-weak catalogue")
	limit  = flag.Int("herdweak.limit", 0, "check only this many evenly spaced tests a family (0: all)")
	search = flag.String("herdweak.search", "", "check with this search only (default: each family's engines)")
	family = flag.String("herdweak.family", "", "check this family only (default: all)")
)

// TestHerdWeak compares every family of the catalogue with herd and
// reports matched, skipped (by reason) and mismatched tests, and the time
// against herd's. Mismatches fail the test.
func TestHerdWeak(t *testing.T) {
	if _, err := os.Stat(filepath.Join(*root, "MANIFEST.tsv")); err != nil {
		t.Skipf("no herd-weak catalogue at %s (it is in the workplace's shared folder, not in the repository)", *root)
	}
	fams := make([]string, 0, len(Families))
	for f := range Families {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	for _, fam := range fams {
		engines := Engines(Families[fam])
		if *search != "" {
			engines = []string{*search}
		}
		if *family != "" && fam != *family {
			continue
		}
		for _, search := range engines {
			name := fam
			if search != "" {
				name += "/" + search
			}
			t.Run(name, func(t *testing.T) { checkFamily(t, name, fam, search) })
		}
	}
}

// checkFamily checks every test of a family with one search.
func checkFamily(t *testing.T, name, fam, search string) {
	tests := Tests(filepath.Join(*root, "tests", fam))
	if n := *limit; n > 0 && len(tests) > n {
		sel := make([]string, n)
		for i := range sel {
			sel[i] = tests[i*len(tests)/n]
		}
		tests = sel
	}
	var outs []Outcome
	for _, path := range tests {
		outs = append(outs, RunTest(path, Families[fam], search, 10*time.Second))
	}
	gaps := knownGaps(t, name)
	for i, o := range outs {
		why, listed := gaps[o.Name]
		switch {
		case listed && o.Status == "mismatch":
			outs[i].Status, outs[i].Reason = "gap", why+": "+o.Reason
		case listed && o.Status == "match":
			t.Errorf("%s: listed as a known gap of %s, but it matches herd: take it off the list", o.Name, name)
		}
	}
	t.Log("\n" + Summary(name, outs))
	for _, o := range outs {
		if o.Status == "mismatch" {
			t.Errorf("%s: %s", o.Name, o.Reason)
		}
	}
}

// knownGaps reads the tests on which a family's search is known to miss
// executions, with why: testdata/FAMILY-SEARCH-gaps.txt, if there is one.
func knownGaps(t *testing.T, name string) map[string]string {
	data, err := os.ReadFile(filepath.Join("testdata", strings.ReplaceAll(name, "/", "-")+"-gaps.txt"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if test, why, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
			gaps[test] = why
		}
	}
	return gaps
}

// Summary renders a family's report: counts, skips by reason, and time.
func Summary(fam string, outs []Outcome) string {
	var b strings.Builder
	count := map[string]int{}
	skips := map[string]int{}
	var ours, herds time.Duration
	for _, o := range outs {
		count[o.Status]++
		if o.Status == "skip" {
			skips[o.Reason]++
		}
		if o.Status != "skip" {
			ours += o.Elapsed
			herds += o.HerdTime
		}
	}
	gaps := ""
	if n := count["gap"]; n > 0 {
		gaps = fmt.Sprintf(", known gaps %d", n)
	}
	herd := fmt.Sprintf(" (herd %s on the same tests)", herds.Round(time.Millisecond))
	if herds == 0 {
		herd = "" // tests herd gave no answer on
	}
	fmt.Fprintf(&b, "%s: matched %d, skipped %d, mismatched %d%s of %d; time %s%s\n",
		fam, count["match"], count["skip"], count["mismatch"], gaps, len(outs), ours.Round(time.Millisecond), herd)
	var reasons []string
	for r := range skips {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return skips[reasons[i]] > skips[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(&b, "  skipped %4d: %s\n", skips[r], r)
	}
	slow := append([]Outcome(nil), outs...)
	sort.Slice(slow, func(i, j int) bool { return slow[i].Elapsed > slow[j].Elapsed })
	b.WriteString("  slowest:")
	for _, o := range slow[:min(10, len(slow))] {
		fmt.Fprintf(&b, " %s %s", o.Name, o.Elapsed.Round(time.Millisecond))
		if herd != "" {
			fmt.Fprintf(&b, " (herd %s)", o.HerdTime.Round(time.Millisecond))
		}
		b.WriteString(";")
	}
	b.WriteString("\n")
	return b.String()
}

// TestUpstreamResults holds mmuvm, on the catalogue's tests that herd
// gave no answer on within its time limit, to the observation the test's
// source records (its `Result:` comment: herd's answer when the test's
// author ran it to the end). Paul McKenney's RCU rings of six to twelve
// CPUs are most of them. The comment can be older than the model (on
// the tests herd did answer, it disagrees with herd 64 times), so a
// mismatch here names what to look at; none is listed as expected.
func TestUpstreamResults(t *testing.T) {
	if _, err := os.Stat(filepath.Join(*root, "MANIFEST.tsv")); err != nil {
		t.Skipf("no herd-weak catalogue at %s (it is in the workplace's shared folder, not in the repository)", *root)
	}
	for _, fam := range []string{"lkmm", "aarch64", "x86tso", "x86_64-tso"} {
		if *family != "" && fam != *family {
			continue
		}
		tests, err := UnansweredTests(*root, fam)
		if err != nil {
			t.Fatal(err)
		}
		if len(tests) == 0 {
			continue
		}
		t.Run(fam, func(t *testing.T) {
			var outs []Outcome
			for _, u := range tests {
				o := RunUnanswered(u, 20*time.Second)
				if o.Status == "mismatch" {
					t.Errorf("%s: %s", o.Name, o.Reason)
				}
				outs = append(outs, o)
			}
			t.Log("\n" + Summary(fam+" (herd unanswered, against the tests' Result:)", outs))
		})
	}
}
