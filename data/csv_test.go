package data

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// csvRow writes one CSV line: the label, then 784 pixels where pixel j is
// (seed + j) % 256.
func csvRow(label string, seed int) string {
	var b strings.Builder
	b.WriteString(label)
	for j := 0; j < 784; j++ {
		fmt.Fprintf(&b, ",%d", (seed+j)%256)
	}
	b.WriteString("\n")
	return b.String()
}

// csvHeader is the Kaggle header line: label,pixel0,...,pixel783.
func csvHeader() string {
	var b strings.Builder
	b.WriteString("label")
	for j := 0; j < 784; j++ {
		fmt.Fprintf(&b, ",pixel%d", j)
	}
	b.WriteString("\n")
	return b.String()
}

// withPixel replaces pixel j (0-based) of a row made by csvRow.
func withPixel(row string, j int, value string) string {
	f := strings.Split(strings.TrimSuffix(row, "\n"), ",")
	f[1+j] = value
	return strings.Join(f, ",") + "\n"
}

func TestDecodeCSV(t *testing.T) {
	body := csvRow("3", 0) + csvRow("0", 5) + csvRow("9", 200)
	for _, c := range []struct {
		name, input string
	}{
		{"with header", csvHeader() + body},
		{"without header", body},
		{"header with numbers as column names", strings.Replace(csvHeader(), "pixel", "", -1) + body},
		{"byte order mark, CRLF and blank lines", "\xef\xbb\xbf" + strings.ReplaceAll(csvHeader()+"\n"+body+"\n\n", "\n", "\r\n")},
		{"decimals and spaces", strings.ReplaceAll(csvHeader()+body, ",1,", ", 1.0 ,")},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := DecodeCSV(strings.NewReader(c.input), "train.csv")
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != 3 || s.Rows != 28 || s.Cols != 28 || len(s.Images) != 3*784 {
				t.Fatalf("got %d images of %dx%d (%d pixels), want 3 of 28x28", s.Len(), s.Rows, s.Cols, len(s.Images))
			}
			if !bytes.Equal(s.Labels, []byte{3, 0, 9}) {
				t.Errorf("labels %v, want [3 0 9]", s.Labels)
			}
			for i, seed := range []int{0, 5, 200} {
				for j, p := range s.Image(i) {
					if want := byte((seed + j) % 256); p != want {
						t.Fatalf("image %d pixel %d = %d, want %d", i, j, p, want)
					}
				}
			}
		})
	}
}

func TestDecodeCSVErrors(t *testing.T) {
	good := csvRow("1", 0)
	short := strings.TrimSuffix(good, ",15\n") + "\n" // drops the last pixel (783 % 256 = 15)
	noLabels := strings.TrimPrefix(good, "1,")
	for _, c := range []struct {
		name, input string
		want        string
	}{
		{"empty", "", "train.csv: empty file"},
		{"only blank lines", "\n\n", "train.csv: empty file"},
		{"header only", csvHeader(), "train.csv: no data rows after the header"},
		{"short row", csvHeader() + good + short, "train.csv line 3: 783 pixel values, want 784"},
		{"long row", csvHeader() + strings.TrimSuffix(good, "\n") + ",0\n", "train.csv line 2: 785 pixel values, want 784"},
		{"non-numeric pixel", csvHeader() + withPixel(good, 10, "abc"), `train.csv line 2: pixel "abc" is not a number (column 12)`},
		{"empty pixel", csvHeader() + withPixel(good, 0, ""), `train.csv line 2: pixel "" is not a number (column 2)`},
		{"pixel too big", csvHeader() + good + good + withPixel(good, 783, "300"), "train.csv line 4: pixel 300 outside 0..255 (column 785)"},
		{"huge pixel", csvHeader() + withPixel(good, 1, "1e999"), "train.csv line 2: pixel 1e999 outside 0..255"},
		{"negative pixel", csvHeader() + withPixel(good, 1, "-1"), "train.csv line 2: pixel -1 outside 0..255"},
		{"fractional pixel", csvHeader() + withPixel(good, 1, "0.5"), `train.csv line 2: pixel "0.5" is not a whole number`},
		{"label too big", csvHeader() + csvRow("12", 0), "train.csv line 2: label 12 outside 0..9"},
		{"label not a number", csvHeader() + csvRow("seven", 0), `train.csv line 2: label "seven" is not a number`},
		{"error after blank lines", csvHeader() + "\n\n" + short, "train.csv line 4: 783 pixel values, want 784"},
		{"header too short", "label,pixel0\n" + good, "train.csv line 1: the header has 2 columns, want 785"},
		{"test file without labels", csvHeader()[len("label,"):] + noLabels, "train.csv line 1: the header has 784 columns, the pixels but no label"},
		{"rows without labels", noLabels, "train.csv line 1: 784 values, want 785 (a label, then 784 pixels); a file without labels"},
		{"gzipped", string(gzipped([]byte(good))), "train.csv: the file is gzip-compressed"},
		{"bad pixel on the first line, no header", withPixel(good, 2, "abc"), `train.csv line 1: pixel "abc" is not a number (column 4)`},
		{"line too long", strings.Repeat("1,", maxCSVLine), "train.csv line 1: longer than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeCSV(strings.NewReader(c.input), "train.csv")
			wantError(t, err, c.want)
		})
	}
}

func TestReadCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "digits.csv")
	writeFile(t, path, []byte(csvHeader()+csvRow("4", 1)))
	s, err := ReadCSV(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 || s.Labels[0] != 4 {
		t.Errorf("got %d images, labels %v; want 1 image labelled 4", s.Len(), s.Labels)
	}
	_, err = ReadCSV(path + ".missing")
	wantError(t, err, path+".missing: no such file")
}

func BenchmarkDecodeCSV(b *testing.B) {
	input := csvHeader() + csvRow("3", 0) + csvRow("5", 9)
	b.SetBytes(int64(len(input)))
	for i := 0; i < b.N; i++ {
		if _, err := DecodeCSV(strings.NewReader(input), "bench.csv"); err != nil {
			b.Fatal(err)
		}
	}
}
