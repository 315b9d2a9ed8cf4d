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
	var buf bytes.Buffer
	if err := run(&buf, nil); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "run", buf.Bytes())
	golden.CheckDoc(t, "../docs/ch05_backprop.md", buf.Bytes())
}

func TestFigures(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := run(&buf, []string{"-svg", dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, regionsFile)); err != nil {
		t.Fatal(err)
	}
	golden.CheckFiles(t, dir, "../docs/img")
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
	var buf bytes.Buffer
	if err := run(&buf, []string{"-h"}); err != nil {
		t.Fatalf("-h: %v", err)
	}
	for _, flag := range []string{"-seed", "-svg", "-lr", "-steps"} {
		if !strings.Contains(buf.String(), flag) {
			t.Errorf("-h does not list %s:\n%s", flag, buf.String())
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
