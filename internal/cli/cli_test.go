package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
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

func newFlags() (*flag.FlagSet, *int) {
	fs := flag.NewFlagSet("ch00_demo", flag.ContinueOnError)
	n := fs.Int("n", 3, "how many")
	return fs, n
}

func TestParse(t *testing.T) {
	fs, n := newFlags()
	var out bytes.Buffer
	if help, err := Parse(fs, &out, []string{"-n", "5"}); help || err != nil || *n != 5 {
		t.Fatalf("Parse -n 5: help %v, err %v, n %d", help, err, *n)
	}
	fs, _ = newFlags()
	help, err := Parse(fs, &out, []string{"-h"})
	if !help || err != nil || !strings.Contains(out.String(), "go run ./ch00_demo") || !strings.Contains(out.String(), "-n") {
		t.Fatalf("Parse -h: help %v, err %v, usage %q", help, err, out.String())
	}
	if !strings.HasPrefix(out.String(), "usage: go run ./ch00_demo [flags]\n") {
		t.Errorf("-h does not start with the usage line:\n%s", out.String())
	}
	for _, c := range []struct{ args, want string }{
		{"extra", `unexpected argument "extra": every setting is a flag (see -h)`},
		{"-n many", `invalid value "many" for flag -n: parse error (see -h)`},
		{"-frobnicate", "flag provided but not defined: -frobnicate (see -h)"},
	} {
		fs, _ = newFlags()
		if _, err := Parse(fs, &out, strings.Fields(c.args)); err == nil || err.Error() != c.want {
			t.Errorf("%s: err %v, want %q", c.args, err, c.want)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("-lr 0: must be positive"), 1},
		{ErrInterrupted, 130},
		{fmt.Errorf("%w (Ctrl-C) during epoch 2", ErrInterrupted), 130},
		{fmt.Errorf("%w (SIGTERM) during epoch 2", ErrTerminated), 143},
		{fmt.Errorf("%w (%s) before training started", ErrBrokenPipe, ErrBrokenPipe.How), 141},
		{outputFailure(syscall.ENOSPC), 1},
		{&Stopped{What: "terminated", Code: 143}, 143},
	} {
		if got := ExitCode(c.err); got != c.want {
			t.Errorf("ExitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	err := fmt.Errorf("%w (Ctrl-C) during epoch 2", ErrInterrupted)
	if got, want := ErrorLine("ch00_demo", err), "ch00_demo: interrupted (Ctrl-C) during epoch 2"; got != want {
		t.Errorf("ErrorLine = %q, want %q", got, want)
	}
}

// The first SIGINT or SIGTERM cancels the context, with ErrInterrupted or
// ErrTerminated as its cause; so does a SIGPIPE, with ErrBrokenPipe.
func TestSignalContext(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no signals to send to oneself here")
	}
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		sig  os.Signal
		want *Stopped
	}{
		{os.Interrupt, ErrInterrupted},
		{syscall.SIGTERM, ErrTerminated},
		{syscall.SIGPIPE, ErrBrokenPipe},
	} {
		ctx, stop := signalContext()
		if ctx.Err() != nil {
			t.Fatal("cancelled before any signal")
		}
		if err := self.Signal(c.sig); err != nil {
			t.Skipf("cannot send %v: %v", c.sig, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute):
			t.Fatalf("%v did not cancel the context", c.sig)
		}
		if cause := context.Cause(ctx); cause != c.want {
			t.Errorf("%v: cause %v, want %v", c.sig, cause, c.want)
		}
		if got := Cause(ctx); got != c.want {
			t.Errorf("%v: Cause = %v, want %v", c.sig, got, c.want)
		}
		stop()
	}
	// Without a signal, stop cancels the context with no cause of its own;
	// Cause then stands for Ctrl-C, as for a test's context cancelled by hand.
	ctx, stop := signalContext()
	stop()
	if !errors.Is(context.Cause(ctx), context.Canceled) || Cause(ctx) != ErrInterrupted {
		t.Errorf("after stop: cause %v, want context.Canceled", context.Cause(ctx))
	}
}

// failing is a writer whose writes fail with err once ok bytes are written.
type failing struct {
	ok    int
	err   error
	wrote bytes.Buffer
	calls int
}

func (f *failing) Write(p []byte) (int, error) {
	f.calls++
	if f.wrote.Len()+len(p) > f.ok {
		return 0, f.err
	}
	return f.wrote.Write(p)
}

// An output that fails cancels the run's context with the failure as its
// cause, drops what comes after, and is reported when the run itself ends
// well.
func TestRunContextOutputFails(t *testing.T) {
	for _, c := range []struct {
		err      error
		want     string
		code     int
		pipeGone bool
	}{
		{&os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}, "cannot write the output: no space left on device", 1, false},
		{&os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}, "broken pipe: the output was closed", 141, true},
	} {
		out := &failing{ok: 6, err: c.err}
		var cause *Stopped
		err := RunContext(context.Background(), out, nil, func(ctx context.Context, w io.Writer, _ []string) error {
			fmt.Fprintln(w, "first") // 6 bytes: fine
			if ctx.Err() != nil {
				t.Error("cancelled after a good write")
			}
			fmt.Fprintln(w, "second") // fails
			fmt.Fprintln(w, "third")  // dropped
			if ctx.Err() == nil {
				t.Error("a failed write did not cancel the context")
			}
			cause = Cause(ctx)
			return nil
		})
		var s *Stopped
		if !errors.As(err, &s) || s.How != c.want || ExitCode(err) != c.code || s.Output != true {
			t.Errorf("%v: RunContext returned %#v (exit %d), want %q, exit %d", c.err, err, ExitCode(err), c.want, c.code)
		}
		if cause != s {
			t.Errorf("%v: the context's cause %v is not the error returned", c.err, cause)
		}
		if out.wrote.String() != "first\n" || out.calls != 2 {
			t.Errorf("%v: %d writes reached the output, which holds %q", c.err, out.calls, out.wrote.String())
		}
		if c.pipeGone != (s == ErrBrokenPipe) {
			t.Errorf("%v: taken for a broken pipe: %v", c.err, s == ErrBrokenPipe)
		}
	}
	// The run's own error wins over the output's.
	own := errors.New("-lr 0: must be positive")
	err := RunContext(context.Background(), &failing{err: syscall.ENOSPC}, nil, func(_ context.Context, w io.Writer, _ []string) error {
		fmt.Fprintln(w, "lost")
		return own
	})
	if err != own {
		t.Errorf("RunContext returned %v, want the run's error", err)
	}
}

// The program's own line for each failure, and its exit status: run the
// test binary as a program whose output is /dev/full.
func TestMainReportsWriteErrors(t *testing.T) {
	if os.Getenv("CLI_TEST_MAIN") != "" {
		Main("ch00_demo", func(w io.Writer, _ []string) error {
			fmt.Fprintln(w, "a line nobody will read")
			return nil
		})
		os.Exit(0)
	}
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full here")
	}
	defer full.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestMainReportsWriteErrors$")
	cmd.Env = append(os.Environ(), "CLI_TEST_MAIN=1")
	cmd.Stdout = full
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cmd.ProcessState == nil {
		t.Skipf("cannot run the test program again here: %v", err) // under an emulator
	}
	if cmd.ProcessState.ExitCode() != 1 || stderr.String() != "ch00_demo: cannot write the output: no space left on device\n" {
		t.Errorf("exit %v, stderr %q; want exit 1 and the one line", err, stderr.String())
	}
}

func TestFigures(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	fig := Figure{"a.svg", func(w io.Writer) error { _, err := io.WriteString(w, "<svg/>"); return err }}
	if err := WriteFigures(&out, dir, fig); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "a.svg"))
	if err != nil || string(b) != "<svg/>" || !strings.Contains(out.String(), "figure written: ") {
		t.Errorf("read %q, %v; printed %q", b, err, out.String())
	}
	if err := CheckDir(""); err != nil {
		t.Errorf("CheckDir(\"\") (no -svg given): %v", err)
	}
	if err := CheckDir(dir, "a.svg", "b.svg"); err != nil {
		t.Errorf("CheckDir(%s): %v", dir, err)
	}
	missing := filepath.Join(dir, "no", "such")
	if err := CheckDir(missing); err == nil || !strings.HasPrefix(err.Error(), "-svg "+missing+":") {
		t.Errorf("CheckDir of a missing folder: %v", err)
	}
}

// The figures go together: when one cannot be written, none is replaced,
// and no temporary file stays behind. Checked before any is written: a
// folder or a file that is not an SVG image in the way of one.
func TestFiguresAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	old := []byte("<svg>old</svg>")
	for _, name := range []string{"a.svg", "c.svg"} {
		if err := os.WriteFile(filepath.Join(dir, name), old, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	draw := func(w io.Writer) error { _, err := io.WriteString(w, "<svg>new</svg>"); return err }
	boom := errors.New("the plot has no points")
	fail := func(w io.Writer) error { io.WriteString(w, "<svg>half"); return boom }
	notes := filepath.Join(dir, "notes.svg")
	if err := os.WriteFile(notes, []byte("my notes\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "b.svg"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		figures []Figure
		want    string // the error starts so; "" for errors.Is(boom)
	}{
		{[]Figure{{"a.svg", draw}, {"x.svg", fail}, {"c.svg", draw}}, ""},
		{[]Figure{{"a.svg", draw}, {"b.svg", draw}}, "-svg " + dir + ": " + filepath.Join(dir, "b.svg") + " is a folder, in the way of the figure"},
		{[]Figure{{"a.svg", draw}, {"notes.svg", draw}}, "-svg " + dir + ": " + notes + " holds something that is not an SVG image (it starts with \"my notes\")"},
	} {
		var out bytes.Buffer
		err := WriteFigures(&out, dir, c.figures...)
		switch {
		case err == nil:
			t.Errorf("%v: no error", c.figures)
		case c.want == "" && !errors.Is(err, boom), c.want != "" && !strings.HasPrefix(err.Error(), c.want):
			t.Errorf("error %q, want it to start %q", err, c.want)
		case !strings.HasSuffix(err.Error(), "; no figure was written"):
			t.Errorf("error %q does not say that no figure was written", err)
		}
		if out.Len() > 0 {
			t.Errorf("printed %q", out.String())
		}
		for _, name := range []string{"a.svg", "c.svg"} {
			if b, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(b, old) {
				t.Errorf("%s was replaced: %q", name, b)
			}
		}
		entries, _ := os.ReadDir(dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if got := strings.Join(names, " "); got != "a.svg b.svg c.svg notes.svg" {
			t.Errorf("the folder holds %s", got)
		}
	}
	if err := CheckDir(dir, "a.svg", "b.svg"); err == nil || !strings.Contains(err.Error(), "is a folder, in the way of the figure") {
		t.Errorf("CheckDir with a folder in the way: %v", err)
	}
}
