package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

var (
	elapsedRE  = regexp.MustCompile(`"elapsed_ns": [0-9]+`)
	herdTimeRE = regexp.MustCompile(`(?m)^Time (\S+) [0-9.]+$`)
)

// golden compares got with testdata/golden/name (go test ./cmd/mmuasm
// -update rewrites it).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/mmuasm -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test ./cmd/mmuasm -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

const ptdumpSeed = "../../examples/seeds/003-ptdump-vmalloc-keyfirst.mmu"

// TestOutputGolden keeps each output format as reviewed: the mail table,
// herd's log, and the JSON shapes of check, test, run and dis.
func TestOutputGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
		code   int
	}{
		{"mail-uaf.golden", []string{"check", "--format", "mail", uafScript}, 0},
		{"mail-ptdump.golden", []string{"check", "--format", "mail", ptdumpSeed}, 0},
		// a weak model's execution, each read with the write it read
		{"mail-armv8.golden", []string{"check", "--format", "mail", "../../examples/seeds/003-case2-armv8-neither.mmu"}, 0},
		{"width-60.golden", []string{"check", "--no-color", "--width", "60", uafScript}, 0},
		{"herd-spaces.herd", []string{"check", "--format", "herd", "testdata/herd/sb-spaces.mmu"}, 0},
		{"check.json", []string{"check", "--json", mpScript}, 0},
		{"test.json", []string{"test", "--json", "testdata/scripts/sb.mmu", wrongScript, "testdata/hostile/broken.mmu", "testdata/litmus/broken.litmus"}, 2},
		{"run.json", []string{"run", "--json", "--schedule", "0*3,1,0*2,1", "--arch", "arm64", uafScript}, 0},
		{"dis.json", []string{"dis", "--json", "--proc", "cpu 1", uafScript}, 0},
		{"run-replay.golden", []string{"run", "--no-color", "--schedule", "0,1,0,1", abbaScript}, 0},
		// a weak model's random run: one of its executions, not an interleaving
		{"run-armv8.golden", []string{"run", "--no-color", "--seed", "3", "../../examples/litmus/mp-armv8.mmu"}, 0},
		{"run-armv8-schedule.golden", []string{"run", "--no-color", "--schedule", "0,1,0,1", "../../examples/litmus/mp-armv8.mmu"}, 0},
		{"truth-lazy.golden", []string{"check", "--no-color", "testdata/truth/lazy-read-hazard.mmu"}, 0},
		{"inject.golden", []string{"check", "--no-color", "testdata/hostile/inject.mmu"}, 1},
		// the budget is the check's limit, not an execution: no table
		{"timeout.golden", []string{"check", "--no-color", "--timeout", "50ms", "testdata/hostile/endless.mmu"}, 1},
		{"preempt-switch.golden", []string{"check", "--no-color", "../../examples/model/preempt-spinlock-pins-mutant.mmu"}, 0},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			code, out, errOut := mmuasm(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, errOut)
			}
			out = normalize(elapsedRE.ReplaceAllString(out, `"elapsed_ns": 0`))
			out = herdTimeRE.ReplaceAllString(out, "Time $1 TIME")
			if strings.HasSuffix(tc.golden, ".json") && !json.Valid([]byte(out)) {
				t.Errorf("not one JSON document:\n%s", out)
			}
			golden(t, tc.golden, out)
		})
	}
}

// TestMailFits: --format mail is plain ASCII, at most 72 columns, no
// trailing spaces, and no cell lost its end (the value that matters).
func TestMailFits(t *testing.T) {
	for _, file := range []string{uafScript, ptdumpSeed, mpScript} {
		_, out, _ := mmuasm(t, "check", "--format", "mail", file)
		for i, l := range strings.Split(out, "\n") {
			if n := utf8.RuneCountInString(l); n > 72 {
				t.Errorf("%s line %d: %d columns: %q", file, i+1, n, l)
			}
			if strings.TrimRight(l, " ") != l {
				t.Errorf("%s line %d ends in spaces: %q", file, i+1, l)
			}
			for _, r := range l {
				if r >= utf8.RuneSelf {
					t.Errorf("%s line %d is not ASCII: %q", file, i+1, l)
					break
				}
			}
		}
	}
	_, out, _ := mmuasm(t, "check", "--format", "mail", uafScript)
	joined := strings.Join(strings.Fields(out), "")
	if !strings.Contains(joined, "ptep_get_and_clear(user,0x400000,&user.pte[0])=0x68000000100f43") {
		t.Errorf("the value of ptep_get_and_clear() was lost:\n%s", out)
	}
}

// TestASCIILocale: with a locale that is not UTF-8 the table is drawn in
// ASCII.
func TestASCIILocale(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	_, out, _ := mmuasm(t, "check", "--no-color", uafScript)
	for _, r := range out {
		if r >= utf8.RuneSelf {
			t.Fatalf("non-ASCII %q under LC_ALL=C:\n%s", r, out)
		}
	}
	if !strings.Contains(out, " step | CPU 0") {
		t.Errorf("no ASCII table:\n%s", out)
	}
}

// TestNoControlCharacters: what a script names (test, labels, print,
// assert messages) reaches the terminal escaped, in every text output.
func TestNoControlCharacters(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--no-color", "testdata/hostile/inject.mmu"},
		{"check", "--format", "herd", "testdata/hostile/inject.mmu"},
		{"check", "--format", "mail", "testdata/hostile/inject.mmu"},
		{"test", "--no-color", "testdata/hostile/inject.mmu"},
		{"run", "--no-color", "testdata/hostile/inject.mmu"},
	} {
		_, out, errOut := mmuasm(t, args...)
		for _, r := range out + errOut {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("%s: control character %q in\n%q", strings.Join(args, " "), r, out)
				break
			}
		}
		if strings.Contains(out, "\nVerdict ok") {
			t.Errorf("%s: a forged verdict line:\n%s", strings.Join(args, " "), out)
		}
	}
}

// TestHelp: help for one command shows its synopsis and its flags only.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "check"}, {"check", "-h"}, {"check", "--help"}} {
		code, out, _ := mmuasm(t, args...)
		if code != 0 || !strings.HasPrefix(out, "usage: mmuasm check [flags] FILE\n") || !strings.Contains(out, "-html") || strings.Contains(out, "litmus2mmu") {
			t.Errorf("%s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}
	code, out, _ := mmuasm(t, "dis", "-h")
	if code != 0 || !strings.Contains(out, "-proc") || strings.Contains(out, "-arch") || strings.Contains(out, "-search") {
		t.Errorf("dis -h: exit %d, not dis's flags only:\n%s", code, out)
	}
	for _, c := range commands {
		code, out, _ := mmuasm(t, "help", c.name)
		if code != 0 || !strings.Contains(out, "usage: mmuasm "+c.synopsis) {
			t.Errorf("help %s: exit %d\n%s", c.name, code, out)
		}
		for _, f := range c.flags {
			if !strings.Contains(out, "  -"+f+" ") && !strings.Contains(out, "  -"+f+"\t") && !strings.Contains(out, "  -"+f+"\n") {
				t.Errorf("help %s does not show its flag -%s:\n%s", c.name, f, out)
			}
		}
		if c.name == "help" {
			continue
		}
		if hcode, hout, _ := mmuasm(t, c.name, "-h"); hcode != 0 || hout != out {
			t.Errorf("%s -h: exit %d, and not the same as help %s:\n%s", c.name, hcode, c.name, hout)
		}
	}
	// the commands that take no script still name their own flags
	for name, flags := range map[string][]string{"fmt": {"-w", "-l"}, "lsp": {"-stdio"}, "playground": {"-addr", "-out", "-wasm"}} {
		_, out, _ := mmuasm(t, "help", name)
		for _, f := range flags {
			if !strings.Contains(out, f) || strings.Contains(out, "-arch") {
				t.Errorf("help %s: not its flags (%s):\n%s", name, f, out)
			}
		}
	}
	if code, _, _ := mmuasm(t, "help", "nosuch"); code != 2 {
		t.Errorf("help nosuch: exit %d, want 2", code)
	}
}

// TestFlagsAreNeverIgnored: each flag value is used or refused.
func TestFlagsAreNeverIgnored(t *testing.T) {
	for _, tc := range []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"check", "--search", "bfs", sbScript}, 2, "", `unknown --search "bfs"`},
		{[]string{"test", "--search", "bfs", "testdata/scripts"}, 2, "", `unknown --search "bfs"`},
		{[]string{"check", "--format", "json", sbScript}, 2, "", `unknown --format "json"`},
		{[]string{"check", "--json", "--format", "mail", sbScript}, 2, "", "choose one"},
		{[]string{"run", "--no-color", "--arch", "all", sbScript}, 0, "Run SB on xenpv", ""},
		{[]string{"run", "--no-color", "--arch", "arm64,x86pae", sbScript}, 0, "Run SB on x86pae", ""},
		{[]string{"run", "--no-color", "--arch", "arm64", "--model", "tso", sbScript}, 0, "Run SB on arm64, model tso, schedule", ""},
		{[]string{"test", "testdata/empty"}, 2, "", "no .mmu or .litmus scripts"},
		{[]string{"test", "--no-color", "testdata/scripts/..."}, 0, "6 passed, 0 failed", ""},
		{[]string{"test", "--no-color", "../../examples/litmus/weak/..."}, 0, " passed, 0 failed", ""},
		{[]string{"test", "./..."}, 2, "", "no .mmu or .litmus scripts"},            // testdata is skipped, as go does
		{[]string{"test", "../../stdlib/..."}, 2, "", "no .mmu or .litmus scripts"}, // modules are not tests
		{[]string{"test", "--no-color", "testdata/result/..."}, 0, "1 passed, 0 failed", ""},
		{[]string{"test", "--no-color", "testdata/fail/result-wrong.mmu"}, 1, "Result: Sometimes expected, observed Never", ""},
		{[]string{"test", "--no-color", "testdata/fail/result-lock-held.mmu"}, 1, "expected ok; lock: lock held at the end: l by CPU 1", ""},
		{[]string{"version"}, 0, "mmuasm ", ""},
		{[]string{"version", "extra"}, 2, "", "usage: mmuasm version"},
		{[]string{"lsp", "extra"}, 2, "", `mmuasm lsp: unexpected argument "extra"`},
		{[]string{"playground", "--out", "x", "extra"}, 2, "", `mmuasm playground: unexpected argument "extra"`},
		{[]string{"fmt", "-x"}, 2, "", "Run 'mmuasm help fmt' for its flags"},
	} {
		code, out, errOut := mmuasm(t, tc.args...)
		if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("%s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), code, tc.code, out, errOut)
		}
	}
}

// TestInterrupt sends SIGINT and SIGTERM to a long check: it prints what
// it explored so far, says it was interrupted, and exits 128+signal.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := filepath.Join(t.TempDir(), "mmuasm")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		cmd := exec.Command(bin, "check", "--no-color", "--search", "dfs", "testdata/hostile/slow.mmu")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// the check of every interleaving of testdata/hostile/slow.mmu takes far
		// longer than this; the signal arrives while it explores (a second,
		// so that a loaded machine has started the process and its handler)
		time.Sleep(time.Second)
		cmd.Process.Signal(tc.sig)
		cmd.Wait()
		if got := cmd.ProcessState.ExitCode(); got != tc.code {
			t.Errorf("%s: exit %d, want %d\n%s", tc.name, got, tc.code, out.String())
		}
		for _, want := range []string{"Test ", "Bound hit: cancelled: interrupted by " + tc.name, "Verdict incomplete"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: no %q in the partial report:\n%s", tc.name, want, out.String())
			}
		}
	}
}

// TestConditionAgreesWithVerdict: when the search did not cover every
// execution (a violation stopped it, a bound, random search), a condition
// that no single execution shows is never called plainly "validated".
func TestConditionAgreesWithVerdict(t *testing.T) {
	for _, args := range [][]string{
		{"testdata/truth/lazy-read-hazard.mmu"},
		{"--max-executions", "1", "../../examples/seeds/001-lazy-nest-irq-merged.mmu"},
		{"--model", "armv8", "--search", "graph", "--max-graphs", "2", "../../examples/litmus/2+2w.mmu"},
		{"--search", "random", "-n", "3", "../../examples/seeds/001-lazy-nest-irq-merged.mmu"},
		{"--model", "tso", "--search", "graph", "testdata/truth/unrolled-loop.mmu"},
	} {
		_, out, errOut := mmuasm(t, append([]string{"check", "--no-color"}, args...)...)
		if !strings.Contains(out, "Condition ") {
			t.Fatalf("%v: no condition line:\n%s%s", args, out, errOut)
		}
		for _, l := range strings.Split(out, "\n") {
			if (strings.HasPrefix(l, "Condition forall: validated") || strings.HasPrefix(l, "Condition ~exists: validated")) &&
				!strings.Contains(l, "explored only (the search is incomplete: ") {
				t.Errorf("%v: %q on an incomplete search:\n%s", args, l, out)
			}
		}
	}
}

// TestVersionLine: the version names the module's version and the VCS
// revision the build info records.
func TestVersionLine(t *testing.T) {
	for _, tc := range []struct {
		info debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Path: "mmuvm", Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "3d5a7b3"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}}},
			"mmuasm mmuvm v1.2.0, revision 3d5a7b3, 2026-12-01T10:00:00Z, go1.26"},
		{debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Path: "mmuvm", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}},
			"mmuasm mmuvm (devel), revision abc (modified), go1.26"},
		{debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Path: "mmuvm", Version: "(devel)"}},
			"mmuasm mmuvm (devel), revision unknown (built without VCS information), go1.26"},
	} {
		if got := versionLine(&tc.info); got != tc.want {
			t.Errorf("versionLine = %q, want %q", got, tc.want)
		}
	}
}
