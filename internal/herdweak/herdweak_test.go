package herdweak

import (
	"flag"
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
