package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxImages builds an IDX images file of n images of rows x cols pixels.
// Pixel j of image i is (i*7 + j) % 256, so every image differs.
func idxImages(n, rows, cols int) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{magicImages, uint32(n), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < rows*cols; j++ {
			b.WriteByte(byte((i*7 + j) % 256))
		}
	}
	return b.Bytes()
}

// idxLabels builds an IDX labels file holding labels.
func idxLabels(labels ...byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(magicLabels))
	binary.Write(&b, binary.BigEndian, uint32(len(labels)))
	b.Write(labels)
	return b.Bytes()
}

// header builds just an IDX header: a magic number and dimensions.
func header(magic uint32, dims ...uint32) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	return b.Bytes()
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// cycle returns n labels 0, 1, ..., 9, 0, 1, ...
func cycle(n int) []byte {
	l := make([]byte, n)
	for i := range l {
		l[i] = byte(i % 10)
	}
	return l
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantError fails the test unless err is a single line holding every one
// of the given pieces of text.
func wantError(t *testing.T, err error, pieces ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", pieces)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error spans several lines, want one:\n%s", msg)
	}
	for _, p := range pieces {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q\ndoes not contain %q", msg, p)
		}
	}
}
