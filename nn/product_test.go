package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"nnfromscratch/nn/internal/fast"
)

// everyKernelSet runs f once with each kernel set of the fast path this
// machine has, the Go twins first.
func everyKernelSet(f func(name string)) {
	for _, l := range fast.Available() {
		old := fast.Use(l)
		f(l.String())
		fast.Use(old)
	}
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

// apart copies m into rows that are separate arrays, as a matrix written by
// hand (Matrix{{…}, {…}}) has them.
func apart(m Matrix) Matrix {
	out := make(Matrix, len(m))
	for i, row := range m {
		out[i] = append(make([]float64, 0, len(row)+1), row...)
	}
	return out
}

// firstDiff returns the first index where got and want differ in any bit,
// or −1 where none does.
func firstDiff(got, want []float64) int {
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			return i
		}
	}
	return -1
}

// sameBits reports the first element where a and b differ in any bit (two
// NaNs count as equal).
func sameBits(a, b Matrix) (int, int, bool) {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() {
		return -1, -1, false
	}
	for i := range a {
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if math.Float64bits(x) != math.Float64bits(y) && !(math.IsNaN(x) && math.IsNaN(y)) {
				return i, j, false
			}
		}
	}
	return 0, 0, true
}

// nanMatrix is an r×c matrix of NaNs: an operation that skips an element shows it.
func nanMatrix(r, c int) Matrix {
	m := New(r, c)
	for _, row := range m {
		for j := range row {
			row[j] = math.NaN()
		}
	}
	return m
}

// TestProductsEqualTeachingForms checks every operation into a destination
// against the teaching form it stands for, bit for bit, with every kernel
// set, on contiguous matrices and on matrices whose rows are separate
// arrays: Mul against Dot, MulAddRow against AddRow(Dot), MulAT and MulBT
// against Dot with a transpose, SumRowsOf, SumSquaredDeviationsOf and
// SumProductsOf against their sums written out as loops, ReLU against
// Apply(ReLU), ReLUMask against dout where out > 0 (else +0).
func TestProductsEqualTeachingForms(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, s := range [][3]int{{1, 1, 1}, {15, 784, 64}, {15, 64, 10}, {7, 13, 5}, {128, 64, 64}, {3, 1, 9}, {12, 3, 33}, {5, 2, 31}, {2, 17, 3}} {
		n, k, m := s[0], s[1], s[2]
		a, b, row := sparseMatrix(rng, n, k), sparseMatrix(rng, k, m), randomMatrix(rng, 1, m)
		x, dout := randomMatrix(rng, n, m), randomMatrix(rng, n, m)
		relu, mask := x.Apply(ReLU), New(n, m)
		for i := range mask {
			for j := range mask[i] {
				if relu[i][j] > 0 {
					mask[i][j] = dout[i][j]
				}
			}
		}
		// The column sums as their formulas read: Σ_i a_i, Σ_i (x_i − μ)²
		// and Σ_i x_i ⊙ dout_i, one term after another from 0.
		sums, devs, prods := New(1, k), New(1, m), New(1, m)
		for i := range n {
			for j := range k {
				sums[0][j] += a[i][j]
			}
			for j := range m {
				devs[0][j] += (x[i][j] - row[0][j]) * (x[i][j] - row[0][j])
				prods[0][j] += x[i][j] * dout[i][j]
			}
		}
		type hand = func(Matrix) Matrix // the identity, or apart
		cases := []struct {
			op   string
			got  func(h hand) Matrix
			want Matrix
		}{
			{"Mul", func(h hand) Matrix { return nanMatrix(n, m).Mul(h(a), h(b)) }, Dot(a, b)},
			{"MulAddRow", func(h hand) Matrix { return nanMatrix(n, m).MulAddRow(h(a), h(b), h(row)) }, AddRow(Dot(a, b), row)},
			{"MulAT", func(h hand) Matrix { return nanMatrix(n, m).MulAT(h(a.T()), h(b)) }, Dot(a, b)},
			{"MulBT", func(h hand) Matrix { return nanMatrix(n, m).MulBT(h(a), h(b.T())) }, Dot(a, b)},
			{"SumRowsOf", func(h hand) Matrix { return h(nanMatrix(1, k)).SumRowsOf(h(a)) }, sums},
			{"SumSquaredDeviationsOf", func(h hand) Matrix { return h(nanMatrix(1, m)).SumSquaredDeviationsOf(h(x), h(row)) }, devs},
			{"SumProductsOf", func(h hand) Matrix { return h(nanMatrix(1, m)).SumProductsOf(h(x), h(dout)) }, prods},
			{"ReLU", func(h hand) Matrix { return h(nanMatrix(n, m)).ReLU(h(x)) }, relu},
			{"ReLUMask", func(h hand) Matrix { return h(nanMatrix(n, m)).ReLUMask(h(dout), h(relu)) }, mask},
		}
		everyKernelSet(func(level string) {
			for _, c := range cases {
				for _, layout := range []string{"contiguous", "rows apart"} {
					h := func(m Matrix) Matrix { return m }
					if layout == "rows apart" {
						h = apart
					}
					got := c.got(h)
					if i, j, ok := sameBits(got, c.want); !ok {
						t.Errorf("%s %s %v, %s: %s, element [%d][%d] differs from %s", level, c.op, s, layout, got.Shape(), i, j, c.want.Shape())
					}
				}
			}
		})
	}
}

// TestProductErrors: a product of the wrong shapes, or into a destination
// whose rows are separate arrays, panics with a message that says so.
func TestProductErrors(t *testing.T) {
	for name, c := range map[string]struct {
		f    func()
		want string
	}{
		"Mul shapes":    {func() { New(2, 2).Mul(New(2, 3), New(2, 2)) }, "nn.Mul: 2×3 · 2×2 into 2×2: shapes not aligned"},
		"MulAT shapes":  {func() { New(3, 2).MulAT(New(4, 3), New(5, 2)) }, "nn.MulAT: 4×3ᵀ · 5×2 into 3×2: shapes not aligned"},
		"MulBT shapes":  {func() { New(4, 5).MulBT(New(4, 3), New(4, 3)) }, "nn.MulBT: 4×3 · 4×3ᵀ into 4×5: shapes not aligned"},
		"MulAddRow row": {func() { New(2, 2).MulAddRow(New(2, 3), New(3, 2), New(1, 3)) }, "row 1×3 cannot broadcast over 2×2"},
		"SumRowsOf":     {func() { New(1, 2).SumRowsOf(New(4, 3)) }, "do not fit 1×2"},
		"deviations":    {func() { New(1, 3).SumSquaredDeviationsOf(New(4, 3), New(1, 2)) }, "the means 1×2 do not fit the columns of 4×3"},
		"products":      {func() { New(1, 3).SumProductsOf(New(4, 3), New(3, 3)) }, "shapes 4×3 and 3×3 differ"},
		"ReLU shapes":   {func() { New(2, 2).ReLU(New(2, 3)) }, "shapes 2×2 and 2×3 differ"},
		"dst apart":     {func() { apart(New(2, 2)).Mul(New(2, 3), New(3, 2)) }, "must be made by nn.New"},
	} {
		func() {
			defer func() {
				if msg := fmt.Sprint(recover()); !strings.Contains(msg, c.want) {
					t.Errorf("%s: panic %q, want one containing %q", name, msg, c.want)
				}
			}()
			c.f()
		}()
	}
}

// TestTrainingSameBitsEverywhere trains article 002's network with Adam,
// and with batch normalisation and momentum, for two short epochs with
// every kernel set and GOMAXPROCS 1 and 2, every product, optimiser step and
// element-wise pass split across goroutines, one block per core and then in
// chunks: the losses and weights must agree bit for bit.
func TestTrainingSameBitsEverywhere(t *testing.T) {
	for _, bn := range []bool{false, true} {
		trainingSameBits(t, bn)
	}
}

func trainingSameBits(t *testing.T, bn bool) {
	var want []float64
	for _, c := range []struct {
		procs int
		mode  string
		force func() func()
	}{{1, "", fast.SplitAll}, {2, "in blocks", fast.SplitAll}, {2, "in chunks", fast.SplitAllInChunks}} {
		procs := c.procs
		restore := c.force()
		everyKernelSet(func(level string) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			rng := rand.New(rand.NewPCG(31, 32))
			n, _ := Build(Architecture{Sizes: []int{784, 64, 64, 64, 10}, Activation: "relu", BatchNorm: bn}, rng)
			x := mnistLike(rng, 60, 784)
			labels := make([]int, 60)
			for i := range labels {
				labels[i] = rng.IntN(10)
			}
			var opt Optimizer = NewAdam(0.001)
			if bn {
				opt = &Momentum{LR: 0.01, Mu: 0.9}
			}
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
				got = append(got, elements(p.Value)...)
			}
			if want == nil {
				want = got
				return
			}
			if i := firstDiff(got, want); i >= 0 {
				t.Fatalf("%s GOMAXPROCS %d %s, batch norm %v: value %d = %v, want %v (Go twins, GOMAXPROCS 1)", level, procs, c.mode, bn, i, got[i], want[i])
			}
		})
		restore()
	}
}

// TestAdamSameBitsEverywhere: Adam.Step's own loop (the Go twins in use)
// and its fused form give the same bits, before and after step 356 (from
// which 1 − 0.9ᵗ is exactly 1), on parameters of lengths around the vector
// widths, one of them large enough to be split.
func TestAdamSameBitsEverywhere(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	sizes := [][2]int{{1, 1}, {1, 3}, {1, 10}, {1, 64}, {784, 64}, {64, 10}, {300, 301}, {1024, 1024}}
	for _, from := range []int{0, 1000} {
		var want []float64
		everyKernelSet(func(level string) {
			rng := rand.New(rand.NewPCG(27, 28))
			var ps []*Param
			for i, s := range sizes {
				ps = append(ps, &Param{Name: fmt.Sprint(i), Value: randomMatrix(rng, s[0], s[1]), Grad: randomMatrix(rng, s[0], s[1])})
			}
			opt := NewAdam(0.01)
			opt.Step(ps)
			opt.t = from
			for range 3 {
				for _, p := range ps { // new gradients each step, some 0
					g := elements(p.Grad)
					for i := range g {
						g[i] = rng.NormFloat64()
						if i%5 == 0 {
							g[i] = 0
						}
					}
				}
				opt.Step(ps)
			}
			var got []float64
			for k, p := range ps {
				got = append(append(append(got, elements(p.Value)...), opt.m[k]...), opt.v[k]...)
			}
			if want == nil {
				want = got
				return
			}
			if i := firstDiff(got, want); i >= 0 {
				t.Fatalf("%s Adam from step %d: value %d = %v, want %v (Adam.Step's loop)", level, from, i, got[i], want[i])
			}
		})
	}
}

// TestMomentumSameBitsEverywhere: Momentum.Step's own loop (on one core)
// and its split form (on two, as the thresholds decide and with every split
// forced) give the same bits, on parameters small and large.
func TestMomentumSameBitsEverywhere(t *testing.T) {
	sizes := [][2]int{{1, 1}, {1, 10}, {784, 64}, {64, 10}, {300, 301}, {800, 800}}
	var want []float64
	for _, c := range []struct {
		procs int
		force func() func()
	}{{1, nil}, {2, nil}, {2, fast.SplitAll}, {3, fast.SplitAllInChunks}} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.procs))
			if c.force != nil {
				defer c.force()()
			}
			rng := rand.New(rand.NewPCG(45, 46))
			var ps []*Param
			for i, s := range sizes {
				ps = append(ps, &Param{Name: fmt.Sprint(i), Value: randomMatrix(rng, s[0], s[1]), Grad: randomMatrix(rng, s[0], s[1])})
			}
			opt := &Momentum{LR: 0.05, Mu: 0.9}
			for range 3 {
				opt.Step(ps)
				for _, p := range ps { // new gradients for the next step
					g := elements(p.Grad)
					for i := range g {
						g[i] = rng.NormFloat64()
					}
				}
			}
			var got []float64
			for k, p := range ps {
				got = append(append(got, elements(p.Value)...), opt.v[k]...)
			}
			if want == nil {
				want = got
				return
			}
			if i := firstDiff(got, want); i >= 0 {
				t.Fatalf("GOMAXPROCS %d: value %d = %v, want %v (Momentum.Step's loop)", c.procs, i, got[i], want[i])
			}
		}()
	}
}

// TestSplitStepAllocatesNothing is TestTrainingStepAllocatesNothing with
// every product, optimiser step and ReLU handed out to the helper
// goroutines.
func TestSplitStepAllocatesNothing(t *testing.T) {
	for _, force := range []func() func(){fast.SplitAll, fast.SplitAllInChunks} {
		restore := force()
		splitStepAllocatesNothing(t)
		restore()
	}
}

func splitStepAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	rng := rand.New(rand.NewPCG(37, 38))
	plain, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", rng)
	norm, _ := Build(Architecture{Sizes: []int{784, 64, 64, 10}, Activation: "relu", BatchNorm: true}, rng)
	x := randomMatrix(rng, 15, 784)
	tt := OneHot([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4}, 10)
	for _, c := range []struct {
		n   *MLP
		opt Optimizer
	}{{plain, NewAdam(0.001)}, {norm, &Momentum{LR: 0.01, Mu: 0.9}}} {
		trainingStep(c.n, c.opt, x, tt)
		if a := testing.AllocsPerRun(20, func() { trainingStep(c.n, c.opt, x, tt) }); a > 0 {
			t.Errorf("%s, %T: a split training step allocates %v times, want 0", c.n, c.opt, a)
		}
	}
}

// TestReplacedWeightsTrain: MLP.Params reads the layers' own parameters, so
// a Dense layer whose W is replaced by a new matrix trains the new one, and
// the optimiser sees it under the same name.
func TestReplacedWeightsTrain(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	n, _ := NewMLP([]int{6, 5, 3}, "tanh", rng)
	d := n.Dense()[1]
	d.W = randomMatrix(rng, 5, 3)
	replaced := d.W.Clone()
	x := randomMatrix(rng, 4, 6)
	opt := NewAdam(0.01)
	trainingStep(n, opt, x, OneHot([]int{0, 1, 2, 0}, 3))
	if Equal(d.W, replaced) {
		t.Error("after a training step the replaced W2 is unchanged: it is not being trained")
	}
	var names []string
	for _, p := range n.Params() {
		names = append(names, p.Name)
		if p.Name == "W2" && &p.Value[0][0] != &d.W[0][0] {
			t.Error("Params()'s W2 is not the layer's current W")
		}
	}
	if got := strings.Join(names, " "); got != "W1 b1 W2 b2" {
		t.Errorf("Params names %q, want \"W1 b1 W2 b2\"", got)
	}
}

// TestBatchNormSameBitsEverywhere runs batch normalisation forward and
// backward with every kernel set (its normalisation is vector code where the
// CPU has it): the outputs and gradients must agree bit for bit.
func TestBatchNormSameBitsEverywhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	x, dout := sparseMatrix(rng, 37, 70), sparseMatrix(rng, 37, 70)
	var want []float64
	everyKernelSet(func(level string) {
		l := NewBatchNorm(70)
		var got []float64
		for range 2 {
			got = append(got, elements(l.Forward(x))...)
			got = append(got, elements(l.Backward(dout))...)
			got = append(got, elements(l.DGamma)...)
			got = append(got, elements(l.DBeta)...)
			got = append(got, elements(l.RunningMean)...)
			got = append(got, elements(l.RunningVar)...)
		}
		if want == nil {
			want = got
			return
		}
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("%s: value %d = %v, want %v (Go twins)", level, i, got[i], want[i])
		}
	})
}
