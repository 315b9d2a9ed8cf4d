// Package cli holds what every chapter's program does the same way: parse
// flags (with -h listing them), report an error in one line, stop cleanly on
// Ctrl-C, and write its figures safely into the folder given by -svg.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"nnfromscratch/internal/atomicfile"
)

// Main is a chapter's main function: it calls run with the program's
// arguments and, if run fails, prints ErrorLine(name, err) on stderr and
// exits with ExitCode(err), which is 1.
func Main(name string, run func(w io.Writer, args []string) error) {
	exit(name, run(os.Stdout, os.Args[1:]))
}

// MainContext is Main for a program that Ctrl-C should stop cleanly rather
// than kill: run gets a context that the first Ctrl-C (SIGINT) cancels, with
// ErrInterrupted as its cause (context.Cause). The run then stops where it
// can, says what it reached, and returns an error wrapping ErrInterrupted, so
// that the program exits with status 130. The first Ctrl-C also gives the
// signal its default action back: a second one quits at once.
func MainContext(name string, run func(ctx context.Context, w io.Writer, args []string) error) {
	ctx, stop := signalContext()
	err := run(ctx, os.Stdout, os.Args[1:])
	stop()
	exit(name, err)
}

// signalContext returns a context cancelled by the first SIGINT, and the
// function that stops listening for it.
func signalContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			signal.Stop(sigs) // the next Ctrl-C has its default effect
			cancel(ErrInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// exit ends the program after run returned err.
func exit(name string, err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, ErrorLine(name, err))
		os.Exit(ExitCode(err))
	}
}

// ErrorLine is the one line Main and MainContext print on stderr when run
// fails: "ch07_mnist: -lr 0: the learning rate must be …".
func ErrorLine(name string, err error) string { return name + ": " + err.Error() }

// Stopped is an error saying that a signal stopped the run before its end.
// Wrapped anywhere in the error a run returns (fmt.Errorf("%w …", …)), it
// makes the program exit with Code instead of 1.
type Stopped struct {
	What string // how the error line says it: "interrupted"
	Code int    // the exit status: 128 + the signal's number, as shells report it
}

func (s *Stopped) Error() string { return s.What }

// ErrInterrupted is the cause of a run stopped by Ctrl-C (SIGINT, signal 2):
// exit status 130.
var ErrInterrupted = &Stopped{What: "interrupted", Code: 130}

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

// CheckDir returns an error, naming the -svg flag, unless files can be
// written into dir. Chapters call it before any work, so that a mistyped
// folder fails at once rather than after the computation. An empty dir means
// no figures were asked for: nothing to check.
func CheckDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := atomicfile.CheckWritable(filepath.Join(dir, "figure.svg")); err != nil {
		return fmt.Errorf("-svg %s: %w", dir, errors.Unwrap(err))
	}
	return nil
}

// WriteFigures writes each figure into dir, atomically, and prints one line
// "figure written: PATH" per file on w.
func WriteFigures(w io.Writer, dir string, figures ...Figure) error {
	for _, f := range figures {
		path := filepath.Join(dir, f.Name)
		if err := atomicfile.Write(path, f.SVG); err != nil {
			return err
		}
		fmt.Fprintln(w, "figure written:", path)
	}
	return nil
}
