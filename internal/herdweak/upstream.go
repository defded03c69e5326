package herdweak

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Unanswered is a catalogue test herd gave no answer on (it timed out,
// or refused the test), with the observation its source's `Result:`
// comment records: what herd answered when the test's author ran it
// without a time limit, under the LKMM of the day.
type Unanswered struct {
	Name, Path, Model string
	Expected          string // Never, Sometimes or Always
}

// UnansweredTests reads the catalogue's MANIFEST.tsv for the tests of
// family fam that herd gave no answer on and whose source states its
// result plainly (not "Maybe", not a deadlock, not a caveat).
func UnansweredTests(root, fam string) ([]Unanswered, error) {
	f, err := os.Open(filepath.Join(root, "MANIFEST.tsv"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col := map[string]int{}
	var out []Unanswered
	for sc.Scan() {
		row := strings.Split(sc.Text(), "\t")
		if len(col) == 0 {
			for i, h := range row {
				col[h] = i
			}
			continue
		}
		get := func(h string) string {
			if i, ok := col[h]; ok && i < len(row) {
				return row[i]
			}
			return ""
		}
		exp := get("expected")
		if get("model") != fam || get("status") == "ok" || (exp != "Never" && exp != "Sometimes" && exp != "Always") {
			continue
		}
		name := get("name")
		out = append(out, Unanswered{Name: name, Model: Families[fam], Expected: exp,
			Path: filepath.Join(root, "tests", fam, name+".litmus")})
	}
	return out, sc.Err()
}

// RunUnanswered checks one such test with the model's default search and
// compares its observation with the recorded one. A check that does not
// finish in time, or a test over the budget, is a skip with its reason:
// herd did not finish either, and there is nothing to compare.
func RunUnanswered(u Unanswered, timeout time.Duration) (out Outcome) {
	out = Outcome{Name: u.Name}
	start := time.Now()
	defer func() { out.Elapsed = time.Since(start) }()
	_, res, status, why := checkLitmus(u.Path, u.Model, "", timeout)
	switch {
	case res == nil:
		out.Status, out.Reason = status, why
	case !res.Complete && !onlyUnrolled(res.Bounds):
		out.Status, out.Reason = "skip", "check: did not finish in "+timeout.String()
	case string(res.Observation) != u.Expected:
		out.Status, out.Reason = "mismatch", fmt.Sprintf("observation %s, the test's Result: %s", res.Observation, u.Expected)
	default:
		out.Status = "match"
	}
	return out
}
