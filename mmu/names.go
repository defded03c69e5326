package mmu

import "fmt"

// ValueName renders a value the way a trace reader wants it: handles by
// the name of the mm, lock or key, addresses of declared words and table
// entries symbolically (&x, &t[3], &init_mm.pmd[4]), other values in hex.
func (m *Machine) ValueName(v uint64) string {
	if n := m.handleName(v); n != "" {
		return n
	}
	if n := m.AddrName(v); n != "" {
		return "&" + n
	}
	if v < 1024 {
		return fmt.Sprint(v)
	}
	return fmt.Sprintf("%#x", v)
}

func (m *Machine) handleName(v uint64) string {
	i := int(v & 0xffff)
	if v&^(handleMask|0xffff) != 0 {
		return ""
	}
	switch v & handleMask {
	case mmHandle:
		if i < len(m.mms) {
			return m.mms[i].name
		}
	case lockHandle:
		return m.lockName(i)
	case keyHandle:
		return m.keyName(i)
	}
	return ""
}

// lockName names lock i, "" if there is none.
func (m *Machine) lockName(i int) string {
	if i < len(m.locks) {
		return m.locks[i].name
	}
	return ""
}

// keyName names static key i, "" if there is none.
func (m *Machine) keyName(i int) string {
	if i < len(m.cfg.Keys) {
		return m.cfg.Keys[i].Name
	}
	return ""
}

// AddrName names the memory word at addr, or returns "".
func (m *Machine) AddrName(addr uint64) string {
	if addr%8 != 0 {
		return ""
	}
	base := uint64(sharedBase) << 12
	if addr >= base {
		i := int((addr - base) / 8)
		if i < len(m.cfg.Shared) {
			return m.cfg.Shared[i].Name
		}
		i -= len(m.cfg.Shared)
		if n := len(m.cfg.Task); n > 0 && i < n*m.cfg.CPUs {
			return fmt.Sprintf("%s[CPU %s]", m.cfg.Task[i%n].Name, m.cfg.CPUNames[i/n])
		} else if n > 0 && i < n*m.taskInstances() {
			return fmt.Sprintf("%s[idle task of CPU %s]", m.cfg.Task[i%n].Name, m.cfg.CPUNames[i/n-m.cfg.CPUs])
		}
	}
	for i, t := range m.tables {
		if addr >= t && addr < t+PageSize {
			return fmt.Sprintf("%s[%d]", m.cfg.Tables[i], (addr-t)/8)
		}
	}
	pfn := addr >> 12
	if pfn < tablePoolBase || pfn >= tablePoolBase+1<<20 {
		return ""
	}
	w := m.S.Peek(pageLoc(pfn))
	kind, mm := int(w>>2&7), int(w>>8&0xff)
	if kind < pageKindPGD || kind > pageKindPTE || mm >= len(m.mms) {
		return ""
	}
	return fmt.Sprintf("%s.%s[%d]", m.mms[mm].name, levelNames[kind-pageKindPGD], addr%PageSize/8)
}

// LocName names a location a weak model treats as memory: a memory word
// (a shared word, a table entry), a lock, a static key, the words of the
// IPI and grace-period handshakes (weak.go); "" if unnamed.
func (m *Machine) LocName(l Loc) string {
	i := int(l &^ tagMask)
	switch l & tagMask {
	case tagMem:
		return m.AddrName(uint64(l))
	case tagLock:
		return m.lockName(i)
	case tagKey:
		return m.keyName(i)
	case tagIPI:
		target, sender := m.cpuName(i>>16), m.cpuName(i>>4&0xfff)
		switch i & 0xf {
		case ipiWeakReq:
			return fmt.Sprintf("ipi(%s->%s).sent", sender, target)
		case ipiWeakAck:
			return fmt.Sprintf("ipi(%s->%s).done", sender, target)
		case ipiGPReq:
			return fmt.Sprintf("gp(%s->%s).started", sender, target)
		case ipiGPAck:
			return fmt.Sprintf("gp(%s->%s).reported", sender, target)
		}
	}
	return ""
}

// cpuName is "CPU " and the script's name for CPU i.
func (m *Machine) cpuName(i int) string {
	if i < len(m.cfg.CPUNames) {
		return "CPU " + m.cfg.CPUNames[i]
	}
	return fmt.Sprintf("CPU %d", i)
}
