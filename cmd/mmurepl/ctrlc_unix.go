//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import "golang.org/x/sys/unix"

// quietCtrlC turns off the terminal's ISIG before a prompt is printed, so
// that Ctrl-C at the prompt is always a key liner reads (and drops the
// line), never a SIGINT. Liner prints the prompt first and turns ISIG off
// only after (PromptWithSuggestion, then startPrompt): a Ctrl-C typed in
// between, as soon as the prompt showed, flushed the typed line and sent
// a SIGINT that no handler caught at the prompt, ending the session.
// Liner's mode type is its own, so the flag is changed here.
func quietCtrlC() {
	t, err := unix.IoctlGetTermios(unix.Stdin, getTermios)
	if err != nil || t.Lflag&unix.ISIG == 0 {
		return
	}
	t.Lflag &^= unix.ISIG
	unix.IoctlSetTermios(unix.Stdin, setTermios, t)
}
