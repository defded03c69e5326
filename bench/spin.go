package main

import (
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mmuvm/mmuvm/internal/benchscripts"
)

// The SPIN comparison: mmuvm and SPIN 6 run alternately on the seed-003
// scaling model, ptdump-vmalloc-nN (internal/benchscripts.PtdumpVmalloc
// and the Promela model in spin/ptdump_vmalloc.pml), each as its own
// process, so that time and peak memory (GNU time's, see gnuTime) are
// measured the same way. SPIN's verifier is compiled as its manual advises for a
// safety check (-DSAFETY, -DCOLLAPSE compression, partial-order reduction
// on by default), and its compile time is reported apart from its search.

//go:embed spin/ptdump_vmalloc.pml
var ptdumpPromela []byte

// run is one measured process.
type run struct {
	wall   time.Duration
	maxRSS int64 // bytes
	out    string
}

func measureProc(dir, name string, args ...string) (run, error) {
	peakFile := ""
	if gnuTime() {
		f, err := os.CreateTemp("", "mmuvm-peak")
		if err != nil {
			return run{}, err
		}
		f.Close()
		peakFile = f.Name()
		defer os.Remove(peakFile)
		args = append([]string{"-f", "%M", "-o", peakFile, name}, args...)
		name = gnuTimePath
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := run{wall: time.Since(start), out: string(out)}
	if peakFile != "" {
		r.maxRSS = peakKiB(peakFile) * 1024
	} else {
		r.maxRSS = childMaxRSS(cmd.ProcessState)
	}
	if _, exit := err.(*exec.ExitError); exit {
		err = nil // mmuasm exits 1 on a violation, pan 0 either way
	}
	return r, err
}

// gnuTimePath is GNU time, which measures a process's peak memory: the
// maxrss getrusage gives for a child on Linux starts from what its parent
// held (exec counts the address space it replaces), so a child smaller
// than this bench would show the bench's own size. time runs the process
// from a small one and reports its peak alone.
const gnuTimePath = "/usr/bin/time"

var gnuTimeOK *bool

// gnuTime tells whether GNU time is installed (else peaks come from
// getrusage, bounded below by the bench's own size).
func gnuTime() bool {
	if gnuTimeOK == nil {
		ok := exec.Command(gnuTimePath, "-f", "%M", "-o", os.DevNull, "true").Run() == nil
		gnuTimeOK = &ok
	}
	return *gnuTimeOK
}

// peakKiB reads the peak GNU time wrote (its last line; a line before it
// may say the process was killed).
func peakKiB(file string) int64 {
	b, _ := os.ReadFile(file)
	lines := strings.Fields(string(b))
	if len(lines) == 0 {
		return 0
	}
	n, _ := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	return n
}

// spinCase is one size and variant, ready to run.
type spinCase struct {
	n     int
	fixed bool
	dir   string
}

func (c spinCase) name() string {
	return fmt.Sprintf("n%d-%s", c.n, map[bool]string{true: "fixed", false: "buggy"}[c.fixed])
}

// spin runs the comparison at the given sizes; true if a verdict was
// wrong. It is skipped, saying so, when spin or gcc is missing.
func (b *bench) spin(sizes []int, reps int) bool {
	for _, tool := range []string{"spin", "gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			fmt.Printf("SPIN comparison: %s is not installed (apt-get install spin gcc): skipped\n", tool)
			return false
		}
	}
	tmp, mmuasm, err := mmuasmIn("mmuvm-spin")
	if err != nil {
		fmt.Println("SPIN comparison:", err)
		return true
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("mmuvm against SPIN on ptdump-vmalloc-nN (alternating, best of %d; pan -DSAFETY -DCOLLAPSE)\n", reps)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "script\tmmuvm\tmmuvm peak\tSPIN compile\tSPIN search\tSPIN peak\tSPIN states\ttime ratio\tcounterexample (mmuvm steps / SPIN BFS depth)\t")
	failed := false
	for _, n := range sizes {
		for _, fixed := range []bool{false, true} {
			c := spinCase{n: n, fixed: fixed, dir: filepath.Join(tmp, fmt.Sprintf("n%d-%v", n, fixed))}
			row, bad := b.spinRow(c, mmuasm, reps)
			failed = failed || bad
			fmt.Fprintln(w, row)
		}
	}
	w.Flush()
	peak := "peak: GNU time's maximum resident size"
	if !gnuTime() {
		peak = "peak: getrusage's maxrss, at least this bench's own size (install GNU time for the process's own)"
	}
	fmt.Printf("mmuvm: one `mmuasm check` process; SPIN search: one pan process; %s. time ratio: mmuvm / SPIN search.\n", peak)
	return failed
}

// spinRow measures one case and formats its row; true if a verdict is wrong.
func (b *bench) spinRow(c spinCase, mmuasm string, reps int) (string, bool) {
	fail := func(what string, err error) (string, bool) {
		return fmt.Sprintf("%s\t%s: %v\t\t\t\t\t\t\t\t", c.name(), what, err), true
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return fail("setup", err)
	}
	script := filepath.Join(c.dir, c.name()+".mmu")
	if err := os.WriteFile(script, []byte(benchscripts.PtdumpVmalloc(c.n, c.fixed)), 0o644); err != nil {
		return fail("setup", err)
	}
	compile, err := compilePan(c, "pan", false)
	if err != nil {
		return fail("SPIN compile", err)
	}
	depth := c.n*16 + 1000 // pan's -m: deeper than any path of the model
	var best [2]run
	for i := 0; i < reps; i++ {
		rs := [2]run{}
		if rs[0], err = measureProc(c.dir, mmuasm, "check", "--timeout", b.timeout.String(), script); err != nil {
			return fail("mmuvm", err)
		}
		if rs[1], err = measureProc(c.dir, "./pan", "-m"+strconv.Itoa(depth)); err != nil {
			return fail("pan", err)
		}
		for k := range rs {
			if i == 0 || rs[k].wall < best[k].wall {
				best[k].wall, best[k].out = rs[k].wall, rs[k].out
			}
			best[k].maxRSS = max(best[k].maxRSS, rs[k].maxRSS)
		}
	}
	mm, pan := best[0], best[1]
	bad := !strings.Contains(mm.out, "matched)") || strings.Contains(mm.out, "NOT matched")
	wantErrs := map[bool]string{true: "errors: 0", false: "errors: 1"}[c.fixed]
	bad = bad || !strings.Contains(pan.out, wantErrs)
	trail := "-"
	if !c.fixed {
		trail = fmt.Sprintf("%s / %s", firstMatch(`Counterexample \([^)]*\), (\d+) steps`, mm.out), spinBFSDepth(c, depth))
	}
	verdict := ""
	if bad {
		verdict = " (WRONG VERDICT)"
	}
	return fmt.Sprintf("%s%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t", c.name(), verdict, fmtDur(mm.wall), mib(mm.maxRSS),
		fmtDur(compile), fmtDur(pan.wall), mib(pan.maxRSS), firstMatch(`(\d+) states, stored`, pan.out),
		mm.wall.Seconds()/pan.wall.Seconds(), trail), bad
}

// compilePan writes the Promela model and compiles its verifier to out;
// it returns the time spin -a and gcc took.
func compilePan(c spinCase, out string, bfs bool) (time.Duration, error) {
	if err := os.WriteFile(filepath.Join(c.dir, "ptdump_vmalloc.pml"), ptdumpPromela, 0o644); err != nil {
		return 0, err
	}
	defs := []string{"-DN=" + strconv.Itoa(c.n)}
	if c.fixed {
		defs = append(defs, "-DFIXED")
	}
	gcc := []string{"-O2", "-DSAFETY", "-DCOLLAPSE", "-DVECTORSZ=8192", "-o", out, "pan.c"}
	if bfs {
		gcc = append([]string{"-DBFS"}, gcc...)
	}
	start := time.Now()
	for _, step := range []struct {
		tool string
		args []string
	}{{"spin", append(append(defs, "-a"), "ptdump_vmalloc.pml")}, {"gcc", gcc}} {
		cmd := exec.Command(step.tool, step.args...)
		cmd.Dir = c.dir
		if o, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("%s: %v: %s", step.tool, err, firstLine(string(o)))
		}
	}
	return time.Since(start), nil
}

// spinBFSDepth is the depth of SPIN's breadth-first counterexample (the
// shortest, in Promela statements), or why there is none.
func spinBFSDepth(c spinCase, depth int) string {
	if _, err := compilePan(c, "pan-bfs", true); err != nil {
		return "error"
	}
	r, err := measureProc(c.dir, "./pan-bfs", "-m"+strconv.Itoa(depth))
	if err != nil {
		return "error"
	}
	return firstMatch(`assertion violated.*\(at depth (\d+)\)`, r.out)
}

func firstMatch(re, s string) string {
	if m := regexp.MustCompile(re).FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return "?"
}

func mib(b int64) string {
	if b == 0 {
		return "n/a" // no peak size from this system
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}
