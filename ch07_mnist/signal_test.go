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
// absent or complete, never half-written. SIGTERM is handled as Ctrl-C,
// with status 143; an output that goes away (a broken pipe, as under
// `| head -3`) or cannot be written (/dev/full) stops the run the same way,
// with status 141 or 1.
func TestCtrlC(t *testing.T) {
	bin := buildProgram(t)
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

	t.Run("sigterm", func(t *testing.T) {
		dir := t.TempDir()
		model := filepath.Join(dir, "digits.model")
		stdout, stderr, code := signalAfter(t, bin, append(args, "-save", model), syscall.SIGTERM, 1)
		if code != 143 {
			t.Errorf("exit status %d, want 143\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		if !strings.Contains(stdout, "\nterminated during epoch ") || !strings.Contains(stdout, "saved the network to "+model) {
			t.Errorf("stdout lacks where SIGTERM stopped the run, or the save:\n%s", stdout)
		}
		if !strings.HasPrefix(stderr, "ch07_mnist: terminated (SIGTERM) during epoch ") || strings.Count(stderr, "\n") != 1 ||
			!strings.HasSuffix(stderr, "it is saved in "+model+"\n") {
			t.Errorf("stderr is not the one line expected:\n%s", stderr)
		}
		loadSaved(t, model)
		wantOnlyFiles(t, dir, "digits.model")
	})

	// | head -3: the reader takes three lines and goes; the run has not
	// started training, and stops with nothing saved.
	t.Run("head", func(t *testing.T) {
		dir := t.TempDir()
		model := filepath.Join(dir, "digits.model")
		stdout, stderr, code := closeAfter(t, bin, append(args, "-save", model), func(lines int, _ string) bool { return lines == 3 })
		if code != 141 || strings.Count(stdout, "\n") != 3 ||
			stderr != "ch07_mnist: stopped (broken pipe: the output was closed) before training started: nothing was trained or saved\n" {
			t.Errorf("exit status %d, want 141\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		wantOnlyFiles(t, dir)
	})

	// The reader goes after the first row of the epoch table: the run stops
	// after the batch under way and saves the network as it was.
	t.Run("pipe", func(t *testing.T) {
		dir := t.TempDir()
		model := filepath.Join(dir, "digits.model")
		stdout, stderr, code := closeAfter(t, bin, append(args, "-save", model), func(_ int, line string) bool {
			return strings.HasPrefix(line, "    1  ")
		})
		if code != 141 || !strings.HasPrefix(stderr, "ch07_mnist: stopped (broken pipe: the output was closed) during epoch ") ||
			!strings.HasSuffix(stderr, ": the network as it was then is saved in "+model+"\n") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("exit status %d, want 141\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		loadSaved(t, model)
		wantOnlyFiles(t, dir, "digits.model")
	})

	// > /dev/full: not one line can be written; the run says so and fails.
	t.Run("full", func(t *testing.T) {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Skip("no /dev/full here")
		}
		defer full.Close()
		dir := t.TempDir()
		cmd := exec.Command(bin, append(args, "-save", filepath.Join(dir, "digits.model"))...)
		cmd.Stdout = full
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != 1 ||
			stderr.String() != "ch07_mnist: stopped (cannot write the output: no space left on device) before training started: nothing was trained or saved\n" {
			t.Errorf("exit status %d, want 1\nstderr:\n%s", code, stderr.String())
		}
		wantOnlyFiles(t, dir)
	})
}

// buildProgram builds the chapter's program in a temporary folder, or
// skips the test where it cannot be built or run.
func buildProgram(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no signals to send on Windows")
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
	return bin
}

// start starts bin with args, its stdout a pipe to read and its stderr
// kept in a buffer.
func start(t *testing.T, bin string, args []string) (*exec.Cmd, io.ReadCloser, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	errBuf := new(bytes.Buffer)
	cmd.Stderr = errBuf
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, pipe, errBuf
}

// closeAfter runs bin with args, reads its output line by line and closes
// the pipe when enough says so (as head does when it has its lines), then
// returns what it read, the program's stderr and its exit status.
func closeAfter(t *testing.T, bin string, args []string, enough func(lines int, line string) bool) (stdout, stderr string, code int) {
	t.Helper()
	cmd, pipe, errBuf := start(t, bin, args)
	killer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer killer.Stop()
	var out strings.Builder
	r := bufio.NewReader(pipe)
	for lines := 1; ; lines++ {
		line, err := r.ReadString('\n')
		out.WriteString(line)
		if err != nil {
			t.Fatalf("the program ended before the pipe was closed:\n%s\n%s", out.String(), errBuf.String())
		}
		if enough(lines, line) {
			break
		}
	}
	pipe.Close()
	cmd.Wait()
	return out.String(), errBuf.String(), exitStatus(cmd)
}

// exitStatus is the exit status of a finished command, or -1 if a signal
// killed it.
func exitStatus(cmd *exec.Cmd) int {
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1
	}
	return cmd.ProcessState.ExitCode()
}

// interrupt runs bin with args, sends it SIGINT `times` times once the
// epoch table's first row is printed (the second SIGINT right after the
// program says it is stopping), and returns what it printed and its exit
// status (-1 if a signal killed it).
func interrupt(t *testing.T, bin string, args []string, times int) (stdout, stderr string, code int) {
	return signalAfter(t, bin, args, os.Interrupt, times)
}

// signalAfter is interrupt with another signal.
func signalAfter(t *testing.T, bin string, args []string, sig os.Signal, times int) (stdout, stderr string, code int) {
	t.Helper()
	cmd, pipe, errBuf := start(t, bin, args)
	killer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer killer.Stop()

	var out strings.Builder
	r := bufio.NewReader(pipe)
	sent := 0
	for {
		line, err := r.ReadString('\n')
		out.WriteString(line)
		if sent == 0 && strings.HasPrefix(line, "    1  ") || sent == 1 && times > 1 && strings.HasSuffix(line, "): stopping\n") {
			if err := cmd.Process.Signal(sig); err != nil {
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
	err := cmd.Wait()
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
