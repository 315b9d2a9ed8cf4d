package fast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// withLevel runs f with the kernel set l.
func withLevel(l Level, f func()) {
	defer Use(Use(l))
	f()
}

// random is n values, normal with about a third of them 0 (as ReLU outputs
// and images have) and a few negative zeros.
func random(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		switch rng.IntN(6) {
		case 0, 1:
		case 2:
			v[i] = math.Copysign(0, -1)
		default:
			v[i] = rng.NormFloat64()
		}
	}
	return v
}

// reference is a·b for a n×k and b k×m, computed as nn.Dot computes it: the
// i-k-j loops, every term added in order.
func reference(a, b []float64, n, k, m int) []float64 {
	c := make([]float64, n*m)
	for i := range n {
		for p := range k {
			aip := a[i*k+p]
			for j := range m {
				c[i*m+j] += aip * b[p*m+j]
			}
		}
	}
	return c
}

// transposed returns xᵀ for x r×c.
func transposed(x []float64, r, c int) []float64 {
	t := make([]float64, len(x))
	for i := range r {
		for j := range c {
			t[j*r+i] = x[i*c+j]
		}
	}
	return t
}

// rowsOf returns x (r×c) as r separate slices, each in an array of its own
// with a few numbers more after it (which a product must not read), and
// in shuffled places, as the rows of a batch taken from a dataset are.
func rowsOf(rng *rand.Rand, x []float64, r, c int) [][]float64 {
	rows := make([][]float64, r)
	for _, i := range rng.Perm(r) {
		row := nans(c + 3)
		copy(row, x[i*c:(i+1)*c])
		rows[i] = row
	}
	return rows
}

// nans is n NaNs: a kernel that skips an element shows it.
func nans(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// differ returns the first index where got and want differ in any bit (two
// NaNs count as equal), or −1.
func differ(got, want []float64) int {
	if len(got) != len(want) {
		return 0
	}
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			return i
		}
	}
	return -1
}

// shapes are n×k·k×m products: edge sizes (0, 1, the vector widths 4 and 8
// and one either side, the 6- and 8-row blocks, 15, 784, widths a multiple
// of 512) and random ones.
func shapes(rng *rand.Rand) [][3]int {
	s := [][3]int{
		{1, 1, 1}, {1, 784, 64}, {15, 784, 64}, {15, 64, 64}, {15, 64, 10}, {64, 15, 64},
		{784, 15, 64}, {64, 15, 10}, {128, 64, 64}, {7, 13, 5}, {3, 1, 9}, {200, 300, 50},
		{6, 5, 32}, {12, 3, 33}, {5, 2, 31}, {13, 8, 7}, {1, 1, 100}, {2, 17, 3}, {11, 1, 8},
		{4, 0, 0}, {3, 7, 0}, {0, 0, 0}, {5, 0, 3}, {0, 4, 6},
		{13, 130, 512}, {24, 128, 1024}, {12, 200, 520}, // rows of b 4 KiB apart
		{260, 130, 512}, {257, 128, 520}, {80, 128, 512}, {96, 130, 520}, // and 80 rows of c or more: b copied to panels
		{255, 64, 40}, {255, 63, 40}, {256, 64, 40}, // b's rows asked for ahead below 256 rows and from 64 terms
	}
	// Every number of rows left after the last whole block of rows, for the
	// 16-wide kernel (8-row blocks: 10 and 16 columns) and the 32-wide one
	// (6-row blocks: 40 columns, a 32-wide block and a narrow one).
	for n := 1; n <= 17; n++ {
		s = append(s, [3]int{n, 9, 10}, [3]int{n, 5, 16}, [3]int{n, 7, 40})
	}
	for range 40 {
		s = append(s, [3]int{1 + rng.IntN(40), 1 + rng.IntN(70), 1 + rng.IntN(90)})
	}
	return s
}

// TestProductsSameBitsEverywhere checks Mul (with and without bias), MulAT
// and MulBT with every kernel set this machine has (the Go twins first)
// against the plain loops of nn.Dot, bit for bit, on one goroutine (each
// product whole, as the kernels see it when nothing is split) and on as
// many as the test may use.
func TestProductsSameBitsEverywhere(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	productsSameBits(t)
	runtime.GOMAXPROCS(runtime.NumCPU())
	productsSameBits(t)
}

func productsSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, s := range shapes(rng) {
		n, k, m := s[0], s[1], s[2]
		a, b, bias := random(rng, n*k), random(rng, k*m), random(rng, m)
		at, bt := transposed(a, n, k), transposed(b, k, m)
		arows, atrows := rowsOf(rng, a, n, k), rowsOf(rng, at, k, n)
		want := reference(a, b, n, k, m)
		wantBias := append([]float64(nil), want...)
		for i := range wantBias {
			wantBias[i] += bias[i%m]
		}
		for _, l := range Available() {
			withLevel(l, func() {
				for _, c := range []struct {
					op        string
					run       func(c []float64)
					wantOfRun []float64
				}{
					{"Mul", func(c []float64) { Mul(c, a, b, nil, n, k, m) }, want},
					{"Mul+bias", func(c []float64) { Mul(c, a, b, bias, n, k, m) }, wantBias},
					{"MulAT", func(c []float64) { MulAT(c, at, b, n, k, m) }, want},
					{"MulBT", func(c []float64) { MulBT(c, a, bt, n, k, m) }, want},
					{"MulBT bᵀ copied", func(c []float64) { defer swapBTAs(1)(); MulBT(c, a, bt, n, k, m) }, want},
					{"MulBT as cᵀ = b·aᵀ", func(c []float64) { defer swapBTAs(2)(); MulBT(c, a, bt, n, k, m) }, want},
					{"MulRows", func(c []float64) { MulRows(c, arows, b, nil, n, k, m) }, want},
					{"MulRows+bias", func(c []float64) { MulRows(c, arows, b, bias, n, k, m) }, wantBias},
					{"MulATRows", func(c []float64) { MulATRows(c, atrows, b, n, k, m) }, want},
				} {
					got := nans(n * m)
					c.run(got)
					if i := differ(got, c.wantOfRun); i >= 0 {
						t.Errorf("%s GOMAXPROCS %d %s %d×%d·%d×%d: element %d = %v, want %v", l, runtime.GOMAXPROCS(0), c.op, n, k, k, m, i, got[i], c.wantOfRun[i])
					}
				}
			})
		}
	}
}

// TestGatheredRowsSameBits checks MulATRows when it copies the rows into
// one array first (for AVX-512 only the large products do), with every
// kernel set, against nn.Dot's loops.
func TestGatheredRowsSameBits(t *testing.T) {
	defer func(w int) { gatherMinWork = w }(gatherMinWork)
	gatherMinWork = 1
	rng := rand.New(rand.NewPCG(23, 24))
	for _, s := range shapes(rng) {
		n, k, m := s[0], s[1], s[2]
		a, b := random(rng, n*k), random(rng, k*m)
		atrows := rowsOf(rng, transposed(a, n, k), k, n)
		want := reference(a, b, n, k, m)
		for _, l := range Available() {
			withLevel(l, func() {
				if s := spareRows.Load(); s != nil { // no numbers left from the last copy
					copy(*s, nans(len(*s)))
				}
				got := nans(n * m)
				MulATRows(got, atrows, b, n, k, m)
				if i := differ(got, want); i >= 0 {
					t.Errorf("%s MulATRows %d×%d·%d×%d: element %d = %v, want %v", l, n, k, k, m, i, got[i], want[i])
				}
			})
		}
	}
}

// swapBTAs makes MulBT copy bᵀ (mode 1) or compute cᵀ = b·aᵀ (mode 2)
// until restore is called.
func swapBTAs(mode int) (restore func()) {
	old := swapBTMode
	swapBTMode = mode
	return func() { swapBTMode = old }
}

// splitModes are the ways tests force work to be split across goroutines:
// "" (as the thresholds decide), whole blocks and in chunks.
var splitModes = map[string]func() func(){"": nil, "blocks": SplitAll, "chunks": SplitAllInChunks}

// TestProductsSplitSameBits forces every product to be split across
// goroutines, whole blocks and in chunks, with GOMAXPROCS 1, 2, 3 and 8, and
// checks the bits do not change.
func TestProductsSplitSameBits(t *testing.T) { everySplit(t, productsSplitSameBits) }

// everySplit runs f as a subtest once for each way of forcing a split.
func everySplit(t *testing.T, f func(t *testing.T)) {
	for mode, force := range splitModes {
		if force != nil {
			t.Run(mode, func(t *testing.T) {
				defer force()()
				f(t)
			})
		}
	}
}

func productsSplitSameBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, s := range [][3]int{{15, 784, 64}, {128, 784, 64}, {784, 128, 64}, {9, 500, 100}, {300, 200, 33}} {
		n, k, m := s[0], s[1], s[2]
		a, b := random(rng, n*k), random(rng, k*m)
		at, bt := transposed(a, n, k), transposed(b, k, m)
		arows, atrows := rowsOf(rng, a, n, k), rowsOf(rng, at, k, n)
		want := reference(a, b, n, k, m)
		for _, l := range Available() {
			for _, procs := range []int{1, 2, 3, 8} {
				withLevel(l, func() {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					for op, run := range map[string]func(c []float64){
						"Mul":       func(c []float64) { Mul(c, a, b, nil, n, k, m) },
						"MulAT":     func(c []float64) { MulAT(c, at, b, n, k, m) },
						"MulBT":     func(c []float64) { MulBT(c, a, bt, n, k, m) },
						"MulBT bᵀ":  func(c []float64) { defer swapBTAs(1)(); MulBT(c, a, bt, n, k, m) },
						"MulBT cᵀ":  func(c []float64) { defer swapBTAs(2)(); MulBT(c, a, bt, n, k, m) },
						"MulRows":   func(c []float64) { MulRows(c, arows, b, nil, n, k, m) },
						"MulATRows": func(c []float64) { MulATRows(c, atrows, b, n, k, m) },
					} {
						got := nans(n * m)
						run(got)
						if i := differ(got, want); i >= 0 {
							t.Errorf("%s %v GOMAXPROCS %d %s: element %d = %v, want %v", l, s, procs, op, i, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// TestSplitProductAllocatesNothing: handing parts to the helper goroutines
// allocates nothing.
func TestSplitProductAllocatesNothing(t *testing.T) { everySplit(t, splitProductAllocatesNothing) }

func splitProductAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(25, 26))
	a, b, c := random(rng, 128*64), random(rng, 64*64), make([]float64, 128*64)
	w, g, m, v := random(rng, 4096), random(rng, 4096), make([]float64, 4096), make([]float64, 4096)
	step := func() {
		Mul(c, a, b, nil, 128, 64, 64)
		MulAT(c[:64*64], a, c, 64, 128, 64)
		MulBT(c, a, b, 128, 64, 64)
		MulBT(c[:15*64], a[:15*64], b, 15, 64, 64) // as cᵀ = b·aᵀ
		ReLU(c, a)
		ReLUMask(c, a, c)
		Adam(w, g, m, v, 64, AdamStep{LR: 0.001, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, C1: 0.1, C2: 0.001})
	}
	step()
	if allocs := testing.AllocsPerRun(20, step); allocs > 0 {
		t.Errorf("split products and Adam step allocate %v times, want 0", allocs)
	}
}

// TestTransposeSameEverywhere checks the copy of bᵀ that MulBT makes for the
// vector kernels, on shapes around their 8×8 blocks, whole and split across
// the cores.
func TestTransposeSameEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for _, s := range [][2]int{{1, 1}, {8, 8}, {7, 9}, {9, 7}, {16, 24}, {64, 64}, {64, 10}, {10, 64}, {17, 33}, {784, 64}, {33, 17}, {203, 61}} {
		b := random(rng, s[0]*s[1])
		want := transposed(b, s[0], s[1])
		for _, l := range Available() {
			for _, whole := range []bool{true, false} {
				withLevel(l, func() {
					if !whole {
						defer SplitAll()()
						defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
					}
					got := nans(len(b))
					transpose(got, b, s[0], s[1])
					if i := differ(got, want); i >= 0 {
						t.Errorf("%s transpose of %d×%d (whole %v): element %d = %v, want %v", l, s[0], s[1], whole, i, got[i], want[i])
					}
				})
			}
		}
	}
}

// TestReLUSameBitsEverywhere checks ReLU and ReLUMask against max(x, 0) and
// dout ⊙ [out > 0] on lengths around the vector widths, with −0, NaN,
// infinities and subnormals.
func TestReLUSameBitsEverywhere(t *testing.T) { reluSameBits(t) }

// TestReLUSplitSameBits is the same with ReLU and ReLUMask split across
// goroutines, as long batches are.
func TestReLUSplitSameBits(t *testing.T) {
	everySplit(t, func(t *testing.T) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
		reluSameBits(t)
	})
}

func reluSameBits(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, -1e-320, 2, -2}
	for _, n := range []int{0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 45, 63, 960, 1280} {
		rng := rand.New(rand.NewPCG(39, uint64(n)))
		x, dout := make([]float64, n), make([]float64, n)
		for _, v := range [][]float64{x, dout} {
			for i := range v {
				if rng.IntN(3) == 0 {
					v[i] = special[rng.IntN(len(special))]
				} else {
					v[i] = rng.NormFloat64()
				}
			}
		}
		wantOut, wantGrad := make([]float64, n), make([]float64, n)
		for i, v := range x {
			wantOut[i] = max(v, 0)
			if wantOut[i] > 0 {
				wantGrad[i] = dout[i]
			}
		}
		for _, l := range Available() {
			withLevel(l, func() {
				out, grad := nans(n), nans(n)
				ReLU(out, x)
				ReLUMask(grad, dout, out)
				if i := differ(out, wantOut); i >= 0 {
					t.Errorf("%s ReLU, length %d: element %d = %v, want %v", l, n, i, out[i], wantOut[i])
				}
				if i := differ(grad, wantGrad); i >= 0 {
					t.Errorf("%s ReLUMask, length %d: element %d = %v, want %v", l, n, i, grad[i], wantGrad[i])
				}
			})
		}
	}
}

// TestAdamSameBitsEverywhere checks the vector Adam step against its Go
// twin on lengths around the vector widths, split and not, before and after
// step 356 (from which 1−β1ᵗ is exactly 1), with gradients whose square
// under- or overflows, NaN and infinity.
func TestAdamSameBitsEverywhere(t *testing.T) {
	withLevel(Portable, func() {
		if Adam(nil, nil, nil, nil, 0, AdamStep{}) {
			t.Error("Adam reports a step done with the Go twins in use: the caller's loop would not run")
		}
	})
	const beta1, beta2, lr, eps = 0.9, 0.999, 0.01, 1e-8
	special := []float64{1e-160, -1e-170, 3e-200, 1e-300, 5e-324, 1e160, 1e200, math.NaN(), math.Inf(-1)}
	// train runs steps from+1 … from+4 on copies of w, m, v, with the vector
	// kernels of l, or with the Go twin when l is Portable.
	train := func(l Level, split string, from int, w, m, v []float64) [3][]float64 {
		w, m, v = append([]float64(nil), w...), append([]float64(nil), m...), append([]float64(nil), v...)
		for step := from + 1; step <= from+4; step++ {
			g := random(rand.New(rand.NewPCG(29, uint64(step))), len(w))
			copy(g[min(8*(step-from), len(g)):], special[step-from:])
			s := AdamStep{LR: lr, Beta1: beta1, Beta2: beta2, Eps: eps,
				C1: 1 - math.Pow(beta1, float64(step)), C2: 1 - math.Pow(beta2, float64(step))}
			if l == Portable {
				k := s.constants()
				adamGo(w, g, m, v, &k)
				continue
			}
			withLevel(l, func() {
				if force := splitModes[split]; force != nil {
					defer force()()
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
				}
				cols := len(w)
				if len(w)%64 == 0 {
					cols = 64 // a matrix of rows 64 wide: two blocks of columns
				}
				if !Adam(w, g, m, v, cols, s) {
					t.Fatalf("%s: Adam did not run", l)
				}
			})
		}
		return [3][]float64{w, m, v}
	}
	for _, n := range []int{1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 640, 50176, 90300} {
		rng := rand.New(rand.NewPCG(27, uint64(n)))
		w, m, v := random(rng, n), random(rng, n), random(rng, n)
		for i := range v {
			v[i] *= v[i] // v holds squares
		}
		for _, from := range []int{0, 1000} {
			want := train(Portable, "", from, w, m, v)
			for _, l := range Available()[1:] {
				for split := range splitModes {
					got := train(l, split, from, w, m, v)
					for q, name := range []string{"w", "m", "v"} {
						if i := differ(got[q], want[q]); i >= 0 {
							t.Fatalf("%s Adam, length %d, from step %d, split %q: %s[%d] = %v, want %v (Go twin)",
								l, n, from, split, name, i, got[q][i], want[q][i])
						}
					}
				}
			}
		}
	}
}

// TestDivisionByReciprocal checks, on many numbers, the arithmetic fact the
// vector Adam step relies on to replace v/c by multiplications (see
// kernels_amd64.s): with y = 1/c rounded, q = v·y and r = v − c·q (exact, by
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

// TestLevels checks the names of the kernel sets and that the environment
// switches were obeyed when the package started.
func TestLevels(t *testing.T) {
	if got := fmt.Sprint(Available()[0]); got != "go" {
		t.Errorf("Available()[0] = %s, want go", got)
	}
	if envSet("NNFS_NOASM") && level != Portable {
		t.Errorf("NNFS_NOASM is set, but the kernel set in use is %s", level)
	}
	if envSet("NNFS_NOAVX512") && level == AVX512 {
		t.Error("NNFS_NOAVX512 is set, but the kernel set in use is avx512")
	}
	if !envSet("NNFS_NOASM") && !envSet("NNFS_NOAVX512") && level != detect() {
		t.Errorf("kernel set in use %s, but this machine has %s", level, detect())
	}
}

// TestNormalizeSameBitsEverywhere checks Normalize against the loop of
// BatchNorm.Forward, bit for bit, on one row and on many (split across the
// cores when large), every width around the kernel's 8 lanes.
func TestNormalizeSameBitsEverywhere(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, -1e-320, 1e300}
	for _, rows := range []int{1, 3, 90} {
		for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 800} {
			rng := rand.New(rand.NewPCG(41, uint64(n)))
			in := [][]float64{random(rng, rows*n), random(rng, n), random(rng, n), random(rng, n), random(rng, n)} // x, mean, std, gamma, beta
			for q := range in {
				for j := range in[q] {
					if rng.IntN(4) == 0 {
						in[q][j] = special[rng.IntN(len(special))]
					}
				}
			}
			x, mean, std, gamma, beta := in[0], in[1], in[2], in[3], in[4]
			wantXhat, wantY := make([]float64, rows*n), make([]float64, rows*n)
			for i, v := range x {
				j := i % n
				wantXhat[i] = (v - mean[j]) / std[j]
				wantY[i] = gamma[j]*wantXhat[i] + beta[j]
			}
			for _, l := range Available() {
				withLevel(l, func() {
					xhat, y := nans(rows*n), nans(rows*n)
					if !Normalize(xhat, y, x, n, mean, std, gamma, beta) {
						if l == AVX512 {
							t.Fatalf("%s: Normalize did not run", l)
						}
						return // the caller's loop is the twin
					}
					if i := differ(xhat, wantXhat); i >= 0 {
						t.Errorf("%s Normalize, %d×%d: xhat[%d] = %v, want %v", l, rows, n, i, xhat[i], wantXhat[i])
					}
					if i := differ(y, wantY); i >= 0 {
						t.Errorf("%s Normalize, %d×%d: y[%d] = %v, want %v", l, rows, n, i, y[i], wantY[i])
					}
				})
			}
		}
	}
}

// TestColumnsSameBitsEverywhere checks ColumnSums, ColumnDeviations and
// ColumnDots against nn's loops (BatchNorm, SumRowsOf), bit for bit, on
// every width around the kernel's 8- and 32-column blocks, with special
// numbers among the inputs (−0, NaN, ±Inf, subnormals).
func TestColumnsSameBitsEverywhere(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, -1e-320, 1e300}
	for _, rows := range []int{0, 1, 2, 15, 128} {
		for _, cols := range []int{0, 1, 7, 8, 9, 31, 32, 33, 64, 65, 100, 600} {
			rng := rand.New(rand.NewPCG(43, uint64(rows*1000+cols)))
			in := [][]float64{random(rng, rows*cols), random(rng, rows*cols), random(rng, cols)} // a, b, mean
			for q := range in {
				for j := range in[q] {
					if rng.IntN(8) == 0 {
						in[q][j] = special[rng.IntN(len(special))]
					}
				}
			}
			a, b, mean := in[0], in[1], in[2]
			want := [3][]float64{make([]float64, cols), make([]float64, cols), make([]float64, cols)}
			for i := range rows {
				row, brow := a[i*cols:(i+1)*cols], b[i*cols:(i+1)*cols]
				for j, v := range row {
					want[0][j] += v
					want[1][j] += (v - mean[j]) * (v - mean[j])
					want[2][j] += v * brow[j]
				}
			}
			for _, l := range Available() {
				withLevel(l, func() {
					for q, run := range []func(sums []float64) bool{
						func(sums []float64) bool { return ColumnSums(sums, a, rows, cols) },
						func(sums []float64) bool { return ColumnDeviations(sums, a, mean, rows, cols) },
						func(sums []float64) bool { return ColumnDots(sums, a, b, rows, cols) },
					} {
						got := append(nans(cols), math.NaN()) // one more, which must stay as it is
						if !run(got[:cols]) {
							if l == AVX512 {
								t.Fatalf("%s: column reduction %d did not run", l, q)
							}
							continue // the caller's loop is the twin
						}
						if i := differ(got[:cols], want[q]); i >= 0 {
							t.Errorf("%s column reduction %d, %d×%d: sums[%d] = %v, want %v", l, q, rows, cols, i, got[i], want[q][i])
						}
						if !math.IsNaN(got[cols]) {
							t.Errorf("%s column reduction %d, %d×%d: wrote past the end", l, q, rows, cols)
						}
					}
				})
			}
		}
	}
}

// TestNormalizeGradSameBitsEverywhere checks NormalizeGrad against the loop
// of BatchNorm.Backward, bit for bit, as TestNormalizeSameBitsEverywhere
// checks Normalize.
func TestNormalizeGradSameBitsEverywhere(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e-320, -1e-320, 1e300}
	for _, rows := range []int{1, 3, 90} {
		for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 800} {
			for _, count := range []float64{1, 15, 128, 3} {
				rng := rand.New(rand.NewPCG(47, uint64(n)))
				in := [][]float64{random(rng, rows*n), random(rng, rows*n), random(rng, n), random(rng, n), random(rng, n)} // dy, xhat, scale, meanDy, dgamma
				for q := range in {
					for j := range in[q] {
						if rng.IntN(4) == 0 {
							in[q][j] = special[rng.IntN(len(special))]
						}
					}
				}
				dy, xhat, scale, meanDy, dgamma := in[0], in[1], in[2], in[3], in[4]
				want := make([]float64, rows*n)
				for i, v := range dy {
					j := i % n
					want[i] = scale[j] * (v - meanDy[j] - xhat[i]*dgamma[j]/count)
				}
				for _, l := range Available() {
					withLevel(l, func() {
						got := nans(rows * n)
						if !NormalizeGrad(got, dy, xhat, n, scale, meanDy, dgamma, count) {
							if l == AVX512 {
								t.Fatalf("%s: NormalizeGrad did not run", l)
							}
							return
						}
						if i := differ(got, want); i >= 0 {
							t.Errorf("%s NormalizeGrad, %d×%d, count %v: dx[%d] = %v, want %v", l, rows, n, count, i, got[i], want[i])
						}
					})
				}
			}
		}
	}
}
