//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// quietCtrlC: elsewhere liner's own handling of Ctrl-C stands.
func quietCtrlC() {}
