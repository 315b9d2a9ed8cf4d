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
	for _, tc := range []struct {
		args []string
		want string // the error must mention this
	}{
		{[]string{"-lr", "0"}, "-lr"},
		{[]string{"-lr", "-1"}, "-lr"},
		{[]string{"-lr", "abc"}, "-lr"},
		{[]string{"-steps", "0"}, "-steps"},
		{[]string{"-seed", "x"}, "-seed"},
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
	for _, flag := range []string{"-seed", "-svg", "-lr", "-steps"} {
		if !strings.Contains(out, flag) {
			t.Errorf("-h does not list %s:\n%s", flag, out)
		}
	}
}

// Training diverges with an absurd learning rate: one clear error, no NaN table.
func TestDivergence(t *testing.T) {
	var buf bytes.Buffer
	err := run(&buf, []string{"-lr", "1e6"})
	if err == nil || !strings.Contains(err.Error(), "diverged") {
		t.Fatalf("-lr 1e6: got %v, want a divergence error", err)
	}
}
