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
	ds    *data.Dataset // its name, its classes, the images kept
	train *split        // the images trained on
	val   *split        // the validation images held out of the training set; nil under -validate=false
	test  *split        // the test images, used once at the end (after -test-limit)

	tooFew bool // -validate, but no class has the valEvery images it takes to hold one out
}

// heldOut is the split the run is measured on after every epoch: the
// validation images, or, for a preset that reproduces an article that
// printed its test accuracy every epoch, the test images; nil when there is
// neither (-validate=false): then only the training batches are measured.
func (d *splits) heldOut(cfg *config) *split {
	switch {
	case d.val != nil:
		return d.val
	case reproducing(cfg):
		return d.test
	}
	return nil
}

// split is one part of a data set in the form the network takes: the
// labels as ints and, for the training images, one image per row of x, as
// the network's input (inputOf). images keeps the original bytes, for
// drawing digits and for evaluation, which turns them into numbers a chunk
// at a time (see evaluate).
type split struct {
	name   string // "training", "validation" or "test"
	images *data.Set
	x      nn.Matrix // nil but for the training images
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
	d := &splits{ds: ds, test: heldSplit("test", ds.Test)}
	train := ds.Train
	if cfg.validate {
		t, val := validationSplit(ds.Train)
		switch {
		case val.Len() > 0:
			train, d.val = t, heldSplit("validation", val)
		case cfg.patience > 0:
			return nil, fmt.Errorf("-patience %d: early stopping watches the validation accuracy, but %s training images are too few to hold 1 in %d of a class out; use more (-train-limit), or leave -patience out",
				cfg.patience, nn.Thousands(ds.Train.Len()), valEvery)
		default:
			d.tooFew = true // trains on them all, and says so
		}
	}
	if err := cfg.checkMemory(train.Len()); err != nil {
		return nil, err
	}
	d.train = &split{name: "training", images: train, labels: nn.Labels(train.Labels)}
	return d, nil
}

// valEvery is the validation rule: 1 image in valEvery of each class is
// held out of the training set.
const valEvery = 6

// validationSplit holds out a validation set from the training images, by
// the same rule for every data set: number the images of each class 0, 1,
// 2, … in the order the set holds them; image k is held out when k%6 == 5
// (the 6th, 12th, … of its class). Each class thus gives the validation set
// a sixth of its images, rounded down (of MNIST's 60,000 training images
// 9,996, leaving 50,004 to train on; of Fashion-MNIST's 10,000 and 50,000;
// of the bundled sample's 8,000, 1,329 and 6,671), the two sets never
// share an image, and both keep the set's order.
// data.SampleSplit holds the sample's test images out the same way, 1 in 5.
func validationSplit(s *data.Set) (train, val *data.Set) {
	var seen [256]int // images of each class so far
	var trainIdx, valIdx []int
	for i, l := range s.Labels {
		if seen[l]%valEvery == valEvery-1 {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
		seen[l]++
	}
	return s.Subset(trainIdx), s.Subset(valIdx)
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

// prepareInput decides how pixels become the network's input and turns the
// training images into it, once: ÷255, or under -standardize the training
// images' own mean and standard deviation (nn.PixelStats, from the training
// split alone: the validation and test images are held out of every
// choice, this one too). net.Input records it, and the model file with it,
// so that every later conversion (validation, test, -eval, -predict, the
// drawing page) is the same.
func prepareInput(cfg *config, net *nn.MLP, tr *split) {
	if cfg.standardize {
		net.Input = nn.PixelStats(tr.images.Images)
	}
	tr.x = inputOf(net, tr.images.Images, tr.images.Rows*tr.images.Cols)
}

// inputOf turns images stored as bytes (size bytes each, one after
// another) into the network's input, one image per row: net.Input's
// conversion, p/255 or standardised. It is the one conversion from bytes
// to numbers: training, validation, evaluation, -predict and the drawing
// page all go through it (or inputInto, the same into a matrix already
// made).
func inputOf(net *nn.MLP, pixels []byte, size int) nn.Matrix {
	return net.Input.FromPixels(pixels, size)
}

// inputInto is inputOf into dst, a matrix of one row per image: the
// training images, distorted anew each epoch under -augment.
func inputInto(net *nn.MLP, dst nn.Matrix, pixels []byte) {
	net.Input.FromPixelsInto(dst, pixels)
}

// heldSplit keeps images that are only evaluated (validation, test) as
// bytes, with their labels as ints.
func heldSplit(name string, s *data.Set) *split {
	return &split{name: name, images: s, labels: nn.Labels(s.Labels)}
}

// testSplit is heldSplit for test images.
func testSplit(s *data.Set) *split { return heldSplit("test", s) }
