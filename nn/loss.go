// Chapter 4 (ch04_loss) explains this file: two ways to measure how wrong a
// prediction y is, given the target t.

package nn

import (
	"fmt"
	"math"
)

// minProb keeps CrossEntropy finite when a predicted probability is exactly 0:
// −ln(1e−15) ≈ 34.5 stands in for +Inf.
const minProb = 1e-15

// MSE is the mean-squared error with the ½ factor: ½ Σ (y_k − t_k)².
// The ½ cancels the 2 of the derivative, which is then simply y − t.
func MSE(y, t []float64) float64 {
	if len(y) != len(t) {
		panic(fmt.Sprintf("nn.MSE: %d predictions, %d targets", len(y), len(t)))
	}
	s := 0.0
	for k := range y {
		d := y[k] - t[k]
		s += d * d
	}
	return 0.5 * s
}

// CrossEntropy is −Σ t_k ln y_k (natural log). With a one-hot t it is
// −ln of the probability given to the right class.
func CrossEntropy(y, t []float64) float64 {
	if len(y) != len(t) {
		panic(fmt.Sprintf("nn.CrossEntropy: %d predictions, %d targets", len(y), len(t)))
	}
	s := 0.0
	for k := range y {
		if t[k] != 0 {
			s -= t[k] * math.Log(math.Max(y[k], minProb))
		}
	}
	return s
}

// MeanMSE is MSE averaged over the rows (samples) of a batch.
func MeanMSE(y, t Matrix) float64 {
	sameShape("MeanMSE", y, t)
	s := 0.0
	for i := range y {
		s += MSE(y[i], t[i])
	}
	return s / float64(y.Rows())
}

// MeanCrossEntropy is CrossEntropy averaged over the rows of a batch.
func MeanCrossEntropy(y, t Matrix) float64 {
	sameShape("MeanCrossEntropy", y, t)
	s := 0.0
	for i := range y {
		s += CrossEntropy(y[i], t[i])
	}
	return s / float64(y.Rows())
}
