package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nnfromscratch/internal/golden"
)

func TestGolden(t *testing.T) {
	out := golden.Run(t, run, "-seed", "1", "-epochs", "100")
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch01_perceptron.md", out)
}

func TestFigures(t *testing.T) {
	dir, out := golden.CheckFigures(t, run)
	if !strings.Contains(string(out), filepath.Join(dir, "ch01_xor.svg")) {
		t.Error("the output does not name the figures it wrote")
	}
}

func TestSameSeedSameOutput(t *testing.T) {
	if !bytes.Equal(golden.Run(t, run, "-seed", "7"), golden.Run(t, run, "-seed", "7")) {
		t.Error("two runs with -seed 7 print different output")
	}
}

// Every random start must converge on AND and OR, and never on XOR.
func TestLearningRuleOnManySeeds(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		start := randomPerceptron(rand.New(rand.NewPCG(seed, 0xC01)), 2)
		for _, tk := range []task{andTask, orTask} {
			r := train(start, tk, 0.1, 1000)
			if !r.converged || countWrong(r.final, tk) != 0 {
				t.Errorf("seed %d: %s did not converge in 1000 epochs", seed, tk.name)
			}
		}
		if r := train(start, xorTask, 0.1, 1000); r.converged {
			t.Errorf("seed %d: XOR converged, which no single perceptron can do", seed)
		}
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-epochs", "0"}, Want: "-epochs"},
		{Args: []string{"-epochs", "many"}, Want: "-epochs"},
		{Args: []string{"-lr", "-1"}, Want: "-lr"},
		{Args: []string{"-lr", "NaN"}, Want: "-lr"},
		{Args: []string{"-seed", "-3"}, Want: "-seed"},
		{Args: []string{"-svg", filepath.Join(os.DevNull, "nowhere")}, Want: "-svg"},
		{Args: []string{"extra"}, Want: "unexpected argument"},
		{Args: []string{"-nosuchflag"}, Want: "nosuchflag"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-epochs", "-lr", "-svg")
}
