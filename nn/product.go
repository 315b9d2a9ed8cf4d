// Chapter 5 (ch05_backprop) uses this file: the Matrix operations of a
// training step written into a destination that the caller keeps from batch
// to batch, so that training allocates nothing. dst.Mul(a, b) is Dot(a, b),
// dst.ReLU(x) is x.Apply(ReLU), and so on: the same numbers, bit for bit.
//
// This is also the one place in nn that calls nn/internal/fast, which
// computes these as fast as the CPU allows (docs/performance.md).

package nn

import (
	"fmt"

	"nnfromscratch/nn/internal/fast"
)

// Mul sets dst = a·b and returns dst: Dot(a, b) without allocating.
// dst must be a.Rows()×b.Cols(), made by New, and share no storage with a or b.
func (dst Matrix) Mul(a, b Matrix) Matrix {
	dst.checkProduct("Mul", "%s · %s", a, b, a.Rows(), a.Cols(), b.Rows(), b.Cols())
	if f := a.flat(); f == nil && a.Rows() > 0 { // a's rows apart, as a batch of Batches
		fast.MulRows(dst.storage("Mul"), a, elements(b), nil, a.Rows(), a.Cols(), b.Cols())
	} else {
		fast.Mul(dst.storage("Mul"), f, elements(b), nil, a.Rows(), a.Cols(), b.Cols())
	}
	return dst
}

// MulAddRow sets dst = a·b + row, the 1×cols row added to every row of the
// product, and returns dst: AddRow(Dot(a, b), row) without allocating. For a
// Dense layer this is out = x·W + b.
func (dst Matrix) MulAddRow(a, b, row Matrix) Matrix {
	dst.checkProduct("MulAddRow", "%s · %s", a, b, a.Rows(), a.Cols(), b.Rows(), b.Cols())
	if row.Rows() != 1 || row.Cols() != b.Cols() {
		panic(fmt.Sprintf("nn.MulAddRow: row %s cannot broadcast over %s (want 1×%d)", row.Shape(), dst.Shape(), b.Cols()))
	}
	if f := a.flat(); f == nil && a.Rows() > 0 { // a's rows apart, as a batch of Batches
		fast.MulRows(dst.storage("MulAddRow"), a, elements(b), row[0], a.Rows(), a.Cols(), b.Cols())
	} else {
		fast.Mul(dst.storage("MulAddRow"), f, elements(b), row[0], a.Rows(), a.Cols(), b.Cols())
	}
	return dst
}

// MulAT sets dst = aᵀ·b and returns dst: Dot(a.T(), b) without forming aᵀ.
// For a Dense layer this is dW = xᵀ·dout.
func (dst Matrix) MulAT(a, b Matrix) Matrix {
	dst.checkProduct("MulAT", "%sᵀ · %s", a, b, a.Cols(), a.Rows(), b.Rows(), b.Cols())
	if f := a.flat(); f == nil && a.Rows() > 0 { // a's rows apart, as a batch of Batches
		fast.MulATRows(dst.storage("MulAT"), a, elements(b), a.Cols(), a.Rows(), b.Cols())
	} else {
		fast.MulAT(dst.storage("MulAT"), f, elements(b), a.Cols(), a.Rows(), b.Cols())
	}
	return dst
}

// MulBT sets dst = a·bᵀ and returns dst: Dot(a, b.T()) without allocating.
// For a Dense layer this is dx = dout·Wᵀ.
func (dst Matrix) MulBT(a, b Matrix) Matrix {
	dst.checkProduct("MulBT", "%s · %sᵀ", a, b, a.Rows(), a.Cols(), b.Cols(), b.Rows())
	fast.MulBT(dst.storage("MulBT"), elements(a), elements(b), a.Rows(), a.Cols(), b.Rows())
	return dst
}

// checkProduct panics unless an n×k matrix times a k2×m one is k = k2 and
// fits dst (n×m); form shows the product, as "%s · %sᵀ".
func (dst Matrix) checkProduct(op, form string, a, b Matrix, n, k, k2, m int) {
	if k != k2 || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.%s: "+form+" into %s: shapes not aligned", op, a.Shape(), b.Shape(), dst.Shape()))
	}
}

// SumRowsOf sets the 1×cols dst to the column sums of m and returns dst:
// m.SumRows() into a row the caller keeps. For a Dense layer this is
// db = Σ_rows dout.
func (dst Matrix) SumRowsOf(m Matrix) Matrix {
	dst.checkSums("SumRowsOf", m)
	sums := dst[0]
	if f := m.flat(); f != nil && fast.ColumnSums(sums, f, m.Rows(), m.Cols()) {
		return dst // these same sums, many columns at a time
	}
	clear(sums)
	for _, row := range m {
		for j, v := range row {
			sums[j] += v
		}
	}
	return dst
}

// SumSquaredDeviationsOf sets the 1×cols dst to Σ_i (m_i − mean)², the sum
// over the rows m_i of m of their squared distances from the 1×cols row
// mean, column by column, and returns dst. For batch normalisation this is
// n·σ²_B, with mean = μ_B.
func (dst Matrix) SumSquaredDeviationsOf(m, mean Matrix) Matrix {
	dst.checkSums("SumSquaredDeviationsOf", m)
	if mean.Rows() != 1 || mean.Cols() != m.Cols() {
		panic(fmt.Sprintf("nn.SumSquaredDeviationsOf: the means %s do not fit the columns of %s (want 1×%d)", mean.Shape(), m.Shape(), m.Cols()))
	}
	sums, mu := dst[0], mean[0]
	if f := m.flat(); f != nil && fast.ColumnDeviations(sums, f, mu, m.Rows(), m.Cols()) {
		return dst
	}
	clear(sums)
	for _, row := range m {
		mu := mu[:len(row)] // one length: Go checks bounds once per row, not per j
		for j, v := range row {
			sums[j] += (v - mu[j]) * (v - mu[j])
		}
	}
	return dst
}

// SumProductsOf sets the 1×cols dst to Σ_i a_i ⊙ b_i, the column sums of
// the element-wise product of a and b (one shape), and returns dst. For
// batch normalisation this is dγ = Σ_i dy_i ⊙ x̂_i.
func (dst Matrix) SumProductsOf(a, b Matrix) Matrix {
	dst.checkSums("SumProductsOf", a)
	sameShape("SumProductsOf", a, b)
	sums := dst[0]
	if fa, fb := a.flat(), b.flat(); fa != nil && fb != nil && fast.ColumnDots(sums, fa, fb, a.Rows(), a.Cols()) {
		return dst
	}
	clear(sums)
	for i, row := range a {
		brow := b[i][:len(row)]
		for j, v := range row {
			sums[j] += v * brow[j]
		}
	}
	return dst
}

// checkSums panics unless dst is 1×cols for m's cols columns.
func (dst Matrix) checkSums(op string, m Matrix) {
	if dst.Rows() != 1 || dst.Cols() != m.Cols() {
		panic(fmt.Sprintf("nn.%s: the sums of %s's columns do not fit %s (want 1×%d)", op, m.Shape(), dst.Shape(), m.Cols()))
	}
}

// ReLU sets dst = max(0, x) element-wise and returns dst: x.Apply(ReLU)
// without allocating. dst must have x's shape.
func (dst Matrix) ReLU(x Matrix) Matrix {
	sameShape("ReLU", dst, x)
	if d, s := dst.flat(), x.flat(); d != nil && s != nil {
		fast.ReLU(d, s) // the whole batch in one pass
		return dst
	}
	for i := range dst {
		fast.ReLU(dst[i], x[i])
	}
	return dst
}

// ReLUMask sets dst = dout ⊙ [out > 0] and returns dst: dout where out is
// positive, 0 elsewhere, the backward pass of ReLU (out is ReLU's output,
// and ReLU'(z) is 1 exactly where it is positive). The three share a shape.
func (dst Matrix) ReLUMask(dout, out Matrix) Matrix {
	sameShape("ReLUMask", dst, dout)
	sameShape("ReLUMask", dst, out)
	if d, g, o := dst.flat(), dout.flat(), out.flat(); d != nil && g != nil && o != nil {
		fast.ReLUMask(d, g, o) // the whole batch in one pass
		return dst
	}
	for i := range dst {
		fast.ReLUMask(dst[i], dout[i], out[i])
	}
	return dst
}

// fusedAdam is the hook of Adam.Step: it applies one Adam step, the update
// of the loop in Adam.Step, to one parameter's values w, gradients g and
// moments m, v with vector instructions where the CPU has them, to the same
// bits, and reports whether it did; if not, Adam.Step runs its loop.
func fusedAdam(w, g, m, v []float64, cols int, lr, beta1, beta2, eps, c1, c2 float64) bool {
	return fast.Adam(w, g, m, v, cols, fast.AdamStep{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps, C1: c1, C2: c2})
}

// fusedMomentum is the hook of Momentum.Step: it applies one step, the
// update of the loop in Momentum.Step, to one parameter's values w,
// gradients g and velocities v, split across the cores when the matrix is
// large enough for that to pay, and reports whether it did; if not,
// Momentum.Step runs its loop.
func fusedMomentum(w, g, v []float64, cols int, mu, lr float64) bool {
	return fast.Momentum(w, g, v, cols, mu, lr)
}

// fusedNormalize is the hook of BatchNorm.Forward: it sets x̂ = (x − μ)/σ and
// y = γ·x̂ + β for every row of x, the loop of BatchNorm.Forward, with vector
// instructions where the CPU has them, to the same bits, and reports whether
// it did; if not, BatchNorm.Forward runs its loop.
func fusedNormalize(xhat, y, x Matrix, mean, std, gamma, beta []float64) bool {
	if fx, fy, f := xhat.flat(), y.flat(), x.flat(); fx != nil && fy != nil && f != nil {
		return fast.Normalize(fx, fy, f, x.Cols(), mean, std, gamma, beta) // the whole batch, on the cores
	}
	for i, row := range x {
		if !fast.Normalize(xhat[i], y[i], row, len(row), mean, std, gamma, beta) {
			return false // no vector form here: nothing done (it says so at once, at row 0)
		}
	}
	return true
}

// fusedNormalizeGrad is the hook of BatchNorm.Backward: it sets dx =
// scale·(dy − meanDy − x̂·dγ/n) for every row dy of dout, the loop of
// BatchNorm.Backward, with vector instructions where the CPU has them, to
// the same bits, and reports whether it did; if not, BatchNorm.Backward
// runs its loop.
func fusedNormalizeGrad(dx, dout, xhat Matrix, scale, meanDy, dgamma []float64, n float64) bool {
	if fdx, fdy, fx := dx.flat(), dout.flat(), xhat.flat(); fdx != nil && fdy != nil && fx != nil {
		return fast.NormalizeGrad(fdx, fdy, fx, dout.Cols(), scale, meanDy, dgamma, n) // the whole batch, on the cores
	}
	for i, row := range dout {
		if !fast.NormalizeGrad(dx[i], row, xhat[i], len(row), scale, meanDy, dgamma, n) {
			return false // no vector form here: nothing done (it says so at once, at row 0)
		}
	}
	return true
}

// storage returns dst's backing array, to write a result into; dst must be
// made by this package (rows side by side in one array).
func (dst Matrix) storage(op string) []float64 {
	d := dst.flat()
	if d == nil {
		panic(fmt.Sprintf("nn.%s: the destination %s must be made by nn.New (its rows in one array)", op, dst.Shape()))
	}
	return d
}

// elements returns m's elements in row order: its own backing array for a
// matrix made by this package, else a copy.
func elements(m Matrix) []float64 {
	if f := m.flat(); f != nil {
		return f
	}
	out := make([]float64, 0, m.Rows()*m.Cols())
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}
