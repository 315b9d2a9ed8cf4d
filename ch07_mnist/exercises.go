//go:build !solutions

package main

// Exercises for chapter 7. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch07_mnist -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)
//
// A function still holding the panic is skipped; once you write it, the test
// checks it against the chapter's own version.

// ConfusionMatrix counts how the predictions pred fall against the true
// labels: the result has classes rows and classes columns, and
// m[true][predicted] is the number of images of class true that were
// predicted as class predicted. Rows are the truth, columns the guesses, so
// the diagonal holds the right answers and row i sums to the number of
// images of class i. (report.go prints this matrix after training.)
func ConfusionMatrix(pred, labels []int, classes int) [][]int {
	panic("exercise: not written yet")
}

// CenterOfMass returns the ink-weighted mean position (cx, cy) of a w×h
// image stored row by row (pixel (x, y) is img[y*w+x], its ink 0..1):
// cx = Σ x·ink / Σ ink, and cy likewise, with positions as pixel indexes, so
// an image whose only ink is at pixel (3, 1) has its centre of mass at
// (3, 1). An image with no ink returns its middle, ((w−1)/2, (h−1)/2).
// -predict uses this to put your digit's centre of mass on pixel (14, 14),
// where MNIST put every digit's.
func CenterOfMass(img []float64, w, h int) (cx, cy float64) {
	panic("exercise: not written yet")
}

// TopK returns the indexes of the k largest values of probs, largest first:
// the network's first guess, second guess, and so on. Equal values keep
// their order (the lower index first). If k is larger than len(probs),
// return every index. probs itself must not change.
func TopK(probs []float64, k int) []int {
	panic("exercise: not written yet")
}
