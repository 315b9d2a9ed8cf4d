//go:build !solutions

package main

import "math"

// Exercises for chapter 4. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch04_loss -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call math (math.Log, math.Max). This line keeps the
// import in use while the functions are still stubs; leave it.
var _ = math.Log

// MSE returns the mean-squared error with the ½ factor,
//
//	½ Σ_k (y_k − t_k)²,
//
// of the prediction y against the target t (same length). For the classic
// example of section 1 it is 0.0975.
func MSE(y, t []float64) float64 {
	panic("exercise: not written yet")
}

// CrossEntropy returns −Σ_k t_k·ln(y_k), with the natural logarithm
// (math.Log, not math.Log10). For the classic example it is 0.5108.
//
// It must stay finite when a probability is 0: skip the classes whose target
// t_k is 0 (0·ln 0 is NaN in floating point), and keep the logarithm's
// argument away from 0, for example with math.Max(y_k, 1e-15) or by adding a
// tiny constant such as 1e-7.
func CrossEntropy(y, t []float64) float64 {
	panic("exercise: not written yet")
}

// NumericalGradient returns the gradient of f at x by central differences,
// one input at a time, with h = 1e-4:
//
//	∂f/∂x_i ≈ (f(x with x_i + h) − f(x with x_i − h)) / 2h
//
// Change x[i] in place to evaluate f, and put it back before moving on: when
// the function returns, x must hold exactly the values it came with.
func NumericalGradient(f func(x []float64) float64, x []float64) []float64 {
	panic("exercise: not written yet")
}
