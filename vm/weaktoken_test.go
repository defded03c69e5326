package vm

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestTokenRuns holds execution tokens' runs to what they stand for:
// each list encodes as written, and decodes back to itself.
func TestTokenRuns(t *testing.T) {
	for _, tc := range []struct {
		nums []uint64
		want string
	}{
		{[]uint64{0}, "0"},
		{[]uint64{1, 2}, "1,2"},
		{[]uint64{5, 5}, "5*2"},
		{[]uint64{1, 2, 3}, "1+1*3"},
		{[]uint64{3, 2, 1}, "3,2,1"},
		{[]uint64{0, 1, 0, 1}, "0,1,0,1"},
		{[]uint64{0x7f000003000, 0x7f000003008, 0x7f000003010, 0x7f000003018, 0}, "7f000003000+8*4,0"},
		{[]uint64{7, 7, 7, 1, 2, 3, 4, 9}, "7*3,1+1*4,9"},
		{[]uint64{0, math.MaxUint64, math.MaxUint64}, "0,ffffffffffffffff*2"},
		{[]uint64{0, math.MaxUint64 / 2, math.MaxUint64 - 1}, "0+7fffffffffffffff*3"},
		{[]uint64{0, 1, 0, 1, 0, 1}, "[0;1]*3"},
		{[]uint64{9, 0, 1, 0, 1, 0, 1, 0, 1, 7, 7}, "9,[0;1]*4,7*2"},
		{[]uint64{0, 0x807f000004003, 0, 0, 1, 0x7f000004000, 0, 0x807f000005003, 0, 0, 1, 0x7f000005000,
			0, 0x807f000006003, 0, 0, 1, 0x7f000006000}, "[0;807f000004003+1000;0;0;1;7f000004000+1000]*3"},
		{[]uint64{5, 5, 5, 5, 5, 5}, "5*6"}, // a run, not rounds of 5s
	} {
		got := encodeRuns(tc.nums)
		if got != tc.want {
			t.Errorf("encodeRuns(%x) = %q, want %q", tc.nums, got, tc.want)
		}
		back, paired, err := decodeExecution("w2:" + got)
		if err != nil || paired || !slices.Equal(back, tc.nums) {
			t.Errorf("decodeExecution(w2:%s) = %x, %v, %v; want %x", got, back, paired, err, tc.nums)
		}
	}
}

// TestTokenForms reads the first form of token (each event's numbers
// side by side), and refuses malformed elements and oversized runs.
func TestTokenForms(t *testing.T) {
	nums, paired, err := decodeExecution(" w:2,0,2,1,0 ")
	if err != nil || !paired || !slices.Equal(nums, []uint64{2, 0, 2, 1, 0}) {
		t.Errorf("the first form: %v, %v, %v", nums, paired, err)
	}
	for _, tok := range []string{"x:1", "w2:", "w2:1,,2", "w2:g", "w2:1+1", "w2:1*0", "w2:1*", "w2:1+*3", "w2:1*f4241", "w2:0*f4240,1",
		"w2:[1;2]*0", "w2:[1;g]*3", "w2:[1;2]3", "w2:[]*2", "w2:[1;2+]*2", "w2:[1;2]*7a121"} {
		_, _, err := decodeExecution(tok)
		if err == nil {
			t.Errorf("decodeExecution(%q) is accepted", tok)
		} else if !strings.Contains(err.Error(), "execution token") {
			t.Errorf("decodeExecution(%q): %v does not say what it read", tok, err)
		}
	}
}

// FuzzToken: any token either is refused or decodes to numbers that
// encode to a token decoding to the same numbers.
func FuzzToken(f *testing.F) {
	for _, s := range []string{"w2:2,0,2,1,0*5,4,1*3,2*2,0*2", "w:2,0,2,1,0", "w2:[0;807f000004003+1000]*3f,7f000003000+8*200", "w2:[1;2]*0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		nums, _, err := decodeExecution(tok)
		if err != nil {
			return
		}
		again, paired, err := decodeExecution("w2:" + encodeRuns(nums))
		if err != nil || paired || !slices.Equal(again, nums) {
			t.Fatalf("%q: %x encodes to %q, which decodes to %x (%v)", tok, nums, encodeRuns(nums), again, err)
		}
	})
}
