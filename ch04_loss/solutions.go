//go:build solutions

package main

import "math"

// MSE is ½ Σ (y_k − t_k)² (reference answer).
func MSE(y, t []float64) float64 {
	s := 0.0
	for k := range y {
		d := y[k] - t[k]
		s += d * d
	}
	return s / 2
}

// CrossEntropy is −Σ t_k ln y_k, guarded against y_k = 0 (reference answer).
func CrossEntropy(y, t []float64) float64 {
	s := 0.0
	for k := range y {
		if t[k] != 0 {
			s -= t[k] * math.Log(math.Max(y[k], 1e-15))
		}
	}
	return s
}

// NumericalGradient by central differences (reference answer).
func NumericalGradient(f func(x []float64) float64, x []float64) []float64 {
	const h = 1e-4
	grad := make([]float64, len(x))
	for i := range x {
		orig := x[i]
		x[i] = orig + h
		up := f(x)
		x[i] = orig - h
		down := f(x)
		x[i] = orig
		grad[i] = (up - down) / (2 * h)
	}
	return grad
}
