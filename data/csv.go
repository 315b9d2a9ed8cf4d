package data

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/format"
)

// The CSV layout is the one of Kaggle's "Digit Recognizer" train.csv:
//
//	label,pixel0,pixel1,...,pixel783
//	1,0,0,0,...,0
//	0,0,0,0,...,0
//
// one image per line: the label (0..9), then the 784 pixels of a 28x28 image
// row by row, each a whole number 0..255.
//
// The first line is a header, and skipped, when its first field is not a
// number (Kaggle's starts with the word "label"); otherwise it is already
// data, so a file without a header works too. Blank lines are ignored.
// Whole numbers written as decimals ("255.0", as pandas writes them) are
// accepted.
const (
	csvRows   = 28
	csvCols   = 28
	csvPixels = csvRows * csvCols
	csvFields = 1 + csvPixels // the label, then the pixels
)

// maxCSVLine is the longest line we accept. A real line is at most
// 785*4 = 3,140 bytes; anything far longer is not this kind of file.
const maxCSVLine = 1 << 20

// maxCSVRows is the most images a CSV file may hold: MaxImageBytes of
// pixels, 85,598 images of 28x28 (Kaggle's train.csv has 42,000, the full
// MNIST as CSV 60,000 + 10,000 in two files).
const maxCSVRows = MaxImageBytes / csvPixels

// ReadCSV reads a CSV file in the Kaggle layout described above.
func ReadCSV(path string) (*Set, error) {
	f, err := atomicfile.OpenRegular(path, maxFileBytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeCSV(f, path)
}

// DecodeCSV reads CSV data in the Kaggle layout from r. name is only used in
// error messages, which give the line (counting from 1) and, for a bad value,
// its column (the label is column 1).
func DecodeCSV(r io.Reader, name string) (*Set, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxCSVLine)
	s := &Set{Rows: csvRows, Cols: csvCols}
	fields := make([][]byte, 0, csvFields+1)
	line := 0
	sawLine := false // a non-blank line was seen (the header or data)
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if line == 1 {
			if bytes.HasPrefix(text, []byte{0x1f, 0x8b}) {
				return nil, fmt.Errorf("%s: the file is gzip-compressed; decompress it first (gunzip)", name)
			}
			// A byte order mark, which some spreadsheet programs write.
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
		}
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		fields = splitFields(fields[:0], text)
		first := !sawLine
		sawLine = true
		if first && !isNumber(fields[0]) {
			if err := checkHeader(fields); err != nil {
				return nil, fmt.Errorf("%s line %d: %v", name, line, err)
			}
			continue
		}
		if s.Len() == maxCSVRows {
			return nil, fmt.Errorf("%s line %d: more than %s images (64 MiB of pixels), the most this program reads for one data set; use a file with fewer rows",
				name, line, format.Thousands(maxCSVRows))
		}
		if err := appendRow(s, fields, first); err != nil {
			return nil, fmt.Errorf("%s line %d: %v", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s line %d: longer than %d bytes: is this really a CSV file?", name, line+1, maxCSVLine)
		}
		return nil, fmt.Errorf("%s: read error: %v", name, err)
	}
	switch {
	case !sawLine:
		return nil, fmt.Errorf("%s: empty file", name)
	case s.Len() == 0:
		return nil, fmt.Errorf("%s: no data rows after the header", name)
	}
	return s, nil
}

// splitFields cuts a line at its commas, trimming spaces around each field.
// The fields point into line; nothing is copied.
func splitFields(fields [][]byte, line []byte) [][]byte {
	for {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			return append(fields, bytes.TrimSpace(line))
		}
		fields = append(fields, bytes.TrimSpace(line[:i]))
		line = line[i+1:]
	}
}

// isNumber reports whether f parses as a number.
func isNumber(f []byte) bool {
	if digitsOnly(f) {
		return true // the common case, checked without strconv
	}
	_, err := strconv.ParseFloat(string(f), 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// digitsOnly reports whether f is one or more of the digits 0-9.
func digitsOnly(f []byte) bool {
	for _, c := range f {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(f) > 0
}

func checkHeader(fields [][]byte) error {
	switch len(fields) {
	case csvFields:
		return nil
	case csvPixels:
		return fmt.Errorf("the header has %d columns, the pixels but no label: a file without labels, like Kaggle's test.csv, cannot be used", csvPixels)
	default:
		return fmt.Errorf("the header has %d columns, want %d (label, then %d pixels): this is not a CSV of 28×28 digits", len(fields), csvFields, csvPixels)
	}
}

// appendRow checks one line's fields and adds the image to s. first says
// whether this is the first line of the file (there was no header).
func appendRow(s *Set, fields [][]byte, first bool) error {
	switch {
	case len(fields) == csvFields:
	case len(fields) == csvPixels && first:
		// Either a row missing a pixel or a file with no label column;
		// with no header and no earlier row, say both.
		return fmt.Errorf("%d values, want %d (a label, then %d pixels); a file without labels, like Kaggle's test.csv, cannot be used", csvPixels, csvFields, csvPixels)
	default:
		return fmt.Errorf("%d pixel values, want %d", len(fields)-1, csvPixels)
	}
	label, err := parseValue(fields[0], numClasses-1)
	if err != nil {
		return fmt.Errorf("label %v", err)
	}
	for j, f := range fields[1:] {
		v, err := parseValue(f, 255)
		if err != nil {
			return fmt.Errorf("pixel %v (column %d)", err, j+2)
		}
		s.Images = append(s.Images, v)
	}
	s.Labels = append(s.Labels, label)
	return nil
}

// parseValue reads a whole number from 0 to top. Its errors are written to
// follow the word "label" or "pixel".
func parseValue(f []byte, top int) (byte, error) {
	// The fast path: one to three plain digits, which is nearly every field.
	if len(f) <= 3 && digitsOnly(f) {
		v := 0
		for _, c := range f {
			v = v*10 + int(c-'0')
		}
		if v > top {
			return 0, fmt.Errorf("%d outside 0..%d", v, top)
		}
		return byte(v), nil
	}
	x, err := strconv.ParseFloat(string(f), 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%q is not a number", f)
	case x != math.Trunc(x): // also true for NaN
		return 0, fmt.Errorf("%q is not a whole number", f)
	case x < 0 || x > float64(top): // also true for ±Inf and overflow
		return 0, fmt.Errorf("%s outside 0..%d", f, top)
	}
	return byte(x), nil
}
