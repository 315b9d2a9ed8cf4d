// Chapter 6 (ch06_sgd_adam) uses this file: element-wise Matrix operations
// that the layers and rules of chapter 6 (dropout, weight decay) run on every
// training step, written into a matrix the caller keeps, as product.go's
// are, so that a step allocates nothing.

package nn

// HadamardOf sets dst = a ⊙ b, the element-wise product, and returns dst:
// Hadamard(a, b) without allocating. The three share a shape; dst may be a
// or b.
func (dst Matrix) HadamardOf(a, b Matrix) Matrix {
	sameShape("HadamardOf", dst, a)
	sameShape("HadamardOf", dst, b)
	for i, row := range dst {
		ai, bi := a[i], b[i]
		for j := range row {
			row[j] = ai[j] * bi[j]
		}
	}
	return dst
}

// AddScaled adds s·a to dst, element by element, and returns dst:
// dst ← dst + s·a. The two share a shape. For weight decay this is
// dW ← dW + λ·W.
func (dst Matrix) AddScaled(s float64, a Matrix) Matrix {
	sameShape("AddScaled", dst, a)
	for i, row := range dst {
		ai := a[i]
		for j := range row {
			row[j] += s * ai[j]
		}
	}
	return dst
}

// SumSquares returns Σ m[i][j]², the squared Euclidean (Frobenius) norm
// ‖m‖², as weight decay's penalty ½λ‖W‖² needs.
func (m Matrix) SumSquares() float64 {
	s := 0.0
	for _, row := range m {
		for _, v := range row {
			s += v * v
		}
	}
	return s
}
