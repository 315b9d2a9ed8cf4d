package fast

import "math"

// ReLU sets dst[i] = max(x[i], 0), as Go's max does it (NaN stays NaN, −0
// becomes +0). dst and x have the same length.
func ReLU(dst, x []float64) {
	elementwise(part{op: opReLU, p: product{c: dst, a: x[:len(dst)]}, hi: len(dst)})
}

// ReLUMask sets dst[i] = dout[i] where out[i] > 0, else +0: the gradient of
// ReLU, dout ⊙ [out > 0]. The three have the same length.
func ReLUMask(dst, dout, out []float64) {
	n := len(dst)
	elementwise(part{op: opReLUMask, p: product{c: dst, a: dout[:n], b: out[:n]}, hi: n})
}

// elementwise runs t, an element-wise operation on elements 0..t.hi−1,
// dealt out to the cores (spread) in ranges of whole vectors.
func elementwise(t part) {
	spread(t, t.hi, 8, t.hi)
}

// spread runs t over the range 0..n−1 of its lo and hi (elements, or rows
// of a matrix), dealt out to the cores in equal ranges of whole units when
// the job has at least elementwiseSplitMin elements: each element is
// computed on its own, so any split gives the same bits.
func spread(t part, n, unit, elements int) {
	t.lo, t.hi = 0, n
	ways := 1
	if elements >= elementwiseSplitMin {
		ways = min(parallelism(), max((n+unit-1)/unit, 1))
	}
	if ways <= 1 {
		t.run()
		return
	}
	var parts [maxParts]part
	for q := range ways {
		parts[q] = t
		parts[q].lo, parts[q].hi = splitRange(n, unit, ways, q)
	}
	runAll(parts[:ways])
}

// relu is ReLU on dst and x of one length: the vector kernel, then the Go
// twin for what it leaves.
func relu(dst, x []float64) {
	done := reluVec(dst, x)
	for i, v := range x[done:] {
		dst[done+i] = max(v, 0)
	}
}

// reluMask is ReLUMask on slices of one length.
func reluMask(dst, dout, out []float64) {
	done := reluMaskVec(dst, dout, out)
	reluMaskGo(dst[done:], dout[done:], out[done:])
}

// reluMaskGo is the Go twin of ReLUMask. It keeps or clears dout's bits with
// a mask instead of branching: whether a unit was active is a coin toss the
// CPU cannot predict, and a wrong guess costs more than the element's work.
func reluMaskGo(dst, dout, out []float64) {
	dout, out = dout[:len(dst)], out[:len(dst)]
	for i := range dst {
		keep := uint64(0)
		if out[i] > 0 {
			keep = ^keep
		}
		dst[i] = math.Float64frombits(math.Float64bits(dout[i]) & keep)
	}
}

// Normalize is batch normalisation in training of the rows×cols matrix x
// (rows side by side, as xhat and y), for each row i and feature j:
//
//	xhat(i,j) = (x(i,j) − mean[j]) / std[j];   y(i,j) = gamma[j]·xhat(i,j) + beta[j]
//
// these operations in this order, the rows of a large matrix dealt out to
// the cores. It reports whether it did it: where the CPU has no vector form
// of it (AVX-512), it does nothing and returns false, and the caller's own
// loop is the Go twin. mean, std, gamma and beta are cols long.
func Normalize(xhat, y, x []float64, cols int, mean, std, gamma, beta []float64) bool {
	if level != AVX512 {
		return false
	}
	n := len(x)
	xhat, y = xhat[:n], y[:n]
	mean, std, gamma, beta = mean[:cols], std[:cols], gamma[:cols], beta[:cols]
	byRows(part{op: opNormalize, bn: bnPart{xhat, y, x, mean, std, gamma, beta, cols, 0}}, n, cols)
	return true
}

// NormalizeGrad is batch normalisation's backward pass for the rows×cols
// matrix dy (rows side by side, as dx and xhat), for each row i and
// feature j:
//
//	dx(i,j) = scale[j]·((dy(i,j) − meanDy[j]) − (xhat(i,j)·dgamma[j])/count)
//
// these operations in this order, the rows of a large matrix dealt out to
// the cores. It reports whether it did it, as Normalize does. scale, meanDy
// and dgamma are cols long.
func NormalizeGrad(dx, dy, xhat []float64, cols int, scale, meanDy, dgamma []float64, count float64) bool {
	if level != AVX512 {
		return false
	}
	n := len(dy)
	dx, xhat = dx[:n], xhat[:n]
	scale, meanDy, dgamma = scale[:cols], meanDy[:cols], dgamma[:cols]
	byRows(part{op: opNormalizeGrad, bn: bnPart{dx, dy, xhat, scale, meanDy, dgamma, nil, cols, count}}, n, cols)
	return true
}

// bnPart is the data of a part of batch normalisation: for Normalize xhat,
// y, x, mean, std, gamma, beta in that order, for NormalizeGrad dx, dy,
// xhat, scale, meanDy, dgamma; matrices cols wide.
type bnPart struct {
	s0, s1, s2, s3, s4, s5, s6 []float64
	cols                       int
	count                      float64
}

// normalizeRows runs rows lo..hi−1 of t (opNormalize, opNormalizeGrad).
func (t *part) normalizeRows() {
	b, c := &t.bn, t.bn.cols
	for i := t.lo; i < t.hi; i++ {
		r := b.s0[i*c : (i+1)*c]
		if t.op == opNormalize {
			normalizeVec(r, b.s1[i*c:(i+1)*c], b.s2[i*c:(i+1)*c], b.s3, b.s4, b.s5, b.s6)
		} else {
			normalizeGradVec(r, b.s1[i*c:(i+1)*c], b.s2[i*c:(i+1)*c], b.s3, b.s4, b.s5, b.count)
		}
	}
}

// byRows runs t over the rows of a matrix of n elements, cols wide, dealt
// out to the cores in whole rows (spread).
func byRows(t part, n, cols int) {
	rows := 0
	if cols > 0 {
		rows = n / cols
	}
	spread(t, rows, 1, n)
}

// The column reductions of columnsAVX512 (op).
const (
	columnSums       = iota // sums[j] = Σ_i a(i,j)
	columnDeviations        // sums[j] = Σ_i (a(i,j) − b[j])·(a(i,j) − b[j])
	columnDots              // sums[j] = Σ_i a(i,j)·b(i,j)
)

// ColumnSums, ColumnDeviations and ColumnDots set sums, cols long, to the
// column reductions of a, rows×cols with its rows side by side:
//
//	ColumnSums:        sums[j] = Σ_i a(i,j)
//	ColumnDeviations:  sums[j] = Σ_i (a(i,j) − b[j])·(a(i,j) − b[j])   (b the means, cols long)
//	ColumnDots:        sums[j] = Σ_i a(i,j)·b(i,j)                      (b rows×cols, as a)
//
// each sum built from 0 by adding the terms row after row, as nn's loops
// build them, the columns of a large matrix dealt out to the cores (every
// column is summed on its own). They report whether they did: where the
// CPU has no vector form (AVX-512) they do nothing and return false.
func ColumnSums(sums, a []float64, rows, cols int) bool {
	return columns(columnSums, sums, a, nil, rows, cols)
}

// ColumnDeviations: see ColumnSums.
func ColumnDeviations(sums, a, mean []float64, rows, cols int) bool {
	return columns(columnDeviations, sums, a, mean, rows, cols)
}

// ColumnDots: see ColumnSums.
func ColumnDots(sums, a, b []float64, rows, cols int) bool {
	return columns(columnDots, sums, a, b, rows, cols)
}

func columns(op int, sums, a, b []float64, rows, cols int) bool {
	if level != AVX512 {
		return false
	}
	// The parts' lo..hi are columns here, in whole blocks of 32.
	spread(part{op: opColumns, p: product{c: sums[:cols], a: a[:rows*cols], b: b, n: rows, m: cols, k: op}}, cols, 32, rows*cols)
	return true
}

// AdamStep is what one Adam step needs besides the parameters: the learning
// rate, β1, β2, ε, and the bias corrections C1 = 1 − β1ᵗ and C2 = 1 − β2ᵗ.
type AdamStep struct{ LR, Beta1, Beta2, Eps, C1, C2 float64 }

// Adam applies one Adam step to the parameters w, with gradients g and
// moments m and v (all of one length, a matrix cols wide), and returns true:
//
//	m ← β1·m + (1 − β1)·g;   v ← β2·v + ((1 − β2)·g)·g
//	w ← w − (lr·(m/C1)) / (√(v/C2) + ε)
//
// these operations in this order for every element. Where the CPU has no
// vector form of it (Level Portable) it does nothing and returns false: the
// caller's own loop is the Go twin.
func Adam(w, g, m, v []float64, cols int, s AdamStep) bool {
	if level == Portable {
		return false
	}
	n := len(w)
	stepRows(part{op: opAdam, step: stepPart{w, g[:n], m[:n], v[:n], s.constants()}, hi: n}, cols, adamSplitMin)
	return true
}

// Momentum applies one step of SGD with momentum to the parameters w, with
// gradients g and velocities v (all of one length, a matrix cols wide):
//
//	v ← μ·v − lr·g;   w ← w + v
//
// these operations in this order for every element, the rows of a large
// matrix dealt out to the cores; it reports whether it did. Below
// momentumSplitMin parameters, or on one core, it does nothing and returns
// false: the caller's own loop, the Go twin, is then as fast.
func Momentum(w, g, v []float64, cols int, mu, lr float64) bool {
	n := len(w)
	if n < momentumSplitMin || cols <= 0 || n%cols != 0 || parallelism() == 1 {
		return false
	}
	stepRows(part{op: opMomentum, step: stepPart{w: w, g: g[:n], m: v[:n], k: [9]float64{mu, lr}}, hi: n}, cols, 0)
	return true
}

// stepRows runs t, an optimiser's step over the elements 0..t.hi−1 of a
// matrix cols wide. Every element is updated on its own, so the elements
// can be dealt out to the cores in any split without changing a single bit:
// from splitMin elements on, in chunks of whole rows, which the cores take
// as they go.
func stepRows(t part, cols, splitMin int) {
	n := t.hi
	ways, rowUnit := 1, 1
	if n >= splitMin && cols > 0 && n%cols == 0 && parallelism() > 1 {
		rowUnit, _ = units()
		ways = chunks(n/cols, rowUnit)
	}
	if ways <= 1 {
		t.run()
		return
	}
	var parts [maxParts]part
	for q := range ways {
		lo, hi := splitRange(n/cols, rowUnit, ways, q)
		parts[q] = t
		parts[q].lo, parts[q].hi = lo*cols, hi*cols
	}
	runAll(parts[:ways])
}

// stepPart is the data of one optimiser step: Adam's w, g, m, v and its
// constants, or Momentum's w, g, velocities (in m), μ and lr (k[0], k[1]).
type stepPart struct {
	w, g, m, v []float64
	k          [9]float64
}

// constants are the numbers the vector kernels load: β1, 1−β1, β2, 1−β2,
// 1−β1ᵗ, 1−β2ᵗ, lr, ε and 1/(1−β2ᵗ).
func (s AdamStep) constants() [9]float64 {
	return [9]float64{s.Beta1, 1 - s.Beta1, s.Beta2, 1 - s.Beta2, s.C1, s.C2, s.LR, s.Eps, 1 / s.C2}
}

// adam updates elements lo..hi−1: with the vector kernel, and what it
// leaves (AVX2 takes four at a time) with the Go twin.
func (a *stepPart) adam(lo, hi int) {
	w, g, m, v := a.w[lo:hi], a.g[lo:hi], a.m[lo:hi], a.v[lo:hi]
	done := adamVec(w, g, m, v, &a.k)
	adamGo(w[done:], g[done:], m[done:], v[done:], &a.k)
}

// momentum updates elements lo..hi−1, in Go: the loop of nn's
// Momentum.Step.
func (a *stepPart) momentum(lo, hi int) {
	w, g, v := a.w[lo:hi], a.g[lo:hi], a.m[lo:hi]
	mu, lr := a.k[0], a.k[1]
	for i := range w {
		v[i] = mu*v[i] - lr*g[i]
		w[i] += v[i]
	}
}

// adamGo is the Go twin of the vector Adam kernels.
func adamGo(w, g, m, v []float64, k *[9]float64) {
	b1, b1c, b2, b2c, c1, c2, lr, eps := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for i := range w {
		m[i] = b1*m[i] + b1c*g[i]
		v[i] = b2*v[i] + b2c*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}
