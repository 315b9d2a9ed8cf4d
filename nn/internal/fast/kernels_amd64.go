//go:build !purego

// The amd64 kernels: the declarations of the assembly in kernels_amd64.s,
// the check of which vector instructions this CPU and OS support, and the
// loops that hand each kernel its blocks.

package fast

import (
	"runtime"
	"sync"
)

// panels holds the buffers gemm copies a block of B's columns into.
var panels = sync.Pool{New: func() any { return new([]float64) }}

// gemmAVX512 sets C(i,j) = Σ_p A(i,p)·B(p,j) (+ bias[j] if bias is not nil)
// for rows i < n and the columns of one 32-wide block selected by masks,
// where A(i,p) = a[i·sai + p·sak], B(p,j) = b[p·ldb + j], C(i,j) = c[i·ldc + j].
// Bits 0–31 of masks select the block's columns; bit 32 asks the kernel to
// prefetch B's rows ahead of their use (so do gemm16AVX512 and gemmRowsAVX512).
//
//go:noescape
func gemmAVX512(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k, masks int)

// packAVX512 copies the block of 32 columns of B at b (k rows, row stride
// ldb; masks selects the columns that exist) into a panel: row p at
// panel[32p:].
//
//go:noescape
func packAVX512(panel, b *float64, ldb, k, masks int)

// gemm16AVX512 is gemmAVX512 for a block of at most 16 columns (masks has
// bits 0–15), 8 rows at a time.
//
//go:noescape
func gemm16AVX512(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k, masks int)

// gemmRowsAVX512 is gemmAVX512 for an A given by rows: A(i,p) = rows[i][p].
//
//go:noescape
func gemmRowsAVX512(c *float64, ldc int, rows *[]float64, b *float64, ldb int, bias *float64, n, k, masks int)

// gemmRowsTAVX512 is gemmAVX512 for C = Aᵀ·B with A given by rows:
// C(i,j) = Σ_p rows[p][col+i]·B(p,j), for i < n.
//
//go:noescape
func gemmRowsTAVX512(c *float64, ldc int, rows *[]float64, col int, b *float64, ldb int, n, k, masks int)

// gemmAVX2 is gemmAVX512 for one block of exactly 8 columns.
//
//go:noescape
func gemmAVX2(c *float64, ldc int, a *float64, sai, sak int, b *float64, ldb int, bias *float64, n, k int)

// adamAVX512 is one Adam step over n parameters (see Adam); k holds its
// constants: β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, lr, ε, 1/(1−β2ᵗ); c1one is
// 1 when 1−β1ᵗ is exactly 1.
//
//go:noescape
func adamAVX512(w, grad, m, v *float64, n int, k *[9]float64, c1one int)

// adamAVX2 is adamAVX512 for n a multiple of 4.
//
//go:noescape
func adamAVX2(w, grad, m, v *float64, n int, k *[9]float64, c1one int)

// transposeAVX512 writes the transpose of the rows×cols block at src (row
// stride lds) to dst (row stride ldd); rows and cols are multiples of 8.
//
//go:noescape
func transposeAVX512(dst *float64, ldd int, src *float64, lds int, rows, cols int)

// reluAVX512 sets dst[i] = max(src[i], 0) for i < n, as Go's max does
// (NaN stays NaN, −0 becomes +0).
//
//go:noescape
func reluAVX512(dst, src *float64, n int)

// reluMaskAVX512 sets d[i] = v[i] where out[i] > 0, else +0, for i < n.
//
//go:noescape
func reluMaskAVX512(d, v, out *float64, n int)

// reluAVX2 and reluMaskAVX2 are the same for n a multiple of 4.
//
//go:noescape
func reluAVX2(dst, src *float64, n int)

//go:noescape
func reluMaskAVX2(d, v, out *float64, n int)

// normalizeAVX512 sets xhat[j] = (x[j] − mean[j])/std[j] and y[j] =
// gamma[j]·xhat[j] + beta[j] for j < n: one row of batch normalisation.
//
//go:noescape
func normalizeAVX512(xhat, y, x, mean, std, gamma, beta *float64, n int)

// columnsAVX512 is one of the column reductions of a rows×cols matrix a
// with row stride lda (see ColumnSums): op 0 the sums, 1 the sums of
// squared deviations from the row b, 2 the sums of the products with the
// matrix b (stride lda too).
//
//go:noescape
func columnsAVX512(sums, a, b *float64, rows, cols, lda, op int)

// normalizeGradAVX512 sets dx[j] = scale[j]·((dy[j] − meanDy[j]) −
// (xhat[j]·dgamma[j])/count) for j < n: one row of batch normalisation's
// backward pass.
//
//go:noescape
func normalizeGradAVX512(dx, dy, xhat, scale, meanDy, dgamma *float64, n int, count float64)

// spinPause waits a moment with PAUSE instructions, in a loop that waits
// for another goroutine.
func spinPause()

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
func xgetbv() (eax uint32)

// detect asks the CPU (CPUID) which instructions it has and the OS
// (XGETBV) whether it saves the wide registers they use; both must agree.
func detect() Level {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return Portable
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return Portable
	}
	xcr0 := xgetbv()
	const sseYMM = 1<<1 | 1<<2              // XMM and upper YMM state
	const zmm = sseYMM | 1<<5 | 1<<6 | 1<<7 // opmask, upper ZMM0–15, ZMM16–31
	if xcr0&sseYMM != sseYMM {
		return Portable
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2, avx512f = 1 << 5, 1 << 16
	if ebx7&avx2 == 0 {
		return Portable
	}
	// macOS enables AVX-512 state lazily, so XCR0 does not tell; keep to AVX2 there.
	if ebx7&avx512f != 0 && xcr0&zmm == zmm && runtime.GOOS != "darwin" {
		return AVX512
	}
	return AVX2
}

// gemm computes rows lo..hi−1 and columns jlo..jhi−1 of the product f
// (k > 0) with the kernel set in use. Columns the AVX2 kernel does not cover
// (fewer than 8 at the right edge) are left to the caller: it returns the
// first column it did not compute.
func gemm(f *product, lo, hi, jlo, jhi int) int {
	switch level {
	case AVX512:
		gemm512(f, lo, hi, jlo, jhi)
		return jhi
	case AVX2:
		n := hi - lo
		a := &f.a[lo*f.sai]
		j := jlo
		for ; j+8 <= jhi; j += 8 {
			var bias *float64
			if f.bias != nil {
				bias = &f.bias[j]
			}
			gemmAVX2(&f.c[lo*f.ldc+j], f.ldc, a, f.sai, f.sak, &f.b[j], f.ldb, bias, n, f.k)
		}
		return j
	}
	return jlo
}

// prefetchMaxRows: a block of fewer rows of C than this has the kernel ask
// for the rows of B ahead of their use (bit 32 of masks). Such a block reads
// each row of B only a few times, so B streams in from the shared cache or
// memory as the kernel goes; with more rows (dW = xᵀ·dout, 784 or 1,024
// rows at batch 128) B stays in the core's own caches, and the hints only
// cost (measured: docs/performance.md, round 2, third part).
var prefetchMaxRows = 256

// panelMinRows is the fewest rows of C for which gemm512 copies blocks of a
// B whose rows are a multiple of 4 KiB apart into panels: from 80 rows on
// (x·W at batch 128 for a 1,024-wide W: 36–40 → 42–45 GFLOP/s on one
// core) the panel pays for its copy; at 64 rows and fewer reading B where
// it is was faster (docs/performance.md, round 2, the sixth look).
var panelMinRows = 80

// gemm512 is gemm with the AVX-512 kernels.
func gemm512(f *product, lo, hi, jlo, jhi int) {
	n := hi - lo
	// Rows of B a multiple of 4 KiB apart fall into the same few cache
	// sets and evict each other; a long product copies each block of 32
	// columns of such a B into a contiguous panel first (packAVX512), when
	// enough rows of C (panelMinRows) use the panel to pay for the copy.
	var panel *[]float64
	if f.ldb%512 == 0 && n >= panelMinRows && f.k >= 128 {
		panel = panels.Get().(*[]float64)
		if cap(*panel) < 32*f.k {
			*panel = make([]float64, 32*f.k)
		}
		defer panels.Put(panel)
	}
	// A tall A (W in dxᵀ = W·doutᵀ: 1,024 rows of 1,024) is done in blocks
	// of rows, each with every block of columns, so that the rows of A are
	// read from memory once, not once for each 32 columns of B; a block
	// keeps aBlockMax numbers of A, a quarter of this CPU's own cache. With
	// panels (a long product that copies B) every row block would copy B
	// again, so those keep one block.
	step := n
	if panel == nil && jhi-jlo > 32 && n*f.k > aBlockMax {
		step = max(aBlockMax/f.k/6, 1) * 6
	}
	for r := lo; r < hi; r += step {
		gemm512Rows(f, r, min(r+step, hi), jlo, jhi, n, panel)
	}
}

// aBlockMax is the most numbers of A that gemm512 runs through every block
// of columns of B before it moves on to the next rows: 512 KiB.
const aBlockMax = 1 << 16

// gemm512Rows is gemm512 for rows lo..hi−1 of a part of n rows.
func gemm512Rows(f *product, lo, hi, jlo, jhi, partRows int, panel *[]float64) {
	n := hi - lo
	for j := jlo; j < jhi; j += 32 {
		w := min(32, jhi-j)
		masks := 0
		for q, left := 0, w; q < 4; q, left = q+1, left-8 {
			masks |= (1<<min(max(left, 0), 8) - 1) << (8 * q)
		}
		if panel == nil && partRows < prefetchMaxRows && f.k >= 64 {
			masks |= 1 << 32 // prefetch B: few rows of C read each row of B
		}
		var bias *float64
		if f.bias != nil {
			bias = &f.bias[j]
		}
		b, ldb := &f.b[j], f.ldb
		if panel != nil {
			pb := (*panel)[:32*f.k]
			_ = f.b[(f.k-1)*f.ldb+j+w-1]
			packAVX512(&pb[0], b, f.ldb, f.k, masks&(1<<32-1))
			b, ldb = &pb[0], 32
		}
		c := &f.c[lo*f.ldc+j]
		switch {
		case f.rows != nil && !f.rowsT: // a·b, A given by rows
			gemmRowsAVX512(c, f.ldc, &f.rows[lo], b, ldb, bias, n, f.k, masks)
		case f.rows != nil: // aᵀ·b, A given by rows
			gemmRowsTAVX512(c, f.ldc, &f.rows[0], lo, b, ldb, n, f.k, masks)
		case w <= 16: // a narrow block: half the lanes of a 32-wide one
			gemm16AVX512(c, f.ldc, &f.a[lo*f.sai], f.sai, f.sak, b, ldb, bias, n, f.k, masks)
		default:
			gemmAVX512(c, f.ldc, &f.a[lo*f.sai], f.sai, f.sak, b, ldb, bias, n, f.k, masks)
		}
	}
}

// transposeBlocks writes the transpose of rows j0..j1−1 of b (m×k) into
// bt (k×m) in 8×8 blocks, and returns the row it stopped at and how many
// columns of b it covered (the rest, fewer than 8 at the edges, is left to
// the caller). j0 is a multiple of 8.
func transposeBlocks(bt, b []float64, m, k, j0, j1 int) (end, cols int) {
	if level != AVX512 {
		return j0, 0
	}
	end, cols = j0+(j1-j0)&^7, k&^7
	if end > j0 && cols > 0 {
		transposeAVX512(&bt[j0], m, &b[j0*k], k, end-j0, cols)
	}
	return end, cols
}

// adamVec runs one Adam step over w, g, m, v (of equal length) and returns
// how many leading elements it did; the caller does the rest.
func adamVec(w, g, m, v []float64, k *[9]float64) int {
	n := len(w)
	if n == 0 {
		return 0
	}
	g, m, v = g[:n], m[:n], v[:n]
	c1one := 0
	if k[4] == 1 {
		c1one = 1
	}
	switch level {
	case AVX512:
		adamAVX512(&w[0], &g[0], &m[0], &v[0], n, k, c1one)
		return n
	case AVX2:
		n &^= 3
		if n > 0 {
			adamAVX2(&w[0], &g[0], &m[0], &v[0], n, k, c1one)
		}
		return n
	}
	return 0
}

// normalizeVec is one row of batch normalisation (see Normalize) with the
// vector kernel.
func normalizeVec(xhat, y, x, mean, std, gamma, beta []float64) {
	if n := len(x); n > 0 {
		_, _, _, _, _, _ = xhat[n-1], y[n-1], mean[n-1], std[n-1], gamma[n-1], beta[n-1]
		normalizeAVX512(&xhat[0], &y[0], &x[0], &mean[0], &std[0], &gamma[0], &beta[0], n)
	}
}

// columnsVec runs the column reduction op (see ColumnSums) over columns
// jlo..jhi−1 of a, rows×lda, with the vector kernel.
func columnsVec(op int, sums, a, b []float64, rows, lda, jlo, jhi int) {
	if rows == 0 || jhi == jlo {
		clear(sums[jlo:jhi])
		return
	}
	_, _ = sums[jhi-1], a[(rows-1)*lda+jhi-1]
	pb := &a[0] // op 0 reads no b
	switch op {
	case columnDeviations:
		_ = b[jhi-1]
		pb = &b[jlo]
	case columnDots:
		_ = b[(rows-1)*lda+jhi-1]
		pb = &b[jlo]
	}
	columnsAVX512(&sums[jlo], &a[jlo], pb, rows, jhi-jlo, lda, op)
}

// normalizeGradVec is one row of batch normalisation's backward pass (see
// NormalizeGrad) with the vector kernel.
func normalizeGradVec(dx, dy, xhat, scale, meanDy, dgamma []float64, count float64) {
	if n := len(dy); n > 0 {
		_, _, _, _, _ = dx[n-1], xhat[n-1], scale[n-1], meanDy[n-1], dgamma[n-1]
		normalizeGradAVX512(&dx[0], &dy[0], &xhat[0], &scale[0], &meanDy[0], &dgamma[0], n, count)
	}
}

// reluVec sets dst = max(src, 0) element-wise and returns how many leading
// elements it did.
func reluVec(dst, src []float64) int {
	n := len(dst)
	if n == 0 {
		return 0
	}
	src = src[:n]
	switch level {
	case AVX512:
		reluAVX512(&dst[0], &src[0], n)
		return n
	case AVX2:
		if n &^= 3; n > 0 {
			reluAVX2(&dst[0], &src[0], n)
		}
		return n
	}
	return 0
}

// reluMaskVec sets d = v where out > 0, else 0, and returns how many
// leading elements it did.
func reluMaskVec(d, v, out []float64) int {
	n := len(d)
	if n == 0 {
		return 0
	}
	v, out = v[:n], out[:n]
	switch level {
	case AVX512:
		reluMaskAVX512(&d[0], &v[0], &out[0], n)
		return n
	case AVX2:
		if n &^= 3; n > 0 {
			reluMaskAVX2(&d[0], &v[0], &out[0], n)
		}
		return n
	}
	return 0
}
