package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCtrlC builds the program, starts it on a long training run, and
// presses Ctrl-C (sends SIGINT) once the first epoch is done: the run must
// stop after the batch under way, report, save a model that loads, and
// exit with status 130. Then again with a second Ctrl-C right after the
// first, which quits at once: whatever the moment, digits.model is either
// absent or complete, never half-written.
func TestCtrlC(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on Windows")
	}
	if testing.Short() {
		t.Skip("builds the program")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the program with")
	}
	bin := filepath.Join(t.TempDir(), "ch07_mnist")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	if err := exec.Command(bin, "-h").Run(); errors.Is(err, syscall.ENOEXEC) {
		t.Skipf("cannot start a program built for %s here (the tests run under an emulator)", runtime.GOARCH)
	}
	args := []string{"-train-limit", "2000", "-test-limit", "300", "-layers", "784,256,10", "-batch", "8",
		"-epochs", "1000", "-notime"}

	t.Run("once", func(t *testing.T) {
		dir := t.TempDir()
		model := filepath.Join(dir, "digits.model")
		stdout, stderr, code := interrupt(t, bin, append(args, "-save", model, "-svg", dir), 1)
		if code != 130 {
			t.Errorf("exit status %d, want 130\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, want := range []string{"interrupted during epoch ", "): stopping\n", "== 7. Results ==",
			"test accuracy 0.", "saved the network to " + model} {
			if !strings.Contains(stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, stdout)
			}
		}
		if !strings.HasPrefix(stderr, "ch07_mnist: interrupted (Ctrl-C) during epoch ") || strings.Count(stderr, "\n") != 1 ||
			!strings.HasSuffix(stderr, "it is saved in "+model+"\n") {
			t.Errorf("stderr is not the one line expected:\n%s", stderr)
		}
		loadSaved(t, model)
		wantOnlyFiles(t, dir, "ch07_confusion.svg", "ch07_curves.svg", "ch07_mistakes.svg", "ch07_weights.svg", "digits.model")
	})

	t.Run("twice", func(t *testing.T) {
		dir := t.TempDir()
		model := filepath.Join(dir, "digits.model")
		stdout, stderr, code := interrupt(t, bin, append(args, "-save", model), 2)
		if code != 130 && code != -1 { // -1: killed by the second SIGINT
			t.Errorf("exit status %d, want 130 or killed\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("exit status %d, %d files left", code, len(entries))
		for _, e := range entries {
			switch name := e.Name(); {
			case name == "digits.model":
				loadSaved(t, model) // complete, whenever the second Ctrl-C came
			case strings.HasPrefix(name, ".digits.model.tmp-"):
				// killed while writing: the temporary file stays, unused
			default:
				t.Errorf("unexpected file %s", name)
			}
		}
	})
}

// interrupt runs bin with args, sends it SIGINT `times` times once the
// epoch table's first row is printed (the second SIGINT right after the
// program says it is stopping), and returns what it printed and its exit
// status (-1 if a signal killed it).
func interrupt(t *testing.T, bin string, args []string, times int) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer killer.Stop()

	var out strings.Builder
	r := bufio.NewReader(pipe)
	sent := 0
	for {
		line, err := r.ReadString('\n')
		out.WriteString(line)
		if sent == 0 && strings.HasPrefix(line, "    1  ") || sent == 1 && times > 1 && strings.HasPrefix(line, "interrupted during") {
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			sent++
		}
		if err != nil {
			if err != io.EOF {
				t.Error(err)
			}
			break
		}
	}
	err = cmd.Wait()
	code = cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = -1
		}
	} else if err != nil {
		t.Fatal(err)
	}
	if sent == 0 {
		t.Fatalf("the program ended before it could be interrupted:\n%s\n%s", out.String(), errBuf.String())
	}
	return out.String(), errBuf.String(), code
}
