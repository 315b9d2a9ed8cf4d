package data

import (
	"bytes"
	"embed"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"sync"
)

// The sample: the first 10,000 digits of the MNIST training set, stored as
// two gzipped IDX files and compiled into every program that uses this
// package. README.md tells where they come from and how to rebuild them.
//
//go:embed mnist10k/*.gz
var sampleFiles embed.FS

const (
	sampleImagesFile = "mnist10k/images-idx3-ubyte.gz"
	sampleLabelsFile = "mnist10k/labels-idx1-ubyte.gz"
)

// sampleSeed fixes the shuffle that SampleSplit applies. It is a constant so
// that every run, on every machine, sees the digits in the same order.
const sampleSeed = 10000

// decodedSample decodes the embedded files once; Sample hands out copies.
var decodedSample = sync.OnceValues(func() (*Set, error) {
	raw, err := sampleFiles.ReadFile(sampleImagesFile)
	if err != nil {
		return nil, err
	}
	s, err := DecodeIDXImages(bytes.NewReader(raw), "embedded "+sampleImagesFile)
	if err != nil {
		return nil, err
	}
	raw, err = sampleFiles.ReadFile(sampleLabelsFile)
	if err != nil {
		return nil, err
	}
	labels, err := DecodeIDXLabels(bytes.NewReader(raw), "embedded "+sampleLabelsFile)
	if err != nil {
		return nil, err
	}
	if s.Len() != len(labels) {
		return nil, fmt.Errorf("embedded sample: %d images but %d labels", s.Len(), len(labels))
	}
	s.Labels = labels
	return s, nil
})

// Sample returns the 10,000 embedded digits, in the order they are stored:
// grouped by digit, all the 0s first, then all the 1s, and so on. Each call
// returns a fresh copy, which the caller may change freely.
//
// To train and test, use SampleSplit, whose sets are mixed.
func Sample() (*Set, error) {
	s, err := decodedSample()
	if err != nil {
		return nil, err
	}
	return s.clone(), nil
}

// SampleSplit divides the sample into 8,000 training digits and 2,000 held
// out for testing, the same way every time.
//
// The rule: number the images of each digit 0, 1, 2, ... in the order they
// are stored; image k is held out when k%5 == 2 (the middle one of every
// five), and trains otherwise. So each digit gives the whole number nearest
// to 20% of its images to the test set, and the two sets never share an
// image.
//
// Because the sample is stored grouped by digit, both sets are then shuffled
// with a fixed seed, so that any stretch of them (the first 100 images, say)
// holds every digit in roughly equal numbers. The order is the same on
// every run and every machine.
func SampleSplit() (train, test *Set, err error) {
	s, err := decodedSample()
	if err != nil {
		return nil, nil, err
	}
	trainIdx, testIdx := stratifiedSplit(s.Labels)
	rng := rand.NewPCG(sampleSeed, 0)
	shuffle(trainIdx, rng)
	shuffle(testIdx, rng)
	return s.Subset(trainIdx), s.Subset(testIdx), nil
}

// stratifiedSplit applies SampleSplit's rule to any list of labels: the
// k-th image of each label (counting from 0) goes to test when k%5 == 2.
// Both lists of indexes keep the original order.
func stratifiedSplit(labels []byte) (train, test []int) {
	var seen [256]int // how many images of each label so far
	for i, l := range labels {
		if seen[l]%5 == 2 {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
		seen[l]++
	}
	return train, test
}

// shuffle puts idx in a random order (the Fisher-Yates shuffle: walk from
// the end, swapping each element with one at or before it). It draws numbers
// straight from the PCG generator, whose output is fixed by its definition,
// so the order can never change from one Go release to the next.
func shuffle(idx []int, src *rand.PCG) {
	for i := len(idx) - 1; i > 0; i-- {
		// A number from 0 to i: the high 64 bits of a 64x64-bit product
		// scale a random 64-bit number down to that range.
		j, _ := bits.Mul64(src.Uint64(), uint64(i+1))
		idx[i], idx[j] = idx[j], idx[i]
	}
}
