// Package golden compares a chapter's output with the files committed beside
// it: testdata/*.golden, the output block in the chapter's doc (and in its
// Chinese twin in docs/zh), and the SVG figures in docs/img. Run `go test ./chNN_topic -update` to rewrite them
// after a deliberate change, then review the diff like code.
package golden

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files, doc output blocks and figures from the current output")

// Updating reports whether the test binary runs with -update.
func Updating() bool { return *update }

// Check compares got with testdata/name.golden (or rewrites it with -update).
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test -update` once to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s\n(if the change is intended, run `go test -update` and review the diff)", path, diff(string(want), string(got)))
	}
}

// The doc's output block is the text between these two lines.
const (
	beginMark = "<!-- output:begin -->"
	endMark   = "<!-- output:end -->"
)

// CheckDoc checks that the doc at docPath holds got between the output
// markers, inside a ```text fence (or rewrites that block with -update). It
// does the same for the doc's Chinese twin, docs/zh/<the same name>, once that
// page exists: the Chinese edition shows the program's output unchanged, in
// English. Until then the Chinese check is skipped with a line naming the page.
func CheckDoc(t testing.TB, docPath string, got []byte) {
	t.Helper()
	checkDocBlock(t, docPath, got)
	zh := filepath.Join(filepath.Dir(docPath), "zh", filepath.Base(docPath))
	check := func(t testing.TB) {
		t.Helper()
		if _, err := os.Stat(zh); errors.Is(err, fs.ErrNotExist) {
			t.Skipf("%s does not exist yet: its output block is checked once the page is written", zh)
		}
		checkDocBlock(t, zh, got)
	}
	if tt, ok := t.(*testing.T); ok {
		tt.Run("zh", func(t *testing.T) { check(t) })
		return
	}
	check(t)
}

// checkDocBlock checks (or with -update rewrites) the output block of one doc.
func checkDocBlock(t testing.TB, docPath string, got []byte) {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, beginMark), strings.Index(s, endMark)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s … %s block for the chapter's output", docPath, beginMark, endMark)
	}
	block := "\n```text\n" + string(got) + "```\n"
	if *update {
		s = s[:i+len(beginMark)] + block + s[j:]
		if err := os.WriteFile(docPath, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if have := s[i+len(beginMark) : j]; have != block {
		t.Errorf("the output block of %s differs from what the chapter prints:\n%s\n(run `go test -update` to copy it in)", docPath, diff(have, block))
	}
}

// CheckFiles checks that every file written into gotDir equals the file of
// the same name in wantDir (or copies them there with -update).
func CheckFiles(t testing.TB, gotDir, wantDir string) {
	t.Helper()
	entries, err := os.ReadDir(gotDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatalf("no files written to %s", gotDir)
	}
	for _, e := range entries {
		got, err := os.ReadFile(filepath.Join(gotDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want := filepath.Join(wantDir, e.Name())
		if *update {
			if err := os.WriteFile(want, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		have, err := os.ReadFile(want)
		if err != nil {
			t.Errorf("%v (run `go test -update` to write the figure)", err)
			continue
		}
		if !bytes.Equal(have, got) {
			t.Errorf("%s differs from what the chapter draws now (run `go test -update`)", want)
		}
	}
}

// diff shows the first differing line of want and got with a little context.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return "first difference at line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return "(no line differs)"
}

// Run calls a chapter's run function with args and returns what it printed,
// failing the test if it returns an error.
func Run(t testing.TB, run func(w io.Writer, args []string) error, args ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := run(&buf, args); err != nil {
		t.Fatalf("run %q: %v", args, err)
	}
	return buf.Bytes()
}

// CheckFigures runs the chapter with args and -svg into a temporary folder,
// and checks every figure it writes against the committed one in ../docs/img.
// It returns the temporary folder and what the run printed.
func CheckFigures(t testing.TB, run func(w io.Writer, args []string) error, args ...string) (dir string, out []byte) {
	t.Helper()
	dir = t.TempDir()
	out = Run(t, run, append(args, "-svg", dir)...)
	CheckFiles(t, dir, filepath.Join("..", "docs", "img"))
	return dir, out
}

// BadFlag is a command line a chapter must refuse, and a word its error must
// contain.
type BadFlag struct {
	Args []string
	Want string
}

// CheckBadFlags runs each case and checks that it fails with a one-line
// error containing Want, and that nothing was printed before the failure.
func CheckBadFlags(t *testing.T, run func(w io.Writer, args []string) error, cases ...BadFlag) {
	t.Helper()
	for _, c := range cases {
		t.Run(strings.Join(c.Args, " "), func(t *testing.T) {
			var buf bytes.Buffer
			err := run(&buf, c.Args)
			if err == nil {
				t.Fatalf("run %q: no error, want one mentioning %s", c.Args, c.Want)
			}
			if msg := err.Error(); !strings.Contains(msg, c.Want) || strings.Contains(msg, "\n") {
				t.Errorf("run %q: error %q, want one line mentioning %s", c.Args, msg, c.Want)
			}
			if buf.Len() > 0 {
				t.Errorf("run %q printed output before failing:\n%s", c.Args, buf.String())
			}
		})
	}
}

// CheckHelp runs the chapter with -h and checks that it succeeds and lists
// every flag named.
func CheckHelp(t *testing.T, run func(w io.Writer, args []string) error, flags ...string) {
	t.Helper()
	out := string(Run(t, run, "-h"))
	for _, f := range flags {
		if !strings.Contains(out, f) {
			t.Errorf("-h does not list %s:\n%s", f, out)
		}
	}
}
