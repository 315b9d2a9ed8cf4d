package data

import (
	"errors"
	"path/filepath"
	"testing"
)

// A data set too large for MaxImageBytes says, in a *TooLargeError, which
// file and how large its images are, so that a program can say how many
// of them would fit: the test images (read first, Used 0), then the
// training images, with what the test images took.
func TestTooLargeError(t *testing.T) {
	dir := t.TempDir()
	n := MaxImageBytes/784 + 1
	// The headers announce more than the files hold: only the first 10
	// test images are there, which is all a limit of 10 reads.
	writeFile(t, filepath.Join(dir, testImagesName), append(header(magicImages, uint32(n), 28, 28), make([]byte, 10*784)...))
	writeFile(t, filepath.Join(dir, testLabelsName), append(header(magicLabels, uint32(n)), make([]byte, 10)...))
	writeFile(t, filepath.Join(dir, trainImagesName), header(magicImages, uint32(n-1), 28, 28))
	writeFile(t, filepath.Join(dir, trainLabelsName), header(magicLabels, uint32(n-1)))
	_, err := Load(dir)
	var big *TooLargeError
	if !errors.As(err, &big) || big.Path != filepath.Join(dir, testImagesName) || big.Images != n || big.ImageBytes != 784 || big.Used != 0 {
		t.Fatalf("test images: %#v (%v)", big, err)
	}
	// With only the first 10 test images, the training images are too many.
	_, err = Loader{TestLimit: 10}.Load(dir)
	if !errors.As(err, &big) || big.Path != filepath.Join(dir, trainImagesName) || big.Images != n-1 || big.Used != 7840 {
		t.Fatalf("training images: %#v (%v)", big, err)
	}
	// And a limit that fits takes the error away (the training file, which
	// holds only its header, is then found cut short).
	fit := (MaxImageBytes - 7840) / 784
	_, err = Loader{TestLimit: 10, TrainLimit: fit}.Load(dir)
	if big = nil; errors.As(err, &big) || err == nil {
		t.Errorf("-train-limit %d: %v", fit, err)
	}
}
