package memmodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// shape is a litmus test's witness execution, built by hand: each thread
// is a list of events in program order, written
//
//	KIND[.TAG...] [LOC VAL] [MOD...]
//
// KIND is R, W or F; TAGs are named in shapeTags; a read of VAL reads from
// the write of VAL to LOC (0: the initial write), so values must be unique
// per location. MODs: addr:K, data:K (a dependency from the thread's K-th
// event), ctrl:K (a control dependency from K to this event and every later
// one), rmw (this write and the thread's previous event are an Rmw pair),
// rmw:K (this write and the thread's K-th event are), si:K (this event
// and the thread's K-th event are one instruction: Graph.Si), sib:K (the
// same, unordered by program order: Graph.Sib).
// co lists, per location, the written values in coherence order after the
// initial write (default: increasing values).
type shape struct {
	name    string
	threads [][]string
	co      map[string][]uint64
	want    map[string]bool // model name -> herd's answer (allowed?)
}

var shapeTags = map[string]Tag{
	"A": Acquire, "L": Release, "Q": AcqPC, "X": Excl,
	"DMB": DMB, "DMBLD": DMBLD, "DMBST": DMBST,
	"DSB": DSB, "DSBLD": DSBLD, "DSBST": DSBST, "ISB": ISB,
	"MF": MFence, "LK": Locked,
	"once": Once, "acq": Acquire, "rel": Release, "mb": Mb, "rmb": Rmb,
	"wmb": Wmb, "ba": BeforeAtomic, "aa": AfterAtomic, "as": AfterSpinlock,
	"noret": Noreturn, "lkr": LockR, "lkw": LockW, "ul": Unlock,
	"syncrcu": SyncRcu, "rcul": RcuLock, "rcuu": RcuUnlock, "barrier": Barrier,
	"srcul": SrcuLock, "srcuu": SrcuUnlock,
}

// build turns a shape into a Graph, or fails the test.
func (s shape) build(t testing.TB) *Graph {
	t.Helper()
	g, err := s.graph()
	if err != nil {
		t.Fatalf("%s: %v", s.name, err)
	}
	return g
}

func (s shape) graph() (*Graph, error) {
	type pev struct {
		ev   Event
		loc  string
		mods []string
	}
	var th [][]pev
	locs := map[string]bool{}
	for ti, evs := range s.threads {
		var ps []pev
		for _, str := range evs {
			f := strings.Fields(str)
			kt := strings.Split(f[0], ".")
			p := pev{ev: Event{Thread: ti}}
			switch kt[0] {
			case "R":
				p.ev.Kind = Read
			case "W":
				p.ev.Kind = Write
			case "F":
				p.ev.Kind = Fence
			default:
				return nil, fmt.Errorf("bad event %q", str)
			}
			for _, tn := range kt[1:] {
				tg, ok := shapeTags[tn]
				if !ok {
					return nil, fmt.Errorf("bad tag in %q", str)
				}
				p.ev.Tags |= tg
			}
			rest := f[1:]
			if p.ev.Kind != Fence {
				if len(rest) < 2 {
					return nil, fmt.Errorf("bad access %q", str)
				}
				v, err := strconv.ParseUint(rest[1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("bad value in %q", str)
				}
				p.loc, p.ev.Val = rest[0], v
				locs[p.loc] = true
				rest = rest[2:]
			}
			p.mods = rest
			ps = append(ps, p)
		}
		th = append(th, ps)
	}
	var locNames []string
	for l := range locs {
		locNames = append(locNames, l)
	}
	sort.Strings(locNames)
	locID := map[string]uint64{}
	g := &Graph{}
	for i, l := range locNames {
		locID[l] = uint64(0x1000 + 8*i)
		g.Events = append(g.Events, Event{Thread: -1, Kind: Write, Loc: locID[l]})
	}
	start := make([]int, len(th))
	for ti, ps := range th {
		start[ti] = len(g.Events)
		for _, p := range ps {
			e := p.ev
			if p.loc != "" {
				e.Loc = locID[p.loc]
			}
			g.Events = append(g.Events, e)
		}
	}
	n := len(g.Events)
	g.Rf, g.CoRank = make([]int, n), make([]int, n)
	// writes by location and value
	wr := map[uint64]map[uint64]int{}
	for i, e := range g.Events {
		g.Rf[i], g.CoRank[i] = -1, -1
		if e.Kind == Write {
			if wr[e.Loc] == nil {
				wr[e.Loc] = map[uint64]int{}
			}
			if _, dup := wr[e.Loc][e.Val]; dup {
				return nil, fmt.Errorf("two writes of %d to one location", e.Val)
			}
			wr[e.Loc][e.Val] = i
		}
	}
	for l, id := range locID {
		order := s.co[l]
		if order == nil {
			for v := range wr[id] {
				if v != 0 {
					order = append(order, v)
				}
			}
			sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		}
		g.CoRank[wr[id][0]] = 0
		for k, v := range order {
			w, ok := wr[id][v]
			if !ok {
				return nil, fmt.Errorf("co of %s names %d, never written", l, v)
			}
			g.CoRank[w] = k + 1
		}
		if len(order)+1 != len(wr[id]) {
			return nil, fmt.Errorf("co of %s misses writes", l)
		}
	}
	for ti, ps := range th {
		for k, p := range ps {
			i := start[ti] + k
			e := g.Events[i]
			if e.Kind == Read {
				w, ok := wr[e.Loc][e.Val]
				if !ok {
					return nil, fmt.Errorf("%s reads %d, never written", s.threads[ti][k], e.Val)
				}
				g.Rf[i] = w
			}
			for _, m := range p.mods {
				if m == "rmw" { // with the previous event
					g.Rmw = append(g.Rmw, Dep{int32(i - 1), int32(i)})
					continue
				}
				kind, num, ok := strings.Cut(m, ":")
				from, err := strconv.Atoi(num)
				if !ok || err != nil || from >= k {
					return nil, fmt.Errorf("bad modifier %q", m)
				}
				d := Dep{int32(start[ti] + from), int32(i)}
				switch kind {
				case "addr":
					g.Addr = append(g.Addr, d)
				case "data":
					g.Data = append(g.Data, d)
				case "rmw":
					g.Rmw = append(g.Rmw, d)
				case "si":
					g.Si = append(g.Si, d)
				case "sib":
					g.Sib = append(g.Sib, d)
				case "ctrl":
					for j := i; j < start[ti]+len(ps); j++ {
						g.Ctrl = append(g.Ctrl, Dep{d.From, int32(j)})
					}
				default:
					return nil, fmt.Errorf("bad modifier %q", m)
				}
			}
		}
	}
	return g, nil
}

// checkShapes checks every shape under every model its want names.
func checkShapes(t *testing.T, shapes []shape) {
	t.Helper()
	for _, s := range shapes {
		g := s.build(t)
		for model, want := range s.want {
			m, ok := Lookup(model)
			if !ok {
				t.Fatalf("no model %q", model)
			}
			got, _ := m.Check(g)
			if got != want {
				t.Errorf("%s under %s: allowed=%v, herd says %v", s.name, model, got, want)
			}
		}
	}
}

// under gives herd's answers under sc, tso and armv8.
func under(sc, tso, armv8 bool) map[string]bool {
	return map[string]bool{"sc": sc, "tso": tso, "armv8": armv8}
}

// armOnly and tsoOnly give herd's answer under one model.
func armOnly(allowed bool) map[string]bool { return map[string]bool{"armv8": allowed} }
func tsoOnly(allowed bool) map[string]bool { return map[string]bool{"tso": allowed} }
