//go:build solutions

package main

import (
	"math"
	"math/rand/v2"

	"nnfromscratch/nn"
)

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

// HeInit: every weight s·N(0, 1) with s = √(2/n_in), n_in the rows of w.
func HeInit(w nn.Matrix, rng *rand.Rand) {
	s := math.Sqrt(2 / float64(w.Rows()))
	for i := range w {
		for j := range w[i] {
			w[i][j] = s * rng.NormFloat64()
		}
	}
}

// BatchNormBackward: dγ = Σ dout⊙x̂, dβ = Σ dout,
// dx = (γ/σ)(dout − mean(dout) − x̂·mean(dout⊙x̂)).
func BatchNormBackward(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix) {
	n, features := dout.Rows(), dout.Cols()
	dgamma, dbeta = nn.New(1, features), nn.New(1, features)
	for i := range dout {
		for j := range dout[i] {
			dbeta[0][j] += dout[i][j]
			dgamma[0][j] += dout[i][j] * xhat[i][j]
		}
	}
	dx = nn.New(n, features)
	for i := range dout {
		for j := range dout[i] {
			meanDout, meanDoutXhat := dbeta[0][j]/float64(n), dgamma[0][j]/float64(n)
			dx[i][j] = gamma[0][j] / std[0][j] * (dout[i][j] - meanDout - xhat[i][j]*meanDoutXhat)
		}
	}
	return dx, dgamma, dbeta
}

// Dropout: out = x ⊙ mask and dx = dout ⊙ mask, mask = 1/(1 − rate) where kept.
func Dropout(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix) {
	out, dx = nn.New(x.Rows(), x.Cols()), nn.New(x.Rows(), x.Cols())
	for i := range x {
		for j := range x[i] {
			if keep[i][j] != 0 {
				out[i][j] = x[i][j] / (1 - rate)
				dx[i][j] = dout[i][j] / (1 - rate)
			}
		}
	}
	return out, dx
}

// AdamWStep: w ← w − lr·λ·w, then Adam's step t.
func AdamWStep(w, g, m, v []float64, t int, lr, beta1, beta2, eps, lambda float64) {
	c1 := 1 - math.Pow(beta1, float64(t))
	c2 := 1 - math.Pow(beta2, float64(t))
	for i := range w {
		w[i] -= lr * lambda * w[i]
		m[i] = beta1*m[i] + (1-beta1)*g[i]
		v[i] = beta2*v[i] + (1-beta2)*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}
