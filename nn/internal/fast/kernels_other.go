//go:build !amd64 || purego

// Without the amd64 assembly (another platform, or the purego build tag)
// only the Go twins run: every kernel here does nothing.

package fast

func detect() Level { return Portable }

func gemm(f *product, lo, hi, jlo, jhi int) int { return jlo }

func transposeBlocks(bt, b []float64, m, k, j0, j1 int) (end, cols int) { return j0, 0 }

func adamVec(w, g, m, v []float64, k *[9]float64) int { return 0 }

func reluVec(dst, src []float64) int { return 0 }

func reluMaskVec(d, v, out []float64) int { return 0 }

func normalizeVec(xhat, y, x, mean, std, gamma, beta []float64) {}

func columnsVec(op int, sums, a, b []float64, rows, lda, jlo, jhi int) {}

func normalizeGradVec(dx, dy, xhat, scale, meanDy, dgamma []float64, count float64) {}

func spinPause() {}
