package cli

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func newFlags() (*flag.FlagSet, *int) {
	fs := flag.NewFlagSet("ch00_demo", flag.ContinueOnError)
	n := fs.Int("n", 3, "how many")
	return fs, n
}

func TestParse(t *testing.T) {
	fs, n := newFlags()
	var out bytes.Buffer
	if help, err := Parse(fs, &out, []string{"-n", "5"}); help || err != nil || *n != 5 {
		t.Fatalf("Parse -n 5: help %v, err %v, n %d", help, err, *n)
	}
	fs, _ = newFlags()
	help, err := Parse(fs, &out, []string{"-h"})
	if !help || err != nil || !strings.Contains(out.String(), "go run ./ch00_demo") || !strings.Contains(out.String(), "-n") {
		t.Fatalf("Parse -h: help %v, err %v, usage %q", help, err, out.String())
	}
	fs, _ = newFlags()
	if _, err := Parse(fs, &out, []string{"extra"}); err == nil || !strings.Contains(err.Error(), `"extra"`) {
		t.Errorf("a stray argument: err %v", err)
	}
	fs, _ = newFlags()
	if _, err := Parse(fs, &out, []string{"-n", "many"}); err == nil || !strings.Contains(err.Error(), "-n") {
		t.Errorf("-n many: err %v, want one naming -n", err)
	}
}

func TestFigures(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	fig := Figure{"a.svg", func(w io.Writer) error { _, err := io.WriteString(w, "<svg/>"); return err }}
	if err := WriteFigures(&out, dir, fig); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "a.svg"))
	if err != nil || string(b) != "<svg/>" || !strings.Contains(out.String(), "figure written: ") {
		t.Errorf("read %q, %v; printed %q", b, err, out.String())
	}
	if err := CheckDir(""); err != nil {
		t.Errorf("CheckDir(\"\") (no -svg given): %v", err)
	}
	if err := CheckDir(dir); err != nil {
		t.Errorf("CheckDir(%s): %v", dir, err)
	}
	missing := filepath.Join(dir, "no", "such")
	if err := CheckDir(missing); err == nil || !strings.HasPrefix(err.Error(), "-svg "+missing+":") {
		t.Errorf("CheckDir of a missing folder: %v", err)
	}
}
