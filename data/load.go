package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Dataset is what a chapter trains and evaluates on.
type Dataset struct {
	Name    string // one line saying what was loaded, for the chapter to print
	Source  string // "sample", "idx" or "csv"
	Train   *Set   // nil when loaded with LoadTest
	Test    *Set
	Classes int // the number of labels: 10
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
// Every error is one line that names the file at fault.
func Load(spec string) (*Dataset, error) {
	return load(spec, false)
}

// LoadTest is Load for a program that only evaluates: from a folder it
// needs only the test pair (t10k-images-idx3-ubyte and
// t10k-labels-idx1-ubyte). For the sample and a CSV file, Test is the part
// Load would hold out. Train is always nil.
func LoadTest(spec string) (*Dataset, error) {
	return load(spec, true)
}

func load(spec string, testOnly bool) (*Dataset, error) {
	switch {
	case spec == "":
		if _, missing := findIDXFiles(DefaultDir, testOnly); len(missing) == 0 {
			return loadDir(DefaultDir, testOnly)
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
		return nil, fmt.Errorf("%s: %v", spec, unwrapPath(err))
	case !st.IsDir():
		return nil, fmt.Errorf("%s: is a file, not a folder; give the folder that holds the IDX files, a .csv file, or \"sample\"", spec)
	}
	return loadDir(spec, testOnly)
}

func loadSample(testOnly bool) (*Dataset, error) {
	train, test, err := SampleSplit()
	if err != nil {
		return nil, err
	}
	total := train.Len() + test.Len()
	d := &Dataset{Source: "sample", Test: test, Classes: numClasses}
	if testOnly {
		d.Name = fmt.Sprintf("MNIST sample bundled with the repo (the %s held-out digits of %s)",
			commas(test.Len()), commas(total))
		return d, nil
	}
	d.Train = train
	d.Name = fmt.Sprintf("MNIST sample bundled with the repo (%s real digits: %s train / %s held out)",
		commas(total), commas(train.Len()), commas(test.Len()))
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
	d := &Dataset{Source: "csv", Test: s.Subset(testIdx), Classes: numClasses}
	if testOnly {
		d.Name = fmt.Sprintf("CSV file %s (the %s held-out rows of %s)",
			path, commas(len(testIdx)), commas(s.Len()))
		return d, nil
	}
	d.Train = s.Subset(trainIdx)
	d.Name = fmt.Sprintf("CSV file %s (%s rows: %s train / %s held out)",
		path, commas(s.Len()), commas(len(trainIdx)), commas(len(testIdx)))
	return d, nil
}

func loadDir(dir string, testOnly bool) (*Dataset, error) {
	paths, missing := findIDXFiles(dir, testOnly)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: missing %s; run `go run ./ch07_mnist -download` to fetch MNIST into %s, or pass -data DIR with a folder that holds them",
			dir, strings.Join(missing, ", "), DefaultDir)
	}
	d := &Dataset{Source: "idx", Classes: numClasses}
	test, err := readPair(paths[testImagesName], paths[testLabelsName])
	if err != nil {
		return nil, err
	}
	d.Test = test
	if testOnly {
		d.Name = fmt.Sprintf("IDX files in %s (%s test)", dir, commas(test.Len()))
		return d, nil
	}
	train, err := readPair(paths[trainImagesName], paths[trainLabelsName])
	if err != nil {
		return nil, err
	}
	if train.Rows != test.Rows || train.Cols != test.Cols {
		return nil, fmt.Errorf("%s: images are %dx%d but those in %s are %dx%d; both sets must have the same size",
			paths[testImagesName], test.Rows, test.Cols, paths[trainImagesName], train.Rows, train.Cols)
	}
	d.Train = train
	d.Name = fmt.Sprintf("IDX files in %s (%s train / %s test)", dir, commas(train.Len()), commas(test.Len()))
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
// spellings in a fixed order.
func findIDX(dir, base string) (string, bool) {
	dotted := strings.Replace(base, "-idx", ".idx", 1)
	for _, name := range []string{base, base + ".gz", dotted, dotted + ".gz"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// readPair reads an images file and its labels file, and checks that they
// belong together.
func readPair(imagesPath, labelsPath string) (*Set, error) {
	images, n, rows, cols, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("%s: holds no images", imagesPath)
	}
	labels, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != n {
		return nil, fmt.Errorf("%s holds %d images but %s holds %d labels; they must match one to one: is one of them from another data set, or cut short?",
			imagesPath, n, labelsPath, len(labels))
	}
	for i, l := range labels {
		if int(l) >= numClasses {
			return nil, fmt.Errorf("%s: label %d (item %d) outside 0..%d: only data sets of %d classes can be used", labelsPath, l, i, numClasses-1, numClasses)
		}
	}
	return &Set{Images: images, Labels: labels, Rows: rows, Cols: cols}, nil
}

// commas writes n with a comma between groups of three digits: 60,000.
func commas(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// unwrapPath drops the operation and path from an *os.PathError, for
// messages that already name the path.
func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
