package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
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
	for _, tc := range []struct {
		args []string
		want string // the error must mention this
	}{
		{[]string{"-epochs", "0"}, "-epochs"},
		{[]string{"-epochs", "x"}, "-epochs"},
		{[]string{"-batch", "0"}, "-batch"},
		{[]string{"-batch", "-5"}, "-batch"},
		{[]string{"-steps", "0"}, "-steps"},
		{[]string{"-seed", "-1"}, "-seed"},
		{[]string{"-full=maybe"}, "-full"},
		{[]string{"-nosuch"}, "nosuch"},
		{[]string{"extra"}, "extra"},
		{[]string{"-svg", filepath.Join(t.TempDir(), "missing", "dir")}, "-svg"},
	} {
		var buf bytes.Buffer
		err := run(&buf, tc.args)
		if err == nil {
			t.Errorf("run %q: no error", tc.args)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("run %q: error %q should be one line mentioning %s", tc.args, err, tc.want)
		}
		if buf.Len() > 0 {
			t.Errorf("run %q printed output before failing:\n%s", tc.args, buf.String())
		}
	}
}

func TestHelp(t *testing.T) {
	out := string(golden.Run(t, run, "-h"))
	for _, flag := range []string{"-seed", "-svg", "-full", "-epochs", "-batch", "-steps"} {
		if !strings.Contains(out, flag) {
			t.Errorf("-h does not list %s:\n%s", flag, out)
		}
	}
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
	}
}
