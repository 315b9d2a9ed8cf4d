//go:build !solutions

package main

import "nnfromscratch/internal/exercise"

// LeakyReLU returns x for x > 0 and alpha·x otherwise: a ReLU whose negative
// side has a small slope alpha (such as 0.01) instead of 0, so that a unit
// pushed below zero still passes back a little gradient and can recover.
//
// Check: go test ./ch02_activations -run Exercise -v
func LeakyReLU(x, alpha float64) float64 {
	panic(exercise.TODO)
}

// LeakyReLUGrad returns the derivative of LeakyReLU: 1 for x > 0 and alpha
// for x < 0 (at x = 0 either value is accepted).
func LeakyReLUGrad(x, alpha float64) float64 {
	panic(exercise.TODO)
}

// SigmoidGrad returns σ'(x), the derivative of σ(x) = 1 / (1 + e^−x), for the
// pre-activation x. Use the identity σ'(x) = σ(x)·(1 − σ(x)); you may call
// nn.Sigmoid. Compare with nn.SigmoidGrad only after writing your own.
func SigmoidGrad(x float64) float64 {
	panic(exercise.TODO)
}

// Softmax returns e^(v_i) / Σ_j e^(v_j) for every i, in a new slice, without
// changing v. It must work for any finite scores, including [1010 1000 990],
// where e^1010 overflows: subtract the largest score from every score first
// (it cancels out). Do not call nn.Softmax.
func Softmax(v []float64) []float64 {
	panic(exercise.TODO)
}
