package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/mmuvm/mmuvm/compiler"
	"github.com/mmuvm/mmuvm/vm"
)

// Session is one interactive session. What the machine looks like is a
// function of three things only: the script source (src), the arch, and
// the log of actions taken since the state after init (steps, statements
// typed at the prompt). Any change of definitions or arch recompiles the
// source and replays the log on a new machine, which is deterministic;
// a step only runs on the live machine and is appended to the log.
type Session struct {
	out, errOut io.Writer
	st          vm.Style
	cpu         int    // script CPU bare statements run on; :step's default
	lineNo      int    // physical input lines read, for <input>:LINE errors
	nextStmt    int    // numbers the procs of bare statements
	failed      bool   // some input failed (the exit status of a scripted session)
	archFlag    string // --arch: the arch :load starts with ("" the script's)
	cur         *state
	checked     *checked // the last :check, for :html
}

// checked is what a :check found: the program and a result per arch.
type checked struct {
	prog    *vm.Program
	results []*vm.Result
}

// state is a built session: the compiled live program and its machine,
// with the log replayed on it.
type state struct {
	src     *script
	arch    string // "" means the script's first arch
	log     []action
	prog    *vm.Program // src, scratch cpu blocks and the statements' procs
	m       *vm.Machine
	scratch map[string]uint64 // locals assigned at the prompt
	notes   []vm.Event        // bare statements, for :trace
	last    *stmtResult       // what the statement ending the log did
	dropped int               // log actions that no longer applied
}

type actionKind uint8

const (
	actStep   actionKind = iota // one step of a thread
	actStmt                     // a bare statement run with RunOn
	actFinish                   // the end-of-execution checks (deadlock, locks)
)

// action is one entry of the log. Threads are named by kind and CPU, not
// by number, so that a log survives a recompile that adds a CPU.
type action struct {
	kind   actionKind
	thread vm.ThreadKind
	cpu    int
	to     int // a scheduler thread's CPU to resume on
	stmt   *stmt
}

func newSession(out, errOut io.Writer, st vm.Style) *Session {
	s := &Session{out: out, errOut: errOut, st: st}
	cur, err := s.build(&script{name: "repl.mmu", dir: "."}, "", nil)
	if err != nil { // an empty script always builds
		panic(err)
	}
	s.cur = cur
	return s
}

// build compiles src with the statements of log, makes a machine for arch
// and replays log on it. The session is not changed: the caller installs
// the state if it wants it.
func (s *Session) build(src *script, arch string, log []action) (*state, error) {
	log = cloneLog(log)
	for attempt := 0; ; attempt++ {
		st, stale, err := s.try(src, arch, log)
		// A stale statement had locals carried in that differ on this
		// machine (a definition changed what it computes): its prelude
		// was updated, so compile again. Each pass fixes one statement.
		if err != nil || !stale {
			return st, err
		}
		if attempt > len(log) {
			return nil, fmt.Errorf("the statements typed so far do not replay the same way twice")
		}
	}
}

func cloneLog(log []action) []action {
	out := make([]action, len(log))
	for i, a := range log {
		out[i] = a
		if a.stmt != nil {
			c := *a.stmt
			out[i].stmt = &c
		}
	}
	return out
}

// try is one pass of build.
func (s *Session) try(src *script, arch string, log []action) (*state, bool, error) {
	st := &state{src: src, arch: arch, log: log, scratch: map[string]uint64{}}
	declared := declaredSet(src)
	chunks := src.chunks()
	chunks = append(chunks, scratchCPUs(src, log, s.cpu)...)
	for _, a := range log {
		if a.kind == actStmt {
			a.stmt.prelude = a.stmt.prelude.without(declared)
			chunks = append(chunks, a.stmt.chunks()...)
		}
	}
	asm := assemble(chunks)
	prog, err := compiler.Compile(src.name, asm.src, &compiler.Options{Files: compiler.DirFS(src.dir)})
	if err != nil {
		return nil, false, asm.mapError(src.name, err)
	}
	st.prog = prog
	if st.m, err = newMachine(prog, st.archName()); err != nil {
		return nil, false, err
	}
	st.m.SetTracing(true)
	stale := st.replay(declared)
	return st, stale, nil
}

// scratchCPUs gives every CPU a statement ran on, and the current CPU of
// a script without cpu blocks, an empty cpu block: RunOn needs the CPU to
// exist, and the compiler wants at least one. They are in the live
// machine only; :check and :dis see the script as written.
func scratchCPUs(src *script, log []action, cur int) []chunk {
	need := map[int]bool{}
	for _, a := range log {
		if a.kind == actStmt {
			need[a.cpu] = true
		}
	}
	if !src.hasAnyCPU() {
		need[cur] = true
	}
	var cpus []int
	for c := range need {
		if !src.hasCPU(c) {
			cpus = append(cpus, c)
		}
	}
	sort.Ints(cpus)
	var out []chunk
	for _, c := range cpus {
		out = append(out, chunk{fmt.Sprintf("cpu %d \"prompt\" { }\n", c), "<scratch cpu>", 1})
	}
	return out
}

func (s *script) hasAnyCPU() bool {
	for _, it := range s.items {
		for _, k := range it.keys {
			if strings.HasPrefix(k, "cpu ") {
				return true
			}
		}
	}
	return false
}

// archName is the arch the machine runs: the chosen one, else the
// script's first.
func (st *state) archName() string {
	if st.arch != "" {
		return st.arch
	}
	if st.prog != nil && len(st.prog.Arches) > 0 {
		return st.prog.Arches[0]
	}
	return "arm64"
}

// replay runs the log on the fresh machine. An action that no longer
// applies (a definition changed) ends the log there. It reports whether a
// statement's prelude went stale.
func (st *state) replay(declared map[string]bool) bool {
	for i := range st.log {
		a := &st.log[i]
		switch a.kind {
		case actStep:
			id, err := threadLike(st.m, vm.ThreadInfo{Kind: a.thread, CPU: a.cpu, To: a.to})
			if err == nil {
				err = st.m.Step(id)
			}
			if err != nil {
				st.dropped = len(st.log) - i
				st.log = st.log[:i]
				return false
			}
		case actFinish:
			st.m.Finish()
		case actStmt:
			pre := st.prelude(a.cpu, declared)
			if !pre.equal(a.stmt.prelude) {
				a.stmt.prelude = pre
				return true
			}
			r := st.runStmt(a)
			if i == len(st.log)-1 {
				st.last = r
			}
		}
	}
	return false
}

// declaredSet is every name a local carried into a statement must not
// take: the script's declarations and the builtins.
func declaredSet(src *script) map[string]bool {
	set := map[string]bool{}
	for _, n := range src.names() {
		set[n] = true
	}
	for _, n := range builtinNames() {
		set[n] = true
	}
	return set
}

// install makes st the session's state and says what was lost.
func (s *Session) install(st *state) {
	s.cur = st
	if st.dropped > 0 {
		s.note("%d logged action(s) no longer apply after the change and were dropped", st.dropped)
	}
}

// rebuild rebuilds the current state with a new source or arch, keeping
// the log.
func (s *Session) rebuild(src *script, arch string) error {
	st, err := s.build(src, arch, s.cur.log)
	if err != nil {
		return err
	}
	s.install(st)
	return nil
}

// reset drops the log: the machine is back at the state after init.
func (s *Session) reset() error {
	st, err := s.build(s.cur.src, s.cur.arch, nil)
	if err != nil {
		return err
	}
	s.cur = st
	return nil
}

// record appends an action taken on the live machine to the log.
func (s *Session) record(a action) { s.cur.log = append(s.cur.log, a) }

// note prints a remark about the session (not an error).
func (s *Session) note(format string, args ...any) {
	fmt.Fprintln(s.out, s.st.Apply(s.st.Dim, fmt.Sprintf(format, args...)))
}

// fail prints an error; the session goes on.
func (s *Session) fail(err error) {
	s.failed = true
	fmt.Fprintln(s.errOut, s.st.Apply(s.st.Bad, "error:")+" "+errorText(err))
}

// newMachine builds the session's machine: under `model tso` with its
// store buffers and their flush threads (sb N), which the session steps
// like any thread; otherwise the sc machine (armv8 and lkmm have no
// machine to step: :check runs them).
func newMachine(prog *vm.Program, arch string) (*vm.Machine, error) {
	if cfg := (vm.Config{Arch: arch}); vm.UsesStoreBuffers(prog, cfg) {
		return vm.NewMachineFor(prog, cfg)
	}
	return vm.NewMachine(prog, arch, nil, vm.Limits{})
}
