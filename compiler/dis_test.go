package compiler

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmuvm/mmuvm/vm"
)

// disGolden compares got with testdata/dis/name.golden, or rewrites the file
// under -update.
func disGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "dis", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// disBroken is mmubSample with operands out of range everywhere the
// disassembler looks them up, to show how it renders them.
func disBroken() *vm.Program {
	p := mmubSample()
	p.Code[0].A = 7                  // local
	p.Code[2].A = 9                  // builtin
	p.Code[6].A = 5                  // shared
	p.Code[8].A = -1                 // proc
	p.Code[16].A = 4                 // const
	p.Code[38].A = 3                 // print
	p.Code[40].A = 8                 // string
	p.Code[53].A = 9                 // cpu thread
	p.Code[1].Op = vm.Op(vm.NumOps)  // opcode
	p.Pos[3].File = 5                // file
	p.Final.Kind = 7                 // final kind
	p.Locks[0].Kind = 9              // lock kind
	p.Final.Observed[1].Shared = 3   // observed shared
	p.Procs[1].Locals = []string{""} // unnamed local
	p.IRQs[0].Proc = 12              // thread proc
	p.Procs[2].NParams = 9           // more params than locals
	return p
}

func TestDisassembleGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *vm.Program
		proc string
	}{
		{"sample", mmubSample(), ""},
		{"sample_cpu1", mmubSample(), "cpu 1"},
		{"extremes", mmubExtremes(), ""},
		{"minimal", &vm.Program{Init: -1}, ""},
		{"broken", disBroken(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Disassemble(&b, tc.p, tc.proc); err != nil {
				t.Fatal(err)
			}
			disGolden(t, tc.name, b.Bytes())
		})
	}
}

// TestDisassembleDecoded checks that a decoded program lists exactly like
// the one it was encoded from.
func TestDisassembleDecoded(t *testing.T) {
	p := mmubSample()
	q, err := Decode(Encode(p))
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	if err := Disassemble(&a, p, ""); err != nil {
		t.Fatal(err)
	}
	if err := Disassemble(&b, q, ""); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("listings differ:\n%s\n%s", a.String(), b.String())
	}
}

func TestDisassembleUnknownProc(t *testing.T) {
	var b bytes.Buffer
	err := Disassemble(&b, mmubSample(), "nosuch")
	if err == nil {
		t.Fatal("no error for an unknown proc")
	}
	want := `unknown proc "nosuch"; known procs: "publish", "cpu 0", "cpu 1", "irq 0", "init", "final"`
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want it to contain %q", err, want)
	}
	if b.Len() != 0 {
		t.Fatalf("wrote %d bytes before failing", b.Len())
	}
}

func TestDisassembleNil(t *testing.T) {
	if err := Disassemble(&bytes.Buffer{}, nil, ""); err == nil {
		t.Fatal("no error for a nil program")
	}
}

// disFailWriter fails every write, as a closed pipe would.
type disFailWriter struct{}

func (disFailWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestDisassembleWriteError(t *testing.T) {
	if err := Disassemble(disFailWriter{}, mmubSample(), ""); err == nil {
		t.Fatal("write error not reported")
	}
}
