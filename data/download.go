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
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"nnfromscratch/internal/atomicfile"
)

// File is one file to download, with the MD5 checksum of its correct bytes.
type File struct {
	Name string // the file name, the same on every mirror
	MD5  string // 32 lower-case hexadecimal digits
}

// Files lists the four files of the full MNIST database. The checksums are
// those of the files as originally published, so a mirror that serves
// anything else (an error page, a cut-off file) is caught.
var Files = []File{
	{"train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"},
	{"train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"},
	{"t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"},
	{"t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"},
}

// Mirrors are the places Download tries, in order, for each file. The
// original site, yann.lecun.com, no longer serves the files (it answers with
// an HTML page), so the list starts with PyTorch's copy on Amazon S3,
// followed by the one on Google Cloud Storage.
var Mirrors = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

// Download fetches the full MNIST into dir with the default Downloader.
func Download(dir string, progress io.Writer) error {
	var d Downloader
	return d.Download(dir, progress)
}

// Downloader fetches a set of files, trying mirrors in turn. Its zero value
// downloads the MNIST Files from the MNIST Mirrors; tests point it at their
// own servers and files.
type Downloader struct {
	Client  *http.Client  // nil means http.DefaultClient
	Mirrors []string      // nil means the package's Mirrors
	Files   []File        // nil means the package's Files
	Stall   time.Duration // give up on a mirror that sends nothing for this long; 0 means one minute
}

// Download fetches every file into dir, creating dir if needed.
//
// For each file it tries the mirrors in order and keeps the first copy whose
// MD5 checksum is right. A file is written to a temporary name and renamed
// only once complete and checked, so a failed, cut-off or wrong transfer
// never leaves anything under the final name; its temporary file is deleted
// (and one left by a program killed mid-transfer is deleted by the next
// Download). A transfer that fails is not resumed: the next try starts over.
// A file already in dir with the right checksum is not fetched again.
//
// Progress goes to progress, one line per file and mirror tried; on a
// terminal the line also counts the bytes as they arrive. A nil progress
// means silence. The error, if any, is one line naming the file and why
// each mirror failed.
func (d *Downloader) Download(dir string, progress io.Writer) error {
	mirrors, files := d.Mirrors, d.Files
	if mirrors == nil {
		mirrors = Mirrors
	}
	if files == nil {
		files = Files
	}
	if len(mirrors) == 0 {
		return errors.New("download: no mirrors to download from")
	}
	if len(files) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create folder %s: %v", dir, unwrapPath(err))
	}
	// Find out now, not after a long download, if we cannot write there.
	if err := atomicfile.CheckWritable(filepath.Join(dir, files[0].Name)); err != nil {
		return err
	}
	removeLeftovers(dir, files)
	p := &printer{w: progress, tty: isTerminal(progress)}
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		switch sum, err := fileMD5(path); {
		case err == nil && strings.EqualFold(sum, f.MD5):
			p.line("%s: already present with the right MD5, not fetched again", path)
			continue
		case err == nil:
			p.line("%s: present but its MD5 is wrong; fetching it again", path)
		}
		var failures []string
		ok := false
		for _, m := range mirrors {
			host := hostOf(m)
			n, err := d.fetch(strings.TrimSuffix(m, "/")+"/"+f.Name, path, f.MD5, func(got, total int64) {
				p.update("%s from %s: %s", f.Name, host, sizeSoFar(got, total))
			})
			if err == nil {
				p.line("%s from %s: %s bytes, MD5 ok", f.Name, host, commas(int(n)))
				ok = true
				break
			}
			p.line("%s from %s: failed: %v", f.Name, host, err)
			failures = append(failures, host+": "+err.Error())
		}
		if !ok {
			return fmt.Errorf("%s: download failed on every mirror (%s); check your network connection, or put the file there yourself",
				path, strings.Join(failures, "; "))
		}
	}
	return nil
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

// fetch downloads one URL into path, checking its MD5 before the file takes
// its final name. It calls show as bytes arrive and returns the size.
func (d *Downloader) fetch(u, path, wantMD5 string, show func(got, total int64)) (int64, error) {
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	stall := d.Stall
	if stall <= 0 {
		stall = time.Minute
	}

	// A watchdog cancels the request when nothing arrives for stall: while
	// connecting, waiting for the answer, or between two pieces of data.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stalled atomic.Bool
	watchdog := time.AfterFunc(stall, func() {
		stalled.Store(true)
		cancel()
	})
	defer watchdog.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		if stalled.Load() {
			return 0, fmt.Errorf("no answer within %v", stall)
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
				return transferError(rerr, stalled.Load(), stall, got, total)
			}
		}
		if total >= 0 && got != total {
			return fmt.Errorf("the transfer stopped after %d of %d bytes", got, total)
		}
		return checkMD5(sum, wantMD5, head)
	})
	return got, err
}

// transferError describes a transfer that broke off.
func transferError(err error, stalled bool, stall time.Duration, got, total int64) error {
	of := ""
	if total >= 0 {
		of = fmt.Sprintf(" of %d", total)
	}
	switch {
	case stalled:
		return fmt.Errorf("no data for %v, after %d%s bytes", stall, got, of)
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

// fileMD5 returns the MD5 of a file, or an error if it cannot be read.
func fileMD5(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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

// printer writes progress lines. On a terminal, update rewrites the current
// line in place (with a carriage return, '\r'); elsewhere, such as a log
// file, updates are skipped and only finished lines are written.
type printer struct {
	w     io.Writer
	tty   bool
	width int       // length of the text now on the terminal's line
	last  time.Time // when update last wrote
}

func (p *printer) update(format string, args ...any) {
	if p.w == nil || !p.tty || time.Since(p.last) < 100*time.Millisecond {
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
	if p.tty {
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

// isTerminal reports whether w is a terminal, where a line can be updated
// in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
