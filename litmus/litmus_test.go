package litmus

import (
	"bufio"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const herdWeak = "../../shared/herd-weak"

func TestArchOf(t *testing.T) {
	for src, want := range map[string]string{
		"C foo\n{}":          "C",
		"\n  AArch64 MP\n":   "AArch64",
		"X86 SB\n":           "X86",
		"X86_64 SB":          "X86_64",
		"PPC MP\n":           "",
		"":                   "",
		"Cfoo\n":             "",
		"\ufeffC bom-test\n": "C",
	} {
		if got := ArchOf([]byte(src)); got != want {
			t.Errorf("ArchOf(%q) = %q, want %q", src, got, want)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{File: "a.litmus", Line: 3, Col: 7, Msg: "boom"}
	if e.Error() != "a.litmus:3:7: boom" {
		t.Errorf("got %q", e.Error())
	}
}

// TestGolden translates every testdata/*.litmus and compares with the .mmu
// beside it (rewritten with -update). A test whose translation must fail has
// a .err golden file instead.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.litmus")
	if len(files) == 0 {
		t.Fatal("no golden tests")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Translate(filepath.Base(f), src)
			base := strings.TrimSuffix(f, ".litmus")
			golden, ext := base+".mmu", "mmu"
			if err != nil {
				var le *Error
				if !errors.As(err, &le) {
					t.Fatalf("error %v is not an *Error", err)
				}
				got, golden, ext = err.Error()+"\n", base+".err", "err"
			}
			if *update {
				os.Remove(base + ".mmu")
				os.Remove(base + ".err")
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatalf("translation gave a %s (%v); run with -update", ext, rerr)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", f, golden, got, want)
			}
		})
	}
}

// reasonOf buckets an error message: names and numbers are abstracted.
func reasonOf(msg string) string {
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "thread") {
		msg = msg[i+2:]
	}
	words := strings.Fields(msg)
	keep := []string{}
	for _, w := range words {
		if strings.ContainsAny(w, "0123456789\"") || (len(keep) > 0 && keep[len(keep)-1] != "" && isName(w)) {
			keep = append(keep, "_")
			continue
		}
		keep = append(keep, w)
	}
	return strings.Join(keep, " ")
}

func isName(w string) bool {
	return strings.Contains(w, "_") && strings.ToLower(w) == w
}

// manifest reads name -> tier for one model.
func manifest(t *testing.T, model string) map[string]string {
	f, err := os.Open(filepath.Join(herdWeak, "MANIFEST.tsv"))
	if err != nil {
		return nil
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 14 && cols[1] == model {
			out[cols[0]] = cols[14]
		}
	}
	return out
}

// TestHerdWeakLKMM translates every LKMM test of the herd-weak corpus: each
// must translate or fail with a positioned *Error, never panic. With
// -compile (or MMU_LITMUS_COMPILE=1) the translations are also compiled.
func TestHerdWeakLKMM(t *testing.T) {
	dir := filepath.Join(herdWeak, "tests", "lkmm")
	files, _ := filepath.Glob(filepath.Join(dir, "*.litmus"))
	if len(files) == 0 {
		t.Skip("no herd-weak corpus at " + dir)
	}
	tiers := manifest(t, "lkmm")
	type count struct{ ok, refused int }
	byTier := map[string]*count{}
	reasons := map[string]int{}
	all := map[string]int{}
	compileErrs := map[string]int{}
	example := map[string]string{}
	doCompile := *compileFlag || os.Getenv("MMU_LITMUS_COMPILE") == "1"
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".litmus")
		tier := tiers[name]
		if tier == "" {
			tier = "unlisted"
		}
		c := byTier[tier]
		if c == nil {
			c = &count{}
			byTier[tier] = c
		}
		out, err := func() (out string, err error) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", f, r)
				}
			}()
			return Translate(f, src)
		}()
		if err != nil {
			var le *Error
			if !errors.As(err, &le) || le.Line < 1 || le.Col < 1 || le.File != f {
				t.Errorf("%s: error without a position: %v", f, err)
				continue
			}
			c.refused++
			r := reasonOf(le.Msg)
			all[r]++
			if example[r] == "" {
				example[r] = err.Error()
			}
			if tier == "core" {
				reasons[r]++
			}
			continue
		}
		c.ok++
		if doCompile {
			if _, err := compiler.Compile(name+".mmu", []byte(out), nil); err != nil {
				msg := err.Error()
				if i := strings.Index(msg, ": "); i >= 0 {
					msg = msg[i+2:]
				}
				r := reasonOf(msg)
				compileErrs[r]++
				if example["compile: "+r] == "" {
					example["compile: "+r] = err.Error() + "\n" + out
				}
			}
		}
	}
	var tierNames []string
	for k := range byTier {
		tierNames = append(tierNames, k)
	}
	sort.Strings(tierNames)
	for _, k := range tierNames {
		t.Logf("tier %-9s translated %5d refused %5d", k, byTier[k].ok, byTier[k].refused)
	}
	logCounts(t, "core refusals", reasons, example, "")
	logCounts(t, "all refusals", all, example, "")
	if doCompile {
		logCounts(t, "compile errors", compileErrs, example, "compile: ")
	}
}

var compileFlag = flag.Bool("compile", false, "also compile the translations of the herd-weak corpus")

func logCounts(t *testing.T, title string, m map[string]int, example map[string]string, prefix string) {
	type kv struct {
		k string
		n int
	}
	var list []kv
	for k, n := range m {
		list = append(list, kv{k, n})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].n > list[j].n || (list[i].n == list[j].n && list[i].k < list[j].k) })
	t.Logf("%s:", title)
	for _, e := range list {
		ex := example[prefix+e.k]
		if testing.Verbose() && len(ex) > 600 {
			ex = ex[:600]
		}
		t.Logf("%6d  %s\n        e.g. %s", e.n, e.k, firstLine(ex))
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
