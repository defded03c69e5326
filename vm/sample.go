package vm

import (
	"context"
	"fmt"
	"math/rand"
	"strings"

	"github.com/mmuvm/mmuvm/memmodel"
)

// Under armv8 and lkmm (and tso on execution graphs) an execution is not a
// schedule of the machine: its reads choose among the writes the model
// lets them see. A random schedule would show only the interleavings,
// never a weak outcome. So `mmuasm run --seed` there explores the
// executions as a check does and picks one of them uniformly at random.

// sampler picks one execution out of those the search records, each with
// the same chance (reservoir sampling: the n-th replaces the pick with
// probability 1/n), without holding more than the one picked.
type sampler struct {
	rng   *rand.Rand
	seen  int    // executions offered
	token string // the one picked
}

func newSampler(seed int64) *sampler { return &sampler{rng: rand.New(rand.NewSource(seed))} }

// offer is the search's: one more execution, g with its CPUs' runs.
func (s *sampler) offer(g *memmodel.Graph, pick []int, all [][]weakRun) {
	s.seen++
	if s.rng.Intn(s.seen) == 0 {
		s.token = executionToken(g, pick, all)
	}
}

// reset forgets what was offered: the search starts again (a round of the
// incremental search whose result is not the program's).
func (s *sampler) reset() {
	if s != nil {
		s.seen, s.token = 0, ""
	}
}

// RunsOnGraphs tells whether prog's executions under cfg are execution
// graphs rather than schedules of a machine (sc's or the store buffers'):
// its counterexamples are execution tokens, and RunRandom picks one.
func RunsOnGraphs(prog *Program, cfg Config) bool {
	model, err := ModelFor(prog, cfg)
	return err == nil && model != "sc" && !operationalTSO(prog, model, cfg)
}

// runRandomExecution explores prog's executions under a weak model (all of
// them: cfg.All) and replays one picked at random from cfg.Seed. Its
// budget is the check's, then the replay's; an exploration cut short
// picks among the executions it found, and says so.
func runRandomExecution(prog *Program, cfg Config) (*RunResult, error) {
	cfg.All = true
	s := newSampler(cfg.Seed)
	r, err := check(context.Background(), prog, cfg, s)
	if err != nil {
		return nil, err
	}
	stopped := "" // why the search did not see every execution
	if !r.Complete {
		if stopped = strings.Join(r.Bounds, "; "); stopped == "" {
			stopped = r.Verdict
		}
	}
	if s.token == "" {
		why := "the search found no execution"
		if stopped != "" {
			why += " before it stopped (" + stopped + ")"
		}
		return nil, fmt.Errorf("no execution to pick one from at random: %s", why)
	}
	res, err := ReplayExecution(prog, cfg, s.token)
	if err != nil {
		return nil, err
	}
	res.Among, res.Stopped = s.seen, stopped
	return res, nil
}
