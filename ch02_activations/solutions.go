//go:build solutions

package main

import (
	"math"

	"nnfromscratch/nn"
)

// LeakyReLU is x for x > 0, alpha·x otherwise.
func LeakyReLU(x, alpha float64) float64 {
	if x > 0 {
		return x
	}
	return alpha * x
}

// LeakyReLUGrad is 1 for x > 0, alpha otherwise.
func LeakyReLUGrad(x, alpha float64) float64 {
	if x > 0 {
		return 1
	}
	return alpha
}

// SigmoidGrad is σ(x)·(1 − σ(x)).
func SigmoidGrad(x float64) float64 {
	s := nn.Sigmoid(x)
	return s * (1 - s)
}

// Softmax subtracts the largest score, exponentiates and normalises.
func Softmax(v []float64) []float64 {
	out := make([]float64, len(v))
	if len(v) == 0 {
		return out
	}
	m := v[0]
	for _, x := range v {
		m = math.Max(m, x)
	}
	sum := 0.0
	for i, x := range v {
		out[i] = math.Exp(x - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
