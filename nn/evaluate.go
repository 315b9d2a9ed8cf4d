// Chapter 7 explains this file: a trained network's verdict on many samples
// — the class it picks for each and how sure it is, or its loss on them —
// computed a chunk at a time in inference mode, and refused when the scores
// are not numbers.

package nn

import (
	"errors"
	"fmt"
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
//
// It runs in inference mode (batch normalisation's running statistics, no
// dropout) and leaves the mode as it found it.
func (n *MLP) Evaluate(x Matrix) (classes []int, confidence []float64, err error) {
	defer n.SetTraining(n.SetTraining(false))
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

// EvalLoss is the mean cross-entropy −(1/N) Σ ln p_label of the network's
// predictions on the rows of x, EvalChunk rows at a time, in inference mode
// (leaving the mode as it found it): the validation loss, to compare with
// the training loss. Weight decay's penalty is not in it: it measures the
// predictions alone. It returns ErrOverflow if a score is NaN or infinite.
func (n *MLP) EvalLoss(x Matrix, labels []int) (float64, error) {
	if x.Rows() != len(labels) {
		panic(fmt.Sprintf("nn.MLP.EvalLoss: %d samples, %d labels", x.Rows(), len(labels)))
	}
	if len(labels) == 0 {
		return 0, nil
	}
	defer n.SetTraining(n.SetTraining(false))
	sum := 0.0
	for lo := 0; lo < x.Rows(); lo += EvalChunk {
		for r, z := range n.Logits(x[lo:min(lo+EvalChunk, x.Rows())]) {
			if !allFinite(z) {
				return math.NaN(), ErrOverflow
			}
			sum -= logSoftmaxAt(z, labels[lo+r])
		}
	}
	return sum / float64(len(labels)), nil
}

// logSoftmaxAt returns ln softmax(z)_k = z_k − max(z) − ln Σ_j e^(z_j − max(z)),
// as SoftmaxCrossEntropy computes it.
func logSoftmaxAt(z []float64, k int) float64 {
	m := z[0]
	for _, v := range z {
		m = math.Max(m, v)
	}
	sum := 0.0
	for _, v := range z {
		sum += math.Exp(v - m)
	}
	return z[k] - m - math.Log(sum)
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
