package litmus

import (
	"strings"
	"testing"
)

// TestArrayErrors: what the translation refuses of arrays, at the place
// it names.
func TestArrayErrors(t *testing.T) {
	const body = "\n P0 ;\n LDR X0,[X1] ;\n"
	for _, c := range []struct{ name, init, cond, err string }{
		{"narrow elements, X access", "int v[2]; 0:X1=v;", "exists (v[0]=0)", "4:2: LDR: a 64-bit access of v (32-bit elements) is a mixed-size access"},
		{"byte elements, X access", "uint8_t v[2]; 0:X1=v;", "exists (v[0]=0)", "4:2: LDR: a 64-bit access of v (8-bit elements) is a mixed-size access"},
		{"type herd does not size", "atomic_long_t v[2]; 0:X1=v;", "exists (v[0]=0)", "2:18: arrays of atomic_long_t elements are not supported"},
		{"pointer in memory", "int v[2]; int *p = v;", "exists (v[0]=0)", "2:13: p holds a pointer to v (32-bit elements): such pointers are supported in registers only"},
		{"bad length", "int64_t v[0];", "exists (0:X0=0)", "2:13: bad array length \"0\""},
		{"too many values", "int64_t v[2] = {1,2,3};", "exists (0:X0=0)", "2:23: more values than the 2 elements of v"},
		{"index out of range", "int64_t v[2]; 0:X1=v;", "exists (v[2]=0)", "5:11: bad index \"2\" of v"},
		{"not an array", "int64_t v; 0:X1=v;", "exists (v[1]=0)", "5:10: arrays are not supported (v is not one"},
		{"list too short", "int64_t v[2]; 0:X1=v;", "exists (v={1})", "5:9: v has 2 elements, the list 1 values"},
		{"bare name", "int64_t v[2]; 0:X1=v;", "exists (v=1)", "5:9: v is an array"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			src := "AArch64 t\n{ " + c.init + " }" + body + c.cond + "\n"
			_, err := Translate("t.litmus", []byte(src))
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("error %v, want %q", err, c.err)
			}
		})
	}
}

// TestArrayElements: elements are consecutive shared words, a pointer
// to the array is the first one's address, and an immediate offset that
// is a multiple of 8 reaches the next; v={..} is every element, and so
// is v in locations (herd shows the whole array).
func TestArrayElements(t *testing.T) {
	src := "AArch64 t\n{ uint64_t v[3] = {1,-2}; 0:X1=v; uint64_t *p = v; }\n P0 ;\n LDR X0,[X1,#16] ;\nlocations [v;]\nexists (0:X0=0 /\\ v={1,-2,0} /\\ p=v)\n"
	out, err := Translate("t.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"shared v__0 = 1, v__1 = -2, v__2, p\n", "p = &v__0", "X1 = &v__0", "READ_ONCE(X1 + 16)",
		"v__0 == 1 && v__1 == -2 && v__2 == 0", "p == &v__0", "locations v__0, v__1, v__2\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("translation lacks %q:\n%s", want, out)
		}
	}
	_, err = Translate("t.litmus", []byte(strings.Replace(src, "#16", "#12", 1)))
	if err == nil || !strings.Contains(err.Error(), "non-zero immediate offset") {
		t.Errorf("an offset of 12: %v", err)
	}
}
