// Package exercise lets `go test` act as the checker of a chapter's
// exercises.
//
// A fresh exercise stub in chNN/exercises.go is a single statement,
//
//	panic("exercise: not written yet")
//
// and a test that meets it skips with a line saying which function to write.
// The stub file imports nothing from this package, so replacing the last
// stub leaves nothing unused: a learner edits function bodies and nothing
// else. When the tests run with -tags solutions, the reference answers in
// solutions.go replace the stubs and a skip becomes a failure.
//
// `go run ./internal/exercise/progress` lists every exercise of every
// chapter as done, to do or failing.
package exercise

import (
	"fmt"
	"runtime/debug"
	"strings"
	"testing"
)

// TODO is the value an exercise stub panics with until the learner writes
// it. Stubs spell it out as a string literal, so that they need no import.
const TODO = "exercise: not written yet"

// Attempted calls f, which calls the learner's function. If the function is
// still the stub, the test is skipped (or, with -tags solutions, fails) with
// a message naming what to write: Attempted(t, "LeakyReLU", "ch02_activations/exercises.go", …).
// Any other panic is reported as the test's failure, with the line of
// exercises.go it came from.
func Attempted(t *testing.T, fn, file string, f func()) {
	t.Helper()
	stub, err := isStub(f)
	switch {
	case stub && Solutions:
		t.Fatalf("%s in %s is still a stub, but the solutions build should answer it", fn, file)
	case stub:
		t.Skipf("exercise not attempted yet: write %s in %s", fn, file)
	case err != nil:
		t.Fatalf("%s %v", fn, err)
	}
}

// isStub runs f and reports whether it panicked with the stub's marker. Any
// other panic comes back as an error.
func isStub(f func()) (stub bool, err error) {
	err = Safely(func() error { f(); return nil })
	if p, ok := err.(*panicError); ok && p.value == TODO {
		return true, nil
	}
	return false, err
}

// Safely runs check and returns its error. If check panics (a learner's
// index out of range, say), Safely returns the panic as an error naming the
// line of exercises.go where it happened, instead of stopping every test of
// the package.
func Safely(check func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, where: learnerLine(string(debug.Stack()))}
		}
	}()
	return check()
}

// panicError is a recovered panic.
type panicError struct {
	value any
	where string // "exercises.go:27", or "" when the panic did not pass through it
}

func (p *panicError) Error() string {
	if p.where == "" {
		return fmt.Sprintf("panicked: %v", p.value)
	}
	return fmt.Sprintf("panicked: %v (at %s)", p.value, p.where)
}

// learnerLine finds the innermost frame of a goroutine stack trace that lies
// in an exercises.go file, and returns it as "exercises.go:LINE".
func learnerLine(stack string) string {
	for _, line := range strings.Split(stack, "\n") {
		line = strings.TrimSpace(line)
		i := strings.LastIndex(line, "/exercises.go:")
		if i < 0 {
			continue
		}
		loc := line[i+1:]
		if j := strings.IndexByte(loc, ' '); j >= 0 {
			loc = loc[:j] // drop the " +0x1c" offset
		}
		return loc
	}
	return ""
}
