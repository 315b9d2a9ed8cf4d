//go:build solutions

package main

import (
	"math"

	"nnfromscratch/nn"
)

// LeakyReLU is z for z > 0, alpha·z otherwise.
func LeakyReLU(z, alpha float64) float64 {
	if z > 0 {
		return z
	}
	return alpha * z
}

// LeakyReLUGrad is 1 for z > 0, alpha otherwise.
func LeakyReLUGrad(z, alpha float64) float64 {
	if z > 0 {
		return 1
	}
	return alpha
}

// SigmoidGrad is σ(z)·(1 − σ(z)).
func SigmoidGrad(z float64) float64 {
	s := nn.Sigmoid(z)
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
