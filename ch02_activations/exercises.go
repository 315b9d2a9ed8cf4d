//go:build !solutions

package main

import (
	"math"

	"nnfromscratch/nn"
)

// Exercises for chapter 2. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch02_activations -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call math (math.Exp, math.Max) and nn (nn.Sigmoid). This
// line keeps both imports in use while the functions are still stubs; leave it.
var _, _ = math.Exp, nn.Sigmoid

// LeakyReLU returns z for z > 0 and alpha·z otherwise: a ReLU whose negative
// side has a small slope alpha (such as 0.01) instead of 0, so that a unit
// pushed below zero still passes back a little gradient and can recover.
func LeakyReLU(z, alpha float64) float64 {
	panic("exercise: not written yet")
}

// LeakyReLUGrad returns the derivative of LeakyReLU: 1 for z > 0 and alpha
// for z < 0 (at z = 0 either value is accepted).
func LeakyReLUGrad(z, alpha float64) float64 {
	panic("exercise: not written yet")
}

// SigmoidGrad returns σ'(z), the derivative of σ(z) = 1 / (1 + e^−z), at the
// weighted sum z. Use the identity σ'(z) = σ(z)·(1 − σ(z)); you may call
// nn.Sigmoid for σ. Compare with nn.SigmoidGrad only after writing your own.
func SigmoidGrad(z float64) float64 {
	panic("exercise: not written yet")
}

// Softmax returns e^(v_i) / Σ_j e^(v_j) for every i, in a new slice, without
// changing v. It must work for any finite scores, including [1010 1000 990],
// where e^1010 overflows: subtract the largest score from every score first
// (it cancels out). Do not call nn.Softmax.
func Softmax(v []float64) []float64 {
	panic("exercise: not written yet")
}
