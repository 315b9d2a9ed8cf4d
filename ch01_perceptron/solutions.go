//go:build solutions

package main

import "nnfromscratch/nn"

// NANDWeights returns the negated AND weights: the sum is above 0 unless both
// inputs are 1 (0.7 − 0.5 − 0.5 = −0.3).
func NANDWeights() (w1, w2, b float64) {
	return -0.5, -0.5, 0.7
}

// TrainStep applies the perceptron learning rule once.
func TrainStep(w []float64, b float64, x []float64, t, lr float64) (newW []float64, newB float64) {
	sum := b
	for i := range w {
		sum += w[i] * x[i]
	}
	y := nn.Step(sum)
	newW = make([]float64, len(w))
	for i := range w {
		newW[i] = w[i] + lr*(t-y)*x[i]
	}
	return newW, b + lr*(t-y)
}

// XOR is AND(NAND(x), OR(x)).
func XOR(x1, x2 float64) float64 {
	gate := func(w1, w2, b, x1, x2 float64) float64 { return nn.Step(w1*x1 + w2*x2 + b) }
	s1 := gate(-0.5, -0.5, 0.7, x1, x2) // NAND
	s2 := gate(0.5, 0.5, -0.2, x1, x2)  // OR
	return gate(0.5, 0.5, -0.7, s1, s2) // AND
}
