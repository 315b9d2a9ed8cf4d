package main

// The data a training run learns from and is tested on: fetched if asked
// (-download), read (-data), cut to -train-limit and -test-limit, checked
// against -layers, and turned into the matrices the network takes.

import (
	"context"
	"fmt"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// splits is the data of a training run: the data set as read, and the parts
// of it the run uses.
type splits struct {
	ds          *data.Dataset // its name, its classes, all its images
	train, test *split        // the images used, after -train-limit and -test-limit
}

// split is one part of a data set in the form the network takes: one image
// per row of x, pixels scaled to 0..1, and the labels as ints. images keeps
// the original bytes, for drawing digits.
type split struct {
	images *data.Set
	x      nn.Matrix
	labels []int
}

// loadData downloads the full MNIST first under -download (a later -data
// then still wins), reads the data set and checks that the network and its
// batches fit it. It prints nothing: a refusal is the run's only line.
func loadData(ctx context.Context, cfg *config) (*splits, error) {
	if cfg.download {
		if err := download(ctx); err != nil {
			return nil, err
		}
		if cfg.data == "" {
			cfg.data = fetch.dir
		}
	}
	ds, err := data.Load(cfg.data)
	if err != nil {
		return nil, fmt.Errorf("-data: %v", err)
	}
	trainSet, testSet := limit(ds.Train, cfg.trainLimit), limit(ds.Test, cfg.testLimit)
	if err := cfg.checkShape(testSet.Rows*testSet.Cols, testSet.Rows, testSet.Cols, ds.Classes); err != nil {
		return nil, err
	}
	if err := cfg.checkMemory(trainSet.Len()); err != nil {
		return nil, err
	}
	return &splits{ds: ds, train: toSplit(trainSet), test: toSplit(testSet)}, nil
}

// limit returns the first n images of s (all of them when n is 0).
func limit(s *data.Set, n int) *data.Set {
	if n == 0 || n >= s.Len() {
		return s
	}
	return s.Head(n)
}

// toSplit turns a set of images into the network's input: nn.FromPixels
// divides every byte by 255, nn.Labels turns label bytes into ints (they
// become one-hot rows batch by batch, in nn.Batches).
func toSplit(s *data.Set) *split {
	return &split{images: s, x: nn.FromPixels(s.Images, s.Rows*s.Cols), labels: nn.Labels(s.Labels)}
}
