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
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-epochs", "0"}, "-epochs"},
		{[]string{"-epochs", "many"}, "-epochs"},
		{[]string{"-lr", "-1"}, "-lr"},
		{[]string{"-lr", "NaN"}, "-lr"},
		{[]string{"-seed", "-3"}, "-seed"},
		{[]string{"-svg", filepath.Join(os.DevNull, "nowhere")}, "-svg"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"-nosuchflag"}, "nosuchflag"},
	} {
		var buf bytes.Buffer
		err := run(&buf, c.args)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run %q: error %v, want one mentioning %s", c.args, err, c.want)
		}
	}
}

func TestHelp(t *testing.T) {
	out := string(golden.Run(t, run, "-h"))
	for _, f := range []string{"-seed", "-epochs", "-lr", "-svg"} {
		if !strings.Contains(out, f) {
			t.Errorf("-h does not list %s:\n%s", f, out)
		}
	}
}
