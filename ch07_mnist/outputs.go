package main

// The files a training run writes: the figures (-svg DIR) and the model
// (-save FILE). Every one is checked before training starts, so that a long
// run never fails at its end for a reason it could have seen at its start;
// and they are written together, atomically: each in full under a temporary
// name first, and under their final names only once all of them are
// complete. A run that failed (diverged, or learned nothing) writes none.

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// modelStart is how every model file begins (nn.Save): -save replaces only
// a file that does, or an empty one.
const modelStart = "nnfromscratch-mlp"

// output is one file a training run writes.
type output struct {
	flag string // how messages name it: "-save digits.model", "-svg figures"
	path string
}

// outputs lists the files the run will write, the figures first, in the
// order of c.figures().
func (c *config) outputs() []output {
	var outs []output
	if c.svgDir != "" {
		for _, f := range c.figures() {
			outs = append(outs, output{"-svg " + c.svgDir, filepath.Join(c.svgDir, f)})
		}
	}
	if c.save != "" {
		outs = append(outs, output{"-save " + c.save, c.save})
	}
	return outs
}

// inputs lists the files the run reads: those of the data set (none for
// the bundled sample), and -model and -predict when given.
func (c *config) inputs(ds []string) []string {
	in := append([]string(nil), ds...)
	for _, p := range []string{c.model, c.predict} {
		if p != "" {
			in = append(in, p)
		}
	}
	return in
}

// checkOutputs fails fast when a file the run will write could not be
// written, or should not be: the figure's place is taken by something that
// is not an SVG image, -save names a folder, a device, a named pipe, a link
// or a file that is not a model, two outputs are the same file, or one is
// among inputs, the files the run reads.
func checkOutputs(cfg *config, inputs []string) error {
	outs := cfg.outputs()
	for i, o := range outs {
		for _, other := range outs[:i] {
			if samePath(o.path, other.path) {
				return fmt.Errorf("%s: is where %s writes a figure; give another name", o.flag, other.flag)
			}
		}
	}
	if cfg.svgDir != "" {
		// The folder, then what is in each figure's place.
		if err := cli.CheckDir(cfg.svgDir, cfg.figures()...); err != nil {
			return err
		}
		for _, f := range cfg.figures() {
			path := filepath.Join(cfg.svgDir, f)
			if err := atomicfile.CheckTarget(path, inputs...); err != nil { // (an input in its place)
				return fmt.Errorf("-svg %s: %s %v", cfg.svgDir, path, err)
			}
		}
	}
	if cfg.save != "" {
		if st, err := os.Stat(cfg.save); err == nil && st.IsDir() {
			return fmt.Errorf("-save %s: is a folder; give a file name, such as %s",
				cfg.save, filepath.Join(cfg.save, "digits.model"))
		}
		if err := atomicfile.CheckTarget(cfg.save, inputs...); err != nil {
			return fmt.Errorf("-save %s: %v", cfg.save, err)
		}
		if err := atomicfile.CheckKind(cfg.save, "a model file", modelStart); err != nil {
			return fmt.Errorf("-save %s: %v", cfg.save, err)
		}
	}
	return nil
}

// samePath reports whether two paths name the same place, as written
// (neither need exist yet) or, when both exist, as the same file.
func samePath(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	stA, errA := os.Stat(a)
	stB, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(stA, stB)
}

// figure is one SVG file that -svg DIR gets: its name, what it shows (for
// the line saying it was written) and the function that draws it.
type figure struct {
	file, what string
	draw       func(io.Writer) error
}

// writeOutputs writes the figures into -svg and the network to -save, each
// if asked, and says where. If one cannot be written, none is replaced.
func writeOutputs(w io.Writer, cfg *config, net *nn.MLP, figures []figure) error {
	var paths []string
	var fills []func(io.Writer) error
	var said []string
	if cfg.svgDir != "" {
		for _, f := range figures {
			path := filepath.Join(cfg.svgDir, f.file)
			paths, fills = append(paths, path), append(fills, f.draw)
			said = append(said, fmt.Sprintf("wrote %s to %s", f.what, path))
		}
	}
	if cfg.save != "" {
		paths, fills = append(paths, cfg.save), append(fills, net.Save)
		said = append(said, fmt.Sprintf("saved the network to %s; %s", cfg.save, useHint(cfg, net)))
	}
	if len(paths) == 0 {
		return nil
	}
	pending, err := atomicfile.PrepareAll(paths, fills)
	if err == nil {
		err = atomicfile.CommitAll(pending)
	}
	if err != nil {
		return fmt.Errorf("%v%s", err, notWritten(cfg))
	}
	for _, line := range said {
		fmt.Fprintln(w, line)
	}
	return nil
}

// useHint says how to use a saved model: on a digit of your own when it
// reads 28×28 digits (-predict accepts nothing else), and otherwise on the
// test images of its data.
func useHint(cfg *config, net *nn.MLP) string {
	model := shellWord(cfg.save)
	if net.Sizes[0] == side*side && net.Sizes[len(net.Sizes)-1] == digits && !strings.Contains(strings.ToLower(cfg.data), "fashion") {
		return "try it on your own digit:\n  go run ./ch07_mnist -model " + model + " -predict my7.png"
	}
	data := ""
	if cfg.data != "" {
		data = " -data " + shellWord(cfg.data)
	}
	return "evaluate it again with:\n  go run ./ch07_mnist -model " + model + " -eval" + data
}

// notWritten ends the message of a run that writes none of its files: what
// became of them. It is "" when none was asked for.
func notWritten(cfg *config) string {
	var kept []string
	for _, o := range cfg.outputs() {
		if _, err := os.Lstat(o.path); err == nil {
			kept = append(kept, o.path)
		}
	}
	switch {
	case len(cfg.outputs()) == 0:
		return ""
	case len(kept) == 0:
		return "; nothing was written"
	case len(kept) == 1:
		return "; nothing was written: " + kept[0] + " is left as it was"
	}
	return "; nothing was written: " + strings.Join(kept, " and ") + " are left as they were"
}

// shellWord writes a path so that a shell reads it back as one word, for
// the commands the program suggests: quoted when it holds anything but
// letters, digits and / . _ - + : , = @ %.
func shellWord(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+:,=@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
