// Chapter 6 (ch06_sgd_adam) explains this file: batch normalisation (Ioffe &
// Szegedy 2015), which rescales every feature of a batch to mean 0 and
// variance 1 before the activation, and then lets the network learn the
// scale and shift it wants.

package nn

import (
	"fmt"
	"math"
)

// BatchNorm normalises each feature (column) of its input over the batch,
// then scales and shifts it by learned amounts:
//
//	μ_B  = (1/n) Σ_i x_i                  the batch mean of the feature
//	σ²_B = (1/n) Σ_i (x_i − μ_B)²         its variance (biased: divided by n)
//	x̂_i  = (x_i − μ_B) / √(σ²_B + ε)
//	y_i  = γ·x̂_i + β
//
// While training it uses the batch's own μ_B and σ²_B and keeps running
// averages of them, as PyTorch's nn.BatchNorm1d does (momentum 0.1):
//
//	running_mean ← (1 − m)·running_mean + m·μ_B
//	running_var  ← (1 − m)·running_var  + m·σ²_B·n/(n − 1)
//
// The running variance is the unbiased one (divided by n − 1), as in
// PyTorch, though the batch is normalised with the biased σ²_B. At
// inference (SetTraining(false)) there may be a single sample, so the
// running averages stand in for the batch's: x̂ = (x − running_mean) /
// √(running_var + ε). A batch of one sample while training has σ²_B = 0:
// every x̂ is 0, the output is β, and the running averages are left as they
// are (the unbiased variance of one number does not exist).
type BatchNorm struct {
	Gamma, Beta   Matrix  // γ (starts at 1) and β (starts at 0), 1×features
	DGamma, DBeta Matrix  // their gradients, set by Backward
	RunningMean   Matrix  // 1×features, starts at 0
	RunningVar    Matrix  // 1×features, starts at 1
	Momentum      float64 // m of the running averages: 0.1
	Eps           float64 // ε: 1e−5

	training bool    // batch statistics (true) or running ones
	trained  bool    // the last Forward was a training one: Backward may follow
	n        float64 // rows of the last training Forward
	mean     Matrix  // μ_B of the last training Forward
	std      Matrix  // √(σ²_B + ε) of the last training Forward
	xhat     Matrix  // x̂ of the last training Forward, for dγ and dx
	out, dx  Matrix
	scale    Matrix // γ/σ of each column, for Backward
	meanDy   Matrix // mean(dy) = dβ/n of each column, for Backward

	params [2]Param
	list   [2]*Param
}

// NewBatchNorm returns batch normalisation for features columns, in training
// mode, with γ = 1, β = 0, running mean 0 and running variance 1.
func NewBatchNorm(features int) *BatchNorm {
	l := &BatchNorm{
		Gamma: New(1, features), Beta: New(1, features),
		DGamma: New(1, features), DBeta: New(1, features),
		RunningMean: New(1, features), RunningVar: New(1, features),
		Momentum: 0.1, Eps: 1e-5, training: true,
		mean: New(1, features), std: New(1, features),
	}
	l.Reset()
	return l
}

// Reset sets γ to 1, β to 0, the running mean to 0 and the running
// variance to 1: the layer as NewBatchNorm makes it.
func (l *BatchNorm) Reset() {
	for j := range l.Gamma[0] {
		l.Gamma[0][j], l.Beta[0][j] = 1, 0
		l.RunningMean[0][j], l.RunningVar[0][j] = 0, 1
	}
}

// SetTraining chooses the batch's statistics (true) or the running ones
// (false, for inference); see ModeSetter.
func (l *BatchNorm) SetTraining(on bool) { l.training = on }

// Forward normalises every column of x, with the batch's mean and variance
// while training (and updates the running ones), with the running ones at
// inference.
func (l *BatchNorm) Forward(x Matrix) Matrix {
	if x.Cols() != l.Gamma.Cols() {
		panic(fmt.Sprintf("nn.BatchNorm: input %s, but the layer normalises %d features", x.Shape(), l.Gamma.Cols()))
	}
	l.out = resize(l.out, x.Rows(), x.Cols())
	gamma, beta := l.Gamma[0], l.Beta[0]
	l.trained = l.training
	if !l.training {
		rmean, rvar := l.RunningMean[0], l.RunningVar[0]
		for i, row := range x {
			y := l.out[i]
			for j, v := range row {
				y[j] = gamma[j]*((v-rmean[j])/math.Sqrt(rvar[j]+l.Eps)) + beta[j] // y = γ·x̂ + β
			}
		}
		return l.out
	}

	n := float64(x.Rows())
	l.n = n
	mean, std := l.mean[0], l.std[0]
	l.mean.SumRowsOf(x)
	for j := range mean {
		mean[j] /= n // μ_B = (1/n) Σ_i x_i
	}
	l.std.SumSquaredDeviationsOf(x, l.mean) // Σ_i (x_i − μ_B)², in std until it is one
	for j := range std {
		variance := std[j] / n // σ²_B = (1/n) Σ_i (x_i − μ_B)²
		if x.Rows() > 1 {
			l.RunningMean[0][j] = (1-l.Momentum)*l.RunningMean[0][j] + l.Momentum*mean[j]
			l.RunningVar[0][j] = (1-l.Momentum)*l.RunningVar[0][j] + l.Momentum*variance*n/(n-1)
		}
		std[j] = math.Sqrt(variance + l.Eps) // √(σ²_B + ε)
	}
	l.xhat = resize(l.xhat, x.Rows(), x.Cols())
	if fusedNormalize(l.xhat, l.out, x, mean, std, gamma, beta) {
		return l.out // this same loop, done on many numbers at once (product.go)
	}
	for i, row := range x {
		xhat, y := l.xhat[i][:len(row)], l.out[i][:len(row)]
		mean, std, gamma, beta := mean[:len(row)], std[:len(row)], gamma[:len(row)], beta[:len(row)]
		for j, v := range row {
			xhat[j] = (v - mean[j]) / std[j]  // x̂ = (x − μ_B) / √(σ²_B + ε)
			y[j] = gamma[j]*xhat[j] + beta[j] // y = γ·x̂ + β
		}
	}
	return l.out
}

// Backward sets dβ = Σ_i dy_i and dγ = Σ_i dy_i·x̂_i, and returns
//
//	dx_i = (γ/σ)·(dy_i − mean(dy) − x̂_i·mean(dy⊙x̂))     σ = √(σ²_B + ε)
//
// Where this comes from: every x_i reaches the loss three ways, directly
// through x̂_i and through μ_B and σ²_B, which every x̂ of the batch uses.
// With g_i = ∂L/∂x̂_i = γ·dy_i, the chain rule through all three gives
//
//	∂L/∂σ²_B = Σ_k g_k·(x_k − μ_B)·(−½)·σ⁻³          = −(1/(2σ²))·Σ_k g_k·x̂_k
//	∂L/∂μ_B  = Σ_k g_k·(−1/σ) + ∂L/∂σ²_B·(−2/n)·Σ_k (x_k − μ_B) = −(1/σ)·Σ_k g_k
//	∂L/∂x_i  = g_i/σ + ∂L/∂σ²_B·2(x_i − μ_B)/n + ∂L/∂μ_B/n
//	         = (1/σ)·(g_i − mean(g) − x̂_i·mean(g⊙x̂))
//
// (Σ_k (x_k − μ_B) = 0 removes the second term of ∂L/∂μ_B), and
// mean(dy) = dβ/n, mean(dy⊙x̂) = dγ/n reuse the sums just made. Backward must
// follow a Forward in training mode; it panics otherwise.
func (l *BatchNorm) Backward(dout Matrix) Matrix {
	if !l.trained {
		panic("nn.BatchNorm.Backward: the last Forward ran in inference mode, with the running statistics; " +
			"call SetTraining(true) before the forward pass that Backward follows")
	}
	sameShape("BatchNorm.Backward", dout, l.xhat)
	l.DBeta.SumRowsOf(dout)              // dβ = Σ_i dy_i
	l.DGamma.SumProductsOf(dout, l.xhat) // dγ = Σ_i dy_i·x̂_i
	dgamma := l.DGamma[0]
	// γ/σ and mean(dy) = dβ/n are the same for every row of a column: each
	// is computed once, not once per sample (the same numbers, fewer
	// divisions, which are slow).
	l.scale = resize(l.scale, 1, dout.Cols())
	l.meanDy = resize(l.meanDy, 1, dout.Cols())
	gamma, dbeta, std := l.Gamma[0], l.DBeta[0], l.std[0]
	scale, meanDy := l.scale[0], l.meanDy[0]
	for j := range scale {
		scale[j], meanDy[j] = gamma[j]/std[j], dbeta[j]/l.n
	}
	l.dx = resize(l.dx, dout.Rows(), dout.Cols())
	if fusedNormalizeGrad(l.dx, dout, l.xhat, scale, meanDy, dgamma, l.n) {
		return l.dx // this same loop, done on many numbers at once (product.go)
	}
	for i, row := range dout {
		xhat, dx := l.xhat[i][:len(row)], l.dx[i][:len(row)]
		scale, meanDy, dgamma := scale[:len(row)], meanDy[:len(row)], dgamma[:len(row)]
		for j, dy := range row {
			dx[j] = scale[j] * (dy - meanDy[j] - xhat[j]*dgamma[j]/l.n) // (γ/σ)·(dy − mean(dy) − x̂·mean(dy⊙x̂))
		}
	}
	return l.dx
}

// Params returns γ and β with their gradients (not the running statistics,
// which no optimiser moves).
func (l *BatchNorm) Params() []*Param {
	l.params = [2]Param{{Name: "gamma", Value: l.Gamma, Grad: l.DGamma}, {Name: "beta", Value: l.Beta, Grad: l.DBeta}}
	l.list = [2]*Param{&l.params[0], &l.params[1]}
	return l.list[:]
}
