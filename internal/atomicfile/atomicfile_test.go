package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

func TestWriteCreatesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "out.txt")
	if err := WriteBytes(p, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "hello" {
		t.Fatalf("read back %q, %v; want hello", b, err)
	}
	if runtime.GOOS != "windows" {
		wantMode(t, p, 0o644)
	}
}

func TestWriteFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "old" {
		t.Fatalf("target now holds %q, want the old content kept", b)
	}
	wantEntries(t, dir, "out.txt") // the temporary file is gone
}

func TestMissingDirectory(t *testing.T) {
	p := filepath.Join(t.TempDir(), "no", "such", "dir", "m.txt")
	if err := CheckWritable(p); err == nil {
		t.Fatal("CheckWritable into a missing directory: no error")
	}
	if err := WriteBytes(p, nil); err == nil {
		t.Fatal("Write into a missing directory: no error")
	}
}

// A file Write replaces keeps its permissions: a private model stays
// private.
func TestWriteKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	for _, mode := range []fs.FileMode{0o600, 0o640, 0o755, 0o444} {
		p := filepath.Join(t.TempDir(), "model")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := WriteBytes(p, []byte("new")); err != nil {
			t.Fatal(err)
		}
		wantMode(t, p, mode)
		if b, _ := os.ReadFile(p); string(b) != "new" {
			t.Errorf("mode %o: file holds %q, want new", mode, b)
		}
	}
}

// Write refuses to replace anything that is not a regular file, and leaves
// it exactly as it was.
func TestWriteRefusesSpecialTargets(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.model")
	if err := os.WriteFile(real, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path string
		want string
	}{
		{folder, "cannot write " + folder + ": is a folder; give a file name"},
	}
	link := filepath.Join(dir, "link.model")
	if err := os.Symlink(real, link); err == nil {
		cases = append(cases, struct{ path, want string }{link,
			"cannot write " + link + ": is a symbolic link (to " + real + "); files are never written through a link: give the file's own path, or remove the link"})
	}
	if fifo := makeFIFO(t, dir, "pipe"); fifo != "" {
		cases = append(cases, struct{ path, want string }{fifo,
			"cannot write " + fifo + ": is a named pipe (FIFO), not a regular file, and is never replaced; give the name of a file"})
	}
	before := entries(t, dir)
	for _, c := range cases {
		err := WriteBytes(c.path, []byte("new"))
		if err == nil || err.Error() != c.want {
			t.Errorf("Write(%s):\n got %v\nwant %s", c.path, err, c.want)
		}
		// CheckWritable, called before the work, says the same.
		if err := CheckWritable(c.path); err == nil || err.Error() != c.want {
			t.Errorf("CheckWritable(%s):\n got %v\nwant %s", c.path, err, c.want)
		}
	}
	if after := entries(t, dir); after != before {
		t.Errorf("the folder changed: %s, then %s", before, after)
	}
	if b, _ := os.ReadFile(real); string(b) != "keep me" {
		t.Errorf("the link's target now holds %q", b)
	}
	if st, err := os.Lstat(link); err == nil && st.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a %v", st.Mode())
	}
}

func TestCheckTarget(t *testing.T) {
	dir := t.TempDir()
	input := filepath.Join(dir, "data.csv")
	if err := os.WriteFile(input, []byte("1,2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(dir, "old.model")
	if err := os.WriteFile(old, []byte("a model"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// Good targets: absent, or a regular file that is not an input.
	for _, p := range []string{filepath.Join(dir, "new.model"), old} {
		if err := CheckTarget(p, input, filepath.Join(dir, "no-such-input")); err != nil {
			t.Errorf("CheckTarget(%s): %v", p, err)
		}
	}

	type tc struct{ path, want string }
	missing := filepath.Join(dir, "models")
	cases := []tc{
		{dir, "is a folder; give a file name"},
		{filepath.Join(missing, "d.model"), "the folder " + missing + " does not exist; create it first (mkdir -p " + missing + ") or choose another"},
		{filepath.Join(file, "d.model"), file + " is not a folder (a file is in the way); choose another place"},
		{input, "is also an input of this run; writing it would destroy what is being read: choose another name"},
	}
	if runtime.GOOS != "windows" {
		cases = append(cases, tc{"/dev/null", "is a device, not a regular file, and is never replaced; give the name of a file"})
	}
	if err := os.Link(input, filepath.Join(dir, "same.csv")); err == nil {
		cases = append(cases, tc{filepath.Join(dir, "same.csv"),
			"is the same file as " + input + ", an input of this run; writing it would destroy what is being read: choose another name"})
	}
	if err := os.Symlink(old, filepath.Join(dir, "link.model")); err == nil {
		cases = append(cases, tc{filepath.Join(dir, "link.model"),
			"is a symbolic link (to " + old + "); files are never written through a link: give the file's own path, or remove the link"})
	}
	if fifo := makeFIFO(t, dir, "pipe"); fifo != "" {
		cases = append(cases, tc{fifo, "is a named pipe (FIFO), not a regular file, and is never replaced; give the name of a file"})
	}
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		locked := filepath.Join(dir, "locked")
		if err := os.Mkdir(locked, 0o555); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{filepath.Join(locked, "d.model"), "cannot write in the folder " + locked + " (permission denied); choose a folder you can write to"})
	}
	before := entries(t, dir)
	for _, c := range cases {
		err := CheckTarget(c.path, input)
		if err == nil || err.Error() != c.want {
			t.Errorf("CheckTarget(%s):\n got %v\nwant %s", c.path, err, c.want)
		}
	}
	// The same input named another way.
	if err := CheckTarget(input, dir+string(filepath.Separator)+"."+string(filepath.Separator)+"data.csv"); err == nil || !strings.Contains(err.Error(), "is the same file as") {
		t.Errorf("CheckTarget(input named another way): %v", err)
	}
	if after := entries(t, dir); after != before {
		t.Errorf("CheckTarget changed the folder: %s, then %s", before, after)
	}
	// The folder errors still say why, for errors.Is.
	if err := CheckTarget(filepath.Join(missing, "d.model")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v does not wrap fs.ErrNotExist", err)
	}
	if err := CheckTarget(filepath.Join(file, "d.model")); !errors.Is(err, syscall.ENOTDIR) && runtime.GOOS != "windows" {
		t.Errorf("file in the way: %v does not wrap ENOTDIR", err)
	}
}

func TestUnwrapPathError(t *testing.T) {
	_, err := os.Open(filepath.Join(t.TempDir(), "none"))
	if got := UnwrapPathError(err); !errors.Is(got, fs.ErrNotExist) || strings.Contains(got.Error(), "none") {
		t.Errorf("UnwrapPathError(%v) = %v, want the reason alone", err, got)
	}
	err = os.Rename(filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b"))
	if got := UnwrapPathError(err); strings.Contains(got.Error(), "rename") {
		t.Errorf("UnwrapPathError(%v) = %v, want the reason alone", err, got)
	}
	other := errors.New("other")
	if got := UnwrapPathError(other); got != other {
		t.Errorf("UnwrapPathError changed an error that is not a path error: %v", got)
	}
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s has mode %o, want %o", path, got, want)
	}
}

func wantEntries(t *testing.T, dir string, names ...string) {
	t.Helper()
	if got := names0(t, dir); got != strings.Join(names, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, names)
	}
}

// entries lists a folder's names with their kinds and sizes, to see that
// nothing in it changed.
func entries(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		info, _ := e.Info()
		s := e.Name()
		if info != nil && info.Mode().IsRegular() {
			s += "(" + info.Mode().String() + ")"
		} else if info != nil {
			s += "[" + info.Mode().Type().String() + "]"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// names0 lists a folder's names.
func names0(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return strings.Join(out, " ")
}

// Prepare writes everything under a temporary name: the target is
// untouched until Commit, and Discard leaves it as it was.
func TestPrepareCommitDiscard(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.model")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	fill := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	pend, err := Prepare(p, fill)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" || pend.Path() != p {
		t.Fatalf("before Commit the target holds %q", b)
	}
	if err := pend.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("after Commit the target holds %q", b)
	}
	if runtime.GOOS != "windows" {
		wantMode(t, p, 0o600)
	}
	pend, err = Prepare(p, func(w io.Writer) error { _, err := io.WriteString(w, "newer"); return err })
	if err != nil {
		t.Fatal(err)
	}
	pend.Discard()
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("after Discard the target holds %q", b)
	}
	wantEntries(t, dir, "m.model")
}

// PrepareAll writes all of a set or none: a failure on the way discards
// what was prepared, and the old files stay as they were.
func TestPrepareAll(t *testing.T) {
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for _, p := range []string{a, c} {
		if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	boom := errors.New("boom")
	bad := func(w io.Writer) error { io.WriteString(w, "half"); return boom }
	if _, err := PrepareAll([]string{a, b, c}, []func(io.Writer) error{good, bad, good}); !errors.Is(err, boom) {
		t.Fatalf("PrepareAll: %v, want boom", err)
	}
	wantEntries(t, dir, "a", "c")
	for _, p := range []string{a, c} {
		if got, _ := os.ReadFile(p); string(got) != "old" {
			t.Errorf("%s holds %q, want old", p, got)
		}
	}
	ps, err := PrepareAll([]string{a, b, c}, []func(io.Writer) error{good, good, good})
	if err == nil {
		err = CommitAll(ps)
	}
	if err != nil {
		t.Fatal(err)
	}
	wantEntries(t, dir, "a", "b", "c")
	for _, p := range []string{a, b, c} {
		if got, _ := os.ReadFile(p); string(got) != "new" {
			t.Errorf("%s holds %q, want new", p, got)
		}
	}
}

// CheckKind lets a program replace only what it wrote itself.
func TestCheckKind(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		path, want string
	}{
		{filepath.Join(dir, "absent.model"), ""},
		{write("empty.model", ""), ""},
		{write("old.model", "nnfromscratch-mlp 1\nsizes 2 1\n"), ""},
		{write("spaced.model", "\n  nnfromscratch-mlp 1\n"), ""},
		{write("README.md", "# My notes\nkeep them\n"), `holds something that is not a model file (it starts with "# My notes"); writing would destroy it: choose another name, or move the file away first`},
		{write("long.txt", strings.Repeat("x", 100)), `holds something that is not a model file (it starts with "` + strings.Repeat("x", 40) + `…"); writing would destroy it: choose another name, or move the file away first`},
		{write("binary", "\x89PNG\r\n\x1a\n\xff"), `holds something that is not a model file (it starts with "\x89PNG\r"); writing would destroy it: choose another name, or move the file away first`},
		{dir, "is a folder; give a file name"},
	} {
		err := CheckKind(c.path, "a model file", "nnfromscratch-mlp")
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.path, err)
		case c.want != "" && (err == nil || err.Error() != c.want):
			t.Errorf("%s:\n got %v\nwant %s", c.path, err, c.want)
		}
	}
	if fifo := makeFIFO(t, dir, "pipe"); fifo != "" {
		// Refused without being opened: opening a pipe would wait for a writer.
		if err := CheckKind(fifo, "a model file", "nnfromscratch-mlp"); err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("a named pipe: %v", err)
		}
	}
}
