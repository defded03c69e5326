package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// mmuasm runs the command in-process and returns its exit code and output.
// A panic fails the test: every input must give an error, never a crash.
func mmuasm(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("mmuasm %s panicked: %v\n%s", strings.Join(args, " "), r, debug.Stack())
			}
		}()
		code = run(args, &out, &errOut)
	}()
	return code, out.String(), errOut.String()
}

var (
	timeRE     = regexp.MustCompile(`time [0-9]+(\.[0-9]+)?(µs|us|ms|s)\b`)
	durationRE = regexp.MustCompile(`, [0-9]+(\.[0-9]+)?(µs|us|ms|s)\)`)
)

// normalize replaces run times, which change from run to run, by a fixed
// string.
func normalize(s string) string {
	s = timeRE.ReplaceAllString(s, "time TIME")
	return durationRE.ReplaceAllString(s, ", TIME)")
}

// positioned matches an error that starts with file:line:col:.
func positioned(file string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta(file) + `:[0-9]+:[0-9]+: `)
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	sbScript    = "testdata/scripts/sb.mmu"
	abbaScript  = "testdata/scripts/deadlock.mmu"
	uafScript   = "testdata/scripts/stale-tlb-uaf.mmu"
	mpScript    = "testdata/scripts/mp-witness.mmu"
	wrongScript = "testdata/fail/sb-wrong-expect.mmu"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken.mmu", []byte("cpu 0 {\n  x = ptep_gte(1)\n}\n"))
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring of stdout
		stderr string // substring of stderr
	}{
		{"check passes", []string{"check", "--no-color", sbScript}, 0, "Verdict ok (expected ok: matched)", ""},
		{"check expected violation", []string{"check", "--no-color", abbaScript}, 0, "expected fail deadlock: matched", ""},
		{"check expect does not hold", []string{"check", "--no-color", wrongScript}, 1, "NOT matched", ""},
		{"check broken script", []string{"check", broken}, 2, "", broken + ":2:7: undefined function ptep_gte (did you mean ptep_get?)"},
		{"flags after the file", []string{"check", sbScript, "--no-color", "--arch", "arm64"}, 0, "Test SB on arm64", ""},
		{"check every arch", []string{"check", "--no-color", "--arch", "all", sbScript}, 0, "Test SB on xenpv", ""},
		{"unknown arch", []string{"check", "--arch", "riscv", sbScript}, 2, "", "riscv"},
		{"unknown command", []string{"chekc", sbScript}, 2, "", `unknown command "chekc"`},
		{"no command", nil, 2, "", "usage: mmuasm"},
		{"help", []string{"help"}, 0, "usage: mmuasm", ""},
		{"missing file", []string{"check", filepath.Join(dir, "nosuch.mmu")}, 2, "", "nosuch.mmu"},
		{"missing file in test", []string{"test", filepath.Join(dir, "nosuch")}, 2, "", "nosuch"},
		{"no file", []string{"check"}, 2, "", "usage: mmuasm check"},
		{"two files", []string{"check", sbScript, abbaScript}, 2, "", "usage: mmuasm check"},
		{"unknown flag", []string{"check", "--bogus", sbScript}, 2, "", "bogus"},
		{"test without paths", []string{"test"}, 2, "", "usage: mmuasm test"},
		{"run without file", []string{"run"}, 2, "", "usage: mmuasm run"},
		{"run bad schedule", []string{"run", "--schedule", "x,y", abbaScript}, 2, "", ""},
		{"dis missing file", []string{"dis", filepath.Join(dir, "nosuch.mmub")}, 2, "", "nosuch.mmub"},
		{"build broken script", []string{"build", broken, "-o", filepath.Join(dir, "b.mmub")}, 2, "", broken + ":2:7:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := mmuasm(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errOut)
			}
			if !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.stderr, errOut)
			}
		})
	}
}

// testLineRE matches one line of `mmuasm test`.
var testLineRE = regexp.MustCompile(`^(PASS|FAIL) (\S+) \[([a-z0-9-]+)\] (ok|fail [a-z-]+) \([0-9]+ executions, [^)]+\)`)

func TestTestCommand(t *testing.T) {
	code, out, errOut := mmuasm(t, "test", "--no-color", "testdata/scripts")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"PASS testdata/scripts/deadlock.mmu [arm64] fail deadlock",
		"PASS testdata/scripts/mp-armv8.mmu [arm64] fail condition",
		"PASS testdata/scripts/mp-witness.mmu [arm64] fail condition",
		"PASS testdata/scripts/sb.mmu [arm64] ok",
		"PASS testdata/scripts/stale-tlb-uaf.mmu [arm64] fail use-after-free",
		"PASS testdata/scripts/stale-tlb-uaf.mmu [x86pae-pv] fail use-after-free",
		"6 passed, 0 failed",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want[:len(want)-1] {
		if !strings.HasPrefix(lines[i], w+" (") || !testLineRE.MatchString(lines[i]) {
			t.Errorf("line %d: %q, want %q (…)", i+1, lines[i], w)
		}
	}
	if lines[len(lines)-1] != want[len(want)-1] {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want[len(want)-1])
	}

	// A script whose expectation does not hold: a FAIL line and exit 1.
	code, out, _ = mmuasm(t, "test", "--no-color", wrongScript, sbScript)
	if code != 1 {
		t.Errorf("exit %d, want 1:\n%s", code, out)
	}
	if !strings.Contains(out, "FAIL testdata/fail/sb-wrong-expect.mmu [arm64] ok") ||
		!strings.Contains(out, ": expected fail assert") || !strings.HasSuffix(out, "1 passed, 1 failed\n") {
		t.Errorf("output:\n%s", out)
	}

	// A script that does not compile: a FAIL line with its position, exit 2,
	// and the other scripts are still checked.
	dir := t.TempDir()
	writeFile(t, dir, "a-broken.mmu", []byte("cpu 0 {\n  x = 1 +\n}\n"))
	data, err := os.ReadFile(sbScript)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "b-sb.mmu", data)
	code, out, _ = mmuasm(t, "test", "--no-color", dir)
	if code != 2 {
		t.Errorf("exit %d, want 2:\n%s", code, out)
	}
	if !strings.Contains(out, "FAIL "+filepath.Join(dir, "a-broken.mmu")+": "+filepath.Join(dir, "a-broken.mmu")+":3:1: ") ||
		!strings.Contains(out, "PASS "+filepath.Join(dir, "b-sb.mmu")) || !strings.HasSuffix(out, "1 passed, 1 failed\n") {
		t.Errorf("output:\n%s", out)
	}
}

// deepNesting is a script nested far deeper than the parser allows.
func deepNesting(n int) []byte {
	return []byte("shared x\ncpu 0 {\n" + strings.Repeat("if x {\n", n) + strings.Repeat("}\n", n) + "}\n")
}

func randomBytes(seed int64, n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func TestBrokenScripts(t *testing.T) {
	sb, err := os.ReadFile(sbScript)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  []byte
		pos  string // line:col, "" when any position will do
		msg  string
	}{
		{"unclosed-brace", []byte("shared x\ncpu 0 {\n  x = 1\n"), "2:7", "`{` is never closed"},
		{"unknown-builtin", []byte("table t\ncpu 0 {\n  x = ptep_gte(&t[0])\n}\n"), "3:7", "undefined function ptep_gte (did you mean ptep_get?)"},
		{"wrong-arity", []byte("spinlock l\ncpu 0 {\n  spin_lock(l, 1)\n}\n"), "3:3", "spin_lock takes 1 argument, not 2"},
		{"bad-number", []byte("cpu 0 {\n  x = 0xZZ\n}\n"), "2:7", `bad number "0xZZ"`},
		{"bad-number-underscores", []byte("const N = 1__\ncpu 0 { }\n"), "1:11", `bad number "1__"`},
		{"duplicate-cpu", []byte("cpu 0 { }\ncpu 1 { }\ncpu 0 { }\n"), "3:1", "cpu 0 is already defined at"},
		{"undefined-name", []byte("shared counter\ncpu 0 {\n  x = countr\n}\n"), "3:7", "undefined name countr (did you mean counter?)"},
		{"final-missing-cpu", []byte("cpu 0 { r = 1 }\nfinal exists (2:r == 1)\n"), "2:15", "there is no cpu 2"},
		{"random-bytes", randomBytes(1, 256), "", ""},
		{"random-bytes-2", randomBytes(2, 4096), "", ""},
		{"random-ascii", []byte("cpu 0 { x = } ] ) ( { [[ 0x 1__ \"\n"), "", ""},
		{"deeply-nested", deepNesting(1000), "", "nested more than"},
		{"long-else-if-chain", []byte("shared x\ncpu 0 {\n" + strings.Repeat("if x { } else ", 5000) + "{ }\n}\n"), "", "nested more than"},
		{"prefix-operators", []byte("cpu 0 {\n  x = " + strings.Repeat("-", 5000) + "1\n}\n"), "2:207", "prefix operators"},
		{"truncated", sb[:len(sb)/2], "", ""},
		{"truncated-mid-token", sb[:bytes.Index(sb, []byte("r0 = y"))+2], "", ""},
		{"unterminated-comment", append([]byte("/* "), sb...), "1:1", "unterminated comment"},
		{"empty", nil, "1:1", "no cpu block"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := writeFile(t, dir, tt.name+".mmu", tt.src)
			for _, cmd := range []string{"check", "run", "dis", "build"} {
				code, out, errOut := mmuasm(t, cmd, file)
				if code != 2 {
					t.Errorf("%s: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", cmd, code, out, errOut)
				}
				if out != "" {
					t.Errorf("%s: output on stdout:\n%s", cmd, out)
				}
				if !positioned(file).MatchString(errOut) {
					t.Fatalf("%s: no file:line:col: on stderr:\n%s", cmd, errOut)
				}
				if tt.pos != "" && !strings.HasPrefix(errOut, file+":"+tt.pos+": ") {
					t.Errorf("%s: error at the wrong place, want %s:\n%s", cmd, tt.pos, errOut)
				}
				if !strings.Contains(errOut, tt.msg) {
					t.Errorf("%s: stderr does not contain %q:\n%s", cmd, tt.msg, errOut)
				}
				// The source line and a caret follow the message (an
				// empty file has no line to show).
				lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
				if len(tt.src) > 0 && (len(lines) != 3 || strings.TrimSpace(lines[2]) != "^") {
					t.Errorf("%s: no source line and caret:\n%s", cmd, errOut)
				}
			}
		})
	}
	// `test` over all of them reports each and exits 2.
	code, out, _ := mmuasm(t, "test", "--no-color", dir)
	if code != 2 || !strings.HasSuffix(out, fmt.Sprintf("0 passed, %d failed\n", len(tests))) {
		t.Errorf("test over the broken scripts: exit %d\n%s", code, out)
	}
}

func TestBuildAndDis(t *testing.T) {
	dir := t.TempDir()
	mmub := filepath.Join(dir, "uaf.mmub")
	if code, out, errOut := mmuasm(t, "build", uafScript, "-o", mmub); code != 0 {
		t.Fatalf("build: exit %d\n%s%s", code, out, errOut)
	}
	code, fromBinary, errOut := mmuasm(t, "dis", mmub)
	if code != 0 || fromBinary == "" {
		t.Fatalf("dis .mmub: exit %d\n%s", code, errOut)
	}
	code, fromSource, errOut := mmuasm(t, "dis", uafScript)
	if code != 0 {
		t.Fatalf("dis .mmu: exit %d\n%s", code, errOut)
	}
	if fromBinary != fromSource {
		t.Errorf("dis of the .mmub differs from dis of the script:\n--- .mmub\n%s\n--- .mmu\n%s", fromBinary, fromSource)
	}
	// The .mmub checks like the script.
	_, want, _ := mmuasm(t, "check", "--no-color", uafScript)
	code, got, errOut := mmuasm(t, "check", "--no-color", mmub)
	if code != 0 || normalize(got) != normalize(want) {
		t.Errorf("check .mmub: exit %d\n%s\n%s\nwant:\n%s", code, errOut, got, want)
	}

	data, err := os.ReadFile(mmub)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(data)
	flipped[len(flipped)/2] ^= 0x5a
	corrupt := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("this is not bytecode"),
		"magic":     append([]byte("XXXX"), data[4:]...),
		"truncated": data[:len(data)/3],
		"header":    data[:6],
		"flipped":   flipped,
		"random":    randomBytes(3, len(data)),
		"trailing":  append(bytes.Clone(data), 1, 2, 3),
	}
	for name, b := range corrupt {
		p := writeFile(t, dir, name+".mmub", b)
		for _, cmd := range []string{"dis", "check", "run"} {
			code, out, errOut := mmuasm(t, cmd, p)
			if code != 2 {
				t.Errorf("%s %s: exit %d, want 2\n%s%s", cmd, name, code, out, errOut)
			}
			if !strings.HasPrefix(errOut, "mmuasm: "+p+": ") || strings.Count(errOut, "\n") != 1 {
				t.Errorf("%s %s: stderr is not one clean error line:\n%s", cmd, name, errOut)
			}
		}
	}
}

type jsonResultT struct {
	Test       string `json:"test"`
	Arch       string `json:"arch"`
	Executions *int   `json:"executions"`
	Verdict    string `json:"verdict"`
	Expected   string `json:"expected"`
	Matched    bool   `json:"matched"`
	Violations []struct {
		Kind     string `json:"kind"`
		Message  string `json:"message"`
		Schedule string `json:"schedule"`
		Trace    []struct {
			Step   int    `json:"step"`
			Thread string `json:"thread"`
			Text   string `json:"text"`
		} `json:"trace"`
	} `json:"violations"`
	Witness *struct {
		Kind     string `json:"kind"`
		Schedule string `json:"schedule"`
	} `json:"witness"`
}

func checkJSON(t *testing.T, file string, wantCode int) []jsonResultT {
	t.Helper()
	code, out, errOut := mmuasm(t, "check", "--json", file)
	if code != wantCode {
		t.Fatalf("check --json %s: exit %d, want %d\n%s", file, code, wantCode, errOut)
	}
	var res []jsonResultT
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("check --json %s: %v\n%s", file, err, out)
	}
	for _, r := range res {
		if r.Executions == nil || *r.Executions <= 0 {
			t.Errorf("%s [%s]: no executions in the JSON", file, r.Arch)
		}
	}
	return res
}

func TestJSON(t *testing.T) {
	res := checkJSON(t, sbScript, 0)
	if len(res) != 1 || res[0].Test != "SB" || res[0].Arch != "arm64" || res[0].Verdict != "ok" || !res[0].Matched {
		t.Errorf("sb: %+v", res)
	}
	res = checkJSON(t, uafScript, 0)
	if len(res) != 2 || res[1].Arch != "x86pae-pv" {
		t.Fatalf("stale-tlb-uaf: %d results", len(res))
	}
	v := res[0].Violations
	if len(v) == 0 || v[0].Kind != "use-after-free" || v[0].Schedule == "" || len(v[0].Trace) == 0 {
		t.Errorf("stale-tlb-uaf violations: %+v", v)
	}
	res = checkJSON(t, mpScript, 0)
	if res[0].Witness == nil || res[0].Witness.Kind != "condition" || res[0].Witness.Schedule == "" {
		t.Errorf("mp-witness: no witness in %+v", res[0])
	}
	res = checkJSON(t, wrongScript, 1)
	if res[0].Matched || res[0].Expected != "fail assert" {
		t.Errorf("wrong expect: %+v", res[0])
	}
	// test --json prints the results as JSON first.
	code, out, _ := mmuasm(t, "test", "--json", "testdata/scripts")
	var all []jsonResultT
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&all); err != nil || code != 0 || len(all) != 6 {
		t.Errorf("test --json: exit %d, %d results, %v\n%s", code, len(all), err, out)
	}
}

// Replaying the schedule of check's counterexample reaches the same violation.
func TestRunReplaysCounterexample(t *testing.T) {
	for _, tc := range []struct {
		file, arch, kind string
	}{
		{uafScript, "arm64", "use-after-free"},
		{uafScript, "x86pae-pv", "use-after-free"},
		{abbaScript, "arm64", "deadlock"},
	} {
		res := checkJSON(t, tc.file+"", 0)
		var token string
		for _, r := range res {
			if r.Arch == tc.arch && len(r.Violations) > 0 && r.Violations[0].Kind == tc.kind {
				token = r.Violations[0].Schedule
			}
		}
		if token == "" {
			t.Errorf("%s [%s]: check found no %s", tc.file, tc.arch, tc.kind)
			continue
		}
		// The text output prints the same token.
		_, text, _ := mmuasm(t, "check", "--no-color", "--arch", tc.arch, tc.file)
		if !strings.Contains(text, "schedule "+token+"\n") {
			t.Errorf("%s: check's text output does not show schedule %s:\n%s", tc.file, token, text)
		}
		code, out, errOut := mmuasm(t, "run", "--no-color", "--arch", tc.arch, "--schedule", token, tc.file)
		if code != 0 {
			t.Errorf("run --schedule %s %s: exit %d, want 0 (reproduced)\n%s%s", token, tc.file, code, out, errOut)
		}
		if !strings.Contains(out, "schedule "+token+"\n") || !strings.Contains(out, "\n"+tc.kind+": ") ||
			!strings.Contains(out, "Replayed: the schedule reproduces the "+tc.kind+"\n") {
			t.Errorf("run --schedule %s %s did not reach %s:\n%s", token, tc.file, tc.kind, out)
		}
	}

	// --save-schedule writes the same token.
	saved := filepath.Join(t.TempDir(), "schedule")
	if code, _, errOut := mmuasm(t, "check", "--save-schedule", saved, abbaScript); code != 0 {
		t.Fatalf("check --save-schedule: exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := mmuasm(t, "run", "--no-color", "--schedule", strings.TrimSpace(string(data)), abbaScript)
	if code != 0 || !strings.Contains(out, "\ndeadlock: ") {
		t.Errorf("run of the saved schedule: exit %d\n%s", code, out)
	}
}

func TestGolden(t *testing.T) {
	scripts, err := filepath.Glob("testdata/scripts/*.mmu")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	for _, s := range scripts {
		name := strings.TrimSuffix(filepath.Base(s), ".mmu")
		t.Run(name, func(t *testing.T) {
			code, out, errOut := mmuasm(t, "check", "--no-color", s)
			if code != 0 {
				t.Errorf("exit %d\n%s", code, errOut)
			}
			got := []byte(normalize(out))
			golden := filepath.Join("testdata", "golden", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./cmd/mmuasm -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("check %s differs from %s (go test ./cmd/mmuasm -update to accept):\n--- got\n%s\n--- want\n%s", s, golden, got, want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	in := "Executions 6, time 113µs\nExecutions 1, time 2.5ms\ntime 1.25s\nPASS a.mmu [arm64] ok (6 executions, 366µs)\nPASS b (1 executions, 12.3ms)\nread x = 4\n"
	want := "Executions 6, time TIME\nExecutions 1, time TIME\ntime TIME\nPASS a.mmu [arm64] ok (6 executions, TIME)\nPASS b (1 executions, TIME)\nread x = 4\n"
	if got := normalize(in); got != want {
		t.Errorf("normalize:\n%s\nwant:\n%s", got, want)
	}
}

// scenarios is the shared acceptance corpus, relative to this package.
const scenarios = "../../../shared/scenarios"

func TestScenarioCorpus(t *testing.T) {
	var dirs []string
	for _, d := range []string{"litmus", "basics"} {
		p := filepath.Join(scenarios, d)
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			dirs = append(dirs, p)
		}
	}
	if len(dirs) == 0 {
		t.Skipf("no scenarios at %s", scenarios)
	}
	code, out, errOut := mmuasm(t, append([]string{"test", "--no-color"}, dirs...)...)
	if code != 0 || !strings.HasSuffix(out, " passed, 0 failed\n") {
		t.Errorf("test %v: exit %d\n%s%s", dirs, code, out, errOut)
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(line, "FAIL") {
			t.Errorf("%s", line)
		}
	}
}
