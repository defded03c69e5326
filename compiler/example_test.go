package compiler_test

import (
	"errors"
	"fmt"
	"strings"
	"testing/fstest"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/lang"
)

const mpScript = `test "MP"
shared payload, ready

cpu 0 "producer" {
  payload = 42
  ready = 1
}
cpu 1 "consumer" {
  f = ready
  p = payload
}

final ~exists (1:f == 1 && 1:p != 42)
expect ok
`

// Compile a script from a name and its source. The name is used in error
// positions and is the test's name when the script has no `test` line.
func ExampleCompile() {
	prog, err := compiler.Compile("mp.mmu", []byte(mpScript), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("test:", prog.Name)
	fmt.Println("arches:", prog.Arches)
	for _, cpu := range prog.CPUs {
		fmt.Printf("cpu %d %q\n", cpu.CPU, cpu.Label)
	}
	fmt.Println("final:", prog.Final.Kind)
	// Output:
	// test: MP
	// arches: [arm64]
	// cpu 0 "producer"
	// cpu 1 "consumer"
	// final: ~exists
}

// A script that does not compile gives a *lang.Error: a position
// (file:line:col), a message, and Detail for the source line with a caret.
func ExampleCompile_error() {
	src := `shared x
cpu 0 {
  r = ptep_gte(&x)
}
`
	_, err := compiler.Compile("typo.mmu", []byte(src), nil)
	var lerr *lang.Error
	if errors.As(err, &lerr) {
		fmt.Println("at:", lerr.Pos.File, lerr.Pos.Line, lerr.Pos.Col)
		fmt.Println(lerr.Detail())
	}
	// Output:
	// at: typo.mmu 3 7
	// typo.mmu:3:7: undefined function ptep_gte (did you mean ptep_get?)
	//       r = ptep_gte(&x)
	//           ^
}

// Encode writes a compiled program in the .mmub format; Decode reads it
// back (and validates it, so a corrupt file is an error, never a panic).
func ExampleEncode() {
	prog, err := compiler.Compile("mp.mmu", []byte(mpScript), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	data := compiler.Encode(prog)
	fmt.Println("magic:", string(data[:4]))

	back, err := compiler.Decode(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same program:", back.Name == prog.Name && len(back.Code) == len(prog.Code))

	// A flipped byte is caught by the checksum.
	data[len(data)/2] ^= 0xff
	_, err = compiler.Decode(data)
	fmt.Println("corrupt:", err != nil)
	// Output:
	// magic: MMUB
	// same program: true
	// corrupt: true
}

// The disassembler shows the bytecode a script compiled to.
func ExampleDisassemble() {
	prog, err := compiler.Compile("mp.mmu", []byte(mpScript), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var b strings.Builder
	if err := compiler.Disassemble(&b, prog, ""); err != nil {
		fmt.Println(err)
		return
	}
	header, _, _ := strings.Cut(b.String(), "\n")
	fmt.Println(header)
	// Output:
	// test     MP
}

// Options.Modules is where `import "NAME"` finds NAME.mmu (by default the
// embedded stdlib), and Options.Files serves relative imports such as
// "./helpers.mmu". Any fs.FS will do: a directory (os.DirFS), an embed.FS,
// or an in-memory map as here.
func ExampleOptions() {
	modules := fstest.MapFS{
		"mine.mmu": {Data: []byte("shared counter\nproc bump() {\n  atomic {\n    counter = counter + 1\n  }\n}\n")},
	}
	src := `import "mine"
cpu 0 {
  bump()
}
cpu 1 {
  bump()
}
final forall (counter == 2)
`
	prog, err := compiler.Compile("use.mmu", []byte(src), &compiler.Options{Modules: modules})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range prog.Files {
		fmt.Println("source:", f.Name)
	}

	_, err = compiler.Compile("use.mmu", []byte(`import "mien"`), &compiler.Options{Modules: modules})
	fmt.Println(err)
	// Output:
	// source: mine.mmu
	// source: use.mmu
	// use.mmu:1:1: import "mien": no such module (did you mean "mine"?)
}
