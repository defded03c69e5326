package memmodel

import "testing"

// AArch64 shapes with herd7 7.58's answers under aarch64.cat (the tests
// of the same names under herd-weak/tests/aarch64, where there is one).
func TestARMv8Shapes(t *testing.T) {
	mp := func(name string, p0, p1 []string, allowed bool) shape {
		return shape{name: name, threads: [][]string{p0, p1}, want: armOnly(allowed)}
	}
	wxy := []string{"W x 1", "W y 1"}
	dmbsy := []string{"W x 1", "F.DMB", "W y 1"}
	dmbst := []string{"W x 1", "F.DMBST", "W y 1"}
	popl := []string{"W x 1", "W.L y 1"}
	co21 := map[string][]uint64{"x": {2, 1}, "y": {2, 1}}
	coy12 := map[string][]uint64{"y": {1, 2}}
	cox12 := map[string][]uint64{"x": {1, 2}}
	checkShapes(t, []shape{
		// MP
		mp("MP+dmb.sys", dmbsy, []string{"R y 1", "F.DMB", "R x 0"}, false),
		mp("MP+dmb.sy+po", dmbsy, []string{"R y 1", "R x 0"}, true),
		mp("MP+po+dmb.sy", wxy, []string{"R y 1", "F.DMB", "R x 0"}, true),
		mp("MP+dmb.st+addr", dmbst, []string{"R y 1", "R x 0 addr:0"}, false),
		mp("MP+po+addr", wxy, []string{"R y 1", "R x 0 addr:0"}, true),
		mp("MP+dmb.st+dmb.ld", dmbst, []string{"R y 1", "F.DMBLD", "R x 0"}, false),
		mp("MP+po+dmb.ld", wxy, []string{"R y 1", "F.DMBLD", "R x 0"}, true),
		mp("MP+dmb.st+ctrlisb", dmbst, []string{"R y 1", "F.ISB ctrl:0", "R x 0"}, false),
		mp("MP+dmb.st+ctrl", dmbst, []string{"R y 1", "R x 0 ctrl:0"}, true),
		mp("MP+po+ctrlisb", wxy, []string{"R y 1", "F.ISB ctrl:0", "R x 0"}, true),
		mp("MP+dmb.st+addr-isb", dmbst, []string{"R y 1", "R z 0 addr:0", "F.ISB", "R x 0"}, false),
		mp("MP+dmb.st+dsb-isb", dmbst, []string{"R y 1", "F.DSB", "F.ISB", "R x 0"}, false),
		mp("MP+dmb.st+dsb.st-isb", dmbst, []string{"R y 1", "F.DSBST", "F.ISB", "R x 0"}, true),
		mp("MP+dmb.st+isb", dmbst, []string{"R y 1", "F.ISB", "R x 0"}, true),
		mp("MP+popl+poap", popl, []string{"R.A y 1", "R x 0"}, false),
		mp("MP+popl+po", popl, []string{"R y 1", "R x 0"}, true),
		mp("MP+po+poap", wxy, []string{"R.A y 1", "R x 0"}, true),
		mp("MP+dmb.st+poap", dmbst, []string{"R.A y 1", "R x 0"}, false),
		mp("MP+rel+acqpc", popl, []string{"R.Q y 1", "R x 0"}, false),
		mp("MP+popl+dmb.ld", popl, []string{"R y 1", "F.DMBLD", "R x 0"}, false),
		mp("MP+popl+addr", popl, []string{"R y 1", "R x 0 addr:0"}, false),
		// amo reads: acquire, NoRet (LD<op>/SWP to XZR), dmb.ld
		mp("MP+rel+SWPacq", popl, []string{"R.A y 1", "W y 2 rmw", "R x 0"}, false),
		mp("MP+rel+SWPacq-noret", popl, []string{"R.A.noret y 1", "W y 2 rmw", "R x 0"}, true),
		mp("MP+rel+SWP-dmb.ld", popl, []string{"R y 1", "W y 2 rmw", "F.DMBLD", "R x 0"}, false),
		mp("MP+rel+LDADDnoret-dmb.ld", popl, []string{"R.noret y 1", "W y 2 rmw", "F.DMBLD", "R x 0"}, true),
		// aob: rmw; lrs; [A|Q]
		mp("MP+rel+swp-acq", popl, []string{"R y 1", "W y 2 rmw", "R.A y 2", "R x 0"}, false),
		mp("MP+rel+swp-acqpc", popl, []string{"R y 1", "W y 2 rmw", "R.Q y 2", "R x 0"}, false),
		mp("MP+rel+swp-po", popl, []string{"R y 1", "W y 2 rmw", "R y 2", "R x 0"}, true),
		// dependencies through memory (lrs in dtrm, and dob's data;lrs)
		mp("MP+dmb.st+data-rfi-addr", dmbst, []string{"R y 1", "W z 1 data:0", "R z 1", "R x 0 addr:2"}, false),
		mp("MP+dmb.st+po-rfi-addr", dmbst, []string{"R y 1", "W z 1", "R z 1", "R x 0 addr:2"}, true),

		// SB
		{name: "SB+dmb.sys", threads: [][]string{{"W x 1", "F.DMB", "R y 0"}, {"W y 1", "F.DMB", "R x 0"}}, want: armOnly(false)},
		{name: "SB+dmb.sy+po", threads: [][]string{{"W x 1", "F.DMB", "R y 0"}, {"W y 1", "R x 0"}}, want: armOnly(true)},
		{name: "SB+dsb.sys", threads: [][]string{{"W x 1", "F.DSB", "R y 0"}, {"W y 1", "F.DSB", "R x 0"}}, want: armOnly(false)},
		{name: "SB+dmb.sy+rel-acq", threads: [][]string{{"W x 1", "F.DMB", "R y 0"}, {"W.L y 1", "R.A x 0"}}, want: armOnly(false)},
		{name: "SB+dmb.sy+rel-acqpc", threads: [][]string{{"W x 1", "F.DMB", "R y 0"}, {"W.L y 1", "R.Q x 0"}}, want: armOnly(true)},
		{name: "SB+dmb.st+dmb.ld", threads: [][]string{{"W x 1", "F.DMBST", "R y 0"}, {"W y 1", "F.DMBLD", "R x 0"}}, want: armOnly(true)},
		{name: "SB+SWPALs", threads: [][]string{{"R.A x 0", "W.L x 1 rmw", "R y 0"}, {"R.A y 0", "W.L y 1 rmw", "R x 0"}}, want: armOnly(false)},
		{name: "SB+SWPAs", threads: [][]string{{"R.A x 0", "W x 1 rmw", "R y 0"}, {"R.A y 0", "W y 1 rmw", "R x 0"}}, want: armOnly(true)},

		// LB
		{name: "LB+datas", threads: [][]string{{"R x 1", "W y 1 data:0"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},
		{name: "LB+ctrls", threads: [][]string{{"R x 1", "W y 1 ctrl:0"}, {"R y 1", "W x 1 ctrl:0"}}, want: armOnly(false)},
		{name: "LB+data+po", threads: [][]string{{"R x 1", "W y 1 data:0"}, {"R y 1", "W x 1"}}, want: armOnly(true)},
		{name: "LB+addrR-pos", threads: [][]string{{"R x 1", "R z 0 addr:0", "W y 1"}, {"R y 1", "R w 0 addr:0", "W x 1"}}, want: armOnly(false)},
		{name: "LB+dataW-pos", threads: [][]string{{"R x 1", "W z 1 data:0", "W y 1"}, {"R y 1", "W w 1 data:0", "W x 1"}}, want: armOnly(true)},
		{name: "LB+po+ctrlisbR-po", threads: [][]string{{"R x 1", "W y 1"}, {"R y 1", "F.ISB ctrl:0", "R z 0", "W x 1"}}, want: armOnly(true)},
		{name: "LB+dmb.sys", threads: [][]string{{"R x 1", "F.DMB", "W y 1"}, {"R y 1", "F.DMB", "W x 1"}}, want: armOnly(false)},
		{name: "LB+rel+data", threads: [][]string{{"R x 1", "W.L y 1"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},
		{name: "LB+poap-datas", threads: [][]string{{"R.A x 1", "W y 1"}, {"R.A y 1", "W x 1"}}, want: armOnly(false)},
		// ctrl through memory: R -data-> W z; R z (lrs) -ctrl-> W
		{name: "LB+data-rfi-ctrls", threads: [][]string{{"R x 1", "W z 1 data:0", "R z 1", "W y 1 ctrl:2"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},

		// 2+2W
		{name: "2+2W+dmb.sts", threads: [][]string{{"W x 1", "F.DMBST", "W y 2"}, {"W y 1", "F.DMBST", "W x 2"}}, co: co21, want: armOnly(false)},
		{name: "2+2W+dmb.st+po", threads: [][]string{{"W x 1", "F.DMBST", "W y 2"}, {"W y 1", "W x 2"}}, co: co21, want: armOnly(true)},
		{name: "2+2W+popls", threads: [][]string{{"W x 1", "W.L y 2"}, {"W y 1", "W.L x 2"}}, co: co21, want: armOnly(false)},
		{name: "2+2W+po+popl", threads: [][]string{{"W x 1", "W y 2"}, {"W y 1", "W.L x 2"}}, co: co21, want: armOnly(true)},

		// WRC
		{name: "WRC+data+addr", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1 data:0"}, {"R y 1", "R x 0 addr:0"}}, want: armOnly(false)},
		{name: "WRC+po+addr", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1"}, {"R y 1", "R x 0 addr:0"}}, want: armOnly(true)},
		{name: "WRC+ctrl+dmb.ld", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1 ctrl:0"}, {"R y 1", "F.DMBLD", "R x 0"}}, want: armOnly(false)},
		{name: "WRC+ctrl+po", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1 ctrl:0"}, {"R y 1", "R x 0"}}, want: armOnly(true)},
		{name: "WRC+data+poap", threads: [][]string{{"W x 1"}, {"R x 1", "W y 1 data:0"}, {"R.A y 1", "R x 0"}}, want: armOnly(false)},

		// IRIW: other-multi-copy atomic
		{name: "IRIW+addrs", threads: [][]string{{"W x 1"}, {"R x 1", "R y 0 addr:0"}, {"W y 1"}, {"R y 1", "R x 0 addr:0"}}, want: armOnly(false)},
		{name: "IRIW+poaps", threads: [][]string{{"W x 1"}, {"R.A x 1", "R y 0"}, {"W y 1"}, {"R.A y 1", "R x 0"}}, want: armOnly(false)},
		{name: "IRIW+addr+po", threads: [][]string{{"W x 1"}, {"R x 1", "R y 0 addr:0"}, {"W y 1"}, {"R y 1", "R x 0"}}, want: armOnly(true)},

		// ISA2
		{name: "ISA2+dmb.st+addr+addr", threads: [][]string{{"W x 1", "F.DMBST", "W y 1"}, {"R y 1", "W z 1 addr:0"}, {"R z 1", "R x 0 addr:0"}}, want: armOnly(false)},
		{name: "ISA2+popl+poaps", threads: [][]string{{"W x 1", "W.L y 1"}, {"R.A y 1", "W.L z 1"}, {"R.A z 1", "R x 0"}}, want: armOnly(false)},
		{name: "ISA2+dmb.st+po+addr", threads: [][]string{{"W x 1", "F.DMBST", "W y 1"}, {"R y 1", "W z 1"}, {"R z 1", "R x 0 addr:0"}}, want: armOnly(true)},

		// R
		{name: "R+dmb.sys", threads: [][]string{{"W x 1", "F.DMB", "W y 1"}, {"W y 2", "F.DMB", "R x 0"}}, co: coy12, want: armOnly(false)},
		{name: "R+dmb.st+dmb.sy", threads: [][]string{{"W x 1", "F.DMBST", "W y 1"}, {"W y 2", "F.DMB", "R x 0"}}, co: coy12, want: armOnly(false)},
		{name: "R+dmb.sy+po", threads: [][]string{{"W x 1", "F.DMB", "W y 1"}, {"W y 2", "R x 0"}}, co: coy12, want: armOnly(true)},
		{name: "R+popl+dmb.sy", threads: [][]string{{"W x 1", "W.L y 1"}, {"W y 2", "F.DMB", "R x 0"}}, co: coy12, want: armOnly(false)},

		// S
		{name: "S+dmb.st+data", threads: [][]string{{"W x 2", "F.DMBST", "W y 1"}, {"R y 1", "W x 1 data:0"}}, co: cox12, want: armOnly(false)},
		{name: "S+dmb.st+po", threads: [][]string{{"W x 2", "F.DMBST", "W y 1"}, {"R y 1", "W x 1"}}, co: cox12, want: armOnly(true)},
		{name: "S+popl+ctrl", threads: [][]string{{"W x 2", "W.L y 1"}, {"R y 1", "W x 1 ctrl:0"}}, co: cox12, want: armOnly(false)},
		{name: "S+po+data", threads: [][]string{{"W x 2", "W y 1"}, {"R y 1", "W x 1 data:0"}}, co: cox12, want: armOnly(true)},
	})
}

// Kernel primitives as arm64 Linux implements them.
func TestARMv8Kernel(t *testing.T) {
	checkShapes(t, []shape{
		{name: "MP+wmb+rmb", threads: [][]string{{"W.once x 1", "F.wmb", "W.once y 1"}, {"R.once y 1", "F.rmb", "R.once x 0"}}, want: armOnly(false)},
		{name: "MP+wmb+po", threads: [][]string{{"W.once x 1", "F.wmb", "W.once y 1"}, {"R.once y 1", "R.once x 0"}}, want: armOnly(true)},
		{name: "MP+release+acquire", threads: [][]string{{"W.once x 1", "W.rel y 1"}, {"R.acq y 1", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+mbs", threads: [][]string{{"W.once x 1", "F.mb", "R.once y 0"}, {"W.once y 1", "F.mb", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+xchgs", threads: [][]string{{"R.mb x 0", "W.mb x 1 rmw", "R.once y 0"}, {"R.mb y 0", "W.mb y 1 rmw", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+xchg_relaxeds", threads: [][]string{{"R.once x 0", "W.once x 1 rmw", "R.once y 0"}, {"R.once y 0", "W.once y 1 rmw", "R.once x 0"}}, want: armOnly(true)},
		{name: "SB+atomic_inc-mb__after_atomics", threads: [][]string{{"R.once.noret x 0", "W.once.noret x 1 rmw", "F.aa", "R.once y 0"}, {"R.once.noret y 0", "W.once.noret y 1 rmw", "F.aa", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+synchronize_rcus", threads: [][]string{{"W.once x 1", "F.syncrcu", "R.once y 0"}, {"W.once y 1", "F.syncrcu", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+rcu-read-locks", threads: [][]string{{"F.rcul", "W.once x 1", "R.once y 0", "F.rcuu"}, {"F.rcul", "W.once y 1", "R.once x 0", "F.rcuu"}}, want: armOnly(true)},
		{name: "SB+barriers", threads: [][]string{{"W.once x 1", "F.barrier", "R.once y 0"}, {"W.once y 1", "F.barrier", "R.once x 0"}}, want: armOnly(true)},
		// spin_lock (CASA) / spin_unlock (STLR): a critical section is
		// ordered, and unlock+lock is RCsc ([L];po;[A])
		{name: "MP+unlock-lock", threads: [][]string{{"W.once x 1", "W.ul l 1"}, {"R.lkr l 1", "W.lkw l 2 rmw", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+unlock-locks", threads: [][]string{{"W.once x 1", "W.ul l 1", "R.lkr m 0", "W.lkw m 1 rmw", "R.once y 0"}, {"W.once y 1", "W.ul n 1", "R.lkr k 0", "W.lkw k 1 rmw", "R.once x 0"}}, want: armOnly(false)},
		{name: "SB+srcu", threads: [][]string{{"W.once x 1", "R.srcul s 0", "R.once y 0"}, {"W.once y 1", "W.srcuu s 1", "R.once x 0"}}, want: armOnly(false)},
	})
}

// Pick dependencies (through a CSEL's condition or a CAS's comparison),
// given as [thread, from, to] by index within the thread; a ctrl pick
// reaches every event from to on.
type pickShape struct {
	shape
	addr, data, ctrl [][3]int
}

func TestARMv8Picks(t *testing.T) {
	dmbst := []string{"W x 1", "F.DMBST", "W y 1"}
	popl := []string{"W x 1", "W.L y 1"}
	for _, s := range []pickShape{
		// TLDAR: a CSEL picks the value stored, and the LDAR reads it back:
		// pick-data-dep is pob, but no pick version of data;lrs is
		{shape: shape{name: "TLDAR", threads: [][]string{popl, {"R y 1", "W z 1", "R.A z 1", "R x 0"}}, want: armOnly(true)},
			data: [][3]int{{1, 0, 1}}},
		// the same with a real data dependency
		{shape: shape{name: "TLDAR-data", threads: [][]string{popl, {"R y 1", "W z 1 data:0", "R.A z 1", "R x 0"}}, want: armOnly(false)}},
		// MP+rel+CSEL-addr: a pick address dependency to a read orders nothing
		{shape: shape{name: "MP+rel+pickaddr", threads: [][]string{popl, {"R y 1", "R x 0"}}, want: armOnly(true)},
			addr: [][3]int{{1, 0, 1}}},
		// ... but to a write it does (pob)
		{shape: shape{name: "LB+pickaddr+data", threads: [][]string{{"R x 1", "W y 1"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},
			addr: [][3]int{{0, 0, 1}}},
		{shape: shape{name: "LB+pickaddr-po+data", threads: [][]string{{"R x 1", "R z 0", "W y 1"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},
			addr: [][3]int{{0, 0, 1}}},
		// a pick control dependency and an ISB (IFB-ob)
		{shape: shape{name: "MP+dmb.st+pickctrl-isb", threads: [][]string{dmbst, {"R y 1", "F.ISB", "R x 0"}}, want: armOnly(false)},
			ctrl: [][3]int{{1, 0, 1}}},
		{shape: shape{name: "MP+dmb.st+pickctrl", threads: [][]string{dmbst, {"R y 1", "R x 0"}}, want: armOnly(true)},
			ctrl: [][3]int{{1, 0, 1}}},
		// LB+CAS-rfi-ctrl+DMBSY: the CAS's comparison gates its write, read
		// back and branched on: pick-ctrl-dep from the CAS's read (herd: Never)
		{shape: shape{name: "LB+CAS-rfi-ctrl+DMBSY", threads: [][]string{{"R x 1", "W x 2 rmw", "R x 2", "W y 1 ctrl:2"}, {"R y 1", "F.DMB", "W x 1"}},
			co: map[string][]uint64{"x": {1, 2}}, want: armOnly(false)},
			data: [][3]int{{0, 0, 1}}},
		{shape: shape{name: "LB+CAS-rfi-ctrl+DMBSY-nopick", threads: [][]string{{"R x 1", "W x 2 rmw", "R x 2", "W y 1 ctrl:2"}, {"R y 1", "F.DMB", "W x 1"}},
			co: map[string][]uint64{"x": {1, 2}}, want: armOnly(true)}},
		// pick-lob: a pick dependency through memory (pick-basic-dep: pick
		// data, then lrs) into a read that lob orders before a write
		{shape: shape{name: "LB+pickdata-rfi-acq", threads: [][]string{{"R x 1", "W z 1", "R.A z 1", "W y 1"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(false)},
			data: [][3]int{{0, 0, 1}}},
		{shape: shape{name: "LB+po-rfi-acq", threads: [][]string{{"R x 1", "W z 1", "R.A z 1", "W y 1"}, {"R y 1", "W x 1 data:0"}}, want: armOnly(true)}},
		// LB+rel+CAS-ok-RsRs-addr: CAS Rs (Rs from R y) succeeds, then Rs
		// makes an address. herd's two executions of the CAS
		// (aarch64_cas_ok DataFromRx, DataFromRRs): Rs from the read (an
		// addr from R z only: allowed), Rs from the expected value (an
		// addr from R y: forbidden, R z's is a pick); herd: allowed
		{shape: shape{name: "LB+rel+CAS-ok-RsRs-addr-Rx", threads: [][]string{{"R x 1", "W.L y 1"}, {"R y 1", "R z 0", "W z 2 rmw", "W x 1 addr:1"}}, want: armOnly(true)},
			data: [][3]int{{1, 0, 2}}},
		{shape: shape{name: "LB+rel+CAS-ok-RsRs-addr-RRs", threads: [][]string{{"R x 1", "W.L y 1"}, {"R y 1", "R z 0", "W z 2 rmw", "W x 1 addr:0"}}, want: armOnly(false)},
			addr: [][3]int{{1, 1, 3}}, data: [][3]int{{1, 0, 2}}},
		// a pick address dependency from both to the write orders it
		{shape: shape{name: "LB+rel+CAS-ok-pickaddr", threads: [][]string{{"R x 1", "W.L y 1"}, {"R y 1", "R z 0", "W z 2 rmw", "W x 1"}}, want: armOnly(false)},
			addr: [][3]int{{1, 0, 3}, {1, 1, 3}}, data: [][3]int{{1, 0, 2}}},
		// CASA and CAS to XZR: a NoRet read is not A, and dmb.ld does not
		// order it (herd: MP+rel+CASacq-noret-ok, MP+rel+CASnoret-ok-dmb.ld)
		{shape: shape{name: "MP+rel+CASacq-noret-ok", threads: [][]string{popl, {"R.A.noret y 1", "W y 2 rmw", "R x 0"}}, want: armOnly(true)},
			data: [][3]int{{1, 0, 1}}},
		{shape: shape{name: "MP+rel+CASacq-ok", threads: [][]string{popl, {"R.A y 1", "W y 2 rmw", "R x 0"}}, want: armOnly(false)},
			data: [][3]int{{1, 0, 1}}},
		{shape: shape{name: "MP+rel+CASnoret-ok-dmb.ld", threads: [][]string{popl, {"R.noret y 1", "W y 2 rmw", "F.DMBLD", "R x 0"}}, want: armOnly(true)},
			data: [][3]int{{1, 0, 1}}},
	} {
		g := s.build(t)
		start := map[int]int{}
		for i := len(g.Events) - 1; i >= 0; i-- {
			start[g.Events[i].Thread] = i
		}
		conv := func(ds [][3]int, ctrl bool) []Dep {
			var out []Dep
			for _, d := range ds {
				th := d[0]
				end := len(g.Events)
				if th+1 < len(s.threads) {
					end = start[th+1]
				}
				for to := start[th] + d[2]; to < end; to++ {
					out = append(out, Dep{int32(start[th] + d[1]), int32(to)})
					if !ctrl {
						break
					}
				}
			}
			return out
		}
		a := newArm(g, picks{Addr: conv(s.addr, false), Data: conv(s.data, false), Ctrl: conv(s.ctrl, true)})
		got := a.internal() && a.atomic() && a.external()
		if got != s.want["armv8"] {
			t.Errorf("%s: allowed=%v, herd says %v", s.name, got, s.want["armv8"])
		}
	}
}
