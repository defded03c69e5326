package vm_test

// The embedding battery (issue 12): a host that embeds vm.Check with a 2 s
// context and a 256 MB budget survives hostile scripts and .mmub files of
// every class, each answered with an error or a `limit` verdict, the
// checker's memory estimate staying within the budget. The peak RSS of
// the process is BenchmarkEmbeddingBattery's metric, not an assertion.

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

const (
	batteryTime   = 2 * time.Second
	batteryMemory = 256 << 20
)

// batteryItem is one hostile input: how to load it, and whether it must be
// refused (an error or a limit) or may be any program at all (a bit-flipped
// file that still decodes is a legal program).
type batteryItem struct {
	name    string
	load    func() (*vm.Program, error)
	hostile bool
}

// batteryItems lists the hostile scripts of testdata/hostile, .mmub files
// made from them with the shapes the validator used to miss, bit-flipped
// files with a correct checksum, and a script over the source budget.
func batteryItems(t testing.TB) []batteryItem {
	files, _ := filepath.Glob(filepath.Join("testdata", "hostile", "*.mmu"))
	var items []batteryItem
	for _, f := range files {
		items = append(items, batteryItem{filepath.Base(f), func() (*vm.Program, error) { return compiler.CompileFile(f, nil) }, true})
	}
	items = append(items, batteryItem{"2 MB of source", func() (*vm.Program, error) {
		return compiler.Compile("big.mmu", []byte("// "+strings.Repeat("x", 2<<20)+"\ncpu 0 {\n}\n"), nil)
	}, true})
	base, err := compiler.CompileFile(filepath.Join("testdata", "hostile", "ghost-lock-word.mmu"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mmubMutations {
		data := compiler.Encode(m.mutate(cloneProgram(base)))
		items = append(items, batteryItem{m.name + ".mmub", func() (*vm.Program, error) { return compiler.Decode(data) }, true})
	}
	for _, data := range flippedMMUB(compiler.Encode(base), 97) {
		items = append(items, batteryItem{"flipped.mmub", func() (*vm.Program, error) { return compiler.Decode(data) }, false})
	}
	return items
}

// mmubMutations are the shapes of .mmub the decoder used to pass.
var mmubMutations = []struct {
	name   string
	mutate func(p *vm.Program) *vm.Program
}{
	{"30000-cpus", func(p *vm.Program) *vm.Program {
		for c := len(p.CPUs); c < 30000; c++ {
			p.CPUs = append(p.CPUs, vm.Thread{CPU: 100 + c, Proc: p.CPUs[0].Proc})
		}
		return p
	}},
	{"no-arch", func(p *vm.Program) *vm.Program { p.Arches = nil; return p }},
	{"9000-locals", func(p *vm.Program) *vm.Program {
		p.Procs[p.CPUs[0].Proc].Locals = make([]string, 9000)
		return p
	}},
	{"stack-underflow", func(p *vm.Program) *vm.Program {
		p.Code[p.Procs[p.CPUs[0].Proc].Entry] = vm.Instr{Op: vm.OpAdd}
		return p
	}},
}

func cloneProgram(p *vm.Program) *vm.Program {
	q, err := compiler.Decode(compiler.Encode(p))
	if err != nil {
		panic(err)
	}
	return q
}

// flippedMMUB returns copies of data with one bit flipped every stride
// bytes of the body, each with its checksum made right again, so that
// they reach the decoder's validation rather than the checksum.
func flippedMMUB(data []byte, stride int) [][]byte {
	var out [][]byte
	for i := 6; i < len(data)-4; i += stride {
		for _, bit := range []byte{0x01, 0x10, 0x80} {
			d := append([]byte(nil), data...)
			d[i] ^= bit
			binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4]))
			out = append(out, d)
		}
	}
	return out
}

// runBatteryItem loads and checks one item as an embedding host would, and
// says what is wrong with the answer ("" if nothing).
func runBatteryItem(it batteryItem) (what string, problem string) {
	prog, err := it.load()
	if err != nil {
		return "refused: " + firstLine(err.Error()), internalErr(err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), batteryTime)
	defer cancel()
	res, err := vm.Check(ctx, prog, vm.Config{Limits: vm.Limits{Memory: batteryMemory}})
	if err != nil {
		return "error: " + firstLine(err.Error()), internalErr(err.Error())
	}
	what = fmt.Sprintf("verdict %s, %d executions, estimate %.1f MB", res.Verdict, res.Executions, float64(res.Memory)/(1<<20))
	if res.Memory > batteryMemory*11/10 {
		return what, "the memory estimate overran the budget by more than 10 %"
	}
	for _, v := range res.Violations {
		if p := internalErr(v.Msg); p != "" {
			return what, p
		}
	}
	budgetNote := strings.Contains(strings.Join(res.Notes, "\n"), "without a trace: ")
	if it.hostile && !strings.Contains(res.Verdict, "limit") && !strings.Contains(res.Verdict, "error") && !budgetNote {
		return what, "a hostile input got neither an error nor a limit"
	}
	return what, ""
}

func internalErr(msg string) string {
	if strings.Contains(msg, "internal error") {
		return "internal error: " + msg
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func TestEmbeddingBattery(t *testing.T) {
	if testing.Short() {
		t.Skip("the battery runs each time-bound input to its 2 s deadline")
	}
	for _, it := range batteryItems(t) {
		what, problem := runBatteryItem(it)
		if problem != "" {
			t.Errorf("%s: %s (%s)", it.name, problem, what)
		} else if it.hostile {
			t.Logf("%s: %s", it.name, what)
		}
	}
}

// BenchmarkEmbeddingBattery runs the battery once per iteration and reports
// the process's peak RSS (run it alone: go test ./vm -run '^$' -bench
// EmbeddingBattery -benchtime 1x).
func BenchmarkEmbeddingBattery(b *testing.B) {
	items := batteryItems(b)
	for b.Loop() {
		for _, it := range items {
			if _, problem := runBatteryItem(it); problem != "" {
				b.Fatalf("%s: %s", it.name, problem)
			}
		}
	}
	if mb, ok := peakRSSMB(); ok {
		b.ReportMetric(mb, "peak-RSS-MB")
	}
}

// BenchmarkDeadlineOverrun reports how far past a 200 ms deadline each
// time-bound hostile script's Check returns (the budget promises a look at
// the clock at least every 10 ms of work): a figure, not an assertion.
func BenchmarkDeadlineOverrun(b *testing.B) {
	const deadline = 200 * time.Millisecond
	var worst time.Duration
	names := []string{"time-local-loop.mmu", "time-init-loop.mmu", "time-shortening.mmu", "memory-dpor-snapshots.mmu", "memory-init-map.mmu"}
	if only := os.Getenv("MMUVM_OVERRUN"); only != "" {
		names = []string{only}
	}
	for b.Loop() {
		for _, name := range names {
			prog, err := compiler.CompileFile(filepath.Join("testdata", "hostile", name), nil)
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			start := time.Now()
			_, _ = vm.Check(ctx, prog, vm.Config{})
			worst = max(worst, time.Since(start)-deadline)
			cancel()
		}
	}
	b.ReportMetric(float64(worst)/float64(time.Millisecond), "worst-overrun-ms")
}
