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

// XORNet is AND(NAND(x), OR(x)): the hidden layer holds NAND and OR, the
// output unit is an AND of their outputs.
func XORNet() (hidden []Perceptron, output Perceptron) {
	nand := Perceptron{W: []float64{-0.5, -0.5}, B: 0.7}
	or := Perceptron{W: []float64{0.5, 0.5}, B: -0.2}
	and := Perceptron{W: []float64{0.5, 0.5}, B: -0.7}
	return []Perceptron{nand, or}, and
}
