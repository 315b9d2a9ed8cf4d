package main

// -download: fetching the full MNIST, in a way Ctrl-C can stop cleanly.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"

	"nnfromscratch/data"
)

// fetch says where -download puts the files, where it gets them from and
// where its progress goes. Tests point it at a local server and a
// temporary folder.
var fetch = struct {
	dir      string
	mirrors  []string // nil: data.Mirrors
	progress io.Writer
}{data.DefaultDir, nil, os.Stderr}

// download fetches the full MNIST into fetch.dir. Ctrl-C (ctx cancelled)
// breaks off the transfer under way; data.Downloader then removes the
// unfinished file, so nothing half-downloaded is ever used.
func download(ctx context.Context) error {
	d := &data.Downloader{
		Client:  &http.Client{Transport: cancelWith{ctx, http.DefaultTransport}},
		Mirrors: fetch.mirrors,
	}
	err := d.Download(fetch.dir, fetch.progress)
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("%w (Ctrl-C) during -download: the unfinished file was deleted and the files already complete in %s were kept; run -download again to fetch the rest",
			errInterrupted, fetch.dir)
	case err != nil:
		return fmt.Errorf("-download: %v", err)
	}
	return nil
}

// cancelWith is an http.RoundTripper whose requests end when ctx ends,
// besides their own context (the downloader's watchdog).
type cancelWith struct {
	ctx  context.Context
	next http.RoundTripper
}

func (c cancelWith) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := c.ctx.Err(); err != nil {
		return nil, errors.New("interrupted")
	}
	reqCtx, cancel := context.WithCancel(req.Context())
	stop := context.AfterFunc(c.ctx, cancel)
	resp, err := c.next.RoundTrip(req.WithContext(reqCtx))
	if err != nil {
		stop()
		cancel()
		return nil, err
	}
	resp.Body = &releaseOnClose{ReadCloser: resp.Body, release: func() { stop(); cancel() }}
	return resp, nil
}

// releaseOnClose frees the request's context when its body is closed.
type releaseOnClose struct {
	io.ReadCloser
	release func()
}

func (r *releaseOnClose) Close() error {
	err := r.ReadCloser.Close()
	r.release()
	return err
}
