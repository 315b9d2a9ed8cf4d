package data

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A Set read without labels still knows its length, and cuts and copies.
func TestSetWithoutLabels(t *testing.T) {
	s := &Set{Images: []byte{1, 1, 2, 2, 3, 3}, Rows: 1, Cols: 2}
	if s.Len() != 3 {
		t.Fatalf("Len() = %d, want 3", s.Len())
	}
	if h := s.Head(2); h.Len() != 2 || h.Labels != nil || !bytes.Equal(h.Images, []byte{1, 1, 2, 2}) {
		t.Errorf("Head(2) = %v %v", h.Images, h.Labels)
	}
	if sub := s.Subset([]int{2, 0}); sub.Len() != 2 || sub.Labels != nil || !bytes.Equal(sub.Images, []byte{3, 3, 1, 1}) {
		t.Errorf("Subset([2 0]) = %v %v", sub.Images, sub.Labels)
	}
	if empty := (&Set{Rows: 0, Cols: 28}); empty.Len() != 0 {
		t.Errorf("a set of 0x28 images has Len %d", empty.Len())
	}
}

// A Loader keeps the first images of each set, and from a folder reads no
// more than it keeps: the files may hold more than MaxImageBytes.
func TestLoaderLimits(t *testing.T) {
	dir := t.TempDir()
	writeIDXDir(t, dir, 4, 3, true, false) // 20 train, 10 test
	d, err := Loader{TrainLimit: 7, TestLimit: 4}.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 7 || d.Test.Len() != 4 || d.TrainTotal != 20 || d.TestTotal != 10 {
		t.Errorf("kept %d of %d train, %d of %d test; want 7 of 20, 4 of 10", d.Train.Len(), d.TrainTotal, d.Test.Len(), d.TestTotal)
	}
	if !bytes.Equal(d.Train.Images, idxImages(20, 4, 3)[16:16+7*12]) || !bytes.Equal(d.Train.Labels, cycle(7)) {
		t.Error("the training images kept are not the first 7 of the file")
	}
	if want := fmt.Sprintf("IDX files in %s (20 train / 10 test)", dir); d.Name != want {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}
	want := []string{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}
	for i := range want {
		want[i] = filepath.Join(dir, want[i])
	}
	if strings.Join(d.Paths, " ") != strings.Join(want, " ") {
		t.Errorf("Paths = %q, want %q", d.Paths, want)
	}

	// Limits larger than the sets, and none: everything.
	for _, l := range []Loader{{TrainLimit: 100, TestLimit: 100}, {}, {TrainLimit: -1}} {
		d, err := l.Load(dir)
		if err != nil || d.Train.Len() != 20 || d.Test.Len() != 10 {
			t.Errorf("%+v: %v", l, err)
		}
	}

	// The sample and a CSV file are cut after their split.
	d, err = Loader{TrainLimit: 100, TestLimit: 30}.Load("sample")
	if err != nil || d.Train.Len() != 100 || d.Test.Len() != 30 || d.TrainTotal != 8000 || d.TestTotal != 2000 || d.Paths != nil {
		t.Errorf("sample: %d of %d train, %d of %d test, paths %q (%v)", d.Train.Len(), d.TrainTotal, d.Test.Len(), d.TestTotal, d.Paths, err)
	}
	d, err = Loader{TestLimit: 3}.LoadTest("sample")
	if err != nil || d.Train != nil || d.Test.Len() != 3 || d.TestTotal != 2000 {
		t.Errorf("sample, test only: %v %v", d, err)
	}

	// A file whose header announces more than MaxImageBytes can be read
	// in part. Only the header and the images kept are there: the rest is
	// never read.
	big := t.TempDir()
	n := MaxImageBytes/784 + 1000
	writeFile(t, filepath.Join(big, trainImagesName), append(header(magicImages, uint32(n), 28, 28), make([]byte, 50*784)...))
	writeFile(t, filepath.Join(big, trainLabelsName), append(header(magicLabels, uint32(n)), cycle(50)...))
	writeFile(t, filepath.Join(big, testImagesName), idxImages(10, 28, 28))
	writeFile(t, filepath.Join(big, testLabelsName), idxLabels(cycle(10)...))
	d, err = Loader{TrainLimit: 50}.Load(big)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 50 || d.TrainTotal != n {
		t.Errorf("kept %d of %d, want 50 of %d", d.Train.Len(), d.TrainTotal, n)
	}
	_, err = Load(big)
	wantError(t, err, filepath.Join(big, trainImagesName)+fmt.Sprintf(": header says %d images of 28x28 (%s bytes); with the 7,840 bytes of the test images, that is more than the 67,108,864 bytes (64 MiB) this program reads for one data set", n, thousands(n*784)))
	_, err = Loader{TrainLimit: n - 10}.Load(big)
	wantError(t, err, fmt.Sprintf(": header says the first %d of its %d images of 28x28", n-10, n))
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// The training and test images of a folder share one budget.
func TestLoadDirBudget(t *testing.T) {
	dir := t.TempDir()
	n := MaxImageBytes / 784 // the most 28x28 images a set may hold
	writeFile(t, filepath.Join(dir, trainImagesName), header(magicImages, uint32(n), 28, 28))
	writeFile(t, filepath.Join(dir, trainLabelsName), header(magicLabels, uint32(n)))
	writeFile(t, filepath.Join(dir, testImagesName), idxImages(10, 28, 28))
	writeFile(t, filepath.Join(dir, testLabelsName), idxLabels(cycle(10)...))
	var err error
	grew := allocated(func() { _, err = Load(dir) })
	wantError(t, err, fmt.Sprintf("%s: header says %d images of 28x28 (%s bytes); with the 7,840 bytes of the test images, that is more than the 67,108,864 bytes (64 MiB) this program reads for one data set: the header is corrupt (download or copy it again), or the data set is too large for this program",
		filepath.Join(dir, trainImagesName), n, thousands(n*784)))
	if grew > 4<<20 {
		t.Errorf("refusing the headers allocated %d KB", grew>>10)
	}
	// Alone, the same training file fits.
	_, err = ReadIDXImages(filepath.Join(dir, trainImagesName))
	wantError(t, err, "truncated: header says 85598 images of 28x28 (67108832 bytes) but the file holds only 0 after the header")
}

// The two headers of a pair are compared before any data is read.
func TestLoadPairMismatchFirst(t *testing.T) {
	images := append(header(magicImages, 80_000, 28, 28), make([]byte, 1000)...) // cut short, too
	labels := header(magicLabels, 79_999)
	var err error
	grew := allocated(func() {
		_, _, err = decodePair(bytes.NewReader(images), "i", bytes.NewReader(labels), "l", 0, MaxImageBytes, 0)
	})
	wantError(t, err, "i holds 80000 images but l holds 79999 labels")
	if grew > 1<<20 {
		t.Errorf("comparing two headers allocated %d KB", grew>>10)
	}
}

// Files that are not regular files are refused when they are opened, with
// one line: nothing waits, nothing reads without end.
func TestLoadSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no named pipes or /dev here")
	}
	dir := t.TempDir()
	writeIDXDir(t, dir, 4, 3, true, false)
	images := filepath.Join(dir, testImagesName+".gz")
	os.Remove(images)
	if err := os.Symlink("/dev/zero", images); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	wantError(t, err, images+": is a device, not a regular file; give the path of a file")

	os.Remove(images)
	mkfifo(t, images)
	_, err = Load(dir)
	wantError(t, err, images+": is a named pipe (FIFO), not a regular file; copy the data into a file first")

	// A FIFO under a name that is not gzipped, alone: found, and refused.
	os.Remove(images)
	mkfifo(t, filepath.Join(dir, testImagesName))
	_, err = Load(dir)
	wantError(t, err, filepath.Join(dir, testImagesName)+": is a named pipe (FIFO)")

	csv := filepath.Join(dir, "digits.csv")
	mkfifo(t, csv)
	_, err = Load(csv)
	wantError(t, err, csv+": is a named pipe (FIFO), not a regular file; copy the data into a file first")

	// A file of /proc says it has 0 bytes, then has text: it is read, and
	// what it holds is named.
	const status = "/proc/self/status"
	if _, err := os.Stat(status); err == nil {
		_, err = ReadIDXImages(status)
		wantError(t, err, status+": not an IDX image file", "which looks like text")
		_, err = ReadCSV(status)
		wantError(t, err, status+" line 1:")
	}
}

// A CSV file may hold at most MaxImageBytes of pixels. The rows are made
// as they are read, so the test holds only what the reader keeps.
func TestCSVRowCap(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("reads 134 MB of CSV (a second, and far longer under -race)")
	}
	row := "7" + strings.Repeat(",0", 784) + "\n"
	r := io.MultiReader(strings.NewReader(csvHeader()), &repeated{s: row, n: maxCSVRows + 1})
	_, err := DecodeCSV(r, "big.csv")
	wantError(t, err, "big.csv line 85600: more than 85,598 images (64 MiB of pixels), the most this program reads for one data set; use a file with fewer rows")
}

// repeated reads as n copies of s.
type repeated struct {
	s   string
	n   int
	off int
}

func (r *repeated) Read(p []byte) (int, error) {
	total := 0
	for len(p) > 0 && r.n > 0 {
		c := copy(p, r.s[r.off:])
		p, total, r.off = p[c:], total+c, r.off+c
		if r.off == len(r.s) {
			r.off, r.n = 0, r.n-1
		}
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}
