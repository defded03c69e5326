package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mattn/go-isatty"

	"github.com/mmuvm/mmuvm/vm"
)

// job is one (script, arch) check.
type job struct {
	file string
	prog *vm.Program
	arch string
	res  *vm.Result
	err  error
	done chan struct{}
}

// runJobs checks jobs on o.workers goroutines and calls emit for each in
// order as soon as it and all before it are done, so that output is the
// same for every -j. One exploration itself runs on one goroutine.
func runJobs(ctx context.Context, jobs []*job, o *options, emit func(*job)) {
	workers := max(1, o.workers)
	next := make(chan *job)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				j.res, j.err = checkOne(ctx, j.prog, o, j.arch, workers == 1)
				close(j.done)
			}
		}()
	}
	go func() {
		for _, j := range jobs {
			next <- j
		}
		close(next)
	}()
	for _, j := range jobs {
		<-j.done
		emit(j)
	}
	wg.Wait()
}

func newJob(file string, p *vm.Program, a string) *job {
	return &job{file: file, prog: p, arch: a, done: make(chan struct{})}
}

func checkOne(ctx context.Context, p *vm.Program, o *options, a string, showProgress bool) (*vm.Result, error) {
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	cfg := o.config(a)
	var pr *progressLine
	if showProgress && !o.jsonOut && o.format != "mail" && isatty.IsTerminal(os.Stderr.Fd()) {
		pr = &progressLine{w: os.Stderr, name: vm.Printable(p.Name) + " on " + a}
		cfg.Progress = pr.update
		defer pr.clear()
	}
	return vm.Check(ctx, p, cfg)
}

// progressLine shows, on a terminal, how an exploration longer than a
// second is going.
type progressLine struct {
	w     io.Writer
	name  string
	shown bool
}

func (p *progressLine) update(pg vm.Progress) {
	if pg.Elapsed.Seconds() < 1 {
		return
	}
	rate := float64(pg.Executions) / pg.Elapsed.Seconds()
	line := fmt.Sprintf("%s: %d executions", p.name, pg.Executions)
	if pg.States > 0 {
		line += fmt.Sprintf(", %d states (%.0f/s)", pg.States, float64(pg.States)/pg.Elapsed.Seconds())
	} else {
		line += fmt.Sprintf(" (%.0f/s)", rate)
	}
	line += ", " + vm.FormatDuration(pg.Elapsed)
	if left := pg.Left(); left > 0 {
		line += fmt.Sprintf(", ~%.0f%% done, about %s left", 100*pg.Done, vm.FormatDuration(left))
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.shown = true
}

func (p *progressLine) clear() {
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
