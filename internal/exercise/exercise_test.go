package exercise

import (
	"errors"
	"strings"
	"testing"
)

func TestIsStub(t *testing.T) {
	if stub, err := isStub(func() { panic("exercise: not written yet") }); !stub || err != nil {
		t.Errorf("a function that panics with the stub's marker: stub %v, err %v; want a stub", stub, err)
	}
	if stub, err := isStub(func() { panic(TODO) }); !stub || err != nil {
		t.Errorf("a function that panics with TODO: stub %v, err %v; want a stub", stub, err)
	}
	if stub, err := isStub(func() {}); stub || err != nil {
		t.Errorf("a function that returns: stub %v, err %v; want an attempt", stub, err)
	}
	stub, err := isStub(func() { panic("index out of range") })
	if stub || err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("a learner's own panic: stub %v, err %v; want an attempt that reports the panic", stub, err)
	}
	if stub, _ := isStub(func() { panic("exercise: not written") }); stub {
		t.Error("a panic with another message is taken for the stub")
	}
}

func TestSafely(t *testing.T) {
	want := errors.New("wrong")
	if err := Safely(func() error { return want }); err != want {
		t.Errorf("Safely changed the check's error: %v", err)
	}
	if err := Safely(func() error { return nil }); err != nil {
		t.Errorf("Safely invented an error: %v", err)
	}
	err := Safely(func() error {
		var s []int
		_ = s[3]
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "panicked: runtime error: index out of range") {
		t.Errorf("Safely on an index out of range: %v", err)
	}
}

func TestLearnerLine(t *testing.T) {
	stack := `goroutine 7 [running]:
runtime/debug.Stack()
	/usr/lib/go/src/runtime/debug/stack.go:26 +0x5e
panic({0x5d2e40?, 0xc0000181c8?})
	/usr/lib/go/src/runtime/panic.go:792 +0x132
main.MatMul(...)
	/home/me/nnfromscratch/ch03_forward/exercises.go:27 +0x1c
main.checkMatMul(0x6a2f18)
	/home/me/nnfromscratch/ch03_forward/exercises_test.go:48 +0x1f1
`
	if got := learnerLine(stack); got != "exercises.go:27" {
		t.Errorf("learnerLine = %q, want exercises.go:27", got)
	}
	if got := learnerLine("goroutine 1 [running]:\nmain.f()\n\t/x/solutions.go:3 +0x1\n"); got != "" {
		t.Errorf("learnerLine without exercises.go = %q, want empty", got)
	}
}
