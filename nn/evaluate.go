// Chapter 7 explains this file: a trained network's verdict on many samples
// — the class it picks for each and how sure it is — computed a chunk at a
// time, and refused when the scores are not numbers.

package nn

import (
	"errors"
	"math"
)

// EvalChunk is how many samples Evaluate pushes through the network at once,
// so that evaluating 10,000 images does not grow every layer's buffers to
// 10,000 rows.
const EvalChunk = 500

// ErrOverflow is Evaluate's error when a score is NaN or infinite: the
// weights are far too large (a diverged run, or a model edited by hand).
var ErrOverflow = errors.New("the network's scores overflow (NaN or infinite)")

// Evaluate runs the network on every row of x, EvalChunk rows at a time, and
// returns each row's predicted class and the network's confidence in it: the
// class is the index of the largest score z (the first, on a tie), and the
// confidence is its probability p = softmax(z) there.
//
// If a score is NaN or infinite it returns ErrOverflow, with the classes and
// confidences still filled for every row; those of a row whose scores are not
// all finite mean nothing.
func (n *MLP) Evaluate(x Matrix) (classes []int, confidence []float64, err error) {
	classes, confidence = make([]int, x.Rows()), make([]float64, x.Rows())
	p := make([]float64, n.Sizes[len(n.Sizes)-1])
	for lo := 0; lo < x.Rows(); lo += EvalChunk {
		scores := n.Logits(x[lo:min(lo+EvalChunk, x.Rows())])
		for r, z := range scores {
			if !allFinite(z) {
				err = ErrOverflow
			}
			softmaxInto(p, z)
			best := Argmax(z)
			classes[lo+r], confidence[lo+r] = best, p[best]
		}
	}
	return classes, confidence, err
}

// allFinite reports whether every value of v is a number, not NaN or ±Inf.
func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
