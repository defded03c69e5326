package vm

import "fmt"

// recoverAs turns a panic escaping an exported function into an error
// naming the function: the checks before every allocation and the
// decoder's validation should make a panic impossible, and if one slips
// through, an embedding host still gets an error value, not a crash.
// Use it as `defer recoverAs("vm.F", &err)` with a named error result.
func recoverAs(fn string, err *error) {
	if p := recover(); p != nil {
		*err = &InternalError{Func: fn, Value: p}
	}
}

// InternalError is a panic caught at an exported function: a bug of
// mmuvm, reported as an error value instead of taking the host down.
type InternalError struct {
	Func  string
	Value any
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("%s: internal error: %v", e.Func, e.Value)
}
