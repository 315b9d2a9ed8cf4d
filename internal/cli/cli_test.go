package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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

// The first SIGINT cancels the context, with ErrInterrupted as its cause.
func TestSignalContext(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no SIGINT to send to oneself here")
	}
	ctx, stop := signalContext()
	defer stop()
	if ctx.Err() != nil {
		t.Fatal("cancelled before any signal")
	}
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := self.Signal(os.Interrupt); err != nil {
		t.Skipf("cannot send SIGINT: %v", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Minute):
		t.Fatal("SIGINT did not cancel the context")
	}
	if cause := context.Cause(ctx); cause != ErrInterrupted {
		t.Errorf("cause %v, want ErrInterrupted", cause)
	}
	// Without a signal, stop cancels the context with no cause of its own.
	ctx, stop = signalContext()
	stop()
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Errorf("after stop: cause %v, want context.Canceled", context.Cause(ctx))
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
	if err := CheckDir(dir); err != nil {
		t.Errorf("CheckDir(%s): %v", dir, err)
	}
	missing := filepath.Join(dir, "no", "such")
	if err := CheckDir(missing); err == nil || !strings.HasPrefix(err.Error(), "-svg "+missing+":") {
		t.Errorf("CheckDir of a missing folder: %v", err)
	}
}
