package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// interruptible returns a context that SIGINT and SIGTERM cancel, so that
// a check stops where it is and prints what it found so far, as the REPL's
// Ctrl-C does. status is then the shell's exit status for the signal
// (128+n: 130, 143), 0 if none came; stop releases the signals.
func interruptible() (ctx context.Context, status func() int, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	got := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			n := int(s.(syscall.Signal))
			got <- 128 + n
			cancel(fmt.Errorf("interrupted by %s", signalName(s)))
		case <-done:
		}
	}()
	status = func() int {
		select {
		case n := <-got:
			got <- n
			return n
		default:
			return 0
		}
	}
	stop = func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
	return ctx, status, stop
}

func signalName(s os.Signal) string {
	if s == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}
