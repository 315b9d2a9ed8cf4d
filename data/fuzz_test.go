package data

import (
	"bytes"
	"strings"
	"testing"
)

// The fuzz targets feed the decoders random variations of the seed inputs.
// Whatever the input, a decoder must not panic, and must either return
// data consistent with what it reports or a one-line error naming the file.
//
//	go test ./data -run '^$' -fuzz FuzzDecodeIDXImages -fuzztime 3m
//
// Inputs that once failed are kept in testdata/fuzz and rerun by go test.

func FuzzDecodeIDXImages(f *testing.F) {
	good := idxImages(3, 4, 5)
	f.Add(good)
	f.Add(gzipped(good))
	f.Add(good[:10])
	f.Add(good[:40])
	f.Add(gzipped(good[:40]))
	f.Add([]byte{})
	f.Add(idxLabels(1, 2, 3))
	f.Add(header(magicImages, 0xffffffff, 0xffffffff, 0xffffffff))
	f.Add(header(magicImages, 1, 0, 1))
	f.Add([]byte("<html>"))
	f.Fuzz(func(t *testing.T, input []byte) {
		s, err := DecodeIDXImages(bytes.NewReader(input), "fuzz.idx")
		if err != nil {
			checkFuzzError(t, err, "fuzz.idx: ")
			return
		}
		n, rows, cols := s.Len(), s.Rows, s.Cols
		if n < 0 || rows < 0 || cols < 0 || len(s.Images) != n*rows*cols || len(s.Images) > MaxImageBytes {
			t.Fatalf("%d pixels for %d images of %dx%d", len(s.Images), n, rows, cols)
		}
	})
}

func FuzzDecodeIDXLabels(f *testing.F) {
	good := idxLabels(1, 2, 3, 4)
	f.Add(good)
	f.Add(gzipped(good))
	f.Add(good[:6])
	f.Add(good[:10])
	f.Add([]byte{})
	f.Add(idxImages(1, 2, 2))
	f.Add(header(magicLabels, 0xffffffff))
	f.Fuzz(func(t *testing.T, input []byte) {
		labels, err := DecodeIDXLabels(bytes.NewReader(input), "fuzz.idx")
		if err != nil {
			checkFuzzError(t, err, "fuzz.idx: ")
			return
		}
		if len(input) >= 8 && !bytes.HasPrefix(input, []byte{0x1f, 0x8b}) && len(labels) != len(input)-8 {
			t.Fatalf("%d labels from %d bytes", len(labels), len(input))
		}
	})
}

// FuzzDecodePair feeds an images file, a labels file and a limit to the
// reader of a folder's pair, which checks both headers against each other
// before any data.
func FuzzDecodePair(f *testing.F) {
	images, labels := idxImages(3, 4, 5), idxLabels(1, 2, 3)
	f.Add(images, labels, 0)
	f.Add(images, labels, 2)
	f.Add(gzipped(images), gzipped(labels), 1)
	f.Add(images[:40], labels, 0)
	f.Add(images, labels[:9], 0)
	f.Add(images, idxLabels(1, 2), 0)
	f.Add(images, idxLabels(1, 2, 30), 0)
	f.Add(header(magicImages, 640_000, 28, 28), header(magicLabels, 640_000), 10)
	f.Add(header(magicImages, 0, 28, 28), header(magicLabels, 0), 0)
	f.Add(labels, images, 0)
	f.Fuzz(func(t *testing.T, images, labels []byte, limit int) {
		s, total, err := decodePair(bytes.NewReader(images), "i.idx", bytes.NewReader(labels), "l.idx", limit, MaxImageBytes, 0)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "i.idx") && !strings.HasPrefix(msg, "l.idx") {
				t.Fatalf("error %q names neither file", msg)
			}
			checkFuzzError(t, err, msg[:5])
			return
		}
		want := total
		if limit > 0 {
			want = min(limit, total)
		}
		if s.Len() != want || len(s.Labels) != want || len(s.Images) != want*s.Rows*s.Cols || len(s.Images) > MaxImageBytes {
			t.Fatalf("%d images (%d labels, %d pixels of %dx%d) of %d, limit %d", s.Len(), len(s.Labels), len(s.Images), s.Rows, s.Cols, total, limit)
		}
		for _, l := range s.Labels {
			if l > 9 {
				t.Fatalf("label %d", l)
			}
		}
	})
}

func FuzzDecodeCSV(f *testing.F) {
	row := csvRow("3", 0)
	f.Add(csvHeader() + row)
	f.Add(row + row)
	f.Add("")
	f.Add(csvHeader())
	f.Add(strings.TrimSuffix(row, ",15\n"))
	f.Add(withPixel(row, 3, "abc"))
	f.Add(withPixel(row, 3, "1e999"))
	f.Add(withPixel(row, 3, "-0.0"))
	f.Add(csvRow("12", 0))
	f.Add("label,pixel0\n1,2\n")
	f.Add("\xef\xbb\xbf1,2,3\r\n\r\n")
	f.Fuzz(func(t *testing.T, input string) {
		s, err := DecodeCSV(strings.NewReader(input), "fuzz.csv")
		if err != nil {
			checkFuzzError(t, err, "fuzz.csv")
			return
		}
		if s.Len() == 0 || len(s.Images) != s.Len()*784 || s.Rows != 28 || s.Cols != 28 {
			t.Fatalf("%d images, %d pixels, %dx%d", s.Len(), len(s.Images), s.Rows, s.Cols)
		}
		for _, l := range s.Labels {
			if l > 9 {
				t.Fatalf("label %d", l)
			}
		}
	})
}

func checkFuzzError(t *testing.T, err error, prefix string) {
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		t.Fatalf("error %q does not start with %q", msg, prefix)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error spans several lines: %q", msg)
	}
}
