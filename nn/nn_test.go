package nn

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSoftmaxReference(t *testing.T) {
	got := Softmax([]float64{0.3, 2.9, 4.0})
	want := []float64{0.01821127, 0.24519181, 0.73659691}
	for i := range want {
		if !near(got[i], want[i], 5e-9) {
			t.Errorf("softmax([0.3 2.9 4.0])[%d] = %.8f, want %.8f", i, got[i], want[i])
		}
	}
}

func TestSoftmaxLargeInputsFinite(t *testing.T) {
	got := Softmax([]float64{1010, 1000, 990})
	sum := 0.0
	for _, v := range got {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("softmax([1010 1000 990]) = %v: not finite", got)
		}
		sum += v
	}
	if !near(sum, 1, 1e-12) || !(got[0] > got[1] && got[1] > got[2]) {
		t.Fatalf("softmax([1010 1000 990]) = %v: want a distribution in the same order", got)
	}
}

func TestSigmoidStable(t *testing.T) {
	for _, x := range []float64{-1000, -50, 0, 50, 1000} {
		s := Sigmoid(x)
		if math.IsNaN(s) || s < 0 || s > 1 {
			t.Errorf("Sigmoid(%g) = %g", x, s)
		}
	}
	if Sigmoid(0) != 0.5 || SigmoidGrad(0) != 0.25 {
		t.Errorf("Sigmoid(0), SigmoidGrad(0) = %g, %g; want 0.5, 0.25", Sigmoid(0), SigmoidGrad(0))
	}
}

func TestActivationDerivativesMatchNumerical(t *testing.T) {
	for _, a := range Activations[1:] { // Step has no useful derivative
		for _, x := range []float64{-3, -0.7, 0.4, 2.5} {
			num := NumericalGradient(func(v []float64) float64 { return a.F(v[0]) }, []float64{x})[0]
			if !near(a.Grad(x), num, 1e-7) {
				t.Errorf("%s'(%g) = %g, numerical %g", a.Name, x, a.Grad(x), num)
			}
		}
	}
}

func TestLossReferenceNumbers(t *testing.T) {
	y := []float64{0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0}
	t2 := OneHot([]int{2}, 10)[0]
	t7 := OneHot([]int{7}, 10)[0]
	cases := []struct {
		name      string
		got, want float64
	}{
		{"MSE, right class", MSE(y, t2), 0.0975},
		{"CE, right class", CrossEntropy(y, t2), 0.5108},
		{"MSE, wrong class", MSE(y, t7), 0.5975},
		{"CE, wrong class", CrossEntropy(y, t7), 2.3026},
	}
	for _, c := range cases {
		if !near(c.got, c.want, 5e-5) {
			t.Errorf("%s = %.4f, want %.4f", c.name, c.got, c.want)
		}
	}
	if ce := CrossEntropy([]float64{0, 1}, []float64{1, 0}); math.IsInf(ce, 0) || ce < 30 {
		t.Errorf("CrossEntropy at p = 0 is %g, want large and finite", ce)
	}
}

// fixedNetwork is the three-layer network of chapter 3 with hand-set weights.
func fixedNetwork() (w1, b1, w2, b2, w3, b3 Matrix) {
	return FromRows([][]float64{{0.1, 0.3, 0.5}, {0.2, 0.4, 0.6}}), RowVector(0.1, 0.2, 0.3),
		FromRows([][]float64{{0.1, 0.4}, {0.2, 0.5}, {0.3, 0.6}}), RowVector(0.1, 0.2),
		FromRows([][]float64{{0.1, 0.3}, {0.2, 0.4}}), RowVector(0.1, 0.2)
}

func TestFixedWeightNetwork(t *testing.T) {
	w1, b1, w2, b2, w3, b3 := fixedNetwork()
	x := RowVector(1.0, 0.5)
	a1 := AddRow(Dot(x, w1), b1)
	for j, want := range []float64{0.3, 0.7, 1.1} {
		if !near(a1[0][j], want, 1e-12) {
			t.Errorf("a1[%d] = %g, want %g", j, a1[0][j], want)
		}
	}
	z2 := AddRow(Dot(a1.Apply(Sigmoid), w2), b2)
	y := AddRow(Dot(z2.Apply(Sigmoid), w3), b3)
	for j, want := range []float64{0.31682708, 0.69627909} {
		if !near(y[0][j], want, 5e-9) {
			t.Errorf("y[%d] = %.8f, want %.8f", j, y[0][j], want)
		}
	}
}

func TestParamCounts(t *testing.T) {
	for _, c := range []struct {
		sizes []int
		want  int
	}{
		{[]int{784, 16, 16, 10}, 13002},
		{[]int{784, 25, 25, 10}, 20535},
		{[]int{784, 64, 64, 64, 10}, 59210},
		{[]int{784, 50, 100, 10}, 45360},
		{[]int{2, 50, 4}, 354},
	} {
		n, err := NewMLP(c.sizes, "relu", rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if got := n.ParamCount(); got != c.want {
			t.Errorf("ParamCount(%s) = %d, want %d", SizesString(c.sizes), got, c.want)
		}
		total := 0
		for _, p := range n.Params() {
			total += p.Value.Rows() * p.Value.Cols()
		}
		if total != c.want {
			t.Errorf("%s: Params hold %d numbers, want %d", SizesString(c.sizes), total, c.want)
		}
	}
}

func TestNewMLPRejectsBadInput(t *testing.T) {
	for _, c := range []struct {
		sizes []int
		act   string
	}{
		{[]int{784}, "relu"},
		{[]int{784, 0, 10}, "relu"},
		{[]int{784, -3, 10}, "relu"},
		{[]int{784, 10}, "swish"},
		{[]int{784, 65536, 65536, 10}, "relu"}, // 4 billion parameters
	} {
		if _, err := NewMLP(c.sizes, c.act, nil); err == nil {
			t.Errorf("NewMLP(%v, %q): no error", c.sizes, c.act)
		}
	}
}

func randomMatrix(rng *rand.Rand, r, c int) Matrix {
	m := New(r, c)
	for i := range m {
		for j := range m[i] {
			m[i][j] = rng.NormFloat64()
		}
	}
	return m
}

func TestDotShapeError(t *testing.T) {
	defer func() {
		msg := fmt.Sprint(recover())
		if !strings.Contains(msg, "2×3") || !strings.Contains(msg, "2×2") {
			t.Errorf("panic message %q should name both shapes", msg)
		}
	}()
	Dot(New(2, 3), New(2, 2))
}

// checkLayerGrad compares a layer's Backward with numerical gradients of
// L = Σ out ⊙ r for a fixed random r (so dL/dout = r).
func checkLayerGrad(t *testing.T, name string, l Layer, x Matrix, rng *rand.Rand) {
	t.Helper()
	out := l.Forward(x)
	r := randomMatrix(rng, out.Rows(), out.Cols())
	loss := func() float64 { return Hadamard(l.Forward(x), r).Sum() }
	l.Forward(x)
	dx := l.Backward(r)
	if dx != nil {
		dx = dx.Clone()
		if e := RelError(dx, NumericalGradientMatrix(loss, x)); e > 1e-7 {
			t.Errorf("%s: dx relative error %.2g", name, e)
		}
	}
	for _, p := range l.Params() {
		l.Forward(x)
		l.Backward(r)
		g := p.Grad.Clone()
		if e := RelError(g, NumericalGradientMatrix(loss, p.Value)); e > 1e-7 {
			t.Errorf("%s: d%s relative error %.2g", name, p.Name, e)
		}
	}
}

func TestLayerGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	d := NewDense(4, 3)
	d.W, d.B = randomMatrix(rng, 4, 3), randomMatrix(rng, 1, 3)
	checkLayerGrad(t, "Dense", d, randomMatrix(rng, 5, 4), rng)
	checkLayerGrad(t, "ReLU", &ReLULayer{}, randomMatrix(rng, 5, 4), rng)
	checkLayerGrad(t, "Sigmoid", &SigmoidLayer{}, randomMatrix(rng, 5, 4), rng)
	checkLayerGrad(t, "Tanh", &TanhLayer{}, randomMatrix(rng, 5, 4), rng)

	var s SoftmaxCrossEntropy
	z := randomMatrix(rng, 6, 4)
	tt := OneHot([]int{0, 3, 2, 1, 3, 0}, 4)
	s.Forward(z, tt)
	dz := s.Backward().Clone()
	num := NumericalGradientMatrix(func() float64 { return s.Forward(z, tt) }, z)
	if e := RelError(dz, num); e > 1e-7 {
		t.Errorf("SoftmaxCrossEntropy: relative error %.2g", e)
	}
}

func TestMLPGradientCheck(t *testing.T) {
	for _, act := range []string{"relu", "sigmoid", "tanh"} {
		rng := rand.New(rand.NewPCG(7, 8))
		n, _ := NewMLP([]int{6, 5, 4, 3}, act, rng)
		for _, d := range n.Dense() { // non-zero biases exercise db too
			for j := range d.B[0] {
				d.B[0][j] = 0.1 * rng.NormFloat64()
			}
		}
		x := randomMatrix(rng, 8, 6)
		tt := OneHot([]int{0, 1, 2, 0, 1, 2, 2, 1}, 3)
		n.Loss(x, tt)
		n.Backward()
		for _, p := range n.Params() {
			g := p.Grad.Clone()
			num := NumericalGradientMatrix(func() float64 { return n.Loss(x, tt) }, p.Value)
			if e := RelError(g, num); e > 1e-6 {
				t.Errorf("%s MLP: %s relative error %.2g", act, p.Name, e)
			}
		}
	}
}

func TestNumericalGradientReference(t *testing.T) {
	f := func(x []float64) float64 { return x[0]*x[0] + x[1]*x[1] }
	for _, c := range [][4]float64{{3, 4, 6, 8}, {0, 2, 0, 4}, {3, 0, 6, 0}} {
		g := NumericalGradient(f, []float64{c[0], c[1]})
		if !near(g[0], c[2], 1e-6) || !near(g[1], c[3], 1e-6) {
			t.Errorf("∇f(%g, %g) = %v, want (%g, %g)", c[0], c[1], g, c[2], c[3])
		}
	}
	x, path := GradientDescent(f, []float64{-3, 4}, 0.1, 100)
	if len(path) != 101 || !near(x[0], -6.1e-10, 0.05e-10) || !near(x[1], 8.1e-10, 0.05e-10) {
		t.Errorf("descent from (−3, 4): %v after %d points, want ≈ (−6.1e−10, 8.1e−10)", x, len(path))
	}
}

func TestAdamFirstStepMovesByLR(t *testing.T) {
	w := RowVector(1, -2, 3)
	g := RowVector(1e-3, -50, 7)
	p := []*Param{{Name: "w", Value: w, Grad: g}}
	NewAdam(0.001).Step(p)
	for j, start := range []float64{1, -2, 3} {
		step := math.Abs(w[0][j] - start)
		if !near(step, 0.001, 1e-6) {
			t.Errorf("Adam first step on w[%d] = %g, want ≈ lr = 0.001", j, step)
		}
	}
}

func TestOptimizersDescend(t *testing.T) {
	for _, name := range OptimizerNames {
		opt, err := NewOptimizer(name, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		w := RowVector(-7, 2)
		g := New(1, 2)
		p := []*Param{{Name: "xy", Value: w, Grad: g}}
		f := func() float64 { return w[0][0]*w[0][0]/20 + w[0][1]*w[0][1] }
		start := f()
		for range 50 {
			g[0][0], g[0][1] = w[0][0]/10, 2*w[0][1]
			opt.Step(p)
		}
		if f() >= start {
			t.Errorf("%s: f went from %g to %g", name, start, f())
		}
	}
	if _, err := NewOptimizer("lion", 0.1); err == nil {
		t.Error("NewOptimizer(lion): no error")
	}
	if _, err := NewOptimizer("sgd", -1); err == nil {
		t.Error("NewOptimizer with lr -1: no error")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n, _ := NewMLP([]int{12, 7, 5, 3}, "tanh", rng)
	for _, d := range n.Dense() {
		d.B[0][0] = rng.NormFloat64()
	}
	var buf bytes.Buffer
	if err := n.Save(&buf); err != nil {
		t.Fatal(err)
	}
	m, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	x := randomMatrix(rng, 9, 12)
	if !Equal(n.Predict(x), m.Predict(x)) {
		t.Error("loaded network predicts differently")
	}
	if m.Activation != "tanh" || SizesString(m.Sizes) != "12-7-5-3" {
		t.Errorf("loaded %s, want 12-7-5-3 tanh", m)
	}
}

func TestLoadRejectsBrokenFiles(t *testing.T) {
	n, _ := NewMLP([]int{3, 2, 2}, "relu", rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	n.Save(&buf)
	good := buf.String()
	cases := map[string]struct{ text, want string }{
		"empty":         {"", "ends early"},
		"not a model":   {"hello\n", "not a model file"},
		"new version":   {strings.Replace(good, "mlp 2", "mlp 3", 1), "version 3"},
		"truncated":     {good[:strings.Index(good, "b1")], "ends early"},
		"no end":        {strings.TrimSuffix(good, "end\n"), "ends early"},
		"bad number":    {strings.Replace(good, "b1 1 2\n0", "b1 1 2\nx", 1), "not a finite number"},
		"nan":           {strings.Replace(good, "b1 1 2\n0", "b1 1 2\nNaN", 1), "not a finite number"},
		"short row":     {strings.Replace(good, "b1 1 2\n0 0", "b1 1 2\n0", 1), "has 1 numbers, want 2"},
		"bad size":      {strings.Replace(good, "sizes 3 2 2", "sizes 3 0 2", 1), "layer size"},
		"huge size":     {strings.Replace(good, "sizes 3 2 2", "sizes 3 99999999 2", 1), "layer size"},
		"wrong shape":   {strings.Replace(good, "sizes 3 2 2", "sizes 3 4 2", 1), "should be"},
		"activation":    {strings.Replace(good, "activation relu", "activation swish", 1), "unknown activation"},
		"trailing text": {good + "more\n", "after \"end\""},
	}
	for name, c := range cases {
		_, err := Load(strings.NewReader(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, c.want)
		}
	}
}

func trainingStep(n *MLP, opt Optimizer, x, tt Matrix) float64 {
	loss := n.Loss(x, tt)
	n.Backward()
	opt.Step(n.Params())
	return loss
}

func TestTrainingStepAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	plain, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", rng)
	every, _ := Build(Architecture{Sizes: []int{784, 64, 64, 10}, Activation: "relu", BatchNorm: true, Dropout: 0.5, InputDropout: 0.2}, rng)
	every.WeightDecay = 1e-4
	x := randomMatrix(rng, 15, 784)
	tt := OneHot([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4}, 10)
	for _, c := range []struct {
		n   *MLP
		opt Optimizer
	}{{plain, NewAdam(0.001)}, {every, NewAdam(0.001)}, {every, NewAdamW(0.001, 0.01)}, {every, &Momentum{LR: 0.01, Mu: 0.9}}} {
		trainingStep(c.n, c.opt, x, tt)
		if a := testing.AllocsPerRun(20, func() { trainingStep(c.n, c.opt, x, tt) }); a > 0 {
			t.Errorf("%s, %T: a training step allocates %v times, want 0", c.n, c.opt, a)
		}
	}
}

func TestResultsIndependentOfCores(t *testing.T) {
	for _, a := range []Architecture{
		{Sizes: []int{784, 128, 64, 10}, Activation: "relu"},
		{Sizes: []int{784, 128, 64, 10}, Activation: "relu", BatchNorm: true, Dropout: 0.5, InputDropout: 0.2},
	} {
		run := func(procs int) []float64 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			rng := rand.New(rand.NewPCG(13, 14))
			n, _ := Build(a, rng)
			n.WeightDecay = 1e-3
			x := randomMatrix(rng, 256, 784)
			labels := make([]int, 256)
			for i := range labels {
				labels[i] = rng.IntN(10)
			}
			tt := OneHot(labels, 10)
			opt := NewAdamW(0.001, 0.01)
			var losses []float64
			for range 3 {
				losses = append(losses, trainingStep(n, opt, x, tt))
			}
			loss, _ := n.EvalLoss(x, labels)
			losses = append(losses, loss)
			for _, p := range n.Params() {
				losses = append(losses, elements(p.Value)...)
			}
			for _, l := range n.Layers {
				if bn, ok := l.(*BatchNorm); ok {
					losses = append(append(losses, elements(bn.RunningMean)...), elements(bn.RunningVar)...)
				}
			}
			return losses
		}
		one, four := run(1), run(4)
		for i := range one {
			if one[i] != four[i] {
				t.Fatalf("%s: GOMAXPROCS 1 and 4 differ at value %d: %v vs %v", SizesString(a.Sizes), i, one[i], four[i])
			}
		}
	}
}

func TestTrainingLearnsXOR(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	n, _ := NewMLP([]int{2, 8, 2}, "tanh", rng)
	x := FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	labels := []int{0, 1, 1, 0}
	tt := OneHot(labels, 2)
	opt := NewAdam(0.05)
	for range 500 {
		trainingStep(n, opt, x, tt)
	}
	if acc := n.Accuracy(x, labels); acc != 1 {
		t.Errorf("XOR accuracy after 500 Adam steps = %g, want 1", acc)
	}
}
