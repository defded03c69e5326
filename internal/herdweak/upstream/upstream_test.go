// Package upstream_test holds mmuvm to the results the herd-weak
// catalogue's tests record in their sources, where herd gave no answer.
// It is a package of its own, beside internal/herdweak, so that its six
// minutes of checks have a test binary (and go test's time limit) of
// their own.
package upstream_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/internal/herdweak"
)

var (
	root   = flag.String("herdweak", "../../../../shared/herd-weak", "the herd-weak catalogue")
	family = flag.String("herdweak.family", "", "check this family only (default: all)")
)

// TestUpstreamResults holds mmuvm, on the catalogue's tests that herd
// gave no answer on within its time limit, to the observation the test's
// source records (its `Result:` comment: herd's answer when the test's
// author ran it to the end). Paul McKenney's RCU rings of six to sixteen
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
		tests, err := herdweak.UnansweredTests(*root, fam)
		if err != nil {
			t.Fatal(err)
		}
		if len(tests) == 0 {
			continue
		}
		t.Run(fam, func(t *testing.T) {
			var outs []herdweak.Outcome
			deadline, bounded := t.Deadline()
			for _, u := range tests {
				if bounded && time.Until(deadline) < time.Minute {
					// a slower machine: report what is left as skipped
					// rather than let go test's time limit end the binary
					outs = append(outs, herdweak.Outcome{Name: u.Name, Status: "skip", Reason: "go test's time limit is near"})
					continue
				}
				o := herdweak.RunUnanswered(u, 20*time.Second)
				if o.Status == "mismatch" {
					t.Errorf("%s: %s", o.Name, o.Reason)
				}
				outs = append(outs, o)
			}
			t.Log("\n" + herdweak.Summary(fam+" (herd unanswered, against the tests' Result:)", outs))
		})
	}
}
