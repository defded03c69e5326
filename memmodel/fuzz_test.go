package memmodel

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// programFrom builds a small program from fuzz bytes: two or three threads
// of up to four events each over two locations (four writes each at most), with the annotations,
// RMW pairs and dependencies the VM produces.
func programFrom(data []byte) *Program {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	tags := []Tag{Once, Acquire, Release, Mb, Rmb, Wmb, AcqPC, DMB, DMBLD, DMBST, ISB, MFence, Locked, Plain, RcuLock, RcuUnlock, SyncRcu}
	p := &Program{Init: map[uint64]uint64{}}
	writes := map[uint64]int{} // at most four a location: the exhaustive enumeration is factorial in them
	nthreads := 2 + int(next()%2)
	for t := 0; t < nthreads; t++ {
		tr := &Trace{}
		n := 1 + int(next()%4)
		for i := 0; i < n; i++ {
			b := next()
			ev := Event{Loc: uint64(b>>6&1) * 8, Val: uint64(b>>4) & 3, Tags: tags[int(next())%len(tags)]}
			switch b % 4 {
			case 0, 1:
				ev.Kind = Read
			case 2:
				ev.Kind = Write
			default:
				ev.Kind, ev.Loc, ev.Val = Fence, 0, 0
			}
			if ev.Kind == Write && ev.Val == 0 {
				ev.Val = 1
			}
			if ev.Kind == Write {
				if writes[ev.Loc]++; writes[ev.Loc] > 4 {
					ev.Kind = Read
				}
			}
			tr.Events = append(tr.Events, ev)
			last := len(tr.Events) - 1
			if d := next(); last > 0 && tr.Events[last-1].Kind == Read {
				prev := Dep{From: int32(last - 1), To: int32(last)}
				switch d % 5 {
				case 0:
					tr.Addr = append(tr.Addr, prev)
				case 1:
					if ev.Kind == Write {
						tr.Data = append(tr.Data, prev)
					}
				case 2:
					tr.Ctrl = append(tr.Ctrl, prev)
				case 3: // an RMW: a read then a write of the same location
					if ev.Kind == Write && tr.Events[last-1].Loc == ev.Loc {
						tr.Rmw = append(tr.Rmw, prev)
					}
				}
			}
		}
		p.Threads = append(p.Threads, []*Trace{tr})
	}
	return p
}

// outcomes lists the consistent graphs an enumeration visits, as text.
func outcomes(p *Program, m Model, all bool) []string {
	var out []string
	visit := func(g *Graph, _ []int, _ []string) bool {
		out = append(out, fmt.Sprint(g.Rf, g.CoRank))
		return false
	}
	if all {
		EnumerateAll(p, m, visit)
	} else {
		Enumerate(p, m, visit)
	}
	sort.Strings(out)
	return out
}

// FuzzEnumerate holds the pruned enumeration to the exhaustive one on
// random programs under every model: the same consistent executions, and
// no panic.
func FuzzEnumerate(f *testing.F) {
	for _, seed := range []string{"\x00", "\x01\x03\x02\x10\x05\x01\x22\x00\x03", "\x02\x04\x12\x01\x00\x52\x02\x01\x41\x03\x02\x03\x10\x00\x00\x62\x01\x03"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := programFrom(data)
		for _, name := range Names() {
			m, _ := Lookup(name)
			want, got := outcomes(p, m, true), outcomes(p, m, false)
			if strings.Join(want, "\n") != strings.Join(got, "\n") {
				t.Fatalf("%s: pruned enumeration gives %d executions, exhaustive %d", name, len(got), len(want))
			}
		}
	})
}
