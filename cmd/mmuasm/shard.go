package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mmuvm/mmuvm/vm"
)

// Shards: `check --shard I/N --shard-out FILE` explores a deterministic
// part of a split dpor search (vm.Shard) and writes what it found;
// `merge FILE…` combines the parts into the report one check gives. A
// shard is a plain process, so any batch engine can run them: a
// Kubernetes Indexed Job, a CI matrix, a Slurm array (docs/shards.md).

// shardFile is what a shard writes: the script it checked (recompiled by
// merge) and its result on each arch.
type shardFile struct {
	File    string       `json:"file"`
	Shard   string       `json:"shard"`
	Results []*vm.Result `json:"results"`
}

func (o *options) validateShard() error {
	if o.shard == "" {
		if o.shardOut != "" {
			return fmt.Errorf("--shard-out needs --shard I/N")
		}
		return nil
	}
	if _, err := parseShard(o.shard); err != nil {
		return err
	}
	if o.search != "auto" && o.search != "dpor" {
		return fmt.Errorf("--shard splits the dpor search, not --search %s", o.search)
	}
	o.search = "dpor"
	return nil
}

// parseShard reads I/N with 0 <= I < N.
func parseShard(s string) (vm.Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || b < 1 || a < 0 || a >= b || b > 1<<16 {
		return vm.Shard{}, fmt.Errorf("--shard %q: want I/N with 0 <= I < N (e.g. 3/16)", s)
	}
	return vm.Shard{Index: a, Count: b}, nil
}

func (o *options) parsedShard() vm.Shard {
	sh, _ := parseShard(o.shard) // validated
	return sh
}

// writeShard writes a shard's results for merge.
func writeShard(path, file, shard string, results []*vm.Result) error {
	data, err := json.Marshal(shardFile{File: file, Shard: shard, Results: results})
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// cmdMerge combines shard files into the report of one check.
func cmdMerge(args []string, stdout, stderr io.Writer) int {
	o, files, code, ok := parseArgs("merge", args, stdout, stderr)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprintln(stderr, "usage: mmuasm "+lookup("merge").synopsis)
		return exitUsage
	}
	if err := o.validate("merge"); err != nil {
		return usageError("merge", err, stderr)
	}
	script, byArch, arches, err := readShards(files)
	if err != nil {
		return report(stderr, err)
	}
	p, err := load(script)
	if err != nil {
		return report(stderr, fmt.Errorf("merge: the shards checked %s: %w", script, err))
	}
	out, flush := o.output(stdout)
	defer flush()
	st := o.style(stdout)
	var js []jsonOut
	for i, a := range arches {
		r, err := vm.Merge(context.Background(), p, vm.Config{Arch: a, Model: byArch[a][0].Model, Search: "dpor"}, byArch[a])
		if err != nil {
			return report(stderr, err)
		}
		if !passed(r) {
			code = exitFail
		}
		if o.jsonOut {
			js = append(js, jsonResult(script, p, r))
		} else {
			o.writeReport(out, p, r, st, i == 0)
		}
	}
	if o.jsonOut {
		if err := writeJSON(stdout, js); err != nil {
			return report(stderr, err)
		}
	}
	return code
}

// readShards reads shard files of one script: its path, the results by
// arch, and the arches in the order first seen.
func readShards(files []string) (string, map[string][]*vm.Result, []string, error) {
	script := ""
	byArch := map[string][]*vm.Result{}
	var arches []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", nil, nil, err
		}
		var sf shardFile
		if err := json.Unmarshal(data, &sf); err != nil || sf.File == "" || len(sf.Results) == 0 {
			return "", nil, nil, fmt.Errorf("%s: not a shard file of mmuasm check --shard-out", f)
		}
		if script == "" {
			script = sf.File
		} else if sf.File != script {
			return "", nil, nil, fmt.Errorf("%s: a shard of %s, not of %s", f, sf.File, script)
		}
		for _, r := range sf.Results {
			if _, ok := byArch[r.Arch]; !ok {
				arches = append(arches, r.Arch)
			}
			byArch[r.Arch] = append(byArch[r.Arch], r)
		}
	}
	return script, byArch, arches, nil
}
