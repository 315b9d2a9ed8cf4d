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
	out := golden.Run(t, run, "-seed", "1", "-depth", "10")
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch02_activations.md", out)
}

func TestFigures(t *testing.T) {
	dir, out := golden.CheckFigures(t, run)
	if !strings.Contains(string(out), filepath.Join(dir, "ch02_activations.svg")) {
		t.Error("the output does not name the figures it wrote")
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-depth", "2"}, Want: "-depth"},
		{Args: []string{"-depth", "1000"}, Want: "-depth"},
		{Args: []string{"-depth", "deep"}, Want: "-depth"},
		{Args: []string{"-seed", "x"}, Want: "-seed"},
		{Args: []string{"-svg", filepath.Join(os.DevNull, "nowhere")}, Want: "-svg"},
		{Args: []string{"extra"}, Want: "unexpected argument"},
		{Args: []string{"-nosuchflag"}, Want: "nosuchflag"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-depth", "-svg")
}

// The sigmoid stack must lose far more than 0.25^5 of its gradient five
// layers down, whatever the seed; ReLU must not.
func TestVanishingOnOtherSeeds(t *testing.T) {
	for seed := uint64(2); seed <= 6; seed++ {
		var buf bytes.Buffer
		g, err := vanishing(&buf, config{seed: seed, depth: 10})
		if err != nil {
			t.Fatal(err)
		}
		n := len(g.means["sigmoid"])
		sig := g.means["sigmoid"][n-6] / g.means["sigmoid"][n-1]
		relu := g.means["relu"][n-6] / g.means["relu"][n-1]
		if sig > 0.00098 || relu < 0.01 {
			t.Errorf("seed %d: five layers down, sigmoid keeps %.2e and relu %.2e of the output layer's gradient", seed, sig, relu)
		}
	}
}
