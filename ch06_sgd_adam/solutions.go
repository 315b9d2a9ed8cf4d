//go:build solutions

package main

import "math"

// MomentumStep: v ← μ·v − lr·g; w ← w + v.
func MomentumStep(w, g, v []float64, lr, mu float64) {
	for i := range w {
		v[i] = mu*v[i] - lr*g[i]
		w[i] += v[i]
	}
}

// AdamStep: Adam's step t with bias correction.
func AdamStep(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64) {
	c1 := 1 - math.Pow(beta1, float64(t))
	c2 := 1 - math.Pow(beta2, float64(t))
	for i := range w {
		m[i] = beta1*m[i] + (1-beta1)*g[i]
		v[i] = beta2*v[i] + (1-beta2)*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}

// StepDecay: lr0 · factor^⌊epoch/every⌋.
func StepDecay(lr0 float64, epoch, every int, factor float64) float64 {
	return lr0 * math.Pow(factor, float64(epoch/every))
}
