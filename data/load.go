package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/format"
)

// Dataset is what a chapter trains and evaluates on.
type Dataset struct {
	Name    string // one line saying what was loaded, for the chapter to print
	Source  string // "sample", "idx" or "csv"
	Train   *Set   // nil when loaded with LoadTest
	Test    *Set
	Classes int // the number of labels: 10

	// TrainTotal and TestTotal count the images the source holds, of which
	// a Loader's limits may have kept only the first (Train.Len() and
	// Test.Len()). TrainTotal is 0 after LoadTest from a folder, whose
	// training files are not opened.
	TrainTotal, TestTotal int

	// Paths lists the files the data was read from (none for the sample),
	// for a program that must not write over its own inputs.
	Paths []string
}

// DefaultDir is where Download puts the full MNIST, relative to the folder
// the program runs in (the root of the repository).
const DefaultDir = "data/mnist"

// numClasses is the number of labels every data set here has: the digits
// 0 to 9, or the ten kinds of clothing of Fashion-MNIST.
const numClasses = 10

// The four files of an IDX data set, as MNIST names them. Each may also be
// gzipped (with ".gz" added), and some copies spell them with a dot, as in
// "train-images.idx3-ubyte": both are accepted.
const (
	trainImagesName = "train-images-idx3-ubyte"
	trainLabelsName = "train-labels-idx1-ubyte"
	testImagesName  = "t10k-images-idx3-ubyte"
	testLabelsName  = "t10k-labels-idx1-ubyte"
)

// Load reads a data set, chosen by spec (a chapter's -data flag):
//
//   - "" loads the full MNIST from DefaultDir if its four files are there
//     (after Download), and the embedded sample otherwise;
//   - "sample" loads the embedded sample, always (see SampleSplit for how it
//     is split into training and test sets);
//   - a path ending in ".csv" reads a CSV file in the Kaggle layout (see
//     ReadCSV) and splits it by SampleSplit's rule: the rows of each label
//     are numbered 0, 1, 2, ... in file order, and row k is held out as the
//     test set when k%5 == 2 (one row in five); both sets keep the file's
//     order;
//   - any other path must be a folder holding the four IDX files
//     train-images-idx3-ubyte, train-labels-idx1-ubyte,
//     t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each gzipped
//     (".gz") or not, and also accepted spelled with a dot
//     ("train-images.idx3-ubyte").
//
// Every error is one line that names the file at fault. Load reads every
// image; see Loader to read only the first ones.
func Load(spec string) (*Dataset, error) {
	return Loader{}.Load(spec)
}

// LoadTest is Load for a program that only evaluates: from a folder it
// needs only the test pair (t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte). For the sample and a CSV file, Test is the part
// Load would hold out. Train is always nil.
func LoadTest(spec string) (*Dataset, error) {
	return Loader{}.LoadTest(spec)
}

// Loader loads a data set as Load does, keeping only the first images of
// each set when asked. From a folder of IDX files it reads no more than it
// keeps, so memory grows with what is used, and a data set larger than
// MaxImageBytes can be used in part; the sample and CSV files are read
// whole (they are bounded by MaxImageBytes) and then cut. The zero Loader
// keeps everything.
type Loader struct {
	TrainLimit int // keep at most this many training images; 0 or less: all
	TestLimit  int // the same for the test images
}

// Load is the package's Load, with the Loader's limits.
func (l Loader) Load(spec string) (*Dataset, error) { return l.load(spec, false) }

// LoadTest is the package's LoadTest, with the Loader's limit on the test
// images.
func (l Loader) LoadTest(spec string) (*Dataset, error) { return l.load(spec, true) }

func (l Loader) load(spec string, testOnly bool) (*Dataset, error) {
	d, err := l.source(spec, testOnly)
	if err != nil {
		return nil, err
	}
	if d.Train != nil {
		d.TrainTotal = max(d.TrainTotal, d.Train.Len())
		d.Train = d.Train.Head(limitOf(l.TrainLimit, d.Train.Len()))
	}
	d.TestTotal = max(d.TestTotal, d.Test.Len())
	d.Test = d.Test.Head(limitOf(l.TestLimit, d.Test.Len()))
	return d, nil
}

// limitOf turns a Loader's limit into a number of images to keep.
func limitOf(limit, n int) int {
	if limit <= 0 {
		return n
	}
	return min(limit, n)
}

func (l Loader) source(spec string, testOnly bool) (*Dataset, error) {
	switch {
	case spec == "":
		if _, missing := findIDXFiles(DefaultDir, testOnly); len(missing) == 0 {
			return l.loadDir(DefaultDir, testOnly)
		}
		return loadSample(testOnly)
	case spec == "sample":
		return loadSample(testOnly)
	case strings.EqualFold(filepath.Ext(spec), ".csv"):
		return loadCSV(spec, testOnly)
	}
	st, err := os.Stat(spec)
	switch {
	case os.IsNotExist(err):
		return nil, fmt.Errorf("%s: no such folder; give a folder of IDX files, a .csv file, or \"sample\"", spec)
	case err != nil:
		return nil, fmt.Errorf("%s: %v", spec, atomicfile.UnwrapPathError(err))
	case !st.IsDir():
		return nil, fmt.Errorf("%s: is a file, not a folder; give the folder that holds the IDX files, a .csv file, or \"sample\"", spec)
	}
	return l.loadDir(spec, testOnly)
}

func loadSample(testOnly bool) (*Dataset, error) {
	train, test, err := SampleSplit()
	if err != nil {
		return nil, err
	}
	total := train.Len() + test.Len()
	d := &Dataset{Source: "sample", Test: test, Classes: numClasses, TrainTotal: train.Len()}
	if testOnly {
		d.Name = fmt.Sprintf("MNIST sample bundled with the repo (the %s held-out digits of %s)",
			format.Thousands(test.Len()), format.Thousands(total))
		return d, nil
	}
	d.Train = train
	d.Name = fmt.Sprintf("MNIST sample bundled with the repo (%s real digits: %s train / %s held out)",
		format.Thousands(total), format.Thousands(train.Len()), format.Thousands(test.Len()))
	return d, nil
}

func loadCSV(path string, testOnly bool) (*Dataset, error) {
	s, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	trainIdx, testIdx := stratifiedSplit(s.Labels)
	if len(testIdx) == 0 {
		return nil, fmt.Errorf("%s: only %d rows, too few to hold out a test set", path, s.Len())
	}
	d := &Dataset{Source: "csv", Test: s.Subset(testIdx), Classes: numClasses, TrainTotal: len(trainIdx), Paths: []string{path}}
	if testOnly {
		d.Name = fmt.Sprintf("CSV file %s (the %s held-out rows of %s)",
			path, format.Thousands(len(testIdx)), format.Thousands(s.Len()))
		return d, nil
	}
	d.Train = s.Subset(trainIdx)
	d.Name = fmt.Sprintf("CSV file %s (%s rows: %s train / %s held out)",
		path, format.Thousands(s.Len()), format.Thousands(len(trainIdx)), format.Thousands(len(testIdx)))
	return d, nil
}

// loadDir reads the IDX files of a folder: the test pair first, then the
// training pair, within one budget of MaxImageBytes for both.
func (l Loader) loadDir(dir string, testOnly bool) (*Dataset, error) {
	paths, missing := findIDXFiles(dir, testOnly)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s; run `go run ./ch07_mnist -download` to fetch MNIST into %s, or pass -data DIR with a folder that holds them",
			dir, strings.Join(missing, ", "), DefaultDir)
	}
	d := &Dataset{Source: "idx", Classes: numClasses}
	test, total, err := readPair(paths[testImagesName], paths[testLabelsName], l.TestLimit, MaxImageBytes, 0)
	if err != nil {
		return nil, err
	}
	d.Test, d.TestTotal = test, total
	d.Paths = append(d.Paths, paths[testImagesName], paths[testLabelsName])
	if testOnly {
		d.Name = fmt.Sprintf("IDX files in %s (%s test)", dir, format.Thousands(total))
		return d, nil
	}
	used := len(test.Images)
	train, total, err := readPair(paths[trainImagesName], paths[trainLabelsName], l.TrainLimit, MaxImageBytes-used, used)
	if err != nil {
		return nil, err
	}
	if train.Rows != test.Rows || train.Cols != test.Cols {
		return nil, fmt.Errorf("%s: images are %dx%d but those in %s are %dx%d; both sets must have the same size",
			paths[testImagesName], test.Rows, test.Cols, paths[trainImagesName], train.Rows, train.Cols)
	}
	d.Train, d.TrainTotal = train, total
	d.Paths = append(d.Paths, paths[trainImagesName], paths[trainLabelsName])
	d.Name = fmt.Sprintf("IDX files in %s (%s train / %s test)", dir, format.Thousands(d.TrainTotal), format.Thousands(d.TestTotal))
	return d, nil
}

// findIDXFiles looks in dir for the files Load (or LoadTest) needs. It
// returns the path found for each standard name, and the names it could not
// find.
func findIDXFiles(dir string, testOnly bool) (paths map[string]string, missing []string) {
	names := []string{trainImagesName, trainLabelsName, testImagesName, testLabelsName}
	if testOnly {
		names = names[2:]
	}
	paths = make(map[string]string)
	for _, base := range names {
		if p, ok := findIDX(dir, base); ok {
			paths[base] = p
		} else {
			missing = append(missing, base+"(.gz)")
		}
	}
	return paths, missing
}

// findIDX returns the path of the file for one standard name, trying the
// spellings in a fixed order. A regular file wins; failing that, anything
// else under one of the names (a named pipe, a device) is returned, so that
// reading it says what is wrong instead of "missing".
func findIDX(dir, base string) (string, bool) {
	dotted := strings.Replace(base, "-idx", ".idx", 1)
	names := []string{base, base + ".gz", dotted, dotted + ".gz"}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	for _, name := range names {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, true
		}
	}
	return "", false
}

// readPair reads an images file and its labels file, and checks that they
// belong together. It keeps the first limit images (all of them when limit
// is 0 or less), whose pixels must fit in budget bytes; used is what the
// data set's other files took already, for the message. It returns the
// images with their labels and the number of images the files hold.
func readPair(imagesPath, labelsPath string, limit, budget, used int) (*Set, int, error) {
	imagesFile, err := atomicfile.OpenRegular(imagesPath, maxFileBytes)
	if err != nil {
		return nil, 0, err
	}
	defer imagesFile.Close()
	labelsFile, err := atomicfile.OpenRegular(labelsPath, maxFileBytes)
	if err != nil {
		return nil, 0, err
	}
	defer labelsFile.Close()
	return decodePair(imagesFile, imagesPath, labelsFile, labelsPath, limit, budget, used)
}

// decodePair is readPair for two readers. Both headers are read and checked
// against each other before any data, so that nothing is allocated for
// files that cannot be used.
func decodePair(images io.Reader, imagesName string, labels io.Reader, labelsName string, limit, budget, used int) (*Set, int, error) {
	xi, err := newIDXReader(images, imagesName)
	if err != nil {
		return nil, 0, err
	}
	h, err := xi.imagesHeader()
	if err != nil {
		return nil, 0, err
	}
	xl, err := newIDXReader(labels, labelsName)
	if err != nil {
		return nil, 0, err
	}
	nl, err := xl.labelsHeader()
	if err != nil {
		return nil, 0, err
	}
	if h.n == 0 {
		return nil, 0, fmt.Errorf("%s: holds no images", imagesName)
	}
	if nl != h.n {
		return nil, 0, fmt.Errorf("%s holds %d images but %s holds %d labels; they must match one to one: is one of them from another data set, or cut short?",
			imagesName, h.n, labelsName, nl)
	}
	n := limitOf(limit, h.n)
	if err := h.fits(n, budget, used); err != nil {
		return nil, 0, err
	}
	s, err := xi.images(h, n)
	if err != nil {
		return nil, 0, err
	}
	if s.Labels, err = xl.labels(n, nl); err != nil {
		return nil, 0, err
	}
	for i, l := range s.Labels {
		if int(l) >= numClasses {
			return nil, 0, fmt.Errorf("%s: label %d (item %d) outside 0..%d: only data sets of %d classes can be used", labelsName, l, i, numClasses-1, numClasses)
		}
	}
	return s, h.n, nil
}
