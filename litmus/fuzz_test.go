package litmus

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mmuvm/mmuvm/compiler"
)

// FuzzTranslate feeds the translator arbitrary text: it never panics, a
// failure is a positioned *Error, and a translation it accepts compiles.
func FuzzTranslate(f *testing.F) {
	for _, fam := range []string{"lkmm", "aarch64", "x86tso", "x86_64-tso"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "herd-weak", "tests", fam, "*.litmus"))
		for i, p := range files {
			if i%97 != 0 { // a sample of each family seeds the fuzzer
				continue
			}
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n"))
	f.Add([]byte("AArch64 t\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1] ;\nexists (0:X0=0)\n"))
	f.Add([]byte("X86 t\n{ }\n P0 ;\n MOV [x],$1 ;\nexists (x=1)\n"))
	f.Add([]byte("AArch64 t\n{ int64_t v[2] = {1,-2}; 0:X1=v; }\n P0 ;\n LDR X0,[X1,#8] ;\nexists (v={1,-2} /\\ v[1]=0 /\\ 0:X1=v)\n"))
	f.Add([]byte("AArch64 t\n{ [x]=0; uint64_t %b=x; }\n P0 | P1 ;\n LDR W0,[X%b] | MOV X%a,%c ;\nexists (0:X0=0)\n"))
	f.Add([]byte("AArch64 t\n{ int v[4] = {1,-2}; uint64_t w[2]; 0:X1=v; 0:X5=w; }\n P0 ;\n MOV W2,#1 ;\n CASPAL W2,W3,W6,WZR,[X1] ;\n CASP X2,X3,X6,X7,[X5] ;\nexists (v[0]=0 /\\ 0:X3=-2)\n"))
	f.Add([]byte("AArch64 t\n{ int v[4] = {1,-2}; 0:X1=v; }\n P0 ;\n LDR W0,[X1,#4]! ;\n ADD X2,X1,#8 ;\n LDPSW X3,X4,[X2],#-4 ;\n STR W0,[X1,W0,SXTW #2] ;\nexists (v={1,-2,0,0} /\\ v[1]=0 /\\ 0:X1=v)\n"))
	// the data-processing instructions and the pointer offsets
	f.Add([]byte("AArch64 t\n{ 0:X1=3; }\n P0 ;\n UBFM W0,W1,#24,#7 ;\n MADD X2,X0,X1,X0 ;\n REV16 X3,X2 ;\n RBIT W4,W3 ;\n ANDS XZR,X1,X2,ROR #3 ;\n CSET X5,CS ;\nforall (0:X0=0 /\\ 0:XZR=0);\n"))
	f.Add([]byte("C t\n{}\nP0(int *x, int *y) { int r1; int *r2; r1 = READ_ONCE(*x); r2 = y + (r1 & 8); WRITE_ONCE(*r2, 1); }\nexists (0:r1=1)\n"))
	// byte and halfword accesses of wider locations, ordered and exclusive, and int words of a mixed test
	f.Add([]byte("AArch64 t\n{ uint64_t x=0x1234; int y; uint32_t z; 0:X1=x; 0:X2=y; 0:X3=z; }\n P0 ;\n LDARB W0,[X1] ;\n STLXRB W4,W0,[X1] ;\n STR W0,[X2,W4,SXTW] ;\n LDRSW X5,[X3] ;\nexists (x=255 /\\ y=-1)\n"))
	f.Add([]byte("AArch64 t\nVariant=mixed\n{ uint64_t x; 0:X1=x; }\n P0 ;\n LDRH W0,[X1] ;\n STRB W0,[X1] ;\nexists (x=0)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := Translate("f.litmus", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Col < 1 || e.File != "f.litmus" {
				t.Fatalf("error without a position: %#v", err)
			}
			return
		}
		if _, err := compiler.Compile("f.mmu", []byte(out), nil); err != nil {
			t.Fatalf("the translation does not compile: %v\n%s", err, out)
		}
	})
}
