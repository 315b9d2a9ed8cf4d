// Package cli holds what every chapter's program does the same way: parse
// flags (with -h listing them), report an error in one line, notice an
// output that cannot be written, stop cleanly on Ctrl-C, SIGTERM or a
// broken pipe, and write its figures safely into the folder given by -svg.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"nnfromscratch/internal/atomicfile"
)

// Main is a chapter's main function: it calls run with the program's
// arguments and standard output and, if run fails, prints ErrorLine(name,
// err) on stderr and exits with ExitCode(err), which is 1. If writing the
// output failed (stdout on a full disk, such as /dev/full), that is
// reported the same way once run returns, and the exit status is 1 too: a
// script never mistakes a run whose output was lost for a good one.
//
// A broken pipe (go run ./ch02_activations | head -3) ends such a program at
// once, quietly, with status 141, as for any Unix tool: it has nothing to
// save, so there is nothing to say.
func Main(name string, run func(w io.Writer, args []string) error) {
	out := &Output{w: os.Stdout}
	err := run(out, os.Args[1:])
	if err == nil {
		err = out.Err()
	}
	exit(name, err)
}

// MainContext is Main for a program that a signal should stop cleanly
// rather than kill: run gets a context that the first Ctrl-C (SIGINT) or
// SIGTERM (what kill, systemd and container runtimes send) cancels, with
// ErrInterrupted or ErrTerminated as its cause (context.Cause). The run then
// stops where it can, says what it reached, and returns an error wrapping
// the cause, so that the program exits with status 130 or 143. The first of
// these signals also gives them their default action back: a second one
// quits at once.
//
// The output is watched too (see Output): when a write to it fails, the
// context is cancelled in the same way, with the failure as its cause. A
// broken pipe (the reader of `| head -3` has gone) has ErrBrokenPipe, exit
// status 141, the status a shell reports for a program SIGPIPE killed; the
// program is not killed, so that it can finish what must be finished (save
// a model) and say on stderr, in one line, what it did.
func MainContext(name string, run func(ctx context.Context, w io.Writer, args []string) error) {
	ctx, stop := signalContext()
	err := RunContext(ctx, os.Stdout, os.Args[1:], run)
	stop()
	exit(name, err)
}

// RunContext runs run as MainContext does, with w as its output, and returns
// the error to report: run's own, or else the failure of a write to w. Tests
// call it to run a program with an output that fails.
func RunContext(ctx context.Context, w io.Writer, args []string, run func(ctx context.Context, w io.Writer, args []string) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	out := &Output{w: w, failed: cancel}
	err := run(ctx, out, args)
	if err == nil {
		err = out.Err()
	}
	return err
}

// Output is a program's standard output as Main and MainContext give it to
// run. Writes go through until one fails; that failure is kept (Err), the
// writes after it are dropped, and a MainContext run's context is cancelled
// with it as its cause, so that a long run stops as it would after Ctrl-C.
type Output struct {
	w      io.Writer
	failed func(cause error) // cancels the run's context; nil under Main

	mu  sync.Mutex // a program may write from several goroutines
	err *Stopped
}

// Write writes p, or reports the failure of an earlier write.
func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err != nil {
		o.err = outputFailure(err)
		if o.failed != nil {
			o.failed(o.err)
		}
	}
	return n, err
}

// File is the file the output goes to (os.Stdout), or nil when it is not a
// file: a program asks it whether its output is a terminal.
func (o *Output) File() *os.File {
	f, _ := o.w.(*os.File)
	return f
}

// Err is nil while every write has succeeded, and then the *Stopped saying
// why the output failed: ErrBrokenPipe, or a write error (exit status 1).
func (o *Output) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		return nil
	}
	return o.err
}

// outputFailure turns the error of a write to the output into a *Stopped.
func outputFailure(err error) *Stopped {
	if errors.Is(err, syscall.EPIPE) {
		return ErrBrokenPipe
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // "write /dev/stdout: …": the file is always the output
	}
	return &Stopped{What: "stopped", How: "cannot write the output: " + err.Error(), Code: 1, Output: true}
}

// signalContext returns a context cancelled by the first SIGINT or SIGTERM,
// or by a SIGPIPE, and the function that stops listening for them.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	stops := make(chan os.Signal, 1)
	signal.Notify(stops, stopSignals...)
	// Listening for SIGPIPE keeps the runtime from killing the program on
	// a write to a broken pipe: the write fails with EPIPE instead, which
	// Output reports. The signal itself says the same.
	pipes := make(chan os.Signal, 1)
	if pipeSignal != nil {
		signal.Notify(pipes, pipeSignal)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case sig := <-stops:
				signal.Stop(stops) // the next one has its default effect
				cancel(causeOf(sig))
			case <-pipes:
				cancel(ErrBrokenPipe)
			case <-done:
				return
			}
		}
	}()
	return ctx, func() {
		signal.Stop(stops)
		signal.Stop(pipes)
		close(done)
		cancel(nil)
	}
}

// causeOf is the cause a stopping signal gives the run's context.
func causeOf(sig os.Signal) *Stopped {
	if sig == os.Interrupt {
		return ErrInterrupted
	}
	return ErrTerminated
}

// exit ends the program after run returned err.
func exit(name string, err error) {
	if err == nil {
		return
	}
	line := ErrorLine(name, err)
	if s, ok := err.(*Stopped); ok {
		// The bare cause, with nothing of the run's to add: the output
		// failed in a run that otherwise went to its end.
		line = name + ": " + s.How
	}
	fmt.Fprintln(os.Stderr, line)
	os.Exit(ExitCode(err))
}

// ErrorLine is the one line Main and MainContext print on stderr when run
// fails: "ch07_mnist: -lr 0: the learning rate must be …".
func ErrorLine(name string, err error) string { return name + ": " + err.Error() }

// Stopped is an error saying that a signal, or an output that failed,
// stopped the run before its end. Wrapped anywhere in the error a run
// returns (fmt.Errorf("%w (%s) during …", s, s.How)), it makes the program
// exit with Code instead of 1.
type Stopped struct {
	What   string // how the error line says it: "interrupted"
	How    string // what did it, for the brackets after What: "Ctrl-C"
	Code   int    // the exit status: 128 + the signal's number, as shells report it
	Output bool   // the output is gone: nothing printed after this is seen
}

func (s *Stopped) Error() string { return s.What }

// Reason is What with How in brackets: "interrupted (Ctrl-C)".
func (s *Stopped) Reason() string { return s.What + " (" + s.How + ")" }

// The causes of a stopped run.
var (
	// ErrInterrupted: Ctrl-C (SIGINT, signal 2), exit status 130.
	ErrInterrupted = &Stopped{What: "interrupted", How: "Ctrl-C", Code: 130}
	// ErrTerminated: SIGTERM (signal 15), exit status 143.
	ErrTerminated = &Stopped{What: "terminated", How: "SIGTERM", Code: 143}
	// ErrBrokenPipe: the program's output is a pipe whose reader has gone
	// (SIGPIPE, signal 13), exit status 141.
	ErrBrokenPipe = &Stopped{What: "stopped", How: "broken pipe: the output was closed", Code: 141, Output: true}
)

// Cause is what stopped a run whose context is done: the *Stopped it was
// cancelled with, or ErrInterrupted when the context says no more (a test's
// context, cancelled by hand, stands for Ctrl-C).
func Cause(ctx context.Context) *Stopped {
	var s *Stopped
	if errors.As(context.Cause(ctx), &s) {
		return s
	}
	return ErrInterrupted
}

// ExitCode is the status a program exits with after its run returned err:
// 0 for nil, the Code of a *Stopped that err wraps, and 1 for every other
// failure.
func ExitCode(err error) int {
	var stopped *Stopped
	switch {
	case err == nil:
		return 0
	case errors.As(err, &stopped):
		return stopped.Code
	}
	return 1
}

// Parse parses args with fs. With -h or -help it prints a usage line and
// every flag with its default to w and reports help = true: the caller then
// returns nil. Arguments that are not flags are an error, since every
// setting of a chapter is a flag. Every error ends "(see -h)".
func Parse(fs *flag.FlagSet, w io.Writer, args []string) (help bool, err error) {
	fs.SetOutput(io.Discard) // errors are returned, not printed twice
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(w, "usage: go run ./%s [flags]\n", fs.Name())
			fs.SetOutput(w)
			fs.PrintDefaults()
			return true, nil
		}
		return false, fmt.Errorf("%v (see -h)", err)
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected argument %q: every setting is a flag (see -h)", fs.Arg(0))
	}
	return false, nil
}

// Figure is one SVG file a chapter writes: its file name and the function
// that draws it (nn.Plot's SVG method, for example).
type Figure struct {
	Name string
	SVG  func(w io.Writer) error
}

// CheckDir returns an error, naming the -svg flag, unless the figures can
// be written into dir: dir must be a folder one may write in, and each of
// the files named (the figures the program will write) must be absent or a
// regular file holding an SVG image, which a run may replace. Chapters call
// it before any work, so that a mistyped folder, or a folder in the way of a
// figure, fails at once rather than after the computation. An empty dir
// means no figures were asked for: nothing to check.
func CheckDir(dir string, names ...string) error {
	if dir == "" {
		return nil
	}
	if err := atomicfile.CheckFolder(dir); err != nil {
		return fmt.Errorf("-svg %s: %w", dir, err)
	}
	for _, name := range names {
		if err := CheckFigure(dir, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	return nil
}

// CheckFigure checks that path, a figure the -svg folder dir will receive,
// may be written: absent, or a regular file holding an SVG image. Anything
// else (a folder, a link, a device, a file of another kind) is in the way,
// and is never replaced.
func CheckFigure(dir, path string) error {
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		what := atomicfile.KindOf(st.Mode())
		if st.Mode()&fs.ModeSymlink != 0 {
			to, _ := os.Readlink(path)
			what += " (to " + to + ")"
		}
		return fmt.Errorf("-svg %s: %s is %s, in the way of the figure, which is only ever written as a regular file; move it away or choose another -svg folder", dir, path, what)
	}
	if err := atomicfile.CheckKind(path, "an SVG image", svgStarts...); err != nil {
		return fmt.Errorf("-svg %s: %s %v", dir, path, err)
	}
	return nil
}

// svgStarts are the ways an SVG file begins.
var svgStarts = []string{"<svg", "<?xml"}

// WriteFigures writes each figure into dir and prints one line "figure
// written: PATH" per file on w. The figures go together: each is first
// written in full under a temporary name, and only when all of them are
// written do they take their names; if one cannot be written, none is
// replaced, and the error says so.
func WriteFigures(w io.Writer, dir string, figures ...Figure) error {
	var paths []string
	var fills []func(io.Writer) error
	for _, f := range figures {
		path := filepath.Join(dir, f.Name)
		if err := CheckFigure(dir, path); err != nil {
			return fmt.Errorf("%w; no figure was written", err)
		}
		paths, fills = append(paths, path), append(fills, f.SVG)
	}
	pending, err := atomicfile.PrepareAll(paths, fills)
	if err == nil {
		err = atomicfile.CommitAll(pending)
	}
	if err != nil {
		return fmt.Errorf("-svg %s: %w; no figure was written", dir, err)
	}
	for _, p := range paths {
		fmt.Fprintln(w, "figure written:", p)
	}
	return nil
}
