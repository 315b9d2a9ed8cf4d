package data

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"testing"
)

// The checksums of the uncompressed sample files, as recorded in README.md
// and checked by internal/mksample when it rebuilds them.
const (
	sampleImagesSHA256 = "4e3355b0dd14bc12e53353f1d2789806361e6ef7350c92a8c5e778a74ea77696"
	sampleLabelsSHA256 = "364de413ea4102745aa4d08a168e3501716cb789ace0f8b3033481882a00e25f"
)

// How many of each digit the sample holds.
var sampleCounts = [10]int{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}

func gunzipEmbedded(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := sampleFiles.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

func TestSampleChecksums(t *testing.T) {
	for _, c := range []struct {
		name string
		size int
		sha  string
	}{
		{sampleImagesFile, 7840016, sampleImagesSHA256},
		{sampleLabelsFile, 10008, sampleLabelsSHA256},
	} {
		b := gunzipEmbedded(t, c.name)
		if len(b) != c.size {
			t.Errorf("%s: %d bytes uncompressed, want %d", c.name, len(b), c.size)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != c.sha {
			t.Errorf("%s: SHA-256 %s, want %s", c.name, got, c.sha)
		}
	}
}

func TestSample(t *testing.T) {
	s, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 10000 || s.Rows != 28 || s.Cols != 28 || len(s.Images) != 10000*784 {
		t.Fatalf("sample: %d images of %dx%d with %d pixels, want 10000 of 28x28 with 7840000",
			s.Len(), s.Rows, s.Cols, len(s.Images))
	}

	// Count the labels straight from the embedded labels file (after its
	// 8-byte header) and compare with what Sample returned.
	var fromFile, fromSample [10]int
	for _, l := range gunzipEmbedded(t, sampleLabelsFile)[8:] {
		fromFile[l]++
	}
	total := 0
	for i, l := range s.Labels {
		fromSample[l]++
		if i > 0 && l < s.Labels[i-1] {
			t.Fatalf("label %d at image %d follows %d: the sample should be grouped by digit", l, i, s.Labels[i-1])
		}
	}
	for d := range fromSample {
		total += fromSample[d]
		if fromSample[d] != fromFile[d] || fromSample[d] != sampleCounts[d] {
			t.Errorf("digit %d: %d in Sample, %d in the labels file, want %d", d, fromSample[d], fromFile[d], sampleCounts[d])
		}
	}
	if total != 10000 {
		t.Errorf("class counts sum to %d, want 10000", total)
	}

	// Every image is ink on a dark background: many zero pixels, some bright
	// ones (an image stored upside down in brightness would fail).
	for i := 0; i < s.Len(); i++ {
		var zeros, bright int
		for _, p := range s.Image(i) {
			if p == 0 {
				zeros++
			}
			if p > 200 {
				bright++
			}
		}
		if zeros < 300 || bright == 0 {
			t.Fatalf("image %d has %d zero and %d bright pixels: not a digit on a dark background", i, zeros, bright)
		}
	}

	// Sample hands out copies: changing one does not change the next.
	s.Images[0], s.Labels[0] = 99, 9
	again, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	if again.Images[0] != 0 || again.Labels[0] != 0 {
		t.Error("changing the set Sample returned changed the next call's result")
	}
}

func TestSampleSplit(t *testing.T) {
	train, test, err := SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 8000 || test.Len() != 2000 {
		t.Fatalf("split into %d + %d, want 8000 + 2000", train.Len(), test.Len())
	}

	// Each digit sends the whole number nearest to 20% of its images to test.
	var inTest [10]int
	for _, l := range test.Labels {
		inTest[l]++
	}
	for d, n := range sampleCounts {
		if want := int(math.Round(float64(n) / 5)); inTest[d] != want {
			t.Errorf("digit %d: %d of %d in test, want %d (20%% rounded)", d, inTest[d], n, want)
		}
	}

	// Train and test together are exactly the sample: each image of the
	// sample is used once, so the sets are disjoint.
	s, _ := Sample()
	uses := make(map[string]int)
	for i := 0; i < s.Len(); i++ {
		uses[string(s.Labels[i])+string(s.Image(i))]++
	}
	for _, part := range []*Set{train, test} {
		for i := 0; i < part.Len(); i++ {
			uses[string(part.Labels[i])+string(part.Image(i))]--
		}
	}
	for _, n := range uses {
		if n != 0 {
			t.Fatal("train and test together are not the sample, image for image")
		}
	}

	// The same split every time.
	train2, test2, _ := SampleSplit()
	if !bytes.Equal(train.Images, train2.Images) || !bytes.Equal(train.Labels, train2.Labels) ||
		!bytes.Equal(test.Images, test2.Images) || !bytes.Equal(test.Labels, test2.Labels) {
		t.Error("two calls of SampleSplit gave different sets")
	}

	// Well mixed: a short stretch holds every digit (README.md says so).
	if d := distinct(train.Head(100).Labels); d != 10 {
		t.Errorf("the first 100 training images hold %d different digits, want all 10", d)
	}
	if d := distinct(test.Head(100).Labels); d != 10 {
		t.Errorf("the first 100 test images hold %d different digits, want all 10", d)
	}
	var head [10]int
	for _, l := range train.Head(1000).Labels {
		head[l]++
	}
	for d, n := range head {
		if n < 60 || n > 140 {
			t.Errorf("the first 1000 training images hold %d of digit %d, want about 100", n, d)
		}
	}

	// The order is fixed forever: chapters' recorded outputs depend on it.
	wantTrain := []byte{6, 7, 9, 3, 3, 0, 6, 7, 0, 8, 3, 4, 4, 6, 5, 2, 2, 0, 4, 8}
	wantTest := []byte{4, 0, 1, 8, 7, 6, 4, 6, 4, 8, 9, 4, 2, 3, 2, 0, 0, 2, 1, 3}
	if !bytes.Equal(train.Labels[:20], wantTrain) {
		t.Errorf("first 20 training labels %v, want %v", train.Labels[:20], wantTrain)
	}
	if !bytes.Equal(test.Labels[:20], wantTest) {
		t.Errorf("first 20 test labels %v, want %v", test.Labels[:20], wantTest)
	}
}

func distinct(labels []byte) int {
	seen := make(map[byte]bool)
	for _, l := range labels {
		seen[l] = true
	}
	return len(seen)
}

func TestStratifiedSplit(t *testing.T) {
	// Six 0s and four 1s, interleaved: the third of each goes to test
	// (k%5 == 2); six and four are too few for a second one.
	labels := []byte{0, 1, 0, 1, 0, 1, 0, 1, 0, 0}
	train, test := stratifiedSplit(labels)
	wantTest := []int{4, 5} // the third 0 and the third 1
	if len(test) != len(wantTest) || test[0] != wantTest[0] || test[1] != wantTest[1] {
		t.Errorf("test indexes %v, want %v", test, wantTest)
	}
	if len(train) != 8 {
		t.Errorf("%d train indexes, want 8", len(train))
	}
	for i := 1; i < len(train); i++ {
		if train[i] <= train[i-1] {
			t.Errorf("train indexes %v are not in file order", train)
		}
	}
}

func TestSetMethods(t *testing.T) {
	s := &Set{Images: []byte{1, 1, 2, 2, 3, 3}, Labels: []byte{7, 8, 9}, Rows: 1, Cols: 2}
	if got := s.Image(1); !bytes.Equal(got, []byte{2, 2}) {
		t.Errorf("Image(1) = %v, want [2 2]", got)
	}
	sub := s.Subset([]int{2, 0, 2})
	if !bytes.Equal(sub.Images, []byte{3, 3, 1, 1, 3, 3}) || !bytes.Equal(sub.Labels, []byte{9, 7, 9}) {
		t.Errorf("Subset([2 0 2]) = %v %v", sub.Images, sub.Labels)
	}
	sub.Images[0] = 42
	if s.Images[4] != 3 {
		t.Error("changing a Subset changed the original set")
	}
	if h := s.Head(2); h.Len() != 2 || !bytes.Equal(h.Images, []byte{1, 1, 2, 2}) {
		t.Errorf("Head(2) = %v %v", h.Images, h.Labels)
	}
	if h := s.Head(10); h.Len() != 3 {
		t.Errorf("Head(10) of 3 images has %d", h.Len())
	}
	if h := s.Head(-1); h.Len() != 0 || len(h.Images) != 0 {
		t.Errorf("Head(-1) has %d images", h.Len())
	}
	// Appending to a Head must not overwrite the rest of the set.
	h := s.Head(1)
	h.Images = append(h.Images, 0, 0)
	if s.Images[2] != 2 {
		t.Error("appending to Head(1) overwrote image 1 of the original")
	}
	// Image's slice cannot grow into the next image either.
	img := s.Image(0)
	_ = append(img, 0)
	if s.Images[2] != 2 {
		t.Error("appending to Image(0) overwrote image 1")
	}
}
