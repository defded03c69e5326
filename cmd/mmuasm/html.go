package main

import (
	"bytes"
	"os"

	htmlreport "github.com/mmuvm/mmuvm/report"
	"github.com/mmuvm/mmuvm/vm"
)

// writeHTMLFile writes the check's results as one self-contained page.
func writeHTMLFile(path string, p *vm.Program, results []*vm.Result) error {
	var b bytes.Buffer
	if err := htmlreport.WriteHTML(&b, p, results); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
