package compiler

import "flag"

// update makes golden-file tests rewrite their expected output instead of
// comparing against it: go test ./compiler -update. Every test file of the
// package shares it.
var update = flag.Bool("update", false, "rewrite golden files")
