package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// simdLevels lists the kernel sets this machine can run, portable Go first.
func simdLevels() []int {
	levels := []int{simdNone}
	for s := simdAVX2; s <= detectSIMD(); s++ {
		levels = append(levels, s)
	}
	return levels
}

var simdNames = map[int]string{simdNone: "go", simdAVX2: "avx2", simdAVX512: "avx512"}

// splitEverything makes every product and Adam step that can be split
// across goroutines be split, until the returned function is called.
func splitEverything() (restore func()) {
	w, i, a := splitMinWork, splitMinIntensity, adamSplitMin
	splitMinWork, splitMinIntensity, adamSplitMin = 1, 0, 1
	return func() { splitMinWork, splitMinIntensity, adamSplitMin = w, i, a }
}

// withSIMD runs f with the kernel set s.
func withSIMD(s int, f func()) {
	defer func(old int) { simd = old }(simd)
	simd = s
	f()
}

// sparseMatrix is a random r×c matrix with about a third of its entries 0,
// as ReLU outputs and images have, and a few negative zeros.
func sparseMatrix(rng *rand.Rand, r, c int) Matrix {
	m := New(r, c)
	for _, row := range m {
		for j := range row {
			switch rng.IntN(6) {
			case 0, 1:
			case 2:
				row[j] = math.Copysign(0, -1)
			default:
				row[j] = rng.NormFloat64()
			}
		}
	}
	return m
}

// sameBits reports the first element where a and b differ in any bit.
func sameBits(a, b Matrix) (int, int, bool) {
	for i := range a {
		for j := range a[i] {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				return i, j, false
			}
		}
	}
	return 0, 0, true
}

// kernelShapes are n×k·k×m products: edge sizes (1, the vector widths 4 and
// 8 and one either side, the 6-row blocks, 15, 784, widths a multiple of 512)
// and random ones.
func kernelShapes(rng *rand.Rand) [][3]int {
	shapes := [][3]int{
		{1, 1, 1}, {1, 784, 64}, {15, 784, 64}, {15, 64, 64}, {15, 64, 10}, {64, 15, 64},
		{784, 15, 64}, {64, 15, 10}, {128, 64, 64}, {7, 13, 5}, {3, 1, 9}, {200, 300, 50},
		{6, 5, 32}, {12, 3, 33}, {5, 2, 31}, {13, 8, 7}, {1, 1, 100}, {2, 17, 3}, {11, 1, 8},
		{4, 0, 0}, {3, 7, 0}, {0, 0, 0},
		{13, 130, 512}, {24, 128, 1024}, {12, 200, 520}, // rows of b 4 KiB apart: copied to panels
	}
	for range 40 {
		shapes = append(shapes, [3]int{1 + rng.IntN(40), 1 + rng.IntN(70), 1 + rng.IntN(90)})
	}
	return shapes
}

// TestKernelsSameBitsEverywhere checks that every kernel set (the portable Go
// one and, where the CPU has them, AVX2 and AVX-512) gives the same bits for
// MulInto, MulATInto, MulBTInto and the fused bias of Dense.Forward, on
// contiguous and non-contiguous matrices, and that these equal Dot.
func TestKernelsSameBitsEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, s := range kernelShapes(rng) {
		n, k, m := s[0], s[1], s[2]
		a, b := sparseMatrix(rng, n, k), sparseMatrix(rng, k, m)
		if k == 0 { // an n×0 matrix still has n (empty) rows
			a = wrap(nil, n, 0)
		}
		at, bt := a.T(), b.T()
		if n == 0 || k == 0 {
			at, bt = wrap(nil, k, n), wrap(nil, m, k)
		}
		bias := randomMatrix(rng, 1, m)[0]
		if m == 0 {
			bias = []float64{}
		}
		want := Dot(a, b)
		wantBias := New(n, m)
		for i := range want {
			for j := range want[i] {
				wantBias[i][j] = want[i][j] + bias[j]
			}
		}
		for _, level := range simdLevels() {
			withSIMD(level, func() {
				name := fmt.Sprintf("%s %d×%d·%d×%d", simdNames[level], n, k, k, m)
				check := func(op string, got, want Matrix) {
					t.Helper()
					if got.Rows() != want.Rows() || got.Cols() != want.Cols() {
						t.Fatalf("%s %s: shape %s, want %s", name, op, got.Shape(), want.Shape())
					}
					if i, j, ok := sameBits(got, want); !ok {
						t.Errorf("%s %s: [%d][%d] = %v, want %v", name, op, i, j, got[i][j], want[i][j])
					}
				}
				check("MulInto", MulInto(filled(n, m), a, b), want)
				if at.Cols() == n { // a k×0 matrix has no columns to transpose into n rows
					check("MulATInto", MulATInto(filled(n, m), at, b), want)
				}
				if bt.Cols() == k {
					check("MulBTInto", MulBTInto(filled(n, m), a, bt), want)
				}
				got := filled(n, m)
				mulBias(got, a, b, bias)
				check("mulBias", got, wantBias)
				// Matrices whose rows are separate arrays take the portable path.
				check("MulInto, rows apart", MulInto(filled(n, m), apart(a), apart(b)), want)
				if bt.Cols() == k {
					check("MulBTInto, rows apart", MulBTInto(apart(filled(n, m)), a, bt), want)
				}
			})
		}
	}
}

// filled is an n×m matrix of NaNs: a kernel that skips an element shows it.
func filled(n, m int) Matrix {
	out := New(n, m)
	for _, row := range out {
		for j := range row {
			row[j] = math.NaN()
		}
	}
	return out
}

// apart copies m into rows that are separate arrays (not contiguous).
func apart(m Matrix) Matrix {
	out := make(Matrix, len(m))
	for i, row := range m {
		out[i] = append(make([]float64, 0, len(row)+1), row...)
	}
	return out
}

// TestKernelsSplitSameBits runs products split across 1 and several
// goroutines and checks the bits do not change.
func TestKernelsSplitSameBits(t *testing.T) {
	defer splitEverything()()
	rng := rand.New(rand.NewPCG(23, 24))
	for _, s := range [][3]int{{15, 784, 64}, {128, 784, 64}, {784, 128, 64}, {9, 500, 100}, {300, 200, 33}} {
		n, k, m := s[0], s[1], s[2]
		a, b := sparseMatrix(rng, n, k), sparseMatrix(rng, k, m)
		want := Dot(a, b)
		for _, level := range simdLevels() {
			for _, procs := range []int{1, 2, 3, 8} {
				withSIMD(level, func() {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					for op, got := range map[string]Matrix{
						"MulInto":   MulInto(filled(n, m), a, b),
						"MulATInto": MulATInto(filled(n, m), a.T(), b),
						"MulBTInto": MulBTInto(filled(n, m), a, b.T()),
					} {
						if i, j, ok := sameBits(got, want); !ok {
							t.Errorf("%s %v GOMAXPROCS %d %s: [%d][%d] = %v, want %v",
								simdNames[level], s, procs, op, i, j, got[i][j], want[i][j])
						}
					}
				})
			}
		}
	}
}

// TestAdamSameBitsEverywhere checks the vector Adam step against the
// portable one on lengths around the vector widths, and a split step.
func TestAdamSameBitsEverywhere(t *testing.T) {
	var sizes [][2]int
	for _, n := range []int{1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33} {
		sizes = append(sizes, [2]int{1, n})
	}
	sizes = append(sizes, [2]int{784, 64}, [2]int{1, 64}, [2]int{64, 10}, [2]int{300, 301})
	makeParams := func() []*Param {
		r := rand.New(rand.NewPCG(27, 28))
		var ps []*Param
		for i, s := range sizes {
			ps = append(ps, &Param{fmt.Sprint(i), randomMatrix(r, s[0], s[1]), randomMatrix(r, s[0], s[1])})
		}
		return ps
	}
	defer splitEverything()()
	for _, startT := range []int{0, 1000} { // from 349 steps on, 1−β1ᵗ is exactly 1
		var want []float64
		for _, level := range simdLevels() {
			withSIMD(level, func() {
				ps := makeParams()
				opt := NewAdam(0.01)
				opt.Step(ps)
				opt.t = startT
				for step := range 4 {
					rng := rand.New(rand.NewPCG(29, uint64(step)))
					for _, p := range ps { // new gradients each step, some 0
						g := p.Grad.Flat()
						for i := range g {
							g[i] = math.Sin(float64(i*7+step)) * rng.Float64()
							if i%5 == 0 {
								g[i] = 0
							}
						}
					}
					// Gradients whose square under- or overflows, and NaN, in
					// one vector of the last parameter: the slow division.
					g := ps[len(ps)-1].Grad.Flat()
					copy(g[8*step:], []float64{1e-160, -1e-170, 3e-200, 1e-300, 5e-324, 1e160, 1e200, math.NaN(), math.Inf(-1)}[step:])
					opt.Step(ps)
				}
				var got []float64
				for _, p := range ps {
					got = append(got, p.Value.Flat()...)
				}
				got = append(got, opt.m[len(ps)-1]...)
				got = append(got, opt.v[len(ps)-1]...)
				if want == nil {
					want = got
					return
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
						t.Fatalf("%s Adam from step %d: value %d = %v, want %v (portable Go)",
							simdNames[level], startT, i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestTrainingSameBitsEverywhere trains article 002's network for a few steps
// with every kernel set and GOMAXPROCS 1 and 2, every product and Adam step
// split: the losses and weights must agree bit for bit.
func TestTrainingSameBitsEverywhere(t *testing.T) {
	defer splitEverything()()
	var want []float64
	for _, level := range simdLevels() {
		for _, procs := range []int{1, 2} {
			withSIMD(level, func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				rng := rand.New(rand.NewPCG(31, 32))
				n, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", rng)
				x := mnistLike(rng, 60, 784)
				labels := make([]int, 60)
				for i := range labels {
					labels[i] = rng.IntN(10)
				}
				opt := NewAdam(0.001)
				batches := NewBatches(x, labels, 10, 15, rng)
				var got []float64
				for range 2 {
					batches.Epoch()
					for {
						bx, bt, _, ok := batches.Next()
						if !ok {
							break
						}
						got = append(got, n.Step(bx, bt, opt))
					}
				}
				for _, p := range n.Params() {
					got = append(got, p.Value.Flat()...)
				}
				if want == nil {
					want = got
					return
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s GOMAXPROCS %d: value %d = %v, want %v (portable Go, GOMAXPROCS 1)",
							simdNames[level], procs, i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestTransposeSameEverywhere checks the packing of bᵀ for MulBTInto on
// shapes around the 8×8 blocks of the vector code.
func TestTransposeSameEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, s := range [][2]int{{1, 1}, {8, 8}, {7, 9}, {9, 7}, {16, 24}, {64, 64}, {64, 10}, {10, 64}, {17, 33}, {784, 64}} {
		b := randomMatrix(rng, s[0], s[1])
		want := b.T().Flat()
		for _, level := range simdLevels() {
			withSIMD(level, func() {
				got := make([]float64, s[0]*s[1])
				transposeInto(got, b)
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("%s transpose of %d×%d: element %d = %v, want %v", simdNames[level], s[0], s[1], i, got[i], want[i])
					}
				}
			})
		}
	}
}

// TestDivisionByReciprocal checks, on many numbers, the arithmetic fact the
// vector Adam step relies on to replace v/c by multiplications (see
// kernel_amd64.s): with y = 1/c rounded, q = v·y and r = v − c·q (exact, by
// a fused multiply-add), q + r·y rounded equals v/c rounded, for v in
// [2⁻⁹⁰⁰, 2⁹⁰⁰] and every c = 1 − 0.999ᵗ Adam uses. (A longer run of the same
// check, 1.2 billion cases, found no exception either.)
func TestDivisionByReciprocal(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for step := 1; step <= 40000; step += 7 {
		c := 1 - math.Pow(0.999, float64(step))
		y := 1 / c
		for range 30 {
			v := math.Ldexp(1+rng.Float64(), rng.IntN(1801)-900)
			if rng.IntN(2) == 0 {
				v = math.Ldexp(1+rng.Float64(), -rng.IntN(60))
			}
			q := v * y
			r := math.FMA(-c, q, v)
			if got := math.FMA(r, y, q); got != v/c {
				t.Fatalf("v = %v, c = %v: corrected quotient %v, v/c = %v", v, c, got, v/c)
			}
		}
	}
}

// TestSplitStepAllocatesNothing is TestTrainingStepAllocatesNothing with
// every product and the Adam step handed out to the worker goroutines.
func TestSplitStepAllocatesNothing(t *testing.T) {
	defer splitEverything()()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(37, 38))
	n, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", rng)
	x := randomMatrix(rng, 15, 784)
	tt := OneHot([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4}, 10)
	opt := NewAdam(0.001)
	trainingStep(n, opt, x, tt)
	if a := testing.AllocsPerRun(20, func() { trainingStep(n, opt, x, tt) }); a > 0 {
		t.Errorf("a split training step allocates %v times, want 0", a)
	}
}

// TestReLUSameBitsEverywhere checks the vector ReLU and its gradient against
// the portable loops on batches of odd widths, with −0, NaN and infinities.
func TestReLUSameBitsEverywhere(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, -1e-320, 2, -2}
	for _, shape := range [][2]int{{1, 1}, {3, 5}, {15, 64}, {7, 9}, {2, 17}, {128, 10}} {
		rng := rand.New(rand.NewPCG(39, uint64(shape[1])))
		x, dout := New(shape[0], shape[1]), New(shape[0], shape[1])
		for _, m := range []Matrix{x, dout} {
			f := m.Flat()
			for i := range f {
				if rng.IntN(3) == 0 {
					f[i] = special[rng.IntN(len(special))]
				} else {
					f[i] = rng.NormFloat64()
				}
			}
		}
		var want []float64
		for _, level := range simdLevels() {
			withSIMD(level, func() {
				var l ReLULayer
				got := append(l.Forward(x).Clone().Flat(), l.Backward(dout).Clone().Flat()...)
				if want == nil {
					want = got
					return
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
						t.Fatalf("%s ReLU %v: value %d = %v, want %v", simdNames[level], shape, i, got[i], want[i])
					}
				}
			})
		}
	}
}
