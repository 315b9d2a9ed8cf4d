// Package exercise lets `go test` act as the checker of a chapter's
// exercises. A fresh exercise stub is a single statement, panic(exercise.TODO);
// a test that meets it skips with a line saying which function to write. When
// the tests run with -tags solutions, the reference answers replace the stubs
// and a skip becomes a failure.
package exercise

import (
	"fmt"
	"testing"
)

// todo is the value stubs panic with.
type todo struct{}

// TODO is what an exercise stub panics with until the learner writes it.
var TODO any = todo{}

// Attempted calls f, which calls the learner's function. If the function is
// still the stub, the test is skipped (or, with -tags solutions, fails) with
// a message naming what to write: Attempted(t, "LeakyReLU", "ch02_activations/exercises.go", …).
func Attempted(t *testing.T, fn, file string, f func()) {
	t.Helper()
	if stub := isStub(f); stub {
		if Solutions {
			t.Fatalf("%s in %s is still a stub, but the solutions build should answer it", fn, file)
		}
		t.Skipf("exercise not attempted yet: write %s in %s", fn, file)
	}
}

// isStub runs f and reports whether it panicked with TODO. Any other panic
// propagates: a learner's bug should show its trace.
func isStub(f func()) (stub bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(todo); ok {
				stub = true
				return
			}
			panic(r)
		}
	}()
	f()
	return false
}

// Errorf is fmt.Errorf, named for the checks' messages.
func Errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
