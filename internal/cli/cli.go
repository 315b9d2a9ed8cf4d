// Package cli holds what every chapter's program does the same way: parse
// flags (with -h listing them), report an error in one line, and write its
// figures safely into the folder given by -svg.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"nnfromscratch/internal/atomicfile"
)

// Main is a chapter's main function: it calls run with the program's
// arguments and, if run fails, prints "name: error" as one line on stderr
// and exits with status 1.
func Main(name string, run func(w io.Writer, args []string) error) {
	if err := run(os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Parse parses args with fs. With -h or -help it prints a usage line and
// every flag with its default to w and reports help = true: the caller then
// returns nil. Arguments that are not flags are an error, since every
// setting of a chapter is a flag.
func Parse(fs *flag.FlagSet, w io.Writer, args []string) (help bool, err error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(w, "usage: go run ./%s [flags]\n", fs.Name())
			fs.SetOutput(w)
			fs.PrintDefaults()
			return true, nil
		}
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected argument %q (all settings are flags; see -h)", fs.Arg(0))
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
