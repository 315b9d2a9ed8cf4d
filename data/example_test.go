package data_test

import (
	"fmt"

	"nnfromscratch/data"
)

func ExampleSampleSplit() {
	train, test, err := data.SampleSplit()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("train:", train.Len(), "images of", train.Rows, "x", train.Cols)
	fmt.Println("test: ", test.Len(), "images")
	fmt.Println("first training labels:", train.Labels[:10])
	// Output:
	// train: 8000 images of 28 x 28
	// test:  2000 images
	// first training labels: [6 7 9 3 3 0 6 7 0 8]
}

func ExampleLoad() {
	d, err := data.Load("sample")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Name)
	fmt.Println(d.Source, d.Train.Len(), d.Test.Len(), d.Classes)
	// Output:
	// MNIST sample bundled with the repo (10,000 real digits: 8,000 train / 2,000 held out)
	// sample 8000 2000 10
}

func ExampleLoader() {
	// Keep the first 500 training and 100 test images: from a folder of
	// IDX files, only those are read.
	d, err := data.Loader{TrainLimit: 500, TestLimit: 100}.Load("sample")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Train.Len(), "of", d.TrainTotal, "training images,", d.Test.Len(), "of", d.TestTotal, "test images")
	// Output:
	// 500 of 8000 training images, 100 of 2000 test images
}
