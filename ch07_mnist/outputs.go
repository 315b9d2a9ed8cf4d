package main

// The files a training run writes: the figures (-svg DIR) and the model
// (-save FILE). Both places are checked before training starts, and every
// file is written atomically: under its final name only once complete.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/nn"
)

// checkOutputs fails fast when -save or -svg could not be written.
func checkOutputs(cfg *config) error {
	if cfg.save != "" {
		if st, err := os.Stat(cfg.save); err == nil && st.IsDir() {
			return fmt.Errorf("-save %s: is a folder; give a file name, such as %s",
				cfg.save, filepath.Join(cfg.save, "digits.model"))
		}
		if err := atomicfile.CheckWritable(cfg.save); err != nil {
			return outputError("-save "+cfg.save, filepath.Dir(cfg.save), err)
		}
	}
	if cfg.svgDir != "" {
		if err := atomicfile.CheckWritable(filepath.Join(cfg.svgDir, curvesFile)); err != nil {
			return outputError("-svg "+cfg.svgDir, cfg.svgDir, err)
		}
	}
	return nil
}

// outputError explains why nothing can be written in dir, and what to do.
func outputError(flag, dir string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: the folder %s does not exist; create it first (mkdir -p %s) or choose another", flag, dir, dir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("%s: %s is not a folder (a file is in the way); choose another place", flag, dir)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%s: cannot write in the folder %s (%v); choose a folder you can write to", flag, dir, errors.Unwrap(err))
	}
	return fmt.Errorf("%s: %v", flag, err)
}

// figure is one SVG file that -svg DIR gets: its name, what it shows (for
// the line saying it was written) and the function that draws it.
type figure struct {
	file, what string
	draw       func(io.Writer) error
}

// writeOutputs writes the figures into -svg and the network to -save, each
// if asked, and says where.
func writeOutputs(w io.Writer, cfg *config, net *nn.MLP, figures []figure) error {
	if cfg.svgDir != "" {
		for _, f := range figures {
			path := filepath.Join(cfg.svgDir, f.file)
			if err := atomicfile.Write(path, f.draw); err != nil {
				return fmt.Errorf("-svg: %v", err)
			}
			fmt.Fprintf(w, "wrote %s to %s\n", f.what, path)
		}
	}
	if cfg.save != "" {
		if err := atomicfile.Write(cfg.save, net.Save); err != nil {
			return fmt.Errorf("-save: %v", err)
		}
		fmt.Fprintf(w, "saved the network to %s; try it on your own digit:\n  go run ./ch07_mnist -model %s -predict my7.png\n",
			cfg.save, cfg.save)
	}
	return nil
}
