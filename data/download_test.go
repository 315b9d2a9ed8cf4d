package data

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Two small files stand in for the MNIST ones; their MD5s are computed here
// so the Downloader can be told what to expect.
var (
	payloadA = gzipped(idxImages(5, 28, 28))
	payloadB = gzipped(idxLabels(1, 2, 3, 4, 5))
)

func testFiles() []File {
	sum := func(b []byte) string {
		s := md5.Sum(b)
		return hex.EncodeToString(s[:])
	}
	return []File{
		{"a-images.gz", sum(payloadA), int64(len(payloadA))},
		{"b-labels.gz", sum(payloadB), int64(len(payloadB))},
	}
}

// mirror is a test server. serve decides how to answer a request for a
// file; requests counts the requests it received.
type mirror struct {
	*httptest.Server
	requests atomic.Int64
}

func newMirror(t *testing.T, serve func(w http.ResponseWriter, r *http.Request, name string)) *mirror {
	m := &mirror{}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		serve(w, r, strings.TrimPrefix(r.URL.Path, "/mnist/"))
	}))
	t.Cleanup(m.Close)
	return m
}

// good serves the right bytes for each test file.
func good(w http.ResponseWriter, r *http.Request, name string) {
	switch name {
	case "a-images.gz":
		w.Write(payloadA)
	case "b-labels.gz":
		w.Write(payloadB)
	default:
		http.NotFound(w, r)
	}
}

// downloader returns a Downloader of the test files from the given mirrors.
// Its third route finds no go command unless the test puts one on PATH
// (see fakeGo): a test never runs the real one.
func downloader(t *testing.T, mirrors ...*mirror) *Downloader {
	t.Setenv("PATH", t.TempDir())
	d := &Downloader{Files: testFiles(), Stall: 5 * time.Second, Mirrors: []string{}}
	for _, m := range mirrors {
		d.Mirrors = append(d.Mirrors, m.URL+"/mnist/")
	}
	return d
}

// wantFiles checks that dir holds exactly the given file names: nothing
// else, in particular no temporary files.
func wantFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("folder holds %q, want %q", got, names)
	}
}

func TestDownload(t *testing.T) {
	m := newMirror(t, good)
	dir := filepath.Join(t.TempDir(), "new", "mnist") // created by Download
	var progress bytes.Buffer
	if err := downloader(t, m).Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
	for name, want := range map[string][]byte{"a-images.gz": payloadA, "b-labels.gz": payloadB} {
		got, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: content differs from what the server sent", name)
		}
	}
	out := progress.String()
	for _, want := range []string{"a-images.gz from 127.0.0.1", "MD5 ok", "b-labels.gz from"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress does not mention %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\r") {
		t.Errorf("progress to a buffer (not a terminal) contains '\\r':\n%q", out)
	}
	if strings.Count(out, "\n") != 2 {
		t.Errorf("progress has %d lines, want one per file:\n%s", strings.Count(out, "\n"), out)
	}

	// A second run finds both files and asks for nothing.
	before := m.requests.Load()
	progress.Reset()
	if err := downloader(t, m).Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	if n := m.requests.Load() - before; n != 0 {
		t.Errorf("second download made %d requests, want 0", n)
	}
	if c := strings.Count(progress.String(), "already present"); c != 2 {
		t.Errorf("second download said \"already present\" %d times, want 2:\n%s", c, progress.String())
	}
}

func TestDownloadFallsBackToSecondMirror(t *testing.T) {
	broken := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) { http.NotFound(w, r) })
	working := newMirror(t, good)
	dir := t.TempDir()
	var progress bytes.Buffer
	if err := downloader(t, broken, working).Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
	if broken.requests.Load() != 2 || working.requests.Load() != 2 {
		t.Errorf("requests: %d to the first mirror, %d to the second; want 2 and 2",
			broken.requests.Load(), working.requests.Load())
	}
	if !strings.Contains(progress.String(), "failed: HTTP 404 Not Found") {
		t.Errorf("progress does not report the 404:\n%s", progress.String())
	}
}

func TestDownloadRejectsWrongContent(t *testing.T) {
	page := func(w http.ResponseWriter, r *http.Request, _ string) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!DOCTYPE html>\n<html><body>The files have moved.</body></html>"))
	}
	garbage := func(w http.ResponseWriter, r *http.Request, _ string) {
		w.Write(bytes.Repeat([]byte{7}, 1000))
	}
	dir := t.TempDir()
	err := downloader(t, newMirror(t, page), newMirror(t, garbage)).Download(context.Background(), dir, nil)
	wantError(t, err, filepath.Join(dir, "a-images.gz")+": download failed on every mirror",
		"wrong MD5", "the server sent an HTML page", "check your network connection")
	wantFiles(t, dir) // nothing at all: no final file, no temporary one
}

func TestDownloadTruncated(t *testing.T) {
	// The server promises the whole file but stops halfway.
	promiseMore := func(w http.ResponseWriter, r *http.Request, name string) {
		w.Header().Set("Content-Length", strconv.Itoa(len(payloadA)))
		w.Write(payloadA[:200])
	}
	// No length announced: the connection just drops in the middle.
	dropConnection := func(w http.ResponseWriter, r *http.Request, name string) {
		w.Write(payloadA[:len(payloadA)/2])
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	for _, c := range []struct {
		name  string
		serve func(http.ResponseWriter, *http.Request, string)
		want  string
	}{
		{"short body", promiseMore, fmt.Sprintf("the connection closed after 200 of %d bytes", len(payloadA))},
		{"dropped connection", dropConnection, "127.0.0.1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var progress bytes.Buffer
			err := downloader(t, newMirror(t, c.serve)).Download(context.Background(), dir, &progress)
			wantError(t, err, filepath.Join(dir, "a-images.gz")+": download failed on every mirror", c.want)
			wantFiles(t, dir)
			if !strings.Contains(progress.String(), "a-images.gz from 127.0.0.1") || !strings.Contains(progress.String(), "failed") {
				t.Errorf("progress does not report the failure:\n%s", progress.String())
			}
		})
	}
}

// A transfer cut off halfway leaves nothing behind, neither under the final
// name nor a temporary one, and the next run fetches the file afresh.
func TestDownloadFailureLeavesNothingThenRefetches(t *testing.T) {
	cut := newMirror(t, func(w http.ResponseWriter, r *http.Request, name string) {
		w.Header().Set("Content-Length", strconv.Itoa(len(payloadA)))
		w.Write(payloadA[:100])
	})
	dir := t.TempDir()
	err := downloader(t, cut).Download(context.Background(), dir, nil)
	wantError(t, err, fmt.Sprintf("the connection closed after 100 of %d bytes", len(payloadA)))
	wantFiles(t, dir)

	m := newMirror(t, good)
	if err := downloader(t, m).Download(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
	if got, _ := os.ReadFile(filepath.Join(dir, "a-images.gz")); !bytes.Equal(got, payloadA) {
		t.Error("the file fetched after a failed transfer differs from the server's")
	}
	if n := m.requests.Load(); n != 2 {
		t.Errorf("%d requests after a failed transfer, want 2 (both files fetched)", n)
	}
}

// A program killed mid-transfer leaves its temporary file; the next
// Download deletes it, and touches nothing else.
func TestDownloadRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".a-images.gz.tmp-123456"), []byte("half a file"))
	writeFile(t, filepath.Join(dir, ".b-labels.gz.tmp-7"), nil)
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("mine"))
	if err := downloader(t, newMirror(t, good)).Download(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz", "notes.txt")
}

func TestDownloadStall(t *testing.T) {
	silent := func(w http.ResponseWriter, r *http.Request, _ string) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	d := downloader(t, newMirror(t, silent))
	d.Stall = 50 * time.Millisecond
	dir := t.TempDir()
	err := d.Download(context.Background(), dir, nil)
	wantError(t, err, "no answer within 50ms")
	wantFiles(t, dir)
}

func TestDownloadReplacesWrongFile(t *testing.T) {
	m := newMirror(t, good)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a-images.gz"), []byte("half a file"))
	var progress bytes.Buffer
	if err := downloader(t, m).Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a-images.gz")); !bytes.Equal(got, payloadA) {
		t.Error("the damaged file was not replaced")
	}
	if !strings.Contains(progress.String(), "present but its size or MD5 is wrong; fetching it again") {
		t.Errorf("progress does not say the file is refetched:\n%s", progress.String())
	}
	if m.requests.Load() != 2 {
		t.Errorf("%d requests, want 2", m.requests.Load())
	}
}

func TestDownloadUnwritableFolder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	writeFile(t, file, nil)
	err := downloader(t, newMirror(t, good)).Download(context.Background(), filepath.Join(file, "sub"), nil)
	wantError(t, err, "cannot create folder "+filepath.Join(file, "sub"))
}

func TestProgressOnTerminal(t *testing.T) {
	var b bytes.Buffer
	p := &printer{w: &b, live: true}
	p.update("%s", "file: 1.0 of 2.0 MB (50%)")
	p.line("%s", "file: done")
	want := "\rfile: 1.0 of 2.0 MB (50%)\rfile: done" + strings.Repeat(" ", 15) + "\n"
	if b.String() != want {
		t.Errorf("terminal output %q, want %q", b.String(), want)
	}
}
