//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// The terminal side of the REPL (liner's line editing, completion,
// history, Ctrl-C and the terminal modes) only runs when stdin and stdout
// are a terminal, so it is tested under a pseudo-terminal.

// buildREPL builds the binary once per test into a temporary directory.
func buildREPL(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the binary:", err)
	}
	bin := filepath.Join(t.TempDir(), "mmurepl")
	cmd := exec.Command(gobin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ptyPatience is how long the terminal tests wait for the REPL to show
// something: a bound against hangs, not a speed goal. It is generous
// because the whole test suite shares the cores with it: under that load
// a REPL once took more than 10 s to print its first line.
const ptyPatience = 60 * time.Second

// term is the REPL running under a pty, with what it printed so far.
type term struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	mark int // expect looks after this
	done chan struct{}
}

func startTerm(t *testing.T, bin, home string, args ...string) *term {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"TERM=xterm", "NO_COLOR=1")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	tm := &term{t: t, cmd: cmd, pty: f, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
	})
	return tm
}

// expect waits until want appears after the mark, and moves the mark
// past it.
func (tm *term) expect(want string) {
	tm.t.Helper()
	deadline := time.Now().Add(ptyPatience)
	for {
		tm.mu.Lock()
		seen := tm.out.String()[tm.mark:]
		if i := strings.Index(seen, want); i >= 0 {
			tm.mark += i + len(want)
			tm.mu.Unlock()
			return
		}
		tm.mu.Unlock()
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %q; the terminal shows:\n%q", want, seen)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// checkNoSignals checks, where /proc shows the REPL's terminal, that
// Ctrl-C is a key and not a signal once the prompt is shown (ISIG off):
// liner turns it off only after printing the prompt, and a Ctrl-C typed
// in between ended the session (quietCtrlC).
func (tm *term) checkNoSignals() {
	tm.t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/fd/0", tm.cmd.Process.Pid))
	if err != nil {
		return // no /proc here
	}
	defer f.Close()
	mode, err := unix.IoctlGetTermios(int(f.Fd()), getTermios)
	if err != nil {
		tm.t.Fatalf("the REPL's terminal: %v", err)
	}
	if mode.Lflag&unix.ISIG != 0 {
		tm.t.Error("the prompt is shown while Ctrl-C still raises SIGINT (ISIG on)")
	}
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.pty, keys); err != nil {
		tm.t.Fatal(err)
	}
}

// wait waits for the process to end after Ctrl-D.
func (tm *term) wait() {
	tm.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- tm.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			tm.t.Fatalf("mmurepl: %v", err)
		}
	case <-time.After(ptyPatience):
		tm.t.Fatal("mmurepl did not end on Ctrl-D")
	}
}

func TestTerminalCompletionAndHistory(t *testing.T) {
	bin := buildREPL(t)
	home := t.TempDir()

	tm := startTerm(t, bin, home)
	tm.expect("mmu> ")
	tm.send(":he\t")
	tm.expect(":help") // Tab completed the only command starting :he
	tm.send("\r")
	tm.expect("Commands (any unique prefix")
	tm.expect("mmu> ")
	tm.send(":arch x86pae\r")
	tm.expect("\narch x86pae")
	tm.expect("mmu> ")
	tm.send("\x04") // Ctrl-D
	tm.wait()

	hist, err := os.ReadFile(filepath.Join(home, "cache", "mmuvm", "history"))
	if err != nil || !strings.Contains(string(hist), ":arch x86pae") {
		t.Fatalf("history file: %q, %v", hist, err)
	}

	tm = startTerm(t, bin, home)
	tm.expect("mmu> ")
	tm.send("\x1b[A") // Up recalls the last line of the last session
	tm.expect(":arch x86pae")
	tm.send("\r")
	tm.expect("\narch x86pae")
	tm.expect("mmu> ")
	tm.send("\x04")
	tm.wait()
}

// TestTerminalCtrlC: Ctrl-C at the prompt drops the line; Ctrl-C during a
// long :check stops it, and the terminal still edits lines afterwards.
func TestTerminalCtrlC(t *testing.T) {
	bin := buildREPL(t)
	home := t.TempDir()
	slow := filepath.Join(home, "slow.mmu")
	// Three CPUs updating three words in a ring: far too many states to
	// finish in the time this test gives it.
	os.WriteFile(slow, []byte(`shared x, y, z
cpu 0 { for i in 0..30 { x = x + 1  y = y + x } }
cpu 1 { for i in 0..30 { y = y + 1  z = z + y } }
cpu 2 { for i in 0..30 { z = z + 1  x = x + z } }
`), 0o644)

	tm := startTerm(t, bin, home, slow)
	tm.expect("mmu> ")
	tm.checkNoSignals()
	tm.send("garbage\x03") // Ctrl-C at the prompt: the line is dropped
	tm.expect("mmu> ")
	tm.send(":check\r")
	tm.expect(":check")
	time.Sleep(200 * time.Millisecond) // let the exploration start
	tm.send("\x03")
	tm.expect("interrupted: the exploration stopped early")
	tm.expect("mmu> ")
	tm.send(":cp\t") // the terminal is back in liner's mode: Tab completes
	tm.expect(":cpu")
	tm.send(" 2\r")
	tm.expect("CPU 2: ready")
	tm.expect("mmu> ")
	tm.send("\x04")
	tm.wait()
	tm.mu.Lock()
	defer tm.mu.Unlock()
	if strings.Contains(tm.out.String(), "undefined") {
		t.Error("the line aborted with Ctrl-C was run")
	}
}
