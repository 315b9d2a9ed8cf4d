// Chapters 4 and 5 explain this file: derivatives found by nudging each input
// a little (numerical differentiation), and using them to check backprop.

package nn

import "math"

// NumericalStep is the h of the central difference (f(x+h) − f(x−h)) / 2h.
// Its error shrinks like h², but a too-small h loses digits to rounding;
// 1e−4 is the usual compromise for float64 (and the articles' choice).
const NumericalStep = 1e-4

// NumericalGradient returns ∂f/∂x_i for every i by central differences. x is
// changed while it runs and restored before it returns.
func NumericalGradient(f func(x []float64) float64, x []float64) []float64 {
	grad := make([]float64, len(x))
	for i := range x {
		orig := x[i]
		x[i] = orig + NumericalStep
		fPlus := f(x)
		x[i] = orig - NumericalStep
		fMinus := f(x)
		x[i] = orig
		grad[i] = (fPlus - fMinus) / (2 * NumericalStep)
	}
	return grad
}

// NumericalGradientMatrix returns ∂loss/∂m[i][j] for every element of m, where
// loss() reads m (for example a layer's weights) and returns a scalar.
func NumericalGradientMatrix(loss func() float64, m Matrix) Matrix {
	grad := New(m.Rows(), m.Cols())
	for i := range m {
		for j := range m[i] {
			orig := m[i][j]
			m[i][j] = orig + NumericalStep
			fPlus := loss()
			m[i][j] = orig - NumericalStep
			fMinus := loss()
			m[i][j] = orig
			grad[i][j] = (fPlus - fMinus) / (2 * NumericalStep)
		}
	}
	return grad
}

// GradientDescent runs steps of x ← x − lr·∇f(x) from init, with ∇f found
// numerically, and returns the final point and the path (init first).
func GradientDescent(f func(x []float64) float64, init []float64, lr float64, steps int) (x []float64, path [][]float64) {
	x = append([]float64(nil), init...)
	path = append(path, append([]float64(nil), x...))
	for range steps {
		g := NumericalGradient(f, x)
		for i := range x {
			x[i] -= lr * g[i]
		}
		path = append(path, append([]float64(nil), x...))
	}
	return x, path
}

// RelError is ‖a − b‖ / (‖a‖ + ‖b‖) with Euclidean norms: 0 for equal
// matrices, about 1e−7 or less when a backprop gradient a agrees with a
// numerical one b, and near 1 when they have nothing to do with each other.
func RelError(a, b Matrix) float64 {
	sameShape("RelError", a, b)
	var diff, na, nb float64
	for i := range a {
		for j := range a[i] {
			d := a[i][j] - b[i][j]
			diff += d * d
			na += a[i][j] * a[i][j]
			nb += b[i][j] * b[i][j]
		}
	}
	den := math.Sqrt(na) + math.Sqrt(nb)
	if den == 0 {
		return 0
	}
	return math.Sqrt(diff) / den
}
