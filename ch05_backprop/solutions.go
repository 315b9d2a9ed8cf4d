//go:build solutions

package main

import "nnfromscratch/nn"

// DenseBackward returns dx = dout·Wᵀ, dw = xᵀ·dout and db = Σ rows of dout.
func DenseBackward(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
	dx = nn.Dot(dout, w.T())
	dw = nn.Dot(x.T(), dout)
	db = dout.SumRows()
	return dx, dw, db
}

// SigmoidBackward returns dout ⊙ out ⊙ (1 − out).
func SigmoidBackward(out, dout nn.Matrix) nn.Matrix {
	dx := nn.New(out.Rows(), out.Cols())
	for i := range out {
		for j, o := range out[i] {
			dx[i][j] = dout[i][j] * o * (1 - o)
		}
	}
	return dx
}

// SoftmaxCEBackward returns (p − t) / batch.
func SoftmaxCEBackward(p, t nn.Matrix) nn.Matrix {
	return nn.Scale(1/float64(p.Rows()), nn.Sub(p, t))
}
