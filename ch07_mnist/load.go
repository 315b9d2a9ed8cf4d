package main

// The data a training run learns from and is tested on: fetched if asked
// (-download), read (-data) no further than -train-limit and -test-limit,
// checked against -layers, and turned into what the network takes.

import (
	"context"
	"errors"
	"fmt"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// splits is the data of a training run: the data set as read, and the parts
// of it the run uses.
type splits struct {
	ds          *data.Dataset // its name, its classes, the images kept
	train, test *split        // the images used, after -train-limit and -test-limit
}

// split is one part of a data set in the form the network takes: the
// labels as ints and, for the training images, one image per row of x,
// pixels scaled to 0..1. images keeps the original bytes, for drawing
// digits and for evaluation, which turns them into numbers a chunk at a
// time (see evaluate).
type split struct {
	images *data.Set
	x      nn.Matrix // nil for the test images
	labels []int
}

// loadData downloads the full MNIST first under -download (a later -data
// then still wins), reads the data set and checks that the network and its
// batches fit it. It prints nothing: a refusal is the run's only line.
//
// Memory: package data reads at most data.MaxImageBytes (64 MiB) of pixels
// for a whole data set, whatever its files claim, and only the first
// -train-limit and -test-limit images of IDX files. The training images
// become float64 numbers, 8 bytes a pixel, so at most 512 MiB; the test
// images never do all at once.
func loadData(ctx context.Context, cfg *config) (*splits, error) {
	if cfg.download {
		if err := download(ctx); err != nil {
			return nil, err
		}
		if cfg.data == "" {
			cfg.data = fetch.dir
		}
	}
	ds, err := data.Loader{TrainLimit: cfg.trainLimit, TestLimit: cfg.testLimit}.Load(cfg.data)
	if err != nil {
		return nil, dataError(err, false)
	}
	if err := cfg.checkShape(ds.Test.Rows*ds.Test.Cols, ds.Test.Rows, ds.Test.Cols, ds.Classes); err != nil {
		return nil, err
	}
	if err := cfg.checkMemory(ds.Train.Len()); err != nil {
		return nil, err
	}
	return &splits{ds: ds, train: trainSplit(ds.Train), test: testSplit(ds.Test)}, nil
}

// mnistTest is the number of test images of MNIST and Fashion-MNIST: what
// -test-limit is suggested to keep of a test set too large to read whole,
// leaving room for the training images.
const mnistTest = 10_000

// dataError is the line for a data set that cannot be read. When it is too
// large for data.MaxImageBytes, the line says which -test-limit or
// -train-limit makes it fit: data.Loader then reads only the first images
// of each file. evalOnly is true for -eval, which reads only test images.
func dataError(err error, evalOnly bool) error {
	var big *data.TooLargeError
	if !errors.As(err, &big) {
		return fmt.Errorf("-data: %v", err)
	}
	per := big.ImageBytes
	switch {
	case big.Used == 0: // the test images, read first
		n := data.MaxImageBytes / per
		if !evalOnly {
			n = min(n, mnistTest)
		}
		return fmt.Errorf("-data: %v; to read only its first images, give -test-limit %d", err, n)
	case (data.MaxImageBytes-big.Used)/per >= 1:
		return fmt.Errorf("-data: %v; to read only the first training images, give -train-limit %d", err, (data.MaxImageBytes-big.Used)/per)
	case (mnistTest+1)*per <= data.MaxImageBytes:
		// The test images take (nearly) all the room: fewer of them first.
		return fmt.Errorf("-data: %v; to read only the first images of each set, give -test-limit %d -train-limit %d",
			err, mnistTest, (data.MaxImageBytes-mnistTest*per)/per)
	}
	return fmt.Errorf("-data: %v", err)
}

// trainSplit turns the training images into the network's input:
// nn.FromPixels divides every byte by 255, nn.Labels turns label bytes into
// ints (they become one-hot rows batch by batch, in nn.Batches).
func trainSplit(s *data.Set) *split {
	return &split{images: s, x: nn.FromPixels(s.Images, s.Rows*s.Cols), labels: nn.Labels(s.Labels)}
}

// testSplit keeps the test images as bytes, with their labels as ints.
func testSplit(s *data.Set) *split {
	return &split{images: s, labels: nn.Labels(s.Labels)}
}
