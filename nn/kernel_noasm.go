//go:build !amd64

// Platforms other than amd64 run the portable Go kernels of kernel.go only.

package nn

func detectSIMD() int { return simdNone }

func gemmSIMD(f *flatProduct, lo, hi, jlo, jhi int) int { return jlo }

func adamSIMD(w, g, m, v []float64, k *[9]float64) int { return 0 }

func transposeSIMD(bt, b []float64, m, k int) (rows, cols int) { return 0, 0 }

func reluSIMD(dst, src []float64) int { return 0 }

func reluGradSIMD(d, v, out []float64) int { return 0 }
