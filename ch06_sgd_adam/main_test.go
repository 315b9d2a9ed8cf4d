package main

import (
	"os"
	"path/filepath"
	"testing"

	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

func TestGolden(t *testing.T) {
	out := golden.Run(t, run)
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch06_sgd_adam.md", out)
}

func TestFigures(t *testing.T) {
	dir, _ := golden.CheckFigures(t, run)
	for _, name := range []string{raceFile, lossFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-epochs", "0"}, Want: "-epochs"},
		{Args: []string{"-epochs", "x"}, Want: "-epochs"},
		{Args: []string{"-batch", "0"}, Want: "-batch"},
		{Args: []string{"-batch", "-5"}, Want: "-batch"},
		{Args: []string{"-steps", "0"}, Want: "-steps"},
		{Args: []string{"-seed", "-1"}, Want: "-seed"},
		{Args: []string{"-full=maybe"}, Want: "-full"},
		{Args: []string{"-nosuch"}, Want: "nosuch"},
		{Args: []string{"extra"}, Want: "extra"},
		{Args: []string{"-svg", filepath.Join(t.TempDir(), "missing", "dir")}, Want: "-svg"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-svg", "-full", "-epochs", "-batch", "-steps")
}

// The silent failure of section 6 must not depend on a lucky seed.
func TestDeadNetworkAtChanceForSeveralSeeds(t *testing.T) {
	d, err := loadDigits(false)
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 3; seed++ {
		r, err := train(seed, d, &nn.SGD{LR: deadLR}, deadLR, 32, 2)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if acc := r.acc[len(r.acc)-1]; acc > 0.13 {
			t.Errorf("seed %d: SGD lr %g reached %.1f%%, not chance", seed, deadLR, 100*acc)
		}
		// nn.ChanceHint's advice, a tenth of the rate, must help.
		r, err = train(seed, d, &nn.SGD{LR: deadLR / 10}, deadLR/10, 32, 2)
		if err != nil {
			t.Fatalf("seed %d, lr %g: %v", seed, deadLR/10, err)
		}
		if acc := r.acc[len(r.acc)-1]; acc < 0.5 {
			t.Errorf("seed %d: SGD lr %g, the rate the hint suggests, reached only %.1f%%", seed, deadLR/10, 100*acc)
		}
	}
}
