package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nnfromscratch/internal/golden"
)

func TestGolden(t *testing.T) {
	out := golden.Run(t, run)
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch05_backprop.md", out)
}

func TestFigures(t *testing.T) {
	dir, _ := golden.CheckFigures(t, run)
	if _, err := os.Stat(filepath.Join(dir, regionsFile)); err != nil {
		t.Error(err)
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-lr", "0"}, Want: "-lr"},
		{Args: []string{"-lr", "-1"}, Want: "-lr"},
		{Args: []string{"-lr", "abc"}, Want: "-lr"},
		{Args: []string{"-steps", "0"}, Want: "-steps"},
		{Args: []string{"-seed", "x"}, Want: "-seed"},
		{Args: []string{"-nosuch"}, Want: "nosuch"},
		{Args: []string{"extra"}, Want: "extra"},
		{Args: []string{"-svg", filepath.Join(t.TempDir(), "missing", "dir")}, Want: "-svg"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-svg", "-lr", "-steps")
}

// Training diverges with an absurd learning rate: one clear error, no NaN table.
func TestDivergence(t *testing.T) {
	var buf bytes.Buffer
	err := run(&buf, []string{"-lr", "1e6"})
	if err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("-lr 1e6: got %v, want a divergence error", err)
	}
}
