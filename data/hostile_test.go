package data

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mirrors that misbehave on purpose: each case leaves nothing behind.
func TestDownloadHostileMirrors(t *testing.T) {
	endless := func(w http.ResponseWriter, r *http.Request, _ string) {
		chunk := make([]byte, 64<<10)
		for i := 0; i < 1000; i++ { // 64 MB, if nobody stops reading
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	for _, c := range []struct {
		name  string
		serve func(http.ResponseWriter, *http.Request, string)
		want  string
	}{
		{"announces too much", func(w http.ResponseWriter, r *http.Request, _ string) {
			w.Header().Set("Content-Length", "330000000")
			w.WriteHeader(http.StatusOK)
		}, fmt.Sprintf("the mirror announces 330,000,000 bytes, but the file has %d: this is not the file", len(payloadA))},
		{"sends too much", endless, fmt.Sprintf("the mirror sent more than the %d bytes of the file: this is not the file", len(payloadA))},
		{"re-encodes", func(w http.ResponseWriter, r *http.Request, name string) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped(payloadB)) // smaller than payloadA: the MD5 decides
		}, "(the mirror re-encoded it, Content-Encoding: gzip, which was not asked for)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			err := downloader(t, newMirror(t, c.serve)).Download(context.Background(), dir, nil)
			wantError(t, err, filepath.Join(dir, "a-images.gz")+": download failed on every mirror", c.want)
			wantFiles(t, dir)
		})
	}
}

// The request asks for the bytes as they are; a mirror that labels the
// gzipped file with Content-Encoding: gzip but sends its right bytes is
// accepted, since the MD5 is right.
func TestDownloadAsksForRawBytes(t *testing.T) {
	var mu sync.Mutex
	var asked []string
	m := newMirror(t, func(w http.ResponseWriter, r *http.Request, name string) {
		mu.Lock()
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Content-Encoding", "gzip")
		good(w, r, name)
	})
	dir := t.TempDir()
	if err := downloader(t, m).Download(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
	if got, _ := os.ReadFile(filepath.Join(dir, "a-images.gz")); !bytes.Equal(got, payloadA) {
		t.Error("the file was decoded on the way")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(asked, " ") != "identity identity" {
		t.Errorf("Accept-Encoding %q, want identity for both requests", asked)
	}
}

// A client whose transport decodes compressed answers by itself: the
// failure says so.
func TestDownloadDecodedOnTheWay(t *testing.T) {
	m := newMirror(t, good)
	d := downloader(t, m)
	d.Client = &http.Client{Transport: decodingTransport{}}
	dir := t.TempDir()
	err := d.Download(context.Background(), dir, nil)
	wantError(t, err, "wrong MD5", "(the transfer was compressed and decoded on the way, which was not asked for)")
	wantFiles(t, dir)
}

// decodingTransport stands for a transport that decompresses: it hands
// back the file's bytes gunzipped, and says so.
type decodingTransport struct{}

func (decodingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(bytes.Repeat(b[:1], 100)))
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// HTTPS that redirects to plain HTTP is refused; HTTPS to HTTPS is fine.
func TestDownloadRefusesDowngrade(t *testing.T) {
	plain := newMirror(t, good)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ok/") {
			good(w, r, strings.TrimPrefix(r.URL.Path, "/ok/"))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/same/") {
			http.Redirect(w, r, "/ok/"+strings.TrimPrefix(r.URL.Path, "/same/"), http.StatusFound)
			return
		}
		http.Redirect(w, r, plain.URL+"/mnist/"+filepath.Base(r.URL.Path), http.StatusFound)
	}))
	defer secure.Close()

	d := downloader(t)
	d.Client = secure.Client()
	d.Mirrors = []string{secure.URL + "/mnist/"}
	dir := t.TempDir()
	err := d.Download(context.Background(), dir, nil)
	wantError(t, err, "redirected from "+secure.URL+"/mnist/a-images.gz to "+plain.URL+"/mnist/a-images.gz, refused: over plain HTTP the file could be altered on the way")
	wantFiles(t, dir)
	if n := plain.requests.Load(); n != 0 {
		t.Errorf("%d requests reached the plain HTTP server", n)
	}

	d.Mirrors = []string{secure.URL + "/same/"}
	if err := d.Download(context.Background(), dir, nil); err != nil {
		t.Fatalf("a redirection from HTTPS to HTTPS: %v", err)
	}
	wantFiles(t, dir, "a-images.gz", "b-labels.gz")
}

// A mirror that sends a byte now and then, never stalling long enough for
// the stall timer, is stopped by the deadline.
func TestDownloadDeadline(t *testing.T) {
	trickle := func(w http.ResponseWriter, r *http.Request, _ string) {
		w.Header().Set("Content-Length", strconv.Itoa(len(payloadA)))
		for i := range payloadA {
			if _, err := w.Write(payloadA[i : i+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	d := downloader(t, newMirror(t, trickle))
	d.Stall, d.Deadline = 2*time.Second, 300*time.Millisecond
	dir := t.TempDir()
	err := d.Download(context.Background(), dir, nil)
	wantError(t, err, "not complete within 300ms: only ", fmt.Sprintf(" of %d bytes came", len(payloadA)))
	wantFiles(t, dir)
}

// Ctrl-C (the context cancelled) in the middle of a transfer stops it at
// once; the unfinished file is gone.
func TestDownloadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := newMirror(t, func(w http.ResponseWriter, r *http.Request, _ string) {
		w.Header().Set("Content-Length", strconv.Itoa(len(payloadA)))
		w.Write(payloadA[:100])
		w.(http.Flusher).Flush()
		cancel()
		<-r.Context().Done()
	})
	dir := t.TempDir()
	err := downloader(t, m).Download(ctx, dir, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want one wrapping context.Canceled", err)
	}
	wantError(t, err, filepath.Join(dir, "a-images.gz")+": download stopped: context canceled")
	wantFiles(t, dir)
}

// What sits under a file's name and is not a regular file is left alone.
func TestDownloadSpecialTargets(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes here")
	}
	m := newMirror(t, good)
	for _, c := range []struct {
		name string
		make func(path string)
		want string
	}{
		{"folder", func(p string) { os.Mkdir(p, 0o755) }, ": is a folder, not a regular file; remove it, or download into another folder"},
		{"named pipe", func(p string) { mkfifo(t, p) }, ": is a named pipe (FIFO), not a regular file; remove it, or download into another folder"},
		{"link to a wrong file", func(p string) {
			other := filepath.Join(t.TempDir(), "other")
			writeFile(t, other, []byte("not it"))
			os.Symlink(other, p)
		}, ": is a symbolic link (to "},
		{"link to a device", func(p string) { os.Symlink("/dev/zero", p) }, ": is a device, not a regular file; give the path of a file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "a-images.gz")
			c.make(path)
			before := m.requests.Load()
			err := downloader(t, m).Download(context.Background(), dir, nil)
			wantError(t, err, path+c.want)
			if n := m.requests.Load() - before; n != 0 {
				t.Errorf("%d requests made for a file that cannot be written", n)
			}
		})
	}
	// A link to the right file is the file: nothing to fetch.
	dir := t.TempDir()
	real := filepath.Join(t.TempDir(), "a")
	writeFile(t, real, payloadA)
	os.Symlink(real, filepath.Join(dir, "a-images.gz"))
	var progress bytes.Buffer
	if err := downloader(t, m).Download(context.Background(), dir, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "a-images.gz: already present with the right MD5") {
		t.Errorf("the linked file was not recognised:\n%s", progress.String())
	}
}
