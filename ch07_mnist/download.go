package main

// -download: fetching the full MNIST, in a way Ctrl-C (or SIGTERM) can stop
// cleanly.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
)

// fetch says where -download puts the files, where it gets them from and
// where its progress goes. Tests point it at a local server and a
// temporary folder.
var fetch = struct {
	dir      string
	mirrors  []string     // nil: data.Mirrors
	client   *http.Client // nil: the default client
	progress io.Writer
}{data.DefaultDir, nil, nil, os.Stderr}

// mirrorOverride, when set at link time, replaces the mirrors: .ci/full-mnist
// builds the program with -ldflags "-X main.mirrorOverride=URL" pointing at
// an address that answers nothing, to try the download through the go
// command as a learner whose mirrors are out of reach would.
var mirrorOverride string

// download fetches the full MNIST into fetch.dir. Ctrl-C (ctx cancelled)
// breaks off the transfer under way; data.Downloader then removes the
// unfinished file, so nothing half-downloaded is ever used.
func download(ctx context.Context) error {
	d := &data.Downloader{Client: fetch.client, Mirrors: fetch.mirrors}
	if mirrorOverride != "" {
		d.Mirrors = []string{mirrorOverride}
	}
	if f, ok := fetch.progress.(*os.File); ok {
		d.Live = isTerminal(f) // a terminal: count the bytes as they come
	}
	err := d.Download(ctx, fetch.dir, fetch.progress)
	switch {
	case err != nil && ctx.Err() != nil:
		c := cli.Cause(ctx)
		return fmt.Errorf("%w (%s) during -download: the unfinished file was deleted and the files already complete in %s were kept; run -download again to fetch the rest",
			c, c.How, fetch.dir)
	case err != nil:
		return fmt.Errorf("-download: %v", err)
	}
	return nil
}
