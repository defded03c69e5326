package mmu

import (
	"fmt"

	"github.com/mmuvm/mmuvm/memmodel"
)

// Locks. A spinlock word holds its owner (thread+1). An rwsem word holds a
// reader count, or writerBit|owner for a writer.

const writerBit = 1 << 63

func (m *Machine) lockArg(fn string, h uint64, rw bool) (int, bool) {
	if h&handleMask == lockHandle && int(h&0xffff) < len(m.locks) && m.locks[h&0xffff].rw == rw {
		return int(h & 0xffff), true
	}
	kind := map[bool]string{false: "spinlock", true: "rwsem"}[rw]
	m.Fail("error", "%s: %#x is not a %s", fn, h, kind)
	return 0, false
}

// owner is what a lock word holds for the calling thread. init runs as
// thread -1, which would make it 0, "free": init took a lock and left it
// free, so a second spin_lock() in init did not block and a CPU took the
// lock init held. It owns as initThread, the number messages name.
func (c *Call) owner() uint64 {
	if c.Thread < 0 {
		return initThread + 1
	}
	return uint64(c.Thread) + 1
}

func bSpinLock(c *Call) (uint64, Status) {
	id, ok := c.M.lockArg("spin_lock", c.Args[0], false)
	if !ok {
		return 0, Done
	}
	if !c.takeLock(id) {
		return 0, Block
	}
	c.countUp(cpuSpin)
	return 0, Done
}

func bSpinTrylock(c *Call) (uint64, Status) {
	id, ok := c.M.lockArg("spin_trylock", c.Args[0], false)
	if !ok {
		return 0, Done
	}
	if !c.takeLock(id) {
		if c.M.Weak() {
			c.M.S.mem.Retag(memmodel.LockFail, 1)
		}
		return 0, Done
	}
	c.countUp(cpuSpin)
	return 1, Done
}

// takeLock takes spinlock id if it is free: under a weak model a read
// (LKR) and a write (LKW) of the lock word, which pair as an RMW.
func (c *Call) takeLock(id int) bool { return c.takeLockAt(lockLoc(id)) }

// takeLockAt takes the spinlock whose word is at l (a script's lock, a
// page-table page's PTL) if it is free.
func (c *Call) takeLockAt(l Loc) bool {
	var held uint64
	c.M.tagged(memmodel.LockR, func() { held = c.M.S.Get(l) })
	if held != 0 {
		return false
	}
	c.M.tagged(memmodel.LockW, func() { c.M.S.Set(l, c.owner()) })
	return true
}

// releaseLockAt frees the spinlock whose word is at l: under a weak model
// a release write (UL).
func (m *Machine) releaseLockAt(l Loc) {
	m.tagged(memmodel.Unlock, func() { m.S.Set(l, 0) })
}

func bSpinIsLocked(c *Call) (uint64, Status) {
	id, ok := c.M.lockArg("spin_is_locked", c.Args[0], false)
	if !ok {
		return 0, Done
	}
	var held uint64
	c.M.tagged(memmodel.IsLocked, func() { held = c.M.S.Get(lockLoc(id)) })
	return b2u(held != 0), Done
}

func bSpinUnlock(c *Call) (uint64, Status) {
	m := c.M
	id, ok := m.lockArg("spin_unlock", c.Args[0], false)
	if !ok {
		return 0, Done
	}
	var holder uint64
	m.Ghost(func() { holder = m.S.Get(lockLoc(id)) })
	if holder != c.owner() {
		m.Fail("lock", "%s: spin_unlock(%s) of a lock it does not hold", m.threadName(m.Thread), m.locks[id].name)
		return 0, Done
	}
	m.releaseLockAt(lockLoc(id))
	c.countDown(cpuSpin, "spin_unlock")
	return 0, Done
}

// rwsem operations, shared by down_*/up_* and the mmap_* forms.
func (c *Call) rwsem(fn string, id int, write, try bool) (uint64, Status) {
	m := c.M
	if !try && !c.mightSleep(fn) {
		return 0, Done
	}
	v := m.S.Get(lockLoc(id))
	busy := v&writerBit != 0 || (write && v != 0)
	switch {
	case busy && try:
		return 0, Done
	case busy:
		return 0, Block
	case write:
		m.S.Set(lockLoc(id), writerBit|c.owner())
	default:
		m.S.Set(lockLoc(id), v+1)
	}
	return 1, Done
}

func (c *Call) rwsemUp(fn string, id int, write bool) (uint64, Status) {
	m := c.M
	v := m.S.Get(lockLoc(id))
	switch {
	case write && v == writerBit|c.owner():
		m.S.Set(lockLoc(id), 0)
	case !write && v != 0 && v&writerBit == 0:
		m.S.Set(lockLoc(id), v-1)
	default:
		m.Fail("lock", "%s: %s(%s) of a lock it does not hold", m.threadName(m.Thread), fn, m.locks[id].name)
	}
	return 0, Done
}

type rwOp struct {
	name       string
	mm         bool // takes an mm (mmap_lock) rather than an rwsem
	write, try bool
	up         bool
}

func (op rwOp) fn(c *Call) (uint64, Status) {
	var id int
	var ok bool
	if op.mm {
		var mm int
		if mm, ok = c.M.mmArg(op.name, c.Args[0]); ok {
			id = c.M.mms[mm].lock
		}
	} else {
		id, ok = c.M.lockArg(op.name, c.Args[0], true)
	}
	if !ok {
		return 0, Done
	}
	// under a weak model an rwsem word is memory: taking it is an
	// acquire RMW, releasing it a release RMW (kernel/locking/rwsem.c:
	// atomic_long_try_cmpxchg_acquire(), atomic_long_add_return_release())
	var v uint64
	var st Status
	if op.up {
		c.M.tagged(memmodel.Release, func() { v, st = c.rwsemUp(op.name, id, op.write) })
	} else {
		c.M.tagged(memmodel.Acquire, func() { v, st = c.rwsem(op.name, id, op.write, op.try) })
	}
	return v, st
}

// LocksHeld lists the locks still held and the sections left open
// (checked when an execution ends).
func (m *Machine) LocksHeld() []string {
	var held []string
	for id, l := range m.locks {
		v := m.S.Peek(lockLoc(id))
		if v == 0 {
			continue
		}
		who := ""
		switch {
		case !l.rw:
			who = " by " + m.threadName(int(v)-1)
		case v&writerBit != 0:
			who = " for write by " + m.threadName(int(v&^writerBit)-1)
		default:
			who = fmt.Sprintf(" for read (%d readers)", v)
		}
		held = append(held, l.name+who)
	}
	held = append(held, m.ptlsHeld()...)
	return append(held, m.sectionsOpen()...)
}

// IRQs and RCU.

// setIRQOff is also, under the LKMM, the start or end of an RCU read-side
// critical section: since the RCU flavours were merged (v4.20) a region
// with IRQs off holds off grace periods as rcu_read_lock() does.
func (c *Call) setIRQOff(off bool) {
	if m := c.M; m.Weak() && m.RCUByModel && m.S.Get(cpuLoc(c.CPU, cpuIRQOff)) != b2u(off) {
		if off {
			m.fence(memmodel.RcuLock)
		} else {
			m.fence(memmodel.RcuUnlock)
		}
	}
	m := c.M
	l := cpuLoc(c.CPU, cpuIRQOff)
	was := m.S.Get(l) != 0
	m.S.Set(l, b2u(off))
	if was && !off {
		m.quiescent(c.CPU)
	}
}

// In interrupt context IRQs are off and stay off: the flag ops are no-ops
// there, so that a handler cannot change its task's state.
func bIRQDisable(c *Call) (uint64, Status) {
	if !c.InIRQ {
		c.setIRQOff(true)
	}
	return 0, Done
}

func bIRQEnable(c *Call) (uint64, Status) {
	if !c.InIRQ {
		c.setIRQOff(false)
	}
	return 0, Done
}

func bIRQSave(c *Call) (uint64, Status) {
	if c.InIRQ {
		return 1, Done
	}
	flags := c.M.S.Get(cpuLoc(c.CPU, cpuIRQOff))
	c.setIRQOff(true)
	return flags, Done
}

func bIRQRestore(c *Call) (uint64, Status) {
	if !c.InIRQ {
		c.setIRQOff(c.Args[0] != 0)
	}
	return 0, Done
}

func bRCULock(c *Call) (uint64, Status) {
	c.M.fence(memmodel.RcuLock)
	l := cpuLoc(c.CPU, cpuRCU)
	c.M.S.Set(l, c.M.S.Get(l)+1)
	return 0, Done
}

func bRCUUnlock(c *Call) (uint64, Status) {
	m := c.M
	l := cpuLoc(c.CPU, cpuRCU)
	n := m.S.Get(l)
	if n == 0 {
		m.Fail("lock", "%s: rcu_read_unlock() without rcu_read_lock()", m.threadName(m.Thread))
		return 0, Done
	}
	m.fence(memmodel.RcuUnlock)
	m.S.Set(l, n-1)
	if n == 1 {
		m.quiescent(c.CPU)
	}
	return 0, Done
}

// synchronize_rcu(): the first step notes which CPUs are in a read-side
// critical section (rcu_read_lock, IRQs off, or an interrupt) and their
// quiescent-state counts; the second waits until each has passed one.
func bSyncRCU(c *Call) (uint64, Status) {
	m := c.M
	if m.Weak() {
		if c.Phase == 0 && !c.mightSleep("synchronize_rcu") {
			return 0, Done
		}
		return 0, c.graceWeak()
	}
	if c.Phase == 0 {
		if !c.mightSleep("synchronize_rcu") {
			return 0, Done
		}
		waiting := false
		for t := 0; t < m.cfg.CPUs; t++ {
			c.Scratch[t] = 0
			if t == c.CPU {
				continue
			}
			if m.rcuReader(t) {
				c.Scratch[t] = m.watchEpoch(t) + 1
				waiting = true
			}
		}
		if !waiting {
			return 0, Done
		}
		c.Phase = 1
		return 0, Again
	}
	for t := 0; t < m.cfg.CPUs; t++ {
		if c.Scratch[t] != 0 && m.S.Get(cpuLoc(t, cpuEpoch)) == c.Scratch[t]-1 {
			return 0, Block
		}
	}
	return 0, Done
}

// Static keys. static_branch_enable() and static_branch_disable() patch the
// code, then wait until every other CPU has synchronised: jump_label_update()
// -> arch_jump_label_transform_apply() (x86: text_poke_sync(), an IPI to
// each CPU; arm64: kick_all_cpus_sync()), in both directions.

func (m *Machine) keyArg(fn string, h uint64) (int, bool) {
	if h&handleMask == keyHandle && int(h&0xffff) < len(m.cfg.Keys) {
		return int(h & 0xffff), true
	}
	m.Fail("error", "%s: %#x is not a static key", fn, h)
	return 0, false
}

func keyUpdate(fn string, update func(old uint64) uint64, sync bool) func(c *Call) (uint64, Status) {
	return func(c *Call) (uint64, Status) {
		m := c.M
		if c.Phase == 1 {
			if m.Weak() {
				return 0, m.weakSync(c)
			}
			return 0, m.waitIPIs(c)
		}
		id, ok := m.keyArg(fn, c.Args[0])
		if !ok || !c.mightSleep(fn) { // cpus_read_lock(), jump_label_lock(): a mutex
			return 0, Done
		}
		old := m.S.Get(keyLoc(id))
		nv := update(old)
		m.S.Set(keyLoc(id), nv)
		if !sync || (old != 0) == (nv != 0) || m.initMode {
			return 0, Done
		}
		if m.Weak() {
			return 0, m.weakSync(c)
		}
		m.sendIPIs(c, ipiSync, 0, 0, 0)
		c.Phase = 1
		return 0, Again
	}
}

func bKeyRead(c *Call) (uint64, Status) {
	id, ok := c.M.keyArg("static_branch_unlikely", c.Args[0])
	if !ok {
		return 0, Done
	}
	return b2u(c.M.S.Get(keyLoc(id)) != 0), Done
}
