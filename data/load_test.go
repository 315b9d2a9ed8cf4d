package data

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIDXDir writes a small data set in the four standard files: 20
// training and 10 test images of rows x cols, labels cycling through 0..9.
// gz chooses gzipped files (with ".gz" names); dotted chooses the spelling
// "train-images.idx3-ubyte".
func writeIDXDir(t *testing.T, dir string, rows, cols int, gz, dotted bool) {
	t.Helper()
	files := map[string][]byte{
		trainImagesName: idxImages(20, rows, cols),
		trainLabelsName: idxLabels(cycle(20)...),
		testImagesName:  idxImages(10, rows, cols),
		testLabelsName:  idxLabels(cycle(10)...),
	}
	for name, b := range files {
		if dotted {
			name = strings.Replace(name, "-idx", ".idx", 1)
		}
		if gz {
			name += ".gz"
			b = gzipped(b)
		}
		writeFile(t, filepath.Join(dir, name), b)
	}
}

func TestLoadDir(t *testing.T) {
	for _, c := range []struct {
		name       string
		gz, dotted bool
	}{
		{"gzipped", true, false},
		{"raw", false, false},
		{"dotted names", false, true},
		{"dotted names gzipped", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeIDXDir(t, dir, 4, 3, c.gz, c.dotted)
			d, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("IDX files in %s (20 train / 10 test)", dir); d.Name != want {
				t.Errorf("Name = %q, want %q", d.Name, want)
			}
			if d.Source != "idx" || d.Classes != 10 {
				t.Errorf("Source %q, Classes %d; want idx, 10", d.Source, d.Classes)
			}
			if d.Train.Len() != 20 || d.Test.Len() != 10 || d.Train.Rows != 4 || d.Train.Cols != 3 {
				t.Errorf("got %d train, %d test of %dx%d; want 20, 10 of 4x3",
					d.Train.Len(), d.Test.Len(), d.Train.Rows, d.Train.Cols)
			}
			if !bytes.Equal(d.Test.Labels, cycle(10)) || !bytes.Equal(d.Test.Images, idxImages(10, 4, 3)[16:]) {
				t.Error("test set differs from the files written")
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		setup func(t *testing.T, dir string) // breaks a good folder
		want  func(dir string) []string
	}{
		{
			"missing file",
			func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, testLabelsName+".gz")) },
			func(dir string) []string {
				return []string{dir + ": missing t10k-labels-idx1-ubyte(.gz)", "go run ./ch07_mnist -download", "-data DIR"}
			},
		},
		{
			"count mismatch",
			func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, testLabelsName+".gz"), gzipped(idxLabels(cycle(9)...)))
			},
			func(dir string) []string {
				return []string{filepath.Join(dir, "t10k-images-idx3-ubyte.gz") + " holds 10 images but " +
					filepath.Join(dir, "t10k-labels-idx1-ubyte.gz") + " holds 9 labels"}
			},
		},
		{
			"label out of range",
			func(t *testing.T, dir string) {
				labels := cycle(20)
				labels[13] = 12
				writeFile(t, filepath.Join(dir, trainLabelsName+".gz"), gzipped(idxLabels(labels...)))
			},
			func(dir string) []string {
				return []string{filepath.Join(dir, "train-labels-idx1-ubyte.gz") + ": label 12 (item 13) outside 0..9"}
			},
		},
		{
			"image sizes differ",
			func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, testImagesName+".gz"), gzipped(idxImages(10, 5, 5)))
			},
			func(dir string) []string {
				return []string{filepath.Join(dir, "t10k-images-idx3-ubyte.gz") + ": images are 5x5 but those in " +
					filepath.Join(dir, "train-images-idx3-ubyte.gz") + " are 4x4"}
			},
		},
		{
			"no images",
			func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, trainImagesName+".gz"), gzipped(idxImages(0, 4, 4)))
			},
			func(dir string) []string {
				return []string{filepath.Join(dir, "train-images-idx3-ubyte.gz") + ": holds no images"}
			},
		},
		{
			"corrupt file",
			func(t *testing.T, dir string) {
				writeFile(t, filepath.Join(dir, trainImagesName+".gz"), []byte("<html>"))
			},
			func(dir string) []string {
				return []string{filepath.Join(dir, "train-images-idx3-ubyte.gz") + ": not an IDX image file"}
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeIDXDir(t, dir, 4, 4, true, false)
			c.setup(t, dir)
			_, err := Load(dir)
			wantError(t, err, c.want(dir)...)
		})
	}
}

func TestLoadTestOnly(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, testImagesName), idxImages(10, 28, 28))
	writeFile(t, filepath.Join(dir, testLabelsName), idxLabels(cycle(10)...))

	d, err := LoadTest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train != nil || d.Test.Len() != 10 {
		t.Errorf("LoadTest: Train %v, %d test images; want nil, 10", d.Train, d.Test.Len())
	}
	if want := fmt.Sprintf("IDX files in %s (10 test)", dir); d.Name != want {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}

	// Load needs the training pair too, and says so.
	_, err = Load(dir)
	wantError(t, err, dir+": missing train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz);")
}

func TestLoadSample(t *testing.T) {
	for _, spec := range []string{"sample", ""} {
		d, err := Load(spec)
		if err != nil {
			t.Fatal(err)
		}
		want := "MNIST sample bundled with the repo (10,000 real digits: 8,000 train / 2,000 held out)"
		if d.Name != want || d.Source != "sample" || d.Train.Len() != 8000 || d.Test.Len() != 2000 {
			t.Errorf("Load(%q): %q, source %q, %d + %d", spec, d.Name, d.Source, d.Train.Len(), d.Test.Len())
		}
	}
	d, err := LoadTest("sample")
	if err != nil {
		t.Fatal(err)
	}
	_, test, _ := SampleSplit()
	if d.Train != nil || !bytes.Equal(d.Test.Labels, test.Labels) || !bytes.Equal(d.Test.Images, test.Images) {
		t.Error("LoadTest(\"sample\") is not the test set of SampleSplit")
	}
	if want := "MNIST sample bundled with the repo (the 2,000 held-out digits of 10,000)"; d.Name != want {
		t.Errorf("LoadTest Name = %q, want %q", d.Name, want)
	}
}

// With no spec, Load prefers the full data set in DefaultDir, relative to
// the working directory. The test moves into a temporary folder that has
// one (it changes the whole process's directory, so it cannot run in
// parallel with others).
func TestLoadDefaultDir(t *testing.T) {
	root := t.TempDir()
	writeIDXDir(t, filepath.Join(root, DefaultDir), 28, 28, true, false)
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(root); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)

	d, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if want := "IDX files in data/mnist (20 train / 10 test)"; d.Name != want {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}
	d, err = LoadTest("")
	if err != nil {
		t.Fatal(err)
	}
	if want := "IDX files in data/mnist (10 test)"; d.Name != want {
		t.Errorf("LoadTest Name = %q, want %q", d.Name, want)
	}
}

func TestLoadCSV(t *testing.T) {
	// 50 rows, five of each digit, in the order 0..9, 0..9, ...
	var b strings.Builder
	b.WriteString(csvHeader())
	for i := 0; i < 50; i++ {
		b.WriteString(csvRow(fmt.Sprint(i%10), i))
	}
	path := filepath.Join(t.TempDir(), "train.csv")
	writeFile(t, path, []byte(b.String()))

	d, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("CSV file %s (50 rows: 40 train / 10 held out)", path); d.Name != want {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}
	if d.Source != "csv" || d.Train.Len() != 40 || d.Test.Len() != 10 {
		t.Fatalf("source %q, %d train, %d test; want csv, 40, 10", d.Source, d.Train.Len(), d.Test.Len())
	}
	// Stratified: the third row of each digit (rows 20..29) is held out,
	// one of each digit, in file order.
	if !bytes.Equal(d.Test.Labels, cycle(10)) {
		t.Errorf("test labels %v, want one of each digit in order", d.Test.Labels)
	}
	for i := 0; i < 10; i++ {
		if got, want := d.Test.Image(i)[0], byte(20+i); got != want {
			t.Errorf("test image %d starts with %d, want %d (CSV row %d)", i, got, want, 20+i)
		}
	}

	dt, err := LoadTest(path)
	if err != nil {
		t.Fatal(err)
	}
	if dt.Train != nil || !bytes.Equal(dt.Test.Images, d.Test.Images) {
		t.Error("LoadTest of a CSV is not the held-out part Load gives")
	}
	if want := fmt.Sprintf("CSV file %s (the 10 held-out rows of 50)", path); dt.Name != want {
		t.Errorf("LoadTest Name = %q, want %q", dt.Name, want)
	}

	// Two rows are too few to hold anything out.
	small := filepath.Join(t.TempDir(), "small.csv")
	writeFile(t, small, []byte(csvRow("1", 0)+csvRow("1", 1)))
	_, err = Load(small)
	wantError(t, err, small+": only 2 rows, too few to hold out a test set")
}

func TestLoadBadSpec(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "nope"))
	wantError(t, err, filepath.Join(dir, "nope")+": no such folder")

	file := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	writeFile(t, file, gzipped(idxImages(1, 2, 2)))
	_, err = Load(file)
	wantError(t, err, file+": is a file, not a folder")

	_, err = Load(filepath.Join(dir, "missing.CSV"))
	wantError(t, err, "missing.CSV: no such file")
}

// Fashion-MNIST, where Debian's dataset-fashion-mnist package installs it:
// a real data set in the standard layout. Skipped when it is not there.
func TestLoadFashionMNIST(t *testing.T) {
	const dir = "/usr/share/datasets/fashion-mnist"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
	}
	if testing.Short() {
		t.Skip("reads 30 MB of gzipped files")
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "IDX files in " + dir + " (60,000 train / 10,000 test)"; d.Name != want {
		t.Errorf("Name = %q, want %q", d.Name, want)
	}
	if d.Train.Rows != 28 || d.Train.Cols != 28 || d.Test.Rows != 28 || d.Test.Cols != 28 {
		t.Errorf("images are %dx%d and %dx%d, want 28x28", d.Train.Rows, d.Train.Cols, d.Test.Rows, d.Test.Cols)
	}
	// Fashion-MNIST is balanced: 6,000 and 1,000 images of each class.
	var train, test [10]int
	for _, l := range d.Train.Labels {
		train[l]++
	}
	for _, l := range d.Test.Labels {
		test[l]++
	}
	for c := 0; c < 10; c++ {
		if train[c] != 6000 || test[c] != 1000 {
			t.Errorf("class %d: %d train and %d test images, want 6000 and 1000", c, train[c], test[c])
		}
	}
}
